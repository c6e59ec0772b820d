#!/usr/bin/env bash
# Benchmarks of the decision-service (programs with printed results, not tests). Never run two at once; 2 cores. The
# script does not take the build lock itself: on a shared machine run it as `flock /tmp/mvn.lock scripts/bench-decision.sh`.
#
#   scripts/bench-decision.sh core  [GROUPS=5000] [LOCATIONS=5] [RESULTS=2000000]
#       latency of one result through the decision core, and the heap it holds (5000 x 2 targets x 5 locations = 10,000
#       targets x 5 locations)
#   scripts/bench-decision.sh kafka [RESULTS=1000000] [GROUPS=1000] [LOCATIONS=5]
#       throughput of the packaged decision-service reading probe results from a real local broker: loads the topic,
#       starts the service, and times how fast it works through them (from its own metrics); prints the CPU the service
#       and the broker used in that window (start-up excluded)
#   scripts/bench-decision.sh takeover [GROUPS=20] [HOURS=24] [CHANGES_PER_HOUR=6]
#       a takeover after HOURS of uptime (ADR 0007): fills one partition of failover.decision-state on an
#       in-JVM broker as HOURS of state publications for GROUPS groups would, once as before (every group every 5 s,
#       Kafka's default segments) and once as now (every 60 s heartbeat plus CHANGES_PER_HOUR changes per group, the
#       segment settings of TopicSetup), lets the log cleaner settle, and times the StateLoader's restore of it
#
# Environment:
#   KAFKA_PORT, KAFKA_CONTROLLER_PORT  the bench broker's ports (default 29092, 29093)
#   QUARKUS_HTTP_PORT                  the decision-service's HTTP port (default 28280; /q on management_port of it)
#   STACK_DIR                          broker data, logs and the topology (default <repo>/.stack-bench)
#   DECISION_JAVA_OPTS                 extra JVM options for the service, e.g. a JFR recording:
#                                      -XX:StartFlightRecording=filename=decision.jfr,settings=profile
#   SKIP_BUILD=1                       use the jars of the last build
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mode="${1:-core}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # a reactor build: sibling modules come from their target/, nothing is installed into ~/.m2
  mvn -B -q -o -DskipTests -pl decision-service -am package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
CP="decision-service/target/classes:decision-service/target/test-classes:$(cat decision-service/target/bench-classpath.txt)"

# CPU seconds (user + system) a process has used so far
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

case "$mode" in
core)
  java -Xmx2g -cp "$CP" dev.failover.decision.bench.CoreBenchmark "${2:-5000}" "${3:-5}" "${4:-2000000}"
  ;;
kafka)
  results="${2:-1000000}"; groups="${3:-1000}"; locations="${4:-5}"
  export STACK_DIR="${STACK_DIR:-$ROOT/.stack-bench}" KAFKA_PORT="${KAFKA_PORT:-29092}"
  export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29093}"
  http_port="${QUARKUS_HTTP_PORT:-28280}"
  # shellcheck source=lib/ports.sh
  source "$ROOT/scripts/lib/ports.sh"
  management="$(management_port "$http_port")" # where /q/metrics is (ADR 0034)
  rm -rf "$STACK_DIR/kafka"
  scripts/kafka.sh start
  scripts/dev-secrets.sh "$STACK_DIR/secrets" >/dev/null
  # `|| true`: the service ends on SIGTERM with 143, and under set -e a failing command in a trap ends the trap, which
  # left the broker running and the next run's start answered by it
  trap 'if [[ -n "${svc:-}" ]]; then kill "$svc" 2>/dev/null; wait "$svc" 2>/dev/null || true; fi; scripts/kafka.sh stop' EXIT
  broker=$(cat "$STACK_DIR/kafka/kafka.pid")
  topology="$STACK_DIR/bench-topology.yaml"
  java -cp "$CP" dev.failover.decision.bench.ResultProducer "127.0.0.1:$KAFKA_PORT" "$results" "$groups" "$locations" "$topology"
  # shellcheck source=lib/signing.sh
  source "$ROOT/scripts/lib/signing.sh"
  signing_keys "$STACK_DIR"
  # shellcheck disable=SC2086 # DECISION_JAVA_OPTS is a list of options
  KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" FAILOVER_TOPOLOGY_FILE="$topology" \
    FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" QUARKUS_HTTP_PORT="$http_port" \
    QUARKUS_MANAGEMENT_PORT="$management" QUARKUS_LOG_LEVEL=WARN \
    java -Xmx1g ${DECISION_JAVA_OPTS:-} -jar decision-service/target/quarkus-app/quarkus-run.jar >"$STACK_DIR/decision.log" 2>&1 &
  svc=$!
  count() {
    curl -fsS "http://127.0.0.1:$management/q/metrics" 2>/dev/null \
      | awk '/^failover_decision_results_(used|ignored)_total/ {s += $2} END {printf "%d", s}'
  }
  # The window runs from the first poll that sees results counted to the last poll that sees the count still short of
  # all of them: both ends inside the steady consumption, start-up and the tail after the last result left out. Polled
  # once a second, as a scrape costs the service CPU.
  until [[ "$(count)" -gt 0 ]]; do kill -0 "$svc" || { tail -20 "$STACK_DIR/decision.log"; exit 1; }; sleep 0.1; done
  start=$(date +%s.%N); first=$(count); svc_cpu0=$(cpu_seconds "$svc"); broker_cpu0=$(cpu_seconds "$broker")
  end=$start; last=$first; svc_cpu1=$svc_cpu0; broker_cpu1=$broker_cpu0
  while true; do
    sleep 1; kill -0 "$svc" || exit 1
    now=$(date +%s.%N); n=$(count); svc_cpu=$(cpu_seconds "$svc"); broker_cpu=$(cpu_seconds "$broker")
    [[ "$n" -ge "$results" ]] && break
    end=$now; last=$n; svc_cpu1=$svc_cpu; broker_cpu1=$broker_cpu
  done
  curl -fsS "http://127.0.0.1:$management/q/metrics" | grep -E '^failover_decision_results_(used|ignored)_total' | sort | uniq \
    | awk '{split($1, a, "{"); t[a[1]] += $2} END {for (k in t) printf "  %s %d\n", k, t[k]}'
  [[ "$last" -gt "$first" ]] || { echo "finished within a second of the first count: give it more RESULTS" >&2; exit 1; }
  awk -v n=$((last - first)) -v s="$start" -v e="$end" -v sc="$(echo "$svc_cpu1 - $svc_cpu0" | bc)" \
    -v bc="$(echo "$broker_cpu1 - $broker_cpu0" | bc)" 'BEGIN {
    w = e - s
    printf "decision-service consumed %d probe results in %.1f s: %.0f results/s\n", n, w, n / w
    printf "CPU in that window: service %.1f s (%.2f cores), broker %.1f s (%.2f cores), of 2 cores\n", sc, sc / w, bc, bc / w }'
  ;;
takeover)
  for mode in before after; do
    java -Xmx2g -cp "$CP" dev.failover.decision.store.TakeoverBenchmark "$mode" "${2:-20}" "${3:-24}" "${4:-6}" 2>&1 \
      | grep -E "^(before|after):|restored partitions"
  done
  ;;
*) echo "usage: $0 core|kafka|takeover [...]" >&2; exit 2 ;;
esac

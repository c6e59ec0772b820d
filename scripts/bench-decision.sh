#!/usr/bin/env bash
# Benchmarks of the decision-service (programs with printed results, not tests). Never run two at once; 2 cores.
#
#   scripts/bench-decision.sh core  [GROUPS=5000] [LOCATIONS=5] [RESULTS=2000000]
#       latency of one result through the decision core, and the heap it holds (5000 x 2 targets x 5 locations = 10,000
#       targets x 5 locations)
#   scripts/bench-decision.sh kafka [RESULTS=1000000] [GROUPS=1000] [LOCATIONS=5]
#       throughput of the packaged decision-service reading probe results from a real local broker: loads the topic,
#       starts the service, and times how fast it works through them (from its own metrics)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mode="${1:-core}"
mvn -B -q -DskipTests -pl decision-service -am install
mvn -B -q -pl decision-service test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test
CP="decision-service/target/classes:decision-service/target/test-classes:$(cat decision-service/target/bench-classpath.txt)"

case "$mode" in
core)
  java -Xmx2g -cp "$CP" dev.failover.decision.bench.CoreBenchmark "${2:-5000}" "${3:-5}" "${4:-2000000}"
  ;;
kafka)
  results="${2:-1000000}"; groups="${3:-1000}"; locations="${4:-5}"
  export STACK_DIR="$ROOT/.stack-bench" KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093
  rm -rf "$STACK_DIR/kafka"
  scripts/kafka.sh start
  trap 'kill "${svc:-0}" 2>/dev/null || true; scripts/kafka.sh stop' EXIT
  topology="$STACK_DIR/bench-topology.yaml"
  java -cp "$CP" dev.failover.decision.bench.ResultProducer "127.0.0.1:$KAFKA_PORT" "$results" "$groups" "$locations" "$topology"
  KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" FAILOVER_TOPOLOGY_FILE="$topology" \
    FAILOVER_JWT_PUBLIC_KEY="$ROOT/config/dev-jwt/public.pem" QUARKUS_HTTP_PORT=28280 QUARKUS_LOG_LEVEL=WARN \
    java -Xmx1g -jar decision-service/target/quarkus-app/quarkus-run.jar >"$STACK_DIR/decision.log" 2>&1 &
  svc=$!
  count() {
    curl -fsS http://127.0.0.1:28280/q/metrics 2>/dev/null \
      | awk '/^failover_decision_results_(used|ignored)_total/ {s += $2} END {printf "%d", s}'
  }
  until [[ "$(count)" -gt 0 ]]; do kill -0 "$svc" || { tail -20 "$STACK_DIR/decision.log"; exit 1; }; sleep 0.2; done
  start=$(date +%s.%N); first=$(count)
  while [[ "$(count)" -lt "$results" ]]; do kill -0 "$svc" || exit 1; sleep 0.5; done
  end=$(date +%s.%N); last=$(count)
  curl -fsS http://127.0.0.1:28280/q/metrics | grep -E '^failover_decision_results_(used|ignored)_total' | sort | uniq \
    | awk '{split($1, a, "{"); t[a[1]] += $2} END {for (k in t) printf "  %s %d\n", k, t[k]}'
  cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$svc/stat")
  awk -v n=$((last - first)) -v s="$start" -v e="$end" -v c="$cpu" 'BEGIN {
    printf "decision-service consumed %d probe results in %.1f s: %.0f results/s (service CPU so far %.1f s incl. start-up)\n", n, e - s, n / (e - s), c }'
  ;;
*) echo "usage: $0 core|kafka [...]" >&2; exit 2 ;;
esac

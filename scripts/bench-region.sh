#!/usr/bin/env bash
# A region's worth of groups failing over at once, end to end. A program with printed results, not a test; never run
# two benchmarks at once (two cores).
#
#   mvn -B -q -o -DskipTests package            # the jars it runs (scripts/aot-train.sh first for the AOT cache)
#   flock /tmp/mvn.lock scripts/bench-region.sh [GROUPS=1000] [RUNS=1]
#   DNS=rfc2136 flock /tmp/mvn.lock scripts/bench-region.sh [GROUPS=1000] [RUNS=1]     # BIND9 instead of Route 53
#   DNS=arc flock /tmp/mvn.lock scripts/bench-region.sh [GROUPS=150] [RUNS=1]           # ARC routing controls
#
# Per run, from an empty broker: Kafka, two demo backends (every group's primary target is a URL of the first, every
# secondary one of the second), the Route 53 fixture (failover-testkit's Route53Fixture: GROUPS weighted records in two
# hosted zones of one account, Throttling beyond ROUTE53_RPS requests a second), three probe-service locations probing
# every target every INTERVAL s, the decision-service and one actuator switching Route 53 through the real AWS SDK (its
# retries included) with an endpoint override and a budget of ROUTE53_RPS for one instance. After WARMUP s (the JIT
# compilers of six JVMs starting together on two cores take minutes; a plane in production has been up for days) and
# once the fixture has applied no change for SETTLE s (the plane idle), the primary backend starts failing every
# health check at once; the run ends when every group's record serves its secondary (or after TIMEOUT s).
# With DNS=rfc2136 the actuator switches BIND9 (scripts/bind.sh: every group's A record in one zone, bench.test, updates
# signed with TSIG) by RFC 2136 instead, with no request budget (ADR 0022); a group is served when BIND logs adding its
# secondary's address, and the requests counted are the UPDATE messages BIND applied. With DNS=arc it switches ARC
# routing controls (failover-testkit's ArcFixture: a cluster of five endpoints, 50 groups a control panel, ARC's quota
# of ARC_RPS mutating calls a second per endpoint with ThrottlingException beyond it); a group is served when its
# secondary's control is the only one On. ARC's quotas allow 300 routing controls a cluster (150 groups of two targets)
# and two clusters an account, so a region's worth of groups does not fit ARC: the run refuses more than 150.
# Prints failure -> decision published and failure -> served (p50/p95/max over the groups), failure -> decision made and
# made -> published (from the "N ms after it was made" of the decision-service's log), the Route 53 requests and
# throttles of that window, the CPU each service used in it and the CPU each used while idle before it, and the
# decision-service's held evaluations and ignored results by reason in the window (what held the decisions back).
# Each run's logs are kept in STACK_DIR/runs/RUN. The goal: every group served <= failuresToDown x interval + 10 s
# (16 s at 2 s), p50 <= detection + 3 s (9 s).
#
# MODE=plane replaces the three probe-service locations by one ProbeResultGenerator (failover-testkit): the very records
# a location publishes, at the same rates and phases, every primary DOWN at once when its backend fails; so the CPU of
# the window is the broker's, the decision-service's and the actuator's (in production each location runs in a region
# of its own). MODE=end-to-end (the default) runs the real probe locations.
#
# The load that production runs elsewhere (broker, generator, DNS server or fixture, backends) runs at nice LOAD_NICE
# (-10) while the plane runs at 0 (FAVOUR_LOAD=0 for all at 0): the figures are then the plane's, not the broker's
# wait for CPU (docs/benchmarks.md).
#
# Environment: MODE (end-to-end or plane), FAVOUR_LOAD (1), LOAD_NICE (-10), DNS (route53, rfc2136 or arc), ARC_RPS (3), INTERVAL (2), ROUTE53_RPS (5), WARMUP (120), SETTLE (15), TIMEOUT (180), STACK_DIR (<repo>/.stack-region),
# ports KAFKA_PORT/KAFKA_CONTROLLER_PORT (25092/25093), BACKEND_PORTS ("25081 25082"), PROBE_PORTS ("25181 25182
# 25183"), DECISION_PORT (25280), ACTUATOR_PORT (25380), ROUTE53_PORT (25053), BIND_PORT (25353); ACTUATOR_ENV, DECISION_ENV: more of
# their settings (e.g. DECISION_ENV="JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=settings=profile,filename=/tmp/d.jfr"
# and scripts/jfr-top.py --since <the failure's epoch ms> for a profile of the window).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GROUPS_N="${1:-1000}"
RUNS="${2:-1}"
INTERVAL="${INTERVAL:-2}"
ROUTE53_RPS="${ROUTE53_RPS:-5}"
WARMUP="${WARMUP:-120}"
SETTLE="${SETTLE:-15}"
TIMEOUT="${TIMEOUT:-180}"
DNS="${DNS:-route53}"
MODE="${MODE:-end-to-end}"
[[ "$MODE" =~ ^(plane|end-to-end)$ ]] || { echo "MODE must be plane or end-to-end, not '$MODE'" >&2; exit 2; }
ARC_RPS="${ARC_RPS:-3}"
FAVOUR_LOAD="${FAVOUR_LOAD:-1}" LOAD_NICE="${LOAD_NICE:--10}"
[[ "$DNS" =~ ^(route53|rfc2136|arc)$ ]] || { echo "DNS must be route53, rfc2136 or arc, not '$DNS'" >&2; exit 2; }
if [[ "$DNS" == arc ]] && ((GROUPS_N > 150)); then
  echo "DNS=arc: at most 150 groups (ARC's quota: 300 routing controls a cluster, two a group)" >&2; exit 2
fi
export BIND_PORT="${BIND_PORT:-25353}"
export STACK_DIR="${STACK_DIR:-$ROOT/.stack-region}"
export KAFKA_PORT="${KAFKA_PORT:-25092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-25093}"
BACKEND_PORTS="${BACKEND_PORTS:-25081 25082}" PROBE_PORTS="${PROBE_PORTS:-25181 25182 25183}"
DECISION_PORT="${DECISION_PORT:-25280}" ACTUATOR_PORT="${ACTUATOR_PORT:-25380}" ROUTE53_PORT="${ROUTE53_PORT:-25053}"
TOPOLOGY="$STACK_DIR/failover.yaml"
RECORDS="$STACK_DIR/$DNS-records.txt"
HELPER="$ROOT/scripts/lib/bench_region.py"
# shellcheck source=lib/stack.sh
source "$ROOT/scripts/lib/stack.sh"
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"

stack_needs
mkdir -p "$STACK_DIR"
read -r -a backends <<<"$BACKEND_PORTS"
read -r -a probes <<<"$PROBE_PORTS"
python3 "$HELPER" files "$GROUPS_N" "${backends[0]}" "${backends[1]}" "$INTERVAL" "$TOPOLOGY" "$RECORDS" "$DNS"
case "$DNS" in
  route53) SERVER_LOG="$LOGS/route53.log" ;;
  arc) SERVER_LOG="$LOGS/arc.log" ;;
  *) SERVER_LOG="$STACK_DIR/bind/named.log" ;;
esac

region_start() {
  mkdir -p "$PIDS" "$LOGS"
  rm -rf "$STACK_DIR/kafka/data"
  signing_keys "$STACK_DIR"
  "$ROOT/scripts/kafka.sh" start
  start_bg backend-primary java -cp "$(testkit_jar)" dev.failover.testkit.demo.DemoBackend primary "${backends[0]}"
  start_bg backend-secondary java -cp "$(testkit_jar)" dev.failover.testkit.demo.DemoBackend secondary "${backends[1]}"
  local dns_env
  if [[ "$DNS" == route53 ]]; then
    start_bg route53 java -cp "$(testkit_jar)" dev.failover.testkit.aws.Route53Fixture "$ROUTE53_PORT" "$ROUTE53_RPS" "$RECORDS"
    dns_env=(FAILOVER_DNS_PROVIDER=route53 FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE="http://127.0.0.1:$ROUTE53_PORT"
      FAILOVER_DNS_ROUTE53_BUDGET_ACCOUNT_REQUESTS_PER_SECOND="$ROUTE53_RPS" FAILOVER_DNS_ROUTE53_BUDGET_INSTANCES=1
      AWS_ACCESS_KEY_ID=AKIDBENCHREGION AWS_SECRET_ACCESS_KEY=not-a-secret)
  elif [[ "$DNS" == arc ]]; then
    # the fixture answers JSON with Jackson, which the testkit jar does not carry: the actuator's copy
    local jackson; jackson="$(printf '%s:' "$ROOT"/actuator-service/target/quarkus-app/lib/main/com.fasterxml.jackson.core.*.jar)"
    : >"$SERVER_LOG" # the endpoints below are this run's, never an earlier run's
    start_bg arc java -cp "$(testkit_jar):$jackson" dev.failover.testkit.aws.ArcFixture "$ARC_RPS" "$RECORDS"
    local tries=0
    until grep -q '^control-config ' "$SERVER_LOG" 2>/dev/null; do
      ((++tries < 100)) || { say "the ARC fixture did not start (log: $SERVER_LOG)" >&2; exit 1; }
      sleep 0.2
    done
    local regions=(ap-northeast-1 ap-southeast-2 eu-west-1 us-east-1 us-west-2) url i=0
    dns_env=() # the groups' routing controls are in the topology (arc)
    for url in $(awk '/^endpoint / {print $2}' "$SERVER_LOG"); do
      dns_env+=("failover.dns.arc.endpoints.${regions[$i]}=$url"); i=$((i + 1))
    done
    dns_env+=(FAILOVER_DNS_ARC_CONTROL_CONFIG_ENDPOINT_OVERRIDE="$(awk '/^control-config / {print $2}' "$SERVER_LOG")"
      FAILOVER_DNS_PROVIDER=dry-run AWS_ACCESS_KEY_ID=AKIDBENCHREGION AWS_SECRET_ACCESS_KEY=not-a-secret)
  else
    BIND_ZONE=bench.test BIND_RECORD="$(<"$RECORDS")" "$ROOT/scripts/bind.sh" start
    cp "$STACK_DIR/bind/named.pid.run" "$PIDS/bind.pid"
    dns_env=(FAILOVER_DNS_PROVIDER=rfc2136 FAILOVER_DNS_RFC2136_SERVER=127.0.0.1 FAILOVER_DNS_RFC2136_PORT="$BIND_PORT"
      FAILOVER_DNS_RFC2136_TSIG_KEY_NAME=failover-key FAILOVER_DNS_RFC2136_TSIG_SECRET="$("$ROOT/scripts/bind.sh" secret)")
  fi
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" FAILOVER_TOPOLOGY_FILE="$TOPOLOGY"
  local location i=0
  if [[ "$MODE" == plane ]]; then
    # the three locations' results from one small process (ProbeResultGenerator): the window's CPU is the plane's
    start_bg generator java -Xmx256m -XX:+UseSerialGC -cp "$(testkit_jar):$ROOT/probe-service/target/quarkus-app/lib/main/*" \
      dev.failover.testkit.bench.ProbeResultGenerator "$KAFKA_BOOTSTRAP_SERVERS" "$TOPOLOGY"
  else
    for location in loc-a loc-b loc-c; do
      # shellcheck disable=SC2046
      FAILOVER_LOCATION=$location QUARKUS_HTTP_PORT=${probes[$i]} \
        QUARKUS_MANAGEMENT_PORT="$(management_port "${probes[$i]}")" start_bg "probe-$location" \
        $(service_java probe-service)
      i=$((i + 1))
    done
  fi
  # shellcheck disable=SC2046
  FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" QUARKUS_HTTP_PORT=$DECISION_PORT \
    QUARKUS_MANAGEMENT_PORT="$(management_port "$DECISION_PORT")" \
    start_bg decision env ${DECISION_ENV:-} $(service_java decision-service)
  # shellcheck disable=SC2046
  FAILOVER_INSTANCE_ID=actuator-bench QUARKUS_HTTP_PORT=$ACTUATOR_PORT \
    QUARKUS_MANAGEMENT_PORT="$(management_port "$ACTUATOR_PORT")" \
    FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" \
    start_bg actuator env "${dns_env[@]}" ${ACTUATOR_ENV:-} $(service_java actuator-service)
  say "waiting for the services to be ready (logs in $LOGS)"
  if [[ "$MODE" != plane ]]; then
    wait_ready probe-loc-a "${probes[0]}"; wait_ready probe-loc-b "${probes[1]}"; wait_ready probe-loc-c "${probes[2]}"
  fi
  wait_ready decision "$DECISION_PORT"; wait_ready actuator "$ACTUATOR_PORT"
  ((FAVOUR_LOAD)) && favour_load
}

# The load production runs on machines of its own (the broker, the generator standing for the probe locations, the
# DNS server or AWS fixture, the demo backends) at a higher scheduling priority than the plane, so that the plane's
# figures are its own: on two cores shared with the plane, the broker's threads waited up to nine times what they ran
# (docs/benchmarks.md, "The broker is starved of CPU"). Nice is per thread in Linux, and a thread made later inherits
# its maker's, so every thread of theirs is reniced once they are up.
favour_load() {
  local s pid t
  for s in kafka generator route53 arc bind backend-primary backend-secondary; do
    [[ "$s" == kafka || -f "$PIDS/$s.pid" ]] || continue
    pid="$(process_pid "$s")"
    for t in /proc/"$pid"/task/*; do renice -n "$LOAD_NICE" -p "${t##*/}" >/dev/null 2>&1 || :; done
  done
  say "the load (broker, generator, DNS server, backends) runs at nice $LOAD_NICE, the plane at 0"
}

# the decision-service's metrics, on its management port (ADR 0034)
DECISION_METRICS="http://127.0.0.1:$(management_port "$DECISION_PORT")/q/metrics"
pid_of() { cat "$PIDS/$1.pid"; }
process_pid() { if [[ "$1" == kafka ]]; then cat "$STACK_DIR/kafka/kafka.pid"; else pid_of "$1"; fi; }
# state records the decision-service published so far (its failover_decision_state_published_total, every group)
state_records() {
  curl -fsS "$DECISION_METRICS" | awk '/^failover_decision_state_published_total/ {s += $2} END {printf "%d", s}'
}
case "$DNS" in route53 | arc) dns_server="$DNS" ;; *) dns_server=bind ;; esac
if [[ "$MODE" == plane ]]; then
  SERVICES=(generator decision actuator "$dns_server")
else
  SERVICES=(probe-loc-a probe-loc-b probe-loc-c decision actuator "$dns_server")
fi

trap 'say ""; say "stopping the stack"; stack_stop' EXIT
for run in $(seq 1 "$RUNS"); do
  say "=== run $run/$RUNS ($MODE mode): $GROUPS_N groups, probes every $INTERVAL s, $(case "$DNS" in route53) echo "Route 53 at $ROUTE53_RPS requests/s" ;; arc) echo "ARC at $ARC_RPS updates/s an endpoint" ;; *) echo "BIND9 by RFC 2136" ;; esac) ==="
  region_start
  say "warming up for $WARMUP s, then waiting until the fixture has applied no change for $SETTLE s"
  deadline=$((SECONDS + WARMUP + 600))
  sleep "$WARMUP"
  until python3 "$HELPER" settled "$SERVER_LOG" "$SETTLE"; do
    ((SECONDS < deadline)) || { say "the plane did not settle within 600 s (logs in $LOGS)" >&2; exit 1; }
    sleep 1
  done
  # each process's CPU seconds with the time they were read at, so that its share is over its own interval: on a busy
  # machine the readings (and the metrics scrape, kept outside them) take seconds of their own
  declare -A cpu_idle=() cpu_before=() at_idle=() at_before=()
  states_from="$(date +%s%3N)"
  states_idle="$(state_records)"
  for s in "${SERVICES[@]}" kafka; do
    cpu_idle[$s]="$(bench_cpu_seconds "$(process_pid "$s")")"; at_idle[$s]="$(date +%s%3N)"
  done
  sleep 10
  line="CPU share while idle (about 10 s before the failure):"
  for s in "${SERVICES[@]}" kafka; do
    cpu_before[$s]="$(bench_cpu_seconds "$(process_pid "$s")")"; at_before[$s]="$(date +%s%3N)"
    line+=" $s $(awk -v a="${cpu_idle[$s]}" -v b="${cpu_before[$s]}" -v t0="${at_idle[$s]}" -v t1="${at_before[$s]}" \
      'BEGIN {printf "%.2f", (b - a) * 1000 / (t1 - t0)}')"
  done
  say "$line"
  states_before="$(state_records)"
  curl -fsS "$DECISION_METRICS" >"$STACK_DIR/metrics-before.txt" || : >"$STACK_DIR/metrics-before.txt"
  say "state records published while idle: $((states_before - states_idle)) in $(( ($(date +%s%3N) - states_from) / 1000 )) s"
  t0="$(date +%s%3N)"
  curl -fsS -X POST "http://127.0.0.1:${backends[0]}/admin/fail" >/dev/null
  if python3 "$HELPER" wait-served "$SERVER_LOG" "$t0" "$GROUPS_N" "$TIMEOUT"; then ok=1; else ok=0; fi
  window=$(( $(date +%s%3N) - t0 ))
  python3 "$HELPER" report "$SERVER_LOG" "$t0" "$GROUPS_N" "$LOGS/decision.log" "$TIMEOUT"
  ((ok)) || say "NOT every group served within $TIMEOUT s (logs in $LOGS)"
  line="CPU seconds in the $((window / 1000)) s window:"
  for s in "${SERVICES[@]}" kafka; do
    line+=" $s $(awk -v a="${cpu_before[$s]}" -v b="$(bench_cpu_seconds "$(process_pid "$s")")" 'BEGIN {printf "%.1f", b - a}')"
  done
  say "$line"
  say "state records published in the window: $(( $(state_records) - states_before ))"
  if curl -fsS "$DECISION_METRICS" >"$STACK_DIR/metrics-after.txt"; then
    python3 "$HELPER" holds "$STACK_DIR/metrics-before.txt" "$STACK_DIR/metrics-after.txt"
  fi
  mkdir -p "$STACK_DIR/runs/$run" && cp "$LOGS"/*.log "$STACK_DIR/runs/$run/" # the next run starts new logs
  say "failure at epoch ms $t0; logs in $LOGS"
  stack_stop >/dev/null
done

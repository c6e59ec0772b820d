#!/usr/bin/env bash
# Failover time of the local stack, over many runs (the goal: failure -> new DNS answer p95 <= 3.5 s over 20 runs).
#
#   flock /tmp/mvn.lock scripts/bench-failover.sh [RUNS]      (default 20; build the jars first: mvn -B -q -DskipTests package)
#
# Starts the stack of scripts/demo.sh once (Kafka, BIND9, two demo backends, three probe locations, the decision-service,
# the actuator switching DNS by RFC 2136) on its own ports, then per run: fails the primary, times failure -> BIND
# answering the secondary (a DNS query every 20 ms), recovers the primary and waits for the failback answer. At the end
# it reads failover.decisions and failover.actuations and times decision -> DNS submitted from the record timestamps
# (a decision's record against the DNS_SWITCH SUCCEEDED record of the same decision), every decision, the first after
# start included. Prints p50/p95/p99/max of both. Each failure comes minDwellSeconds (5 s) after the last failback.
#
# The topology is config/failover.yaml (probes every 1 s, 3 failures to DOWN, quorum 2 of 3) with the backends on the
# bench's ports and, so that 20 runs fit in minutes and are not stopped by the flap guards meant for production: a
# failback hold-down of BENCH_HOLD_DOWN seconds (default 5; 15 in the demo), 1,000 switches per hour and per day allowed
# (the group's and the plane's daily budgets), no flap detection.
# Ports (override by env, below the kernel's ephemeral range 32768-60999): Kafka 24092/24093, BIND 24353, backends 24081/24082,
# probes 24181-24183, decision 24280,
# actuator 24380. STACK_DIR defaults to <repo>/.stack-bench.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-20}"
export STACK_DIR="${STACK_DIR:-$ROOT/.stack-bench}"
export KAFKA_PORT="${KAFKA_PORT:-24092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-24093}" BIND_PORT="${BIND_PORT:-24353}"
BACKEND_PORTS="${BACKEND_PORTS:-24081 24082}" PROBE_PORTS="${PROBE_PORTS:-24181 24182 24183}"
DECISION_PORT="${DECISION_PORT:-24280}" ACTUATOR_PORT="${ACTUATOR_PORT:-24380}"
HOLD_DOWN="${BENCH_HOLD_DOWN:-5}"
TOPOLOGY="$STACK_DIR/failover.yaml"
NAME=api.failover.test
PRIMARY_IP=127.0.0.11
SECONDARY_IP=127.0.0.12
# shellcheck source=lib/stack.sh
source "$ROOT/scripts/lib/stack.sh"
HELPER="$ROOT/scripts/lib/bench_failover.py"

stack_needs
mkdir -p "$STACK_DIR"
read -r -a backends <<<"$BACKEND_PORTS"
sed -e "s#127.0.0.1:18081#127.0.0.1:${backends[0]}#" -e "s#127.0.0.1:18082#127.0.0.1:${backends[1]}#" \
    -e "s#holdDownSeconds: 15#holdDownSeconds: $HOLD_DOWN#" \
    -e "s#maxSwitchesPerHour: 6#maxSwitchesPerHour: 1000#" \
    -e "s#    mode: live#    mode: live\n    safety: {maxSwitchesPerDay: 1000}#" \
    -e "s#minDwellSeconds: 5#minDwellSeconds: 5\n      flapTransitions: 0#" \
    -e "s#port: 15353#port: $BIND_PORT#" \
    "$ROOT/config/failover.yaml" > "$TOPOLOGY"
# the daily switch budgets (the group's 6, the plane's at least 10) would hold automation from the fourth failure on
printf 'safety:\n  maxSwitchesPerDay: 1000\n' >> "$TOPOLOGY"
DWELL="$(awk '/minDwellSeconds:/ {print $2; exit}' "$TOPOLOGY")"
trap 'say ""; say "stopping the stack"; stack_stop' EXIT
stack_start
stack_wait_ready

primary="http://127.0.0.1:${backends[0]}"
say "waiting for the first answer ($PRIMARY_IP)"
python3 "$HELPER" wait-answer "$BIND_PORT" "$NAME" "$PRIMARY_IP" 60 >/dev/null
: > "$STACK_DIR/failover-seconds"
: > "$STACK_DIR/observed-seconds"
VIEW="http://127.0.0.1:$DECISION_PORT/groups/demo-api"
VIEWER="$("$ROOT/scripts/token.sh" viewer bench)"
for run in $(seq 1 "$RUNS"); do
  # the failure after the group's minimum dwell since the failback (else the dwell, not detection, sets the time) and
  # at a random phase of the 1 s probe interval
  sleep "$DWELL.$((RANDOM % 10))"
  before="$(date +%s.%N)"
  seconds="$(python3 "$HELPER" wait-answer "$BIND_PORT" "$NAME" "$SECONDARY_IP" 60 "$primary/admin/fail")" \
    || { say "run $run: no failover answer within 60 s (logs in $LOGS)" >&2; exit 1; }
  echo "$seconds" >> "$STACK_DIR/failover-seconds"
  marks="$(python3 "$HELPER" observed "$VIEW" "$VIEWER" "$before" 30)" \
    || { say "run $run: the failover was not observed by the quorum of locations within 30 s" >&2; exit 1; }
  echo "$marks" >> "$STACK_DIR/observed-seconds"
  curl -fsS -X POST "$primary/admin/recover" >/dev/null
  back="$(python3 "$HELPER" wait-answer "$BIND_PORT" "$NAME" "$PRIMARY_IP" 120)" \
    || { say "run $run: no failback answer within 120 s (logs in $LOGS)" >&2; exit 1; }
  read -r to_decided to_served to_observed <<<"$marks"
  say "run $run/$RUNS: failure -> new DNS answer ${seconds} s; recovery -> failback answer ${back} s; the plane's marks:" \
    "failure -> decided ${to_decided} s, decision -> served ${to_served} s, failure -> observed ${to_observed} s"
done

dump() { # topic file
  java -cp "$STACK_DIR/kafka-lib/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "127.0.0.1:$KAFKA_PORT" --topic "$1" \
    --from-beginning --timeout-ms 5000 --property print.timestamp=true > "$2" 2>/dev/null || true
}
dump failover.decisions "$STACK_DIR/decisions.txt"
dump failover.actuations "$STACK_DIR/actuations.txt"
say ""
say "=== $RUNS runs (failback hold-down ${HOLD_DOWN} s) ==="
python3 "$HELPER" report "$STACK_DIR/failover-seconds" "$STACK_DIR/decisions.txt" "$STACK_DIR/actuations.txt" \
  "$STACK_DIR/observed-seconds"

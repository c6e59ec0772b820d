#!/usr/bin/env bash
# The actuator, black-box, on the running local stack (scripts/lib/stack.sh; build first with mvn -DskipTests package):
# a hand change before any decision is reported and left; it survives kill -9 and restart of the actuator (drift:
# report); the actuator API refuses unauthenticated writes; a drill whose target fails (TTL 60) is back on the primary
# within seconds. It prints what it sees with timings; it asserts nothing (the suite does).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export STACK_DIR="${STACK_DIR:-$ROOT/.stack-blackbox}"
TOPOLOGY="$STACK_DIR/topology.yaml"; mkdir -p "$STACK_DIR"
sed -e 's/ttl: 5/ttl: 60/' -e 's/    mode: live/    mode: live\n    drill: {enabled: true, durationMinutes: 30}/' "$ROOT/config/failover.yaml" > "$TOPOLOGY"
source "$ROOT/scripts/lib/stack.sh"
T0=$(date +%s.%N)
t() { awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $1}"; }
log() { printf '[t+%6ss] %s\n' "$(t $T0)" "$*"; }
NAME=api.failover.test.
AV() { curl -s -H "Authorization: Bearer $("$ROOT/scripts/token.sh" --actuator viewer bb)" "localhost:$ACTUATOR_PORT/groups/demo-api"; }
start_actuator() {
  FAILOVER_DNS_PROVIDER=rfc2136 FAILOVER_DNS_RFC2136_SERVER=127.0.0.1 FAILOVER_DNS_RFC2136_PORT=$BIND_PORT \
    FAILOVER_DNS_RFC2136_TSIG_KEY_NAME=failover-key FAILOVER_DNS_RFC2136_TSIG_SECRET="$("$ROOT/scripts/bind.sh" secret)" \
    FAILOVER_INSTANCE_ID=actuator-demo QUARKUS_HTTP_PORT=$ACTUATOR_PORT \
    QUARKUS_MANAGEMENT_PORT="$(management_port "$ACTUATOR_PORT")" \
    FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" FAILOVER_SWITCHOVER_TTL_FLOOR=1s \
    as_kafka_principal failover-actuator start_bg actuator $(service_java actuator-service)
}
nsu() { printf 'server 127.0.0.1 %s\nzone failover.test.\nupdate delete %s A\nupdate add %s 60 A %s\nsend\n' "$BIND_PORT" "$NAME" "$NAME" "$1" \
  | nsupdate -y "hmac-sha256:failover-key:$("$ROOT/scripts/bind.sh" secret)"; }
trap stack_stop EXIT
stack_start; stack_wait_ready
export FAILOVER_URL="http://127.0.0.1:$DECISION_PORT" FAILOVER_TOKEN="$("$ROOT/scripts/token.sh" operator bb)"
log "stack ready; DNS: $(answer_ttl $NAME)"
for i in $(seq 1 60); do [[ "$("$ROOT/scripts/failoverctl" status demo-api -o json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(all(t["health"]=="HEALTHY" for t in d["targets"]))' 2>/dev/null)" == True ]] && break; sleep 1; done
log "every target HEALTHY; actuator view: $(AV)"

echo "== 1. a change by hand before any failover"
nsu 127.0.0.99; HAND=$(date +%s.%N); log "nsupdate api -> 127.0.0.99"
for i in $(seq 1 40); do s=$(AV | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'); [[ $s == DRIFT ]] && break; sleep 0.5; done
log "actuator status $s after $(t $HAND) s: $(AV)"
sleep 12; log "after 12 s more, DNS: $(answer_ttl $NAME) (left as the person set it)"

echo "== 2. SIGKILL the actuator and restart it (drift: report)"
kill -9 "$(cat "$STACK_DIR/pids/actuator.pid")"; KILL=$(date +%s.%N); log "actuator killed (kill -9)"
start_actuator; wait_ready actuator "$ACTUATOR_PORT"; log "actuator restarted and ready after $(t $KILL) s"
sleep 15; log "15 s after ready: DNS $(answer_ttl $NAME); view: $(AV)"

echo "== 3. the actuator's API refuses unauthenticated writes"
log "retry, no token: $(curl -s -o /dev/null -w '%{http_code}' -X POST localhost:$ACTUATOR_PORT/groups/demo-api/retry)"
log "retry, garbage token: $(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer x.y.z' localhost:$ACTUATOR_PORT/groups/demo-api/retry)"
log "GET /groups, no token: $(curl -s -o /dev/null -w '%{http_code}' localhost:$ACTUATOR_PORT/groups)"
log "retry, viewer: $(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $("$ROOT/scripts/token.sh" --actuator viewer bb)" localhost:$ACTUATOR_PORT/groups/demo-api/retry)"
log "retry, operator: $(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $("$ROOT/scripts/token.sh" --actuator operator bb)" -H 'Content-Type: application/json' -d '{"reason": "blackbox"}' localhost:$ACTUATOR_PORT/groups/demo-api/retry)"
nsu 127.0.0.11; log "record set back by hand to the primary"
for i in $(seq 1 40); do s=$(AV | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'); [[ $s == CONVERGED ]] && break; sleep 0.5; done
log "status $s"

echo "== 4. a drill whose target dies, TTL 60"
"$ROOT/scripts/failoverctl" drill start demo-api --target secondary --reason "bb drill" | tail -2
for i in $(seq 1 120); do [[ "$(answer $NAME)" == 127.0.0.12 ]] && break; sleep 1; done
log "drill on the secondary: DNS $(answer_ttl $NAME)"
curl -s -X POST localhost:18082/admin/fail >/dev/null; FAIL=$(date +%s.%N); log "secondary failing (POST /admin/fail)"
for i in $(seq 1 300); do [[ "$(answer $NAME)" == 127.0.0.11 ]] && break; sleep 0.1; done
log "DNS back on the primary $(t $FAIL) s after the drill target failed: $(answer_ttl $NAME)"
"$ROOT/scripts/failoverctl" history demo-api 2>/dev/null | tail -4

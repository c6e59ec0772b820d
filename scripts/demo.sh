#!/usr/bin/env bash
# The local stack and a visible failover, with no Docker and no AWS account.
#
#   scripts/demo.sh           build, start everything, fail the primary, print the timeline, stop everything
#   scripts/demo.sh --keep    the same, but leave the stack running (stop it with: scripts/demo.sh stop)
#   scripts/demo.sh stop      stop exactly what a previous --keep run started (by PID)
#   scripts/demo.sh --data-tier   the data tier moves with the traffic (ADR 0020): a PostgreSQL primary and its streaming
#                             replica (:15432, :15433) under the two regions, a client writing rows without pause to the
#                             database the record names; the primary region fails (its backend and its database server,
#                             SIGQUIT by PID), the replica is promoted before DNS moves, and the client's RESULT line says
#                             how long writes failed and whether any acknowledged row is missing
#
# What runs: a Kafka broker (scripts/kafka.sh), a BIND9 named primary for failover.test (scripts/bind.sh, :15353), two
# demo regional backends (primary :18081, secondary :18082), three probe-service instances as locations loc-a/b/c
# (:8181-8183), the decision-service (:8280) and the actuator-service (:8380) switching api.failover.test by RFC 2136
# dynamic updates signed with TSIG, all on 127.0.0.1 and all against config/failover.yaml; each serves /q (health,
# metrics, OpenAPI) on its management port, its API's + 1000 (:9181-9183, :9280, :9380). After the failover and the
# failback, failoverctl shows the status, explains the failover and runs a planned switchover (TTL lowered, switch, TTL
# restored, as BIND answers) and its abort.
# Set DEMO_SKIP_BUILD=1 to reuse already built jars.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
TOPOLOGY="$ROOT/config/failover.yaml"
GROUP=demo-api
KEEP=0
T0=0
# shellcheck source=lib/stack.sh
source "$ROOT/scripts/lib/stack.sh"

stamp() { stamp_at "$(date +%s.%N)" "$*"; }
stamp_at() { printf '[t+%5.1fs] %s\n' "$(awk "BEGIN{print ($1 - $T0)}")" "$2"; } # stamp_at EPOCH_SECONDS TEXT

json() { # python expression over the parsed JSON on stdin, bound to d
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

DATA_TIER=0
case "${1:-}" in
  stop) stack_stop; exit 0 ;;
  --keep) KEEP=1 ;;
  --data-tier) DATA_TIER=1 ;;
  "") ;;
  *) say "usage: $0 [--keep | --data-tier] | stop" >&2; exit 2 ;;
esac

stack_needs
need mvn "install Maven (apt-get install maven)"
[[ $KEEP -eq 1 ]] || trap 'say ""; say "stopping the stack"; stack_stop' EXIT

if [[ "${DEMO_SKIP_BUILD:-0}" != 1 ]]; then
  say "building the services (mvn package, tests skipped; the test command runs them)"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi

if [[ $DATA_TIER -eq 1 ]]; then
  compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup' >/dev/null \
    || { say "--data-tier needs PostgreSQL's server binaries: apt-get install postgresql" >&2; exit 1; }
  # the topology with a database node per target (the pair's ports are fixed, so the file is written first) and a
  # data-loss budget; the actuator logs in to both as the pair's trusted user
  DB_PORTS=(15432 15433)
  mkdir -p "$STACK_DIR"
  TOPOLOGY="$STACK_DIR/failover-data-tier.yaml"
  python3 - "$ROOT/config/failover.yaml" "$TOPOLOGY" "${DB_PORTS[@]}" <<'PY'
import sys
source, out, east, west = sys.argv[1:]
text = open(source).read()
for ip, port, login in (("127.0.0.11", east, "east"), ("127.0.0.12", west, "west")):
    line = "          values: [%s]\n" % ip
    assert text.count(line) == 1, line
    text = text.replace(line, line + "        database: {kind: postgres, url: \"jdbc:postgresql://127.0.0.1:%s/app\", credentials: %s}\n"
                        % (port, login))
# the demo crashes the primary's server: a node that does not answer has stopped (ADR 0020; a partition would hold)
text = text.replace("    mode: live\n", "    mode: live\n    safety: {maxDataLossSeconds: 5, unreachablePrimary: promote-within-budget}\n", 1)
open(out, "w").write(text)
PY
  export ACTUATOR_ENV="failover.database.credentials.east.user=failover failover.database.credentials.west.user=failover failover.database.ssl-mode=disable"
fi

# every demo starts from an empty broker, so no state of an earlier run is restored
stack_start
if [[ $DATA_TIER -eq 1 ]]; then
  rm -f "$STACK_DIR/db.env"
  start_bg databases java -cp "$(testkit_jar)" dev.failover.testkit.demo.DemoDatabases "$STACK_DIR/db.env" "${DB_PORTS[@]}"
  deadline=$((SECONDS + 90))
  until [[ -s "$STACK_DIR/db.env" ]]; do
    kill -0 "$(cat "$PIDS/databases.pid")" 2>/dev/null || { say "the PostgreSQL pair did not start:" >&2; tail -n 30 "$LOGS/databases.log" >&2; exit 1; }
    ((SECONDS < deadline)) || { say "the PostgreSQL pair not up within 90 s ($LOGS/databases.log)" >&2; exit 1; }
    sleep 0.5
  done
  # shellcheck source=/dev/null
  source "$STACK_DIR/db.env"
  say "PostgreSQL: primary $DB_PRIMARY_URL (pid $DB_PRIMARY_PID), its synchronous streaming replica $DB_REPLICA_URL"
fi

if [[ -x /usr/bin/prometheus ]]; then
  mkdir -p "$STACK_DIR/prometheus"
  # every service on its management port, where /q is (ADR 0034)
  targets=""
  for port in $PROBE_PORTS $DECISION_PORT $ACTUATOR_PORT; do
    targets+="${targets:+, }'127.0.0.1:$(management_port "$port")'"
  done
  cat > "$STACK_DIR/prometheus/prometheus.yml" <<PROM
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ['$ROOT/monitoring/prometheus/failover-alerts.yml']
scrape_configs:
  - job_name: failover
    metrics_path: /q/metrics
    static_configs: [{targets: [$targets]}]
PROM
  start_bg prometheus /usr/bin/prometheus --config.file="$STACK_DIR/prometheus/prometheus.yml" \
    --storage.tsdb.path="$STACK_DIR/prometheus/data" --web.listen-address=127.0.0.1:19090
  PROMETHEUS_NOTE="Prometheus with the alert rules: http://127.0.0.1:19090/alerts"
else
  PROMETHEUS_NOTE="Prometheus is not installed (apt-get install prometheus) - the stack runs without it"
fi

stack_wait_ready
say "The operator page: http://127.0.0.1:8280/ui/  (sign in with a token: scripts/token.sh operator NAME)"

TOKEN="$("$ROOT/scripts/token.sh" viewer demo)"
group_json() { curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8280/groups/$GROUP"; }
active() { group_json | json 'd["activeTarget"]'; }
health() { group_json | json '" ".join(t["target"]+"="+t["health"] for t in d["targets"])'; }

since() { awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $1}"; }

# The data tier's failover: a client writes without pause; the primary region (backend and database) fails; the replica
# is promoted before DNS moves; the client's own figures say how long writes failed and what was lost.
data_tier_failover() {
  local pgjar writer_pid
  pgjar="$(ls "$ROOT"/actuator-service/target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar | head -n 1)"
  start_bg writer java -cp "$(testkit_jar):$pgjar" dev.failover.testkit.demo.DemoWriter "$BIND_PORT" api.failover.test \
    "$DB_USER" "127.0.0.11=$DB_PRIMARY_URL" "127.0.0.12=$DB_REPLICA_URL"
  writer_pid="$(cat "$PIDS/writer.pid")"
  sleep 3
  stamp "client writing to the database api.failover.test names: $(grep '^\[writer' "$LOGS/writer.log" | tail -n 1)"

  curl -fsS -X POST http://127.0.0.1:18081/admin/fail >/dev/null
  kill -QUIT "$DB_PRIMARY_PID"
  T0=$(date +%s.%N)
  FAILED_AT=$T0
  stamp "primary region FAILING now: its /health answers 503, its database server crashed (SIGQUIT to pid $DB_PRIMARY_PID)"
  local deadline=$((SECONDS + 60))
  while [[ "$(answer api.failover.test)" != "127.0.0.12" ]]; do
    ((SECONDS < deadline)) || { say "the DNS answer did not change within 60 s; see $LOGS/actuator.log" >&2; exit 1; }
    sleep 0.1
  done
  FAILOVER_S=$(since "$FAILED_AT")
  stamp "DNS: api.failover.test A $(answer api.failover.test)   <- switched $FAILOVER_S s after the failure, after the replica's promotion:"
  curl -fsS -H "Authorization: Bearer $("$ROOT/scripts/token.sh" --actuator viewer demo)" \
      'http://127.0.0.1:8380/actuations?limit=40' \
    | json '"\n".join("           actuator " + r["step"] + " " + r["status"] + ": " + r["details"] for r in reversed(d) if r["step"] == "DATABASE")'
  sleep 3
  kill "$writer_pid"
  for _ in $(seq 1 40); do kill -0 "$writer_pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$PIDS/writer.pid"
  say ""
  say "=== the client, second by second (scripts/demo.sh --data-tier; $LOGS/writer.log) ==="
  grep '^\[writer' "$LOGS/writer.log" | tail -n 12
  say ""
  say "=== failoverctl databases $GROUP ==="
  FAILOVER_ACTUATOR_TOKEN="$("$ROOT/scripts/token.sh" --actuator viewer demo)" "$ROOT/scripts/failoverctl" databases "$GROUP" \
    --actuator-url "http://127.0.0.1:$ACTUATOR_PORT"
  say ""
  say "RESULT failure_to_new_answer_seconds=$FAILOVER_S $(grep '^RESULT' "$LOGS/writer.log" | sed 's/^RESULT //')"
}

say ""
say "=== steady state ==="
deadline=$((SECONDS + 60))
until [[ "$(health)" == *"primary=HEALTHY"*"secondary=HEALTHY"* ]]; do
  ((SECONDS < deadline)) || { say "targets did not become HEALTHY within 60 s: $(health)" >&2; exit 1; }
  sleep 0.5
done
T0=$(date +%s.%N)
DEMO_STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ -d @$(( ${T0%.*} - 30 )))" # the what-if's window: from before the steady state
stamp "health by quorum of 3 locations: $(health); active target: $(active)"
stamp "DNS: api.failover.test A $(answer api.failover.test)   (dig @127.0.0.1 -p 15353)"

if [[ $DATA_TIER -eq 1 ]]; then
  data_tier_failover
  exit 0
fi

curl -fsS -X POST http://127.0.0.1:18081/admin/fail >/dev/null
T0=$(date +%s.%N)
FAILED_AT=$T0
stamp "primary FAILING now (its /health answers 503)"

# The figure is the DNS answer's: this loop asks BIND alone (dig, tens of ms). Asking the decision-service's API and
# reading its JSON each time (curl and python3, about 0.8 s a call on this machine) made the loop itself the slowest
# part of the measurement, and the first failover after a start looked 2 s slower than it was. What the plane did in
# between is read from its own record afterwards.
deadline=$((SECONDS + 60))
while [[ "$(answer api.failover.test)" != "127.0.0.12" ]]; do
  ((SECONDS < deadline)) || { say "the DNS answer did not change within 60 s; see $LOGS/actuator.log" >&2; exit 1; }
  sleep 0.05
done
FAILOVER_S=$(since "$FAILED_AT")
SWITCHED_AT=$(date +%s.%N)
decided="$(group_json | json 'next("%s %s" % (x["issuedAt"], x["epoch"]) for x in d["recentDecisions"] if x["kind"] == "FAILOVER")')"
stamp_at "$(date -d "${decided% *}" +%s.%N)" "decision: FAILOVER primary -> secondary (epoch ${decided#* }), as the decision record says"
stamp_at "$SWITCHED_AT" "DNS: api.failover.test A $(answer api.failover.test)   <- switched by an RFC 2136 update, $FAILOVER_S s after the failure"
change="$(curl -fsS -H "Authorization: Bearer $("$ROOT/scripts/token.sh" --actuator viewer demo)" \
    'http://127.0.0.1:8380/actuations?limit=20' \
    | json 'next(r["details"] for r in d if r["step"]=="VERIFY" and r["status"]=="SUCCEEDED")' 2>/dev/null || true)"
[[ -n "$change" ]] && stamp "actuator verified: $change"
# what clients are sent to (ADR 0026): every location asks its resolvers (config/failover.yaml's observers: here BIND
# itself) each second; the decision-service marks when the quorum of locations has them all answering the new target
observed=""
deadline=$((SECONDS + 30))
until [[ -n "$observed" ]]; do
  ((SECONDS < deadline)) || { say "the switch was not observed by the quorum of locations within 30 s; see $LOGS/decision.log" >&2; exit 1; }
  sleep 0.2
  observed="$(group_json | json '(lambda s: " ".join([s["quorumAt"], s["failedAt"], s["decidedAt"], s["servedAt"],
      str(len(s["observedAt"])), str(s["of"])]) if s.get("kind") == "FAILOVER" and s.get("quorumAt") and s.get("servedAt")
      else "")(
      (d.get("convergence") or {}).get("lastSwitch") or {})' 2>/dev/null || true)"
done
read -r quorum_at failed_at decided_at served_at seen_by of <<<"$observed"
secs() { awk "BEGIN{printf \"%.1f\", $(date -d "$2" +%s.%N) - $(date -d "$1" +%s.%N)}"; }
OBSERVED_S=$(secs "$failed_at" "$quorum_at")
stamp_at "$(date -d "$quorum_at" +%s.%N)" "observed: the resolvers of $seen_by of $of locations answer the secondary; failure (as the quorum saw it) -> decided $(secs "$failed_at" "$decided_at") s -> served $(secs "$failed_at" "$served_at") s -> observed by the quorum $OBSERVED_S s"

curl -fsS -X POST http://127.0.0.1:18081/admin/recover >/dev/null
RECOVERED_AT=$(date +%s.%N)
stamp "primary RECOVERED (its /health answers 200 again); failback waits for the hold-down (15 s in config/failover.yaml)"
deadline=$((SECONDS + 90))
while [[ "$(answer api.failover.test)" != "127.0.0.11" ]]; do
  ((SECONDS < deadline)) || { say "no failback within 90 s; see $LOGS/decision.log" >&2; exit 1; }
  sleep 0.2
done
stamp "decision: FAILBACK secondary -> primary ($(group_json | json '"epoch %s" % d["epoch"]'))"
FAILBACK_S=$(since "$RECOVERED_AT")
stamp "DNS: api.failover.test A $(answer api.failover.test)   <- back on the primary, $FAILBACK_S s after its recovery"

# The operator's side, with failoverctl (the CLI of the decision-service's API): what the plane sees, why it switched,
# and a planned switchover whose TTL steps show in BIND's answers.
export FAILOVER_URL="http://127.0.0.1:$DECISION_PORT" FAILOVER_TOKEN="$("$ROOT/scripts/token.sh" operator demo-operator)"
CTL="$ROOT/scripts/failoverctl"
say ""
say "=== failoverctl status $GROUP ==="
"$CTL" status "$GROUP"
FAILOVER_ID="$("$CTL" history "$GROUP" --output json \
  | json 'next(x["decisionId"] for x in d["decisions"] if x["kind"] == "FAILOVER")')"
say ""
say "=== failoverctl explain $GROUP $FAILOVER_ID   (why the failover happened) ==="
"$CTL" explain "$GROUP" "$FAILOVER_ID"

say ""
say "=== planned switchover: failoverctl switchover start $GROUP secondary ==="
T0=$(date +%s.%N)
seen="$(answer_ttl api.failover.test)"
sequence="$seen"
stamp "DNS: api.failover.test A $seen"
# the actuator starts lowering the TTL while the command returns: the answer before it is the sequence's first
"$CTL" switchover start "$GROUP" secondary --reason "demo: planned maintenance of the primary"
deadline=$((SECONDS + 60))
until [[ "$seen" == "127.0.0.12 ttl=5" ]]; do
  ((SECONDS < deadline)) || { say "the switchover did not complete within 60 s; see $LOGS/actuator.log" >&2; exit 1; }
  sleep 0.1
  now="$(answer_ttl api.failover.test)"
  if [[ -n "$now" && "$now" != "$seen" ]]; then
    seen="$now"; sequence="$sequence > $seen"
    case "$seen" in
      "127.0.0.11 ttl=1") stamp "DNS: api.failover.test A $seen   <- TTL lowered, still the primary; the old TTL is waited out" ;;
      "127.0.0.12 ttl=1") stamp "DNS: api.failover.test A $seen   <- switched at the TTL floor" ;;
      *) stamp "DNS: api.failover.test A $seen" ;;
    esac
  fi
done
stamp "switchover complete: TTL restored"
"$CTL" switchover abort "$GROUP" --reason "demo: maintenance over, back to the primary"
deadline=$((SECONDS + 60))
while [[ "$(answer api.failover.test)" != "127.0.0.11" ]]; do
  ((SECONDS < deadline)) || { say "traffic did not return to the primary within 60 s" >&2; exit 1; }
  sleep 0.2
done
stamp "DNS: api.failover.test A $(answer_ttl api.failover.test)   <- switchover aborted: back on the primary"

# A drill: planned like a switchover, ended by the operator, and the signed report an auditor keeps: Markdown
# to read (its timeline is a Mermaid chart) and the signed JSON, checked offline against the deployment's public keys
say ""
say "=== drill: failoverctl drill start $GROUP --target secondary, then drill end; failoverctl report ==="
T0=$(date +%s.%N)
"$CTL" drill start "$GROUP" --target secondary --reason "demo: quarterly DR drill"
deadline=$((SECONDS + 60))
until [[ "$(answer api.failover.test)" == "127.0.0.12" ]]; do
  ((SECONDS < deadline)) || { say "the drill did not move traffic within 60 s; see $LOGS/actuator.log" >&2; exit 1; }
  sleep 0.1
done
stamp "DNS: api.failover.test A $(answer_ttl api.failover.test)   <- drill on the secondary"
DRILL_ID="$("$CTL" history "$GROUP" --output json | json 'next(x["decisionId"] for x in d["decisions"] if x["kind"] == "DRILL_START")')"
"$CTL" drill end "$GROUP" --reason "demo: drill done"
deadline=$((SECONDS + 60))
while [[ "$(answer api.failover.test)" != "127.0.0.11" ]]; do
  ((SECONDS < deadline)) || { say "the drill's end did not bring traffic back within 60 s" >&2; exit 1; }
  sleep 0.2
done
stamp "DNS: api.failover.test A $(answer_ttl api.failover.test)   <- drill ended: back on the primary"
# the report once the resolvers of the quorum of locations saw the drill's switch
deadline=$((SECONDS + 30))
until "$CTL" report "$GROUP" "$DRILL_ID" 2>/dev/null | grep -q "observed by the quorum"; do
  ((SECONDS < deadline)) || break
  sleep 0.5
done
"$CTL" report "$GROUP" "$DRILL_ID" > "$LOGS/drill-report.md"
"$CTL" report "$GROUP" "$DRILL_ID" -o json > "$LOGS/drill-report.json"
stamp "drill report: $LOGS/drill-report.md (the signed JSON: $LOGS/drill-report.json)"
sed -n '/^## Stages/,/^## Why/p' "$LOGS/drill-report.md" | grep '^|' | sed 's/^/    /'
"$CTL" report verify "$LOGS/drill-report.json" --trusted-keys "$FAILOVER_SIGNING_TRUSTED_KEYS_DIR"

# What-if (ADR 0027): tune before it matters. A 1.5-second blip of the primary, which the current policy (3 failures to
# DOWN, 1 s apart) rides out; then the run's own recorded probe results are replayed through the decision core with a
# proposed topology that fails over on the first failure: a false failover on the blip, a faster detection of the outage.
# (The demo heals its outage seconds after the failover, so by the what-if's yardstick, the old target serving again
# within 30 s, both policies count that failover as avoidable too; a real outage lasts longer.)
say ""
say "=== what-if: a 1.5 s blip of the primary, then failoverctl whatif --topology proposed.yaml (failuresToDown 3 -> 1) ==="
curl -fsS -X POST http://127.0.0.1:18081/admin/fail >/dev/null
sleep 1.5
curl -fsS -X POST http://127.0.0.1:18081/admin/recover >/dev/null
stamp "primary blipped for 1.5 s; active target: $(active)"
sleep 3
sed 's/failuresToDown: 3/failuresToDown: 1/' "$TOPOLOGY" > "$STACK_DIR/proposed.yaml"
"$CTL" whatif --topology "$STACK_DIR/proposed.yaml" --from "$DEMO_STARTED" --group "$GROUP" --svg "$LOGS/whatif.svg" \
    --timeout 60s -o json > "$LOGS/whatif.json"
WHATIF="$(json '" ".join("%s_%s=%s" % (p, k, g[p][k] if g[p][k] is not None else "none") for g in d["groups"] for p in ("current", "proposed") for k in ("switches", "falseFailovers", "medianDetectionMs"))' < "$LOGS/whatif.json")"
"$CTL" whatif --topology "$STACK_DIR/proposed.yaml" --from "$DEMO_STARTED" --group "$GROUP" --timeout 60s | sed 's/^/    /'
stamp "what-if: the table above, the timeline in $LOGS/whatif.svg"

say ""
say "RESULT failure_to_new_answer_seconds=$FAILOVER_S recovery_to_failback_answer_seconds=$FAILBACK_S failure_to_observed_seconds=$OBSERVED_S"
say "WHATIF $WHATIF"
say "SWITCHOVER $sequence"
if [[ $KEEP -eq 1 ]]; then
  decision_management="$(management_port "$DECISION_PORT")"
  say ""
  say "The stack keeps running. Try:"
  say "  http://127.0.0.1:8280/ui/ in a browser, signed in with the token of: scripts/token.sh operator me"
  say "  export FAILOVER_TOKEN=\$(scripts/token.sh operator me)"
  say "  scripts/failoverctl status                                # every group; watch, explain, history, pin, switchover, ..."
  say "  curl -s -H \"Authorization: Bearer \$(scripts/token.sh viewer me)\" localhost:8280/groups | python3 -m json.tool"
  say "  curl -s -X POST -H \"Authorization: Bearer \$(scripts/token.sh operator me)\" -H 'Content-Type: application/json' \\"
  say "       -d '{\"reason\":\"trying the API\"}' localhost:8280/groups/$GROUP/pause   # pause automation"
  say "  curl -s localhost:$decision_management/q/openapi                         # the override API (management port)"
  say "  dig @127.0.0.1 -p 15353 api.failover.test A +short        # the switched record"
  say "  $PROMETHEUS_NOTE"
  say "  curl -s -H \"Authorization: Bearer \$(scripts/token.sh --actuator viewer me)\" localhost:8380/actuations \\"
  say "       | python3 -m json.tool                              # actuator step results"
  say "  curl -s localhost:8181/targets                            # probe view of loc-a"
  say "  curl -s localhost:$decision_management/q/metrics | grep failover_          # metrics (management port)"
  say "  curl -X POST localhost:18081/admin/recover                 # heal the primary"
  say "Stop it with: scripts/demo.sh stop"
fi

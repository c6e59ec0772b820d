# Sourced by the benchmark scripts (scripts/bench-peer.sh, scripts/bench-probe.sh): the probe-service bench stack's parts, so every probe
# benchmark starts the same backend, topology and packaged service. The caller sets STACK_DIR and traps its own clean-up.

# shellcheck source=ports.sh
source "$ROOT/scripts/lib/ports.sh"

# bench_cpu_seconds PID: user + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15).
bench_cpu_seconds() {
  local stat rest
  stat="$(<"/proc/$1/stat")"
  rest="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $rest
  echo "$(( ${12} + ${13} ))" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", $1 / hz}'
}

# bench_now: wall-clock seconds with nanoseconds.
bench_now() { date +%s.%N; }

# bench_start_backend PORT: the demo backend (failover-testkit) as every probe's target, waited for until it listens;
# sets BENCH_BACKEND_PID. The JDK's HttpServer binds without SO_REUSEADDR, so right after a run the port can stay taken
# for up to a minute by that run's connections in TIME_WAIT: the bind is retried for 90 s, then the start fails.
bench_start_backend() {
  local jar deadline=$((SECONDS + 90))
  jar="$(ls -t "$ROOT"/failover-testkit/target/failover-testkit-*.jar | grep -v -- -sources | head -1)"
  while :; do
    java -cp "$jar" dev.failover.testkit.demo.DemoBackend bench "$1" >"$STACK_DIR/backend.log" 2>&1 &
    BENCH_BACKEND_PID=$!
    until grep -q "listening on" "$STACK_DIR/backend.log" || ! kill -0 "$BENCH_BACKEND_PID" 2>/dev/null; do sleep 0.1; done
    grep -q "listening on" "$STACK_DIR/backend.log" && return 0
    if grep -q "Address already in use" "$STACK_DIR/backend.log" && ((SECONDS < deadline)); then sleep 1; continue; fi
    cat "$STACK_DIR/backend.log" >&2; return 1
  done
}

# bench_write_topology TARGETS BACKEND_PORT FILE: TARGETS http targets (TARGETS/2 groups of two) at a 1 s interval, each
# a distinct URL on the backend, 500 ms connect and 900 ms probe timeout.
bench_write_topology() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
n, port, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = ["version: 1", "locations: [loc-a]", "groups:"]
for g in range(n // 2):
    lines += [f"  - id: g-{g}", f"    dns: {{zone: bench.test., name: g{g}.bench.test., ttl: 30}}", "    targets:"]
    for t in ("primary", "secondary"):
        lines.append(f"      - {{id: {t}, region: r, probe: {{type: http, url: \"http://127.0.0.1:{port}/health?g={g}&t={t}\", "
                     f"intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}}, dns: {{values: [192.0.2.1]}}}}")
open(path, "w").write("\n".join(lines) + "\n")
PY
}

# bench_start_probe_service TOPOLOGY HTTP_PORT KAFKA_PORT: the packaged probe-service, waited for until /q/metrics
# answers on its management port (management_port HTTP_PORT); sets BENCH_PROBE_PID.
bench_start_probe_service() {
  FAILOVER_LOCATION=loc-a FAILOVER_TOPOLOGY_FILE="$1" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$3" \
    QUARKUS_HTTP_PORT="$2" QUARKUS_MANAGEMENT_PORT="$(management_port "$2")" QUARKUS_LOG_LEVEL=WARN MALLOC_ARENA_MAX=2 \
    java "@$ROOT/probe-service/src/main/jvm/jvm.options" -jar "$ROOT/probe-service/target/quarkus-app/quarkus-run.jar" \
    >"$STACK_DIR/probe.log" 2>&1 &
  BENCH_PROBE_PID=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$(management_port "$2")/q/metrics" 2>/dev/null; do
    kill -0 "$BENCH_PROBE_PID" 2>/dev/null || { tail -20 "$STACK_DIR/probe.log" >&2; return 1; }
    sleep 0.5
  done
}

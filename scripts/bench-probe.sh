#!/usr/bin/env bash
# Probe-service benchmark (a program with printed results, not a test). Never run it beside another build; 2 cores.
#
#   scripts/bench-probe.sh [TARGETS=1000] [SECONDS=60]
#
# 1. The packaged probe-service probes TARGETS local HTTP targets at a 1 s interval for SECONDS (after a 15 s warm-up),
#    publishing to a local broker: schedule lateness p99 from its own histogram, probes/s and probes per CPU-second.
# 2. Prometheus blackbox_exporter (Debian package prometheus-blackbox-exporter) probes the same targets at the same
#    rate, driven like Prometheus would: probes per CPU-second of the exporter, and the ratio.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
targets="${1:-1000}"; seconds="${2:-60}"
command -v prometheus-blackbox-exporter >/dev/null || { echo "install prometheus-blackbox-exporter (apt-get)" >&2; exit 1; }
mvn -B -q -DskipTests -pl probe-service -am install
mvn -B -q -pl probe-service test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test
CP="probe-service/target/test-classes:$(cat probe-service/target/bench-classpath.txt)"
export STACK_DIR="$ROOT/.stack-bench" KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093
mkdir -p "$STACK_DIR"
rm -rf "$STACK_DIR/kafka"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/kafka.sh stop; }
trap cleanup EXIT
scripts/kafka.sh start
java -cp "$(ls failover-testkit/target/failover-testkit-*.jar | head -1)" dev.failover.testkit.demo.DemoBackend bench 28081 \
  >"$STACK_DIR/backend.log" 2>&1 &
pids+=($!)

topology="$STACK_DIR/probe-bench-topology.yaml"
python3 - "$targets" "$topology" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
lines = ["version: 1", "locations: [loc-a]", "groups:"]
for g in range(n // 2):
    lines += [f"  - id: g-{g}", f"    dns: {{zone: bench.test., name: g{g}.bench.test., ttl: 30}}", "    targets:"]
    for t in ("primary", "secondary"):
        lines.append(f"      - {{id: {t}, region: r, probe: {{type: http, url: \"http://127.0.0.1:28081/health?g={g}&t={t}\", "
                     f"intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}}, dns: {{values: [192.0.2.1]}}}}")
open(path, "w").write("\n".join(lines) + "\n")
PY

metrics() { curl -fsS http://127.0.0.1:28180/q/metrics; }
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
FAILOVER_LOCATION=loc-a FAILOVER_TOPOLOGY_FILE="$topology" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
  QUARKUS_HTTP_PORT=28180 QUARKUS_LOG_LEVEL=WARN java -Xmx512m -jar probe-service/target/quarkus-app/quarkus-run.jar \
  >"$STACK_DIR/probe.log" 2>&1 &
probe=$!; pids+=($probe)
until metrics >/dev/null 2>&1; do kill -0 "$probe" || { tail -20 "$STACK_DIR/probe.log"; exit 1; }; sleep 0.5; done
sleep 15
metrics >"$STACK_DIR/m0.txt"; c0=$(cpu "$probe"); t0=$(date +%s.%N)
sleep "$seconds"
metrics >"$STACK_DIR/m1.txt"; c1=$(cpu "$probe"); t1=$(date +%s.%N)
kill "$probe"
python3 - "$STACK_DIR/m0.txt" "$STACK_DIR/m1.txt" "$c0" "$c1" "$t0" "$t1" "$targets" >"$STACK_DIR/probe-result.txt" <<'PY'
import re, sys
def parse(path):
    buckets, results, up = {}, 0.0, 0.0
    for line in open(path):
        m = re.match(r'failover_probe_schedule_lateness_seconds_bucket\{le="([^"]+)"\} (\S+)', line)
        if m: buckets[m.group(1)] = float(m.group(2))
        m = re.match(r'failover_probe_results_total\{([^}]*)\} (\S+)', line)
        if m:
            results += float(m.group(2))
            if 'outcome="UP"' in m.group(1): up += float(m.group(2))
    return buckets, results, up
b0, r0, u0 = parse(sys.argv[1]); b1, r1, u1 = parse(sys.argv[2])
c0, c1, t0, t1, n = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
delta = {le: b1[le] - b0.get(le, 0) for le in b1}
total = delta.get("+Inf", 0)
def q(p):
    for le, c in sorted(((float(k) if k != "+Inf" else float("inf"), v) for k, v in delta.items())):
        if c >= p * total: return le
p50, p99 = q(0.50), q(0.99)
probes, secs, cpu = r1 - r0, t1 - t0, c1 - c0
print(f"probe-service: {n} targets at 1 s for {secs:.0f} s: {probes:.0f} probes ({(u1-u0)/max(probes,1)*100:.1f} % UP), "
      f"{probes/secs:.0f}/s, CPU {cpu:.1f} s -> {probes/max(cpu,0.01):.0f} probes per CPU-second")
print(f"schedule lateness over {total:.0f} ticks: p50 <= {p50*1000:.1f} ms, p99 <= {p99*1000:.1f} ms (histogram bucket bounds)")
print(f"PROBE_PER_CPU={probes/max(cpu,0.01):.1f}")
PY
cat "$STACK_DIR/probe-result.txt" | grep -v PROBE_PER_CPU

cat >"$STACK_DIR/blackbox.yml" <<'YML'
modules:
  http_2xx:
    prober: http
    timeout: 900ms
    http:
      preferred_ip_protocol: ip4
YML
prometheus-blackbox-exporter --config.file="$STACK_DIR/blackbox.yml" --web.listen-address=127.0.0.1:29115 \
  >"$STACK_DIR/blackbox.log" 2>&1 &
bb=$!; pids+=($bb)
sleep 2
java -cp "$CP" dev.failover.probe.bench.BlackboxDriver http://127.0.0.1:29115 http://127.0.0.1:28081/health "$targets" 15 >/dev/null
b0=$(cpu "$bb"); s0=$(date +%s.%N)
out=$(java -cp "$CP" dev.failover.probe.bench.BlackboxDriver http://127.0.0.1:29115 http://127.0.0.1:28081/health "$targets" "$seconds")
b1=$(cpu "$bb"); s1=$(date +%s.%N)
ours=$(sed -n 's/^PROBE_PER_CPU=//p' "$STACK_DIR/probe-result.txt")
python3 - "$out" "$b0" "$b1" "$s0" "$s1" "$ours" <<'PY'
import re, sys
out, b0, b1, s0, s1, ours = sys.argv[1], *map(float, sys.argv[2:])
ok, failed = map(int, re.findall(r"(\d+) succeeded, (\d+) failed", out)[0])
cpu = b1 - b0
theirs = (ok + failed) / max(cpu, 0.01)
print(f"blackbox_exporter: {ok + failed} probes in {s1 - s0:.0f} s ({ok} succeeded), CPU {cpu:.1f} s -> {theirs:.0f} probes per CPU-second")
print(f"ratio probe-service / blackbox_exporter: {ours / theirs:.2f} (probes per CPU-second; goal >= 1)")
PY

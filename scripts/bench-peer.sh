#!/usr/bin/env bash
# Peer comparison: the probe-service against Prometheus blackbox_exporter (Debian package prometheus-blackbox-exporter),
# probes per CPU-second at one rate. A program with printed results, not a test; take the build lock around it:
#
#   flock /tmp/mvn.lock scripts/bench-peer.sh RATE [MEASURE_SECONDS=30]
#
# RATE targets at a 1 s interval (RATE probes/s, even), one local demo backend, a new connection per probe on both sides.
# 1. The packaged probe-service probes them and publishes every result to a local broker. Warm-up: until the JIT has
#    settled in the probe-service AND the broker (scripts/lib/jit_settle.py: two consecutive 10 s windows in which each
#    JVM compiled for <= 3 % of its CPU and its CPU per second moved by <= 5 %; at most BENCH_MAX_WARMUP s). Then
#    MEASURE_SECONDS: completed probes by outcome (its own results counter), CPU of the service and of the broker.
# 2. The exporter probes the same targets (900 ms probe timeout like the service's), driven as Prometheus drives it
#    (BlackboxDriver: HTTP/1.1 keep-alive, each target scraped every 1 s, never overlapping itself, at most
#    BENCH_CONCURRENCY scrapes at once), warmed for the same time as the service needed, then measured the same way.
#
# Environment: BENCH_SIDES=both|exporter (exporter alone, warmed BENCH_WARMUP s: to find its highest rate),
# BENCH_BUILD=1 (0: use the last build), BENCH_CONCURRENCY=128, BENCH_MAX_WARMUP=180, BENCH_PORT_BASE=25000 (broker
# +92/+93, backend +81, probe-service +180, exporter +115). The last line is a RESULT line of key=value pairs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
rate="${1:?usage: $0 RATE [MEASURE_SECONDS]}"; seconds="${2:-30}"
sides="${BENCH_SIDES:-both}"; concurrency="${BENCH_CONCURRENCY:-128}"; max_warmup="${BENCH_MAX_WARMUP:-180}"
base="${BENCH_PORT_BASE:-25000}"
backend_port=$((base + 81)); probe_port=$((base + 180)); exporter_port=$((base + 115))
export STACK_DIR="$ROOT/.stack-bench/peer" KAFKA_PORT=$((base + 92)) KAFKA_CONTROLLER_PORT=$((base + 93))
command -v prometheus-blackbox-exporter >/dev/null || { echo "install prometheus-blackbox-exporter (apt-get)" >&2; exit 1; }
if [[ "${BENCH_BUILD:-1}" == 1 ]]; then
  mvn -B -q -o -DskipTests -pl probe-service -am package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
CP="probe-service/target/test-classes:$(cat probe-service/target/bench-classpath.txt)"
mkdir -p "$STACK_DIR"
rm -rf "$STACK_DIR/kafka"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/kafka.sh stop >/dev/null; }
trap cleanup EXIT
bench_start_backend "$backend_port"; pids+=("$BENCH_BACKEND_PID")
topology="$STACK_DIR/topology.yaml"
bench_write_topology "$rate" "$backend_port" "$topology"
result="rate=$rate"

if [[ "$sides" == both ]]; then
  scripts/kafka.sh start >/dev/null
  broker=$(cat "$STACK_DIR/kafka/kafka.pid")
  bench_start_probe_service "$topology" "$probe_port" "$KAFKA_PORT"; probe=$BENCH_PROBE_PID; pids+=("$probe")
  echo "probe-service up; warming until the JIT settles (probe-service pid $probe, broker pid $broker)"
  settle=$(python3 scripts/lib/jit_settle.py "$max_warmup" probe-service="$probe" broker="$broker" | tee -a /dev/stderr)  # -a: a plain /dev/stderr would truncate a log file the caller sent stderr to
  warmup=$(sed -n 's/^WARMUP_SECONDS=//p' <<<"$settle"); settled=$(sed -n 's/^SETTLED=//p' <<<"$settle")
  metrics() { curl -fsS "http://127.0.0.1:$(management_port "$probe_port")/q/metrics" >"$1"; }
  # counters are read during the scrape (about 1 s at 1,000 targets): rates use the scrapes' midpoints; the CPU window
  # lies between the scrapes, so a scrape's own cost is outside it
  m0a=$(bench_now); metrics "$STACK_DIR/m0.txt"; m0b=$(bench_now)
  p0=$(bench_cpu_seconds "$probe"); k0=$(bench_cpu_seconds "$broker"); t0=$(bench_now)
  sleep "$seconds"
  p1=$(bench_cpu_seconds "$probe"); k1=$(bench_cpu_seconds "$broker"); t1=$(bench_now)
  m1a=$(bench_now); metrics "$STACK_DIR/m1.txt"; m1b=$(bench_now)
  kill "$probe"; wait "$probe" 2>/dev/null || true
  scripts/kafka.sh stop >/dev/null
  result+=" $(python3 - "$STACK_DIR/m0.txt" "$STACK_DIR/m1.txt" "$m0a" "$m0b" "$m1a" "$m1b" "$t0" "$t1" "$p0" "$p1" "$k0" "$k1" <<'PY'
import re, sys
def parse(path):
    up = other = skipped = dropped = 0.0
    for line in open(path):
        m = re.match(r'failover_probe_results_total\{([^}]*)\} (\S+)', line)
        if m:
            if 'outcome="UP"' in m.group(1): up += float(m.group(2))
            else: other += float(m.group(2))
        m = re.match(r'failover_probe_skipped_total\{[^}]*\} (\S+)', line)
        if m: skipped += float(m.group(1))
        m = re.match(r'failover_probe_publish_dropped_total\{[^}]*\} (\S+)', line)
        if m: dropped += float(m.group(1))
    return up, other, skipped, dropped
(u0, f0, s0, d0), (u1, f1, s1, d1) = parse(sys.argv[1]), parse(sys.argv[2])
m0a, m0b, m1a, m1b, t0, t1, p0, p1, k0, k1 = map(float, sys.argv[3:])
span = (m1a + m1b) / 2 - (m0a + m0b) / 2
window = t1 - t0
ok, failed = (u1 - u0) / span, (f1 - f0) / span
probe_cores, broker_cores = (p1 - p0) / window, (k1 - k0) / window
print(f"ps_ok_per_s={ok:.1f} ps_failed_per_s={failed:.1f} ps_skipped={s1 - s0:.0f} ps_publish_dropped={d1 - d0:.0f} "
      f"ps_cores={probe_cores:.3f} broker_cores={broker_cores:.3f} "
      f"ps_per_cpu_s={ok / probe_cores:.0f} ps_broker_per_cpu_s={ok / (probe_cores + broker_cores):.0f}")
PY
)"
  result+=" warmup_s=$warmup jit_settled=$settled"
else
  warmup="${BENCH_WARMUP:-20}"
  result+=" warmup_s=$warmup"
fi

cat >"$STACK_DIR/blackbox.yml" <<'YML'
modules:
  http_2xx:
    prober: http
    timeout: 900ms
    http:
      preferred_ip_protocol: ip4
YML
# the scrape timeout header (1 s, the interval) minus this offset is the probe's timeout: 900 ms, as the service's
prometheus-blackbox-exporter --config.file="$STACK_DIR/blackbox.yml" --web.listen-address="127.0.0.1:$exporter_port" \
  --timeout-offset=0.1 --log.level=warn >"$STACK_DIR/blackbox.log" 2>&1 &
exporter=$!; pids+=("$exporter")
until curl -fsS -o /dev/null "http://127.0.0.1:$exporter_port/metrics" 2>/dev/null; do sleep 0.2; done
echo "exporter up (pid $exporter); driving it for ${warmup} s warm-up + ${seconds} s"
java -cp "$CP" dev.failover.probe.bench.BlackboxDriver "http://127.0.0.1:$exporter_port" \
  "http://127.0.0.1:$backend_port/health" "$rate" "$concurrency" "$warmup" "$seconds" "$exporter" >"$STACK_DIR/driver.txt" &
driver=$!; pids+=("$driver")
sleep $((warmup + seconds / 2))
connections=$(ss -Htn state established "( dport = :$exporter_port )" | wc -l)
wait "$driver"
result+=" $(python3 - "$STACK_DIR/driver.txt" "$connections" "${result}" <<'PY'
import sys
d = dict(line.strip().split("=", 1) for line in open(sys.argv[1]) if "=" in line)
window, cores = float(d["window_seconds"]), float(d["exporter_cpu_seconds"]) / float(d["window_seconds"])
ok = int(d["success"]) / window
failed = (int(d["probe_failed"]) + int(d["timeout"]) + int(d["http_error"])) / window
out = (f"ex_ok_per_s={ok:.1f} ex_failed_per_s={failed:.1f} ex_probe_failed={d['probe_failed']} ex_timeout={d['timeout']} "
       f"ex_http_error={d['http_error']} ex_skipped_overlap={d['skipped_overlap']} ex_missed_no_slot={d['missed_no_slot']} "
       f"ex_connections={sys.argv[2]} ex_cores={cores:.3f} ex_per_cpu_s={ok / cores:.0f}")
ours = dict(kv.split("=", 1) for kv in sys.argv[3].split())
if "ps_per_cpu_s" in ours and ok > 0:
    out += (f" ratio={float(ours['ps_per_cpu_s']) / (ok / cores):.2f}"
            f" ratio_with_broker={float(ours['ps_broker_per_cpu_s']) / (ok / cores):.2f}")
print(out)
PY
)"
echo "RESULT $result"

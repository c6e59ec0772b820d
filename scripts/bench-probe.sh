#!/usr/bin/env bash
# Probe-service capacity benchmark (a program with printed results, not a test). 2 cores: run it alone, under the
# shared build lock (flock /tmp/mvn.lock scripts/bench-probe.sh ...); the script does not take the lock itself.
#
#   scripts/bench-probe.sh [TARGETS=1000] [SECONDS=60]
#
# The packaged probe-service probes TARGETS local HTTP targets (one demo server, distinct URLs, a new connection per
# probe) at a 1 s interval, publishing every result to a local broker. It is warmed until the JIT settles (see warm_up),
# then measured for SECONDS: ticks, results by outcome (UP; DOWN, all false: the target is healthy; UNKNOWN, the
# location's own impairment, by reason), CPU per result, RSS, the broker's and the backend's CPU beside it, the start
# delay and the ticker's schedule lateness, /q/metrics size and the CPU of one scrape (scripts/lib/probe_window.py).
#
# Environment: KAFKA_PORT / KAFKA_CONTROLLER_PORT (29092/29093), BACKEND_PORT (28081), PROBE_PORT (28180);
# BENCH_JFR=file.jfr records a JFR profile (settings=profile) of the measured window and prints its top frames;
# BENCH_JAVA_OPTS replaces the probe-service's JVM options (probe-service/src/main/jvm/jvm.options); MALLOC_ARENA_MAX (2); SKIP_BUILD=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
targets="${1:-1000}"; seconds="${2:-60}"
export KAFKA_PORT="${KAFKA_PORT:-29092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29093}"
backend_port="${BACKEND_PORT:-28081}"; probe_port="${PROBE_PORT:-28180}"
if [[ -z ${SKIP_BUILD:-} ]]; then
  # a reactor build: sibling modules come from their target/ directories, nothing is installed into ~/.m2
  mvn -B -q -o -DskipTests -pl probe-service -am package
fi
export STACK_DIR="$ROOT/.stack-bench"
mkdir -p "$STACK_DIR"
rm -rf "$STACK_DIR/kafka"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/kafka.sh stop >/dev/null; }
trap cleanup EXIT
scripts/kafka.sh start >/dev/null
broker=$(cat "$STACK_DIR/kafka/kafka.pid")
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
bench_start_backend "$backend_port"; backend=$BENCH_BACKEND_PID; pids+=("$backend")

topology="$STACK_DIR/probe-bench-topology.yaml"
bench_write_topology "$targets" "$backend_port" "$topology"

metrics() { curl -fsS "http://127.0.0.1:$(management_port "$probe_port")/q/metrics"; }
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
compiled() { jstat -compiler "$1" | awk 'NR == 2 {print $1}'; }
# connections the kernel dropped because a listen queue was full (machine-wide: the backend's, here)
overflows() { awk '/^TcpExt:/ {if (!h) {for (i = 1; i <= NF; i++) n[i] = $i; h = 1} else for (i = 1; i <= NF; i++) if (n[i] == "ListenOverflows") print $i}' /proc/net/netstat; }
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
read -r -a jvm <<<"${BENCH_JAVA_OPTS:-$(grep -v '^#' probe-service/src/main/jvm/jvm.options | xargs)}"
FAILOVER_LOCATION=loc-a FAILOVER_TOPOLOGY_FILE="$topology" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
  QUARKUS_HTTP_PORT="$probe_port" QUARKUS_MANAGEMENT_PORT="$(management_port "$probe_port")" QUARKUS_LOG_LEVEL=WARN \
  java "${jvm[@]}" -jar probe-service/target/quarkus-app/quarkus-run.jar \
  >"$STACK_DIR/probe.log" 2>&1 &
probe=$!; pids+=("$probe")
until metrics >/dev/null 2>&1; do kill -0 "$probe" || { tail -20 "$STACK_DIR/probe.log"; exit 1; }; sleep 0.5; done

# Warm-up: 10 s steps until the JIT compiled fewer than 20 methods in a step and the CPU of two steps in a row differs
# by less than 5 % (at least 30 s, at most 180 s): the measured window then holds probing, not compiling.
warm_up() {
  local started now c0 c1 n0 n1 prev="" rate
  started=$(date +%s); c0=$(cpu "$probe"); n0=$(compiled "$probe")
  while :; do
    sleep 10
    c1=$(cpu "$probe"); n1=$(compiled "$probe"); now=$(date +%s)
    rate=$(python3 -c "print(f'{($c1 - $c0) / 10:.3f}')")
    echo "warm-up $((now - started)) s: ${rate} cores, $((n1 - n0)) methods compiled in the last 10 s" >&2
    if (( now - started >= 180 )) || { (( now - started >= 30 && n1 - n0 < 20 )) && [[ -n $prev ]] \
        && python3 -c "import sys; sys.exit(0 if abs($rate - $prev) < 0.05 * max($prev, 0.01) else 1)"; }; then
      echo "warmed after $((now - started)) s" >&2; return
    fi
    prev=$rate; c0=$c1; n0=$n1
  done
}
warm_up
if [[ -n ${BENCH_JFR:-} ]]; then
  jcmd "$probe" JFR.start name=bench settings=profile duration="${seconds}s" filename="$(realpath -m "$BENCH_JFR")" >/dev/null
fi
metrics >"$STACK_DIR/m0.txt"; c0=$(cpu "$probe"); k0=$(cpu "$broker"); d0=$(cpu "$backend"); n0=$(compiled "$probe")
o0=$(overflows); t0=$(date +%s.%N)
sleep "$seconds"
t1=$(date +%s.%N); o1=$(overflows); c1=$(cpu "$probe"); k1=$(cpu "$broker"); d1=$(cpu "$backend"); n1=$(compiled "$probe")
metrics >"$STACK_DIR/m1.txt"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$probe/status"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$probe/status")
# one scrape's CPU: the CPU of the worker threads that serve /q/metrics (probing runs on others) over 20 scrapes
workers() { cat /proc/"$probe"/task/*/stat 2>/dev/null | awk '/\(executor-thread/ {s += $14 + $15} END {print s / 100}'; }
s0=$(workers); st0=$(date +%s.%N)
for _ in $(seq 20); do metrics >/dev/null; done
s1=$(workers); st1=$(date +%s.%N)
size=$(metrics | wc -c)
if [[ -n ${BENCH_JFR:-} ]]; then sleep 2; jcmd "$probe" JFR.stop name=bench >/dev/null 2>&1 || true; fi

python3 "$ROOT/scripts/lib/probe_window.py" "$STACK_DIR/m0.txt" "$STACK_DIR/m1.txt" "$targets" \
  secs="$(python3 -c "print($t1 - $t0)")" cpu="$(python3 -c "print($c1 - $c0)")" broker="$(python3 -c "print($k1 - $k0)")" \
  backend="$(python3 -c "print($d1 - $d0)")" compiled=$((n1 - n0)) rss_kib="$rss" hwm_kib="$hwm" overflows=$((o1 - o0)) \
  size="$size" scrape_cpu="$(python3 -c "print(($s1 - $s0) / 20)")" scrape_ms="$(python3 -c "print(($st1 - $st0) / 20 * 1000)")"

if [[ -n ${BENCH_JFR:-} ]]; then
  for _ in $(seq 20); do [[ -s $BENCH_JFR ]] && break; sleep 0.5; done
  scripts/jfr-top.py "$BENCH_JFR" 25
fi

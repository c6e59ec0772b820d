#!/usr/bin/env bash
# Start-up time and idle footprint of each packaged service alone (the goals: docs/benchmarks.md, "Current figures").
#
#   flock /tmp/mvn.lock scripts/bench-startup.sh [RUNS] [JVM option...]     (default 3 runs; build the jars first)
#
# Starts a Kafka broker (scripts/kafka.sh, on 24492) and then each service on its own, RUNS times: the time from the
# java launch to the first 200 of /q/health/ready on its management port (polled every 50 ms), and after 30 s idle its
# memory: VmRSS, and the private part of it, RssAnon (anonymous: heap, metaspace, code, stacks, malloc) and the Pss of
# /proc/PID/smaps_rollup (what the process costs when the AOT cache's file pages are shared with other processes). The
# JVM runs as scripts/demo.sh runs it: the service's <service>/src/main/jvm/jvm.options, then the options given here,
# from its quarkus-app directory. Each service is measured side by side on
#   the `java` on the PATH (JDK 17 on these machines), without an AOT cache;
#   the runtime JDK of scripts/lib/java.sh (JDK 25), without an AOT cache;
#   the runtime JDK with the service's AOT cache, when scripts/aot-train.sh made one.
# JVM_OPTIONS_FILE=none leaves the options file out (to compare against other options), e.g.
#   JVM_OPTIONS_FILE=none scripts/bench-startup.sh 3 -Xmx256m -XX:TieredStopAtLevel=1
# Prints min/median/max per service and runtime. IDLE_SECONDS (30) sets the idle wait; SERVICE_PORT (24480) the HTTP
# port; RUNTIMES (default "path runtime aot") which of the three to measure, e.g. RUNTIMES=aot for the shipped one;
# SERVICES (default all three) which services, e.g. SERVICES=decision-service. First it prints a yardstick of the machine.
#
# The yardstick: scripts/bench/yardstick, the smallest Quarkus application with REST, a Kafka consumer and health, packaged
# as the services are (aot-jar), built here and given an AOT cache of its own start, is measured first, with the same
# runtimes; each service's ready time is then also printed as a ratio to the yardstick's median on the same runtime (the
# goal: at most 1.5x). YARDSTICK=0 leaves it out.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
shift || true
export STACK_DIR="${STACK_DIR:-$ROOT/.stack-startup}"
export KAFKA_PORT="${KAFKA_PORT:-24492}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-24493}"
PORT="${SERVICE_PORT:-24480}"
IDLE="${IDLE_SECONDS:-30}"
PID=""

cleanup() {
  [[ -n "$PID" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  "$ROOT/scripts/kafka.sh" stop
}
trap cleanup EXIT
rm -rf "$STACK_DIR/kafka/data"
"$ROOT/scripts/kafka.sh" start >/dev/null
"$ROOT/scripts/dev-secrets.sh" "$STACK_DIR/secrets"
mkdir -p "$STACK_DIR/logs"

export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" FAILOVER_TOPOLOGY_FILE="$ROOT/config/failover.yaml"
export FAILOVER_LOCATION=loc-a FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" FAILOVER_INSTANCE_ID=bench-startup
export QUARKUS_HTTP_PORT="$PORT"
# shellcheck source=lib/ports.sh
source "$ROOT/scripts/lib/ports.sh"
# /q (readiness) on the management port, the services' and the yardstick's (ADR 0034)
MANAGEMENT_PORT="$(management_port "$PORT")"
export QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT"
# shellcheck source=lib/signing.sh
source "$ROOT/scripts/lib/signing.sh"
signing_keys "$STACK_DIR"
# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"
path_java="$(command -v java)"
runtime="$(runtime_java)"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
stats() { sort -n | awk '{v[NR]=$1} END {printf "min %s  median %s  max %s", v[1], v[int((NR+1)/2)], v[NR]}'; }

# where a service's sources are: the yardstick's in scripts/bench
home_of() { if [[ "$1" == yardstick ]]; then echo "$ROOT/scripts/bench/yardstick"; else echo "$ROOT/$1"; fi; }
# each runtime's label -> the yardstick's median ready time on it, for the ratios
declare -A YARDSTICK_MS=()

# name log: waits until the process $PID answers ready (polled every 50 ms); exits if it ends first
await_ready() {
  until curl -fsS -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { echo "$1 exited; see $2" >&2; exit 1; }
    sleep 0.05
  done
}

# service java aot: RUNS starts of the service with that java, with its AOT cache when aot is "aot"
measure() {
  local service="$1" java="$2" aot="$3" app options=() label ready_ms=() rss_mib=() run start median ratio=""
  local anon_mib=() pss_mib=()
  app="$(home_of "$service")/target/quarkus-app"
  [[ "${JVM_OPTIONS_FILE:-}" == none ]] || options+=("@$(home_of "$service")/src/main/jvm/jvm.options")
  options+=("${EXTRA[@]}")
  label="java $(java_feature "$java")"
  if [[ "$aot" == aot ]]; then
    options+=(-XX:AOTCache=app.aot)
    label="$label + AOT cache"
  fi
  for run in $(seq 1 "$RUNS"); do
    start=$(now_ms)
    # from the quarkus-app directory: an AOT cache is only valid for -jar quarkus-run.jar with that relative path
    (cd "$app" && exec "$java" "${options[@]}" -jar quarkus-run.jar) >"$STACK_DIR/logs/$service-$run.log" 2>&1 &
    PID=$!
    await_ready "$service" "$STACK_DIR/logs/$service-$run.log"
    ready_ms+=($(($(now_ms) - start)))
    sleep "$IDLE"
    rss_mib+=($(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$PID/status"))
    anon_mib+=($(awk '/RssAnon/ {printf "%d", $2 / 1024}' "/proc/$PID/status"))
    pss_mib+=($(awk '/^Pss:/ {printf "%d", $2 / 1024}' "/proc/$PID/smaps_rollup"))
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
    echo "$service ($label) run $run: ready after ${ready_ms[-1]} ms, idle RSS ${rss_mib[-1]} MiB" \
      "(anonymous ${anon_mib[-1]} MiB, PSS ${pss_mib[-1]} MiB)"
  done
  median="$(printf '%s\n' "${ready_ms[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
  if [[ "$service" == yardstick ]]; then
    YARDSTICK_MS[$label]="$median"
  elif [[ -n "${YARDSTICK_MS[$label]:-}" ]]; then
    ratio=" | ready median / yardstick's $(awk -v a="$median" -v b="${YARDSTICK_MS[$label]}" 'BEGIN {printf "%.2f", a / b}')"
  fi
  printf '%-17s %-24s start to ready (ms): %s | idle after %s s (MiB): RSS %s | anonymous %s | PSS %s%s\n' "$service" \
    "$label" "$(printf '%s\n' "${ready_ms[@]}" | stats)" "$IDLE" "$(printf '%s\n' "${rss_mib[@]}" | stats)" \
    "$(printf '%s\n' "${anon_mib[@]}" | stats)" "$(printf '%s\n' "${pss_mib[@]}" | stats)" "$ratio" | tee -a "$STACK_DIR/summary"
}

# The yardstick built, and its AOT cache recorded from a start, a few requests and a stop (the services' caches come
# from the demo, scripts/aot-train.sh): as the services, a cache only for the runtime JDK 25 or later.
yardstick_build() {
  local dir="$ROOT/scripts/bench/yardstick" app
  app="$dir/target/quarkus-app"
  mvn -B -q -o -f "$dir/pom.xml" package -DskipTests >"$STACK_DIR/logs/yardstick-build.log" 2>&1 \
    || { echo "the yardstick did not build; see $STACK_DIR/logs/yardstick-build.log" >&2; exit 1; }
  (($(java_feature "$runtime") >= 25)) || return 0
  rm -f "$app/app.aot"
  (cd "$app" && exec "$runtime" "@$dir/src/main/jvm/jvm.options" -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar) \
    >"$STACK_DIR/logs/yardstick-train.log" 2>&1 &
  PID=$!
  await_ready "the yardstick" "$STACK_DIR/logs/yardstick-train.log"
  for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/records"; done
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  [[ -f "$app/app.aot" ]] || { echo "the yardstick wrote no AOT cache; see $STACK_DIR/logs/yardstick-train.log" >&2; exit 1; }
}

# A yardstick of the machine that no change of ours moves: the runtime JDK's own start and exit (`java -version`, from
# its CDS archive), five times. This machine's speed has varied from day to day by more than 2x (docs/benchmarks.md),
# so start-up figures of different days compare only with their yardsticks beside them.
yardstick_ms=()
for _ in 1 2 3 4 5; do
  start=$(now_ms)
  "$runtime" -Xshare:auto -version >/dev/null 2>&1
  yardstick_ms+=($(($(now_ms) - start)))
done
printf 'yardstick: %s -version (ms): %s\n' "$runtime" "$(printf '%s\n' "${yardstick_ms[@]}" | stats)" | tee -a "$STACK_DIR/summary"

EXTRA=("$@")
RUNTIMES="${RUNTIMES:-path runtime aot}"
SERVICES="${SERVICES:-probe-service decision-service actuator-service}"
if [[ "${YARDSTICK:-1}" != 0 ]]; then
  yardstick_build
  SERVICES="yardstick $SERVICES"
fi
wants() { [[ " $RUNTIMES " == *" $1 "* ]]; }
for service in $SERVICES; do
  if wants path; then measure "$service" "$path_java" none; fi
  if wants runtime && [[ "$(readlink -f "$runtime")" != "$(readlink -f "$path_java")" ]]; then
    measure "$service" "$runtime" none
  fi
  if wants aot && [[ -f "$(home_of "$service")/target/quarkus-app/app.aot" ]] && (($(java_feature "$runtime") >= 25)); then
    measure "$service" "$runtime" aot
  fi
done

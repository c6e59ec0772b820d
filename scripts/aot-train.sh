#!/usr/bin/env bash
# Each service's AOT cache (JDK 25, JEPs 483/514/515; ADR 0017), recorded while the services do their real work: the
# demo (scripts/demo.sh) runs once with every service under -XX:AOTCacheOutput, so the cache holds the classes, the
# linking and the method profiles of a start, a failover, a failback, failoverctl's reads and a planned switchover. When
# the services stop, each JVM writes <service>/target/quarkus-app/app.aot; from then on the local stack, the system
# tests and scripts/bench-startup.sh start them with it.
#
#   scripts/aot-train.sh      (the services packaged first: mvn package; the test build runs it before the system tests)
#
# The cache is only valid for the JDK build that made it and for these very jars: a rebuild removes it (Quarkus
# recreates quarkus-app), and a JVM that cannot use it says so and starts without it. With no JDK 25 or later
# (scripts/lib/java.sh) there is nothing to record: it says so and exits 0. The training stack runs in its own STACK_DIR
# (default <repo>/.stack-aot) on the demo's ports, so it cannot run beside a kept demo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"
SERVICES=(probe-service decision-service actuator-service)

export STACK_DIR="${STACK_DIR:-$ROOT/.stack-aot}"
mkdir -p "$STACK_DIR"
# the demo's output: LocalStackIT reads it instead of running the demo a second time, so it is never an earlier run's
log="$STACK_DIR/training.log"
rm -f "$log"

java="$(runtime_java)"
feature="$(java_feature "$java")"
if ((feature < 25)); then
  echo "aot-train: the services run on Java $feature ($java); an AOT cache needs JDK 25 or later: nothing to record"
  exit 0
fi
for service in "${SERVICES[@]}"; do
  [[ -f "$ROOT/$service/target/quarkus-app/quarkus-run.jar" ]] \
    || { echo "aot-train: $service is not packaged (mvn package first)" >&2; exit 1; }
  rm -f "$ROOT/$service/target/quarkus-app/app.aot"
done

start=$SECONDS
# A training JVM that does not exit writes no cache: once (2026-12-02, a fresh clone's suite) the probe-service's JVM
# stopped its application, then neither wrote its cache nor exited until kill -9, 180 s later (its threads were not
# printed then; stack_stop now prints them into its log). The cache is an optimisation the suite's system tests run
# with, not what they test: a run that left a cache unwritten records them all once more; a second miss fails.
for attempt in 1 2; do
  echo "aot-train: recording the AOT caches on $java during the demo (log: $log)"
  if ! AOT_TRAIN=1 DEMO_SKIP_BUILD=1 "$ROOT/scripts/demo.sh" >"$log" 2>&1; then
    echo "aot-train: the training run failed; the last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  missing=()
  for service in "${SERVICES[@]}"; do
    [[ -f "$ROOT/$service/target/quarkus-app/app.aot" ]] || missing+=("$service")
  done
  ((${#missing[@]} == 0)) && break
  echo "aot-train: ${missing[*]} wrote no cache (attempt $attempt); the training stack's lines about it:" >&2
  grep -h "did not stop\|stopped " "$log" >&2 || true
  if ((attempt == 2)); then
    echo "aot-train: see $STACK_DIR/logs" >&2
    exit 1
  fi
  mkdir -p "$STACK_DIR/attempt-1"
  cp -r "$STACK_DIR/logs" "$STACK_DIR/attempt-1/" # the first attempt's logs, for what the JVM hung on
  for service in "${SERVICES[@]}"; do rm -f "$ROOT/$service/target/quarkus-app/app.aot"; done
done
for service in "${SERVICES[@]}"; do
  echo "aot-train: $service: $(du -m "$ROOT/$service/target/quarkus-app/app.aot" | cut -f1) MiB"
done
echo "aot-train: done in $((SECONDS - start)) s; $(grep '^RESULT' "$log")"

#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft) on 127.0.0.1, from Maven Central jars, for the local stack and the
# system tests. No Docker. Its configuration is config/kafka/broker.properties.template, the same the in-JVM test broker
# runs (failover-testkit EmbeddedKafkaBroker).
#
#   scripts/kafka.sh start|stop|status
#
# Environment:
#   STACK_DIR        where jars, data, log and PID live (default: <repo>/.stack)
#   KAFKA_PORT       broker port (default 19092)
#   KAFKA_CONTROLLER_PORT  controller port (default 19093)
#   KAFKA_LOG_LEVEL  broker log level (default warn)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_DIR="$STACK_DIR/kafka"
LIB_DIR="$STACK_DIR/kafka-lib"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/kafka.log"
# shellcheck source=lib/template.sh
source "$ROOT/scripts/lib/template.sh"
# shellcheck source=lib/detach.sh
source "$ROOT/scripts/lib/detach.sh"

log() { echo "[kafka] $*"; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

resolve_jars() {
  if [[ -f "$LIB_DIR/.complete" ]]; then return; fi
  log "resolving Kafka jars with Maven into $LIB_DIR"
  mkdir -p "$LIB_DIR"
  mvn -B -q -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIB_DIR" -DincludeScope=runtime
  touch "$LIB_DIR/.complete"
}

write_config() {
  mkdir -p "$KAFKA_DIR"
  render_template "$ROOT/config/kafka/broker.properties.template" BROKER_PORT="$KAFKA_PORT" \
    CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" LOG_DIR="$KAFKA_DIR/data" > "$KAFKA_DIR/server.properties"
}

format_once() {
  if [[ -f "$KAFKA_DIR/data/meta.properties" ]]; then return; fi
  log "formatting storage in $KAFKA_DIR/data"
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
    --cluster-id "$(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid)" \
    --config "$KAFKA_DIR/server.properties" --ignore-formatted >/dev/null
}

wait_for_port() {
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then return 0; fi
    if ! running_pid >/dev/null; then
      log "broker exited during start; last lines of $LOG_FILE:"; tail -n 30 "$LOG_FILE" >&2; return 1
    fi
    sleep 0.5
  done
  log "broker did not accept connections on 127.0.0.1:$KAFKA_PORT within 60 s"; return 1
}

start() {
  if pid="$(running_pid)"; then log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  command -v java >/dev/null || { echo "java (17+) is required" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "mvn is required to fetch the Kafka jars" >&2; exit 1; }
  resolve_jars
  write_config
  format_once
  log "starting broker on 127.0.0.1:$KAFKA_PORT (log: $LOG_FILE)"
  detached nohup java -Xms256m -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel="${KAFKA_LOG_LEVEL:-warn}" \
    -cp "$LIB_DIR/*" kafka.Kafka "$KAFKA_DIR/server.properties" >"$LOG_FILE" 2>&1 &
  echo $! > "$PID_FILE"
  wait_for_port
  log "ready (pid $(cat "$PID_FILE"))"
}

stop() {
  if ! pid="$(running_pid)"; then log "not running"; rm -f "$PID_FILE"; return 0; fi
  log "stopping pid $pid"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "still running after 30 s, killing"; kill -9 "$pid"; fi
  rm -f "$PID_FILE"
}

status() {
  if pid="$(running_pid)"; then log "running (pid $pid) on 127.0.0.1:$KAFKA_PORT"; else log "not running"; return 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

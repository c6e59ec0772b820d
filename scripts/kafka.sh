#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft) on 127.0.0.1, from Maven Central jars, for the local stack and the
# system tests. No Docker. Its configuration is config/kafka/broker.properties.template, the same the in-JVM test broker
# runs (failover-testkit EmbeddedKafkaBroker).
#
#   scripts/kafka.sh start|stop|status|lib
#
# `lib` resolves the Kafka jars and prints their directory (for the region-loss test's three-node cluster).
#
# Environment:
#   STACK_DIR        where jars, data, log and PID live (default: <repo>/.stack)
#   KAFKA_PORT       broker port (default 19092)
#   KAFKA_CONTROLLER_PORT  controller port (default 19093)
#   KAFKA_LOG_LEVEL  broker log level (default warn)
#   KAFKA_JVM_OPTS   more options for the broker's JVM (default none; the system tests' short-lived brokers pass
#                    -XX:TieredStopAtLevel=1, as their services run)
#   KAFKA_LIB_DIR    where the Kafka jars are resolved to (default: $STACK_DIR/kafka-lib); stacks that name the same
#                    directory resolve the jars once between them (the system tests' stacks share one)
#   KAFKA_SECURITY   plaintext (default) or sasl_ssl: the client listener speaks SASL_SSL with SCRAM-SHA-512 only
#                    (config/kafka/broker-sasl-ssl.properties.template), with a CA and broker certificate made at the
#                    first start, SCRAM users with random passwords (admin, failover-probe, failover-decision,
#                    failover-actuator) and the services' ACLs applied (ServiceAcls, failover-kafka). Every client's
#                    settings are written to $STACK_DIR/kafka/clients/<user>.env (KAFKA_* variables, for `set -a; source`)
#                    and admin.properties (for Kafka's tools). Needs `mvn package` of failover-kafka and failover-testkit.
#                    See docs/security-kafka.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_DIR="$STACK_DIR/kafka"
LIB_DIR="${KAFKA_LIB_DIR:-$STACK_DIR/kafka-lib}"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/kafka.log"
KAFKA_SECURITY="${KAFKA_SECURITY:-plaintext}"
TLS_DIR="$KAFKA_DIR/tls"
CLIENTS_DIR="$KAFKA_DIR/clients"
SERVICE_USERS=(failover-probe failover-decision failover-actuator)
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
  mkdir -p "$LIB_DIR"
  # one resolution at a time per directory: another stack sharing it (a parallel test fork) waits, then finds it done
  exec {lock}>"$LIB_DIR/.lock"
  flock "$lock"
  if [[ ! -f "$LIB_DIR/.complete" ]]; then
    log "resolving Kafka jars with Maven into $LIB_DIR"
    mvn -B -q -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIB_DIR" -DincludeScope=runtime
    touch "$LIB_DIR/.complete"
  fi
  flock -u "$lock"
  exec {lock}>&-
}

# the jar a module's `mvn package` made, for the secured mode's helpers
module_jar() {
  local jar
  jar="$(ls -t "$ROOT/$1"/target/"$1"-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n 1)"
  [[ -n "$jar" ]] || { echo "$1 is not built: run mvn -B -o -DskipTests package -pl $1 -am first" >&2; exit 1; }
  echo "$jar"
}

# What `kafka-storage.sh random-uuid` prints (Kafka's Uuid: 16 random bytes, URL-safe base64 without padding, never
# starting with "-"), without starting a JVM for it: every broker start of the system tests pays for one.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    if [[ ${#id} -eq 22 && $id != -* ]]; then echo "$id"; return; fi
  done
}

random_password() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true; }

password_of() { cat "$CLIENTS_DIR/$1.password"; }

# The CA and broker certificate (kept across restarts) and a password for every SCRAM user (new whenever the storage is
# formatted, which is when the broker learns them).
make_secrets() {
  ( umask 077; mkdir -p "$TLS_DIR" "$CLIENTS_DIR" )
  if [[ ! -f "$TLS_DIR/broker.p12" ]]; then
    log "making a CA and a broker certificate in $TLS_DIR"
    java -cp "$(module_jar failover-testkit)" dev.failover.testkit.kafka.KafkaTls "$TLS_DIR"
    chmod 600 "$TLS_DIR"/*
  fi
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local user
    for user in admin "${SERVICE_USERS[@]}"; do
      ( umask 077; random_password > "$CLIENTS_DIR/$user.password" )
    done
  fi
}

# admin.properties and <user>.env: what a client of this broker needs, per user
write_client_settings() {
  local user jaas
  for user in admin "${SERVICE_USERS[@]}"; do
    jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$user\" password=\"$(password_of "$user")\";"
    ( umask 077
      printf '%s\n' "KAFKA_SECURITY_PROTOCOL=SASL_SSL" "KAFKA_SASL_MECHANISM=SCRAM-SHA-512" "KAFKA_SASL_JAAS_CONFIG='$jaas'" \
        "KAFKA_SSL_TRUSTSTORE_TYPE=PEM" "KAFKA_SSL_TRUSTSTORE_LOCATION=$TLS_DIR/ca.pem" > "$CLIENTS_DIR/$user.env" )
  done
  jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(password_of admin)\";"
  ( umask 077
    printf '%s\n' "security.protocol=SASL_SSL" "sasl.mechanism=SCRAM-SHA-512" "sasl.jaas.config=$jaas" \
      "ssl.truststore.type=PEM" "ssl.truststore.location=$TLS_DIR/ca.pem" > "$CLIENTS_DIR/admin.properties" )
}

write_config() {
  mkdir -p "$KAFKA_DIR"
  render_template "$ROOT/config/kafka/broker.properties.template" BROKER_PORT="$KAFKA_PORT" \
    CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" LOG_DIR="$KAFKA_DIR/data" > "$KAFKA_DIR/server.properties"
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    chmod 600 "$KAFKA_DIR/server.properties"
    { echo; render_template "$ROOT/config/kafka/broker-sasl-ssl.properties.template" BROKER_PORT="$KAFKA_PORT" \
        CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" KEYSTORE="$TLS_DIR/broker.p12" \
        KEYSTORE_PASSWORD="$(cat "$TLS_DIR/keystore-password")" TRUSTSTORE="$TLS_DIR/ca.pem" ADMIN_USER=admin ADMIN_PASSWORD="$(password_of admin)"
    } >> "$KAFKA_DIR/server.properties"
  fi
}

format_once() {
  if [[ -f "$KAFKA_DIR/data/meta.properties" ]]; then return; fi
  log "formatting storage in $KAFKA_DIR/data"
  local scram=() user
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    for user in admin "${SERVICE_USERS[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password_of "$user")]")
    done
  fi
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
    --cluster-id "$(random_cluster_id)" \
    --config "$KAFKA_DIR/server.properties" --ignore-formatted "${scram[@]}" >/dev/null
}

apply_acls() {
  log "applying the services' ACLs (ServiceAcls)"
  java -cp "$(module_jar failover-kafka):$(module_jar failover-contract):$LIB_DIR/*" dev.failover.kafka.security.ApplyServiceAcls \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$CLIENTS_DIR/admin.properties"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; }

# 180 s: on two cores under a test that overloads a probe location on purpose in the other fork, a broker of the suite
# once took more than 60 s to listen (2026-11-27); a broker that exits is reported at once all the same
wait_for_port() {
  local deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    if port_open; then return 0; fi
    if ! running_pid >/dev/null; then
      log "broker exited during start; last lines of $LOG_FILE:"; tail -n 30 "$LOG_FILE" >&2; return 1
    fi
    sleep 0.5
  done
  log "broker did not accept connections on 127.0.0.1:$KAFKA_PORT within 180 s"; return 1
}

start() {
  if pid="$(running_pid)"; then log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  command -v java >/dev/null || { echo "java (17+) is required" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "mvn is required to fetch the Kafka jars" >&2; exit 1; }
  case "$KAFKA_SECURITY" in
    plaintext | sasl_ssl) ;;
    *) echo "KAFKA_SECURITY: '$KAFKA_SECURITY' is not one of plaintext, sasl_ssl" >&2; exit 2 ;;
  esac
  if port_open; then
    # a broker this script does not know (its PID file gone) would answer for the one about to fail to bind
    echo "127.0.0.1:$KAFKA_PORT is already in use by another process; stop it or set KAFKA_PORT" >&2; exit 1
  fi
  resolve_jars
  [[ "$KAFKA_SECURITY" == sasl_ssl ]] && make_secrets
  write_config
  format_once
  log "starting broker on 127.0.0.1:$KAFKA_PORT (log: $LOG_FILE)"
  # shellcheck disable=SC2086 # KAFKA_JVM_OPTS is a list of options
  detached nohup java -Xms256m -Xmx512m ${KAFKA_JVM_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel="${KAFKA_LOG_LEVEL:-warn}" \
    -cp "$LIB_DIR/*" kafka.Kafka "$KAFKA_DIR/server.properties" >"$LOG_FILE" 2>&1 &
  echo $! > "$PID_FILE"
  wait_for_port
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    write_client_settings
    apply_acls
    log "clients: SASL_SSL on 127.0.0.1:$KAFKA_PORT; settings per user in $CLIENTS_DIR"
  fi
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
  lib) resolve_jars >&2; echo "$LIB_DIR" ;;
  *) echo "usage: $0 start|stop|status|lib" >&2; exit 2 ;;
esac

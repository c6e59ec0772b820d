# Sourced by scripts/demo.sh and scripts/bench-failover.sh: the local stack (Kafka, BIND9, two demo backends, three
# probe locations, the decision-service, the actuator switching DNS by RFC 2136), started and stopped by PID.
#
# The actuator runs with a TTL floor of 1 s (SWITCHOVER_TTL_FLOOR), below the demo record's 5 s, so that a planned
# switchover shows its TTL steps within seconds (ADR 0012).
# The caller sets ROOT, STACK_DIR and TOPOLOGY (the topology file every service reads), and may set the ports:
#   KAFKA_PORT (19092) KAFKA_CONTROLLER_PORT (19093) BIND_PORT (15353) BACKEND_PORTS ("18081 18082")
#   PROBE_PORTS ("8181 8182 8183") DECISION_PORT (8280) ACTUATOR_PORT (8380)
# Each service's /q (health, metrics, OpenAPI) is on its management port, management_port of its API's
# (scripts/lib/ports.sh: 9181-9183, 9280, 9380 by default; ADR 0034).
# ACTUATOR_ENV: more settings for the actuator, as NAME=value words (property names with dots are fine: env passes them).
# KAFKA_SECURITY=sasl_ssl runs the broker with SASL_SSL and ACLs (scripts/kafka.sh) and each service as its own Kafka
# principal; the default stays plaintext (docs/security-kafka.md).
# Each service runs with the JVM options of its <service>/src/main/jvm/jvm.options (a java @argument file), the file
# its Dockerfile copies into the image, so docker-compose.yml and the Kubernetes manifests run the same options.

# shellcheck source=detach.sh
source "$ROOT/scripts/lib/detach.sh"
# shellcheck source=signing.sh
source "$ROOT/scripts/lib/signing.sh"
# shellcheck source=java.sh
source "$ROOT/scripts/lib/java.sh"
# shellcheck source=ports.sh
source "$ROOT/scripts/lib/ports.sh"

PIDS="$STACK_DIR/pids"
LOGS="$STACK_DIR/logs"
export KAFKA_PORT="${KAFKA_PORT:-19092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}" BIND_PORT="${BIND_PORT:-15353}"
BACKEND_PORTS="${BACKEND_PORTS:-18081 18082}"
PROBE_PORTS="${PROBE_PORTS:-8181 8182 8183}"
DECISION_PORT="${DECISION_PORT:-8280}"
ACTUATOR_PORT="${ACTUATOR_PORT:-8380}"

say() { printf '%s\n' "$*"; }

need() { command -v "$1" >/dev/null || { say "$1 is required: $2" >&2; exit 1; }; }

# Stops every process of the stack: SIGTERM to all at once (their graceful stops overlap), then kill -9 of any still
# running after 10 s. While AOT_TRAIN=1 a service writes its AOT cache as it exits (tens of seconds on two busy cores):
# it gets 180 s.
stack_stop() {
  local patience=40 f pid
  [[ "${AOT_TRAIN:-0}" == 1 ]] && patience=720
  if [[ -d "$PIDS" ]]; then
    for f in "$PIDS"/*.pid; do [[ -e "$f" ]] && kill "$(cat "$f")" 2>/dev/null || true; done
    for f in "$PIDS"/*.pid; do
      [[ -e "$f" ]] || continue
      pid="$(cat "$f")"
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 "$patience"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        if kill -0 "$pid" 2>/dev/null; then
          # what it hangs on, in its log, before kill -9: a JVM prints its threads on SIGQUIT
          kill -QUIT "$pid" 2>/dev/null || true
          sleep 2
          say "$(basename "$f" .pid) (pid $pid) did not stop within $((patience / 4)) s: kill -9 (its threads are in its log)"
          kill -9 "$pid" 2>/dev/null || true
        fi
        say "stopped $(basename "$f" .pid) (pid $pid)"
      fi
      rm -f "$f"
    done
  fi
  "$ROOT/scripts/bind.sh" stop
  "$ROOT/scripts/kafka.sh" stop
}

# user, then a command: runs it with that Kafka user's KAFKA_* client settings when the broker is secured
as_kafka_principal() {
  local user="$1"; shift
  if [[ "${KAFKA_SECURITY:-plaintext}" == sasl_ssl ]]; then
    ( set -a; source "$STACK_DIR/kafka/clients/$user.env"; set +a; "$@" )
  else
    "$@"
  fi
}

start_bg() { # name, then the command
  local name="$1"; shift
  detached nohup "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

wait_ready() { # name api-port: readiness on the service's management port
  local deadline=$((SECONDS + 120)) management
  management="$(management_port "$2")"
  until curl -fsS "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; then
      say "$1 exited during start; last lines of $LOGS/$1.log:" >&2; tail -n 40 "$LOGS/$1.log" >&2; exit 1
    fi
    ((SECONDS < deadline)) || { say "$1 not ready after 120 s (log: $LOGS/$1.log)" >&2; exit 1; }
    sleep 0.5
  done
}

# java (scripts/lib/java.sh: JDK 25 when there is one) with the service's JVM options and its jar, run from its
# quarkus-app directory; with its AOT cache when scripts/aot-train.sh made one (the JVM only takes it from there, with
# that relative path). AOT_TRAIN=1 (scripts/aot-train.sh) records the cache instead: the JVM writes app.aot when it exits.
# MALLOC_ARENA_MAX=2: glibc would otherwise give each busy thread its own malloc arena, most of the RSS above the heap.
service_java() { # service
  local app="$ROOT/$1/target/quarkus-app" java aot
  java="$(runtime_java)"
  if [[ "${AOT_TRAIN:-0}" == 1 ]]; then aot="-XX:AOTCacheOutput=app.aot"; else aot="$(aot_options "$java" "$app")"; fi
  echo env -C "$app" MALLOC_ARENA_MAX=2 "$java" "@$ROOT/$1/src/main/jvm/jvm.options" $aot -jar quarkus-run.jar
}

# the testkit jar (the demo's backends, databases and client): the newest, as a workspace built before a version change
# still holds the old version's jar
testkit_jar() {
  ls -t "$ROOT"/failover-testkit/target/failover-testkit-*.jar | grep -v -- '-\(tests\|sources\)\.jar$' | head -n 1
}

stack_needs() {
  need java "install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  need curl "apt-get install curl"
  need python3 "apt-get install python3"
  need openssl "apt-get install openssl"
}

# Starts everything from an empty broker (no state of an earlier run is restored) and waits until every service is
# ready.
stack_start() {
  if [[ -n "$(ls "$PIDS"/*.pid 2>/dev/null)" ]]; then
    say "a previous stack is still recorded in $PIDS; stopping it first"
    stack_stop
  fi
  mkdir -p "$PIDS" "$LOGS"
  rm -rf "$STACK_DIR/kafka/data"
  # every dev secret, made once (the API's token keys that scripts/token.sh signs with, the signing keys, the TSIG
  # secret), and the signing settings exported: the decision-service signs, it and the actuator verify; the actuator
  # also signs its stored desired states with a key of its own (ADR 0009, stored state)
  signing_keys "$STACK_DIR"
  "$ROOT/scripts/kafka.sh" start
  "$ROOT/scripts/bind.sh" start
  command -v dig >/dev/null || { [[ $(id -u) -eq 0 ]] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bind9-dnsutils >/dev/null; }
  need dig "apt-get install bind9-dnsutils"
  local backends
  read -r -a backends <<<"$BACKEND_PORTS"
  start_bg backend-primary java -cp "$(testkit_jar)" dev.failover.testkit.demo.DemoBackend primary "${backends[0]}"
  start_bg backend-secondary java -cp "$(testkit_jar)" dev.failover.testkit.demo.DemoBackend secondary "${backends[1]}"

  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" FAILOVER_TOPOLOGY_FILE="$TOPOLOGY"
  local port location probes=($PROBE_PORTS) i=0
  for location in loc-a loc-b loc-c; do
    # while training, loc-a alone records the probe-service's cache: all three would write the same file
    # shellcheck disable=SC2046
    FAILOVER_LOCATION=$location QUARKUS_HTTP_PORT=${probes[$i]} \
      QUARKUS_MANAGEMENT_PORT="$(management_port "${probes[$i]}")" as_kafka_principal failover-probe \
      start_bg "probe-$location" $(AOT_TRAIN="$([[ $location == loc-a ]] && echo "${AOT_TRAIN:-0}" || echo 0)" \
        service_java probe-service)
    i=$((i + 1))
  done
  # shellcheck disable=SC2046
  FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" QUARKUS_HTTP_PORT=$DECISION_PORT \
    QUARKUS_MANAGEMENT_PORT="$(management_port "$DECISION_PORT")" \
    as_kafka_principal failover-decision start_bg decision $(service_java decision-service)
  # shellcheck disable=SC2046
  FAILOVER_DNS_PROVIDER=rfc2136 FAILOVER_DNS_RFC2136_SERVER=127.0.0.1 FAILOVER_DNS_RFC2136_PORT=$BIND_PORT \
    FAILOVER_DNS_RFC2136_TSIG_KEY_NAME=failover-key FAILOVER_DNS_RFC2136_TSIG_SECRET="$("$ROOT/scripts/bind.sh" secret)" \
    FAILOVER_INSTANCE_ID=actuator-demo QUARKUS_HTTP_PORT=$ACTUATOR_PORT \
    QUARKUS_MANAGEMENT_PORT="$(management_port "$ACTUATOR_PORT")" \
    FAILOVER_JWT_PUBLIC_KEY="$STACK_DIR/secrets/jwt/public.pem" \
    FAILOVER_SWITCHOVER_TTL_FLOOR="${SWITCHOVER_TTL_FLOOR:-1s}" \
    as_kafka_principal failover-actuator start_bg actuator env ${ACTUATOR_ENV:-} $(service_java actuator-service)
}

stack_wait_ready() {
  say "waiting for the services to be ready (logs in $LOGS)"
  local probes=($PROBE_PORTS)
  wait_ready probe-loc-a "${probes[0]}"; wait_ready probe-loc-b "${probes[1]}"; wait_ready probe-loc-c "${probes[2]}"
  wait_ready decision "$DECISION_PORT"; wait_ready actuator "$ACTUATOR_PORT"
}

# answer NAME: the A record BIND serves for NAME, sorted, space-separated
answer() { dig @127.0.0.1 -p "$BIND_PORT" "$1" A +short +time=1 +tries=1 | sort | tr '\n' ' ' | sed 's/ $//'; }
# answer_ttl NAME: the same with the TTL BIND serves it with, e.g. "127.0.0.12 ttl=5"
answer_ttl() {
  dig @127.0.0.1 -p "$BIND_PORT" "$1" A +noall +answer +time=1 +tries=1 | awk '{print $5 " ttl=" $2}' | sort | tr '\n' ' ' \
    | sed 's/ $//'
}

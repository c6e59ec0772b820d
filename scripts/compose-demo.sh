#!/usr/bin/env bash
# docker-compose.yml brought up for real, with podman-compose and the images made here (no registry), through a
# visible failover and failback:
#
#   scripts/compose-demo.sh          build the images (scripts/images.sh --compose), bring the stack up, stop the
#                                    primary backend's container, print when DNS moved, start it again, print when it
#                                    moved back, bring the stack down
#   scripts/compose-demo.sh --keep   the same, but leave the stack up (scripts/compose-demo.sh down stops it)
#   scripts/compose-demo.sh down     stop and remove the stack's containers
#
# The compose file is the one Docker users run; deploy/containers/compose.debian.yml only swaps each registry image
# for one made from Debian's packages (docs/containers.md). Grafana and LocalStack have none, so their services are
# not started. podman-compose 1.0.3 (Debian 12) neither waits for a dependency's condition nor reads profiles: the
# secrets service runs to its end first, then the named services start.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/containers/containers.conf}"
# shellcheck source=lib/pom.sh
. "$ROOT/scripts/lib/pom.sh"
# shellcheck source=lib/ports.sh
. "$ROOT/scripts/lib/ports.sh"
export FAILOVER_VERSION=${FAILOVER_VERSION:-$(pom_version)}
export KAFKA_VERSION=${KAFKA_VERSION:-$(pom_property kafka.version)}
export DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}
PROJECT=${COMPOSE_PROJECT:-failover-demo}
compose() { podman-compose --no-ansi -p "$PROJECT" -f docker-compose.yml -f deploy/containers/compose.debian.yml "$@"; }
SERVICES=(kafka bind backend-primary backend-secondary probe-loc-a probe-loc-b probe-loc-c decision actuator prometheus
  alertmanager)
T0=$(date +%s.%N)
stamp() { printf '[t+%6.1fs] %s\n' "$(awk "BEGIN{print $(date +%s.%N) - $T0}")" "$*"; }
answer() { dig @127.0.0.1 -p 15353 api.failover.test A +short +time=1 +tries=1 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }

down() { compose down >/dev/null 2>&1 || true; }
keep=false
case "${1:-}" in
  down) down; echo "stack $PROJECT down"; exit 0 ;;
  --keep) keep=true ;;
  '') ;;
  *) echo "compose-demo.sh: unknown argument '$1' (--keep, down)" >&2; exit 2 ;;
esac
for tool in podman podman-compose dig curl; do
  command -v "$tool" >/dev/null || { echo "compose-demo.sh: $tool is needed" >&2; exit 2; }
done

# every image the stack runs, from this build (the backends run the testkit's jar from the host, as in the file)
[[ -f failover-testkit/target/failover-testkit-$FAILOVER_VERSION.jar ]] \
  || mvn -B -q -DskipTests -Daot.train.skip=true -pl failover-testkit -am package
stamp "images (scripts/images.sh --compose)"
scripts/images.sh --compose
down
$keep || trap down EXIT

stamp "secrets (scripts/dev-secrets.sh in its container, to its end)"
# a container engine makes a missing bind-mount source a directory: an earlier start of bind before the secrets service
# wrote its key leaves one where the key file goes
[[ -d .secrets/bind-tsig.key ]] && rmdir .secrets/bind-tsig.key
compose up -d secrets >/dev/null
status=$(podman wait "${PROJECT}_secrets_1")
[[ "$status" == 0 ]] || { podman logs "${PROJECT}_secrets_1" >&2; echo "the secrets service ended with $status" >&2; exit 1; }

stamp "up: ${SERVICES[*]}"
compose up -d --no-deps "${SERVICES[@]}" >/dev/null
# readiness on each service's management port, published at management_port of its API's (docker-compose.yml)
ready() { curl -sf -m 2 "http://127.0.0.1:$(management_port "$1")/q/health/ready" >/dev/null; }
declare -A named=([8181]=probe-loc-a [8182]=probe-loc-b [8183]=probe-loc-c [8280]=decision [8380]=actuator)
for port in 8181 8182 8183 8280 8380; do
  deadline=$((SECONDS + 180))
  until ready "$port"; do
    if ((SECONDS > deadline)); then
      echo "nothing ready on :$port within 180 s; the containers:" >&2
      podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}} {{.Status}}' >&2
      exit 1
    fi
    sleep 1
  done
  stamp "  ${named[$port]} ready (:$port)"
done
stamp "every service ready (probes :8181-8183, decision :8280, actuator :8380)"
podman ps --filter "label=io.podman.compose.project=$PROJECT" --format '  {{.Names}}\t{{.Image}}\t{{.Status}}'

await_answer() { # expected, within seconds, what
  local deadline=$((SECONDS + $2))
  until [[ "$(answer)" == "$1" ]]; do
    ((SECONDS < deadline)) || { echo "api.failover.test did not answer $1 within $2 s ($3): '$(answer)'" >&2; exit 1; }
    sleep 0.2
  done
}
await_answer 192.0.2.11 120 "the primary, as the zone starts"
stamp "api.failover.test -> $(answer) (primary)"

failed=$(date +%s.%N)
podman stop --time 0 "${PROJECT}_backend-primary_1" >/dev/null
stamp "primary backend's container stopped"
await_answer 192.0.2.12 60 "the secondary after the failover"
stamp "api.failover.test -> $(answer) (secondary): $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $failed}") s after the stop"

back=$(date +%s.%N)
podman start "${PROJECT}_backend-primary_1" >/dev/null
stamp "primary backend's container started again (failback after its hold-down, 15 s)"
await_answer 192.0.2.11 90 "the primary after the failback"
stamp "api.failover.test -> $(answer) (primary): $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $back}") s after the start"

if $keep; then
  echo "the stack stays up: scripts/compose-demo.sh down stops it"
fi

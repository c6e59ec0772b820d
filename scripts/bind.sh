#!/usr/bin/env bash
# A BIND9 named on 127.0.0.1 for the local stack: primary for the zone of config/failover.yaml, accepting RFC 2136
# updates signed with a TSIG key it generates, refusing all others. Its configuration is config/bind/*.template, the
# same the tests run (failover-testkit BindServer).
#
#   scripts/bind.sh start|stop|status|secret
#
# Environment: STACK_DIR (default <repo>/.stack), BIND_PORT (default 15353), BIND_ZONE (default failover.test),
# BIND_RECORD (default "api IN A 127.0.0.11", the primary's address).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
BIND_PORT="${BIND_PORT:-15353}"
ZONE="${BIND_ZONE:-failover.test}"
RECORD="${BIND_RECORD:-api 5 IN A 127.0.0.11}"
DIR="$STACK_DIR/bind"
PID_FILE="$DIR/named.pid.run"
KEY_NAME=failover-key
# shellcheck source=lib/template.sh
source "$ROOT/scripts/lib/template.sh"
# shellcheck source=lib/detach.sh
source "$ROOT/scripts/lib/detach.sh"

log() { echo "[bind] $*"; }

named_bin() {
  for b in /usr/sbin/named /usr/bin/named; do [[ -x "$b" ]] && { echo "$b"; return; }; done
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing bind9 (Debian package)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bind9 bind9-dnsutils >&2
    echo /usr/sbin/named; return
  fi
  echo "named is not installed: apt-get install bind9 bind9-dnsutils (as root)" >&2; exit 1
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  if pid="$(running_pid)"; then log "already running (pid $pid) on 127.0.0.1:$BIND_PORT"; return 0; fi
  local named; named="$(named_bin)"
  rm -rf "$DIR"; mkdir -p "$DIR"
  local secret; secret="$(head -c 32 /dev/urandom | base64)"
  echo "$secret" > "$DIR/tsig.secret"; chmod 600 "$DIR/tsig.secret"
  render_template "$ROOT/config/bind/named.conf.template" KEY_NAME="$KEY_NAME" ALGORITHM=hmac-sha256 SECRET="$secret" \
    DIR="$DIR" PORT="$BIND_PORT" ZONE="$ZONE" LISTEN=127.0.0.1 > "$DIR/named.conf"
  render_template "$ROOT/config/bind/zone.db.template" ZONE="$ZONE" RECORDS="$RECORD" > "$DIR/zone.db"
  detached nohup "$named" -g -c "$DIR/named.conf" -u "$(id -un)" > "$DIR/named.log" 2>&1 &
  echo $! > "$PID_FILE"
  for _ in $(seq 1 50); do
    grep -q "running" "$DIR/named.log" 2>/dev/null && { log "ready (pid $(cat "$PID_FILE")) on 127.0.0.1:$BIND_PORT, zone $ZONE"; return 0; }
    kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break
    sleep 0.2
  done
  log "named did not start; last lines of $DIR/named.log:"; tail -20 "$DIR/named.log" >&2; return 1
}

stop() {
  if ! pid="$(running_pid)"; then log "not running"; rm -f "$PID_FILE"; return 0; fi
  log "stopping pid $pid"; kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" || true
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if pid="$(running_pid)"; then log "running (pid $pid)"; else log "not running"; exit 3; fi ;;
  secret) cat "$DIR/tsig.secret" ;;
  *) echo "usage: $0 start|stop|status|secret" >&2; exit 2 ;;
esac

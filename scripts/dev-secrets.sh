#!/bin/sh
# Development secrets, made on this machine at first start and never committed: the key pair that signs API tokens
# (scripts/token.sh), the Ed25519 key pairs that sign decisions and commands and the actuator's stored state (ADR 0009)
# and the TSIG secret of the DNS
# updates. Used by the local stack (scripts/lib/stack.sh), the system
# tests and docker-compose.yml (its `secrets` service runs this script first). POSIX sh and openssl only.
#
#   scripts/dev-secrets.sh DIR
#
# Files already in DIR are kept, so every start of a stack sees the same secrets. A value given in the environment is
# used instead of a generated one: FAILOVER_DNS_RFC2136_TSIG_SECRET (base64). FAILOVER_SECRETS_OWNER (a uid) becomes
# the owner of the signing private key, for a container that runs as that user (docker-compose). Writes:
#   DIR/jwt/private.pem, DIR/jwt/public.pem   RSA key pair for the override API's tokens (decision-service: public)
#   DIR/signing/local-dev.key                 Ed25519 private key, key id local-dev (decision-service)
#   DIR/signing/trusted/local-dev.pub         its public key, in the trusted-keys directory (decision-service, actuator)
#   DIR/signing/local-actuator.key            Ed25519 private key, key id local-actuator: the actuator's desired states
#   DIR/signing/actuator-trusted/local-actuator.pub  its public key, the actuators' trusted-keys directory
#   DIR/tsig.secret                           the TSIG secret, base64
#   DIR/bind-tsig.key                         the same as a BIND9 key statement (key "failover-key")
#   DIR/actuator.properties                   the same as actuator configuration (QUARKUS_CONFIG_LOCATIONS)
set -eu
dir="${1:?usage: $0 DIR}"
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }
umask 077
# A key pair, each half made only when missing (a new private key drops the old public one): PRIVATE PUBLIC GENPKEY-ARGS.
key_pair() {
  private="$1" public="$2"
  shift 2
  if [ ! -s "$private" ]; then
    openssl genpkey "$@" -out "$private.tmp" 2>/dev/null
    mv "$private.tmp" "$private"
    rm -f "$public"
  fi
  if [ ! -s "$public" ]; then
    openssl pkey -in "$private" -pubout -out "$public.tmp"
    chmod 644 "$public.tmp"
    mv "$public.tmp" "$public"
  fi
}

mkdir -p "$dir/jwt" "$dir/signing/trusted" "$dir/signing/actuator-trusted"
key_pair "$dir/jwt/private.pem" "$dir/jwt/public.pem" -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key_pair "$dir/signing/local-dev.key" "$dir/signing/trusted/local-dev.pub" -algorithm ed25519
key_pair "$dir/signing/local-actuator.key" "$dir/signing/actuator-trusted/local-actuator.pub" -algorithm ed25519
if [ -n "${FAILOVER_SECRETS_OWNER:-}" ]; then
  chown "$FAILOVER_SECRETS_OWNER" "$dir/signing/local-dev.key" "$dir/signing/local-actuator.key"
fi

if [ -n "${FAILOVER_DNS_RFC2136_TSIG_SECRET:-}" ]; then
  printf '%s\n' "$FAILOVER_DNS_RFC2136_TSIG_SECRET" > "$dir/tsig.secret"
elif [ ! -s "$dir/tsig.secret" ]; then
  openssl rand -base64 32 > "$dir/tsig.secret"
fi
secret="$(cat "$dir/tsig.secret")"
printf 'key "failover-key" { algorithm hmac-sha256; secret "%s"; };\n' "$secret" > "$dir/bind-tsig.key"
printf 'failover.dns.rfc2136.tsig-secret=%s\n' "$secret" > "$dir/actuator.properties"
# the containers run as other users than the one who made the files: they read, only the owner writes
chmod 644 "$dir/bind-tsig.key" "$dir/actuator.properties"
chmod 755 "$dir" "$dir/jwt" "$dir/signing" "$dir/signing/trusted" "$dir/signing/actuator-trusted"

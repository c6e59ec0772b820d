#!/usr/bin/env bash
# Signs a bearer token for the decision-service's override API with the development key that the local stack made at
# its first start (scripts/dev-secrets.sh, in $STACK_DIR/secrets, default .stack/secrets).
#
#   scripts/token.sh ROLE [NAME] [TTL_SECONDS]     ROLE: viewer | operator (the token gets failover-viewer / -operator)
#
#   curl -H "Authorization: Bearer $(scripts/token.sh operator alice)" localhost:8280/groups
#
# FAILOVER_JWT_PRIVATE_KEY, FAILOVER_JWT_ISSUER and FAILOVER_JWT_AUDIENCE select another key, issuer and audience
# (docker compose: FAILOVER_JWT_PRIVATE_KEY=.secrets/jwt/private.pem). Production tokens come from your identity
# provider, not from this script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
role="${1:?usage: $0 viewer|operator [NAME] [TTL_SECONDS]}"
case "$role" in viewer | operator) role="failover-$role" ;; *) echo "ROLE must be viewer or operator, was '$role'" >&2; exit 2 ;; esac
name="${2:-${USER:-operator}}"
ttl="${3:-3600}"
key="${FAILOVER_JWT_PRIVATE_KEY:-${STACK_DIR:-$ROOT/.stack}/secrets/jwt/private.pem}"
issuer="${FAILOVER_JWT_ISSUER:-failover}"
audience="${FAILOVER_JWT_AUDIENCE:-failover-decision-service}"
[[ -r "$key" ]] || { echo "no signing key at $key: start the local stack once (./scripts/demo.sh), or set FAILOVER_JWT_PRIVATE_KEY" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }

b64url() { openssl base64 -e -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","aud":"%s","sub":"%s","upn":"%s","groups":["%s"],"iat":%d,"exp":%d}' \
  "$issuer" "$audience" "$name" "$name" "$role" "$now" "$((now + ttl))" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"

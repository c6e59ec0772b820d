#!/usr/bin/env bash
# Signs a bearer token for the decision-service's override API (or, with --actuator, for the actuator's API) with the
# development key that the local stack made at its first start (scripts/dev-secrets.sh, in $STACK_DIR/secrets, default
# .stack/secrets).
#
#   scripts/token.sh [--actuator] ROLE [NAME] [TTL_SECONDS]   ROLE: viewer | operator (failover-viewer / -operator)
#
#   curl -H "Authorization: Bearer $(scripts/token.sh operator alice)" localhost:8280/groups
#   curl -X POST -H "Authorization: Bearer $(scripts/token.sh --actuator operator alice)" localhost:8380/groups/api/retry
#
# Each API takes tokens for its own audience only: failover-decision-service, failover-actuator-service (--actuator).
# FAILOVER_JWT_PRIVATE_KEY, FAILOVER_JWT_ISSUER and FAILOVER_JWT_AUDIENCE select another key, issuer and audience
# (docker compose: FAILOVER_JWT_PRIVATE_KEY=.secrets/jwt/private.pem). Production tokens come from your identity
# provider, not from this script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_audience=failover-decision-service
if [[ "${1:-}" == --actuator ]]; then default_audience=failover-actuator-service; shift; fi
role="${1:?usage: $0 [--actuator] viewer|operator [NAME] [TTL_SECONDS]}"
case "$role" in viewer | operator) role="failover-$role" ;; *) echo "ROLE must be viewer or operator, was '$role'" >&2; exit 2 ;; esac
name="${2:-${USER:-operator}}"
ttl="${3:-3600}"
key="${FAILOVER_JWT_PRIVATE_KEY:-${STACK_DIR:-$ROOT/.stack}/secrets/jwt/private.pem}"
issuer="${FAILOVER_JWT_ISSUER:-failover}"
audience="${FAILOVER_JWT_AUDIENCE:-$default_audience}"
[[ -r "$key" ]] || { echo "no signing key at $key: start the local stack once (./scripts/demo.sh), or set FAILOVER_JWT_PRIVATE_KEY" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }

b64url() { openssl base64 -e -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","aud":"%s","sub":"%s","upn":"%s","groups":["%s"],"iat":%d,"exp":%d}' \
  "$issuer" "$audience" "$name" "$name" "$role" "$now" "$((now + ttl))" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"

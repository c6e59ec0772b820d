#!/usr/bin/env bash
# Signs a bearer token for the decision-service's override API with the development key (config/dev-jwt).
#
#   scripts/token.sh ROLE [NAME] [TTL_SECONDS]     ROLE: viewer | operator
#
#   curl -H "Authorization: Bearer $(scripts/token.sh operator alice)" localhost:8280/groups
#
# FAILOVER_JWT_PRIVATE_KEY and FAILOVER_JWT_ISSUER select another key and issuer. Production tokens come from your
# identity provider, not from this script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
role="${1:?usage: $0 viewer|operator [NAME] [TTL_SECONDS]}"
name="${2:-${USER:-operator}}"
ttl="${3:-3600}"
key="${FAILOVER_JWT_PRIVATE_KEY:-$ROOT/config/dev-jwt/private.pem}"
issuer="${FAILOVER_JWT_ISSUER:-failover}"
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }

b64url() { openssl base64 -e -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","sub":"%s","upn":"%s","groups":["%s"],"iat":%d,"exp":%d}' \
  "$issuer" "$name" "$name" "$role" "$now" "$((now + ttl))" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"

# Sourced by the scripts that start the decision-service or the actuator: the Ed25519 key pair of signed control
# messages (ADR 0009), made by scripts/dev-secrets.sh under DIR/secrets/signing at first use and kept for later starts
# (decisions already in Kafka stay verifiable), and the settings both services read, exported: the decision-service
# signs with the private key, both trust the public keys in DIR/secrets/signing/trusted. Local keys only: a deployment
# brings its own (docs/security.md).
signing_keys() { # DIR
  "$ROOT/scripts/dev-secrets.sh" "$1/secrets"
  export FAILOVER_SIGNING_KEY_ID=local-dev FAILOVER_SIGNING_PRIVATE_KEY_FILE="$1/secrets/signing/local-dev.key" \
    FAILOVER_SIGNING_TRUSTED_KEYS_DIR="$1/secrets/signing/trusted"
  # the actuator's own key for its stored desired states, and the actuator keys it trusts (ADR 0009, stored state)
  export FAILOVER_STATE_SIGNING_KEY_ID=local-actuator \
    FAILOVER_STATE_SIGNING_PRIVATE_KEY_FILE="$1/secrets/signing/local-actuator.key" \
    FAILOVER_STATE_SIGNING_TRUSTED_KEYS_DIR="$1/secrets/signing/actuator-trusted"
  # the decision-service takes what is served only from results signed by those actuator keys (ADR 0009)
  export FAILOVER_ACTUATOR_SIGNING_TRUSTED_KEYS_DIR="$1/secrets/signing/actuator-trusted"
}

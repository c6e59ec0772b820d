# Sourced by the scripts that start the decision-service or the actuator: the Ed25519 key pair of signed control
# messages (ADR 0009), made with openssl under DIR/signing at first use and kept for later starts (decisions already in
# Kafka stay verifiable), and the settings both services read, exported: the decision-service signs with the private
# key, both trust the public key in DIR/signing/trusted. Local keys only: a deployment brings its own (README).
signing_keys() { # DIR
  local dir="$1/signing" id="local-dev"
  mkdir -p "$dir/trusted"
  if [[ ! -s "$dir/$id.key" || ! -s "$dir/trusted/$id.pub" ]]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$dir/$id.key")
    openssl pkey -in "$dir/$id.key" -pubout -out "$dir/trusted/$id.pub"
  fi
  export FAILOVER_SIGNING_KEY_ID="$id" FAILOVER_SIGNING_PRIVATE_KEY_FILE="$dir/$id.key" \
    FAILOVER_SIGNING_TRUSTED_KEYS_DIR="$dir/trusted"
}

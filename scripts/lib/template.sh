# Sourced by scripts/bind.sh and scripts/kafka.sh. The failover-testkit renders the same templates in Java
# (dev.failover.testkit.config.ConfigTemplate), so tests and the local stack run one BIND and one Kafka configuration.

# render_template FILE KEY=VALUE...: prints FILE with every ${KEY} replaced by VALUE; fails, naming the placeholder,
# when one is left without a value.
render_template() {
  local file="$1"; shift
  local content pair key value
  content="$(<"$file")"
  for pair in "$@"; do
    key="${pair%%=*}"
    value="${pair#*=}"
    # quoted pattern and replacement: taken literally (no globbing, no & expansion)
    content="${content//"\${$key}"/"$value"}"
  done
  if [[ "$content" =~ \$\{[A-Z_]+\} ]]; then
    echo "$file: no value for ${BASH_REMATCH[0]}" >&2
    return 1
  fi
  printf '%s\n' "$content"
}

#!/bin/sh
# The Secrets one region's overlay (k8s/overlays/<region>) needs, made from a directory that stays out of the repository
# (a vault, a secrets manager's export, an encrypted volume): nothing secret is ever committed. docs/deploy-eks.md,
# "Secrets", walks through it. POSIX sh, openssl and kubectl (offline: --dry-run=client); no cluster needed to render.
#
#   scripts/k8s-secrets.sh --dir DIR --region R --regions R1,R2,R3 [--kafka scram|msk-iam] [--namespace failover] [--apply]
#
# Prints the Secrets as YAML (to review, or to pipe into `kubectl apply -f -`); --apply applies them itself. --kafka
# names the overlay's Kafka component (k8s/kafka-scram, the default, or k8s/kafka-msk-iam). With scram, DIR holds:
#   DIR/kafka-ca.crt                        the Kafka cluster's CA (PEM)                     -> failover-kafka-ca
#   DIR/<region>/kafka/probe.jaas           each service's own Kafka login, one line of     -> failover-kafka-probe
#   DIR/<region>/kafka/decision.jaas        sasl.jaas.config (the principal's                -> failover-kafka-decision
#   DIR/<region>/kafka/actuator.jaas        ScramLoginModule line)                           -> failover-kafka-actuator
# With msk-iam there is no Kafka Secret: each service signs in with its pod's role, and MSK's certificates are trusted by
# the JVM's own store. Always, made here when missing (ADR 0009: Ed25519; a key pair per region and role, key id <role>-<region>-<yyyymm>):
#   DIR/<region>/decision-signing.{id,key,pub}   signs decisions and commands     -> failover-signing-key
#   DIR/<region>/actuator-state.{id,key,pub}     signs the actuator's stored state -> failover-actuator-state-key
# When present, a TSIG secret per RFC 2136 DNS provider instance a group names (ADR 0036; the region's own key, which
# the provider's update policy grants), mounted where failover.dns.providers.<id>.tsig-secret-file points:
#   DIR/<region>/dns/<id>.tsig                   the secret, base64           -> failover-dns-<id> (key: secret)
# The trusted sets hold the public keys of every region in --regions (any region's instance may decide or actuate any
# group, ADR 0005): failover-signing-trusted-keys (every decision-service key) and failover-actuator-state-trusted-keys
# (every actuator key). Adding a region: make its keys, then apply every region's Secrets again and restart (ADR 0009,
# rotation). Exit 2 on a usage error, 1 naming the missing file.
set -eu
usage() { echo "usage: $0 --dir DIR --region R --regions R1,R2,... [--kafka scram|msk-iam] [--namespace NS] [--apply]" >&2; exit 2; }
dir='' region='' regions='' namespace=failover apply=false kafka=scram
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:-}"; shift 2 || usage ;;
    --region) region="${2:-}"; shift 2 || usage ;;
    --regions) regions="${2:-}"; shift 2 || usage ;;
    --namespace) namespace="${2:-}"; shift 2 || usage ;;
    --kafka) kafka="${2:-}"; shift 2 || usage ;;
    --apply) apply=true; shift ;;
    *) usage ;;
  esac
done
[ -n "$dir" ] && [ -n "$region" ] && [ -n "$regions" ] || usage
case ",$regions," in *",$region,"*) ;; *) echo "--region $region is not one of --regions $regions" >&2; exit 2 ;; esac
case "$kafka" in scram|msk-iam) ;; *) echo "--kafka $kafka is not scram or msk-iam (the overlay's k8s/kafka-* component)" >&2; exit 2 ;; esac
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "kubectl is required" >&2; exit 1; }
need() { [ -s "$1" ] || { echo "missing $1: $2 (see docs/deploy-eks.md, Secrets)" >&2; exit 1; }; }

umask 077
# KEY PAIR: DIR/<region>/<role>.{id,key,pub}, made once; the id names the month it was made (rotation by key id).
key_pair() {
  base="$dir/$1/$2"
  mkdir -p "$dir/$1"
  if [ ! -s "$base.key" ]; then
    openssl genpkey -algorithm ed25519 -out "$base.key.tmp" 2>/dev/null
    mv "$base.key.tmp" "$base.key"
    printf '%s-%s-%s\n' "$2" "$1" "$(date -u +%Y%m)" > "$base.id"
    rm -f "$base.pub"
  fi
  [ -s "$base.pub" ] || openssl pkey -in "$base.key" -pubout -out "$base.pub"
}

if [ "$kafka" = scram ]; then
  need "$dir/kafka-ca.crt" "the Kafka cluster's CA certificate, PEM"
  for service in probe decision actuator; do
    need "$dir/$region/kafka/$service.jaas" "the $service principal's sasl.jaas.config in $region"
  done
fi
trusted_decision='' trusted_actuator=''
for r in $(printf '%s' "$regions" | tr ',' ' '); do
  key_pair "$r" decision-signing
  key_pair "$r" actuator-state
  trusted_decision="$trusted_decision --from-file=$(cat "$dir/$r/decision-signing.id").pub=$dir/$r/decision-signing.pub"
  trusted_actuator="$trusted_actuator --from-file=$(cat "$dir/$r/actuator-state.id").pub=$dir/$r/actuator-state.pub"
done

secret() {
  printf -- '---\n'
  kubectl create secret generic "$@" --namespace "$namespace" --dry-run=client -o yaml | grep -v '^  creationTimestamp: null$'
}
render() {
  if [ "$kafka" = scram ]; then
    secret failover-kafka-ca --from-file=ca.crt="$dir/kafka-ca.crt"
    for service in probe decision actuator; do
      secret "failover-kafka-$service" --from-file=sasl.jaas.config="$dir/$region/kafka/$service.jaas"
    done
  fi
  secret failover-signing-key --from-literal=key-id="$(cat "$dir/$region/decision-signing.id")" \
    --from-file=private-key.pem="$dir/$region/decision-signing.key"
  # word splitting wanted: one --from-file per region
  # shellcheck disable=SC2086
  secret failover-signing-trusted-keys $trusted_decision
  secret failover-actuator-state-key --from-literal=key-id="$(cat "$dir/$region/actuator-state.id")" \
    --from-file=private-key.pem="$dir/$region/actuator-state.key"
  # shellcheck disable=SC2086
  secret failover-actuator-state-trusted-keys $trusted_actuator
  for tsig in "$dir/$region"/dns/*.tsig; do
    [ -e "$tsig" ] || continue
    id=$(basename "$tsig" .tsig)
    case "$id" in *[!a-z0-9-]*|'') echo "$tsig: a provider id is lower-case letters, digits and '-'" >&2; exit 1 ;; esac
    secret "failover-dns-$id" --from-file=secret="$tsig"
  done
}
if $apply; then
  render | kubectl apply -f -
else
  render
fi

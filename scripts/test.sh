#!/usr/bin/env bash
# The test suite, from a fresh clone on a fresh machine: checks what it needs, then runs every module's tests,
# including the system tests that run the packaged services against a standalone Kafka broker.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
# a real BIND9 named for the RFC 2136 tests
[[ -x /usr/sbin/named ]] || missing+=(bind9)
command -v dig >/dev/null || missing+=(bind9-dnsutils)
command -v python3 >/dev/null || missing+=(python3)
# promtool gates the alert rules; a real Prometheus evaluates the dashboard's queries in the system tests
command -v promtool >/dev/null || missing+=(prometheus)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v kubectl >/dev/null || missing+=(kubectl)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing: ${missing[*]} (install them, e.g. apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# The Debian prometheus package starts a server when a service manager runs; the tests start their own.
promtool check rules monitoring/prometheus/failover-alerts.yml
promtool test rules monitoring/prometheus/failover-alerts.test.yml
# docker-compose.yml cannot run here (no Docker engine) but must stay valid
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile localstack config -q

# Kafka jars come from Maven Central through the build itself (failover-testkit, scripts/kafka/pom.xml).
mvn -B verify "$@"

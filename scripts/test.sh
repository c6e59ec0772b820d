#!/usr/bin/env bash
# The test suite, from a fresh clone on a fresh machine: checks what it needs (and installs what is missing when run as
# root on Debian), then runs every module's tests, including the system tests that run the packaged services against a
# standalone Kafka broker, the region-loss scenarios among them (RegionLossIT in network namespaces).
#
#   ./scripts/test.sh              the suite, the region-loss scenarios included (what CI runs)
#   ./scripts/test.sh --stress     the suite while stress-ng keeps one core busy: the suite must pass like that
#   ./scripts/test.sh -pl probe-service -am    extra arguments go to Maven (and the region-loss run is left out)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

stress=false
if [[ ${1:-} == --stress ]]; then
  stress=true
  shift
fi

# What the suite needs, why, and the Debian package that brings it: "test|package|why".
needs=(
  "command -v java|openjdk-17-jdk-headless|the build (Java 17); the services run on JDK 25 with an AOT cache when there is one (ADR 0017)"
  "command -v mvn|maven|the build"
  "command -v curl|curl|the scripts talk to the services' HTTP APIs"
  "command -v openssl|openssl|the scripts sign development JWTs"
  "command -v python3|python3|the scripts read JSON answers"
  "test -x /usr/sbin/named|bind9|a real BIND9 for the RFC 2136 (TSIG) tests and the local stack"
  "command -v dig|bind9-dnsutils|dig and nsupdate read and change what BIND9 serves"
  "test -x /usr/sbin/knotd|knot|a real Knot DNS, the second RFC 2136 (TSIG) server the DNS provider's tests run against"
  "test -x /usr/sbin/unbound|unbound|a real caching resolver in front of one location: the observed-convergence test sees it keep the old answer for its TTL"
  "command -v promtool|prometheus|promtool checks the alert rules; a real Prometheus evaluates the dashboard's queries"
  "command -v amtool|prometheus-alertmanager|amtool checks the Alertmanager configurations and their routes"
  "command -v docker-compose|docker-compose|docker-compose.yml is validated (there is no Docker engine to run it)"
  "command -v kubectl|kubectl|the k8s overlays are rendered offline with kubectl kustomize"
  "command -v ip|iproute2|the region-loss test builds its regions as network namespaces (ip netns, veth, bridge)"
  "command -v nft|nftables|the region-loss test cuts regions apart with nftables rules inside their namespaces"
  "command -v node|nodejs|the operator page's browser test runs playwright-core on Node.js"
  "command -v npm|npm|installs the browser test's playwright-core from its lock file (npm ci)"
  "test -x /usr/bin/chromium|chromium|the operator page is tested in a real browser: Debian's Chromium"
  "compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup'|postgresql|a real PostgreSQL primary and streaming replica for the data tier's tests (run as the postgres user)"
)
if $stress; then
  needs+=("command -v stress-ng|stress-ng|--stress keeps one core busy with stress-ng")
fi

missing=()
for need in "${needs[@]}"; do
  IFS='|' read -r check package why <<<"$need"
  if ! eval "$check" >/dev/null 2>&1; then
    missing+=("$package")
    echo "needed: $package — $why"
  fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing with apt-get: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "cannot install ${missing[*]}: not root or no apt-get. Install them (e.g. sudo apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
fi

if $stress; then
  # One core fully busy for as long as the suite runs: timing assumptions that only hold on an idle machine fail here.
  stress-ng --cpu 1 --cpu-method matrixprod --quiet --timeout 3600 &  # bounded even if this script is killed
  hog=$!
  trap 'kill "$hog" 2>/dev/null || true' EXIT
  echo "stress run: stress-ng (pid $hog) keeps one core busy"
fi

# The Debian prometheus package starts a server when a service manager runs; the tests start their own.
# the rules and their tests, a runbook anchor for every alert, the Alertmanager configurations (scripts/check-alerts.sh)
./scripts/check-alerts.sh
# docker-compose.yml cannot run here (no Docker engine) but must stay valid
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile localstack config -q

# The system tests run side by side, one fork per core left free, at most two (ADR 0018): each of them keeps about one
# core busy, so a busy core (--stress) or a one-core machine leaves one fork.
cores=$(nproc)
$stress && cores=$((cores - 1))
forks=$((cores < 1 ? 1 : cores > 2 ? 2 : cores))

# A region lost for real, in network namespaces (RegionLossIT), runs after the other tests, alone
# (scripts/region-loss.sh, on this build's jars and AOT caches; ADR 0018, 2026-11-28). Beside the other system tests'
# forks its regions' Kafka took up to 18 s to move the consumer groups after the cut, and its bound (21 s from the cut
# to the new DNS answer) failed in four of six suite runs; alone it took 13-15 s. Not for a partial build (extra
# arguments), nor under --stress: three brokers and twelve JVMs need the second core.
region_loss=false
if ! $stress && [[ $# -eq 0 ]]; then
  region_loss=true
fi
it_forks=$forks

echo "system tests: $it_forks fork(s) on $(nproc) core(s)$($stress && echo ', one of them busy')$($region_loss && echo '; then RegionLossIT alone')"

# The modules are built one at a time per free core (mvn -T): their tests keep about one core busy each, and each test
# JVM takes its own slice of the free ports (the modules' poms, ADR 0018). The system tests start once every module they
# run is built.
# Kafka jars come from Maven Central through the build itself (failover-testkit, scripts/kafka/pom.xml).
status=0
started="$(mktemp)" # the jars the region-loss run takes must be this run's (below)
mvn -B -T "$forks" verify -Dit.forks="$it_forks" "$@" || status=$?
if $region_loss; then
  # whatever the suite's outcome, so that one run shows both, when the suite got as far as packaging the services:
  # a unit test that failed before (CI, 2026-11-28) left no jar, and RegionLossIT then failed to start its regions,
  # a second failure that said nothing of its own; an earlier run's jar would be run as if it were this one's
  unpackaged=()
  for service in probe-service decision-service actuator-service; do
    [[ "$service/target/quarkus-app/quarkus-run.jar" -nt "$started" ]] || unpackaged+=("$service")
  done
  rm -f "$started"
  if ((${#unpackaged[@]} > 0)); then
    echo "RegionLossIT not run: the suite did not package ${unpackaged[*]} (it failed first, above)" >&2
  else
    # useIncrementalCompilation=false: the compiler plugin then compiles only stale sources, instead of recompiling every
    # module whose dependency jar was rebuilt (about 40 s of a run)
    ./scripts/region-loss.sh -Dquarkus.build.skip=true -Daot.train.skip=true -Dmaven.compiler.useIncrementalCompilation=false \
      || status=$((status == 0 ? $? : status))
  fi
fi
exit "$status"

#!/usr/bin/env bash
# The control plane survives the loss of a region. Builds three region namespaces and an internet side
# (scripts/lib/regions.sh), then runs RegionLossIT inside the internet namespace: a three-node Kafka cluster, a probe,
# decision-service and actuator per region, BIND9 on the internet side, and four scenarios with real network faults
# (region loss, the cut-off minority, heal, a partition with the service healthy). The namespaces go when it ends.
#
#   ./scripts/region-loss.sh [--groups N] [extra Maven arguments]
#
# --groups N adds N groups like the one under test (-Dregion.loss.groups) and runs the region loss and the heal only:
# every group must answer the secondary within the test's bound (a region's outage at the scale users run).
#
# It builds the services first, and records their AOT caches (scripts/aot-train.sh) before RegionLossIT starts them. After
# the suite (scripts/test.sh) it is run with -Dquarkus.build.skip=true -Daot.train.skip=true: the suite's jars and caches.
#
# Needs root (network namespaces), iproute2, nftables and what the suite needs (scripts/test.sh installs it all).
# REGIONS_PREFIX (default fo) names the namespaces. Results: system-tests/target/failsafe-reports, the services' logs in
# system-tests/target/system-logs, the brokers' in system-tests/target/region-loss.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export REGIONS_PREFIX="${REGIONS_PREFIX:-fo}"
# shellcheck source=lib/regions.sh
source "$ROOT/scripts/lib/regions.sh"

GROUPS_ARGS=()
if [[ "${1:-}" == "--groups" ]]; then
  [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "--groups needs a number of groups, got '${2:-}'" >&2; exit 2; }
  GROUPS_ARGS=(-Dregion.loss.groups="$2")
  IT_TEST="RegionLossIT#everyTopicHasAReplicaInEachRegion+regionLoss+heal"
  shift 2
fi

regions_up
trap regions_down EXIT
echo "regions up: $(ip netns list | grep -c "^$REGIONS_PREFIX-") namespaces; running RegionLossIT inside $(regions_ns inet)"
# offline: the internet namespace has no route out, and the suite has fetched every dependency already
regions_exec inet mvn -B -o verify -pl system-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="${IT_TEST:-RegionLossIT}" "${GROUPS_ARGS[@]}" -Dfailsafe.failIfNoSpecifiedTests=false -Dui.test.deps.skip=true -Dregion.loss=true -Dregion.loss.prefix="$REGIONS_PREFIX" "$@"

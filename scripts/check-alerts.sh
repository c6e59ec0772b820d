#!/usr/bin/env bash
# Checks the alerting files together (run by scripts/test.sh; needs promtool, amtool, kubectl and python3 with PyYAML):
#  - both rule files load and their unit tests pass (promtool: the regional failover-alerts.yml and the global
#    failover-alerts-global.yml of monitoring/prometheus, each with its .test.yml; docs/runbook.md, "Where the rules run");
#  - every alert of either file has a runbook_url <runbook_base_url>/docs/runbook.md#<anchor> whose anchor exists in
#    docs/runbook.md (AlertRulesTest checks the same in the shipped-files module);
#  - both Alertmanager configurations load (amtool check-config), route as docs/runbook.md says ("Alert routing"),
#    and the cluster example keeps the compose stack's routes and inhibitions;
#  - the compose Prometheus configuration loads, and the cluster example renders (kubectl kustomize).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RULES=monitoring/prometheus/failover-alerts.yml
GLOBAL_RULES=monitoring/prometheus/failover-alerts-global.yml
COMPOSE_AM=monitoring/alertmanager/alertmanager.yml
K8S_AM=k8s/alertmanager/alertmanager.yaml

promtool check rules "$RULES" "$GLOBAL_RULES"
promtool test rules monitoring/prometheus/failover-alerts.test.yml monitoring/prometheus/failover-alerts-global.test.yml

python3 - "$RULES" "$GLOBAL_RULES" docs/runbook.md "$COMPOSE_AM" "$K8S_AM" <<'PY'
import re, sys, yaml
rules_file, global_rules_file, runbook_file, compose_am, k8s_am = sys.argv[1:]
runbook = open(runbook_file).read()
anchors = set(re.findall(r'<a id="([^"]+)"></a>', runbook))
for heading in re.findall(r'^#+ (.+)$', runbook, flags=re.M):  # GitHub's heading anchors
    anchors.add(re.sub(r'[^a-z0-9 _-]', '', heading.strip().lower()).replace(' ', '-'))
prefix = '{{ $externalLabels.runbook_base_url }}/docs/runbook.md#'
problems, alerts = [], []
for group in yaml.safe_load(open(rules_file))['groups'] + yaml.safe_load(open(global_rules_file))['groups']:
    for rule in group['rules']:
        if 'alert' not in rule:
            continue
        alerts.append(rule['alert'])
        url = (rule.get('annotations') or {}).get('runbook_url')
        if url is None:
            problems.append(f"{rule['alert']}: no runbook_url annotation")
        elif not url.startswith(prefix):
            problems.append(f"{rule['alert']}: runbook_url {url!r} does not start with {prefix!r}")
        elif url[len(prefix):] not in anchors:
            problems.append(f"{rule['alert']}: runbook_url anchor #{url[len(prefix):]} is not in {runbook_file}")
a, b = yaml.safe_load(open(compose_am)), yaml.safe_load(open(k8s_am))
for key in ('route', 'inhibit_rules'):
    if a.get(key) != b.get(key):
        problems.append(f"{key} of {k8s_am} differs from {compose_am}")
if sorted(r['name'] for r in a['receivers']) != sorted(r['name'] for r in b['receivers']):
    problems.append(f"receivers of {k8s_am} and {compose_am} have different names")
if problems:
    sys.exit("alerting files:\n  " + "\n  ".join(problems))
print(f"{len(alerts)} alerts of the regional and the global rules, each with a runbook_url to an anchor of {runbook_file}")
PY

# Where alerts go (docs/runbook.md, "Alert routing"): labels -> receiver, in both configurations.
routes=(
  "dead-mans-switch|alertname=FailoverWatchdog severity=none"
  "switch-notifications|alertname=FailoverSwitched severity=warning group=api kind=DRILL_START"
  "global-dead-mans-switch|alertname=FailoverWatchdog severity=none ruler=global"
  "pager|alertname=FailoverRegionDown severity=critical region=us-east-1"
  "chat|alertname=FailoverServiceDownInRegion severity=warning region=us-east-1 job=decision-service"
  "pager|alertname=FailoverDecidedNotServed severity=critical group=api"
  "chat|alertname=FailoverDnsDrift severity=warning group=api"
)
for am in "$COMPOSE_AM" "$K8S_AM"; do
  amtool check-config "$am" >/dev/null
  for r in "${routes[@]}"; do
    IFS='|' read -r receiver labels <<<"$r"
    # shellcheck disable=SC2086 # the labels are separate arguments
    amtool config routes test --config.file="$am" --verify.receivers="$receiver" $labels >/dev/null 2>&1 \
      || { echo "$am: $labels should go to $receiver, goes to $(amtool config routes test --config.file="$am" $labels 2>/dev/null)" >&2; exit 1; }
  done
done
echo "Alertmanager configurations valid; routes as documented"

# the compose Prometheus, with the rules where the container mounts them (monitoring/prometheus: both files)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#/etc/prometheus/rules/#$ROOT/monitoring/prometheus/#g" deploy/compose/prometheus.yml >"$tmp/prometheus.yml"
grep -q "$ROOT/$GLOBAL_RULES" "$tmp/prometheus.yml" || { echo "deploy/compose/prometheus.yml does not load $GLOBAL_RULES" >&2; exit 1; }
promtool check config "$tmp/prometheus.yml" >/dev/null
kubectl kustomize k8s/alertmanager >/dev/null
echo "compose Prometheus configuration and k8s/alertmanager valid"

#!/usr/bin/env bash
# Regenerates k8s/base/prometheus-rule.yaml from monitoring/prometheus/failover-alerts.yml (the one source of the rules)
# and copies monitoring/grafana/failover-dashboard.json into k8s/kube-prometheus-stack/ (kustomize reads no file outside
# a kustomization's folder). DeploymentFilesTest fails while either differs from its source.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python3 - "$ROOT" <<'PY'
import sys, yaml
root = sys.argv[1]
rules = yaml.safe_load(open(f"{root}/monitoring/prometheus/failover-alerts.yml"))
doc = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "failover"}, "spec": rules}
open(f"{root}/k8s/base/prometheus-rule.yaml", "w").write(
    "# Generated from monitoring/prometheus/failover-alerts.yml by scripts/sync-prometheus-rule.sh; do not edit.\n"
    + yaml.safe_dump(doc, sort_keys=False, width=120))
PY
cp "$ROOT/monitoring/grafana/failover-dashboard.json" "$ROOT/k8s/kube-prometheus-stack/failover-dashboard.json"

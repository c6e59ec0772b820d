#!/usr/bin/env bash
# Regenerates the PrometheusRules from the rule files, the one source of the rules (docs/runbook.md, "Where the rules
# run"):
#   monitoring/prometheus/failover-alerts.yml         -> k8s/base/prometheus-rule.yaml (failover: every region's Prometheus)
#   monitoring/prometheus/failover-alerts-global.yml  -> k8s/global-alerts/prometheus-rule.yaml (failover-global: the
#                                                        component for the cluster of the ruler that sees every region)
# and copies monitoring/grafana/failover-dashboard.json into k8s/kube-prometheus-stack/ (kustomize reads no file outside
# a kustomization's folder). DeploymentFilesTest and AlertRulesTest fail while any of them differs from its source.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python3 - "$ROOT" <<'PY'
import sys, yaml
root = sys.argv[1]
def generate(source, target, metadata):
    rules = yaml.safe_load(open(f"{root}/{source}"))
    doc = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": metadata, "spec": rules}
    open(f"{root}/{target}", "w").write(
        f"# Generated from {source} by scripts/sync-prometheus-rule.sh; do not edit.\n"
        + yaml.safe_dump(doc, sort_keys=False, width=120))
# the base's namespace and labels come from k8s/base/kustomization.yaml; a component has no namespace of its own, so the
# global rule names them (k8s/global-alerts)
generate("monitoring/prometheus/failover-alerts.yml", "k8s/base/prometheus-rule.yaml", {"name": "failover"})
generate("monitoring/prometheus/failover-alerts-global.yml", "k8s/global-alerts/prometheus-rule.yaml",
         {"name": "failover-global", "namespace": "failover", "labels": {"app.kubernetes.io/part-of": "failover"}})
PY
cp "$ROOT/monitoring/grafana/failover-dashboard.json" "$ROOT/k8s/kube-prometheus-stack/failover-dashboard.json"

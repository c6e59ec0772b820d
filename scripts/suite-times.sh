#!/usr/bin/env bash
# Where the suite's time went, from the surefire and failsafe reports a run left (./scripts/test.sh, or a fresh clone's
# .ci/run): the seconds each module's unit tests and each system-test class took, longest first, with the sums.
# Class times are what the test JVM measured; with two forks (and mvn -T 2) they overlap, so their sum exceeds the wall
# clock. docs/benchmarks.md, "The test suite", keeps a run's table.
#
#   ./scripts/suite-times.sh [REPO_DIR] [ROWS]     (default: this checkout, 30 rows)
set -euo pipefail
ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
ROWS="${2:-30}"
python3 - "$ROOT" "$ROWS" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
root, rows = sys.argv[1], int(sys.argv[2])
entries, modules, its = [], {}, 0.0
counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for path in glob.glob(os.path.join(root, "*", "target", "*-reports", "TEST-*.xml")):
    module = os.path.relpath(path, root).split(os.sep)[0]
    suite = ET.parse(path).getroot()
    seconds = float(suite.get("time", "0") or 0)
    for key in counts:
        counts[key] += int(suite.get(key, "0") or 0)
    if "failsafe-reports" in path:
        entries.append((seconds, suite.get("name").rsplit(".", 1)[-1], int(suite.get("tests", "0"))))
        its += seconds
    else:
        total, tests = modules.get(module, (0.0, 0))
        modules[module] = (total + seconds, tests + int(suite.get("tests", "0")))
for module, (seconds, tests) in modules.items():
    entries.append((seconds, module + " unit tests", tests))
entries.sort(reverse=True)
print(f"{'seconds':>8}  {'tests':>5}  what")
for seconds, what, tests in entries[:rows]:
    print(f"{seconds:8.1f}  {tests:5d}  {what}")
units = sum(s for s, _ in modules.values())
print(f"sums: unit tests {units:.0f} s, system tests {its:.0f} s (class times, overlapping across forks); "
      f"{counts['tests']} tests, {counts['failures']} failures, {counts['errors']} errors, {counts['skipped']} skipped")
PY

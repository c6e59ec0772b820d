#!/usr/bin/env bash
# Where the suite's time went, from the surefire and failsafe reports a run left (./scripts/test.sh, or a fresh clone's
# .ci/run): the seconds each module's unit tests and each system-test class took, longest first, with the sums, and
# the tests each module ran. Class times are what the test JVM measured; with two forks (and mvn -T 2) they overlap, so
# their sum exceeds the wall clock. docs/benchmarks.md, "The suite's time", keeps a run's table; scripts/test.sh ends
# with the counts (ROWS 0) of the reports its own run wrote (--since a file made when it started).
#
#   ./scripts/suite-times.sh [REPO_DIR] [ROWS] [--since FILE]     (default: this checkout, 30 rows)
set -euo pipefail
ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
ROWS="${2:-30}"
SINCE=""
if [[ ${3:-} == --since ]]; then
  SINCE="${4:?--since needs a file}"
fi
python3 - "$ROOT" "$ROWS" "$SINCE" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
root, rows, since = sys.argv[1], int(sys.argv[2]), sys.argv[3]
newer_than = os.path.getmtime(since) if since else 0
entries, modules, its, per_module, classes, skipped_why = [], {}, 0.0, {}, [], {}
counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for path in glob.glob(os.path.join(root, "*", "target", "*-reports", "TEST-*.xml")):
    if os.path.getmtime(path) < newer_than:
        continue  # an earlier run's report
    module = os.path.relpath(path, root).split(os.sep)[0]
    suite = ET.parse(path).getroot()
    seconds = float(suite.get("time", "0") or 0)
    tests = int(suite.get("tests", "0"))
    for key in counts:
        counts[key] += int(suite.get(key, "0") or 0)
    kind = "system tests" if "failsafe-reports" in path else "unit tests"
    ran = per_module.setdefault((module, kind), [0, 0])
    ran[0] += tests
    ran[1] += int(suite.get("skipped", "0") or 0)
    for case in suite.iter("testcase"):
        skip = case.find("skipped")
        if skip is not None:
            why = (skip.get("message") or "no reason given").strip().splitlines()[0][:160]
            key = (case.get("classname", "").rsplit(".", 1)[-1], why)
            skipped_why[key] = skipped_why.get(key, 0) + 1
    if "failsafe-reports" in path:
        name = suite.get("name").rsplit(".", 1)[-1]
        entries.append((seconds, name, tests))
        classes.append(name)
        its += seconds
    else:
        total, n = modules.get(module, (0.0, 0))
        modules[module] = (total + seconds, n + tests)
for module, (seconds, tests) in modules.items():
    entries.append((seconds, module + " unit tests", tests))
entries.sort(reverse=True)
if rows > 0:
    print(f"{'seconds':>8}  {'tests':>5}  what")
    for seconds, what, tests in entries[:rows]:
        print(f"{seconds:8.1f}  {tests:5d}  {what}")
units = sum(s for s, _ in modules.values())
for (module, kind), (tests, skipped) in sorted(per_module.items()):
    print(f"{module}: {tests} {kind}" + (f" ({skipped} skipped)" if skipped else ""))
if classes:
    print("system-test classes: " + ", ".join(sorted(classes)))
for (name, why), n in sorted(skipped_why.items()):
    print(f"skipped: {name}, {n} test(s): {why}")
print(f"sums: unit tests {units:.0f} s, system tests {its:.0f} s (class times, overlapping across forks); "
      f"{counts['tests']} tests, {counts['failures']} failures, {counts['errors']} errors, {counts['skipped']} skipped")
PY

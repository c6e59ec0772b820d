#!/usr/bin/env bash
# Where the suite's time went, from the surefire and failsafe reports a run left (./scripts/test.sh, or a fresh clone's
# .ci/run): the seconds each module's unit tests and each system-test class took, longest first, with the sums, and
# the tests each module ran. Class times are what the test JVM measured; with two forks (and mvn -T 2) they overlap, so
# their sum exceeds the wall clock. The CPU-seconds beside them are what the class cost the machine, whatever ran beside
# it: the test JVM's and every process it started (the testkit's ClassCpu listener, target/test-cpu; processes podman
# runs are not in them). The suite is CPU-bound on two cores: CPU-seconds are what taking a test out would save.
# docs/benchmarks.md, "The suite's time", keeps a run's table; scripts/test.sh ends with the costliest 15 and the counts
# of the reports its own run wrote (--since a file made when it started).
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
system_classes = {}  # (module, class) of each system-test report: its row's name
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
        system_classes[(module, suite.get("name"))] = name
        its += seconds
    else:
        total, n = modules.get(module, (0.0, 0))
        modules[module] = (total + seconds, n + tests)
# the CPU of each top-level class (ClassCpu's lines: class, wall ms, CPU ms, a file a test JVM), the newest line of a
# class when earlier runs left theirs (the files are not removed between runs, the reports are overwritten); a system
# test's by its row, a unit test's summed by module (a nested class's CPU is in its top-level class's)
newest = {}
for path in sorted(glob.glob(os.path.join(root, "*", "target", "test-cpu", "*.tsv")), key=os.path.getmtime):
    if os.path.getmtime(path) < newer_than:
        continue
    module = os.path.relpath(path, root).split(os.sep)[0]
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3:
            newest[(module, parts[0])] = int(parts[2]) / 1000
cpu_of = {}
for (module, name), seconds in newest.items():
    key = ("class", system_classes[(module, name)]) if (module, name) in system_classes else ("module", module)
    cpu_of[key] = cpu_of.get(key, 0.0) + seconds
for module, (seconds, tests) in modules.items():
    entries.append((seconds, module + " unit tests", tests))
entries.sort(reverse=True)
def cpu(what):
    value = cpu_of.get(("module", what[:-len(" unit tests")]) if what.endswith(" unit tests") else ("class", what))
    return f"{value:8.1f}" if value is not None else f"{'-':>8}"
if rows > 0:
    print(f"{'seconds':>8}  {'CPU-s':>8}  {'tests':>5}  what")
    for seconds, what, tests in entries[:rows]:
        print(f"{seconds:8.1f}  {cpu(what)}  {tests:5d}  {what}")
units = sum(s for s, _ in modules.values())
for (module, kind), (tests, skipped) in sorted(per_module.items()):
    print(f"{module}: {tests} {kind}" + (f" ({skipped} skipped)" if skipped else ""))
if classes:
    print("system-test classes: " + ", ".join(sorted(classes)))
for (name, why), n in sorted(skipped_why.items()):
    print(f"skipped: {name}, {n} test(s): {why}")
it_cpu = sum(v for (kind, _), v in cpu_of.items() if kind == "class")
unit_cpu = sum(v for (kind, _), v in cpu_of.items() if kind == "module")
print(f"sums: unit tests {units:.0f} s, system tests {its:.0f} s (class times, overlapping across forks); "
      f"CPU: unit tests {unit_cpu:.0f} CPU-s, system tests {it_cpu:.0f} CPU-s; "
      f"{counts['tests']} tests, {counts['failures']} failures, {counts['errors']} errors, {counts['skipped']} skipped")
PY

#!/usr/bin/env bash
# What a what-if costs (ADR 0027): a recorded history of HOURS hours for one group (two targets, three locations, a
# result a second each: 21,600 results an hour), with a 2 s blip every ten minutes and a three-minute outage every
# six hours, every result as an http probe reports it (status, phase timings, prober, a detail on failure), replayed
# by scripts/replay.sh with the sample topology and with failuresToDown 2: the same core and
# comparison as POST /whatif, from a file. Prints the wall time, the results a second and the peak heap the JVM reports.
#
#   scripts/bench-whatif.sh [HOURS]        (default 24; needs the decision-service built)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOURS="${1:-24}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 - "$HOURS" "$WORK/history.jsonl" <<'PY'
import sys, datetime
hours, path = int(sys.argv[1]), sys.argv[2]
t0 = datetime.datetime(2026, 11, 21, 0, 0, 0)
with open(path, "w") as out:
    for at in range(hours * 3600):
        stamp = (t0 + datetime.timedelta(seconds=at)).isoformat() + "Z"
        blip = at % 600 < 2 and at >= 600
        outage = at % 21600 >= 10800 and at % 21600 < 10980
        for loc in ("loc-a", "loc-b", "loc-c"):
            for target, up in (("secondary", True), ("primary", not (blip or outage))):
                # as an http probe reports: status, phase timings, the prober, a detail on failure
                out.write('{"schemaVersion":1,"group":"demo-api","target":"%s","targetRegion":"us-east-1","location":"%s",'
                          '"startedAt":"%s","durationMillis":%d,"outcome":"%s","locationImpaired":false,"httpStatus":%s,'
                          '"timings":{"dnsMillis":1,"connectMillis":%d,"tlsMillis":%d,"firstByteMillis":%d,"totalMillis":%d},'
                          '"tlsDaysToExpiry":60,"prober":"probe-%s-1"%s}\n'
                          % (target, loc, stamp, 20 + at % 7, "UP" if up else "DOWN", "200" if up else "503",
                             3 + at % 5, 6 + at % 3, 15 + at % 7, 20 + at % 7, loc,
                             "" if up else ',"failureReason":"UNEXPECTED_STATUS","detail":"HTTP 503 Service Unavailable"'))
PY
lines=$(wc -l < "$WORK/history.jsonl")
start=$(date +%s.%N)
JAVA_TOOL_OPTIONS="${BENCH_JVM:-} -Xlog:gc*:file=$WORK/gc.log" "$ROOT/scripts/replay.sh" --topology "$ROOT/config/failover.yaml" \
    --results "$WORK/history.jsonl" --failures-to-down 2 > "$WORK/out.txt" 2>/dev/null
end=$(date +%s.%N)
secs=$(awk "BEGIN{printf \"%.1f\", $end - $start}")
peak=$(grep -oE '[0-9]+M->[0-9]+M' "$WORK/gc.log" | awk -F'->' '{sub("M","",$1); if ($1+0 > m) m = $1+0} END {print m+0}')
live=$(grep -oE '[0-9]+M->[0-9]+M' "$WORK/gc.log" | awk -F'->' '{sub("M","",$2); if ($2+0 > m) m = $2+0} END {print m+0}')
pauses=$(grep -oE 'Pause (Young|Full)[^)]*\) [0-9]+M->[0-9]+M\([0-9]+M\) [0-9.]+ms' "$WORK/gc.log" | grep -oE '[0-9.]+ms$' \
    | tr -d 'ms' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%d pauses, median %.1f ms, longest %.1f ms", NR, a[int((NR+1)/2)], a[NR]; else printf "no pause"}')
echo "RESULT hours=$HOURS results=$lines seconds=$secs results_per_second=$(awk "BEGIN{printf \"%.0f\", $lines / ($end - $start)}") peak_heap_mb=$peak live_after_gc_mb=$live gc=\"$pauses\""
grep -E "switches|false failovers|detection, median" "$WORK/out.txt"

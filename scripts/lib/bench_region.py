"""Helpers of scripts/bench-region.sh (standard library only).

  bench_region.py files GROUPS PRIMARY_PORT SECONDARY_PORT INTERVAL TOPOLOGY RECORDS
      writes the topology (GROUPS groups of two targets, half in each of two hosted zones, three locations, probes every
      INTERVAL s, the primary of every group on PRIMARY_PORT, the secondary on SECONDARY_PORT) and the Route 53
      fixture's records file (each group's weighted A sets: primary 100, secondary 0)
  bench_region.py settled FIXTURE_LOG SECONDS
      exits 0 when the fixture applied no change for SECONDS (its stats lines), 1 otherwise
  bench_region.py wait-served FIXTURE_LOG T0_MS GROUPS TIMEOUT_S
      waits until every group's record served the secondary after T0_MS (epoch ms), or TIMEOUT_S; exits 0 or 1
  bench_region.py report FIXTURE_LOG T0_MS GROUPS [DECISION_LOG]
      prints failure -> served (p50/p95/max over groups) and the Route 53 requests of the window; with the
      decision-service's log, failure -> decision published too (its log lines' UTC timestamps)
"""
import datetime
import math
import sys
import time

ZONES = (("ZBENCHA", "zone-a.bench.test."), ("ZBENCHB", "zone-b.bench.test."))


def files(groups, primary, secondary, interval, topology, records):
    timeout_ms = min(1500, interval * 1000 - 500)
    lines = ["version: 1", "locations: [loc-a, loc-b, loc-c]", "groups:"]
    recs = []
    for g in range(groups):
        zone_id, zone = ZONES[g % 2]
        name = f"g{g}.{zone}"
        lines += [f"  - id: g{g}",
                  f"    dns: {{zone: {zone}, name: {name}, type: A, ttl: 30, hostedZoneId: {zone_id}}}",
                  "    targets:"]
        for target, region, port, value in (("primary", "us-east-1", primary, "192.0.2.1"),
                                             ("secondary", "us-west-2", secondary, "192.0.2.2")):
            lines.append(f"      - {{id: {target}, region: {region}, probe: {{type: http, "
                         f"url: \"http://127.0.0.1:{port}/health?g={g}\", intervalSeconds: {interval}, "
                         f"connectTimeoutMillis: 500, timeoutMillis: {timeout_ms}}}, dns: {{values: [{value}]}}}}")
        lines += ["    thresholds: {failuresToDown: 3, successesToUp: 3, minDwellSeconds: 5}",
                  "    failback: {mode: manual}", "    whenAllDown: hold", "    mode: live"]
        recs.append(f"{zone_id} {name} 30 primary 192.0.2.1 100 secondary 192.0.2.2 0")
    lines += ["safety:", f"  maxSwitchesPerDay: {max(10, 4 * groups)}"]
    open(topology, "w").write("\n".join(lines) + "\n")
    open(records, "w").write("\n".join(recs) + "\n")


def read(log):
    served, stats = {}, []
    for line in open(log):
        f = line.split()
        if len(f) == 4 and f[0] == "served":
            served.setdefault(f[2], []).append((int(f[1]), f[3]))
        elif f and f[0] == "stats":
            stats.append((int(f[1]), dict(kv.split("=") for kv in f[2:])))
    return served, stats


def first_served(served, t0):
    """Each record's first move to the secondary at or after t0 (epoch ms)."""
    return {name: min(at for at, target in moves if at >= t0 and target == "secondary")
            for name, moves in served.items() if any(at >= t0 and target == "secondary" for at, target in moves)}


def settled(log, seconds):
    _, stats = read(log)
    if not stats:
        return 1
    last = stats[-1]
    window = [s for s in stats if s[0] >= last[0] - seconds * 1000]
    return 0 if window[0][0] <= last[0] - (seconds - 1) * 1000 and window[0][1]["changes"] == last[1]["changes"] else 1


def wait_served(log, t0, groups, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        served, _ = read(log)
        if len(first_served(served, t0)) >= groups:
            return 0
        time.sleep(0.2)
    return 1


def pct(values, p):
    values = sorted(values)
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def logged_at(line):
    stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    return int(stamp.timestamp() * 1000)


def report(log, t0, groups, decision_log=None):
    served, stats = read(log)
    times = sorted((at - t0) / 1000 for at in first_served(served, t0).values())
    if decision_log:
        decided = sorted((logged_at(line) - t0) / 1000 for line in open(decision_log, errors="replace")
                         if "published decision" in line and "FAILOVER primary -> secondary" in line
                         and logged_at(line) >= t0)
        if decided:
            print(f"failure -> decision published (s): p50 {pct(decided, 50):.2f}  p95 {pct(decided, 95):.2f}  "
                  f"max {decided[-1]:.2f}  min {decided[0]:.2f}  ({len(decided)} decisions)")
    print(f"groups served the secondary: {len(times)} of {groups}")
    if times:
        print(f"failure -> served (s): p50 {pct(times, 50):.2f}  p95 {pct(times, 95):.2f}  max {times[-1]:.2f}  "
              f"min {times[0]:.2f}")
    end = t0 + int(1000 * (times[-1] if times else 0))
    before = [s for s in stats if s[0] <= t0]
    # the first stats line after the last group served; when the run ended before the fixture's next one, its last
    after = [s for s in stats if s[0] >= end] or [s for s in stats if s[0] > t0][-1:]
    if before and after:
        b, a = before[-1][1], after[0][1]
        delta = {k: int(a[k]) - int(b[k]) for k in a}
        print("Route 53 requests from the failure to the last group served: " + ", ".join(f"{k} {v}" for k, v in delta.items())
              + f" (over {(after[0][0] - before[-1][0]) / 1000:.1f} s of stats)")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "files":
        files(int(args[0]), args[1], args[2], int(args[3]), args[4], args[5])
    elif cmd == "settled":
        sys.exit(settled(args[0], int(args[1])))
    elif cmd == "wait-served":
        sys.exit(wait_served(args[0], int(args[1]), int(args[2]), int(args[3])))
    elif cmd == "report":
        report(args[0], int(args[1]), int(args[2]), args[3] if len(args) > 3 else None)
    else:
        sys.exit(f"unknown command {cmd}")

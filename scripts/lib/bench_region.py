"""Helpers of scripts/bench-region.sh (standard library only).

  bench_region.py files GROUPS PRIMARY_PORT SECONDARY_PORT INTERVAL TOPOLOGY RECORDS [DNS]
      writes the topology (GROUPS groups of two targets, three locations, probes every INTERVAL s, the primary of every
      group on PRIMARY_PORT, the secondary on SECONDARY_PORT) and the records the DNS server starts with. DNS route53
      (the default): half the groups in each of two hosted zones, RECORDS the Route 53 fixture's file (each group's
      weighted A sets: primary 100, secondary 0); DNS rfc2136: every group in BIND's zone bench.test, RECORDS its zone
      lines (each group's A record on the primary); DNS arc: the groups' records as for route53, switched by ARC
      routing controls, RECORDS the ARC fixture's controls (two a group, 50 groups a control panel: ARC's quota of 100
      controls a panel), each group's arc key in the topology naming them
  bench_region.py settled FIXTURE_LOG SECONDS
      exits 0 when the fixture applied no change for SECONDS (its stats lines; for BIND's log, its updates), 1 otherwise

FIXTURE_LOG is the Route 53 or ARC fixture's output, or BIND's log (named -g): a group is served when BIND logs adding its A
record's secondary value, and each UPDATE message BIND applied counts as one request.
  bench_region.py wait-served FIXTURE_LOG T0_MS GROUPS TIMEOUT_S
      waits until every group's record served the secondary after T0_MS (epoch ms), or TIMEOUT_S; exits 0 or 1
  bench_region.py report FIXTURE_LOG T0_MS GROUPS [DECISION_LOG [TIMEOUT_S]]
      prints failure -> served (p50/p95/max over the groups served within TIMEOUT_S, and how many were by the end of
      the run) and the requests of the window; with the decision-service's log, failure -> decision published too (its
      log lines' local timestamps)
"""
import math
import re
import sys
import time

ZONES = (("ZBENCHA", "zone-a.bench.test."), ("ZBENCHB", "zone-b.bench.test."))
BIND_ZONE = "bench.test."
VALUES = {"192.0.2.1": "primary", "192.0.2.2": "secondary"}


def files(groups, primary, secondary, interval, topology, records, dns="route53"):
    timeout_ms = min(1500, interval * 1000 - 500)
    lines = ["version: 1", "locations: [loc-a, loc-b, loc-c]", "groups:"]
    recs = []
    for g in range(groups):
        zone_id, zone = ZONES[g % 2] if dns != "rfc2136" else (None, BIND_ZONE)
        name = f"g{g}.{zone}"
        hosted = f", hostedZoneId: {zone_id}" if zone_id else ""
        lines += [f"  - id: g{g}",
                  f"    dns: {{zone: {zone}, name: {name}, type: A, ttl: 30{hosted}}}",
                  "    targets:"]
        for target, region, port, value in (("primary", "us-east-1", primary, "192.0.2.1"),
                                             ("secondary", "us-west-2", secondary, "192.0.2.2")):
            lines.append(f"      - {{id: {target}, region: {region}, probe: {{type: http, "
                         f"url: \"http://127.0.0.1:{port}/health?g={g}\", intervalSeconds: {interval}, "
                         f"connectTimeoutMillis: 500, timeoutMillis: {timeout_ms}}}, dns: {{values: [{value}]}}}}")
        lines += ["    thresholds: {failuresToDown: 3, successesToUp: 3, minDwellSeconds: 5}",
                  "    failback: {mode: manual}", "    whenAllDown: hold", "    mode: live"]
        if dns == "arc":
            panel = f"arn:aws:route53-recovery-control::111122223333:controlpanel/bench{g // 50:02d}"
            recs.append(f"{name} {panel} {panel}/routingcontrol/g{g}primary {panel}/routingcontrol/g{g}secondary")
            lines.append(f"    arc: {{routingControls: {{primary: {panel}/routingcontrol/g{g}primary, "
                         f"secondary: {panel}/routingcontrol/g{g}secondary}}}}")
        else:
            recs.append(f"{zone_id} {name} 30 primary 192.0.2.1 100 secondary 192.0.2.2 0" if zone_id
                        else f"g{g} 30 IN A 192.0.2.1")
    lines += ["safety:", f"  maxSwitchesPerDay: {max(10, 4 * groups)}"]
    open(topology, "w").write("\n".join(lines) + "\n")
    open(records, "w").write("\n".join(recs) + "\n")


BIND_LINE = re.compile(r"^(\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d\.\d{3}) client @\S+ .*updating zone '[^']*': (.*)$")
BIND_ADD = re.compile(r"^adding an RR at '([^']+)' A (\S+)$")
BIND_SIGNED = re.compile(r"^\d\d-\w{3}-\d{4} \S+ client @\S+ .*: signer \".*\" approved$")


def read(log):
    """Each record's moves ({name: [(epoch ms, target)]}) and the request counts ([(epoch ms, {kind: total})])."""
    served, stats, updates, signed = {}, [], 0, False
    for line in open(log, errors="replace"):
        if BIND_SIGNED.match(line.rstrip("\n")):
            # every UPDATE the actuator sends is TSIG-signed: BIND logs the signer once per message, then its changes
            # (all messages may come over one connection, so the client handle does not tell them apart)
            signed = True
            continue
        bind = BIND_LINE.match(line)
        if bind:
            at = local_ms(bind.group(1)[:20], "%d-%b-%Y %H:%M:%S", bind.group(1)[21:])
            if signed:
                signed, updates = False, updates + 1
                stats.append((at, {"updates": str(updates)}))
            added = BIND_ADD.match(bind.group(2))
            if added and added.group(2) in VALUES:
                served.setdefault(added.group(1) + ".", []).append((at, VALUES[added.group(2)]))
            continue
        f = line.split()
        if len(f) == 4 and f[0] == "served":  # the Route 53 and the ARC fixtures
            served.setdefault(f[2], []).append((int(f[1]), f[3]))
        elif f and f[0] == "stats":
            stats.append((int(f[1]), dict(kv.split("=") for kv in f[2:])))
    return served, stats


def is_bind(log):
    return any(re.match(r"^\d\d-\w{3}-\d{4} .* running$", line) for line in open(log, errors="replace"))


def first_served(served, t0):
    """Each record's first move to the secondary at or after t0 (epoch ms)."""
    return {name: min(at for at, target in moves if at >= t0 and target == "secondary")
            for name, moves in served.items() if any(at >= t0 and target == "secondary" for at, target in moves)}


def settled(log, seconds):
    _, stats = read(log)
    if is_bind(log):  # no stats lines, only the updates BIND applied (none before the first switch)
        return 0 if not stats or stats[-1][0] <= time.time() * 1000 - seconds * 1000 else 1
    if not stats:
        return 1
    last = stats[-1]
    window = [s for s in stats if s[0] >= last[0] - seconds * 1000]
    changes = "changes" if "changes" in last[1] else "updates"  # Route 53's change batches, ARC's updates
    return 0 if window[0][0] <= last[0] - (seconds - 1) * 1000 and window[0][1][changes] == last[1][changes] else 1


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


def local_ms(text, fmt, millis):
    """Epoch ms of a log's local time of day (BIND's and the services' logs are both in the machine's time zone)."""
    return int(time.mktime(time.strptime(text, fmt)) * 1000) + int(millis)


def logged_at(line):
    return local_ms(line[:19], "%Y-%m-%d %H:%M:%S", line[20:23])


def report(log, t0, groups, decision_log=None, timeout=None):
    """Percentiles over what happened within timeout s of t0 (all of the log without one), and what came later."""
    served, stats = read(log)
    everything = sorted((at - t0) / 1000 for at in first_served(served, t0).values())
    times = [t for t in everything if timeout is None or t <= timeout]
    if decision_log:
        lines = [line for line in open(decision_log, errors="replace")
                 if "published decision" in line and "FAILOVER primary -> secondary" in line and logged_at(line) >= t0]
        decided_all = sorted((logged_at(line) - t0) / 1000 for line in lines)
        decided = [t for t in decided_all if timeout is None or t <= timeout]
        if decided:
            print(f"failure -> decision published (s): p50 {pct(decided, 50):.2f}  p95 {pct(decided, 95):.2f}  "
                  f"max {decided[-1]:.2f}  min {decided[0]:.2f}  ({len(decided)} decisions"
                  + (f" within {timeout} s, {len(decided_all)} by the end of the run)" if timeout else ")"))
        # the line says how long the decision waited to be published ("N ms after it was made"): when it was made
        lags = [(line, int(m.group(1))) for line in lines for m in [re.search(r", (\d+) ms after it was made", line)]
                if m]
        made = sorted((logged_at(line) - lag - t0) / 1000 for line, lag in lags)
        if made:
            waited = sorted(lag / 1000 for _, lag in lags)
            print(f"failure -> decision made (s): p50 {pct(made, 50):.2f}  p95 {pct(made, 95):.2f}  max {made[-1]:.2f}; "
                  f"made -> published p50 {pct(waited, 50):.2f}  p95 {pct(waited, 95):.2f}  max {waited[-1]:.2f}")
    print(f"groups served the secondary: {len(times)} of {groups}" + (f" within {timeout} s ({len(everything)} by the "
          f"end of the run, {everything[-1]:.1f} s after the failure)" if timeout and everything else ""))
    if times:
        print(f"failure -> served (s): p50 {pct(times, 50):.2f}  p95 {pct(times, 95):.2f}  max {times[-1]:.2f}  "
              f"min {times[0]:.2f}")
    end = t0 + int(1000 * (times[-1] if times else 0))
    if is_bind(log):
        print(f"UPDATE messages BIND applied from the failure to the last group served: "
              f"{len([s for s in stats if t0 <= s[0] <= end])}")
        return
    before = [s for s in stats if s[0] <= t0]
    # the first stats line after the last group served; when the run ended before the fixture's next one, its last
    after = [s for s in stats if s[0] >= end] or [s for s in stats if s[0] > t0][-1:]
    if before and after:
        b, a = before[-1][1], after[0][1]
        delta = {k: int(a[k]) - int(b[k]) for k in a}
        print(f"{'Route 53' if 'changes' in a else 'ARC'} requests from the failure to the last group served: " + ", ".join(f"{k} {v}" for k, v in delta.items())
              + f" (over {(after[0][0] - before[-1][0]) / 1000:.1f} s of stats)")


def holds(before, after):
    """What held decisions back in the window: the decision-service's holds and ignored results by reason, the
    difference between two scrapes of its /q/metrics (files)."""
    def counts(path):
        total = {}
        for line in open(path, errors="replace"):
            m = re.match(r'failover_decision_(holds|results_ignored)_total\{(.*)\} ([0-9.eE+]+)$', line.strip())
            if m:
                reason = re.search(r'reason="([^"]*)"', m.group(2))
                key = f"{'held' if m.group(1) == 'holds' else 'ignored'} {reason.group(1) if reason else '?'}"
                total[key] = total.get(key, 0) + float(m.group(3))
        return total
    b, a = counts(before), counts(after)
    moved = {k: int(a[k] - b.get(k, 0)) for k in a if a[k] - b.get(k, 0) > 0}
    print("evaluations held and results ignored in the window: "
          + (", ".join(f"{k} {v}" for k, v in sorted(moved.items(), key=lambda kv: -kv[1])) or "none"))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "files":
        files(int(args[0]), args[1], args[2], int(args[3]), args[4], args[5], *args[6:7])
    elif cmd == "settled":
        sys.exit(settled(args[0], int(args[1])))
    elif cmd == "wait-served":
        sys.exit(wait_served(args[0], int(args[1]), int(args[2]), int(args[3])))
    elif cmd == "report":
        report(args[0], int(args[1]), int(args[2]), args[3] if len(args) > 3 else None,
               int(args[4]) if len(args) > 4 else None)
    elif cmd == "holds":
        holds(args[0], args[1])
    else:
        sys.exit(f"unknown command {cmd}")

#!/usr/bin/env python3
"""The probe-service's measured window, from two /q/metrics snapshots (scripts/bench-probe.sh).

    probe_window.py M0 M1 TARGETS secs=S cpu=S broker=S backend=S compiled=N rss_kib=N hwm_kib=N overflows=N size=B
                    scrape_cpu=S scrape_ms=MS

Every count comes from the difference of the two snapshots, so ticks and results cover the same interval: ticks from
the ticker's lateness histogram (one observation per tick), results by outcome from failover_probe_completed_total
(UP, DOWN and UNKNOWN, i.e. the location's own impairment), impairments by reason from failover_probe_impaired_total.
"""
import re
import sys

SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)')


def parse(path):
    out = {}
    for line in open(path):
        m = SERIES.match(line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


m0, m1 = parse(sys.argv[1]), parse(sys.argv[2])
n = int(sys.argv[3])
arg = dict(a.split("=", 1) for a in sys.argv[4:])
secs, cpu = float(arg["secs"]), float(arg["cpu"])


def delta(name, label=None):
    return sum(v - m0.get(k, 0) for k, v in m1.items() if k[0] == name and (label is None or label in k[1]))


def by_label(name, key):
    out = {}
    for (metric, labels), v in m1.items():
        if metric == name:
            value = re.search(key + r'="([^"]+)"', labels).group(1)
            out[value] = out.get(value, 0) + v - m0.get((metric, labels), 0)
    return out


def histogram(name):
    buckets = {}
    for (metric, labels), v in m1.items():
        if metric == name + "_bucket":
            le = float(re.search(r'le="([^"]+)"', labels).group(1))
            buckets[le] = buckets.get(le, 0) + v - m0.get((metric, labels), 0)
    total = buckets.get(float("inf"), 0)

    def q(p):
        return next((le for le, c in sorted(buckets.items()) if c >= p * total), float("nan"))
    return total, q(0.5), q(0.99)


ticks = delta("failover_probe_schedule_lateness_seconds_count")
outcomes = by_label("failover_probe_completed_total", "outcome")
results = sum(outcomes.values())
up, down, unknown = outcomes.get("UP", 0), outcomes.get("DOWN", 0), outcomes.get("UNKNOWN", 0)
impaired = {k: v for k, v in by_label("failover_probe_impaired_total", "reason").items() if v}
skipped = delta("failover_probe_skipped_total")
down_by_reason = {re.search(r'reason="([^"]+)"', k[1]).group(1): v - m0.get(k, 0) for k, v in m1.items()
                  if k[0] == "failover_probe_results_total" and 'outcome="DOWN"' in k[1] and v - m0.get(k, 0)}
print(f"probe-service: {n} targets at 1 s, measured {secs:.0f} s after the warm-up")
# The snapshots are taken just outside the CPU window, each scrape taking a fraction of a second under this load: their
# interval is ticks / targets seconds (the ticker fires every target once a second), which the per-result CPU uses.
interval = ticks / n if ticks else secs
print(f"  ticks {ticks:.0f} (snapshots {interval:.1f} s apart), skipped {skipped:.0f}; results {results:.0f}: "
      f"UP {up:.0f} ({up / max(ticks, 1) * 100:.1f} % of ticks), DOWN {down:.0f} (false: the target is healthy), "
      f"UNKNOWN {unknown:.0f} ({unknown / max(ticks, 1) * 100:.1f} %)")
print(f"  impairments by reason {impaired or '{}'}; DOWN by reason {down_by_reason or '{}'}; "
      f"listen-queue overflows (machine-wide) {arg['overflows']}")
print(f"  CPU {cpu:.1f} s = {cpu / secs:.2f} cores, {cpu / max(results * secs / interval, 1) * 1000:.3f} ms per result; "
      f"broker {float(arg['broker']) / secs:.2f} cores, backend {float(arg['backend']) / secs:.2f} cores; "
      f"methods compiled in the window: {arg['compiled']}")
print(f"  RSS {int(arg['rss_kib']) // 1024} MiB (peak {int(arg['hwm_kib']) // 1024} MiB)")
total, p50, p99 = histogram("failover_probe_start_delay_seconds")
print(f"  start delay (connect attempt on the event loop) over {total:.0f} probes: p50 <= {p50 * 1000:.1f} ms, "
      f"p99 <= {p99 * 1000:.1f} ms (bucket bounds)")
total, p50, p99 = histogram("failover_probe_schedule_lateness_seconds")
print(f"  schedule lateness (ticker thread only) over {total:.0f} ticks: p50 <= {p50 * 1000:.1f} ms, p99 <= {p99 * 1000:.1f} ms")
print(f"  /q/metrics {int(arg['size']) / 1e6:.2f} MB, {len(m1)} series; one scrape {float(arg['scrape_cpu']):.3f} CPU-s, "
      f"{float(arg['scrape_ms']):.0f} ms (20 scrapes, CPU of the executor threads serving them)")

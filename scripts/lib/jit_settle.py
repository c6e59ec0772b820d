#!/usr/bin/env python3
"""Waits until JVMs are warm, for the benchmarks: samples each JVM's JIT compile time (java.ci.totalTime, read from its
hsperfdata file, so no jcmd/jstat JVM is started beside the measurement) and its process CPU (user + sys from
/proc/PID/stat) every WINDOW seconds.

Rule: a JVM is settled in a window when the JIT compiled for at most COMPILE_SHARE of the CPU the process used in that
window AND the process's CPU per second changed by at most CPU_CHANGE (or CPU_CHANGE_FLOOR_CORES) from the previous
window; all JVMs settled in SETTLED_WINDOWS consecutive windows ends the warm-up. Gives up at MAX_SECONDS and says so.

    jit_settle.py MAX_SECONDS NAME=PID...      prints one line per window, then WARMUP_SECONDS=<n> and SETTLED=yes|no
"""
import os
import struct
import sys
import time

WINDOW = float(os.environ.get("SETTLE_WINDOW", "10"))
COMPILE_SHARE = 0.03
CPU_CHANGE = 0.05
# below this, a change in CPU per second is clock-tick noise (1/100 s per 10 s window is 0.001 cores)
CPU_CHANGE_FLOOR_CORES = 0.01
SETTLED_WINDOWS = 2
TICKS = os.sysconf("SC_CLK_TCK")


def perf_counters(pid, names):
    """The named long counters of a HotSpot hsperfdata file (format: sun.jvmstat PerfDataBufferPrologue, v2)."""
    path = None
    for d in os.listdir("/tmp"):
        if d.startswith("hsperfdata_") and os.path.exists(f"/tmp/{d}/{pid}"):
            path = f"/tmp/{d}/{pid}"
    if path is None:
        raise SystemExit(f"no hsperfdata for pid {pid} (is -XX:-UsePerfData set?)")
    data = open(path, "rb").read()
    order = "<" if data[4] == 1 else ">"
    entry_offset, entries = struct.unpack_from(order + "ii", data, 24)
    found, offset = {}, entry_offset
    for _ in range(entries):
        length, name_offset, _vector, data_type = struct.unpack_from(order + "iiib", data, offset)
        data_offset, = struct.unpack_from(order + "i", data, offset + 16)
        end = data.index(b"\0", offset + name_offset)
        name = data[offset + name_offset:end].decode()
        if name in names and data_type == ord("J"):
            found[name], = struct.unpack_from(order + "q", data, offset + data_offset)
        offset += length
    return found


def sample(pid):
    c = perf_counters(pid, {"java.ci.totalTime", "sun.os.hrt.frequency"})
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split()
    return c["java.ci.totalTime"] / c["sun.os.hrt.frequency"], (int(fields[11]) + int(fields[12])) / TICKS


def main():
    max_seconds = float(sys.argv[1])
    jvms = dict(arg.split("=", 1) for arg in sys.argv[2:])
    start = time.monotonic()
    last = {name: sample(pid) for name, pid in jvms.items()}
    last_rate, streak = {}, 0
    while True:
        time.sleep(WINDOW)
        now = {name: sample(pid) for name, pid in jvms.items()}
        elapsed = time.monotonic() - start
        settled, parts = True, []
        for name in jvms:
            compile_s = now[name][0] - last[name][0]
            cpu = now[name][1] - last[name][1]
            rate = cpu / WINDOW
            share = compile_s / cpu if cpu > 0 else 0.0
            prev = last_rate.get(name)
            change = abs(rate - prev) / prev if prev else float("inf")
            settled &= share <= COMPILE_SHARE and (change <= CPU_CHANGE or abs(rate - (prev or 0)) <= CPU_CHANGE_FLOOR_CORES)
            parts.append(f"{name}: JIT {compile_s:.2f} s = {share * 100:.1f} % of CPU {cpu:.2f} s, "
                         f"{rate:.3f} cores ({change * 100:+.1f} %)" if prev else
                         f"{name}: JIT {compile_s:.2f} s = {share * 100:.1f} % of CPU {cpu:.2f} s, {rate:.3f} cores")
            last_rate[name] = rate
        last = now
        streak = streak + 1 if settled else 0
        print(f"  warm-up {elapsed:5.0f} s  " + "; ".join(parts) + ("  [settled]" if settled else ""), flush=True)
        if streak >= SETTLED_WINDOWS or elapsed + WINDOW > max_seconds:
            print(f"WARMUP_SECONDS={elapsed:.0f}")
            print(f"SETTLED={'yes' if streak >= SETTLED_WINDOWS else 'no'}")
            return


if __name__ == "__main__":
    main()

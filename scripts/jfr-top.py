#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples (jdk.ExecutionSample): self (the frame running) and total (anywhere
on the stack, once per sample), as a share of all samples.

    scripts/jfr-top.py recording.jfr [N=25] [--since EPOCH_MS] [--until EPOCH_MS]

--since, --until: only the samples taken from, and before, those instants (a benchmark's failure), read from the
samples' local time of day: a recording must not span midnight.
"""
import collections
import re
import subprocess
import sys

import datetime

args = sys.argv[1:]


def time_of_day(option):
    """The seconds into the day of the EPOCH_MS given after the option (removed from args); None without it."""
    if option not in args:
        return None
    i = args.index(option)
    at = datetime.datetime.fromtimestamp(int(args[i + 1]) / 1000)
    del args[i:i + 2]
    return at.hour * 3600 + at.minute * 60 + at.second + at.microsecond / 1e6


since, until = time_of_day("--since"), time_of_day("--until")
path, top = args[0], int(args[1]) if len(args) > 1 else 25
START = re.compile(r"^\s+startTime = (\d+):(\d+):([\d.]+)", re.M)
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                      check=True, capture_output=True, text=True).stdout
FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
self_counts, total_counts, samples = collections.Counter(), collections.Counter(), 0
for event in text.split("jdk.ExecutionSample {")[1:]:
    if since is not None or until is not None:
        t = START.search(event)
        at = int(t.group(1)) * 3600 + int(t.group(2)) * 60 + float(t.group(3)) if t else None
        if at is not None and ((since is not None and at < since) or (until is not None and at >= until)):
            continue
    frames = [m.group(1) for m in map(FRAME.match, event.splitlines()) if m]
    if not frames:
        continue
    samples += 1
    self_counts[frames[0]] += 1
    for frame in set(frames):
        total_counts[frame] += 1
print(f"{samples} CPU samples in {path}")
for title, counts in (("self", self_counts), ("total (on the stack)", total_counts)):
    print(f"top {top} frames, {title}:")
    for frame, count in counts.most_common(top):
        print(f"  {count / samples * 100:5.1f} %  {frame}")

#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples (jdk.ExecutionSample): self (the frame running) and total (anywhere
on the stack, once per sample), as a share of all samples.

    scripts/jfr-top.py recording.jfr [N=25] [--since EPOCH_MS]

--since: only the samples taken at or after that instant (a benchmark's failure), read from the samples' local time of
day: a recording must not span midnight.
"""
import collections
import re
import subprocess
import sys

import datetime

args = sys.argv[1:]
since = None
if "--since" in args:
    i = args.index("--since")
    at = datetime.datetime.fromtimestamp(int(args[i + 1]) / 1000)
    since = at.hour * 3600 + at.minute * 60 + at.second + at.microsecond / 1e6
    del args[i:i + 2]
path, top = args[0], int(args[1]) if len(args) > 1 else 25
START = re.compile(r"^\s+startTime = (\d+):(\d+):([\d.]+)", re.M)
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                      check=True, capture_output=True, text=True).stdout
FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
self_counts, total_counts, samples = collections.Counter(), collections.Counter(), 0
for event in text.split("jdk.ExecutionSample {")[1:]:
    if since is not None:
        t = START.search(event)
        if t and int(t.group(1)) * 3600 + int(t.group(2)) * 60 + float(t.group(3)) < since:
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

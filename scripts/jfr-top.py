#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples (jdk.ExecutionSample): self (the frame running) and total (anywhere
on the stack, once per sample), as a share of all samples.

    scripts/jfr-top.py recording.jfr [N=25]
"""
import collections
import re
import subprocess
import sys

path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                      check=True, capture_output=True, text=True).stdout
FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
self_counts, total_counts, samples = collections.Counter(), collections.Counter(), 0
for event in text.split("jdk.ExecutionSample {")[1:]:
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

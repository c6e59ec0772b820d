"""Helpers of scripts/bench-failover.sh (standard library only).

  bench_failover.py wait-answer PORT NAME ADDRESS TIMEOUT_S [POST_URL]
      POSTs to POST_URL (the backend's /admin/fail) when given, then asks 127.0.0.1:PORT for NAME's A record every
      20 ms until the answer is exactly ADDRESS; prints the seconds it took from just before the POST and exits 0, or
      exits 1 after TIMEOUT_S
  bench_failover.py report FAILOVER_SECONDS_FILE DECISIONS_DUMP ACTUATIONS_DUMP
      prints p50/p95/p99/max of failure -> new DNS answer (one number a line in the file) and of decision -> DNS
      submitted from the Kafka records: a decision's record timestamp on failover.decisions against the DNS_SWITCH
      SUCCEEDED record of the same decision on failover.actuations, its record timestamp and its finishedAt (when the
      DNS server accepted the update; the record timestamp can be later by the publishing) (dumps of the console
      consumer with print.timestamp); with OBSERVED_FILE, also p50/p95/p99/max of the plane's own marks of each failover
  bench_failover.py observed GROUP_URL TOKEN AFTER_EPOCH_SECONDS TIMEOUT_S
      asks GROUP_URL (the decision-service's GET /groups/G) every 200 ms until its convergence.lastSwitch is a FAILOVER
      decided after AFTER_EPOCH_SECONDS, served and observed by the quorum of locations; prints its failure -> decided,
      decision -> served and failure -> observed by the quorum in seconds (ADR 0026), or exits 1 after TIMEOUT_S
"""
import datetime
import json
import math
import random
import socket
import struct
import sys
import time
import urllib.request


def query(port, name):
    ident = random.randrange(65536)
    packet = struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0)
    packet += b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
    packet += struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        s.sendto(packet, ("127.0.0.1", port))
        data = s.recv(4096)
    answers = struct.unpack(">H", data[6:8])[0]
    offset = 12
    while data[offset] != 0:  # the question's name
        offset += data[offset] + 1
    offset += 5
    addresses = []
    for _ in range(answers):
        if data[offset] & 0xC0 == 0xC0:
            offset += 2
        else:
            while data[offset] != 0:
                offset += data[offset] + 1
            offset += 1
        rtype, _, _, length = struct.unpack(">HHIH", data[offset:offset + 10])
        offset += 10
        if rtype == 1 and length == 4:
            addresses.append(socket.inet_ntoa(data[offset:offset + 4]))
        offset += length
    return sorted(addresses)


def wait_answer(port, name, address, timeout, post_url=None):
    start = time.monotonic()
    if post_url:
        urllib.request.urlopen(urllib.request.Request(post_url, method="POST"), timeout=5).read()
    while time.monotonic() - start < timeout:
        try:
            if query(port, name) == [address]:
                print("%.3f" % (time.monotonic() - start))
                return 0
        except (socket.timeout, OSError):
            pass
        time.sleep(0.02)
    return 1


def iso(text):
    """Seconds since the epoch of an ISO instant as Java writes it (Z, up to nine fraction digits)."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    seconds = datetime.datetime.fromisoformat(whole + "+00:00").timestamp()
    return seconds + (float("0." + fraction) if fraction else 0.0)


def observed(url, token, after, timeout):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
            view = json.load(urllib.request.urlopen(request, timeout=5))
            s = (view.get("convergence") or {}).get("lastSwitch") or {}
            if (s.get("kind") == "FAILOVER" and s.get("quorumAt") and s.get("servedAt") and s.get("failedAt")
                    and iso(s["decidedAt"]) >= after):
                failed = iso(s["failedAt"])
                print("%.3f %.3f %.3f" % (iso(s["decidedAt"]) - failed, iso(s["servedAt"]) - iso(s["decidedAt"]),
                                          iso(s["quorumAt"]) - failed))
                return 0
        except OSError:
            pass
        time.sleep(0.2)
    return 1


def records(dump):
    """(timestamp ms, value) of a console-consumer dump with print.timestamp=true and print.key=false."""
    out = []
    with open(dump) as f:
        for line in f:
            if not line.startswith("CreateTime:"):
                continue
            stamp, _, value = line.rstrip("\n").partition("\t")
            out.append((int(stamp.split(":")[1]), json.loads(value)))
    return out


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(label, values, unit):
    if not values:
        print("%-44s no samples" % label)
        return
    print("%-44s n=%-3d p50 %8.3f  p95 %8.3f  p99 %8.3f  max %8.3f %s" % (label, len(values), percentile(values, 50),
                                                                       percentile(values, 95), percentile(values, 99),
                                                                       max(values), unit))


def report(failover_file, decisions_dump, actuations_dump, observed_file=None):
    with open(failover_file) as f:
        failover = [float(line) for line in f if line.strip()]
    decisions = sorted(records(decisions_dump), key=lambda r: r[0])
    submitted = {}
    for stamp, result in records(actuations_dump):
        if result.get("step") == "DNS_SWITCH" and result.get("status") == "SUCCEEDED":
            finished = datetime.datetime.fromisoformat(result["finishedAt"].replace("Z", "+00:00"))
            submitted.setdefault(result["decisionId"], (stamp, finished.timestamp() * 1000))
    to_dns, to_accepted, first = [], [], None
    print("decision -> DNS submitted, per decision (Kafka record timestamps):")
    for stamp, decision in decisions:
        if decision["decisionId"] not in submitted:
            print("  epoch %-3s %-9s %s -> %s: no DNS_SWITCH SUCCEEDED" % (decision["epoch"], decision["kind"],
                                                                         decision.get("fromTarget"), decision["toTarget"]))
            continue
        record_stamp, finished = submitted[decision["decisionId"]]
        millis, accepted = record_stamp - stamp, finished - stamp
        to_dns.append(millis)
        to_accepted.append(accepted)
        first = (millis, accepted) if first is None else first
        print("  epoch %-3s %-9s %s -> %s: %d ms (update accepted after %d ms)" % (
            decision["epoch"], decision["kind"], decision.get("fromTarget"), decision["toTarget"], millis, accepted))
    print()
    summary("failure -> new DNS answer (dig-equivalent poll)", failover, "s")
    summary("decision -> DNS submitted (record timestamps)", to_dns, "ms")
    summary("decision -> DNS update accepted (finishedAt)", to_accepted, "ms")
    if first is not None:
        print("%-44s %d ms (update accepted after %d ms)" % ("decision -> DNS submitted, first decision", *first))
    if observed_file:
        with open(observed_file) as f:
            marks = [[float(x) for x in line.split()] for line in f if line.strip()]
        summary("failure -> decided (the plane's marks)", [m[0] for m in marks], "s")
        summary("decision -> served (actuator's CONVERGED)", [m[1] for m in marks], "s")
        summary("failure -> observed by the quorum", [m[2] for m in marks], "s")


if __name__ == "__main__":
    if sys.argv[1] == "wait-answer":
        sys.exit(wait_answer(int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]),
                             sys.argv[6] if len(sys.argv) > 6 else None))
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    elif sys.argv[1] == "observed":
        sys.exit(observed(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])))
    else:
        sys.exit("usage: see the module docstring")

#!/usr/bin/env python3
"""Pcap evidence slices (issue 10 §2), end to end with real processes on loopback: a replay with
violations and --slice-dir publishes to a collector; every finding names a slice whose file tshark
reads with the stated number of frames; the collector stores the slices beside the events; export
puts them in bundle/slices/; `normwatch verify` passes, and fails naming the slice when one byte of
a slice is changed or a slice is deleted (SHA256SUMS recomputed, so that it is the event's SHA-256
that catches it). A replay without a collector writes the same slices.

usage: slices_test.py NORMWATCH NORMWATCH_COLLECTOR SOURCE_DIR
"""
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from itest import check, failures, free_port, resum, run  # noqa: E402

NORMWATCH, COLLECTOR, SOURCE = sys.argv[1:4]
CAPTURE = os.path.join(SOURCE, "captures/modbus/libmodbus-script.pcap")
RULES = os.path.join(SOURCE, "rules")
POLICY = os.path.join(SOURCE, "rules/policies/demo-plant.yaml")


def tshark_frames(path):
    r = run("tshark", "-r", path, "-T", "fields", "-e", "frame.number")
    return len([l for l in r.stdout.splitlines() if l.strip()]) if r.returncode == 0 else -1


def slices_of(events_file):
    with open(events_file) as fh:
        events = [json.loads(l) for l in fh if l.strip()]
    return events, [e["evidence"]["slice"] for e in events if "slice" in e.get("evidence", {})]


def main():
    work = tempfile.mkdtemp(prefix="nw-slices-")
    try:
        os.chdir(work)
        for name in ("sensor1", "collector"):
            check(run(NORMWATCH, "keygen", name).returncode == 0, f"keygen {name}")
        os.mkdir("allow")
        for f in ("sensor1.pub", "sensor1.sign.pub"):
            shutil.copy(f, "allow")

        # Without a collector: slices beside the events file.
        r = run(NORMWATCH, "replay", CAPTURE, "--rules", RULES, "--policy", POLICY, "--sensor-id", "sensor1",
                "--events", "local.jsonl", "--slice-dir", "local-slices")
        check(r.returncode == 0 and "normwatch: slices:" in r.stderr, "replay --slice-dir without a collector")
        local_events, local_refs = slices_of("local.jsonl")
        findings = [e for e in local_events if e["kind"] in ("norm_violation", "segmentation", "anomaly")]
        check(len(findings) > 0 and len(local_refs) == len(findings), f"every finding names a slice ({len(local_refs)} of {len(findings)})")
        r = run(NORMWATCH, "replay", CAPTURE, "--rules", RULES, "--policy", POLICY, "--sensor-id", "sensor1",
                "--events", "plain.jsonl")
        with open("plain.jsonl") as fh:
            plain = [json.loads(l) for l in fh if l.strip()]
        for e in local_events:
            e["evidence"].pop("slice", None)
        check(plain == local_events, "slices change nothing else in the events (same findings, same order)")
        for ref in {r["name"]: r for r in local_refs}.values():
            path = os.path.join("local-slices", ref["name"])
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            check(digest == ref["sha256"], f"{ref['name']}: SHA-256 as the event states")
            n = tshark_frames(path)
            check(n == ref["frames"], f"{ref['name']}: tshark reads {n} frames, the event says {ref['frames']}")
        trigger = findings[0]["evidence"]["frames"][-1]
        first = local_refs[0]
        check(first["first_frame"] <= trigger <= first["last_frame"], "the first slice holds its finding's frame")

        # Published: the slices travel with the events.
        port = free_port()
        endpoint = f"tcp://127.0.0.1:{port}"
        log = open("collector.log", "w")
        collector = subprocess.Popen([COLLECTOR, "--listen", endpoint, "--db", "c.db", "--key", "collector.key",
                                      "--allow", "allow"], stdout=log, stderr=subprocess.STDOUT)
        try:
            r = run(NORMWATCH, "replay", CAPTURE, "--rules", RULES, "--policy", POLICY, "--sensor-id", "sensor1",
                    "--publish", endpoint, "--collector-pub", "collector.pub", "--key", "sensor1.key",
                    "--spool", "spool", "--drain-timeout", "30", "--events", "sent.jsonl", "--slice-dir", "slices")
            check(r.returncode == 0, f"replay --publish --slice-dir delivered ({r.stderr.strip().splitlines()[-1:]})")
        finally:
            collector.send_signal(signal.SIGINT)
            collector.wait(timeout=30)
            log.close()
        _, sent_refs = slices_of("sent.jsonl")
        names = sorted({r["name"] for r in sent_refs})
        check(len(names) > 0, f"{len(names)} slices written by the publishing sensor")
        with sqlite3.connect("c.db") as db:
            stored = {row[0]: row[1] for row in db.execute("SELECT sha256, name FROM slices")}
        check(sorted(stored.values()) == names, f"the collector stored every slice ({len(stored)})")
        with open("collector.log") as fh:
            check("refused the evidence slice" not in fh.read(), "the collector refused no slice")

        r = run(COLLECTOR, "export", "--db", "c.db", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z",
                "--out", "bundle", "--keys", "allow")
        check(r.returncode == 0, "export: " + (r.stdout + r.stderr).strip().replace("\n", " | "))
        bundled = sorted(os.listdir("bundle/slices")) if os.path.isdir("bundle/slices") else []
        check(bundled == names, "the bundle holds every slice in slices/")
        for name in names:
            with open(os.path.join("bundle/slices", name), "rb") as a, open(os.path.join("slices", name), "rb") as b:
                check(a.read() == b.read(), f"bundle/slices/{name} is the sensor's file byte for byte")
        r = run(NORMWATCH, "verify", "bundle")
        out = r.stdout + r.stderr
        check(r.returncode == 0 and "verdict: PASS" in out and f"slices: {len(sent_refs)} of {len(sent_refs)}" in out,
              "the bundle with its slices verifies")
        if r.returncode != 0:
            print(out)

        victim = names[0]
        altered = os.path.join(work, "altered")
        shutil.copytree("bundle", altered)
        path = os.path.join(altered, "slices", victim)
        with open(path, "r+b") as fh:
            fh.seek(60)
            b = fh.read(1)
            fh.seek(60)
            fh.write(bytes([b[0] ^ 0xFF]))
        resum(altered)
        r = run(NORMWATCH, "verify", altered)
        out = r.stdout + r.stderr
        check(r.returncode == 1 and f"slice.altered: slices/{victim}" in out, "one byte changed in a slice fails and names it")

        deleted = os.path.join(work, "deleted")
        shutil.copytree("bundle", deleted)
        os.remove(os.path.join(deleted, "slices", victim))
        resum(deleted)
        r = run(NORMWATCH, "verify", deleted)
        out = r.stdout + r.stderr
        check(r.returncode == 1 and f"slice.missing: slices/{victim}" in out, "a deleted slice fails and names it")
    finally:
        if failures:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Evidence an inspector can trust (issue 10), end to end with real processes on loopback:
keygen -> collector (CURVE, allow-list with the sensors' .sign.pub) -> `normwatch replay --publish`
three times (two boot epochs of one capture, then another capture) with signed checkpoints ->
`normwatch-collector export` -> `normwatch verify`. The valid bundle must pass; copies with one
byte changed in an event or a checkpoint, an event removed, two events swapped, a file changed
without its SHA256SUMS, or another pinned key must fail and name what broke. Tampered copies get
a recomputed SHA256SUMS, so that it is the chain and the signatures that catch them.

usage: evidence_test.py NORMWATCH NORMWATCH_COLLECTOR SOURCE_DIR
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from itest import check, failures, free_port, resum, run  # noqa: E402

NORMWATCH, COLLECTOR, SOURCE = sys.argv[1:4]
CAPTURES = [os.path.join(SOURCE, "captures/modbus/libmodbus-script.pcap"),
            os.path.join(SOURCE, "captures/modbus/libmodbus-script.pcap"),
            os.path.join(SOURCE, "captures/iec104/iec104-catalogue.pcap")]
RULES = os.path.join(SOURCE, "rules")
POLICY = os.path.join(SOURCE, "rules/policies/demo-plant.yaml")


def tampered(base, name, edit, fix_sums=True):
    dst = os.path.join(os.path.dirname(base), name)
    shutil.copytree(base, dst)
    path = os.path.join(dst, "events", "sensor1.jsonl")
    with open(path) as fh:
        lines = fh.read().splitlines()
    lines = edit(lines)
    with open(path, "w") as fh:
        fh.write("".join(l + "\n" for l in lines))
    if fix_sums:
        resum(dst)
    return dst


def verify(bundle, *extra):
    r = run(NORMWATCH, "verify", bundle, *extra)
    return r.returncode, r.stdout + r.stderr


def main():
    work = tempfile.mkdtemp(prefix="nw-evidence-")
    try:
        os.chdir(work)
        for name in ("sensor1", "collector", "stranger"):
            r = run(NORMWATCH, "keygen", name)
            check(r.returncode == 0, f"keygen {name}")
        check(os.path.exists("sensor1.sign.key") and os.path.exists("sensor1.sign.pub"), "keygen writes NAME.sign.key/.pub")
        check(oct(os.stat("sensor1.sign.key").st_mode & 0o777) == "0o600", "the signing key is mode 0600")
        os.mkdir("allow")
        for f in ("sensor1.pub", "sensor1.sign.pub"):
            shutil.copy(f, "allow")
        os.mkdir("stranger-keys")
        shutil.copy("stranger.sign.pub", "stranger-keys/sensor1.sign.pub")

        port = free_port()
        endpoint = f"tcp://127.0.0.1:{port}"
        log = open("collector.log", "w")
        collector = subprocess.Popen([COLLECTOR, "--listen", endpoint, "--db", "c.db", "--key", "collector.key",
                                      "--allow", "allow"], stdout=log, stderr=subprocess.STDOUT)
        try:
            for capture in CAPTURES:
                r = run(NORMWATCH, "replay", capture, "--rules", RULES, "--policy", POLICY, "--sensor-id", "sensor1",
                        "--publish", endpoint, "--collector-pub", "collector.pub", "--key", "sensor1.key",
                        "--spool", "spool", "--checkpoint-every", "7", "--health-interval", "1",
                        "--drain-timeout", "60", "--events", "sent.jsonl")
                check(r.returncode == 0, f"replay {os.path.basename(capture)} delivered ({r.stderr.strip().splitlines()[-1:]})")
        finally:
            collector.send_signal(signal.SIGINT)
            collector.wait(timeout=30)
            log.close()
        with open("collector.log") as fh:
            check(".sign.pub" not in fh.read(), "the collector's allow-list ignores .sign.pub files quietly")

        import sqlite3
        with sqlite3.connect("c.db") as db:
            marks = db.execute("SELECT count(*) FROM integrity").fetchone()[0]
            raised = db.execute("SELECT count(*) FROM events WHERE sensor = 'normwatch-collector'").fetchone()[0]
        check(marks == 0 and raised == 0, f"the collector found every link and signature sound ({marks} marks, {raised} integrity events)")
        stored = run(COLLECTOR, "query", "--db", "c.db", "--json", "--sensor", "sensor1").stdout.splitlines()
        check(len(stored) > 60, f"the collector stored the events ({len(stored)})")
        r = run(COLLECTOR, "export", "--db", "c.db", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z",
                "--out", "bundle", "--keys", "allow", "--rules", RULES, "--policy", POLICY)
        check(r.returncode == 0, "export: " + (r.stdout + r.stderr).strip().replace("\n", " | "))
        with open("bundle/events/sensor1.jsonl") as fh:
            bundled = fh.read().splitlines()
        check(sorted(bundled) == sorted(stored), "the bundle holds every stored line byte for byte")
        check(any('"checkpoint":{' in l for l in bundled), "the bundle holds checkpoints")
        check(os.path.getsize("bundle/heartbeats/sensor1.jsonl") > 0, "the bundle holds heartbeats")

        rc, out = verify("bundle")
        check(rc == 0 and "sensor sensor1: PASS" in out and "verdict: PASS" in out, "the valid bundle passes")
        check("rule_pack: the bundled copy is the one the heartbeats report" in out, "the rule pack matches the heartbeats")
        check("policy: the bundled copy is the one the heartbeats report" in out, "the policy matches the heartbeats")
        check("3 epochs" in out and " 0 gaps" in out, "three boot epochs link across the skipped sequence blocks")
        print(out)

        def seq_of(line):
            return int(line.split('"seq":')[1].split(",")[0].split("}")[0])

        mid = len(bundled) // 2
        while '"checkpoint":{' in bundled[mid]:
            mid += 1
        cps = [i for i, l in enumerate(bundled) if '"checkpoint":{' in l]
        cp = cps[len(cps) // 2]

        def one_byte_event(lines):
            at = lines[mid].index('"severity":"') + len('"severity":"')
            lines[mid] = lines[mid][:at] + ("X" if lines[mid][at] != "X" else "Y") + lines[mid][at + 1:]
            return lines

        def one_byte_checkpoint(lines):
            at = lines[cp].index('"signature":"') + len('"signature":"')
            lines[cp] = lines[cp][:at] + ("0" if lines[cp][at] != "0" else "1") + lines[cp][at + 1:]
            return lines

        cases = [
            ("byte-event", one_byte_event, True, ["chain.broken_link", f"does not link to seq {seq_of(bundled[mid])}"]),
            ("byte-checkpoint", one_byte_checkpoint, True, ["checkpoint.bad_signature", f"checkpoint seq {seq_of(bundled[cp])}"]),
            ("removed", lambda l: l[:mid] + l[mid + 1:], True, ["chain.gap", f"missing seq {seq_of(bundled[mid])}"]),
            ("reordered", lambda l: l[:mid] + [l[mid + 1], l[mid]] + l[mid + 2:], True, ["chain.out_of_order"]),
            ("sums-stale", one_byte_event, False, ["bundle.file_changed: events/sensor1.jsonl"]),
        ]
        for name, edit, fix, expected in cases:
            rc, out = verify(tampered(os.path.join(work, "bundle"), name, edit, fix))
            named = all(e in out for e in expected)
            check(rc == 1 and "verdict: FAIL" in out and named, f"{name}: fails and names {expected}")
            if not named:
                print(out)
        rc, out = verify("bundle", "--keys", "stranger-keys")
        check(rc == 1 and "checkpoint.unpinned_key" in out, "another pinned key fails every checkpoint")
        rc, out = verify(os.path.join(work, "nothing-here"))
        check(rc == 2, "a directory that is not a bundle exits 2")
    finally:
        if failures:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`normwatch replay --publish` into a real normwatch-collector on 127.0.0.1 (issue 7: the sinks
combine, replay exits once every event is acknowledged). Real processes only: `normwatch keygen`
for both ends, the collector, the sensor replaying a shipped capture with the shipped rules and
policy, then `normwatch-collector query --json`.

  plain           the collector stores exactly the lines of the sensor's --events file (same count,
                  same epoch, sequence numbers contiguous from 1), heartbeats among them, and the
                  findings are those of a replay without --publish
  collector_killed  the collector is SIGKILLed while it is storing a replay and restarted: every
                  event stored exactly once (a larger capture built from the shipped one, and a
                  collector committing in small batches, so that the kill lands mid-stream)

Usage: replay_publish_test.py SCENARIO NORMWATCH NORMWATCH_COLLECTOR SOURCE_DIR
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from itest import free_port  # noqa: E402

NORMWATCH = COLLECTOR = SOURCE = None
SENSOR_ID = "sensor-a"
# Generous: the sanitizer build is several times slower, and the machine may be shared.
READY_SECONDS = 60
REPLAY_SECONDS = 300


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def capture(name):
    return os.path.join(SOURCE, "captures", "rules", name)


def repeat_pcap(src, dst, copies, shift_seconds):
    """Writes `copies` back-to-back copies of a classic little-endian pcap, each shifted in time
    (later copies' flows start after the earlier ones timed out, so they are new flows)."""
    with open(src, "rb") as f:
        data = f.read()
    check(data[:4] == b"\xd4\xc3\xb2\xa1", f"{src}: not a little-endian microsecond pcap")
    header, records = data[:24], []
    pos = 24
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack_from("<IIII", data, pos)
        records.append((sec, usec, orig, data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    with open(dst, "wb") as out:
        out.write(header)
        for k in range(copies):
            for sec, usec, orig, payload in records:
                out.write(struct.pack("<IIII", sec + k * shift_seconds, usec, len(payload), orig))
                out.write(payload)


class Harness:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="nw-replay-publish-")
        self.port = free_port()
        self.endpoint = f"tcp://127.0.0.1:{self.port}"
        self.db = self.path("collector.db")
        self.allow = self.path("allow")
        self.log_path = self.path("collector.log")
        os.mkdir(self.allow)
        for name in ("collector", SENSOR_ID):
            subprocess.run([NORMWATCH, "keygen", self.path(name)], check=True, stdout=subprocess.DEVNULL)
        check(os.stat(self.path("collector.key")).st_mode & 0o077 == 0, "keygen: the secret key is readable by others")
        shutil.copy(self.path(SENSOR_ID + ".pub"), self.allow)  # the collector's allow-list
        shutil.copy(self.path(SENSOR_ID + ".sign.pub"), self.allow)  # its pinned evidence key (issue 10)
        self.collector = None
        self.procs = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def start_collector(self, extra=None):
        with open(self.log_path, "a") as log:
            self.collector = subprocess.Popen(
                [COLLECTOR, "--listen", self.endpoint, "--db", self.db, "--key", self.path("collector.key"),
                 "--allow", self.allow] + (extra or []), stderr=log, stdout=subprocess.DEVNULL)
        self.procs.append(self.collector)
        deadline = time.time() + READY_SECONDS
        while time.time() < deadline:
            check(self.collector.poll() is None, f"collector exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise Failure("the collector did not listen within %d s" % READY_SECONDS)

    def kill_collector(self):
        self.collector.send_signal(signal.SIGKILL)
        self.collector.wait(timeout=30)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def replay(self, pcap, events, spool, publish=True, extra=None):
        args = [NORMWATCH, "replay", pcap, "--rules", os.path.join(SOURCE, "rules"), "--policy",
                capture("rules-policy.yaml"), "--sensor-id", SENSOR_ID, "--events", self.path(events),
                "--no-progress", "--json"]
        if publish:
            args += ["--publish", self.endpoint, "--collector-pub", self.path("collector.pub"), "--key",
                     self.path(SENSOR_ID + ".key"), "--spool", self.path(spool)]
        p = subprocess.Popen(args + (extra or []), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    @staticmethod
    def finish(p):
        out, err = p.communicate(timeout=REPLAY_SECONDS)
        return p.returncode, out, err

    def query(self):
        out = subprocess.run([COLLECTOR, "query", "--db", self.db, "--json"], check=True, capture_output=True,
                             text=True, timeout=REPLAY_SECONDS).stdout
        return out.splitlines()

    def sensors(self):
        out = subprocess.run([COLLECTOR, "sensors", "--db", self.db, "--json"], check=True, capture_output=True,
                             text=True, timeout=REPLAY_SECONDS).stdout
        return {s["sensor"]: s for s in (json.loads(line) for line in out.splitlines())}

    def stored_count(self):
        try:
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
            try:
                return con.execute("SELECT count(*) FROM events").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            return 0  # not created yet, or busy for a moment

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


def assert_stored_exactly(h, events_file):
    """The collector holds exactly the lines the sensor wrote to its events file: same count,
    byte for byte, one epoch, sequence numbers contiguous from 1, nothing reported missing."""
    written = read_lines(h.path(events_file))
    check(written, f"{events_file} is empty: the capture produced no events")
    stored = [line for line in h.query() if json.loads(line)["sensor"] == SENSOR_ID]
    check(len(stored) == len(written), f"the collector stored {len(stored)} events, the sensor wrote {len(written)}")
    check(sorted(stored) == sorted(written), "the stored lines differ from the sensor's --events lines")
    events = [json.loads(line) for line in written]
    epochs = {e["epoch"] for e in events}
    check(len(epochs) == 1, f"more than one epoch in one run: {sorted(epochs)}")
    seqs = sorted(e["seq"] for e in events)
    check(seqs == list(range(1, len(seqs) + 1)),
          f"sequence numbers not contiguous from 1: {len(seqs)} events, {seqs[0]}..{seqs[-1]}")
    check([e["seq"] for e in events] == seqs, "the events file is not in sequence order")
    report = h.sensors()[SENSOR_ID]
    check(report["missing"] == 0, f"the collector reports {report['missing']} missing")
    heartbeats = [e for e in events if e["kind"] == "health"]
    check(len(heartbeats) >= 2, f"{len(heartbeats)} heartbeats (expected one at the start and one at the end)")
    last = heartbeats[-1]["health"]
    check(last["packets"] > 0 and last["pdus"] > 0, f"the closing heartbeat counted nothing: {last}")
    return events, report, last


def findings(events):
    """The rule findings of a run, without the stamping (sensor, epoch, seq, id) and without what
    the health reporter adds (heartbeats, configuration changes, SYS-01 for a silent spell) or the
    evidence chain (the chain link, signed checkpoints)."""
    out = []
    for e in events:
        if e["kind"] in ("health", "config_change") or e.get("rule", {}).get("id") == "SYS-01":
            continue
        if e["kind"] == "integrity" and "checkpoint" in e:  # evidence checkpoints (issue 10)
            continue
        e = dict(e)
        for key in ("sensor", "epoch", "seq", "id", "chain"):
            e.pop(key, None)
        out.append(json.dumps(e, sort_keys=True))
    return out


def plain(h):
    h.start_collector()
    p = h.replay(capture("modbus-triggers.pcap"), "out.jsonl", "spool")
    rc, out, err = h.finish(p)
    check(rc == 0, f"replay exit {rc}: {err}")
    check("acknowledged by the collector" in err, f"replay did not report the acknowledgement: {err}")
    json.loads(out)  # the --json summary is still the one object on stdout
    events, _, _ = assert_stored_exactly(h, "out.jsonl")
    # The first heartbeat carries the hashes of the binary, the rule pack and the policy.
    hashes = next(e for e in events if e["kind"] == "health")["health"]["hashes"]
    check(all(hashes[k] for k in ("binary", "rule_pack", "policy")), f"heartbeat hashes: {hashes}")
    # Publishing changes where events go, not which: the same findings as a replay without it.
    q = h.replay(capture("modbus-triggers.pcap"), "plain.jsonl", None, publish=False)
    rc, _, err = h.finish(q)
    check(rc == 0, f"replay without --publish: exit {rc}: {err}")
    plain_events = [json.loads(line) for line in read_lines(h.path("plain.jsonl"))]
    check(findings(events) == findings(plain_events),
          f"findings differ: {len(findings(events))} with --publish, {len(findings(plain_events))} without")
    # A second run of the same sensor continues the sequence in a new epoch and is stored too.
    p = h.replay(capture("dnp3-triggers.pcap"), "out2.jsonl", "spool")
    rc, _, err = h.finish(p)
    check(rc == 0, f"second replay exit {rc}: {err}")
    second = [json.loads(line) for line in read_lines(h.path("out2.jsonl"))]
    check(second and second[0]["epoch"] > events[0]["epoch"], "the second run did not start a new epoch")
    stored = [json.loads(line) for line in h.query()]
    check(len(stored) == len(events) + len(second), f"{len(stored)} stored after two runs")
    check(h.sensors()[SENSOR_ID]["missing"] == 0, "gap reported after the second run")
    print(f"stored {len(events)} + {len(second)} events, {sum(e['kind'] == 'health' for e in events)} heartbeats "
          f"in the first run")


def collector_killed(h):
    big = h.path("modbus-x40.pcap")
    repeat_pcap(capture("modbus-triggers.pcap"), big, 40, 3600)
    # Small commits (each acknowledged on its own) make the store fill gradually.
    h.start_collector(["--commit-events", "4"])
    p = h.replay(big, "out.jsonl", "spool")
    deadline = time.time() + REPLAY_SECONDS
    before = 0
    while time.time() < deadline and p.poll() is None:
        before = h.stored_count()
        if before > 0:
            break
        time.sleep(0.01)
    h.kill_collector()
    before = h.stored_count()
    check(p.poll() is None or p.returncode != 0 or before > 0, "nothing to test: the replay ended before the kill")
    time.sleep(0.5)
    h.start_collector()
    rc, _, err = h.finish(p)
    check(rc == 0, f"replay exit {rc}: {err}")
    events, report, _ = assert_stored_exactly(h, "out.jsonl")
    print(f"collector killed with {before} of {len(events)} events stored; "
          f"{report.get('duplicates', 0)} duplicates dropped on restart")
    if before >= len(events):
        print("note: the kill came after the last commit this time (the check above still holds)")


def main():
    global NORMWATCH, COLLECTOR, SOURCE
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    scenario, NORMWATCH, COLLECTOR, SOURCE = sys.argv[1:]
    scenarios = {"plain": plain, "collector_killed": collector_killed}
    h = Harness()
    try:
        scenarios[scenario](h)
    except Failure as e:
        print(f"FAIL {scenario}: {e}", file=sys.stderr)
        if h.collector is not None:
            print("collector log:\n" + h.log(), file=sys.stderr)
        return 1
    finally:
        h.cleanup()
    print(f"PASS {scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Delivery integration tests (issue 7 §5): real normwatch-collector processes and delivery_sensor
(synthetic events through the real DeliverySink: sequence store, spool, sender) on 127.0.0.1,
killed with SIGKILL and restarted. Every scenario asserts the exact count and the contiguity of
sequence numbers in the collector's store.

Usage: delivery_test.py SCENARIO NORMWATCH_COLLECTOR DELIVERY_SENSOR
  collector_killed  collector SIGKILLed mid-stream and restarted: every event stored exactly once
  collector_late    collector down when the sensor starts, up later: same
  sensor_killed     sensor SIGKILLed and restarted: no sequence reused, nothing spooled is lost
  two_sensors       two sensors into one collector
  unknown_key       unknown key, plaintext and a wrong pinned collector key are refused (and logged)
  malformed         garbage, malformed and oversized messages are rejected; the collector keeps serving
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from itest import free_port  # noqa: E402

COLLECTOR = SENSOR = None


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Harness:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="nw-delivery-")
        self.port = free_port()
        self.endpoint = f"tcp://127.0.0.1:{self.port}"
        self.db = os.path.join(self.dir, "collector.db")
        self.allow = os.path.join(self.dir, "allow")
        self.log_path = os.path.join(self.dir, "collector.log")
        os.mkdir(self.allow)
        for name in ("collector", "sensor-a", "sensor-b", "stranger"):
            subprocess.run([SENSOR, "keygen", self.path(name)], check=True)
        for name in ("sensor-a", "sensor-b"):
            shutil.copy(self.path(name + ".pub"), self.allow)
        self.collector = None
        self.procs = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def start_collector(self, extra=None, expect_listening=True):
        log = open(self.log_path, "a")
        args = [COLLECTOR, "--listen", self.endpoint, "--db", self.db, "--key", self.path("collector.key"),
                "--allow", self.allow] + (extra or [])
        self.collector = subprocess.Popen(args, stderr=log, stdout=subprocess.DEVNULL)
        self.procs.append(self.collector)
        log.close()
        if not expect_listening:
            return self.collector
        deadline = time.time() + 20
        while time.time() < deadline:
            check(self.collector.poll() is None, f"collector exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self.collector
            except OSError:
                time.sleep(0.05)
        raise Failure("collector did not listen")

    def kill_collector(self, sig=signal.SIGKILL):
        self.collector.send_signal(sig)
        self.collector.wait(timeout=30)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def sensor(self, key, sensor_id, count, spool, rate=0, drain=120, extra=None, events=None, pinned=None):
        args = [SENSOR, "emit", "--count", str(count), "--rate", str(rate), "--publish", self.endpoint,
                "--spool", self.path(spool), "--sensor-id", sensor_id, "--drain-timeout", str(drain)]
        if key == "plaintext":
            args.append("--plaintext-lab")
        else:
            args += ["--key", self.path(key + ".key"), "--collector-pub", self.path((pinned or "collector") + ".pub")]
        if events:
            args += ["--events", self.path(events)]
        p = subprocess.Popen(args + (extra or []), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    @staticmethod
    def finish(p, timeout=150):
        out, err = p.communicate(timeout=timeout)
        summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else None
        return p.returncode, summary, err

    def stored_lines(self):
        out = subprocess.run([COLLECTOR, "query", "--db", self.db, "--json"], check=True, capture_output=True,
                             text=True).stdout
        return out.splitlines()

    def stored(self, sensor_id):
        events = [json.loads(line) for line in self.stored_lines()]
        return [e for e in events if e["sensor"] == sensor_id]

    def sensors(self):
        out = subprocess.run([COLLECTOR, "sensors", "--db", self.db, "--json"], check=True, capture_output=True,
                             text=True).stdout
        return {s["sensor"]: s for s in (json.loads(line) for line in out.splitlines())}

    def sql(self, query):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def by_epoch(events):
    epochs = {}
    for e in events:
        epochs.setdefault(e["epoch"], []).append(e["seq"])
    return {k: sorted(v) for k, v in epochs.items()}


def assert_contiguous(seqs, what):
    check(len(seqs) == len(set(seqs)), f"{what}: duplicate sequence numbers stored")
    check(seqs == list(range(seqs[0], seqs[0] + len(seqs))),
          f"{what}: sequence not contiguous: {len(seqs)} events from {seqs[0]} to {seqs[-1]}")


def assert_delivered_exactly_once(h, sensor_id, summary, events_file=None):
    """Every event the sensor stamped is stored once: the count equals what the sensor wrote, the
    sequence is contiguous from 1 to the sensor's last seq, and the stored lines are byte for byte
    the lines the sensor wrote to its --events file."""
    check(summary is not None and summary["complete"], f"{sensor_id}: sensor did not deliver everything: {summary}")
    stored = h.stored(sensor_id)
    check(len(stored) == summary["written"],
          f"{sensor_id}: stored {len(stored)} events, the sensor wrote {summary['written']}")
    epochs = by_epoch(stored)
    check(list(epochs) == [summary["epoch"]], f"{sensor_id}: epochs {list(epochs)} != [{summary['epoch']}]")
    seqs = epochs[summary["epoch"]]
    assert_contiguous(seqs, sensor_id)
    check(seqs[0] == 1 and seqs[-1] == summary["last_seq"],
          f"{sensor_id}: seq {seqs[0]}..{seqs[-1]}, expected 1..{summary['last_seq']}")
    if events_file:
        with open(h.path(events_file)) as f:
            written = f.read().splitlines()
        stored_lines = [line for line in h.stored_lines() if json.loads(line)["sensor"] == sensor_id]
        check(sorted(written) == sorted(stored_lines), f"{sensor_id}: stored lines differ from the sensor's lines")
    report = h.sensors()[sensor_id]
    check(report["missing"] == 0, f"{sensor_id}: the collector reports {report['missing']} missing")
    return stored, report


def collector_killed(h):
    h.start_collector()
    p = h.sensor("sensor-a", "sensor-a", 20000, "spool-a", rate=5000, events="a.jsonl")
    time.sleep(1.5)
    h.kill_collector()
    before = h.sql("SELECT count(*) FROM events")[0][0]
    time.sleep(1.0)
    h.start_collector()
    rc, summary, err = h.finish(p)
    check(rc == 0, f"sensor exit {rc}: {err}")
    check(before < summary["written"], f"the collector was killed after the end ({before} stored)")
    _, report = assert_delivered_exactly_once(h, "sensor-a", summary, "a.jsonl")
    print(f"killed with {before} of {summary['written']} stored; {report['duplicates']} duplicates dropped")


def collector_late(h):
    p = h.sensor("sensor-a", "sensor-a", 5000, "spool-a", events="a.jsonl")
    time.sleep(3.0)
    check(p.poll() is None, "the sensor gave up before the collector came up")
    check(any(n.endswith(".nws") for n in os.listdir(h.path("spool-a"))), "nothing spooled")
    h.start_collector()
    rc, summary, err = h.finish(p)
    check(rc == 0, f"sensor exit {rc}: {err}")
    assert_delivered_exactly_once(h, "sensor-a", summary, "a.jsonl")


def dump_spool(h, spool):
    out = subprocess.run([SENSOR, "dump-spool", h.path(spool)], check=True, capture_output=True, text=True).stdout
    return [json.loads(line)["seq"] for line in out.splitlines()]


def sensor_killed(h):
    h.start_collector()
    p = h.sensor("sensor-a", "sensor-a", 100000, "spool-a", rate=5000)
    time.sleep(2.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    spooled = dump_spool(h, "spool-a")
    stored_at_kill = h.sql("SELECT count(*) FROM events")[0][0]
    check(spooled or stored_at_kill, "nothing was spooled or stored before the kill")
    p2 = h.sensor("sensor-a", "sensor-a", 1000, "spool-a")
    rc, summary, err = h.finish(p2)
    check(rc == 0, f"restarted sensor exit {rc}: {err}")
    epochs = by_epoch(h.stored("sensor-a"))
    check(len(epochs) == 2, f"expected two epochs, got {sorted(epochs)}")
    first, second = sorted(epochs)
    check(second == summary["epoch"], "the restart did not start a new epoch")
    e1, e2 = epochs[first], epochs[second]
    assert_contiguous(e1, "epoch before the kill")
    check(e1[0] == 1, f"epoch before the kill starts at {e1[0]}")
    check(set(spooled) <= set(e1), f"{len(set(spooled) - set(e1))} spooled events were lost")
    check(not spooled or e1[-1] >= max(spooled), "the spool's last event was not delivered")
    assert_contiguous(e2, "epoch after the restart")
    check(e2[0] > e1[-1], f"sequence reused: restart began at {e2[0]}, before the kill reached {e1[-1]}")
    check(len(e2) == summary["written"] and e2[-1] == summary["last_seq"],
          f"after the restart: stored {len(e2)}, wrote {summary['written']}")
    report = h.sensors()["sensor-a"]
    check(report["missing"] == 0, f"the collector reports {report['missing']} missing")
    print(f"before the kill: {len(e1)} events (seq 1..{e1[-1]}), {len(spooled)} still spooled at the kill; "
          f"after: seq {e2[0]}..{e2[-1]}")


def two_sensors(h):
    h.start_collector()
    a = h.sensor("sensor-a", "sensor-a", 10000, "spool-a", events="a.jsonl")
    b = h.sensor("sensor-b", "sensor-b", 10000, "spool-b", events="b.jsonl")
    for name, p, events in (("sensor-a", a, "a.jsonl"), ("sensor-b", b, "b.jsonl")):
        rc, summary, err = h.finish(p)
        check(rc == 0, f"{name} exit {rc}: {err}")
        assert_delivered_exactly_once(h, name, summary, events)
        check(h.sensors()[name]["principal"] == name, f"{name} stored under another key name")


def unknown_key(h):
    # A collector without keys refuses plaintext unless told it is a lab.
    r = subprocess.run([COLLECTOR, "--listen", h.endpoint, "--db", h.db], capture_output=True, text=True)
    check(r.returncode == 1 and "plaintext" in r.stderr, f"keyless collector started: {r.returncode} {r.stderr}")
    h.start_collector()
    # The collector logs an unknown key with the key itself (ZAP). A plaintext sensor or one pinning
    # another collector key fails earlier, in the handshake, which either side may notice first:
    # the sensor always says so.
    for key, sensor_id, pinned, logged in (("stranger", "stranger", None, "not in the allow-list"),
                                           ("plaintext", "plain", None, None),
                                           ("sensor-a", "wrong-pin", "sensor-b", None)):
        p = h.sensor(key, sensor_id, 100, "spool-" + sensor_id, drain=3, pinned=pinned)
        rc, summary, err = h.finish(p)
        check(rc == 3, f"{sensor_id}: exit {rc}, expected 3 (not delivered): {err}")
        check(summary["unacked"] == summary["written"] and summary["written"] >= 100,
              f"{sensor_id}: {summary}")
        check("not yet acknowledged" in err, f"{sensor_id}: the sensor did not say what is left: {err}")
        check("refused" in err or "handshake" in err or "lost the connection" in err,
              f"{sensor_id}: the sensor did not report the refusal: {err}")
        if logged:
            check(logged in h.log(), f"{sensor_id}: collector log lacks '{logged}': {h.log()}")
        check(not h.stored(sensor_id), f"{sensor_id}: events from a refused sensor were stored")
    check("refused a sensor" in h.log(), "the refusal was not logged")
    p = h.sensor("sensor-a", "sensor-a", 100, "spool-a")
    rc, summary, err = h.finish(p)
    check(rc == 0, f"the collector stopped serving allowed sensors: {err}")
    assert_delivered_exactly_once(h, "sensor-a", summary)


def malformed(h):
    h.start_collector()
    zmtp_greeting = b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00" + b"NULL" + b"\x00" * 16 + b"\x00" + b"\x00" * 31
    payloads = [os.urandom(65536), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", zmtp_greeting + b"\x06" + b"\xff" * 8,
                b"\xff" + b"\x00" * 7 + b"\x01\x7f" + b"\x03" * 100000]
    for payload in payloads:
        with socket.create_connection(("127.0.0.1", h.port), timeout=5) as s:
            try:
                s.sendall(payload)
                s.settimeout(2)
                s.recv(1024)
            except OSError:
                pass
    idle = socket.create_connection(("127.0.0.1", h.port), timeout=5)  # says nothing at all
    r = subprocess.run([SENSOR, "abuse", "--publish", h.endpoint, "--key", h.path("sensor-a.key"),
                        "--collector-pub", h.path("collector.pub")], capture_output=True, text=True, timeout=60)
    replies = {c["case"]: c["reply"] for c in (json.loads(line) for line in r.stdout.splitlines())}
    check(r.returncode == 0, f"abuse: not every malformed message was answered: {r.stdout} {r.stderr}")
    for case in ("unknown command", "bad batch id", "empty payload", "too many frames", "too many events"):
        check(replies.get(case, "").startswith("nw1.error"), f"{case}: reply {replies.get(case)!r}")
    check(replies.get("invalid lines", "").startswith("nw1.ack"), "invalid lines were not acknowledged")
    check(replies.get("oversized") == "", "an oversized message was answered")
    check(h.collector.poll() is None, "the collector died")
    p = h.sensor("sensor-b", "sensor-b", 2000, "spool-b", events="b.jsonl")
    rc, summary, err = h.finish(p)
    check(rc == 0, f"sensor exit {rc}: {err}")
    assert_delivered_exactly_once(h, "sensor-b", summary, "b.jsonl")
    idle.close()
    check(h.sql("SELECT count(*) FROM rejected")[0][0] == 3, "the three invalid lines were not quarantined")
    check(len(h.stored_lines()) == summary["written"], "something other than sensor-b's events was stored")
    check("malformed" in h.log(), "malformed messages were not logged")
    h.kill_collector(signal.SIGTERM)
    check(h.collector.returncode == 0, f"collector exit {h.collector.returncode}")


SCENARIOS = {f.__name__: f for f in (collector_killed, collector_late, sensor_killed, two_sensors, unknown_key,
                                     malformed)}


def main():
    global COLLECTOR, SENSOR
    if len(sys.argv) != 4 or sys.argv[1] not in SCENARIOS:
        print(__doc__)
        return 2
    COLLECTOR, SENSOR = sys.argv[2], sys.argv[3]
    h = Harness()
    try:
        started = time.time()
        SCENARIOS[sys.argv[1]](h)
        print(f"PASS {sys.argv[1]} ({time.time() - started:.1f} s)")
        return 0
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"FAIL {sys.argv[1]}: {e}")
        try:
            print("--- collector log ---\n" + h.log()[-4000:])
        except OSError:
            pass
        return 1
    finally:
        h.cleanup()


if __name__ == "__main__":
    sys.exit(main())

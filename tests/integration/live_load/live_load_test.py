#!/usr/bin/env python3
"""Live capture under load (issue 9 item 3): `normwatch live` on one end of a veth pair between two
network namespaces made here, tcpreplay sending project captures into the other end.

Main runs (--workers 1 and 2): the shipped plant demo then a plant-mix capture from
normwatch-capgen, replayed at a fixed modest rate (--pps) to a sensor with --snaplen 2048 (see
main_run). Every PDU of `normwatch decode` of the same files must come out of the live sensor
with the same protocol, endpoints, frame number and fields. The sensor reports them through a rule pack with one rule per protocol that matches every
PDU (every-pdu/; each event carries the PDU's fields). Its summary must count the same PDUs, and
its frames plus the drops it reports (kernel, interface, worker queues) must equal the frames
tcpreplay sent, with no drops at this rate.

Drop runs: the drops must be reported, not silent. (1) The sensor is stopped (SIGSTOP) with a 1 MiB
capture buffer while the plant mix is sent at top speed, then resumed: the ring overflows for
certain, and frames seen + reported drops must equal frames sent, with drops > 0. (2) The same
without the stop, whatever the machine's speed makes of it: the same sum must hold.
Frames the kernel loses before libpcap sees them (the veth's own drop counters) are printed; they
are not the sensor's to report, and the sums allow for them only as counted there.

Exit 77 (ctest: skipped) when not root, when `ip` or `tcpreplay` is missing, or when namespaces
cannot be made (a sandbox without CAP_SYS_ADMIN/CAP_NET_ADMIN).
usage: live_load_test.py NORMWATCH CAPGEN SOURCE_DIR [--pps N] [--frames N]
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from itest import Checks  # noqa: E402

SKIP = 77
PID = os.getpid()
NS_SENSOR = f"nw-load-s-{PID}"
NS_FAR = f"nw-load-f-{PID}"
IF_SENSOR = "nwload0"
IF_FAR = "nwloadf0"
START_SECONDS = 30.0      # for the sensor to open the interface (a sanitizer build is slow)
IDLE_LIMIT_SECONDS = 30.0  # for the sensor to finish the frames waiting in its ring
RULE_IDS = ("LL-01", "LL-02", "LL-03")
MAIN_SNAPLEN = 2048


class Skip(Exception):
    pass


def run(*cmd, check=True, timeout=120):
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout)


def not_permitted(text: str) -> bool:
    text = text.lower()
    return "permission" in text or "not permitted" in text


# --- namespaces ----------------------------------------------------------------------------------

def setup():
    """Makes the namespaces and the veth pair, or raises Skip with the reason."""
    if os.geteuid() != 0:
        raise Skip("not root (ip netns needs CAP_SYS_ADMIN and CAP_NET_ADMIN)")
    for tool in ("ip", "tcpreplay"):
        if shutil.which(tool) is None:
            raise Skip(f"`{tool}` is not installed (Debian: {'iproute2' if tool == 'ip' else 'tcpreplay'})")
    remove_stale()
    made = run("ip", "netns", "add", NS_SENSOR, check=False)
    if made.returncode != 0:
        raise Skip("ip netns add: " + made.stderr.strip())
    run("ip", "netns", "add", NS_FAR)
    link = run("ip", "link", "add", IF_SENSOR, "netns", NS_SENSOR, "type", "veth", "peer", "name", IF_FAR,
               "netns", NS_FAR, check=False)
    if link.returncode != 0:
        raise Skip("ip link add ... type veth: " + link.stderr.strip())
    for ns, ifname in ((NS_SENSOR, IF_SENSOR), (NS_FAR, IF_FAR)):
        # No IPv6 and no address: the kernels send nothing of their own (no DAD, router solicitation
        # or MLD), so the sensor sees exactly the frames tcpreplay sends.
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv6.conf.{ifname}.disable_ipv6=1")
        run("ip", "netns", "exec", ns, "ip", "link", "set", ifname, "up")


def remove_stale():
    """Namespaces left by a run that was killed (ctest's timeout sends SIGKILL): their pid is gone."""
    for line in run("ip", "netns", "list", check=False).stdout.splitlines():
        m = re.match(r"(nw-load-[sf]-(\d+))\b", line)
        if m and not os.path.exists(f"/proc/{m.group(2)}"):
            run("ip", "netns", "del", m.group(1), check=False)


def teardown():
    # Deleting a namespace deletes the veth end in it, and with it the pair.
    for ns in (NS_SENSOR, NS_FAR):
        run("ip", "netns", "del", ns, check=False)


def veth_drops() -> int:
    """Every dropped counter of both veth ends (rx and tx), as the kernel keeps them."""
    total = 0
    for ns, ifname in ((NS_SENSOR, IF_SENSOR), (NS_FAR, IF_FAR)):
        out = run("ip", "netns", "exec", ns, "ip", "-s", "-j", "link", "show", ifname).stdout
        stats = json.loads(out)[0]["stats64"]
        total += stats["rx"]["dropped"] + stats["tx"]["dropped"]
    return total


# --- the sensor ----------------------------------------------------------------------------------

class StderrReader:
    """Reads the sensor's stderr on a thread (its notes come before or after the line that says it
    is capturing, and a pipe left unread could block it)."""

    def __init__(self, pipe):
        self.lines = []
        self.started = False
        self.ready = threading.Event()  # set when it is capturing or has exited
        self.thread = threading.Thread(target=self._run, args=(pipe,), daemon=True)
        self.thread.start()

    def _run(self, pipe):
        for line in pipe:
            self.lines.append(line.rstrip("\n"))
            if "capturing on" in line:
                self.started = True
                self.ready.set()
        self.ready.set()

    def text(self) -> str:
        return "\n".join(self.lines).strip()


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime of all its threads


def wait_idle(pid: int):
    """Returns once the sensor has stopped using CPU (it has read what waits in its ring): frames
    still in the ring at SIGINT would be neither seen nor dropped."""
    deadline = time.monotonic() + IDLE_LIMIT_SECONDS
    last, quiet = cpu_ticks(pid), 0
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_ticks(pid)
        quiet = quiet + 1 if now - last <= 1 else 0
        last = now


def replay(files: list, rate: list) -> int:
    """tcpreplay FILES into the far end; returns the frames it sent."""
    out = run("ip", "netns", "exec", NS_FAR, "tcpreplay", "-i", IF_FAR, *rate, *files, check=False)
    text = out.stdout + out.stderr
    sent = re.search(r"Successful packets:\s+(\d+)", text)
    if out.returncode != 0 or sent is None:
        raise RuntimeError(f"tcpreplay failed (exit {out.returncode}): {text.strip()}")
    failed = re.search(r"Failed packets:\s+(\d+)", text)
    if failed and int(failed.group(1)) != 0:
        print(f"note: tcpreplay could not send {failed.group(1)} frames (not counted as sent)")
    rated = re.search(r"Rated: .*", text)
    print(f"  tcpreplay {' '.join(rate)}: {sent.group(1)} frames sent; {rated.group(0) if rated else ''}")
    return int(sent.group(1))


def live_session(normwatch: str, files: list, rate: list, workers: int, extra: list, events: str = "",
                 stop_during_replay: bool = False) -> dict:
    """One `normwatch live` on the sensor's end while tcpreplay sends FILES. Returns the summary,
    the frames sent, the veth drops during the session and the events (if `events`)."""
    cmd = ["ip", "netns", "exec", NS_SENSOR, normwatch, "live", "-i", IF_SENSOR, "--json", "--user", "root",
           "--workers", str(workers), "--duration", "120"] + extra
    if events:
        cmd += ["--events", events]
    drops_before = veth_drops()
    # `ip netns exec` execs the command: the child's pid is the sensor's (SIGSTOP/SIGINT reach it).
    sensor = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        err = StderrReader(sensor.stderr)
        err.ready.wait(START_SECONDS)
        if not err.started:
            sensor.kill()
            sensor.wait()
            err.thread.join(5)
            if not_permitted(err.text()):
                raise Skip(f"capture on a veth is not permitted here ({err.text()})")
            raise RuntimeError(f"normwatch live did not start capturing: {err.text()}")
        time.sleep(0.3)
        if stop_during_replay:
            os.kill(sensor.pid, signal.SIGSTOP)
        try:
            sent = replay(files, rate)
        finally:
            if stop_during_replay:
                os.kill(sensor.pid, signal.SIGCONT)
        wait_idle(sensor.pid)
        sensor.send_signal(signal.SIGINT)
        sensor.wait(timeout=60)
        out = sensor.stdout.read()
        err.thread.join(5)
    finally:
        if sensor.poll() is None:
            sensor.kill()
            sensor.wait()
    if sensor.returncode != 0:
        raise RuntimeError(f"normwatch live exited {sensor.returncode}: {err.text()}")
    summary = json.loads(out.strip().splitlines()[-1])
    result = {"summary": summary, "sent": sent, "veth_drops": veth_drops() - drops_before, "events": []}
    if events:
        with open(events) as f:
            result["events"] = [json.loads(line) for line in f if line.strip()]
    return result


def reported_drops(summary: dict) -> int:
    c = summary.get("capture", {})
    return c.get("kernel_dropped", 0) + c.get("interface_dropped", 0) + sum(c.get("queue_dropped", []))


# --- the PDUs ------------------------------------------------------------------------------------

def endpoint(e: dict) -> str:
    ip = e["ip"]
    return f"[{ip}]:{e['port']}" if ":" in ip else f"{ip}:{e['port']}"


def frame_count(normwatch: str, path: str) -> int:
    return json.loads(run(normwatch, "replay", path, "--json", "--no-progress").stdout)["frames"]


def decode_keys(normwatch: str, files: list) -> list:
    """(proto, src, dst, frame, fields) of every PDU of FILES sent one after the other, from
    `normwatch decode` (frame numbers continue from one file to the next, as on the wire)."""
    keys, offset = [], 0
    for path in files:
        out = run(normwatch, "decode", path).stdout
        for line in out.splitlines():
            d = json.loads(line)
            fields = {k: v for k, v in d.items() if k not in ("proto", "src", "dst", "frame", "ts", "v")}
            keys.append((d["proto"], d["src"], d["dst"], d["frame"] + offset, json.dumps(fields, sort_keys=True)))
        offset += frame_count(normwatch, path)
    return keys


def event_keys(events: list) -> list:
    return [(e["network"]["protocol"], endpoint(e["source"]), endpoint(e["destination"]), e["evidence"]["frames"][0],
             json.dumps(e["pdu"], sort_keys=True)) for e in events if e.get("rule", {}).get("id") in RULE_IDS]


def compare_pdus(checks: Checks, label: str, expected: list, got: list):
    without_frame = lambda keys: Counter((p, s, d, f) for p, s, d, _, f in keys)  # noqa: E731
    want, have = without_frame(expected), without_frame(got)
    missing, extra = want - have, have - want
    checks.check(not missing and not extra,
                 f"{label}: {sum(missing.values())} PDUs of the decode not decoded live, {sum(extra.values())} "
                 f"decoded live that the decode lacks (first missing: {next(iter(missing), None)}; "
                 f"first extra: {next(iter(extra), None)})")
    mismatched = [(w, g) for w, g in zip(sorted(expected, key=lambda k: k[3]), sorted(got, key=lambda k: k[3]))
                  if w != g]
    checks.check(len(expected) == len(got) and not mismatched,
                 f"{label}: PDUs at other frame numbers than in the decode (first: {mismatched[:1]})")


# --- the runs ------------------------------------------------------------------------------------

def main_run(checks: Checks, normwatch: str, files: list, expected: list, frames: int, pps: int, workers: int,
             scratch: str):
    label = f"--workers {workers} at {pps} pps"
    print(f"{label}:")
    # --snaplen: in immediate mode libpcap gives every frame a snaplen-sized ring slot, so with
    # 65535 (the default until live-load showed this) the 64 MiB ring held about 1,000 frames and a
    # loaded CI machine pausing the sensor for a fifth of a second dropped some; with 2048 (now the
    # default; frames here are at most 346 bytes) it holds the whole replay, and "no drops" tests
    # the sensor, not the scheduler. Given explicitly so that the test does not depend on the default.
    r = live_session(normwatch, files, ["--pps", str(pps)], workers,
                     ["--snaplen", str(MAIN_SNAPLEN), "--rules", os.path.join(HERE, "every-pdu")],
                     events=os.path.join(scratch, f"events-w{workers}.jsonl"))
    s = r["summary"]
    print(f"  sensor: {s['frames']} frames, capture {s['capture']}, pdus {s['pdus']}; veth drops {r['veth_drops']}")
    drops = check_accounting(checks, label, r, frames)
    checks.check(drops == 0 and r["veth_drops"] == 0,
                 f"{label}: {drops} frames dropped by the sensor, {r['veth_drops']} by the veth at a modest rate")
    got = event_keys(r["events"])
    compare_pdus(checks, label, expected, got)
    want_counts = dict(Counter(k[0] for k in expected))
    checks.check(s.get("pdus") == want_counts, f"{label}: summary pdus {s.get('pdus')}, decode {want_counts}")


def check_accounting(checks: Checks, label: str, r: dict, frames: int) -> int:
    """Every frame sent is seen or reported dropped (by the sensor, or by the veth itself);
    returns the sensor's reported drops."""
    s, sent = r["summary"], r["sent"]
    drops = reported_drops(s)
    checks.check(sent == frames, f"{label}: tcpreplay sent {sent} of the {frames} frames")
    checks.check(s["capture"].get("kernel_received") == sent - r["veth_drops"],
                 f"{label}: libpcap says {s['capture'].get('kernel_received')} frames reached the socket, {sent} sent")
    checks.check(s["frames"] + drops == sent - r["veth_drops"],
                 f"{label}: {s['frames']} frames seen + {drops} reported drops != {sent} sent"
                 + (f" - {r['veth_drops']} dropped by the veth" if r["veth_drops"] else ""))
    return drops


def drop_run(checks: Checks, normwatch: str, files: list, frames: int, stop: bool):
    label = "stopped sensor, 1 MiB buffer, top speed" if stop else "1 MiB buffer, top speed"
    print(f"{label} (--workers 2):")
    r = live_session(normwatch, files, ["--topspeed"], 2, ["--buffer-mib", "1"], stop_during_replay=stop)
    s = r["summary"]
    print(f"  sensor: {s['frames']} frames, capture {s['capture']}; veth drops {r['veth_drops']}")
    drops = check_accounting(checks, label, r, frames)
    if stop:
        checks.check(drops > 0, f"{label}: a stopped sensor with a 1 MiB ring reported no drops")
    elif drops == 0:
        print("  note: no drops at top speed on this machine; the sum held trivially")


HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("normwatch")
    parser.add_argument("capgen")
    parser.add_argument("source_dir")
    parser.add_argument("--pps", type=int, default=5000, help="rate of the main runs (frames/s)")
    parser.add_argument("--frames", type=int, default=10000, help="frames of the plant-mix capture")
    args = parser.parse_args()
    normwatch = os.path.abspath(args.normwatch)
    demo = os.path.join(args.source_dir, "captures", "demo", "plant-demo.pcap")
    # SIGTERM (a killed ctest, Ctrl-C's cousin) unwinds through the `finally` that tears down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    scratch = tempfile.mkdtemp(prefix="normwatch-live-load-")
    checks = Checks()
    try:
        try:
            setup()
        except Skip as why:
            print(f"SKIP: {why}")
            return SKIP
        mix = os.path.join(scratch, "plant-mix.pcap")
        run(args.capgen, "bench-mixed", "-o", mix, "--frames", str(args.frames), "--flows", "96")
        files = [demo, mix]
        expected = decode_keys(normwatch, files)
        mix_frames = frame_count(normwatch, mix)
        frames = frame_count(normwatch, demo) + mix_frames
        print(f"{frames} frames, {len(expected)} PDUs in {', '.join(os.path.basename(f) for f in files)}")
        for workers in (1, 2):
            main_run(checks, normwatch, files, expected, frames, args.pps, workers, scratch)
        drop_run(checks, normwatch, [mix], mix_frames, stop=True)
        drop_run(checks, normwatch, [mix], mix_frames, stop=False)
    except Skip as why:
        print(f"SKIP: {why}")
        return SKIP
    except (OSError, RuntimeError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        detail = getattr(e, "stderr", None)
        print(f"FAIL: {e}" + (f": {detail.strip()}" if detail else ""))
        checks.failed += 1
    finally:
        teardown()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())

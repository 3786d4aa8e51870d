#!/usr/bin/env python3
"""Live Modbus with real peers (issue 3 item 6). While `normwatch live -i lo` captures, a real
libmodbus client and server (modbus-live-peers) run a known script on 127.0.0.1, and a libpcap
recorder (modbus-live-record) writes the same traffic to a pcap file. Then:
  - `normwatch decode` of that file must give the script's PDUs one for one, in order: transaction
    id (as the server received it), unit id, function code, direction and sender/receiver ports,
    exception code, addr/qty/waddr/wqty/sub (responses carry their request's: that checks the
    pairing), and a `malformed` reason exactly where the script sends an out-of-spec request;
  - `normwatch live`'s summary must count the same number of Modbus PDUs, on one Modbus flow,
    with exactly the Modbus anomalies the script provokes (unassigned_function for its scan of
    unassigned function codes, bad_quantity for its 126-register read): in particular no
    unanswered request and no unsolicited response.
Prints SKIP and exits 0 when this machine does not allow capture on lo.
usage: modbus_live_test.py NORMWATCH MODBUS_LIVE_PEERS MODBUS_LIVE_RECORD [--keep PCAP] [--port N]
  --keep PCAP  also copy the recorded capture there (captures/modbus/record.sh uses it)
  --port N     the server's port (default: the first free one from 15502)
"""
import argparse
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from itest import Checks  # noqa: E402

FIRST_PORT = 15502
START_SECONDS = 30.0        # for the sensor and the recorder to open lo (a sanitizer build is slow)
LIVE_BOUND_SECONDS = 90.0   # normwatch live --duration: a bound only, it is stopped with SIGINT
KEYS = ("tid", "unit", "fc", "response", "exception", "addr", "qty", "waddr", "wqty", "sub")


def free_port() -> int:
    for port in range(FIRST_PORT, FIRST_PORT + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit(f"FAIL: no free port in {FIRST_PORT}..{FIRST_PORT + 99}")


def not_permitted(text: str) -> bool:
    text = text.lower()
    return "permission" in text or "not permitted" in text


def read_line(proc, seconds: float, stream: str = "stdout") -> str:
    """The next line `proc` writes on `stream`, or '' when it exits or stays silent for `seconds`."""
    pipe = getattr(proc, stream)
    sel = selectors.DefaultSelector()
    sel.register(pipe, selectors.EVENT_READ)
    if not sel.select(timeout=seconds):
        return ""
    return pipe.readline().strip()


def compare_pdus(checks: Checks, expected: list, decoded: list, port: int):
    checks.check(len(decoded) == len(expected),
                 f"normwatch decode gave {len(decoded)} Modbus PDUs, the script made {len(expected)}")
    # One connection: the client's end is the sender of the first request.
    server_end = f"127.0.0.1:{port}"
    client_end = decoded[0].get("src") if decoded else None
    checks.check(client_end not in (None, server_end), f"client endpoint {client_end}")
    for i, (want, got) in enumerate(zip(expected, decoded)):
        where = f"PDU {i + 1} ({want['step']}, {'response' if want['response'] else 'request'})"
        diffs = [f"{k}: want {want.get(k)} got {got.get(k)}" for k in KEYS if want.get(k) != got.get(k)]
        if want.get("malformed", False) != ("malformed" in got):
            diffs.append(f"malformed: want {want.get('malformed', False)} got {got.get('malformed')}")
        sender, receiver = (server_end, client_end) if want["response"] else (client_end, server_end)
        if (got.get("src"), got.get("dst")) != (sender, receiver):
            diffs.append(f"endpoints {got.get('src')} -> {got.get('dst')}, want {sender} -> {receiver}")
        checks.check(not diffs, f"{where}: " + "; ".join(diffs))


def main() -> int:
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("normwatch")
    parser.add_argument("peers")
    parser.add_argument("recorder")
    parser.add_argument("--keep")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    normwatch, peers, recorder, keep = args.normwatch, args.peers, args.recorder, args.keep
    port = args.port or free_port()
    bpf = f"tcp port {port}"
    scratch = tempfile.mkdtemp(prefix="normwatch-modbus-live-")
    pcap_path = os.path.join(scratch, "modbus-live.pcap")
    procs = []
    try:
        # --duration only bounds the run: the sensor is stopped with SIGINT once the script is done.
        sensor = subprocess.Popen([normwatch, "live", "-i", "lo", "--filter", bpf, "--duration", str(LIVE_BOUND_SECONDS),
                                   "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(sensor)
        started = read_line(sensor, START_SECONDS, stream="stderr")
        if "capturing on" not in started:
            sensor.kill()
            _, err = sensor.communicate(timeout=30)
            err = (started + "\n" + err).strip()
            if not_permitted(err):
                print(f"SKIP: capture on lo is not permitted here ({err})")
                return 0
            print(f"FAIL: normwatch live did not start capturing: {err}")
            return 1
        rec = subprocess.Popen([recorder, "lo", bpf, pcap_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        procs.append(rec)
        if read_line(rec, START_SECONDS) != "recording":
            rec.kill()
            _, err = rec.communicate(timeout=30)
            if rec.returncode == 77 or not_permitted(err):
                print(f"SKIP: capture on lo is not permitted here ({err.strip()})")
                return 0
            print(f"FAIL: the recorder did not start: {err.strip()}")
            return 1

        script = subprocess.run([peers, str(port)], capture_output=True, text=True, timeout=60)
        sys.stderr.write(script.stderr)
        time.sleep(1.0)  # the last FIN/ACK reach both captures (both deliver frames at once)
        rec.send_signal(signal.SIGTERM)
        rec_out, rec_err = rec.communicate(timeout=30)
        sys.stderr.write(rec_err)
        sensor.send_signal(signal.SIGINT)
        live_out, live_err = sensor.communicate(timeout=60)
        if script.returncode != 0:
            print(f"FAIL: the libmodbus peers did not complete the script (exit {script.returncode})")
            print("0 passed, 1 failed")
            return 1
        expected = [json.loads(line) for line in script.stdout.splitlines() if line.strip()]
        if keep:
            shutil.copyfile(pcap_path, keep)

        checks = Checks()
        # Frames the kernel dropped before the recorder or the sensor read them are not normwatch's
        # doing: say so plainly (a machine too loaded to keep up), as well as failing.
        rec_dropped = int(rec_out.split()[-1]) if rec_out.strip().startswith("written") else -1
        checks.check(rec_dropped == 0, f"the recorder's capture dropped {rec_dropped} frames (kernel ring overrun)")
        decode = subprocess.run([normwatch, "decode", pcap_path], capture_output=True, text=True, timeout=60)
        checks.check(decode.returncode == 0, f"normwatch decode exited {decode.returncode}: {decode.stderr.strip()}")
        decoded = [json.loads(line) for line in decode.stdout.splitlines() if line.strip()]
        checks.check(all(d.get("proto") == "modbus" for d in decoded), "a non-Modbus PDU in the decode")
        decoded = [d for d in decoded if d.get("proto") == "modbus"]
        compare_pdus(checks, expected, decoded, port)

        checks.check(sensor.returncode == 0, f"normwatch live exited {sensor.returncode}: {live_err.strip()}")
        summary = json.loads(live_out.strip().splitlines()[-1]) if live_out.strip() else {}
        live_drops = summary.get("capture", {}).get("kernel_dropped", 0) + summary.get("capture", {}).get(
            "interface_dropped", 0)
        checks.check(live_drops == 0, f"normwatch live: the kernel dropped {live_drops} frames")
        live_pdus = summary.get("pdus", {}).get("modbus", 0)
        checks.check(live_pdus == len(expected),
                     f"normwatch live counted {live_pdus} Modbus PDUs, the script made {len(expected)}")
        checks.check(summary.get("flows_by_app", {}).get("modbus") == 1,
                     f"normwatch live: flows_by_app {summary.get('flows_by_app')} (want one modbus flow)")
        anomalies = {k: v for k, v in summary.get("anomalies", {}).items() if k.startswith("modbus.")}
        provoked = dict(Counter(e["anomaly"] for e in expected if "anomaly" in e))
        checks.check(anomalies == provoked, f"normwatch live: Modbus anomalies {anomalies}, want {provoked}")
        print(f"{len(expected)} Modbus PDUs in the script; normwatch decode {len(decoded)}, normwatch live {live_pdus}")
        print(f"{checks.passed} passed, {checks.failed} failed")
        return 1 if checks.failed else 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

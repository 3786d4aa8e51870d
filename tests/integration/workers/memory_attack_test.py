#!/usr/bin/env python3
"""Memory under attack (issue 9 §6): a SYN sweep of many distinct flows and a stream of endless
out-of-order segments, each with a Modbus/TCP poll in the middle, replayed with small caps.

usage: memory_attack_test.py NORMWATCH CAPGEN RSS_LIMIT_MIB [SWEEP_FLOWS [OOO_FRAMES]]

Checks from the --json summary that evictions and cap hits were counted, that the caps held
(peak active flows <= --max-flows, peak buffered bytes <= the stream cap), that every Modbus ADU of
the poll was still decoded, and (RSS_LIMIT_MIB > 0; 0 under sanitizers) that the peak RSS of the
runs stayed under the limit. Runs with --workers 1 and 2. The CI sizes are small (200,000 flows,
100,000 segments); `memory_attack_test.py NORMWATCH CAPGEN 128 1000000 1000000` is the full size.
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

MAX_FLOWS = 10000
STREAM_CAP_KIB = 64
GLOBAL_CAP_MIB = 1


def generate(capgen, scenario, path, option, value):
    proc = subprocess.run([capgen, scenario, "-o", path, option, str(value)], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        raise SystemExit(f"FAIL: capgen {scenario}: {proc.stderr}")
    m = re.search(r"modbus_adus=(\d+)", proc.stderr)
    return int(m.group(1))


def replay(normwatch, path, workers, extra):
    proc = subprocess.run([normwatch, "replay", path, "--json", "--no-progress", "--workers", str(workers)] + extra,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise SystemExit(f"FAIL: replay {path} --workers {workers}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    # The largest peak RSS of any child so far (capgen included): an upper bound for this run's.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(proc.stdout), peak_kib


def main():
    normwatch, capgen, rss_limit_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sweep_flows = int(sys.argv[4]) if len(sys.argv) > 4 else 200_000
    ooo_frames = int(sys.argv[5]) if len(sys.argv) > 5 else 100_000
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
        print(("ok   " if cond else "FAIL ") + what)

    with tempfile.TemporaryDirectory() as tmp:
        sweep = os.path.join(tmp, "sweep.pcap")
        ooo = os.path.join(tmp, "ooo.pcap")
        sweep_adus = generate(capgen, "attack-syn-sweep", sweep, "--flows", sweep_flows)
        ooo_adus = generate(capgen, "attack-ooo-stream", ooo, "--frames", ooo_frames)
        caps = ["--max-flows", str(MAX_FLOWS), "--stream-cap-kib", str(STREAM_CAP_KIB),
                "--reassembly-cap-mib", str(GLOBAL_CAP_MIB)]
        for workers in (1, 2):
            s, rss = replay(normwatch, sweep, workers, caps)
            tag = f"syn sweep ({sweep_flows} flows, --workers {workers})"
            check(s["flows"]["created"] >= sweep_flows, f"{tag}: {s['flows']['created']} flows created")
            check(s["flows"]["evicted"] + s["flows"]["expired"] >= sweep_flows - MAX_FLOWS,
                  f"{tag}: {s['flows']['evicted']} evicted + {s['flows']['expired']} expired")
            check(s["flows"]["evicted"] > 0, f"{tag}: evictions counted")
            check(s["flows"]["peak_active"] <= MAX_FLOWS + workers, f"{tag}: peak {s['flows']['peak_active']} flows")
            check(s["pdus"].get("modbus", 0) == sweep_adus,
                  f"{tag}: Modbus poll decoded {s['pdus'].get('modbus', 0)} of {sweep_adus} ADUs")
            if rss_limit_mib > 0:
                check(rss <= rss_limit_mib * 1024, f"{tag}: peak RSS {rss // 1024} MiB <= {rss_limit_mib} MiB")

            s, rss = replay(normwatch, ooo, workers, caps)
            tag = f"out-of-order stream ({ooo_frames} frames, --workers {workers})"
            cap_hits = s["anomalies"].get("stream.stream_cap_reached", 0) + s["anomalies"].get(
                "stream.global_cap_reached", 0)
            check(cap_hits > 0, f"{tag}: {cap_hits} cap hits counted")
            check(s["reassembly"]["peak_buffered_bytes"] <= STREAM_CAP_KIB * 1024 * workers,
                  f"{tag}: peak buffered {s['reassembly']['peak_buffered_bytes']} bytes")
            check(s["reassembly"]["gaps"] > 0, f"{tag}: {s['reassembly']['gaps']} gaps reported")
            check(s["pdus"].get("modbus", 0) == ooo_adus,
                  f"{tag}: Modbus poll decoded {s['pdus'].get('modbus', 0)} of {ooo_adus} ADUs")
            if rss_limit_mib > 0:
                check(rss <= rss_limit_mib * 1024, f"{tag}: peak RSS {rss // 1024} MiB <= {rss_limit_mib} MiB")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

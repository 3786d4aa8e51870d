#!/usr/bin/env python3
"""--workers N gives the same output as --workers 1 (issue 9 §1).

usage: workers_equivalence_test.py NORMWATCH SOURCE_DIR SHARED_CAPTURES_DIR

For every capture in SOURCE_DIR/captures and a selection from SHARED_CAPTURES_DIR (skipped with a
note when that folder is absent): `decode` lines, and `replay --json` with the default rule pack
(plus the test policy for the project's rule captures) as events and summary, compared between
--workers 1 and --workers 2/3. Decode lines and events are compared as sorted sets (the flows
still open at the end of the capture are ended shard by shard); summary counters must be equal,
except wall time and the peaks (summed over shards, an upper bound).
"""
import json
import os
import subprocess
import sys
import tempfile

# From ../shared/captures/manifest.tsv: modest sizes, every protocol, a scan (characterization).
SHARED = [
    "ITI__ICS-Security-Tools/pcaps__ModbusTCP__modbus_test_data_part2.pcap",
    "ITI__ICS-Security-Tools/pcaps__dnp3__dnp3_test_data_part1.pcap",
    "OISF__suricata-verify/tests__dnp3__dnp3-eve__input.pcap",
    "OISF__suricata-verify/tests__modbus__modbus.pcap",
    "antoine-lemay__Modbus_dataset/characterization_modbus_6RTU_with_operate.pcap",
    "antoine-lemay__Modbus_dataset/CnC_uploading_exe_modbus_6RTU_with_operate.pcap",
]
SUMMARY_IGNORED = {"wall_seconds", "packets_per_second", "peak_active", "peak_buffered_bytes", "workers",
                   "queue_dropped", "source"}


def run(cmd):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if proc.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return proc.stdout


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in SUMMARY_IGNORED}
    return obj


def shared_list(shared_dir):
    manifest = os.path.join(shared_dir, "manifest.tsv")
    if not os.path.isfile(manifest):
        return []
    return [os.path.join(shared_dir, p) for p in SHARED if os.path.isfile(os.path.join(shared_dir, p))]


def main():
    normwatch, source, shared = sys.argv[1:4]
    captures = []
    for root, _, files in os.walk(os.path.join(source, "captures")):
        captures += [os.path.join(root, f) for f in files if f.endswith((".pcap", ".pcapng"))]
    captures.sort()
    extra = shared_list(shared)
    if not extra:
        print(f"note: {shared} absent: checking the project's captures only")
    captures += extra
    policy = os.path.join(source, "captures", "rules", "rules-policy.yaml")
    rules = os.path.join(source, "rules")
    failures = 0
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for cap in captures:
            name = os.path.relpath(cap, os.path.dirname(cap.rstrip("/")) + "/..")
            base_decode = sorted(run([normwatch, "decode", cap, "--workers", "1"]).splitlines())
            args = ["--rules", rules]
            if "/captures/rules/" in cap and os.path.isfile(policy):
                args += ["--policy", policy]
            results = {}
            for n in (1, 2, 3):
                events = os.path.join(tmp, f"events-{n}.jsonl")
                summary = json.loads(run([normwatch, "replay", cap, "--json", "--no-progress", "--workers", str(n),
                                          "--events", events, "--sensor-id", "workers-test"] + args))
                with open(events) as f:
                    results[n] = (strip(summary), sorted(f.read().splitlines()))
                if n > 1:
                    decoded = sorted(run([normwatch, "decode", cap, "--workers", str(n)]).splitlines())
                    if decoded != base_decode:
                        failures += 1
                        print(f"FAIL {name}: decode --workers {n}: {len(decoded)} lines vs {len(base_decode)}")
                    if results[n][0] != results[1][0]:
                        failures += 1
                        print(f"FAIL {name}: summary --workers {n} differs:\n  1: {results[1][0]}\n  {n}: {results[n][0]}")
                    if results[n][1] != results[1][1]:
                        failures += 1
                        print(f"FAIL {name}: events --workers {n}: {len(results[n][1])} vs {len(results[1][1])}")
                        for line in sorted(set(results[n][1]) ^ set(results[1][1]))[:5]:
                            print("  differs:", line[:300])
            checked += 1
            print(f"ok {name}: {len(base_decode)} decode lines, {len(results[1][1])} events, "
                  f"{results[1][0].get('frames')} frames")
    print(f"{checked} captures checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

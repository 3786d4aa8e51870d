#!/usr/bin/env python3
"""Runs `normwatch decode` (the whole pipeline: decode, flows, reassembly, all three parsers) over
every capture in shared/captures and fails on a crash, a non-zero exit or any sanitizer report.
In the ASan+UBSan pass this is the "no crash, leak or undefined behaviour on every public capture"
check; it needs no tshark. Skips with a message when the shared captures are absent.
Usage: replay_all_shared.py NORMWATCH SHARED_CAPTURES_DIR"""
import os
import subprocess
import sys


def main() -> int:
    normwatch, shared = sys.argv[1], sys.argv[2]
    if not os.path.isdir(shared):
        print(f"SKIP: {shared} is absent (the shared public captures are not on this machine)")
        return 0
    files = sorted(os.path.join(root, n) for root, _, names in os.walk(shared)
                   for n in names if n.endswith((".pcap", ".pcapng")))
    failed = 0
    for path in files:
        extra = ["--ignore-tcp-seq"] if "Threat-Scenario-Generator" in path else []
        proc = subprocess.run([normwatch, "decode", "-o", os.devnull, path] + extra, capture_output=True,
                              text=True, timeout=1800)
        sanitizer = "Sanitizer" in proc.stderr or "runtime error:" in proc.stderr
        if proc.returncode != 0 or sanitizer:
            failed += 1
            print(f"FAIL {os.path.relpath(path, shared)}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

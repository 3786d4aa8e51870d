#!/usr/bin/env python3
"""Bad input gets one clear line on stderr and a non-zero exit, never a crash or a hang:
a missing file, a file that is not a capture, an empty file, a capture cut short in the middle of a
packet (every complete packet before the cut is still processed), an unsupported link type, a
missing interface, a bad option. Usage: cli_bad_input_test.py NORMWATCH SOURCE_DIR"""
import json
import os
import struct
import subprocess
import sys
import tempfile

failures = 0


def run(args, timeout=60):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def check(name, ok, detail=""):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures += 1


def one_clear_line(proc, *words):
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    text = proc.stderr.lower()
    return (proc.returncode == 1 and len(lines) == 1 and lines[0].startswith("normwatch: ")
            and all(w.lower() in text for w in words))


def pcap_header(linktype):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)


def main():
    normwatch, source = sys.argv[1], sys.argv[2]
    demo = os.path.join(source, "captures", "demo", "plant-demo.pcap")
    with tempfile.TemporaryDirectory() as tmp:
        p = run([normwatch, "replay", os.path.join(tmp, "missing.pcap")])
        check("missing file", one_clear_line(p, "missing.pcap", "no such file"), p.stderr)

        text = os.path.join(tmp, "notes.txt")
        with open(text, "w") as f:
            f.write("this is not a capture file at all\n" * 4)
        p = run([normwatch, "replay", text])
        check("not a capture", one_clear_line(p, "notes.txt", "not a pcap"), p.stderr)

        empty = os.path.join(tmp, "empty.pcap")
        open(empty, "w").close()
        p = run([normwatch, "replay", empty])
        check("empty file", one_clear_line(p, "empty.pcap", "empty"), p.stderr)

        wifi = os.path.join(tmp, "wifi.pcap")
        with open(wifi, "wb") as f:
            f.write(pcap_header(105) + struct.pack("<IIII", 0, 0, 4, 4) + b"\0\0\0\0")
        p = run([normwatch, "replay", wifi])
        check("unsupported link type", one_clear_line(p, "link type 105"), p.stderr)

        with open(demo, "rb") as f:
            data = f.read()
        whole = json.loads(run([normwatch, "replay", "--json", demo]).stdout)
        cut = os.path.join(tmp, "cut.pcap")
        with open(cut, "wb") as f:
            f.write(data[: len(data) // 2])
        p = run([normwatch, "replay", "--json", cut])
        partial = json.loads(p.stdout) if p.stdout.strip() else {}
        check("truncated capture: exit 1, one line naming the frame",
              one_clear_line(p, "truncated", "frame"), p.stderr)
        check("truncated capture: frames before the cut are processed",
              0 < partial.get("frames", 0) < whole["frames"] and "error" in partial, p.stdout[:200])

        p = run([normwatch, "live", "-i", "nw-no-such-if0", "--duration", "1"])
        check("missing interface", one_clear_line(p, "nw-no-such-if0"), p.stderr)

        p = run([normwatch, "replay"])
        check("missing argument is a usage error (exit 2)", p.returncode == 2, p.stderr)
        p = run([normwatch, "--version"])
        check("--version names the git revision", p.returncode == 0 and "git" in p.stdout, p.stdout)
        p = run([normwatch, "replay", "--help"])
        check("replay --help", p.returncode == 0 and "CAPTURE" in p.stdout, p.stdout[:200])

    total = 9 + 1
    print(f"{total - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""What the Python integration tests share: a check that prints ok/FAIL and collects failures,
running a command with a timeout, a free loopback port, and re-summing an exported bundle the way
a forger would. Import it with tests/integration on sys.path (see the top of each test).
"""
import hashlib
import os
import socket
import subprocess

failures = []


def check(cond, what):
    """Prints the outcome of one check; a failed one is kept in `failures` for the exit status."""
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, timeout=120, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resum(bundle):
    """What a forger would do: recompute an exported bundle's SHA256SUMS after editing it, so that
    it is the chain and the signatures that must catch the edit."""
    lines = []
    for root, _, files in os.walk(bundle):
        for f in sorted(files):
            rel = os.path.relpath(os.path.join(root, f), bundle)
            if rel == "SHA256SUMS":
                continue
            with open(os.path.join(bundle, rel), "rb") as fh:
                lines.append(f"{hashlib.sha256(fh.read()).hexdigest()}  {rel}\n")
    with open(os.path.join(bundle, "SHA256SUMS"), "w") as fh:
        fh.writelines(sorted(lines, key=lambda l: l[66:]))


class Checks:
    """Counts passed and failed checks, printing each failure (for tests that report a tally)."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)

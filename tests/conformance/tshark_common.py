"""Shared plumbing for the per-protocol conformance scripts (normwatch decode vs tshark).

Each script (modbus_vs_tshark.py, dnp3_vs_tshark.py, iec104_vs_tshark.py) lists the capture files
of its protocol from shared/captures/manifest.tsv, runs `normwatch decode` and tshark on each, and
compares PDU by PDU keyed on frame number. This module does the running and the reporting.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict


def skip_reason(shared: str):
    if not os.path.isdir(shared):
        return f"{shared} is absent (the shared public captures are not on this machine)"
    if shutil.which("tshark") is None:
        return "tshark is not installed (deploy/install-deps.sh installs it)"
    return None


def manifest_rows(shared: str):
    """Rows of manifest.tsv as dicts; 'path' is the absolute capture path."""
    with open(os.path.join(shared, "manifest.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            row["path"] = os.path.join(shared, row["file"])
            yield row


def tshark_fields(path: str, display_filter: str, fields: list, extra_opts: list = ()) -> list:
    """One dict per frame matching the filter: field name -> list of occurrence strings."""
    cmd = ["tshark", "-n", "-r", path, "-Y", display_filter, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=|"] + list(extra_opts)
    for name in ["frame.number"] + fields:
        cmd += ["-e", name]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout
    rows = []
    for line in out.splitlines():
        cells = line.split("\t")
        row = {"frame.number": int(cells[0])}
        for name, cell in zip(fields, cells[1:]):
            row[name] = cell.split("|") if cell else []
        rows.append(row)
    return rows


def tshark_opts(row: dict) -> list:
    """The manifest's tshark_opts column, split into arguments."""
    opts = row.get("tshark_opts", "").strip()
    return opts.split() if opts else []


def normwatch_decode(normwatch: str, path: str, proto: str, extra_args: list = ()) -> dict:
    """frame number -> list of decode lines (dicts) of `proto`; extra_args go to `normwatch decode`
    (e.g. --ignore-tcp-seq)."""
    proc = subprocess.run([normwatch, "decode"] + list(extra_args) + [path], capture_output=True, text=True,
                          timeout=1800)
    by_frame = defaultdict(list)
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        if d.get("proto") == proto:
            by_frame[d["frame"]].append(d)
    return by_frame


class Tally:
    """Agreement per file and in total; disagreements are listed so each can be explained."""

    def __init__(self):
        self.rows = []
        self.total = 0
        self.agree = 0
        self.disagreements = []

    def add(self, name: str, total: int, agree: int, notes: list):
        self.rows.append((name, total, agree))
        self.total += total
        self.agree += agree
        self.disagreements += [f"{name}: {n}" for n in notes]

    def report(self, threshold: float, explained: dict) -> int:
        print(f"{'file':<88} {'tshark':>7} {'agree':>7} {'rate':>7}")
        for name, total, agree in self.rows:
            rate = 100.0 * agree / total if total else 100.0
            print(f"{name:<88} {total:>7} {agree:>7} {rate:>6.2f}%")
        rate = 100.0 * self.agree / self.total if self.total else 100.0
        print(f"{'TOTAL':<88} {self.total:>7} {self.agree:>7} {rate:>6.2f}%")
        unexplained = []
        for d in self.disagreements:
            key = next((k for k in explained if k in d), None)
            if key is None:
                unexplained.append(d)
        if self.disagreements:
            print("\ndisagreements:")
            for d in self.disagreements[:200]:
                key = next((k for k in explained if k in d), None)
                print(f"  {d}" + (f"   [explained: {explained[key]}]" if key else ""))
            if len(self.disagreements) > 200:
                print(f"  ... {len(self.disagreements) - 200} more")
        ok = rate >= threshold and not unexplained
        print(f"\n{1 if ok else 0} passed, {0 if ok else 1} failed "
              f"(agreement {rate:.2f}% vs required {threshold}%, {len(unexplained)} unexplained)")
        return 0 if ok else 1


def main_guard(shared: str) -> bool:
    reason = skip_reason(shared)
    if reason:
        print(f"SKIP: {reason}")
        return False
    return True

#!/usr/bin/env python3
"""Golden tests: capture in, JSON lines out, diffed against a committed baseline.

Each case is a folder tests/golden/<case>/ holding
  args           the normwatch arguments, one per line; {source} is the source tree
  expected.jsonl the committed baseline
Run one case:    run_golden.py NORMWATCH SOURCE_DIR CASE
Regenerate all:  run_golden.py NORMWATCH SOURCE_DIR --update   (then review the diff in git)
Keys that measure the machine rather than the capture (wall time, rates, library versions) are
removed before comparing, so baselines are deterministic.
"""
import difflib
import json
import os
import subprocess
import sys

VOLATILE_KEYS = {"wall_seconds", "packets_per_second", "ndpi"}


def normalise(line: str, source: str) -> str:
    # Paths of the source tree differ between checkouts: baselines say {source}.
    line = line.rstrip("\n").replace(os.path.abspath(source), "{source}")
    try:
        obj = json.loads(line)
    except ValueError:
        return line
    if isinstance(obj, dict):
        for key in VOLATILE_KEYS:
            obj.pop(key, None)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def run_case(normwatch: str, source: str, case_dir: str) -> list:
    with open(os.path.join(case_dir, "args")) as f:
        args = [a.strip().replace("{source}", os.path.abspath(source)) for a in f
                if a.strip() and not a.startswith("#")]
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    proc = subprocess.run([normwatch] + args, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{os.path.basename(case_dir)}: normwatch exited {proc.returncode}")
    return [normalise(l, source) + "\n" for l in proc.stdout.splitlines()]


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    normwatch, source, which = sys.argv[1:]
    golden = os.path.join(source, "tests", "golden")
    if which == "--update":
        for case in sorted(os.listdir(golden)):
            case_dir = os.path.join(golden, case)
            if os.path.isfile(os.path.join(case_dir, "args")):
                with open(os.path.join(case_dir, "expected.jsonl"), "w") as f:
                    f.writelines(run_case(normwatch, source, case_dir))
                print(f"updated {case}")
        return 0
    case_dir = os.path.join(golden, which)
    actual = run_case(normwatch, source, case_dir)
    with open(os.path.join(case_dir, "expected.jsonl")) as f:
        expected = f.readlines()
    if actual == expected:
        print(f"{which}: {len(actual)} lines match the baseline")
        return 0
    sys.stdout.writelines(difflib.unified_diff(expected, actual, "expected.jsonl", "actual", n=1))
    print(f"\n{which}: output differs from the baseline (regenerate with --update if the change is intended)")
    return 1


if __name__ == "__main__":
    sys.exit(main())

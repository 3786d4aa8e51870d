#!/usr/bin/env bash
# Rule engine benchmark (issue 6 item 7): `normwatch replay` of a mixed ICS capture (Modbus/TCP,
# DNP3 and IEC 104 in equal parts, `normwatch-capgen bench-mixed`) with no rules, with the default
# rule pack alone, and with the pack and a 20-zone policy (policy-20-zones.yaml here), measured
# side by side in alternating rounds. Prints, for each, the median packets/s of the replay
# summary (wall clock of the capture loop, not start-up), and the median and best packets per CPU
# second (user + system time of the whole process, start-up included; the best run is the one
# least disturbed by other work on a shared machine), and their ratios to the run without rules;
# the target is >= 0.85 for the pack with the policy.
# Builds nothing: build normwatch and normwatch-capgen first (cmake --preset release && cmake
# --build --preset release).
#
# usage: tests/bench/rules/rules-bench.sh [BUILD_DIR] [--frames N] [--flows N] [--rounds N] [--work-dir DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$here/../../.."
build_dir="$source_dir/build/release"
frames=1000000
flows=3072
rounds=5
work_dir="${TMPDIR:-/tmp}/normwatch-bench"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --flows) flows="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*) echo "rules-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done

normwatch="$build_dir/normwatch"
capgen="$build_dir/normwatch-capgen"
for tool in "$normwatch" "$capgen"; do
  if [ ! -x "$tool" ]; then
    echo "rules-bench: $tool is missing; build it first (this script builds nothing)" >&2
    exit 1
  fi
done
rules="$source_dir/rules"
policy="$here/policy-20-zones.yaml"
"$normwatch" rules check "$rules" --policy "$policy" >/dev/null

mkdir -p "$work_dir"
capture="$work_dir/mixed-$frames-$flows.pcap"
if [ ! -s "$capture" ]; then
  "$capgen" bench-mixed -o "$capture.tmp" --frames "$frames" --flows "$flows" >&2
  mv "$capture.tmp" "$capture"
fi
scratch="$(mktemp -d "$work_dir/rules.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

json_number() {
  grep -o "\"$1\"[[:space:]]*:[[:space:]]*[0-9.eE+-]*" <<<"$2" | head -n1 | sed 's/.*:[[:space:]]*//' || true
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
best() { sort -g | tail -n1; }

# run LABEL ARGS...: one replay; appends its packets/s to $scratch/LABEL and its packets per CPU
# second to $scratch/LABEL.cpu.
run() {
  local label="$1"; shift
  local out frames cpu
  out="$(/usr/bin/time -f "%U %S" -o "$scratch/time" "$normwatch" replay "$capture" --json --no-progress "$@" \
         2>"$scratch/err")" || { echo "rules-bench: $label failed:" >&2; tail -n 5 "$scratch/err" >&2; exit 1; }
  out="$(grep '{' <<<"$out" | tail -n1)"
  json_number packets_per_second "$out" >>"$scratch/$label"
  frames="$(json_number frames "$out")"
  cpu="$(awk '{ print $1 + $2 }' "$scratch/time")"
  awk -v f="$frames" -v c="$cpu" 'BEGIN { printf "%.0f\n", (c > 0 ? f / c : 0) }' >>"$scratch/$label.cpu"
}

for ((r = 1; r <= rounds; r++)); do
  run none
  run pack --rules "$rules" --events /dev/null
  run policy --rules "$rules" --policy "$policy" --events /dev/null
  echo "round $r: packets/s none $(tail -n1 "$scratch/none"), pack $(tail -n1 "$scratch/pack"), pack+policy" \
       "$(tail -n1 "$scratch/policy"); per CPU second $(tail -n1 "$scratch/none.cpu"), $(tail -n1 "$scratch/pack.cpu")," \
       "$(tail -n1 "$scratch/policy.cpu")" >&2
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
echo
echo "rule engine benchmark: $capture, $rounds rounds alternating, build $build_dir, load average $(cut -d' ' -f1 /proc/loadavg)"
printf "%-40s %12s %7s %16s %7s %14s %7s\n" "" "median pps" "ratio" "median pps/CPU s" "ratio" "best pps/CPU s" "ratio"
for label in none pack policy; do
  case "$label" in
    none) name="replay, no rules" ;;
    pack) name="replay, default pack (no policy)" ;;
    policy) name="replay, default pack + 20-zone policy" ;;
  esac
  wall="$(median <"$scratch/$label")"
  cpu="$(median <"$scratch/$label.cpu")"
  top="$(best <"$scratch/$label.cpu")"
  printf "%-40s %12.0f %7s %16.0f %7s %14.0f %7s\n" "$name" "$wall" "$(ratio "$wall" "$(median <"$scratch/none")")" \
         "$cpu" "$(ratio "$cpu" "$(median <"$scratch/none.cpu")")" "$top" "$(ratio "$top" "$(best <"$scratch/none.cpu")")"
done

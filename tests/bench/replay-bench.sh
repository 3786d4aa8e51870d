#!/usr/bin/env bash
# Replay benchmark: `normwatch replay` against a bare libpcap read loop (pcap-bare-read) on the
# same synthetic capture, measured side by side in alternating rounds. Prints the median packets/s
# of each, the ratio normwatch/bare, and peak RSS. With --grow, it runs normwatch on 250k, 500k and
# 1M-frame captures and prints the peak RSS of each, to check that memory stays flat.
# Builds nothing and installs nothing: build normwatch, pcap-bare-read and normwatch-capgen first
# (cmake --preset release && cmake --build --preset release).
#
# usage: tests/bench/replay-bench.sh [BUILD_DIR] [--frames N] [--flows N] [--rounds N]
#                                    [--extra-args "..."] [--grow] [--work-dir DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=replay-bench
# shellcheck source=tests/bench/bench-lib.sh
. "$here/bench-lib.sh"
build_dir="$here/../../build/release"
frames=1000000
flows=4096
rounds=3
extra_args=""
grow=0
work_dir="${TMPDIR:-/tmp}/normwatch-bench"

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --flows) flows="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --extra-args) extra_args="$2"; shift 2 ;;
    --grow) grow=1; shift ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*) echo "replay-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done

normwatch="$build_dir/normwatch"
bare="$build_dir/pcap-bare-read"
capgen="$build_dir/normwatch-capgen"
bench_require_tools "$normwatch" "$bare" "$capgen"
mkdir -p "$work_dir"
scratch="$(mktemp -d "$work_dir/run.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

time_cmd=""
if [ -x /usr/bin/time ]; then time_cmd=/usr/bin/time; fi

# The capture for N frames (bench-lib.sh).
capture_for() { bench_polling_capture "$capgen" "$work_dir" "$1" "$flows"; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# run_one LABEL COMMAND...: runs once; sets run_pps, run_seconds, run_rss_kib, run_frames.
run_one() {
  local label="$1"; shift
  local out="$scratch/out" err="$scratch/err" rss="$scratch/rss" start end
  rm -f "$rss"
  start="$(now)"
  if [ -n "$time_cmd" ]; then
    "$time_cmd" -f %M -o "$rss" "$@" >"$out" 2>"$err" || { echo "replay-bench: $label failed:" >&2; tail -n 5 "$err" >&2; exit 1; }
  else
    "$@" >"$out" 2>"$err" || { echo "replay-bench: $label failed:" >&2; tail -n 5 "$err" >&2; exit 1; }
  fi
  end="$(now)"
  local json; json="$(grep '{' "$out" | tail -n1 || true)"
  run_frames="$(json_number frames "$json")"
  run_seconds="$(json_number wall_seconds "$json")"
  run_pps="$(json_number packets_per_second "$json")"
  run_source="json"
  if [ -z "$run_pps" ] || [ -z "$run_seconds" ]; then
    # No usable JSON: fall back to wall-clock time around the process and the capture's frame count.
    run_seconds="$(elapsed "$start" "$end")"
    run_frames="${run_frames:-$expected_frames}"
    run_pps="$(awk -v f="$run_frames" -v s="$run_seconds" 'BEGIN { printf "%.0f", (s > 0 ? f / s : 0) }')"
    run_source="wall clock"
  fi
  if [ -s "$rss" ]; then run_rss_kib="$(tail -n1 "$rss")"; else run_rss_kib="$(vmhwm_fallback)"; fi
}

# Without /usr/bin/time the peak RSS of a finished child is not visible from a shell: say so.
vmhwm_fallback() { echo "n/a"; }


# shellcheck disable=SC2206  # extra args are a list of words on purpose
normwatch_args=($extra_args)

if [ "$grow" = 1 ]; then
  printf "%-10s %14s %12s %10s\n" frames "pps" "seconds" "peak RSS MiB"
  for n in 250000 500000 1000000; do
    file="$(capture_for "$n")"
    expected_frames="$n"
    run_one "normwatch replay" "$normwatch" replay "$file" --json "${normwatch_args[@]}"
    printf "%-10s %14.0f %12.3f %10s\n" "$n" "$run_pps" "$run_seconds" "$(mib "$run_rss_kib")"
  done
  exit 0
fi

file="$(capture_for "$frames")"
expected_frames="$frames"
: >"$scratch/bare.pps"; : >"$scratch/bare.s"; : >"$scratch/bare.rss"
: >"$scratch/nw.pps"; : >"$scratch/nw.s"; : >"$scratch/nw.rss"
nw_source=""
for ((r = 1; r <= rounds; r++)); do
  run_one "pcap-bare-read" "$bare" "$file"
  echo "$run_pps" >>"$scratch/bare.pps"; echo "$run_seconds" >>"$scratch/bare.s"; echo "$run_rss_kib" >>"$scratch/bare.rss"
  bare_frames="$run_frames"
  run_one "normwatch replay" "$normwatch" replay "$file" --json "${normwatch_args[@]}"
  echo "$run_pps" >>"$scratch/nw.pps"; echo "$run_seconds" >>"$scratch/nw.s"; echo "$run_rss_kib" >>"$scratch/nw.rss"
  nw_source="$run_source"
  echo "round $r: bare $(tail -n1 "$scratch/bare.pps") pps, normwatch $run_pps pps ($run_source)" >&2
done

bare_pps="$(median <"$scratch/bare.pps")"
nw_pps="$(median <"$scratch/nw.pps")"
ratio="$(ratio "$nw_pps" "$bare_pps")"
echo
echo "replay benchmark: $file ($bare_frames frames, $flows flows), $rounds rounds alternating, build $build_dir"
[ -n "$extra_args" ] && echo "normwatch replay extra args: $extra_args"
printf "%-20s %14s %12s %14s\n" "" "median pps" "median s" "peak RSS MiB"
printf "%-20s %14.0f %12.3f %14s\n" "pcap-bare-read" "$bare_pps" "$(median <"$scratch/bare.s")" "$(mib "$(max_of <"$scratch/bare.rss")")"
printf "%-20s %14.0f %12.3f %14s\n" "normwatch replay" "$nw_pps" "$(median <"$scratch/nw.s")" "$(mib "$(max_of <"$scratch/nw.rss")")"
printf "%-20s %14s\n" "ratio normwatch/bare" "$ratio"
[ "$nw_source" = "wall clock" ] && echo "(normwatch printed no frames/wall_seconds/packets_per_second JSON: its figures are wall-clock time around the process)"
exit 0

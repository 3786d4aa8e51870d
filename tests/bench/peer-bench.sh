#!/usr/bin/env bash
# Peer benchmark (issue 9 §4): the same plant capture (normwatch-capgen bench-plant: Modbus polls and
# writes, DNP3 integrity polls with multi-frame responses and unsolicited data, IEC 104 measured values
# and commands, 20% HTTP/TLS/SSH/DNS/NTP background) read side by side, in alternating rounds,
# by a bare libpcap loop (pcap-bare-read), `normwatch replay` with the default rule pack and
# --workers 1 and 2, nDPI's own reader (`ndpiReader -i FILE`, classification only) and tshark
# dissecting Modbus/TCP, DNP3 and IEC 104. Prints the median packets/s (frames / wall seconds of
# the whole process, start-up included, for every tool alike), the ratio to the bare read, and the
# peak RSS (/usr/bin/time). Tools that are not installed are skipped with a note.
# Builds nothing: build normwatch, pcap-bare-read and normwatch-capgen first (Release).
#
# usage: tests/bench/peer-bench.sh [BUILD_DIR] [--frames N] [--rounds N] [--no-tshark] [--work-dir DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=peer-bench
# shellcheck source=tests/bench/bench-lib.sh
. "$here/bench-lib.sh"
build_dir="$here/../../build/release"
frames=1000000
rounds=3
tshark_on=1
work_dir="${TMPDIR:-/tmp}/normwatch-bench"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --no-tshark) tshark_on=0; shift ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*) echo "peer-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done

normwatch="$build_dir/normwatch"
bare="$build_dir/pcap-bare-read"
capgen="$build_dir/normwatch-capgen"
bench_require_tools "$normwatch" "$bare" "$capgen"
[ -x /usr/bin/time ] || { echo "peer-bench: needs /usr/bin/time (Debian package time)" >&2; exit 1; }
mkdir -p "$work_dir"
scratch="$(mktemp -d "$work_dir/peer.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

file="$work_dir/plant-$frames.pcap"
if [ ! -s "$file" ]; then
  "$capgen" bench-plant -o "$file.tmp" --frames "$frames" >&2
  mv "$file.tmp" "$file"
fi

# name|command...  (run with the capture appended where FILE stands)
tools=("bare|$bare FILE"
       "normwatch -w1|$normwatch replay FILE --json --no-progress --workers 1 --events /dev/null"
       "normwatch -w2|$normwatch replay FILE --json --no-progress --workers 2 --events /dev/null")
if command -v ndpiReader >/dev/null; then
  tools+=("ndpiReader|ndpiReader -q -i FILE")
else
  echo "note: ndpiReader not installed (Debian: ndpi-utils?): skipped" >&2
fi
if [ "$tshark_on" = 1 ] && command -v tshark >/dev/null; then
  tools+=("tshark|tshark -n -r FILE -q -z io,stat,0,mbtcp,dnp3,iec60870_104")
fi

run_one() {  # name command-with-FILE -> appends "seconds rss_kib" to $scratch/<name>
  local name="$1" cmd="${2//FILE/$file}"
  # shellcheck disable=SC2086  # the command is a list of words on purpose
  /usr/bin/time -f "%e %M" -o "$scratch/time" $cmd >"$scratch/out" 2>"$scratch/err" ||
    { echo "peer-bench: $name failed:" >&2; tail -n 5 "$scratch/err" >&2; exit 1; }
  tail -n1 "$scratch/time" >>"$scratch/${name// /_}"
}

for ((r = 1; r <= rounds; r++)); do
  for t in "${tools[@]}"; do
    run_one "${t%%|*}" "${t#*|}"
  done
  echo "round $r done" >&2
done

bare_s="$(cut -d' ' -f1 "$scratch/bare" | median)"
echo
echo "peer benchmark: $file ($frames frames, bench-plant mix), $rounds rounds, build $build_dir, $(nproc) cores"
printf "%-16s %12s %10s %10s %10s\n" tool "median pps" "median s" "vs bare" "RSS MiB"
for t in "${tools[@]}"; do
  name="${t%%|*}"
  f="$scratch/${name// /_}"
  s="$(cut -d' ' -f1 "$f" | median)"
  rss="$(cut -d' ' -f2 "$f" | sort -g | tail -n1)"
  awk -v n="$name" -v fr="$frames" -v s="$s" -v b="$bare_s" -v r="$rss" \
    'BEGIN { printf "%-16s %12.0f %10.3f %10.3f %10.1f\n", n, (s > 0 ? fr / s : 0), s, (s > 0 ? b / s : 0), r / 1024 }'
done

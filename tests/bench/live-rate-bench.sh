#!/usr/bin/env bash
# Live capture rate (issue 9 item 3): the highest tcpreplay --pps at which `normwatch live` on a
# veth pair (two network namespaces made here) drops nothing, for --workers 1 and 2. For each: one
# run at --topspeed, then a bisection over --pps between 0 and the top-speed rate; a run counts as
# clean when the sensor saw every frame tcpreplay sent and reports no kernel, interface or queue
# drop. Also measures tcpreplay alone into the veth with nobody capturing (is tcpreplay the limit?).
# The capture is the peer benchmark's plant mix (normwatch-capgen bench-plant, 20% non-ICS frames).
# The sensor runs as peer-bench.sh runs it (default rule pack, --events /dev/null) unless --no-rules.
# Needs root, ip, tcpreplay. Builds nothing: build normwatch and normwatch-capgen first (Release).
#
# usage: tests/bench/live-rate-bench.sh [BUILD_DIR] [--frames N] [--seconds S] [--steps N]
#        [--workers "1 2"] [--snaplen N] [--no-rules] [--work-dir DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$here/../../build/release"
frames=1000000     # the bench-plant capture of peer-bench.sh (looped as needed)
seconds=3          # per run
steps=5            # bisection steps: the answer is within top-speed rate / 2^steps
workers_list="1 2"
snaplen=""
rules=1
work_dir="${TMPDIR:-/tmp}/normwatch-bench"

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --workers) workers_list="$2"; shift 2 ;;
    --snaplen) snaplen="$2"; shift 2 ;;
    --no-rules) rules=0; shift ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*) echo "live-rate-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done

normwatch="$(cd "$build_dir" && pwd)/normwatch"
capgen="$build_dir/normwatch-capgen"
for tool in "$normwatch" "$capgen"; do
  [ -x "$tool" ] || { echo "live-rate-bench: $tool is missing; build it first (this script builds nothing)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "live-rate-bench: needs root (network namespaces)" >&2; exit 1; }
for t in ip tcpreplay python3; do
  command -v "$t" >/dev/null || { echo "live-rate-bench: needs $t" >&2; exit 1; }
done

mkdir -p "$work_dir"
scratch="$(mktemp -d "$work_dir/live.XXXXXX")"
ns_s="nw-rate-s-$$"
ns_f="nw-rate-f-$$"
if_s="nwrate0"
if_f="nwratef0"
sensor_pid=""
cleanup() {
  if [ -n "$sensor_pid" ]; then kill "$sensor_pid" 2>/dev/null || true; fi
  ip netns del "$ns_s" 2>/dev/null || true
  ip netns del "$ns_f" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

file="$work_dir/plant-$frames.pcap"
if [ ! -s "$file" ]; then
  "$capgen" bench-plant -o "$file.tmp" --frames "$frames" >&2
  mv "$file.tmp" "$file"
fi

ip netns add "$ns_s"
ip netns add "$ns_f"
ip link add "$if_s" netns "$ns_s" type veth peer name "$if_f" netns "$ns_f"
for pair in "$ns_s $if_s" "$ns_f $if_f"; do
  read -r ns ifname <<<"$pair"
  # no IPv6, no address: nothing but tcpreplay's frames crosses the pair
  ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$ifname.disable_ipv6=1"
  ip netns exec "$ns" ip link set "$ifname" up
done

sensor_args=(--json --user root --duration 600)
[ -n "$snaplen" ] && sensor_args+=(--snaplen "$snaplen")
[ "$rules" = 1 ] && sensor_args+=(--events /dev/null)

veth_drops() {  # every dropped counter of both ends
  { ip netns exec "$ns_s" ip -s -j link show "$if_s"; ip netns exec "$ns_f" ip -s -j link show "$if_f"; } |
    python3 -c 'import json,sys
print(sum(s["stats64"][d]["dropped"] for l in sys.stdin for s in json.loads(l) for d in ("rx","tx")))'
}

# tcpreplay for $seconds with RATE_ARGS; prints "sent achieved_pps"
replay() {
  ip netns exec "$ns_f" tcpreplay -i "$if_f" -K --loop 0 --duration "$seconds" "$@" "$file" >"$scratch/replay" 2>&1 ||
    { echo "live-rate-bench: tcpreplay failed:" >&2; tail -n 5 "$scratch/replay" >&2; exit 1; }
  local sent pps
  sent="$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$scratch/replay")"
  pps="$(sed -n 's/^Rated: .*, \([0-9.]*\) pps.*/\1/p' "$scratch/replay")"
  echo "$sent ${pps%.*}"
}

cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# One sensor run: WORKERS RATE_ARGS... -> prints "sent achieved seen drops veth_drops ring+queue"
# (drops = kernel + interface + worker queue drops, the last word splits them)
sensor_run() {
  local workers="$1"; shift
  local before after
  before="$(veth_drops)"
  ip netns exec "$ns_s" "$normwatch" live -i "$if_s" --workers "$workers" "${sensor_args[@]}" \
    >"$scratch/summary" 2>"$scratch/err" &
  sensor_pid=$!
  for _ in $(seq 300); do
    grep -q "capturing on" "$scratch/err" && break
    kill -0 "$sensor_pid" 2>/dev/null || { echo "live-rate-bench: the sensor did not start:" >&2; cat "$scratch/err" >&2; exit 1; }
    sleep 0.1
  done
  sleep 0.3
  local sent_pps
  sent_pps="$(replay "$@")"
  # wait until the sensor is idle (has read its ring), then stop it
  local last now quiet=0
  last="$(cpu_ticks "$sensor_pid")"
  for _ in $(seq 120); do
    sleep 0.25
    now="$(cpu_ticks "$sensor_pid")"
    if [ $((now - last)) -le 1 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    last="$now"
    [ "$quiet" -ge 2 ] && break
  done
  kill -INT "$sensor_pid"
  wait "$sensor_pid" || { echo "live-rate-bench: the sensor failed:" >&2; tail -n 5 "$scratch/err" >&2; exit 1; }
  sensor_pid=""
  after="$(veth_drops)"
  python3 - "$scratch/summary" "$sent_pps" "$((after - before))" <<'EOF'
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
c = s["capture"]
ring = c.get("kernel_dropped", 0) + c.get("interface_dropped", 0)
queue = sum(c.get("queue_dropped", []))
print(sys.argv[2], s["frames"], ring + queue, sys.argv[3], f"{ring}+{queue}")
EOF
}

clean() {  # sent achieved seen drops veth -> success when nothing was lost
  [ "$3" -eq "$1" ] && [ "$4" -eq 0 ] && [ "$5" -eq 0 ]
}

echo "live-rate-bench: $file, $seconds s per run, sensor: normwatch live ${sensor_args[*]}" >&2
read -r alone_sent alone_pps <<<"$(replay --topspeed)"
echo "tcpreplay alone (nobody capturing): $alone_pps pps at --topspeed ($alone_sent frames)" >&2

rows=()
for w in $workers_list; do
  read -r sent achieved seen drops veth split <<<"$(sensor_run "$w" --topspeed)"
  echo "workers $w --topspeed: achieved $achieved pps, sent $sent, seen $seen, reported drops $drops (ring+queue $split), veth drops $veth" >&2
  top="$achieved"
  if clean "$sent" "$achieved" "$seen" "$drops" "$veth"; then
    rows+=("$w|>= $top (clean at --topspeed: tcpreplay is the limit)|$top|$seen/$sent|0")
    continue
  fi
  top_row="$seen/$sent|$drops (ring+queue $split)"
  lo=0
  hi="$top"
  for ((i = 0; i < steps; i++)); do
    mid=$(((lo + hi) / 2 / 1000 * 1000))
    [ "$mid" -le "$lo" ] && break
    read -r sent achieved seen drops veth split <<<"$(sensor_run "$w" --pps "$mid")"
    echo "workers $w --pps $mid: achieved $achieved, sent $sent, seen $seen, reported drops $drops (ring+queue $split), veth drops $veth" >&2
    if clean "$sent" "$achieved" "$seen" "$drops" "$veth"; then lo="$mid"; else hi="$mid"; fi
  done
  rows+=("$w|$lo (drops at $hi)|$top|$top_row")
done

echo
printf '%-8s %-44s %-14s %-22s %s\n' workers "highest clean --pps" "topspeed pps" "seen/sent at topspeed" "drops at topspeed"
for r in "${rows[@]}"; do
  IFS='|' read -r w best top seen drops <<<"$r"
  printf '%-8s %-44s %-14s %-22s %s\n' "$w" "$best" "$top" "$seen" "$drops"
done
printf '%-8s %-44s %-14s\n' "-" "tcpreplay alone, nobody capturing" "$alone_pps"

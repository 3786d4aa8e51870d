#!/usr/bin/env bash
# delivery-bench.sh: sustained event delivery sensor -> collector on loopback, as two real processes
# (issue 7 §6; target >= 50,000 events/s with the default fsync policy). Not a CI test.
#
# The collector is normwatch-collector (CURVE + ZAP allow-list, SQLite WAL, synchronous=FULL,
# commit then acknowledge); the sensor is delivery_sensor, the real DeliverySink (stamp, encode,
# spool with the default fsync policy "batch", DEALER sender) fed synthetic Modbus findings as
# fast as its bounded queue accepts them. The clock runs from the sensor's first event until the
# collector acknowledged the last one, so the figure is what is sustained end to end, not what
# was queued. Each round uses a fresh collector database and spool; the median is printed.
# The CPU time of each process is printed too (per event, and the rate each process could
# sustain on a core of its own), since a shared machine's wall-clock figure is mostly its load.
#
#   tests/bench/delivery-bench.sh BUILD_DIR [EVENTS_PER_ROUND] [ROUNDS]
#   e.g. cmake -S . -B build/rel -G Ninja -DCMAKE_BUILD_TYPE=Release
#        cmake --build build/rel --target normwatch normwatch-collector delivery_sensor
#        tests/bench/delivery-bench.sh build/rel 300000 3
set -euo pipefail

build=${1:?usage: delivery-bench.sh BUILD_DIR [EVENTS_PER_ROUND] [ROUNDS]}
events=${2:-300000}
rounds=${3:-3}
normwatch="$build/normwatch"
collector="$build/normwatch-collector"
sensor=$(find "$build" -name delivery_sensor -type f -perm -u+x | head -n1)
for exe in "$normwatch" "$collector" "$sensor"; do
  [[ -x "$exe" ]] || { echo "delivery-bench: missing $exe (build normwatch, normwatch-collector, delivery_sensor)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/nw-delivery-bench.XXXXXX)
collector_pid=
cleanup() {
  if [[ -n "$collector_pid" ]] && kill -0 "$collector_pid" 2>/dev/null; then
    kill -TERM "$collector_pid"; wait "$collector_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

"$normwatch" keygen "$dir/collector" >/dev/null
"$normwatch" keygen "$dir/bench" >/dev/null
mkdir "$dir/allow"
cp "$dir/bench.pub" "$dir/allow/"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
wait_listening() {
  for _ in $(seq 1 600); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),timeout=0.2)" 2>/dev/null; then return 0; fi
    kill -0 "$collector_pid" 2>/dev/null || { echo "delivery-bench: the collector exited" >&2; cat "$dir/collector.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "delivery-bench: the collector did not listen" >&2; exit 1
}

echo "delivery-bench: $rounds rounds of $events events, sensor fsync policy: default (batch), collector synchronous=FULL, CURVE"
echo "host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')"
rates=()
for round in $(seq 1 "$rounds"); do
  rm -rf "$dir/spool" "$dir/collector.db"*
  /usr/bin/time -f "%U %S" -o "$dir/collector.time" "$collector" --listen "tcp://127.0.0.1:$port" \
    --db "$dir/collector.db" --key "$dir/collector.key" --allow "$dir/allow" 2>"$dir/collector.log" >/dev/null &
  time_pid=$!
  collector_pid=$time_pid
  wait_listening
  collector_pid=$(pgrep -P "$time_pid")  # the collector itself (time(1) is its parent)
  summary=$(/usr/bin/time -f "%U %S" -o "$dir/sensor.time" "$sensor" emit --count "$events" \
    --publish "tcp://127.0.0.1:$port" --collector-pub "$dir/collector.pub" --key "$dir/bench.key" \
    --spool "$dir/spool" --sensor-id bench --drain-timeout 600 2>"$dir/sensor.log" | tail -n1)
  kill -TERM "$collector_pid"; wait "$time_pid" 2>/dev/null || true
  collector_pid=
  stored=$("$collector" query --db "$dir/collector.db" --sensor bench --json | wc -l)
  rate=$(python3 - "$summary" "$stored" "$dir/sensor.time" "$dir/collector.time" <<'EOF'
import json, sys
s = json.loads(sys.argv[1]); stored = int(sys.argv[2])
if not s["complete"] or stored != s["written"]:
    sys.exit(f"incomplete delivery: {s}, {stored} stored")
cpu = [sum(float(x) for x in open(p).read().split()[-2:]) for p in sys.argv[3:5]]
n = s["written"]
print(f'{n / s["total_seconds"]:.0f} {n} {s["total_seconds"]:.2f} {s["emit_seconds"]:.2f} {s["fsyncs"]} '
      f'{cpu[0]:.2f} {1e6 * cpu[0] / n:.1f} {n / cpu[0]:.0f} {cpu[1]:.2f} {1e6 * cpu[1] / n:.1f} {n / cpu[1]:.0f}')
EOF
)
  read -r eps written total emit fsyncs s_cpu s_us s_eps c_cpu c_us c_eps <<<"$rate"
  echo "round $round: $written events stored in $total s (emitted in $emit s, $fsyncs spool fsyncs) = $eps events/s"
  echo "         CPU: sensor $s_cpu s ($s_us us/event, $s_eps events/CPU-s), collector $c_cpu s ($c_us us/event, $c_eps events/CPU-s)"
  rates+=("$eps")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "sustained sensor -> collector delivery (median of $rounds): $median events/s"

#!/usr/bin/env bash
# Records captures/modbus/libmodbus-script.pcap: real libmodbus 3.1 peers (a server and a client,
# tests/integration/modbus_live/modbus_peers.cpp) run the live test's script on 127.0.0.1 while
# modbus-live-record writes the loopback traffic. It is the live test itself
# (tests/integration/modbus_live/modbus_live_test.py) with --keep, so the capture is only kept
# when normwatch decoded it and counted it live exactly as the script says.
# Needs root (capture on lo; port 502 is privileged). Builds nothing: build the targets first:
#   cmake --build BUILD --target normwatch modbus-live-peers modbus-live-record
#
# usage: captures/modbus/record.sh [BUILD_DIR] [--port N]     (default build/release, port 502)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$here/../.."
build_dir="$source_dir/build/release"
port=502
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) build_dir="$1"; shift ;;
  esac
done

normwatch="$build_dir/normwatch"
peers="$build_dir/tests/integration/modbus_live/modbus-live-peers"
recorder="$build_dir/tests/integration/modbus_live/modbus-live-record"
for tool in "$normwatch" "$peers" "$recorder"; do
  [ -x "$tool" ] || { echo "record.sh: $tool is missing; build it first (this script builds nothing)" >&2; exit 1; }
done

out="$here/libmodbus-script.pcap"
trap 'rm -f "$out.tmp"' EXIT
python3 "$source_dir/tests/integration/modbus_live/modbus_live_test.py" "$normwatch" "$peers" "$recorder" \
  --port "$port" --keep "$out.tmp"
[ -s "$out.tmp" ] || { echo "record.sh: nothing recorded (the test skipped: see above)" >&2; exit 1; }
mv "$out.tmp" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"

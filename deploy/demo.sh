#!/usr/bin/env bash
# Quick start, part 1: installs what is needed, builds (Release) and replays the shipped demo
# capture, printing what the sensor saw, then the first decoded ICS PDUs.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh release
capture=captures/demo/plant-demo.pcap
echo
build/release/normwatch replay "$capture"
echo
echo "First ICS PDUs decoded from $capture (normwatch decode, one JSON line each):"
decoded=$(build/release/normwatch decode "$capture")
head -n 8 <<< "$decoded"
echo "... $(wc -l <<< "$decoded") lines in all"

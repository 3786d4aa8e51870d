#!/usr/bin/env bash
# Quick start, part 2 (and what CI runs): installs what is needed, builds, and runs the whole test
# suite twice — a Release build, then the same tests under AddressSanitizer + UndefinedBehavior-
# Sanitizer, with an aarch64 cross build tested under qemu-user in between (deploy/cross-aarch64.sh).
# Benchmarks are built in Release but never run here.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh

echo "== Release build and tests"
deploy/build.sh release
ctest --preset release -j2

echo "== aarch64: cross build, unit subset and golden cases under qemu-user, output vs x86-64"
# Gateways are ARM as often as x86-64: the sensor must build there and say the same things.
deploy/cross-aarch64.sh build/release/normwatch

echo "== ASan+UBSan build and tests"
# Every test again under the sanitizers, except the tshark comparisons (label conformance): they
# check correctness, which the Release pass already did; the sanitizer pass still replays every
# public capture through the whole pipeline (shared_captures_replay).
deploy/build.sh asan
ctest --preset asan -j2 -LE conformance

#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release) with two jobs, the size of the field
# gateways and of CI. Usage: deploy/build.sh [release|asan|fuzz]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

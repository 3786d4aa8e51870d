#!/usr/bin/env bash
# Cross-builds the sensor and the collector for aarch64 gateway boxes on a Debian 12 x86-64 machine
# (Debian's crossbuild-essential-arm64 and the arm64 -dev packages through dpkg multi-arch), runs a
# named subset of the unit tests and every golden case under qemu-user, and checks that the aarch64
# sensor's `decode` and event output is byte-identical to the x86-64 sensor's on every shipped capture.
#
# Usage: deploy/cross-aarch64.sh [X86_NORMWATCH]    (default build/release/normwatch; CI builds it first)
# Steps can be run alone: NORMWATCH_CROSS_STEPS="deps build test compare" (the default is all four).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
build=build-aarch64
overlay=$build/overlay
x86_normwatch=${1:-build/release/normwatch}
steps=${NORMWATCH_CROSS_STEPS:-deps build test compare}
emulator=(qemu-aarch64 -L /usr/aarch64-linux-gnu)

# The unit programs run under emulation: the modules whose results depend on byte order, alignment
# or the width of types (byte reader, L2-L4 decoding, the three protocol parsers, event JSON).
# The other programs test logic that is the same on every architecture and would cost CI minutes.
unit_programs=(unit_core unit_decode unit_protocols_modbus unit_protocols_dnp3 unit_protocols_iec104 unit_events)

# Multi-arch packages: co-installable with their amd64 twins (Multi-Arch: same) or arch-independent.
cross_packages=(
  crossbuild-essential-arm64 qemu-user
  libpcap-dev:arm64 libzmq3-dev:arm64 cppzmq-dev:arm64 libmodbus-dev:arm64 libfmt-dev:arm64
  libssl-dev:arm64 libsqlite3-dev:arm64 libsodium-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
  # runtime halves of the packages below, needed to run the binaries under qemu
  libndpi4.2:arm64 libyaml-cpp0.7:arm64 libgcrypt20:arm64
)
# Not co-installable: these -dev packages have no Multi-Arch field, so installing the arm64 one would
# remove the amd64 one that the native build needs. They are unpacked (dpkg -x) into $overlay instead,
# with their runtime libraries so that the .so symlinks resolve at link time.
overlay_packages=(libndpi-dev libndpi4.2 libyaml-cpp-dev libyaml-cpp0.7 libgcrypt20-dev libgcrypt20)

log() { echo "cross-aarch64: $*"; }

install_deps() {
  local missing=() p update=0
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    [ "$(id -u)" -eq 0 ] || { echo "cross-aarch64: run as root once to add the arm64 architecture" >&2; exit 1; }
    log "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
    update=1
  fi
  for p in "${cross_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "cross-aarch64: missing ${missing[*]}; run as root" >&2; exit 1; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    update=0
    log "installing ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "all ${#cross_packages[@]} cross packages present"
  fi

  # The overlay is rebuilt when the packages' versions change (stamp = the versions it holds).
  local versions stamp=$overlay/.versions
  versions=$(for p in "${overlay_packages[@]}"; do apt-cache policy "$p:arm64" | awk '/Candidate:/{print $2}'; done | tr '\n' ' ')
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$versions" ]; then
    log "overlay up to date ($overlay)"
    return
  fi
  [ $update -eq 0 ] || apt-get update -qq
  rm -rf "$overlay"
  mkdir -p "$overlay/debs"
  log "unpacking ${overlay_packages[*]} (arm64) into $overlay"
  (cd "$overlay/debs" && apt-get download -qq $(printf '%s:arm64 ' "${overlay_packages[@]}") 2>/dev/null)
  for deb in "$overlay"/debs/*.deb; do dpkg -x "$deb" "$overlay"; done
  local abs
  abs=$(cd "$overlay" && pwd)
  sed -i "s|^prefix=/usr\$|prefix=$abs/usr|" "$overlay"/usr/lib/aarch64-linux-gnu/pkgconfig/*.pc
  echo "$versions" > "$stamp"
}

build() {
  log "configure $build (Release, tools and benchmarks off)"
  cmake -S . -B "$build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/aarch64-linux-gnu.cmake" \
    -DNORMWATCH_AARCH64_OVERLAY="$src/$overlay" \
    -DCMAKE_BUILD_TYPE=Release -DNORMWATCH_BUILD_BENCHMARKS=OFF -DNORMWATCH_BUILD_TOOLS=OFF \
    -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST >/dev/null
  log "build normwatch normwatch-collector ${unit_programs[*]}"
  nice -n 10 cmake --build "$build" -j2 --target normwatch normwatch-collector "${unit_programs[@]}"
  file "$build/normwatch" "$build/normwatch-collector" | sed 's/, BuildID.*//'
}

# A wrapper that run_golden.py can execute like a native binary.
make_wrapper() {
  cat > "$build/normwatch-qemu" <<EOF
#!/bin/sh
exec ${emulator[*]} $src/$build/normwatch "\$@"
EOF
  chmod +x "$build/normwatch-qemu"
}

run_tests() {
  local prog failed=0 case_dir case
  for prog in "${unit_programs[@]}"; do
    log "qemu: $prog"
    "${emulator[@]}" "$build/tests/$prog" --gtest_brief=1 || failed=1
  done
  "${emulator[@]}" "$build/normwatch" --version
  "${emulator[@]}" "$build/normwatch-collector" --help >/dev/null
  make_wrapper
  # Golden cases with --workers need an emulator that can start guest threads. Debian 12's
  # qemu-user 7.2 on some hosts spins forever inside the guest's first pthread_create when the
  # guest is dynamically linked (issue 9: a five-line C program that creates one thread hangs
  # there; the same program linked statically runs, and so do the sharded pipeline's stress tests).
  # So one bounded probe decides; SIGKILL because the sensor handles SIGTERM as a stop request.
  local threads=1
  if ! timeout -s KILL 30 "$build/normwatch-qemu" decode captures/cases/udp-dnp3.pcap --workers 2 >/dev/null 2>&1; then
    threads=0
    log "this qemu-user cannot run a threaded dynamically linked guest: --workers golden cases skipped"
  fi
  for case_dir in tests/golden/*/; do
    case=$(basename "$case_dir")
    [ -f "$case_dir/args" ] || continue
    if [ $threads -eq 0 ] && grep -q -- '--workers' "$case_dir/args"; then
      log "golden $case: skipped (no guest threads under this qemu-user)"
      continue
    fi
    python3 tests/golden/run_golden.py "$build/normwatch-qemu" "$src" "$case" >/dev/null 2>&1 \
      && log "golden $case: match" || { log "golden $case: FAILED"; failed=1; }
  done
  [ $failed -eq 0 ] || { echo "cross-aarch64: tests failed under qemu" >&2; exit 1; }
}

# The project's captures, and the public ones of ../shared/captures under 2 MB when that folder is
# there (real traffic from other tools; the larger ones would cost minutes under emulation).
capture_list() {
  find captures \( -name '*.pcap' -o -name '*.pcapng' \) | sort
  [ -d ../shared/captures ] && find ../shared/captures \( -name '*.pcap' -o -name '*.pcapng' \) -size -2M | sort
  return 0
}

# decode and event (rules) output of both binaries on every shipped capture, compared byte for byte.
compare() {
  [ -x "$x86_normwatch" ] || { echo "cross-aarch64: no x86-64 binary at $x86_normwatch (build the release preset)" >&2; exit 1; }
  make_wrapper
  local out=$build/compare capture name differ=0 files=0 lines=0 n
  rm -rf "$out"
  mkdir -p "$out"
  while read -r capture; do
    name=$(echo "${capture#*captures/}" | tr '/ ' '__')
    for arch in x86_64 aarch64; do
      local bin=$x86_normwatch
      [ $arch = aarch64 ] && bin=$build/normwatch-qemu
      TZ=UTC LC_ALL=C "$bin" decode "$capture" > "$out/$name.decode.$arch"
      TZ=UTC LC_ALL=C "$bin" replay "$capture" --rules rules --policy captures/rules/rules-policy.yaml \
        --events - --sensor-id cross --no-progress > "$out/$name.events.$arch" 2>/dev/null
    done
    for kind in decode events; do
      files=$((files + 1))
      n=$(wc -l < "$out/$name.$kind.x86_64")
      lines=$((lines + n))
      if cmp -s "$out/$name.$kind.x86_64" "$out/$name.$kind.aarch64"; then
        printf 'cross-aarch64: identical %-7s %5d lines  %s\n' "$kind" "$n" "$capture"
      else
        printf 'cross-aarch64: DIFFERENT %-7s %s\n' "$kind" "$capture"
        diff "$out/$name.$kind.x86_64" "$out/$name.$kind.aarch64" | head -n 6
        differ=1
      fi
    done
  done < <(capture_list)
  [ $differ -eq 0 ] || { echo "cross-aarch64: aarch64 output differs from x86-64" >&2; exit 1; }
  log "aarch64 and x86-64 outputs byte-identical: $files outputs, $lines lines"
}

start=$(date +%s)
for step in $steps; do
  case $step in
    deps) install_deps ;;
    build) build ;;
    test) run_tests ;;
    compare) compare ;;
    *) echo "cross-aarch64: unknown step $step" >&2; exit 2 ;;
  esac
done
log "done in $(( $(date +%s) - start )) s"

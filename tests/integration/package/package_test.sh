#!/usr/bin/env bash
# Builds the normwatch-sensor and normwatch-collector .deb packages with cpack from BUILD_DIR,
# unpacks each into a scratch root with `dpkg -x` (no system change), and checks what a gateway
# gets: the programs run (--version), the packaged rule pack is found and valid, the units and
# example configurations are there and the examples pass check-config.
# Usage: package_test.sh BUILD_DIR SCRATCH_DIR
set -euo pipefail
build=$1
scratch=$2
rm -rf "$scratch"
mkdir -p "$scratch/debs" "$scratch/root"
failed=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >"$scratch/last.out" 2>&1; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    sed 's/^/  /' "$scratch/last.out"
    failed=1
  fi
}

(cd "$build" && cpack -G DEB -B "$scratch/debs" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; echo "FAIL: cpack"; exit 1; }
sensor=$(ls "$scratch"/debs/normwatch-sensor_*.deb)
collector=$(ls "$scratch"/debs/normwatch-collector_*.deb)
for deb in "$sensor" "$collector"; do
  echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Architecture) depends: $(dpkg-deb -f "$deb" Depends)"
  dpkg -x "$deb" "$scratch/root"
done
root=$scratch/root

check "dpkg-deb: sensor control is valid" dpkg-deb --info "$sensor"
check "sensor ships its postinst" sh -c "dpkg-deb --info '$sensor' | grep -q postinst"
check "normwatch --version from the package" "$root/usr/bin/normwatch" --version
check "normwatch-collector --version from the package" "$root/usr/bin/normwatch-collector" --version
check "the packaged normwatch finds and accepts its rule pack" "$root/usr/bin/normwatch" rules check
check "rule pack installed" test -n "$(ls "$root"/usr/share/normwatch/rules/*.yaml)"
check "sensor unit installed" test -f "$root/usr/lib/systemd/system/normwatch-sensor.service"
check "collector unit installed" test -f "$root/usr/lib/systemd/system/normwatch-collector.service"
check "example sensor.yaml passes check-config" \
  "$root/usr/bin/normwatch" check-config "$root/usr/share/doc/normwatch-sensor/sensor.yaml"
check "example collector.yaml passes check-config" \
  "$root/usr/bin/normwatch-collector" check-config "$root/usr/share/doc/normwatch-collector/collector.yaml"
if "$root/usr/bin/normwatch" --version | grep -q "normwatch "; then :; else failed=1; fi
"$root/usr/bin/normwatch" --version

[ $failed -eq 0 ] || { echo "package test FAILED"; exit 1; }
echo "package test passed"

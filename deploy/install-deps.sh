#!/usr/bin/env bash
# Installs every package normwatch needs to build, test and run on Debian 12.
# Idempotent: packages already present are left alone; apt is only asked when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-dev            # libFuzzer targets and the ASan+UBSan pass
  libpcap-dev libndpi-dev libmodbus-dev libzmq3-dev cppzmq-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libfmt-dev libsodium-dev libsqlite3-dev libssl-dev
  tshark python3
  tcpreplay iproute2               # live capture under load on a veth pair (tests/integration/live_load)
  chromium                         # renders the compliance report in tests/integration/report
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front so apt never blocks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

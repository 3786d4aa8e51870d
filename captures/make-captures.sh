#!/usr/bin/env bash
# Regenerates every capture listed in captures/manifest.tsv with normwatch-capgen. Builds nothing:
# pass the generator's path as $1, or build it first (cmake --preset release && cmake --build
# --preset release --target normwatch-capgen) so that build/release/normwatch-capgen exists.
# Output is deterministic: running this on a clean checkout must leave `git status` unchanged.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
capgen="${1:-$here/../build/release/normwatch-capgen}"
if [ ! -x "$capgen" ]; then
  echo "make-captures: no generator at $capgen (give its path as the first argument)" >&2
  exit 1
fi

while IFS=$'\t' read -r file scenario options; do
  case "$file" in ''|'#'*) continue ;; esac
  mkdir -p "$here/$(dirname "$file")"
  # shellcheck disable=SC2086  # options is a list of words on purpose
  "$capgen" "$scenario" -o "$here/$file" ${options:-}
done < "$here/manifest.tsv"

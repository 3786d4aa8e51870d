# Shared by the benchmark scripts (sourced, not run): the check that the tools are built, the
# polling capture they share, and the small statistics they print. A caller sets `bench_name`
# (the prefix of its messages) before using these.
# shellcheck shell=bash

# bench_require_tools TOOL...: each must be an executable file (the scripts build nothing).
bench_require_tools() {
  local tool
  for tool in "$@"; do
    if [ ! -x "$tool" ]; then
      echo "$bench_name: $tool is missing; build it first (this script builds nothing)" >&2
      exit 1
    fi
  done
}

# bench_polling_capture CAPGEN WORK_DIR FRAMES FLOWS: prints the path of `normwatch-capgen bench`
# for that size, made once and kept (it is deterministic): the default size is bench.pcap, which
# replay-bench.sh and modbus-replay-bench.sh both use.
bench_polling_capture() {
  local capgen="$1" work_dir="$2" frames="$3" flows="$4" file
  if [ "$frames" = 1000000 ] && [ "$flows" = 4096 ]; then file="$work_dir/bench.pcap"; else file="$work_dir/bench-$frames-$flows.pcap"; fi
  if [ ! -s "$file" ]; then
    "$capgen" bench -o "$file.tmp.$$" --frames "$frames" --flows "$flows" >&2
    mv "$file.tmp.$$" "$file"
  fi
  echo "$file"
}

# Value of a numeric key in a JSON line, its first occurrence ("" when absent).
json_number() {
  grep -o "\"$1\"[[:space:]]*:[[:space:]]*[0-9.eE+-]*" <<<"$2" | head -n1 | sed 's/.*:[[:space:]]*//' || true
}

# Statistics over one number per line on stdin; "n/a" lines are ignored by max_of.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.10g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max_of() { grep -v n/a | sort -g | tail -n1 || true; }
# KiB -> MiB with one decimal; n/a stays n/a.
mib() { if [ -z "$1" ] || [ "$1" = n/a ]; then echo n/a; else awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

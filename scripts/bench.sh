#!/usr/bin/env bash
# Runs the benchmarks in the release-based bench profile and prints the load average before
# and after each, so every figure can be recorded with the load it was measured under.
# Root makes the ICMPv6 rounds possible (raw sockets); V6WATCH_LAB=1 adds the lab's
# addresses (after `bash tests/lab/lab.sh up`); fping, when installed, is timed alongside.
set -euo pipefail
cd "$(dirname "$0")/.."
load() { printf 'load average (%s): %s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
# `scripts/bench.sh` runs both; `scripts/bench.sh pages` only the page speed one.
benches=("$@")
[[ ${#benches[@]} -eq 0 ]] && benches=(scheduler pages)
for name in "${benches[@]}"; do
  load "before $name"
  cargo bench -p v6watch --bench "$name"
  load "after $name"
done

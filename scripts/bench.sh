#!/usr/bin/env bash
# Runs the benchmarks in the release-based bench profile and prints the load average before
# and after each, so every figure can be recorded with the load it was measured under.
# Root makes the ICMPv6 rounds possible (raw sockets); V6WATCH_LAB=1 adds the lab's
# addresses (after `bash tests/lab/lab.sh up`); fping, when installed, is timed alongside.
set -euo pipefail
cd "$(dirname "$0")/.."
load() { printf 'load average (%s): %s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
# `scripts/bench.sh` runs all four; `scripts/bench.sh pages` only the page speed one.
benches=("$@")
[[ ${#benches[@]} -eq 0 ]] && benches=(scheduler pages browser portscan)
for name in "${benches[@]}"; do
  # The browser judge's bench lives with the verdict stage (it needs root, the lab and
  # Chromium, and says so without them).
  package=v6watch
  [[ "$name" == browser ]] && package=v6watch-verdict
  # The exposure scan's bench lives with the probe stage (it needs root for its own network
  # namespace, and says so without it).
  [[ "$name" == portscan ]] && package=v6watch-probes
  load "before $name"
  cargo bench -p "$package" --bench "$name"
  load "after $name"
done

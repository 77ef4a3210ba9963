#!/usr/bin/env bash
# Installs what is missing, builds v6watch (one release binary with its site built in) and
# serves the dashboard on an SQLite file in ./data.
# Extra arguments go to `v6watch serve`, e.g. scripts/run.sh --listen 127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec "${CARGO_TARGET_DIR:-target}/release/v6watch" serve "$@"

#!/usr/bin/env bash
# Builds v6watch (release) and serves the dashboard on an SQLite file in ./data.
# Extra arguments go to `v6watch serve`, e.g. scripts/run.sh --listen 127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo leptos build --release
exec "${CARGO_TARGET_DIR:-target}/release/v6watch" serve --site-root target/site "$@"

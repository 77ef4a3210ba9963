#!/usr/bin/env bash
# Runs every v6watch test: formatting, lints, unit and integration tests (including the
# network-namespace lab, which needs root), then the end-to-end tests in Chromium
# against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# A one-off build gains nothing from incremental caches, which would double the target
# folder (several GiB of debug test binaries); a full disk makes the linker die with SIGBUS.
export CARGO_INCREMENTAL=0
fuzz_secs=${V6WATCH_FUZZ_SECONDS:-15}
say "disk space for the build"
df -h . || true
work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -f tests/lab/lab.sh && $(id -u) -eq 0 ]] && bash tests/lab/lab.sh down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "formatting"
cargo fmt --all -- --check

say "lints"
# The browser crate builds for wasm only; the rest for this machine (features differ).
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# The lab tests are #[ignore]d, so a plain `cargo test` lists them as ignored: as root they
# run here with the lab up. CI must run them: there, not being root is a failure.
lab_tests=()
if [[ $(id -u) -eq 0 ]]; then
  say "network-namespace lab"
  bash tests/lab/lab.sh up
  export V6WATCH_LAB=1
  lab_tests=(--include-ignored)
elif [[ "${CI:-}" == "true" ]]; then
  echo "CI=true but not root: the lab tests cannot run (run .ci/run as root)" >&2
  exit 1
else
  echo "not root: the lab tests are listed as ignored (run as root to include them)" >&2
fi

say "unit and integration tests"
cargo test --workspace --exclude frontend -- "${lab_tests[@]}"

say "fuzz targets ($fuzz_secs s each)"
# cargo fuzz needs nightly flags: stable rustc allows them with RUSTC_BOOTSTRAP=1 (the
# sanitizer runtimes ship with stable). Each target starts from the committed seeds
# (fuzz/corpus/<target>, read only, so the tree stays clean) and the corpus grown by earlier
# runs on this machine, which it keeps growing in $fuzz_corpus. A crash fails the run; the
# input that caused it is in fuzz/artifacts/<target>/.
fuzz_corpus=${V6WATCH_FUZZ_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/v6watch/fuzz-corpus}
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build)
for target in $(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz list); do
  mkdir -p "$fuzz_corpus/$target"
  if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$fuzz_corpus/$target" "corpus/$target" \
    -- -max_total_time="$fuzz_secs") >"$work/fuzz-$target.log" 2>&1; then
    tail -60 "$work/fuzz-$target.log" >&2
    echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  echo "$target: $(grep '^Done' "$work/fuzz-$target.log" | tail -1)"
done

say "release build (the site built in)"
bash scripts/build.sh

say "end-to-end tests in Chromium"
# Port 0: the server binds a free port and logs it (no port handed over from another listener).
# The IPv4 documentation ranges the tests' tunnels name are denied: their echoes stay here.
NO_COLOR=1 "${CARGO_TARGET_DIR:-target}/release/v6watch" serve --listen "127.0.0.1:0" --database "$work/e2e.db" \
  --deny-target 192.0.2.0/24 --deny-target 198.51.100.0/24 --deny-target 203.0.113.0/24 \
  >"$work/server.log" 2>&1 &
server_pid=$!
address=""
for _ in $(seq 1 300); do
  address=$(sed -n 's/.*v6watch is serving.* address=\([^ ]*\).*/\1/p' "$work/server.log" | head -1)
  [[ -n "$address" ]] && curl -fsS "http://$address/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
if [[ -z "$address" ]] || ! curl -fsS "http://$address/healthz" >/dev/null; then
  cat "$work/server.log" >&2
  exit 1
fi
(cd end2end && BASE_URL="http://$address" npx playwright test) || { tail -50 "$work/server.log" >&2; exit 1; }

#!/usr/bin/env bash
# Installs what v6watch needs to build and test, skipping whatever is already there.
#   scripts/install-deps.sh          build tools (wasm target, wasm-bindgen, wasm-opt)
#   scripts/install-deps.sh --test   also cargo-fuzz, Chromium and the lab's servers (Debian packages, needs root)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
CARGO_FUZZ_VERSION=0.13.2      # builds on stable 1.95; runs there with RUSTC_BOOTSTRAP=1
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [[ "${1:-}" == "--test" ]] && ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

apt_missing=()
want_apt() { for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || apt_missing+=("$p"); done; }
command -v npm >/dev/null || want_apt nodejs npm
# The browser judge drives Chromium: a runtime dependency (without it verdicts read pages'
# HTML and CSS only, and say so).
want_apt chromium
if [[ "${1:-}" == "--test" ]]; then
  want_apt curl iproute2 iputils-ping bind9-dnsutils dnsmasq-base busybox fping procps python3 openssl
fi
if ((${#apt_missing[@]})); then
  say "installing Debian packages: ${apt_missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "run as root (or install these yourself): ${apt_missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi

# wasm-opt (binaryen 132 from npm; Debian's is too old) and Playwright, pinned by the lock file.
if [[ ! -x end2end/node_modules/.bin/wasm-opt || end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  say "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# The Prometheus project's own OpenMetrics parser, which the /metrics tests feed the body to.
if [[ "${1:-}" == "--test" ]] && ! python3 -c 'import prometheus_client' 2>/dev/null; then
  say "installing the prometheus-client Python package (the metrics tests' parser)"
  python3 -m pip install --quiet --disable-pip-version-check prometheus-client==0.26.0 \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages prometheus-client==0.26.0
fi

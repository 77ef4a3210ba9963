#!/usr/bin/env bash
# Builds the release binary of v6watch with its site built in: the browser part (wasm and
# its JavaScript glue), the stylesheet and the static files into target/site, then the
# server, whose build script takes them in (hashed names, brotli and gzip made once).
#   scripts/build.sh              target/release/v6watch, one file to run
#   scripts/build.sh --site-only  target/site only (for `serve --site-root target/site`)
# Needs the tools scripts/install-deps.sh installs; cargo-leptos is not one of them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target=${CARGO_TARGET_DIR:-target}
site=target/site

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "the browser part (wasm)"
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features hydrate
rm -rf "$site"
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name v6watch \
  "$target/wasm32-unknown-unknown/wasm-release/frontend.wasm"
# The page loads it by this name (scripts/build.sh and cargo-leptos agree).
mv "$site/pkg/v6watch_bg.wasm" "$site/pkg/v6watch.wasm"
say "shrinking the wasm (wasm-opt -Oz)"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$site/pkg/v6watch.wasm" -o "$site/pkg/v6watch.wasm"
cp style/main.css "$site/pkg/v6watch.css"
cp -R public/. "$site/"
ls -l "$site/pkg"

[[ "${1:-}" == "--site-only" ]] && exit 0

say "the server, with the site built in"
V6WATCH_EMBED_SITE="$site" cargo build --release -p v6watch
ls -l "$target/release/v6watch"

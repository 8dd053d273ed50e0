#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack --target web, release, wasm-opt -Oz).
# Assumes scripts/setup.sh has run. Prints the .wasm size (raw and gzip -9).
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-pack runs the first wasm-opt on PATH: it must be binaryen 132 from npm, never Debian's
# binaryen 108 (its output fails to load). --mode no-install fails fast instead of trying to
# download wasm-bindgen when the exact version is missing.
export PATH="$PWD/node_modules/.bin:$PATH"
wasm-pack --quiet build --release --target web --mode no-install \
  --out-dir pkg --out-name totpkit . >/dev/null

# The npm README is written for frontend developers, not for people working on totpkit.
cp npm/README.md pkg/README.md
node scripts/finish-package-json.mjs pkg/package.json

raw=$(stat -c %s pkg/totpkit_bg.wasm)
gz=$(gzip -9 -c pkg/totpkit_bg.wasm | wc -c)
glue=$(gzip -9 -c pkg/totpkit.js | wc -c)
echo "pkg/: totpkit_bg.wasm ${raw} B raw, ${gz} B gzip -9; totpkit.js ${glue} B gzip -9"

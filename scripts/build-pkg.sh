#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack --target web with the size-first `wasm` cargo
# profile, then wasm-opt -Oz. Assumes scripts/setup.sh has run. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-opt must be binaryen 132 from npm, never Debian's binaryen 108 (its output fails to
# load). --mode no-install fails fast instead of trying to download wasm-bindgen when the exact
# version is missing.
WASM_OPT="$PWD/node_modules/.bin/wasm-opt"
# no_std for the package (see src/lib.rs). RUSTFLAGS replaces .cargo/config.toml's target
# rustflags, so they are repeated here.
export RUSTFLAGS='--cfg sha2_backend_soft="compact" --cfg totpkit_no_std'
wasm-pack --quiet build --profile wasm --target web --mode no-install \
  --out-dir pkg --out-name totpkit . >/dev/null
"$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --strip-debug --strip-producers \
  pkg/totpkit_bg.wasm -o pkg/totpkit_bg.wasm

# The npm README is written for frontend developers, not for people working on totpkit.
cp npm/README.md pkg/README.md
node scripts/finish-package-json.mjs pkg/package.json

raw=$(stat -c %s pkg/totpkit_bg.wasm)
gz=$(gzip -9 -c pkg/totpkit_bg.wasm | wc -c)
glue=$(gzip -9 -c pkg/totpkit.js | wc -c)
echo "pkg/: totpkit_bg.wasm ${raw} B raw, ${gz} B gzip -9; totpkit.js ${glue} B gzip -9"

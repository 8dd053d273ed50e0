#!/usr/bin/env bash
# Builds the npm package into pkg/: the binding crate (wasm/) for wasm32 with the size-first
# `wasm` cargo profile, wasm-bindgen for the loader glue, wasm-opt -Oz, then the typed JS front
# (npm/) and the per-runtime entries (scripts/finish-package.mjs). Assumes scripts/setup.sh has
# run. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

cargo build --quiet -p totpkit-wasm --target wasm32-unknown-unknown --profile wasm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The glue is only a loader and copy helpers (the exports take numbers, strings and bytes); the
# public API is npm/totpkit.js (the wasm front npm/front.js and the JS rules), its types npm/totpkit.d.ts.
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name totpkit \
  target/wasm32-unknown-unknown/wasm/totpkit_wasm.wasm

rm -rf pkg
mkdir -p pkg
# wasm-opt must be binaryen 132 from npm, never Debian's binaryen 108 (its output fails to load).
# `-ocimfs 100`: a function called from one place stays a function of its own unless it is small
# (binaryen's default inlines every such function). V8 compiles a hot wasm function again with its
# optimizing compiler, and the QR encoder's steps inlined into one 3.5 KB function made that a
# 10 ms job that held up a process's or page's first QR (src/qr/encode.rs, `#[inline(never)]`).
node_modules/.bin/wasm-opt -Oz --converge -ocimfs 100 --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --strip-debug --strip-target-features \
  --strip-producers "$out/totpkit_bg.wasm" -o pkg/totpkit_bg.wasm
cp "$out/totpkit.js" pkg/glue.js

# The smaller modules, each the calls wasm/wire.json lists `in` it (the cargo feature of its name),
# each with its own glue that fetches its .wasm next to it: `codes` (totpkit_codes_bg.wasm,
# codes-glue.js), what a page's init() loads unless the page needs the whole API; `qr`
# (totpkit_qr_bg.wasm, qr-glue.js), what <totp-enrollment> loads to show an enrollment.
for module in codes qr; do
  cargo build --quiet -p totpkit-wasm --target wasm32-unknown-unknown --profile wasm --features "$module"
  wasm-bindgen --target web --no-typescript --out-dir "$out/$module" --out-name "totpkit_$module" \
    target/wasm32-unknown-unknown/wasm/totpkit_wasm.wasm
  node_modules/.bin/wasm-opt -Oz --converge -ocimfs 100 --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --strip-debug --strip-target-features \
    --strip-producers "$out/$module/totpkit_${module}_bg.wasm" -o "pkg/totpkit_${module}_bg.wasm"
  cp "$out/$module/totpkit_$module.js" "pkg/$module-glue.js"
done

# The server kit's own module (server/: the core's server policy behind one JSON call), built
# for speed (the server profile, Cargo.toml), never loaded by a page: `totpkit/server` only.
# `-ocimfs 100` as above: binaryen's default made the policy, the sealing and every operation
# one 45 KB function, which V8 compiled whole on a process's first call (createTotpServer took
# 14-16 ms, 9-12 with it); warm, interleaved in one process, and against Postgres the two builds
# ran alike (session 11: 17.9 vs 17.8 µs a verification; 543 vs 545 µs at one in flight).
cargo build --quiet -p totpkit-server --target wasm32-unknown-unknown --profile server
wasm-bindgen --target web --no-typescript --out-dir "$out/server" --out-name server \
  target/wasm32-unknown-unknown/server/totpkit_server.wasm
node_modules/.bin/wasm-opt -O3 -ocimfs 100 --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --strip-debug --strip-producers \
  "$out/server/server_bg.wasm" -o pkg/server_bg.wasm
cp "$out/server/server.js" pkg/server-glue.js
node scripts/finish-package.mjs

raw=$(stat -c %s pkg/totpkit_bg.wasm)
gz=$(gzip -9 -c pkg/totpkit_bg.wasm | wc -c)
echo "pkg/: totpkit_bg.wasm ${raw} B raw, ${gz} B gzip -9; totpkit_codes_bg.wasm $(gzip -9 -c pkg/totpkit_codes_bg.wasm | wc -c) B, totpkit_qr_bg.wasm $(gzip -9 -c pkg/totpkit_qr_bg.wasm | wc -c) B gzip -9; server_bg.wasm $(stat -c %s pkg/server_bg.wasm) B raw"

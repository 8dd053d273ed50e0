#!/usr/bin/env bash
# Runs every test of totpkit: installs what is missing (scripts/setup.sh), then lints, the native
# suites (core, cross-checks against pyotp and oathtool, QR decoding with zbarimg and rqrr, mock
# server), the freed-memory check, the package build and its size check, the package in Node
# (API, hostile input, memory scan, interop corpus, the wire, runtimes: Node ESM/CJS on this Node
# and on Node 20, 22 and 24, Bun, Deno, workerd), the registries' checks (attw, publint, npm pack,
# cargo publish --dry-run, cargo doc), the Playwright browser tests in Chromium (package API,
# clock, consumers: Vite, webpack, plain module, TypeScript, Next.js; elements; the demo), and the
# same journeys in Firefox and WebKit.
#
# Each suite must report at least one passed test, or the run fails: a runner that silently
# skipped everything cannot pass. The last line is always "totpkit: N passed, N failed", also
# when a lint or the size check stops the run (a trap prints it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOGS=$(mktemp -d)
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

scripts/setup.sh

total=0
failed=0
finished=0
summary=()
# The closing line, whatever stopped the run.
closing() {
  local rc=$?
  if [ "$finished" = 0 ]; then
    [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
    echo "totpkit: $total passed, $failed failed"
  fi
}
trap closing EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# run_suite NAME PATTERN CMD...: runs CMD (output teed to a log), then sums the numbers captured
# by the sed PATTERN from its output; a failing command or a sum of zero counts as a failed
# suite, and the run goes on to the next one (the exit status reports it at the end).
run_suite() {
  local name=$1 pattern=$2
  shift 2
  step "$name"
  local log="$LOGS/$name.log"
  if ! "$@" 2>&1 | tee "$log"; then
    echo "FAILED: $name" >&2
    failed=$((failed + 1))
    summary+=("$(printf '%-28s FAILED' "$name")")
    return 0
  fi
  local n
  n=$(sed -nE "s/$pattern/\1/p" "$log" | awk '{s+=$1} END {print s+0}')
  if [ "$n" -lt 1 ]; then
    echo "FAILED: $name ran no test (a silent skip is a failure)" >&2
    failed=$((failed + 1))
    summary+=("$(printf '%-28s FAILED (no test ran)' "$name")")
    return 0
  fi
  total=$((total + n))
  summary+=("$(printf '%-28s %5d passed' "$name" "$n")")
}

CARGO_PASSED='^test result: ok\. ([0-9]+) passed.*'

step "format and lints (native and wasm32)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The core and the binding crate (wasm/) as the package builds them.
cargo clippy -p totpkit -p totpkit-wasm --target wasm32-unknown-unknown --lib --quiet -- -D warnings
# The smaller modules (wasm/ with its `qr` or `codes` feature: the calls wire.json lists "in" them;
# `codes` also compiles the core's compact SHA-1).
cargo clippy -p totpkit-wasm --features qr --target wasm32-unknown-unknown --lib --quiet -- -D warnings
cargo clippy -p totpkit-wasm --features codes --target wasm32-unknown-unknown --lib --quiet -- -D warnings
# The server kit's binding on its own: it links std (serde_json), the browser's binding must not.
cargo clippy -p totpkit-server --target wasm32-unknown-unknown --lib --quiet -- -D warnings

# The fuzz targets (fuzz/, their own workspace) must keep compiling as the API moves; running
# them is scripts/fuzz.sh's job.
CARGO_TARGET_DIR=target/fuzz-check cargo check --quiet --manifest-path fuzz/Cargo.toml --bins

run_suite "native (cargo test)" "$CARGO_PASSED" cargo test --workspace --quiet

# A counting allocator looks at every buffer the core frees: none may still hold a secret.
run_suite "secrets left in freed memory" '^secret-leaks: ([0-9]+) passed.*' \
  cargo run --quiet --release --manifest-path tests/crosscheck/secret-leaks/Cargo.toml \
  --target-dir target/secret-leaks

step "build the npm package, and check its size"
scripts/build-pkg.sh
node scripts/size.mjs

# The reporter is named: without it node picks one by whether stdout is a terminal, and the
# pattern above reads TAP's "# pass N".
run_suite "package in Node (node:test)" '^# pass ([0-9]+)$' \
  node --test --test-reporter=tap tests/node/ tests/interop/

# What the registries see: attw and publint on pkg/, the files `npm pack` would publish, and the
# crate through `cargo publish --dry-run` and `cargo doc` with -D warnings (tests/package/).
run_suite "ecosystem (npm, crates.io)" '^# pass ([0-9]+)$' \
  node --test --test-reporter=tap tests/package/ecosystem.test.mjs

# totpkit/server through its public API on the memory, SQLite and Postgres stores, two server
# processes sharing a throwaway Postgres cluster the tests start and stop themselves, and the
# packed package in Node, Bun, Deno, workerd and tsc (tests/server-kit/).
run_suite "server kit (Node, Postgres)" '^# pass ([0-9]+)$' \
  node --test --test-reporter=tap tests/server-kit/

run_suite "browser (Playwright)" '^ +([0-9]+) passed.*' \
  npx playwright test -c tests/e2e/playwright.config.mjs

# The same user journeys in Firefox ESR and WebKitGTK (tests/engines/): the package page under
# the strict CSP and the demo's main flow, through a small driver layer. Chromium (above) stays
# the deep suite.
run_suite "Firefox (engines)" '^# pass ([0-9]+)$' \
  node --test --test-reporter=tap tests/engines/firefox.test.mjs
run_suite "WebKit (engines)" '^# pass ([0-9]+)$' \
  node --test --test-reporter=tap tests/engines/webkit.test.mjs

step "summary"
printf '%s\n' "${summary[@]}"
finished=1
echo "totpkit: $total passed, $failed failed"
[ "$failed" -eq 0 ]

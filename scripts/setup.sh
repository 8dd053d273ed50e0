#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need on a fresh machine of this kind
# (Debian 12, rustup, Node 20, Python 3.11, root). Idempotent: what is already installed at the
# right version is skipped, so a warm machine pays nothing.
#
# Versions are pinned here and nowhere else. WASM_BINDGEN must equal the wasm-bindgen version in
# Cargo.lock (the CLI refuses other schema versions); scripts/setup.sh checks that it does.
#
# `scripts/setup.sh build` installs only what building the package and running the demo need
# (no Chromium, no test oracles).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-all}

WASM_BINDGEN=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
# fonts-noto-cjk: Japanese, Chinese and Korean glyphs for the screenshots of the elements'
# languages (Debian's DejaVu covers Latin, Cyrillic and Arabic).
APT_PACKAGES=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb oathtool zbar-tools librsvg2-bin curl postgresql fonts-noto-cjk)

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Rust target for the package.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Debian packages: Chromium for browser tests; Firefox ESR and WebKitGTK's WebKitWebDriver (with
# Xvfb, as its MiniBrowser has no headless mode) for the engine suites (tests/engines/);
# oathtool and zbarimg as independent oracles, rsvg-convert to rasterize our SVG for zbarimg;
# PostgreSQL for the server kit's store tests, which start a throwaway cluster of their own with
# its binaries (tests/server-kit/pg.mjs; the package's own cluster service is not used).
missing=()
[ "$MODE" = build ] && APT_PACKAGES=()
for p in ${APT_PACKAGES[@]+"${APT_PACKAGES[@]}"}; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The wasm-bindgen CLI at the exact version Cargo.lock pins (scripts/build-pkg.sh runs it
# directly; wasm-pack is not needed).
have_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q " $2\$"; }
if ! have_version wasm-bindgen "$WASM_BINDGEN"; then
  # --locked fails for this version here (a pinned webpki-roots is missing from the index).
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN"
fi

# Node tooling (binaryen's wasm-opt, Playwright, axe, the anchors, pg and better-sqlite3 for the
# server kit's stores): pinned by package-lock.json. better-sqlite3 compiles its native module
# here (about a minute; its prebuilt download is unreachable) against Node's own headers.
if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.package-lock.json.copy; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.copy
fi

# The Node lines the runtime tests run the package on besides this machine's (tests/node/lts: the
# registry's `node` packages, a binary each, all named `node`, hence no bin links; about 20 s).
if [ "$MODE" != build ] && { [ ! -d tests/node/lts/node_modules ] || ! cmp -s tests/node/lts/package-lock.json tests/node/lts/node_modules/.package-lock.json.copy; }; then
  log "npm ci in tests/node/lts (Node 20, 22 and 24)"
  npm ci --prefix tests/node/lts --no-bin-links --no-audit --no-fund --loglevel=error
  cp tests/node/lts/package-lock.json tests/node/lts/node_modules/.package-lock.json.copy
fi

# Python oracle.
if [ "$MODE" != build ] && ! python3 -c 'import pyotp' 2>/dev/null; then
  log "pip install -r tests/requirements.txt"
  pip install --quiet --disable-pip-version-check -r tests/requirements.txt
fi

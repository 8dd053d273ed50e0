#!/usr/bin/env bash
# Runs the demo: installs the build tools if missing, builds the npm package into pkg/, then
# starts a backend on 127.0.0.1 (default port 8080), which serves www/ and pkg/ and prints the URL
# and the demo account. `--backend mock` (the default) is the mock server (mock-server/, Rust);
# `--backend node` is the Node one on totpkit/server (demo-node/). Other arguments go to the
# server, e.g.
#   scripts/demo.sh --port 9000 --clock-offset-ms 300000 --data-file demo-data.json
#   scripts/demo.sh --backend node --port 0
set -euo pipefail
cd "$(dirname "$0")/.."
backend=mock
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend=${2:-}; shift $(( $# > 1 ? 2 : 1 )) ;;
    --backend=*) backend=${1#--backend=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$backend" in
  mock|node) ;;
  *) echo "scripts/demo.sh: --backend is mock or node, not '$backend'" >&2; exit 2 ;;
esac
scripts/setup.sh build
scripts/build-pkg.sh
if [ "$backend" = node ]; then
  exec node demo-node/server.mjs ${args[@]+"${args[@]}"}
fi
cargo build --release --quiet -p totpkit-mock-server
exec target/release/totpkit-mock-server ${args[@]+"${args[@]}"}

#!/usr/bin/env bash
# Runs the demo: installs the build tools if missing, builds the npm package into pkg/, then
# starts the mock server on 127.0.0.1 (default port 8080), which serves www/ and pkg/ and prints
# the URL and the demo account. Extra arguments go to the server, e.g.
#   scripts/demo.sh --port 9000 --clock-offset-ms 300000 --data-file demo-data.json
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
scripts/build-pkg.sh
cargo build --release --quiet -p totpkit-mock-server
exec target/release/totpkit-mock-server "$@"

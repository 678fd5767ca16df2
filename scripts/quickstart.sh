#!/usr/bin/env bash
# Installs what is missing, builds, and reports a bundled AlexNet configuration on the ZC706 board.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
build/fpgaconvnet report examples/alexnet.json --platform examples/platforms/zc706.json

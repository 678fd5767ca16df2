#!/usr/bin/env bash
# Installs what is missing, builds, and reports a bundled LeNet configuration on the ZedBoard.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
build/fpgaconvnet report examples/lenet.json --platform examples/platforms/zedboard.json

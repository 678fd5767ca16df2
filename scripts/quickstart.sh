#!/usr/bin/env bash
# Installs what is missing, builds, then finds the best configuration of the bundled TinyVGG model for the
# ZedBoard (build/quickstart/) and reports it: from an ONNX file to a design that fits, in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
rm -rf build/quickstart
build/fpgaconvnet optimise tests/data/models/tinyvgg.onnx --platform examples/platforms/zedboard.json \
    -o build/quickstart --time-limit 10
build/fpgaconvnet report build/quickstart/tinyvgg.json --platform examples/platforms/zedboard.json

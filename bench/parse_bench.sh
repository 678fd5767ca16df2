#!/usr/bin/env bash
# Times the ONNX parser and measures its memory: on the bundled (stripped) models, and on VGG16 with
# its weights written back inline as zeros (about 550 MB), the case a user's own export gives.
#
# Usage: bench/parse_bench.sh [BUILD_DIR [RUNS]]   (default: build, 7 runs)
# A Release build gives the README's figures:
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release
#   bench/parse_bench.sh build-release
# The weighted model is made under BUILD_DIR/bench/ and removed afterwards (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
runs=${2:-7}
models=tests/data/models
bench_parse=$build/bench/bench_parse
make_weights=$build/bench/make_weights
cli=$build/fpgaconvnet
for tool in "$bench_parse" "$make_weights" "$cli"; do
    if [ ! -x "$tool" ]; then
        echo "parse_bench: $tool is missing (build it: cmake --build $build)" >&2
        exit 1
    fi
done

work=$build/bench/parse_bench
mkdir -p "$work"
weighted=$work/vgg16_weights.onnx
[ "${KEEP:-0}" = 1 ] || trap 'rm -f "$weighted"' EXIT
if [ ! -s "$weighted" ] || [ "$models/vgg16.onnx" -nt "$weighted" ]; then
    "$make_weights" "$models/vgg16.onnx" "$weighted"
fi

echo "== fcn_onnx_parse, median of $runs runs (warm page cache); peak resident set while parsing"
# The stripped models share one process (the peak is reset per model); the big one gets its own.
"$bench_parse" -n "$runs" "$models"/{lenet,tinyvgg,alexnet,vgg11,vgg16}.onnx
"$bench_parse" -n "$runs" "$weighted" | tail -n 1

# The whole command, process start and JSON writing included, where GNU time is installed.
if [ -x /usr/bin/time ]; then
    echo
    echo "== fpgaconvnet parse (the whole process), GNU time"
    for model in "$models/vgg16.onnx" "$weighted"; do
        /usr/bin/time -f "$model: %e s wall, %M kB peak resident" "$cli" parse "$model" -o /dev/null
    done
fi

size=$(stat -c %s "$weighted")
echo
echo "$weighted: $((size / 1000000)) MB"

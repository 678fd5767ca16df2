#!/usr/bin/env bash
# How reading scales with a model's size: a chain of N Relu nodes (bench/make_chain) parsed, its
# configuration written, read back and reported, for N = 2,000 and 40,000 (linear: 20x the time).
# Prints the README's table.
#
# Usage: bench/scale_bench.sh [BUILD_DIR]   (a Release build: cmake --build build-release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cli=$build/fpgaconvnet
work=$build/bench/scale
mkdir -p "$work"

# seconds COMMAND...: the wall time of one run, in seconds.
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

echo "| layers | parse (ONNX to configuration file) | read the configuration (bench load_s) | report |"
echo "|---:|---:|---:|---:|"
for n in 2000 40000; do
    "$build/bench/make_chain" "$n" "$work/chain$n.onnx"
    parse=$(seconds "$cli" parse "$work/chain$n.onnx" -o "$work/chain$n.json")
    load=$("$cli" bench "$work/chain$n.json" --seconds 1 | sed -n 's/.*"load_s": \([0-9.e-]*\),/\1/p')
    report=$(seconds "$cli" report "$work/chain$n.json" -o "$work/chain$n.txt")
    printf '| %d | %.2f s | %.2f s | %.2f s |\n' "$n" "$parse" "$load" "$report"
done

#!/usr/bin/env bash
# How the optimiser's greedy pass scales with a network's length (issue 14): a chain of N Relu nodes
# (bench/make_chain, 1x4x8x8) optimised for the ZC706 by the greedy pass alone (one search), then by the
# default search (greedy, then annealing) with a time limit, for each N given (default 100, 1,000, 4,000).
# Prints a markdown table: the greedy pass's designs and time, and when annealing first reported.
#
# Usage: bench/greedy_scale_bench.sh [BUILD_DIR [LAYERS...]]   (a Release build: cmake --build build-release)
#        LIMIT=30 bench/greedy_scale_bench.sh build-release 100 1000 4000
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
[ $# -gt 0 ] || set -- 100 1000 4000
limit=${LIMIT:-30}
cli=$build/fpgaconvnet
platform=examples/platforms/zc706.toml
work=$(mktemp -d "${TMPDIR:-/tmp}/fcn_greedy_scale.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "| layers | greedy pass: designs | greedy pass: time | default search ($limit s): first annealing report | throughput |"
echo "|---:|---:|---:|---:|---:|"
for n in "$@"; do
    "$build/bench/make_chain" "$n" "$work/chain$n.onnx"
    greedy=$("$cli" optimise "$work/chain$n.onnx" --platform "$platform" -o "$work/greedy$n" --optimiser greedy \
        --threads 1 --quiet --time-limit "$limit" 2>/dev/null)
    designs=$(sed -n 's/^searched \([0-9]*\) designs.*/\1/p' <<<"$greedy")
    seconds=$(sed -n 's/.*, \([0-9.]*\) s\( (time limit)\)\{0,1\}$/\1/p' <<<"$greedy" | head -n 1)
    "$cli" optimise "$work/chain$n.onnx" --platform "$platform" -o "$work/auto$n" --threads 1 --quiet \
        --time-limit "$limit" >/dev/null 2>&1
    first=$(awk -F, '$NF == "annealing" { print $1 " s"; found = 1; exit } END { if (!found) print "never" }' \
        "$work/auto$n/optimiser.csv")
    throughput=$(awk -F, '$NF == "done" { print $4 }' "$work/auto$n/optimiser.csv")
    printf '| %d | %s | %s s | %s | %s |\n' "$n" "$designs" "$seconds" "$first" "$throughput"
done

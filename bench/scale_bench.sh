#!/usr/bin/env bash
# How reading scales with a model's size: a chain of N Relu nodes (bench/make_chain) parsed, its
# configuration written, read back and reported, for each N given (default 2,000 and 40,000; linear:
# 20x the time). Prints the README's table; with GNU time (/usr/bin/time), each step's peak memory too.
#
# Usage: bench/scale_bench.sh [BUILD_DIR [LAYERS...]]   (a Release build: cmake --build build-release)
#        bench/scale_bench.sh build-release 2000 40000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
[ $# -gt 0 ] || set -- 2000 40000
cli=$build/fpgaconvnet
work=$build/bench/scale
mkdir -p "$work"
gnu_time=
if /usr/bin/time -f %M true 2>/dev/null; then gnu_time=/usr/bin/time; fi

# measure OUT COMMAND...: runs it, its output into OUT; sets $seconds (wall) and $peak (MB, or "-").
measure() {
    local out=$1 start end
    shift
    start=$(date +%s.%N)
    if [ -n "$gnu_time" ]; then
        "$gnu_time" -f %M -o "$work/peak" "$@" >"$out"
        peak=$(awk '{ printf "%.0f MB", $1 / 1024 }' "$work/peak")
    else
        "$@" >"$out"
        peak=-
    fi
    end=$(date +%s.%N)
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
}

echo "| layers | parse (ONNX to configuration file) | read the configuration (bench load_s) | report | peak memory: parse / bench / report |"
echo "|---:|---:|---:|---:|---:|"
for n in "$@"; do
    "$build/bench/make_chain" "$n" "$work/chain$n.onnx"
    measure /dev/null "$cli" parse "$work/chain$n.onnx" -o "$work/chain$n.json"
    parse=$seconds parse_peak=$peak
    measure "$work/chain$n.bench.json" "$cli" bench "$work/chain$n.json" --seconds 1
    load=$(sed -n 's/.*"load_s": \([0-9.e-]*\),/\1/p' "$work/chain$n.bench.json")
    bench_peak=$peak
    measure /dev/null "$cli" report "$work/chain$n.json" -o "$work/chain$n.txt"
    printf '| %d | %.2f s | %.2f s | %.2f s | %s / %s / %s |\n' "$n" "$parse" "$load" "$seconds" "$parse_peak" \
        "$bench_peak" "$peak"
done

#!/usr/bin/env bash
# The README's table of issue 14: how close the optimiser comes to the model's bound
# (docs/OPTIMISER-BOUND.md) for the bundled networks on four boards: throughput at batch 256,
# 0.8 of each resource, seed 1, a time limit (default 20 s), every search the machine's cores run.
# Each result is checked with `validate --model`. Prints markdown on standard output.
#
# Usage: bench/bound_bench.sh [BUILD_DIR [SECONDS [THREADS]]]   (default: build, 20 s, every core)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-20}
threads=${3:-$(getconf _NPROCESSORS_ONLN)}
cli=$build/fpgaconvnet
[ -x "$cli" ] || { echo "bound_bench: $cli is missing (build it: cmake --build $build)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fcn_bound_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# json_number FILE KEY: the first "KEY": number in a JSON file the tool wrote (one key per line).
json_number() { sed -n "s/^ *\"$2\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$1" | head -n 1; }

echo "| network | board | throughput (inputs/s) | bound (what binds) | ratio | partitions | time | validates |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
ratios=()
for board in zc706 zcu102 zcu104 u250; do
    platform=examples/platforms/$board.toml
    for model in alexnet vgg16 resnet18 resnet50 mobilenet_v2; do
        dir=$work/$model-$board
        summary=$("$cli" optimise "tests/data/models/$model.onnx" --platform "$platform" -o "$dir" --quiet \
            --time-limit "$seconds" --seed 1 --threads "$threads")
        valid=yes
        "$cli" validate "$dir/$model.json" --platform "$platform" --resource-allocation 0.8 \
            --model "tests/data/models/$model.onnx" >/dev/null || valid="**NO**"
        time=$(sed -n 's/.*, \([0-9.]*\) s\( (time limit)\)\{0,1\}$/\1/p' <<<"$summary" | head -n 1)
        ratio=$(json_number "$dir/bound.json" ratio)
        ratios+=("$ratio")
        binds=$(sed -n 's/.*(\([A-Za-z ]*\) binds).*/\1/p' <<<"$summary" | head -n 1)
        awk -v m="$model" -v b="$board" -v tp="$(json_number "$dir/report.json" throughput)" \
            -v bound="$(json_number "$dir/bound.json" throughput)" -v binds="$binds" -v r="$ratio" \
            -v p="$(json_number "$dir/report.json" partitions)" -v t="$time" -v ok="$valid" '
            function rate(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.2f", x) }
            BEGIN { printf "| %s | %s | %s | %s (%s) | %.2f | %d | %.1f s | %s |\n", m, b, rate(tp), rate(bound),
                           binds, r, p, t, ok }'
    done
done
printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "\nMedian ratio %.2f, lowest %.2f, over %d problems.\n", m, v[1], NR }'

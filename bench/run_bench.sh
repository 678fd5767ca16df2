#!/usr/bin/env bash
# The README's speed and optimiser tables, measured with the tool itself:
#   1. `fpgaconvnet bench` on the golden configurations (examples/*.json) and on VGG16's default
#      configuration: load, evaluate once (whole, and the allocation-free summary), evaluations/s;
#   2. `fpgaconvnet bench --model` on the bundled models: parse, and evaluate the default configuration;
#   3. `fpgaconvnet optimise` on the issue's problems (tinyvgg, alexnet, vgg16 on the ZC706 and the
#      ZedBoard, throughput at batch 256 and latency at batch 1, and lenet; resnet18 and mobilenet_v2
#      on the ZC706 for throughput), each result checked with
#      `fpgaconvnet validate` at the same allocation and against the model;
#   4. the Python optimisers' problems at their clock and allocation, with a hundredth of their time.
# Prints markdown on standard output.
#
# Usage: bench/run_bench.sh [BUILD_DIR [SECONDS]]   (default: build, 2 s per bench file)
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release
#   bench/run_bench.sh build-release
# SKIP=bench|optimise leaves a part out.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
seconds=${2:-2}
cli=$build/fpgaconvnet
models=tests/data/models
platforms=examples/platforms
work=$build/bench/run_bench
[ -x "$cli" ] || { echo "run_bench: $cli is missing (build it: cmake --build $build)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"

# json_number FILE KEY: the first "KEY": number in a JSON file the tool wrote (one key per line).
json_number() { sed -n "s/^ *\"$2\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$1" | head -n 1; }

# Seconds in readable units.
human_time() {
    awk -v s="$1" 'BEGIN {
        if (s >= 1) printf "%.2f s", s; else if (s >= 1e-3) printf "%.2f ms", s * 1e3;
        else if (s >= 1e-6) printf "%.2f µs", s * 1e6; else printf "%.0f ns", s * 1e9 }'
}

bench_configs() {
    "$cli" parse "$models/vgg16.onnx" -o "$work/vgg16.json"
    echo "| configuration | partitions | layers | load | evaluate (full) | evaluate (summary) | evaluations/s (summary) | reference (Python 0.1.1) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    local config out reference evaluate summary load
    for config in examples/lenet.json examples/tinyvgg.json examples/alexnet.json examples/vgg11.json "$work/vgg16.json"; do
        out=$work/$(basename "$config" .json).bench.json
        "$cli" bench "$config" --seconds "$seconds" >"$out"
        load=$(json_number "$out" load_s)
        evaluate=$(json_number "$out" evaluate_s)
        summary=$(json_number "$out" summary_s)
        case $config in
        *alexnet.json) reference=$(awk -v e="$evaluate" -v s="$summary" 'BEGIN {
                           printf "1.31 ms to evaluate: %.0f× (full), %.0f× (summary)", 1.31e-3 / e, 1.31e-3 / s }') ;;
        *vgg16.json) reference=$(awk -v e="$evaluate" -v s="$summary" -v l="$load" 'BEGIN {
                           printf "2.37 ms to evaluate: %.0f× (full), %.0f× (summary); 41.5 ms to load: %.0f×",
                                  2.37e-3 / e, 2.37e-3 / s, 41.5e-3 / l }') ;;
        *) reference="" ;;
        esac
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n" "${config#"$build/bench/run_bench/"}" \
            "$(json_number "$out" partitions)" "$(json_number "$out" layers)" "$(human_time "$load")" \
            "$(human_time "$evaluate")" "$(human_time "$summary")" \
            "$(awk -v s="$(json_number "$out" summary_evaluations_per_s)" 'BEGIN { printf "%.0f", s }')" "$reference"
    done
    echo
    echo "| model | layers | parse | evaluate the default configuration (full / summary) |"
    echo "|---|---:|---:|---:|"
    local model
    for model in lenet tinyvgg alexnet vgg11 vgg16 resnet18 resnet50 mobilenet_v2; do
        out=$work/$model.parse.json
        "$cli" bench --model "$models/$model.onnx" --seconds "$seconds" >"$out"
        printf "| %s | %s | %s | %s / %s |\n" "$model" "$(json_number "$out" layers)" \
            "$(human_time "$(json_number "$out" parse_s)")" "$(human_time "$(json_number "$out" evaluate_s)")" \
            "$(human_time "$(json_number "$out" summary_s)")"
    done
}

# optimise_row LABEL MODEL PLATFORM OBJECTIVE [OPTIONS...]: one table row, after checking the result.
optimise_row() {
    local label=$1 model=$2 platform=$3 objective=$4
    shift 4
    local dir=$work/$model-$platform-$objective-$RANDOM allocation=0.8 arg
    for arg in "$@"; do [ "${prev:-}" = "--resource-allocation" ] && allocation=$arg; prev=$arg; done
    prev=
    local summary
    summary=$("$cli" optimise "$models/$model.onnx" --platform "$platforms/$platform.json" -o "$dir" \
        --objective "$objective" --quiet "$@")
    local freq_args=()
    for arg in "$@"; do [ "${prev:-}" = "--freq" ] && freq_args=(--freq "$arg"); prev=$arg; done
    prev=
    local valid="yes"
    "$cli" validate "$dir/$model.json" --platform "$platforms/$platform.json" --resource-allocation "$allocation" \
        --model "$models/$model.onnx" "${freq_args[@]}" >/dev/null || valid="**NO**"
    local report=$dir/report.json time designs evaluations
    time=$(sed -n 's/.*, \([0-9.]*\) s\( (time limit)\)\{0,1\}$/\1/p' <<<"$summary" | head -n 1)
    designs=$(sed -n 's/^searched \([0-9]*\) designs\( in [0-9]* searches\)\{0,1\}, \([0-9]*\) layer.*/\1/p' <<<"$summary")
    evaluations=$(sed -n 's/^searched \([0-9]*\) designs\( in [0-9]* searches\)\{0,1\}, \([0-9]*\) layer.*/\3/p' <<<"$summary")
    # The model's bound for the network on the board (docs/OPTIMISER-BOUND.md) and the design's share of it.
    local bound=$dir/bound.json bound_value
    if [ "$objective" = latency ]; then bound_value=$(json_number "$bound" latency_s); else
        bound_value=$(json_number "$bound" throughput); fi
    awk -v label="$label" -v tp="$(json_number "$report" throughput)" -v lat="$(json_number "$report" latency_s)" \
        -v parts="$(json_number "$report" partitions)" -v lut="$(json_number "$report" LUT)" \
        -v ff="$(json_number "$report" FF)" -v dsp="$(json_number "$report" DSP)" \
        -v bram="$(json_number "$report" BRAM)" -v t="$time" -v d="$designs" -v e="$evaluations" -v ok="$valid" \
        -v limit="$(grep -c 'time limit' <<<"$summary" || true)" -v bound="$bound_value" \
        -v ratio="$(json_number "$bound" ratio)" -v objective="$objective" '
        function rate(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 1 ? sprintf("%.2f", x) : sprintf("%.3g", x) }
        function span(x) { return x >= 1 ? sprintf("%.3g s", x) : x >= 1e-3 ? sprintf("%.3g ms", x * 1e3) \
                                                              : sprintf("%.3g µs", x * 1e6) }
        BEGIN {
            printf "| %s | %s | %s | %s (%.2f) | %d | %d / %d / %d / %d | %.2f s%s | %.1f M / %.1f M | %s |\n",
                   label, rate(tp), span(lat), (objective == "latency" ? span(bound) : rate(bound)), ratio, parts,
                   lut, ff, dsp, bram, t, (limit > 0 ? " (limit)" : ""),
                   (t > 0 ? d / t / 1e6 : 0), (t > 0 ? e / t / 1e6 : 0), ok }'
}

optimise_tables() {
    echo "| problem | throughput (inputs/s) | latency | bound (ratio) | partitions | LUT / FF / DSP / BRAM | time | designs / layer evaluations a second | validates |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
    local platform model objective
    for platform in zc706 zedboard; do
        for model in lenet tinyvgg alexnet vgg16; do
            for objective in throughput latency; do
                optimise_row "$model, $platform, $objective" "$model" "$platform" "$objective"
            done
        done
    done
    for model in resnet18 mobilenet_v2; do # branching networks
        optimise_row "$model, zc706, throughput" "$model" zc706 throughput
    done
    echo
    echo "| problem (ZC706, throughput, batch 256), --time-limit | Python tool's throughput | throughput (inputs/s) | latency | bound (ratio) | partitions | LUT / FF / DSP / BRAM | time | designs / layer evaluations a second | validates |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    comparison "tinyvgg: SAMO rule-based (100 MHz, 1.0, 37 s), 0.37 s" 3906 tinyvgg --freq 100 --resource-allocation 1.0 --time-limit 0.37
    comparison "tinyvgg: fpgaconvnet-optimiser annealing (125 MHz, 0.75, 91 s), 0.91 s" 1906 tinyvgg --freq 125 --resource-allocation 0.75 --time-limit 0.91
    comparison "lenet: SAMO rule-based (100 MHz, 1.0, 12 s), 0.12 s" 127551 lenet --freq 100 --resource-allocation 1.0 --time-limit 0.12
    comparison "alexnet: fpgaconvnet-optimiser, all transforms (125 MHz, 0.75, 73 s), 0.73 s" "4.69 (6 partitions)" alexnet --freq 125 --resource-allocation 0.75 --time-limit 0.73
    comparison "vgg16: fpgaconvnet-optimiser, all transforms (125 MHz, 0.75, 81 s), 0.81 s" "0.082 (12 partitions)" vgg16 --freq 125 --resource-allocation 0.75 --time-limit 0.81
}

# comparison LABEL PYTHON_THROUGHPUT MODEL OPTIONS...
comparison() {
    local label=$1 python=$2 model=$3
    shift 3
    optimise_row "$label" "$model" zc706 throughput "$@" | sed "s/^| \([^|]*\) |/| \1 | $python |/"
}

[ "${SKIP:-}" = bench ] || bench_configs
echo
[ "${SKIP:-}" = optimise ] || optimise_tables

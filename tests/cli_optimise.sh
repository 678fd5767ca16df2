#!/usr/bin/env bash
# `fpgaconvnet optimise`: the output directory and its files, a result that validates with the same
# allocation, the same seed giving the same configuration, the progress line only on a terminal, and
# every bad input (one line, non-zero exit, no output directory left behind).
# Usage: cli_optimise.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_optimise.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_optimise.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

lenet=data/models/lenet.onnx
zedboard=../examples/platforms/zedboard.json
# Small budgets: each search takes a fraction of a second.
quick=(--iterations 20000 --time-limit 60)

# expect_files NAME DIR FILES...: each file exists and is not empty.
expect_files() {
    local name=$1 dir=$2 file
    shift 2
    for file in "$@"; do
        if [ -s "$dir/$file" ]; then pass; else fail "$name: $dir/$file is missing or empty"; fi
    done
}

# expect_no_output NAME: neither OUTDIR nor a staging directory beside it is left.
expect_no_output() {
    if [ -e "$tmp/res" ] || compgen -G "$tmp/res.tmp-*" >/dev/null; then
        fail "$1: left $(ls -d "$tmp"/res* | tr '\n' ' ')"
    else
        pass
    fi
}

# ------------------------------------------------------------------ a search and its files
expect_ok "throughput" optimise "$lenet" --platform "$zedboard" -o "$tmp/a" "${quick[@]}" --seed 3
expect_output_re "throughput" "^lenet on zedboard: throughput [0-9.e+]+ inputs/s, [0-9]+ partitions?, "
expect_output "throughput" "wrote $tmp/a/"
expect_output_re "throughput: the bound" "^bound [0-9.e+]+ inputs/s \((DSP|BRAM|LUT|FF|pixel rate|partitioning) binds\): the design reaches (0\.[0-9]+|1\.000) of it$"
expect_files "throughput" "$tmp/a" lenet.json report.json scheduler.csv topology.png optimiser.csv bound.json
if grep -qE '"ratio": (0\.[0-9]+|1\.0)' "$tmp/a/bound.json"; then pass; else fail "bound.json: the ratio"; fi
if head -n 1 "$tmp/a/optimiser.csv" | grep -qx "elapsed_s,temperature,current_throughput,best_throughput,best_lut,best_ff,best_dsp,best_bram,partitions,iterations,phase"; then
    pass
else
    fail "optimiser.csv header" "$(head -n 1 "$tmp/a/optimiser.csv")"
fi
if tail -n 1 "$tmp/a/optimiser.csv" | grep -qE ",done$"; then pass; else fail "optimiser.csv ends with done"; fi
if grep -q '"fits": true' "$tmp/a/report.json"; then pass; else fail "report.json: fits on the platform"; fi
if [ ! -e "$tmp"/a.tmp-* ]; then pass; else fail "staging directory left beside the output"; fi

# The configuration passes validate with the same allocation and the model's coverage, and loads in report.
expect_ok "validate" validate "$tmp/a/lenet.json" --platform "$zedboard" --resource-allocation 0.8 --model "$lenet"
expect_output "validate" "valid: $tmp/a/lenet.json fits zedboard"
expect_ok "report" report "$tmp/a/lenet.json" --format json -o "$tmp/a.report.json"
expect_ok "schedule" schedule "$tmp/a/lenet.json" -o "$tmp/a.scheduler.csv"
if cmp -s "$tmp/a.scheduler.csv" "$tmp/a/scheduler.csv"; then pass; else fail "scheduler.csv differs from 'schedule'"; fi

# The same seed gives the same configuration, byte for byte.
expect_ok "same seed" optimise "$lenet" --platform "$zedboard" -o "$tmp/b" "${quick[@]}" --seed 3
if cmp -s "$tmp/a/lenet.json" "$tmp/b/lenet.json"; then pass; else fail "same seed: configurations differ"; fi

# Latency: batch 1, and an existing empty directory is filled.
mkdir "$tmp/c"
expect_ok "latency" optimise "$lenet" --platform "$zedboard" -o "$tmp/c" "${quick[@]}" --objective latency \
    --optimiser greedy --no-reconfiguration --freq 125 --reconf-time 0.1 --resource-allocation 0.6
expect_output_re "latency" "^lenet on zedboard: latency [0-9.e+-]+ s, 1 partition, "
if grep -q '"batch_size": 1,' "$tmp/c/lenet.json" && [ "$(grep -c '"id":' "$tmp/c/lenet.json")" -eq 1 ]; then
    pass
else
    fail "latency: batch 1 in one partition"
fi
if head -n 1 "$tmp/c/optimiser.csv" | grep -q "current_latency_s,best_latency_s"; then pass; else fail "latency csv"; fi
expect_ok "latency validates" validate "$tmp/c/lenet.json" --platform "$zedboard" --resource-allocation 0.6 --freq 125

# --config-format newest writes the same design in the newest form (docs/CONFIG.md): the same report.
expect_ok "newest form" optimise "$lenet" --platform "$zedboard" -o "$tmp/n" "${quick[@]}" --seed 3 --quiet \
    --config-format newest
if grep -q '"input_nodes"' "$tmp/n/lenet.json" && ! grep -q '"node_in"' "$tmp/n/lenet.json"; then
    pass
else
    fail "newest form: $tmp/n/lenet.json is not in the newest form"
fi
if cmp -s "$tmp/a/report.json" "$tmp/n/report.json"; then pass; else fail "newest form: report.json differs"; fi
expect_ok "newest form validates" validate "$tmp/n/lenet.json" --platform "$zedboard" --resource-allocation 0.8 \
    --model "$lenet"
expect_error "config format" 2 "optimise: --config-format: unknown format '0.2' (expected 0.1.1 or newest)" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --config-format 0.2

# --threads N: 2N searches seeded S, S+1, ... in N threads; the same seed and N give the same design; one
# search is the search alone (the same as the library's default).
expect_ok "threads 3" optimise "$lenet" --platform "$zedboard" -o "$tmp/t3a" "${quick[@]}" --seed 3 --threads 3
expect_output "threads 3: summary" "designs in 6 searches,"
expect_ok "threads 3 again" optimise "$lenet" --platform "$zedboard" -o "$tmp/t3b" "${quick[@]}" --seed 3 --threads 3
if cmp -s "$tmp/t3a/lenet.json" "$tmp/t3b/lenet.json"; then pass; else fail "threads 3: configurations differ"; fi
expect_ok "threads 1" optimise "$lenet" --platform "$zedboard" -o "$tmp/t1" "${quick[@]}" --seed 3 --threads 1
if grep -q "searches" "$tmp/out"; then fail "threads 1: the summary counts searches"; else pass; fi
for value in 0 -2 abc 1.5 257 ''; do
    expect_error "--threads '$value'" 2 "optimise: --threads: '$value' is not an integer from 1 to 256" \
        optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --threads "$value"
done

# A configuration of the network is a model too.
expect_ok "configuration as model" optimise ../examples/lenet.json --platform "$zedboard" -o "$tmp/d" \
    --optimiser annealing "${quick[@]}" --quiet
expect_files "configuration as model" "$tmp/d" lenet.json

# The progress line goes to a terminal only, and --quiet silences it there too.
if command -v script >/dev/null; then
    script -qec "$cli optimise $lenet --platform $zedboard -o $tmp/e ${quick[*]}" /dev/null >"$tmp/tty" 2>&1
    if grep -q "best" "$tmp/tty" && grep -q "partition" "$tmp/tty"; then pass; else fail "progress on a terminal" "$(head -c 300 "$tmp/tty")"; fi
    script -qec "$cli optimise $lenet --platform $zedboard -o $tmp/f ${quick[*]} --quiet" /dev/null >"$tmp/tty" 2>&1
    if ! grep -q "annealing" "$tmp/tty"; then pass; else fail "--quiet on a terminal"; fi
fi

# ------------------------------------------------------------------ bad input
expect_error "objective" 2 "optimise: --objective: unknown objective 'speed' (expected throughput or latency)" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --objective speed
expect_error "optimiser" 2 "optimise: --optimiser: unknown optimiser 'genetic' (expected auto, greedy or annealing)" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --optimiser genetic
expect_error "time limit 0" 2 "optimise: --time-limit: '0' is not a positive number" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --time-limit 0
expect_error "time limit negative" 2 "optimise: --time-limit: '-3' is not a positive number" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --time-limit -3
expect_error "allocation 0" 2 "optimise: --resource-allocation: '0' is not a positive number" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --resource-allocation 0
expect_error "allocation 1.5" 2 "optimise: --resource-allocation: 1.5 is outside (0, 1]" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --resource-allocation 1.5
expect_error "seed" 2 "optimise: --seed: '-1' is not a whole number from 0 to 18446744073709551615" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --seed -1
expect_error "iterations" 2 "optimise: --iterations: 'many' is not an integer from 1 to" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/res" --iterations many
expect_error "no platform" 2 "optimise: missing --platform PLATFORM.json" optimise "$lenet" -o "$tmp/res"
expect_error "no outdir" 2 "optimise: missing -o OUTDIR" optimise "$lenet" --platform "$zedboard"
expect_error "no model" 2 "optimise: missing MODEL.onnx" optimise --platform "$zedboard" -o "$tmp/res"
expect_no_output "usage errors"

touch "$tmp/file"
expect_error "unwritable outdir" 1 "cannot write '$tmp/file/out': Not a directory" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/file/out" "${quick[@]}"
expect_error "outdir is a file" 1 "cannot write '$tmp/file': it exists and is not a directory" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/file" "${quick[@]}"
expect_error "outdir not empty" 1 "cannot write '$tmp/a': it exists and is not empty (give a new directory)" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/a" "${quick[@]}"
if cmp -s "$tmp/a/lenet.json" "$tmp/b/lenet.json"; then pass; else fail "outdir not empty: its files were touched"; fi

printf 'not a protobuf' >"$tmp/broken.onnx"
expect_error "model fails to parse" 1 "$tmp/broken.onnx" \
    optimise "$tmp/broken.onnx" --platform "$zedboard" -o "$tmp/res" "${quick[@]}"
expect_no_output "model fails to parse"

sed 's/"BRAM": [0-9]*/"BRAM": 10/' "$zedboard" >"$tmp/small.json"
expect_error "nothing fits" 1 "$lenet: nothing fits on zedboard: even the smallest design" \
    optimise "$lenet" --platform "$tmp/small.json" -o "$tmp/res" "${quick[@]}"
run optimise "$lenet" --platform "$tmp/small.json" -o "$tmp/res" "${quick[@]}"
if grep -qE "needs BRAM [0-9]+ for layer '[a-z0-9]+', [0-9.]+ \([0-9]+%\) more than the 8 allowed \(0.8 of the platform's 10\)" "$tmp/err"; then
    pass
else
    fail "nothing fits: which resource, by how much" "$(cat "$tmp/err")"
fi
expect_no_output "nothing fits"

expect_error "missing platform file" 1 "$tmp/nope.json" optimise "$lenet" --platform "$tmp/nope.json" -o "$tmp/res"
expect_no_output "missing platform file"

harness_summary

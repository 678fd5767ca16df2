#!/usr/bin/env bash
# `fpgaconvnet bench`: JSON with the load (or parse) time, the evaluation times and rates; its errors.
# Usage: cli_bench.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_bench.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

number='[0-9.]+(e[-+][0-9]+)?'

expect_ok "configuration" bench ../examples/lenet.json --seconds 0.05
expect_output "configuration" '"file": "../examples/lenet.json",'
expect_output "configuration" '"kind": "configuration",'
expect_output "configuration" '"partitions": 4,'
expect_output "configuration" '"layers": 11,'
for key in load_s evaluate_s summary_s evaluations_per_s summary_evaluations_per_s; do
    expect_output_re "configuration: $key" "^  \"$key\": $number,\$"
done
# The whole output is one JSON object (when python3 is here to say so).
if command -v python3 >/dev/null; then
    if python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out"; then pass; else fail "configuration: not JSON"; fi
fi

expect_ok "model" bench --model data/models/lenet.onnx --seconds 0.05
expect_output "model" '"kind": "model",'
expect_output_re "model: parse_s" "^  \"parse_s\": $number,\$"
expect_output_re "model: evaluate_s" "^  \"evaluate_s\": $number,\$"

expect_error "no file" 2 "bench: missing CONFIG.json or --model MODEL.onnx" bench
expect_error "both" 2 "bench: give CONFIG.json or --model MODEL.onnx, not both" bench ../examples/lenet.json --model x.onnx
expect_error "seconds 0" 2 "bench: --seconds: '0' is not a positive number" bench ../examples/lenet.json --seconds 0
expect_error "missing config" 1 "$tmp/nope.json: cannot open" bench "$tmp/nope.json"
printf 'not a protobuf' >"$tmp/broken.onnx"
expect_error "broken model" 1 "$tmp/broken.onnx" bench --model "$tmp/broken.onnx"
expect_error "unknown option" 2 "unknown option '--fast'" bench ../examples/lenet.json --fast

harness_summary

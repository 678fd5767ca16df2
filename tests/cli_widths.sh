#!/usr/bin/env bash
# --data-width and --weight-width (parse, report --model, visualise --model, optimise): a float model's
# widths, written into the configuration; a quantised model's own types win; every bad value is one
# line and exit 2. Quantised models' errors reach the command line as one line and exit 1.
# Usage: cli_widths.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_widths.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_widths.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

lenet=data/models/lenet.onnx
quantised=data/models/quantised
zedboard=../examples/platforms/zedboard.json

# expect_all NAME FILE FIELD VALUE: FILE has FIELD, and every FIELD in it has VALUE.
expect_all() {
    local all with
    all=$(grep -c "\"$3\":" "$2")
    with=$(grep -c "\"$3\": $4[,]*\$" "$2")
    if [ "$all" -gt 0 ] && [ "$all" -eq "$with" ]; then
        pass
    else
        fail "$1: $with of the $all \"$3\" in $2 are $4"
    fi
}

# expect_count NAME FILE FIELD VALUE N: N of FILE's FIELDs have VALUE.
expect_count() {
    local with
    with=$(grep -c "\"$3\": $4[,]*\$" "$2")
    if [ "$with" -eq "$5" ]; then pass; else fail "$1: $with \"$3\": $4 in $2, expected $5"; fi
}

# ------------------------------------------------------------------- help
for command in parse report visualise optimise; do
    expect_ok "$command --help" "$command" --help
    expect_output "$command --help: --data-width" "--data-width N"
    expect_output "$command --help: --weight-width" "--weight-width N"
done

# ------------------------------------------------- parse writes the widths
expect_ok "parse --data-width 8 --weight-width 4" parse "$lenet" --data-width 8 --weight-width 4 -o "$tmp/w.json"
expect_count "conv and inner product: input width 8" "$tmp/w.json" input_width 8 5
expect_all "input widths" "$tmp/w.json" input_width 8
expect_all "output widths" "$tmp/w.json" output_width 8
expect_all "weight widths" "$tmp/w.json" weight_width 4
expect_all "acc widths stay" "$tmp/w.json" acc_width 16
expect_all "biases widths stay" "$tmp/w.json" biases_width 16
# 11 layers of 8 bits; the squeezes the writer derives keep their 16
expect_count "data widths of the layers" "$tmp/w.json" data_width 8 11
# ... and newest upstream's buffers: the same 11 layers carry use_lutram (docs/MODEL-WIDTHS.md)
expect_count "use_lutram on the layers" "$tmp/w.json" use_lutram true 11
expect_ok "report on it" report "$tmp/w.json" --format json
cp "$tmp/out" "$tmp/w.report.json"
expect_ok "report --model with the widths" report --model "$lenet" --data-width 8 --weight-width 4 --format json
if cmp -s "$tmp/out" "$tmp/w.report.json"; then pass; else fail "report --model differs from report on the parse"; fi
expect_ok "report --model, default widths" report --model "$lenet" --format json
if cmp -s "$tmp/out" "$tmp/w.report.json"; then fail "the widths change no figure"; else pass; fi
expect_ok "--data-width=N" parse "$lenet" --data-width=8 --weight-width=4
if cmp -s "$tmp/out" "$tmp/w.json"; then pass; else fail "--data-width=8 differs from --data-width 8"; fi
expect_ok "parse, default widths" parse "$lenet" -o "$tmp/w16.json"
expect_count "parse, default widths: no use_lutram" "$tmp/w16.json" use_lutram true 0
expect_ok "--weight-width alone" parse "$lenet" --weight-width 36 -o "$tmp/w36.json"
expect_all "--weight-width alone: weights" "$tmp/w36.json" weight_width 36
expect_all "--weight-width alone: inputs stay" "$tmp/w36.json" input_width 16

# A quantised model's own types win: qdq_int8 is quantised throughout.
expect_ok "parse a QDQ model with --data-width 12" parse "$quantised/qdq_int8.onnx" --data-width 12 -o "$tmp/q.json"
expect_count "QDQ: no layer takes 12" "$tmp/q.json" data_width 12 0
expect_all "QDQ: int8 inputs" "$tmp/q.json" input_width 8
expect_all "QDQ: int8 weights" "$tmp/q.json" weight_width 8
expect_all "QDQ: int32 biases" "$tmp/q.json" biases_width 32

expect_ok "visualise --model with widths" visualise --model "$lenet" --data-width 8 --weight-width 4 -o "$tmp/w.dot"
expect_ok "optimise with widths" optimise "$lenet" --platform "$zedboard" -o "$tmp/opt" --data-width 8 \
    --weight-width 4 --iterations 2000 --quiet
expect_all "optimise: the result keeps the weight widths" "$tmp/opt/lenet.json" weight_width 4
expect_all "optimise: the result keeps the input widths" "$tmp/opt/lenet.json" input_width 8
expect_count "optimise: the result keeps use_lutram" "$tmp/opt/lenet.json" use_lutram true 11

# ------------------------------------------------------------ usage errors
for value in 0 37 -1 abc 8.5 ''; do
    expect_error "parse --data-width '$value'" 2 "parse: --data-width: '$value' is not an integer from 1 to 36" \
        parse "$lenet" --data-width "$value"
    expect_error "parse --weight-width '$value'" 2 "parse: --weight-width: '$value' is not an integer from 1 to 36" \
        parse "$lenet" --weight-width "$value"
done
expect_error "report --data-width 40" 2 "report: --data-width: '40' is not an integer from 1 to 36" \
    report --model "$lenet" --data-width 40
expect_error "visualise --weight-width 0" 2 "visualise: --weight-width: '0' is not an integer from 1 to 36" \
    visualise --model "$lenet" --weight-width 0 -o "$tmp/x.dot"
expect_error "optimise --data-width x" 2 "optimise: --data-width: 'x' is not an integer from 1 to 36" \
    optimise "$lenet" --platform "$zedboard" -o "$tmp/x" --data-width x
expect_error "parse: missing value" 2 "parse: missing value for option '--data-width'" parse "$lenet" --data-width
expect_error "report: --data-width without --model" 2 "report: --data-width applies only with --model" \
    report ../examples/lenet.json --data-width 8
expect_error "report: --weight-width without --model" 2 "report: --weight-width applies only with --model" \
    report ../examples/lenet.json --weight-width 8
expect_error "visualise: --data-width without --model" 2 "visualise: --data-width applies only with --model" \
    visualise ../examples/lenet.json --data-width 8 -o "$tmp/x.dot"
expect_error "--list-ops with --data-width" 2 "parse: --list-ops takes neither --data-width nor --weight-width" \
    parse "$lenet" --list-ops --data-width 8
expect_error "--list-ops with --weight-width" 2 "parse: --list-ops takes neither --data-width nor --weight-width" \
    parse "$lenet" --list-ops --weight-width 8

# ------------------------------------------------ a quantised model's error
bad=$quantised/bad_qdq_dequantize_float.onnx
expect_error "a DequantizeLinear of float data" 1 \
    "$bad: node 'conv1_dq' (DequantizeLinear): its input 'conv1' comes from neither a QuantizeLinear, a constant nor the network input, so nothing says what it quantises" \
    parse "$bad"

harness_summary

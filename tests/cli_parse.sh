#!/usr/bin/env bash
# `fpgaconvnet parse` and `fpgaconvnet report --model`: from an ONNX model to a configuration and a
# report, the operator list, and every error path (one line "fpgaconvnet: ..." on stderr, exit 1 for
# bad input, 2 for bad usage).
# Usage: cli_parse.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_parse.sh PATH/TO/fpgaconvnet}
models=data/models
supported="lenet tinyvgg alexnet vgg11 vgg16"
lenet=$models/lenet.onnx
resnet18=$models/resnet18.onnx
config=../examples/lenet.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_parse.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. lib/cli_harness.sh

# expect_same NAME FILE1 FILE2: byte for byte.
expect_same() {
    if cmp -s "$2" "$3"; then
        pass
    else
        fail "$1: $2 and $3 differ" "$(diff "$2" "$3" 2>&1 | head -5)"
    fi
}

# The layer types of a configuration in order, one a line, without the derived squeezes.
layer_types() {
    grep -oE '"type": *"[A-Z_]+"' "$1" | sed -E 's/.*"([A-Z_]+)"$/\1/' | grep -v '^SQUEEZE$'
}

# ------------------------------------------------------------------- help
expect_ok "--help" --help
expect_output_re "--help lists parse" '^  parse +turn an ONNX model'
expect_ok "parse --help" parse --help
expect_output "parse --help" "usage: fpgaconvnet parse MODEL.onnx [-o CONFIG.json] [--batch-size N] [--no-fuse-bn]"
for option in --list-ops --no-fuse-bn --batch-size "-o, --output" --config-format; do
    expect_output "parse --help: $option" "  $option"
done
expect_ok "report --help" report --help
expect_output "report --help: --model" "fpgaconvnet report --model MODEL.onnx"
expect_output "report --help: --no-fuse-bn" "  --no-fuse-bn"

# ------------------------------------------ supported models: parse, then report
for name in $supported; do
    model=$models/$name.onnx
    expect_ok "parse $name" parse "$model"
    expect_output "parse $name: a configuration" '"partition"'
    expect_output "parse $name: the default folding" '"coarse_in": 1'
    cp "$tmp/out" "$tmp/$name.json"
    expect_ok "report on parsed $name" report "$tmp/$name.json" --format json
    cp "$tmp/out" "$tmp/$name.report.json"
    expect_output "report on parsed $name" '"throughput"'
    expect_ok "report --model $name" report --model "$model" --format json
    expect_same "report --model $name equals report on the parsed file" "$tmp/out" "$tmp/$name.report.json"
    expect_ok "report --model $name, text" report --model "$model"
    expect_output "report --model $name, text" "Partition 0"
done

layer_types "$tmp/lenet.json" >"$tmp/lenet.types"
printf '%s\n' CONVOLUTION RELU POOLING CONVOLUTION RELU POOLING INNER_PRODUCT RELU INNER_PRODUCT RELU \
    INNER_PRODUCT >"$tmp/lenet.expected"
expect_same "lenet: the layers of the reference, in order" "$tmp/lenet.types" "$tmp/lenet.expected"
if grep -qE '"weights_path": *"[^"]+"' "$tmp/lenet.json"; then pass; else fail "lenet: no weights_path"; fi
if grep -qE '"has_bias": *"?1' "$tmp/lenet.json"; then pass; else fail "lenet: no layer has a bias"; fi

# ------------------------------------------------------------- parse options
expect_ok "-o" parse "$lenet" -o "$tmp/lenet.o.json"
if [ -s "$tmp/out" ]; then fail "-o: also printed on stdout"; else pass; fi
expect_same "-o writes what stdout gets" "$tmp/lenet.o.json" "$tmp/lenet.json"
expect_ok "--output=" parse "$lenet" --output="$tmp/lenet.o2.json"
expect_same "--output=" "$tmp/lenet.o2.json" "$tmp/lenet.json"
expect_ok "-o -" parse "$lenet" -o -
expect_same "-o -: standard output" "$tmp/out" "$tmp/lenet.json"
expect_ok "-- before the model" parse -- "$lenet"
expect_same "-- before the model" "$tmp/out" "$tmp/lenet.json"

expect_ok "--batch-size" parse "$lenet" --batch-size 8
expect_output_re "--batch-size" '"batch_size": *"?8"?,'
if grep -qE '"batch_size": *"?1"?,' "$tmp/out"; then fail "--batch-size: a batch of 1 is left"; else pass; fi
cp "$tmp/out" "$tmp/lenet.b8.json"
expect_ok "report on the batch-8 configuration" report "$tmp/lenet.b8.json" --format json
cp "$tmp/out" "$tmp/lenet.b8.report.json"
expect_ok "report --model --batch-size" report --model "$lenet" --batch-size 8 --format json
expect_same "report --model --batch-size equals report on the batch-8 configuration" "$tmp/out" \
    "$tmp/lenet.b8.report.json"
expect_output "report --model --batch-size" '"batch_size": 8,'

# No supported model has a BatchNormalization to keep: the option changes nothing on them.
expect_ok "--no-fuse-bn" parse "$models/vgg11.onnx" --no-fuse-bn
expect_same "--no-fuse-bn without BatchNormalization" "$tmp/out" "$tmp/vgg11.json"
expect_ok "report --model --no-fuse-bn" report --model "$models/vgg11.onnx" --no-fuse-bn --format json
expect_same "report --model --no-fuse-bn" "$tmp/out" "$tmp/vgg11.report.json"

# ----------------------------------------------------------------- --list-ops
expect_ok "--list-ops lenet" parse "$lenet" --list-ops
expect_output_re "--list-ops: header" '^operator +count +supported +becomes$'
expect_output_re "--list-ops lenet: Conv" '^Conv +[0-9]+ +yes +CONVOLUTION'
expect_output_re "--list-ops lenet: Relu" '^Relu +[0-9]+ +yes +RELU'
expect_output_re "--list-ops lenet: all supported" 'operator types, all supported$'

expect_ok "--list-ops resnet18" parse "$resnet18" --list-ops
expect_output_re "--list-ops resnet18: Add" '^Add +8 +yes +ELTWISE$'
expect_output_re "--list-ops resnet18: Conv" '^Conv +20 +yes +CONVOLUTION'
expect_output_re "--list-ops resnet18: GlobalAveragePool" '^GlobalAveragePool +1 +yes +AVERAGE_POOLING$'
expect_output_re "--list-ops resnet18: Flatten" '^Flatten +1 +yes +'
expect_output_re "--list-ops resnet18: summary" 'operator types, all supported$'

expect_ok "--list-ops mobilenet_v2" parse "$models/mobilenet_v2.onnx" --list-ops
expect_output_re "--list-ops mobilenet_v2: Clip" '^Clip +35 +yes +CLIP$'
expect_output_re "--list-ops mobilenet_v2: Add" '^Add +10 +yes +ELTWISE$'
expect_ok "--list-ops -o" parse "$resnet18" --list-ops -o "$tmp/ops.txt"
if [ -s "$tmp/out" ]; then fail "--list-ops -o: also printed on stdout"; else pass; fi
if grep -qE '^Add +8 +yes +ELTWISE' "$tmp/ops.txt" 2>/dev/null; then pass; else fail "--list-ops -o: file lacks the table"; fi

# ------------------------------------------ branching models: SPLIT and ELTWISE layers
for name in resnet18 resnet50 mobilenet_v2; do
    model=$models/$name.onnx
    expect_ok "parse $name" parse "$model" -o "$tmp/$name.json"
    if grep -q '"type": *"SPLIT"' "$tmp/$name.json" && grep -q '"type": *"ELTWISE"' "$tmp/$name.json"; then
        pass
    else
        fail "parse $name: no SPLIT or ELTWISE layer"
    fi
    expect_ok "report on parsed $name" report "$tmp/$name.json" --format json
    cp "$tmp/out" "$tmp/$name.report.json"
    expect_ok "report --model $name" report --model "$model" --format json
    expect_same "report --model $name equals report on the parsed file" "$tmp/out" "$tmp/$name.report.json"
done
adds=$(grep -c '"type": *"ELTWISE"' "$tmp/resnet18.json")
if [ "$adds" -eq 8 ]; then pass; else fail "parse resnet18: $adds ELTWISE layers, expected one per Add (8)"; fi
if grep -q '"type": *"CLIP"' "$tmp/mobilenet_v2.json"; then pass; else fail "parse mobilenet_v2: no CLIP layer"; fi

# --------------------------------------------------- unsupported operators
# lenet with every Relu a Selu (same length, so the protobuf stays valid): four unsupported nodes.
selu=$tmp/selu.onnx
LC_ALL=C sed 's/Relu/Selu/g' "$lenet" > "$selu"
expect_ok "--list-ops selu (informational: exit 0)" parse "$selu" --list-ops
expect_output_re "--list-ops selu: Selu unsupported" '^Selu +4 +no +'
expect_output_re "--list-ops selu: summary" '1 unsupported \(Selu\)$'
expect_error "parse selu" 1 "Selu" parse "$selu"
expect_error "parse selu names the file" 1 "$selu" parse "$selu"
expect_error "report --model selu" 1 "Selu" report --model "$selu"
expect_error "parse selu lists every Selu node" 1 "4 unsupported nodes" parse "$selu"
selus=$(grep -o 'Selu' "$tmp/err" | wc -l)
if [ "$selus" -ge 4 ]; then pass; else fail "parse selu: $selus mentions of Selu, expected one per node (4)"; fi
expect_error "-o on failure" 1 "Selu" parse "$selu" -o "$tmp/selu.json"
if [ -e "$tmp/selu.json" ]; then fail "-o on failure: wrote a file"; else pass; fi

# ------------------------------------------------------------- usage errors
expect_error "parse without a model" 2 "parse: missing MODEL.onnx (see 'fpgaconvnet parse --help')" parse
expect_error "parse with only options" 2 "parse: missing MODEL.onnx" parse --batch-size 2 -o "$tmp/x.json"
expect_error "parse two models" 2 "parse: unexpected argument 'x.onnx'" parse "$lenet" x.onnx
expect_error "parse unknown option" 2 "parse: unknown option '--bogus' (see 'fpgaconvnet parse --help')" \
    parse "$lenet" --bogus
expect_error "parse unknown short option" 2 "parse: unknown option '-x'" parse "$lenet" -x
expect_error "parse flag with a value" 2 "parse: option '--no-fuse-bn' takes no value" parse "$lenet" --no-fuse-bn=1
expect_error "parse --list-ops with a value" 2 "parse: option '--list-ops' takes no value" \
    parse "$lenet" --list-ops=yes
for option in -o --output --batch-size; do
    expect_error "parse: missing value for $option" 2 "parse: missing value for option '$option'" \
        parse "$lenet" "$option"
done
for value in 0 -3 1.5 abc 99999999999999999999 1000000001 '' ' 2'; do
    expect_error "parse --batch-size '$value'" 2 "parse: --batch-size: '$value' is not an integer from 1 to" \
        parse "$lenet" --batch-size "$value"
done
expect_error "--list-ops with --batch-size" 2 \
    "parse: --list-ops takes none of --batch-size, --no-fuse-bn, --config-format" parse "$lenet" --list-ops --batch-size 2
expect_error "--list-ops with --no-fuse-bn" 2 "parse: --list-ops takes none of" parse "$lenet" --list-ops --no-fuse-bn
expect_error "--list-ops with --config-format" 2 "parse: --list-ops takes none of" \
    parse "$lenet" --list-ops --config-format newest
for value in 0.1.2 NEWEST '' latest; do
    expect_error "parse --config-format '$value'" 2 \
        "parse: --config-format: unknown format '$value' (expected 0.1.1 or newest)" parse "$lenet" --config-format "$value"
done
# A usage error is found before any file is read.
expect_error "usage before files" 2 "--batch-size: 'abc'" parse "$tmp/nope.onnx" --batch-size abc

expect_error "report: CONFIG and --model" 2 "report: give CONFIG.json or --model MODEL.onnx, not both" \
    report "$config" --model "$lenet"
expect_error "report: --model before CONFIG" 2 "not both" report --model "$lenet" "$config"
expect_error "report: neither" 2 "report: missing CONFIG.json or --model MODEL.onnx" report --format json
expect_error "report: --model without a value" 2 "report: missing value for option '--model'" report --model
expect_error "report: --no-fuse-bn without --model" 2 "report: --no-fuse-bn applies only with --model" \
    report "$config" --no-fuse-bn
expect_error "report --model: bad --batch-size" 2 "report: --batch-size: '0' is not an integer from 1 to" \
    report --model "$lenet" --batch-size 0
expect_error "report --model: bad --freq" 2 "report: --freq: 'x' is not a positive number" \
    report --model "$lenet" --freq x

# ------------------------------------------------------ configuration forms
# 0.1.1 is the default, byte for byte; the newest form reads back to the same figures (docs/CONFIG.md).
expect_ok "parse lenet" parse "$lenet" -o "$tmp/lenet.default.json"
expect_ok "parse lenet, 0.1.1" parse "$lenet" --config-format 0.1.1 -o "$tmp/lenet.011.json"
expect_same "--config-format 0.1.1 is the default" "$tmp/lenet.default.json" "$tmp/lenet.011.json"
expect_ok "parse lenet, newest" parse "$lenet" --config-format=newest -o "$tmp/lenet.newest.json"
if grep -q '"input_nodes"' "$tmp/lenet.newest.json" && grep -q '"binary_point": 8' "$tmp/lenet.newest.json" &&
    ! grep -q '"node_in"' "$tmp/lenet.newest.json"; then
    pass
else
    fail "parse --config-format newest: not the newest form" "$(head -c 300 "$tmp/lenet.newest.json")"
fi
expect_ok "parse lenet, newest, to standard output" parse "$lenet" --config-format newest
expect_same "newest: standard output and -o agree" "$tmp/out" "$tmp/lenet.newest.json"
expect_ok "report on the 0.1.1 form" report "$tmp/lenet.011.json" --format json -o "$tmp/lenet.011.report"
expect_ok "report on the newest form" report "$tmp/lenet.newest.json" --format json -o "$tmp/lenet.newest.report"
expect_same "both forms report the same" "$tmp/lenet.011.report" "$tmp/lenet.newest.report"

# ---------------------------------------------------------- bad input files
expect_error "parse a missing file" 1 "$tmp/nope.onnx" parse "$tmp/nope.onnx"
expect_error "--list-ops on a missing file" 1 "$tmp/nope.onnx" parse "$tmp/nope.onnx" --list-ops
expect_error "report --model on a missing file" 1 "$tmp/nope.onnx" report --model "$tmp/nope.onnx"
expect_error "parse a JSON configuration" 1 "$config" parse "$config"
expect_error "--list-ops on a JSON configuration" 1 "$config" parse "$config" --list-ops
expect_error "report --model on a JSON configuration" 1 "$config" report --model "$config"
expect_error "report on an ONNX model as CONFIG" 1 "$lenet" report "$lenet"
expect_error "parse a directory" 1 "$tmp" parse "$tmp"
printf '' >"$tmp/empty.onnx"
expect_error "parse an empty file" 1 "$tmp/empty.onnx" parse "$tmp/empty.onnx"
head -c 2000 "$models/vgg11.onnx" >"$tmp/cut.onnx"
expect_error "parse a cut model" 1 "$tmp/cut.onnx" parse "$tmp/cut.onnx"
expect_error "--list-ops on a cut model" 1 "$tmp/cut.onnx" parse "$tmp/cut.onnx" --list-ops

# ---------------------------------------------------------------- output
expect_error "unwritable -o" 1 "$tmp/no/such/dir/c.json" parse "$lenet" -o "$tmp/no/such/dir/c.json"
expect_error "unwritable --list-ops -o" 1 "cannot write '$tmp/no/such/dir/ops.txt'" \
    parse "$lenet" --list-ops -o "$tmp/no/such/dir/ops.txt"
if [ -e "$tmp/no" ]; then fail "unwritable -o: created something"; else pass; fi
if [ -w /dev/full ]; then
    for args in "parse $lenet" "parse $lenet --list-ops"; do
        # shellcheck disable=SC2086 # the words are the arguments
        "$cli" $args >/dev/full 2>"$tmp/err"
        status=$?
        if [ "$status" -eq 1 ] && grep -qx "fpgaconvnet: cannot write standard output: .*" "$tmp/err"; then
            pass
        else
            fail "full stdout ($args): exit $status" "$(cat "$tmp/err")"
        fi
    done
fi

harness_summary

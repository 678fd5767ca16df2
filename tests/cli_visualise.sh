#!/usr/bin/env bash
# `fpgaconvnet visualise`: pictures of the bundled examples in every format (the .dot accepted by
# graphviz's own `dot`), both details, a residual block over three partitions, an ONNX model's
# default configuration, and every error path
# (one line "fpgaconvnet: ..." on stderr, exit 1 for bad input, 2 for bad usage).
# Usage: cli_visualise.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_visualise.sh PATH/TO/fpgaconvnet}
lenet=../examples/lenet.json
alexnet=../examples/alexnet.json
vgg11=../examples/vgg11.json
lenet_onnx=data/models/lenet.onnx
residual=../fuzz/corpus/config/dag-residual-3.json # conv1 -> split1 -> conv2 -> relu2 -> add -> relu3, 3 partitions

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_visualise.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. lib/cli_harness.sh

# Graphviz's own leaks, in a sanitizer build (see lsan.supp), and no report of them on stderr,
# which must hold only our one line; a caller's setting comes last and wins.
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# expect_file NAME FILE FIXED-STRING...: the file holds every string.
expect_file() {
    local name=$1 file=$2
    shift 2
    local part
    for part in "$@"; do
        if grep -qF -- "$part" "$file" 2>/dev/null; then pass; else fail "$name: $file lacks '$part'"; fi
    done
}

# expect_start NAME FILE HEX: the file's first bytes, in hex (od).
expect_start() {
    local got
    got=$(od -An -tx1 -N$((${#3} / 2)) "$2" 2>/dev/null | tr -d ' \n')
    if [ "$got" = "$3" ]; then pass; else fail "$1: $2 starts with '$got', expected '$3'"; fi
}

expect_absent() {
    if [ -e "$2" ]; then fail "$1: $2 was made"; else pass; fi
}

# ------------------------------------------------------------------ help
expect_ok "--help" --help
expect_output_re "--help lists visualise" '^  visualise +draw a configuration'
expect_ok "visualise --help" visualise --help
expect_output "visualise --help" "usage: fpgaconvnet visualise CONFIG.json -o FILE [--detail modules|layers]"
for option in "-o, --output FILE" "--detail DETAIL" "--model MODEL.onnx" "--no-fuse-bn"; do
    expect_output "visualise --help: $option" "  $option"
done

# --------------------------------------------------------------- formats
expect_ok "svg" visualise "$lenet" -o "$tmp/lenet.svg"
if [ -s "$tmp/out" ]; then fail "svg: printed on stdout"; else pass; fi
expect_file "svg" "$tmp/lenet.svg" "<svg" "partition 3" ">conv2 (convolution)</text>" \
    ">12×12×6 → 8×8×16</text>" ">coarse in 1, out 1, fine 1</text>" \
    ">153,600 cycles · 100.0% of the interval · bottleneck</text>" ">sliding_window</text>" ">accum</text>"
expect_ok "png" visualise "$lenet" -o "$tmp/lenet.png"
expect_start "png" "$tmp/lenet.png" 89504e470d0a1a0a
expect_ok "upper-case extension" visualise "$lenet" -o "$tmp/lenet.PNG"
expect_start "upper-case extension" "$tmp/lenet.PNG" 89504e470d0a1a0a
expect_ok "pdf" visualise "$lenet" -o "$tmp/lenet.pdf"
expect_start "pdf" "$tmp/lenet.pdf" 255044462d # %PDF-

# The .dot is graphviz source before layout: graphviz's own tool must accept it and draw the same.
expect_ok "dot" visualise "$alexnet" -o "$tmp/alexnet.dot"
expect_file "dot" "$tmp/alexnet.dot" "digraph fpgaconvnet {" "subgraph cluster_p0 {" "_features_features_8_Conv_output"
if ! command -v dot >/dev/null; then
    fail "dot: graphviz's 'dot' is not installed (scripts/install-deps.sh installs it)"
elif dot -Tsvg "$tmp/alexnet.dot" -o "$tmp/alexnet_dot.svg" 2>"$tmp/dot_err"; then
    pass
    expect_file "dot -Tsvg" "$tmp/alexnet_dot.svg" "<svg" ">_features_features_8_Conv_output (convolution)</text>"
else
    fail "dot: 'dot -Tsvg' rejects the file" "$(head -c 300 "$tmp/dot_err")"
fi

# --------------------------------------------------------------- details
expect_ok "--detail layers" visualise "$alexnet" --detail layers -o "$tmp/layers.svg"
expect_file "--detail layers" "$tmp/layers.svg" "<title>p0_l0</title>" "<title>p2_input</title>" \
    ">reconfigure</text>"
if grep -q "<title>p0_l0_conv" "$tmp/layers.svg"; then fail "--detail layers: drew modules"; else pass; fi
expect_ok "--detail=modules" visualise "$alexnet" --detail=modules -o "$tmp/modules.svg"
expect_file "--detail=modules" "$tmp/modules.svg" "<title>p0_l0_conv" "(squeeze)</text>"
# Hundreds of streams are drawn as one node and one edge, labelled with how many they stand for.
expect_ok "wide layers" visualise "$vgg11" -o "$tmp/vgg11.svg"
if grep -qE '>(conv|accum|relu|pool|sliding_window|fork|glue|bias) ×[0-9]+</text>' "$tmp/vgg11.svg" &&
    grep -qE '>×[0-9]+</text>' "$tmp/vgg11.svg"; then
    pass
else
    fail "wide layers: no collapsed 'module ×N' node and edge in $tmp/vgg11.svg"
fi

# ------------------------------------------------------------------ DAGs
# A residual block over three partitions: the split and the join drawn, the add's two memory inputs
# named after the layers that wrote them, each linked to the partition that wrote it.
if [ -f "$residual" ]; then
    expect_ok "residual" visualise "$residual" --detail layers -o "$tmp/residual.svg"
    expect_file "residual" "$tmp/residual.svg" ">split1 (split)</text>" ">coarse 2 · 2 outputs</text>" \
        ">add (eltwise)</text>" ">coarse 1 · sum of 2 inputs</text>" ">from split1 (memory) · 2 streams</text>" \
        ">from split1 (memory)</text>" ">from relu2 (memory)</text>" "<title>p2_input_1</title>" \
        "<title>p0_output&#45;&gt;p1_input</title>" "<title>p0_output_1&#45;&gt;p2_input_1</title>" \
        "<title>p1_output&#45;&gt;p2_input</title>"
    if [ "$(grep -c '>reconfigure</text>' "$tmp/residual.svg")" = 2 ]; then pass; else
        fail "residual: expected one 'reconfigure' link into each later partition"
    fi
    expect_ok "residual modules" visualise "$residual" -o "$tmp/residual_modules.svg"
    expect_file "residual modules" "$tmp/residual_modules.svg" "<title>p0_l2_fork_1</title>" "<title>p2_l0_eltwise</title>"
else
    fail "residual: $residual is missing"
fi

# ------------------------------------------------------------------ ONNX
if [ -f "$lenet_onnx" ]; then
    expect_ok "--model" visualise --model "$lenet_onnx" -o "$tmp/onnx.svg"
    expect_file "--model" "$tmp/onnx.svg" "partition 0" "(convolution)</text>"
else
    fail "--model: $lenet_onnx is missing"
fi

# ------------------------------------------------------------------ errors
printf '{"partition": [ }\n' >"$tmp/bad.json"
expect_error "missing config" 1 "$tmp/nope.json: cannot open: No such file or directory" \
    visualise "$tmp/nope.json" -o "$tmp/x.svg"
expect_error "invalid config" 1 "$tmp/bad.json:1:17:" visualise "$tmp/bad.json" -o "$tmp/x.svg"
expect_error "missing model" 1 "$tmp/nope.onnx" visualise --model "$tmp/nope.onnx" -o "$tmp/x.svg"
expect_absent "failures make no picture" "$tmp/x.svg"
expect_error "unknown extension" 1 "$tmp/x.gif: unknown picture format '.gif' (expected .png, .svg, .pdf or .dot)" \
    visualise "$lenet" -o "$tmp/x.gif"
expect_error "no extension" 1 "$tmp/picture: no extension to choose the picture's format by" \
    visualise "$lenet" -o "$tmp/picture"
expect_absent "unknown extension" "$tmp/x.gif"
for format in svg png dot; do
    expect_error "unwritable .$format" 1 "$tmp/no/such/dir/x.$format: cannot open for writing: No such file or directory" \
        visualise "$lenet" -o "$tmp/no/such/dir/x.$format"
done
expect_absent "unwritable" "$tmp/no"
# Graphviz without its plugins (GVBINDIR pointing nowhere) fails; its own message comes through.
GVBINDIR="$tmp/no-plugins" expect_error "graphviz failure" 1 \
    "$tmp/x.svg: graphviz cannot lay out the picture: Layout type: \"dot\" not recognized" \
    visualise "$lenet" -o "$tmp/x.svg"
expect_absent "graphviz failure" "$tmp/x.svg"

expect_error "no config" 2 "visualise: missing CONFIG.json or --model MODEL.onnx" visualise -o "$tmp/x.svg"
expect_error "no -o" 2 "visualise: missing -o FILE" visualise "$lenet"
expect_error "config and model" 2 "visualise: give CONFIG.json or --model MODEL.onnx, not both" \
    visualise "$lenet" --model "$lenet_onnx" -o "$tmp/x.svg"
expect_error "--no-fuse-bn without --model" 2 "visualise: --no-fuse-bn applies only with --model" \
    visualise "$lenet" --no-fuse-bn -o "$tmp/x.svg"
expect_error "two configs" 2 "visualise: unexpected argument 'x.json'" visualise "$lenet" x.json -o "$tmp/x.svg"
expect_error "unknown option" 2 "visualise: unknown option '--bogus'" visualise "$lenet" --bogus -o "$tmp/x.svg"
expect_error "unknown detail" 2 "visualise: --detail: unknown detail 'all' (expected modules or layers)" \
    visualise "$lenet" --detail all -o "$tmp/x.svg"
for option in -o --detail --model; do
    expect_error "missing value for $option" 2 "visualise: missing value for option '$option'" visualise "$lenet" "$option"
done
# A usage error is found before any file is read.
expect_error "usage before files" 2 "--detail: unknown detail 'x'" visualise "$tmp/nope.json" --detail x -o "$tmp/x.svg"
expect_absent "usage errors make no picture" "$tmp/x.svg"

# A picture taller than cairo's bitmaps allow (32767 px): scaled to fit, and graphviz says nothing on stderr.
{
    printf '{"partition": [{"layers": ['
    for i in $(seq 1 400); do
        [ "$i" -gt 1 ] && printf ','
        printf '{"name": "relu%d", "type": "RELU", "parameters": {"rows_in": 1, "cols_in": 1, "channels_in": 1}}' "$i"
    done
    printf ']}]}\n'
} >"$tmp/tall.json"
expect_ok "a very tall picture" visualise "$tmp/tall.json" -o "$tmp/tall.png" --detail layers
if [ -s "$tmp/tall.png" ]; then pass; else fail "a very tall picture: no png"; fi

harness_summary

#!/usr/bin/env bash
# Video networks end to end with the tool (issue 15), on the committed models in data/models/video:
# torchvision's R3D-18, MC3-18 and R(2+1)D-18 (tests/data/gen/export_torchvision.py, two export forms
# each), a small C3D-style network and the 3-D pattern graphs (tests/data/gen/make_video.py):
#  - each parses to a configuration in both forms (0.1.1 and newest), which reports; the two reports
#    and `report --model` are the same, byte for byte;
#  - the configuration carries the 3-D fields (depth_in, the kernel's depth), and the report gives the
#    convolutions' dims as D x R x C x C;
#  - what the parser cannot model in 3-D yet (bad_*.onnx) fails with one line naming the node;
#  - the C3D-style network and R(2+1)D-18 through optimise, validate, report, schedule, visualise, bench.
# Usage: cli_video.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_video.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_video.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

dir=data/models/video

# same_file NAME A B: A and B are the same bytes.
same_file() {
    if cmp -s "$2" "$3"; then pass; else fail "$1: $2 and $3 differ" "$(diff "$2" "$3" | head -5)"; fi
}

count=0
for model in "$dir"/*.onnx; do
    name=$(basename "$model" .onnx)
    [[ $name == bad_* ]] && continue
    count=$((count + 1))
    expect_ok "parse $name" parse "$model" -o "$tmp/$name.json"
    expect_ok "parse $name, newest form" parse "$model" --config-format newest -o "$tmp/$name.newest.json"
    if grep -q '"depth_in"' "$tmp/$name.json"; then pass; else fail "parse $name: no depth_in written"; fi
    if grep -q '"depth_out"' "$tmp/$name.newest.json"; then pass; else fail "parse $name, newest form: no depth_out"; fi
    expect_ok "report $name" report "$tmp/$name.json"
    cp "$tmp/out" "$tmp/$name.report"
    expect_ok "report $name, newest form" report "$tmp/$name.newest.json"
    cp "$tmp/out" "$tmp/$name.newest.report"
    same_file "report $name in both forms" "$tmp/$name.report" "$tmp/$name.newest.report"
    expect_ok "report --model $name" report --model "$model"
    same_file "report --model $name" "$tmp/$name.report" "$tmp/out"
done
if [ "$count" -ge 31 ]; then pass; else fail "only $count video models in $dir"; fi

# The convolutions' dims: depth x rows x cols x channels, in and out.
run report "$tmp/r2plus1d_18_opset17.json"
expect_output_re "report r2plus1d_18: a 3-D convolution's dims" '^ +[^ ]+ +conv +16x112x112x3 +16x56x56x45 '
run report "$tmp/c3d_tiny.json"
expect_output_re "report c3d_tiny: the 2x2x2 pool" '^ +maxpool2 +pool +8x16x16x16 +4x8x8x16 '
# R(2+1)D's factorised convolutions: 1x3x3 over frames, then 3x1x1 over time.
if grep -q '"kernel_depth": 3' "$tmp/r2plus1d_18_opset17.json"; then pass
else fail "parse r2plus1d_18: no kernel_depth 3 written"; fi

expect_error "parse bad_pad3d" 1 "node 'pad1' (Pad): pads a clip (NCDHW)" parse "$dir/bad_pad3d.onnx"
expect_error "parse bad_concat3d" 1 "a CONCAT over a clip's frames is not supported yet" parse "$dir/bad_concat3d.onnx"
expect_error "parse bad_leakyrelu3d" 1 "a LEAKY_RELU layer over a clip's 5 frames (depth) is not supported yet" \
    parse "$dir/bad_leakyrelu3d.onnx"
expect_error "parse bad_squeeze_excite3d" 1 "a broadcast over a clip" parse "$dir/bad_squeeze_excite3d.onnx"
expect_error "parse bad_resize3d" 1 "a RESIZE over a clip's frames is not supported yet" parse "$dir/bad_resize3d.onnx"
expect_error "parse bad_reshape3d" 1 "(rows x cols x depth x channels)" parse "$dir/bad_reshape3d.onnx"
# --list-ops runs the parse's checks: no error graph is "all supported".
for bad in "$dir"/bad_*.onnx; do
    run parse "$bad" --list-ops
    if [ "$status" -ne 0 ] || ! grep -q 'all supported' "$tmp/out"; then pass
    else fail "parse --list-ops $(basename "$bad"): says all supported"; fi
done
expect_error "parse bad_reducemean3d_time" 1 "over other axes than the depth, rows and columns" \
    parse "$dir/bad_reducemean3d_time.onnx"

# Every other command on a video network: optimise (a quick search), validate against the model, the
# report of the design, schedule, a picture, bench.
zc706=../examples/platforms/zc706.json
for name in c3d_tiny r2plus1d_18_opset17; do
    model=$dir/$name.onnx
    expect_ok "optimise $name" optimise "$model" --platform "$zc706" -o "$tmp/opt_$name" --iterations 20000 \
        --time-limit 120
    expect_ok "validate $name" validate "$tmp/opt_$name/$name.json" --platform "$zc706" --resource-allocation 0.8 \
        --model "$model"
    expect_ok "report the optimised $name" report "$tmp/opt_$name/$name.json" --platform "$zc706"
    expect_output_re "report the optimised $name: 3-D dims" '^ +[^ ]+ +conv +[0-9]+x[0-9]+x[0-9]+x[0-9]+ '
    expect_ok "schedule $name" schedule "$tmp/opt_$name/$name.json" --header
    if cmp -s <("$cli" schedule "$tmp/opt_$name/$name.json") "$tmp/opt_$name/scheduler.csv"; then pass
    else fail "optimise $name: scheduler.csv differs from 'schedule'"; fi
    expect_ok "visualise $name" visualise "$tmp/opt_$name/$name.json" -o "$tmp/$name.svg" --detail layers
    if grep -q '16×112×112×3\|8×16×16×16\|16×32×32×3' "$tmp/$name.svg"; then pass
    else fail "visualise $name: no DxRxCxC dims drawn" "$(grep -o '[0-9]*×[0-9]*×[0-9]*[^<]*' "$tmp/$name.svg" | head -3)"; fi
    expect_ok "bench $name" bench --model "$model" --seconds 0.2
done

harness_summary

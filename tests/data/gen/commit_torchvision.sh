#!/usr/bin/env bash
# Copies the chosen forms of each torchvision export into tests/data/models/torchvision and writes
# each one's NAME.shapes.json (ONNX's shape inference, shapes_json.py).
#
#     bash tests/data/gen/commit_torchvision.sh EXPORTDIR    (EXPORTDIR: export_torchvision.py's output)
#
# Every network in at least two forms: one folded, one not, at different opsets. Where the forms'
# graphs differ (not just in the opset number) there are more: ShuffleNet and the segmentation
# networks' size arithmetic (Unsqueeze's axes an attribute at opset 11, an input from 13; Cast and
# Unsqueeze only when folding is off; Reshape's allowzero at 17), MobileNetV3's HardSwish (opset 17;
# HardSigmoid and Mul before), ConvNeXt's LayerNorm (LayerNormalization at 17, its decomposition before;
# twice the Transposes when folding is off). Where folding changes nothing the two files are the same
# but for the opset. One vision transformer, for the error test.
# The video networks (issue 15) go to tests/data/models/video, beside make_video.py's graphs: their
# six forms differ only in the opset number (the BatchNormalizations fold into the Convs whether
# constant folding is on or not), so two of each.
set -eu
src=${1:?usage: commit_torchvision.sh EXPORTDIR}
here=$(cd "$(dirname "$0")" && pwd)
dst=$here/../models/torchvision
video=$here/../models/video
mkdir -p "$dst" "$video"

forms() {
    local network=$1
    shift
    for form in "$@"; do echo "${network}_${form}"; done
}

chosen() {
    forms googlenet opset11 opset17_nofold
    forms inception_v3 opset13 opset11_nofold
    forms densenet121 opset13 opset17_nofold
    forms mnasnet1_0 opset11 opset17_nofold
    forms efficientnet_b0 opset13 opset11_nofold
    forms efficientnet_v2_s opset17 opset13_nofold
    forms mobilenet_v3_small opset13 opset17_nofold
    forms mobilenet_v3_large opset11 opset17
    forms regnet_x_400mf opset11 opset17_nofold
    forms regnet_y_400mf opset13 opset11_nofold
    forms shufflenet_v2_x1_0 opset13 opset11_nofold opset17_nofold
    forms convnext_tiny opset13 opset17_nofold
    forms fcn_resnet50 opset11 opset17 opset11_nofold opset13_nofold
    forms deeplabv3_mobilenet_v3_large opset11 opset17 opset13_nofold
    forms lraspp_mobilenet_v3_large opset13 opset17 opset11_nofold
    forms squeezenet1_1 opset13 opset17_nofold
    forms resnext50_32x4d opset11 opset13_nofold
}

chosen_video() {
    forms r3d_18 opset11 opset17_nofold
    forms mc3_18 opset13 opset11_nofold
    forms r2plus1d_18 opset17 opset13_nofold
}

# commit NAME DIR: the export and its shapes into DIR.
commit() {
    if [ -f "$src/$1.onnx" ]; then
        cp "$src/$1.onnx" "$2/$1.onnx"
        /usr/bin/python3 "$here/shapes_json.py" "$2/$1.onnx"
    else
        echo "missing: $src/$1.onnx" >&2
    fi
}

for name in $(chosen); do commit "$name" "$dst"; done
for name in $(chosen_video); do commit "$name" "$video"; done
# The transformer: no shapes (nothing of it parses), one form.
for vit in vit_b_16_opset17 vit_b_16_opset13; do
    if [ -f "$src/$vit.onnx" ]; then cp "$src/$vit.onnx" "$dst/"; break; fi
done
du -sh "$dst"

#!/usr/bin/env python3
"""Exports torchvision networks to ONNX, random weights, float weights stripped.

Not run by the tests (they must not need torch): run by hand, commit the output.

    python3 tests/data/gen/export_torchvision.py OUTDIR [NAME ...]

The video networks (r3d_18, mc3_18, r2plus1d_18) take a clip, [1, 3, 16, 112, 112].

Each network is written in the forms users' files come in: opset 11, 13 and 17, with
constant folding on (NAME_opsetN.onnx) and off (NAME_opsetN_nofold.onnx). Float tensors
of 64 elements or more become external data in a file that is not shipped (the parser reads
only shapes); integer tensors and small float ones (Resize scales, clip bounds) stay inline.
"""
import os
import sys
import warnings

import onnx
import torch
import torchvision.models as tvm
import torchvision.models.segmentation as tvs
import torchvision.models.video as tvv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strip_weights import strip  # noqa: E402

warnings.filterwarnings("ignore")

NETWORKS = {
    "googlenet": (lambda: tvm.googlenet(weights=None, aux_logits=False, init_weights=False), 224),
    "inception_v3": (lambda: tvm.inception_v3(weights=None, aux_logits=False, init_weights=False), 299),
    "densenet121": (lambda: tvm.densenet121(weights=None), 224),
    "mnasnet1_0": (lambda: tvm.mnasnet1_0(weights=None), 224),
    "efficientnet_b0": (lambda: tvm.efficientnet_b0(weights=None), 224),
    "efficientnet_v2_s": (lambda: tvm.efficientnet_v2_s(weights=None), 224),
    "mobilenet_v3_small": (lambda: tvm.mobilenet_v3_small(weights=None), 224),
    "mobilenet_v3_large": (lambda: tvm.mobilenet_v3_large(weights=None), 224),
    "regnet_y_400mf": (lambda: tvm.regnet_y_400mf(weights=None), 224),
    "regnet_x_400mf": (lambda: tvm.regnet_x_400mf(weights=None), 224),
    "shufflenet_v2_x1_0": (lambda: tvm.shufflenet_v2_x1_0(weights=None), 224),
    "convnext_tiny": (lambda: tvm.convnext_tiny(weights=None), 224),
    "fcn_resnet50": (lambda: tvs.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False), 224),
    "deeplabv3_mobilenet_v3_large": (lambda: tvs.deeplabv3_mobilenet_v3_large(
        weights=None, weights_backbone=None, aux_loss=False), 224),
    "lraspp_mobilenet_v3_large": (lambda: tvs.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None), 224),
    "vit_b_16": (lambda: tvm.vit_b_16(weights=None), 224),
    "squeezenet1_1": (lambda: tvm.squeezenet1_1(weights=None), 224),
    "resnext50_32x4d": (lambda: tvm.resnext50_32x4d(weights=None), 224),
    # Video (issue 15): a clip of 16 frames of 112 x 112, input [N, C, D, H, W].
    "r3d_18": (lambda: tvv.r3d_18(weights=None), (16, 112, 112)),
    "mc3_18": (lambda: tvv.mc3_18(weights=None), (16, 112, 112)),
    "r2plus1d_18": (lambda: tvv.r2plus1d_18(weights=None), (16, 112, 112)),
}

FORMS = [(11, True), (13, True), (17, True), (11, False), (13, False), (17, False)]


class OutOnly(torch.nn.Module):
    """Segmentation models return a dict; export its 'out'."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)["out"]


def export(name, outdir):
    make, size = NETWORKS[name]
    torch.manual_seed(0)
    net = make().eval()
    if name.startswith(("fcn_", "deeplab", "lraspp")):
        net = OutOnly(net).eval()
    x = torch.randn(1, 3, *size) if isinstance(size, tuple) else torch.randn(1, 3, size, size)
    for opset, fold in FORMS:
        path = os.path.join(outdir, f"{name}_opset{opset}{'' if fold else '_nofold'}.onnx")
        tmp = path + ".full"
        torch.onnx.export(net, x, tmp, opset_version=opset, do_constant_folding=fold,
                          input_names=["input"], output_names=["output"])
        model = onnx.load(tmp)
        os.remove(tmp)
        onnx.save(strip(model), path)
        print(path, os.path.getsize(path), flush=True)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in sys.argv[2:] or NETWORKS:
        export(name, outdir)


if __name__ == "__main__":
    main()

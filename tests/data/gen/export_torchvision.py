#!/usr/bin/env python3
"""Exports torchvision networks to ONNX, random weights, float weights stripped.

Not run by the tests (they must not need torch): run by hand, commit the output.

    python3 tests/data/gen/export_torchvision.py OUTDIR [NAME ...]

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
}

FORMS = [(11, True), (13, True), (17, True), (11, False), (13, False), (17, False)]


class OutOnly(torch.nn.Module):
    """Segmentation models return a dict; export its 'out'."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)["out"]


def strip(model):
    for t in model.graph.initializer:
        count = 1
        for d in t.dims:
            count *= d
        if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16) and count >= 64:
            t.ClearField("raw_data")
            t.ClearField("float_data")
            t.ClearField("double_data")
            t.ClearField("int32_data")
            t.data_location = onnx.TensorProto.EXTERNAL
            del t.external_data[:]
            for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", str(count * 4))):
                entry = t.external_data.add()
                entry.key, entry.value = key, value
    return model


def export(name, outdir):
    make, size = NETWORKS[name]
    torch.manual_seed(0)
    net = make().eval()
    if name.startswith(("fcn_", "deeplab", "lraspp")):
        net = OutOnly(net).eval()
    x = torch.randn(1, 3, size, size)
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

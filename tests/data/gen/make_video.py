#!/usr/bin/env python3
"""Builds the tiny 3-D graphs of issue 15 with onnx's helper: each 3-D pattern of today's video CNNs, and a
small hand-built C3D-style network.

Not run by the tests (they must not need Python): run by hand, commit the output.

    /usr/bin/python3 tests/data/gen/make_video.py [OUTDIR]   (default tests/data/models/video)

Each graph NAME becomes OUTDIR/NAME.onnx and OUTDIR/NAME.shapes.json (every tensor's shape from ONNX's
shape inference, tests/data/gen/shapes_json.py). The input is "input", a clip in NCDHW (N, C, D, H, W),
its sizes drawn from a generator seeded with the graph's name (odd sizes, non-square maps, D unlike H
and W, so that an axis taken for another shows). The float weights are stripped (strip_weights.py).

The graphs whose name starts with "bad_" use what the parser cannot model in 3-D yet: it must fail with
one line naming the node.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_patterns  # noqa: E402
from strip_weights import strip  # noqa: E402

GRAPHS = {}


def graph(opset):
    """Registers a builder: fn(g) fills the clip graph g; the model gets OPSET."""
    return make_patterns.register_in(GRAPHS, opset)


class Clip(make_patterns.Graph):
    """A pattern graph whose input is a clip: [1, C, D, H, W]."""

    def __init__(self, name):
        super().__init__(name)
        self.d = self.rng.randint(4, 9)
        self.input_shape = [1, self.c, self.d, self.h, self.w]

    def conv3d(self, x, cin, cout, k=(3, 3, 3), stride=(1, 1, 1), pads=None, dilation=(1, 1, 1), group=1,
               bias=True, **attrs):
        """A Conv over D, H, W: k, stride, dilation in ONNX's order (D, H, W); pads [front, top, left, back,
        bottom, right]; by default each axis padded by half its dilated kernel."""
        if pads is None and "auto_pad" not in attrs:
            pads = [(kk // 2) * dd for kk, dd in zip(k, dilation)] * 2
        inputs = [x, self.weight(cout, cin // group, *k)] + ([self.weight(cout)] if bias else [])
        if pads is not None:
            attrs["pads"] = list(pads)
        return self.node("Conv", inputs, kernel_shape=list(k), strides=list(stride), dilations=list(dilation),
                         group=group, **attrs)

    def batch_norm(self, x, c):
        scale, bias, mean = (self.init(self.np.standard_normal(c).astype(np.float32)) for _ in range(3))
        var = self.init(np.abs(self.np.standard_normal(c)).astype(np.float32) + 1)
        return self.node("BatchNormalization", [x, scale, bias, mean, var], epsilon=1e-5)


def head(g, x, c, pool="GlobalAveragePool"):
    """A video classifier's end: average over D, H and W, flatten, a fully connected layer."""
    x = g.node(pool, [x])
    x = g.node("Flatten", [x], axis=1)
    return g.node("Gemm", [x, g.weight(10, c), g.weight(10)], transB=1)


# --- convolutions


@graph(11)
def conv3d_k3(g):
    """R3D's and C3D's 3x3x3 convolution, padded by one on every side."""
    return head(g, g.node("Relu", [g.conv3d("input", g.c, 8)]), 8)


@graph(13)
def conv3d_stem(g):
    """R3D's and MC3's stem: kernel 3x7x7, stride 1x2x2, pads 1, 3, 3."""
    return g.node("Relu", [g.conv3d("input", g.c, 8, k=(3, 7, 7), stride=(1, 2, 2), pads=[1, 3, 3] * 2)])


@graph(17)
def conv3d_asymmetric(g):
    """Every axis its own kernel, stride and pads, begins unlike ends: an axis or a pad taken for another
    gives other dims."""
    return g.conv3d("input", g.c, 6, k=(2, 5, 3), stride=(2, 1, 3), pads=[1, 2, 0, 0, 1, 2])


@graph(11)
def conv3d_2plus1d(g):
    """R(2+1)D's factorised convolution: 1x3x3 over each frame (stride 1x2x2), then 3x1x1 over time
    (stride 2x1x1)."""
    x = g.node("Relu", [g.conv3d("input", g.c, 10, k=(1, 3, 3), stride=(1, 2, 2), pads=[0, 1, 1] * 2)])
    return g.node("Relu", [g.conv3d(x, 10, 8, k=(3, 1, 1), stride=(2, 1, 1), pads=[1, 0, 0] * 2)])


@graph(13)
def conv3d_dilation(g):
    """Taps spaced over time and rows: dilations 2x3x1, each axis padded by half its dilated kernel."""
    return g.conv3d("input", g.c, 4, k=(3, 3, 3), dilation=(2, 3, 1))


@graph(11)
def conv3d_same_upper(g):
    """auto_pad SAME_UPPER with stride 2: the odd pad at the end of each axis."""
    return g.conv3d("input", g.c, 4, k=(2, 3, 4), stride=(2, 2, 2), auto_pad="SAME_UPPER")


@graph(13)
def conv3d_grouped(g):
    """A grouped (depthwise) 3x3x3 convolution, as CSN's and X3D's."""
    return g.conv3d("input", g.c, g.c, group=g.c)


# --- pools


@graph(11)
def maxpool3d_k122(g):
    """C3D's first pool: 1x2x2, stride 1x2x2, the frames kept."""
    return g.node("MaxPool", [g.conv3d("input", g.c, 8)], kernel_shape=[1, 2, 2], strides=[1, 2, 2])


@graph(17)
def maxpool3d_k222(g):
    """C3D's later pools: 2x2x2, stride 2."""
    return g.node("MaxPool", [g.conv3d("input", g.c, 8)], kernel_shape=[2, 2, 2], strides=[2, 2, 2])


@graph(13)
def maxpool3d_ceil(g):
    """A 3x3x3 pool, stride 2, padded, ceil_mode 1 (the end of each axis gains padding)."""
    return g.node("MaxPool", ["input"], kernel_shape=[3, 3, 3], strides=[2, 2, 2], pads=[1, 0, 1, 0, 1, 0],
                  ceil_mode=1)


@graph(11)
def avgpool3d_window(g):
    """A windowed average, 2x3x3, stride 1x2x2, padded over H and W."""
    return g.node("AveragePool", ["input"], kernel_shape=[2, 3, 3], strides=[1, 2, 2], pads=[0, 1, 1, 0, 1, 1])


@graph(13)
def avgpool3d_whole(g):
    """An AveragePool whose window is the whole clip: a global average."""
    x = g.node("Relu", [g.conv3d("input", g.c, 6)])
    return g.node("AveragePool", [x], kernel_shape=[g.d, g.h, g.w])


@graph(11)
def globalavgpool3d(g):
    """torchvision's AdaptiveAvgPool3d(1) as exported: GlobalAveragePool, Flatten, Gemm."""
    return head(g, g.node("Relu", [g.conv3d("input", g.c, 8)]), 8)


@graph(13)
def globalmaxpool3d(g):
    return head(g, g.conv3d("input", g.c, 6), 6, pool="GlobalMaxPool")


@graph(13)
def reducemean3d_keepdims0(g):
    """x.mean([2, 3, 4]) over a clip: the average over D, H and W, 1xC."""
    x = g.node("ReduceMean", [g.conv3d("input", g.c, 8)], axes=[2, 3, 4], keepdims=0)
    return g.node("Gemm", [x, g.weight(10, 8), g.weight(10)], transB=1)


@graph(11)
def reducemean3d_keepdims1(g):
    x = g.node("ReduceMean", [g.conv3d("input", g.c, 8)], axes=[-3, -2, -1], keepdims=1)
    return g.node("Flatten", [x], axis=1)


# --- normalisation and residual blocks


@graph(11)
def batchnorm3d_after_conv(g):
    """Conv, BatchNormalization, Relu (as training-mode or unfused exports keep it): the BN folds."""
    return g.node("Relu", [g.batch_norm(g.conv3d("input", g.c, 8, bias=False), 8)])


@graph(13)
def batchnorm3d_after_pool(g):
    """A BatchNormalization with no Conv before it: a BATCH_NORM layer over the clip."""
    x = g.node("MaxPool", [g.conv3d("input", g.c, 6)], kernel_shape=[1, 2, 2], strides=[1, 2, 2])
    return g.batch_norm(x, 6)


@graph(17)
def residual3d(g):
    """R3D's basic block: two 3x3x3 convolutions with BN, the identity added back."""
    x = g.node("Relu", [g.conv3d("input", g.c, 8)])
    y = g.node("Relu", [g.batch_norm(g.conv3d(x, 8, 8, bias=False), 8)])
    y = g.batch_norm(g.conv3d(y, 8, 8, bias=False), 8)
    return g.node("Relu", [g.node("Add", [y, x])])


@graph(11)
def residual3d_downsample(g):
    """R3D's downsampling block: stride 2 on the main path, a 1x1x1 stride 2 convolution on the shortcut."""
    x = g.node("Relu", [g.conv3d("input", g.c, 8)])
    y = g.node("Relu", [g.conv3d(x, 8, 12, stride=(2, 2, 2))])
    y = g.conv3d(y, 12, 12)
    s = g.conv3d(x, 8, 12, k=(1, 1, 1), stride=(2, 2, 2))
    return g.node("Relu", [g.node("Add", [y, s])])


@graph(17)
def activations3d(g):
    """The activations upstream has 3-D forms of, over the clip: Sigmoid, HardSwish, SiLU (x * Sigmoid(x))."""
    x = g.node("Sigmoid", [g.conv3d("input", g.c, 6)])
    x = g.node("HardSwish", [g.conv3d(x, 6, 6)])
    return g.node("Mul", [x, g.node("Sigmoid", [x])])


@graph(13)
def channel_affine3d_after_relu(g):
    """A per-channel scale and shift ([1, C, 1, 1, 1] constants) after a Relu: a BATCH_NORM over the clip."""
    x = g.node("Relu", [g.conv3d("input", g.c, 6)])
    x = g.node("Mul", [x, g.init(np.full((1, 6, 1, 1, 1), 0.5, np.float32))])
    return g.node("Add", [x, g.init(np.full((1, 6, 1, 1, 1), 0.1, np.float32))])


@graph(13)
def conv3d_to_2d(g):
    """A temporal convolution over every frame (kernel D x 1 x 1) leaves one; a Squeeze of it, and the rest
    is a 2-D network (NCHW, depth 1)."""
    x = g.node("Relu", [g.conv3d("input", g.c, 6, k=(g.d, 1, 1), pads=[0] * 6)])
    return g.conv(g.node("Squeeze", [x, g.ints(2)]), 6, 4)


@graph(13)
def softmax3d_end(g):
    return g.node("Softmax", [head(g, g.node("Relu", [g.conv3d("input", g.c, 6)]), 6)], axis=1)


# --- what the parser cannot model in 3-D yet


@graph(11)
def bad_pad3d(g):
    """A Pad of the frames: the parser pads rows and columns only."""
    return g.node("Pad", [g.conv3d("input", g.c, 4), g.ints(0, 0, 1, 1, 1, 0, 0, 1, 1, 1)], mode="constant")


@graph(13)
def bad_concat3d(g):
    a = g.conv3d("input", g.c, 4)
    b = g.conv3d("input", g.c, 6)
    return g.node("Concat", [a, b], axis=1)


@graph(13)
def bad_leakyrelu3d(g):
    return g.node("LeakyRelu", [g.conv3d("input", g.c, 4)], alpha=0.1)


@graph(13)
def bad_squeeze_excite3d(g):
    """A 3-D squeeze-excite: the clip times one value per channel (1xCx1x1x1), a broadcast not joined yet."""
    x = g.node("Relu", [g.conv3d("input", g.c, 6)])
    s = g.node("Sigmoid", [g.conv3d(g.node("GlobalAveragePool", [x]), 6, 6, k=(1, 1, 1))])
    return g.node("Mul", [x, s])


@graph(13)
def bad_resize3d(g):
    scales = g.init(np.array([1, 1, 1, 2, 2], np.float32))
    return g.node("Resize", [g.conv3d("input", g.c, 4), "", scales], mode="nearest")


@graph(13)
def bad_reshape3d(g):
    """The frames merged into the channels ([1, C*D, H, W]): the clip streamed in another order."""
    x = g.conv3d("input", g.c, 4)
    return g.node("Relu", [g.node("Reshape", [x, g.ints(1, 4 * g.d, g.h, g.w)])])


@graph(13)
def bad_reducemean3d_time(g):
    """A mean over the frames alone: not a global pool."""
    return g.node("ReduceMean", [g.conv3d("input", g.c, 4)], axes=[2], keepdims=1)


# --- a small network


@graph(11)
def c3d_tiny(g):
    """A C3D-style network, small: 3x3x3 convolutions with ReLU, a 1x2x2 pool that keeps the frames, then
    2x2x2 pools, and two fully connected layers on the flattened clip."""
    g.c, g.d, g.h, g.w = 3, 8, 32, 32
    g.input_shape = [1, g.c, g.d, g.h, g.w]
    x = g.node("Relu", [g.conv3d("input", 3, 8)])
    x = g.node("MaxPool", [x], kernel_shape=[1, 2, 2], strides=[1, 2, 2])   # 8x16x16
    x = g.node("Relu", [g.conv3d(x, 8, 16)])
    x = g.node("MaxPool", [x], kernel_shape=[2, 2, 2], strides=[2, 2, 2])   # 4x8x8
    x = g.node("Relu", [g.conv3d(x, 16, 32)])
    x = g.node("Relu", [g.conv3d(x, 32, 32)])
    x = g.node("MaxPool", [x], kernel_shape=[2, 2, 2], strides=[2, 2, 2])   # 2x4x4
    x = g.node("Flatten", [x], axis=1)                                       # 32 x 2 x 4 x 4 = 1024
    x = g.node("Relu", [g.node("Gemm", [x, g.weight(64, 1024), g.weight(64)], transB=1)])
    return g.node("Gemm", [x, g.weight(10, 64), g.weight(10)], transB=1)


def finish(model):
    model.producer_name = "fpgaconvnet-c tests/data/gen/make_video.py"
    return strip(model)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "video")
    make_patterns.write_all(GRAPHS, outdir, Clip, finish)


if __name__ == "__main__":
    main()

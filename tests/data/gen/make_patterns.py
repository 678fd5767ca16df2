#!/usr/bin/env python3
"""Builds a tiny ONNX graph of each pattern today's 2-D CNNs use (issue 10), with onnx's helper.

Not run by the tests (they must not need Python): run by hand, commit the output.

    /usr/bin/python3 tests/data/gen/make_patterns.py [OUTDIR]   (default tests/data/models/patterns)

Each pattern NAME becomes OUTDIR/NAME.onnx and OUTDIR/NAME.shapes.json (every tensor's shape from
ONNX's shape inference, tests/data/gen/shapes_json.py). Dimensions are small and drawn from a
generator seeded with the pattern's name, so they differ between patterns (odd sizes, non-square
maps) but not between runs. The network input is always "input", NCHW, the output "output".
Weights are random and inline: the parser reads only their shapes.

The patterns whose name starts with "bad_" are errors the parser must report (attention, reflect Pad,
a Resize by a fraction).
"""
import os
import random
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_json  # noqa: E402

PATTERNS = {}


def register_in(table, opset):
    """A decorator that registers a builder in TABLE under its name: fn(g) fills the graph g; the model
    gets OPSET (make_video.py registers its own)."""
    def register(fn):
        table[fn.__name__] = (fn, opset)
        return fn
    return register


def pattern(opset):
    return register_in(PATTERNS, opset)


class Graph:
    """A graph under construction: nodes named after their op and a counter, tensors after their node."""

    def __init__(self, name):
        self.name = name
        self.rng = random.Random(zlib.crc32(name.encode()))
        self.np = np.random.default_rng(zlib.crc32(name.encode()))
        self.nodes, self.inits, self.counts = [], [], {}
        self.c = self.pick(4, 6, 8, 12, 16)
        self.h = self.rng.randint(8, 20)
        self.w = self.rng.randint(8, 20)
        self.input_shape = [1, self.c, self.h, self.w]

    def pick(self, *choices):
        return self.rng.choice(choices)

    def node(self, op, inputs, outputs=1, **attrs):
        """Adds a node; returns its output name (or names, when OUTPUTS > 1)."""
        self.counts[op] = self.counts.get(op, 0) + 1
        name = f"{op.lower()}{self.counts[op]}"
        outs = [name] if outputs == 1 else [f"{name}_{k}" for k in range(outputs)]
        self.nodes.append(helper.make_node(op, list(inputs), outs, name=name, **attrs))
        return outs[0] if outputs == 1 else outs

    def weight(self, *dims, scale=0.1):
        return self.init(self.np.standard_normal(dims).astype(np.float32) * scale)

    def init(self, value, name=None):
        """An initializer holding VALUE (a numpy array); returns its name."""
        name = name or f"w{len(self.inits)}"
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def ints(self, *values):
        return self.init(np.array(values, dtype=np.int64))

    def const(self, value):
        """A Constant node holding VALUE, as unfolded exports carry them."""
        return self.node("Constant", [], value=numpy_helper.from_array(np.asarray(value)))

    def conv(self, x, cin, cout, k=3, stride=1, pad=None, dilation=1, group=1, bias=True):
        pad = (k // 2) * dilation if pad is None else pad
        inputs = [x, self.weight(cout, cin // group, k, k)] + ([self.weight(cout)] if bias else [])
        return self.node("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4,
                         dilations=[dilation, dilation], group=group)

    def model(self, output, opset):
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, self.input_shape)],
            [helper.make_tensor_value_info("output", TensorProto.FLOAT, None)], self.inits)
        for n in graph.node:  # the last node's output is the graph's output
            n.output[:] = ["output" if o == output else o for o in n.output]
            n.input[:] = ["output" if i == output else i for i in n.input]
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                  producer_name="fpgaconvnet-c tests/data/gen/make_patterns.py")
        model.ir_version = 7 if opset < 15 else 8
        shape = shapes_json.shapes_of(shapes_json.inferred(model)).get("output")
        del model.graph.output[:]  # the output's declared shape: what inference gives
        model.graph.output.append(helper.make_tensor_value_info("output", TensorProto.FLOAT, shape))
        onnx.checker.check_model(model, full_check=True)
        return model


def head(g, x, c):
    """The usual end of a classifier: global average, flatten, a fully connected layer."""
    x = g.node("GlobalAveragePool", [x])
    x = g.node("Flatten", [x], axis=1)
    return g.node("Gemm", [x, g.weight(10, c), g.weight(10)], transB=1)


# --- squeeze-excite and the pools over the whole map

def squeeze_excite(g, big_first, gate="Sigmoid"):
    c = g.c
    x = g.node("Relu", [g.conv("input", c, c)])
    s = g.node("GlobalAveragePool", [x])
    s = g.node("Relu", [g.conv(s, c, max(c // 4, 1), k=1)])
    s = g.conv(s, max(c // 4, 1), c, k=1)
    s = g.node(gate, [s])
    y = g.node("Mul", [x, s] if big_first else [s, x])
    return g.conv(y, c, c, k=1)


@pattern(13)
def se_mul_big_first(g):
    return squeeze_excite(g, True)


@pattern(13)
def se_mul_small_first(g):
    return squeeze_excite(g, False)


@pattern(11)
def se_hardsigmoid(g):
    return squeeze_excite(g, False, gate="HardSigmoid")


@pattern(13)
def broadcast_add(g):
    """A [1,C,1,1] branch added to the [1,C,H,W] map (channel attention's additive form)."""
    c = g.c
    x = g.node("Relu", [g.conv("input", c, c)])
    s = g.conv(g.node("GlobalAveragePool", [x]), c, c, k=1)
    return g.node("Add", [s, x])


@pattern(13)
def reducemean_keepdims1(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("ReduceMean", [x], axes=[2, 3], keepdims=1)
    return g.conv(x, g.c, 10, k=1)


@pattern(13)
def reducemean_keepdims0(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("ReduceMean", [x], axes=[-2, -1], keepdims=0)
    return g.node("Gemm", [x, g.weight(10, g.c), g.weight(10)], transB=1)


@pattern(11)
def reducemax(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("ReduceMax", [x], axes=[2, 3], keepdims=1)
    x = g.node("Flatten", [x], axis=1)
    return g.node("Gemm", [x, g.weight(10, g.c), g.weight(10)], transB=1)


# --- windowed average pools

def avgpool(g, k, s, p, count_include_pad):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("AveragePool", [x], kernel_shape=[k, k], strides=[s, s], pads=[p] * 4,
               count_include_pad=count_include_pad)
    return g.conv(x, g.c, g.c, k=1)


@pattern(13)
def avgpool_k3s1p1_exclude_pad(g):
    return avgpool(g, 3, 1, 1, 0)


@pattern(13)
def avgpool_k3s1p1_include_pad(g):
    return avgpool(g, 3, 1, 1, 1)


@pattern(11)
def avgpool_k2s2(g):
    return avgpool(g, 2, 2, 0, 0)


# --- Pad

def pad_input(g, pads, form):
    """Pad's pads: an attribute (opset < 11), an initializer, or a Constant node (unfolded exports)."""
    if form == "initializer":
        return [g.ints(*pads)]
    return [g.const(np.array(pads, dtype=np.int64))]


@pattern(13)
def pad_conv(g):
    """Pad then a Conv without padding: foldable into the Conv's padding."""
    x = g.node("Pad", ["input"] + pad_input(g, [0, 0, 1, 1, 0, 0, 1, 1], "initializer"), mode="constant")
    return g.conv(x, g.c, g.c, pad=0)


@pattern(11)
def pad_conv_asymmetric(g):
    """torchvision's 'same' padding of a strided Conv (EfficientNet in TF style): right and bottom only."""
    x = g.node("Pad", ["input"] + pad_input(g, [0, 0, 0, 0, 0, 0, 1, 1], "constant"), mode="constant")
    return g.conv(x, g.c, g.c, stride=2, pad=0)


@pattern(10)
def pad_conv_opset10(g):
    """Pad in its attribute form (opset 2..10)."""
    x = g.node("Pad", ["input"], mode="constant", pads=[0, 0, 2, 2, 0, 0, 2, 2], value=0.0)
    return g.conv(x, g.c, g.c, k=5, pad=0)


@pattern(13)
def pad_maxpool(g):
    """Pad of a non-negative map (after a Relu) before a MaxPool: foldable into the pool's padding."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("Pad", [x] + pad_input(g, [0, 0, 1, 1, 0, 0, 1, 1], "constant"), mode="constant")
    return g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2])


@pattern(13)
def pad_avgpool(g):
    """Inception-v3's form: Pad then an AveragePool counting the pads (count_include_pad folded in)."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("Pad", [x] + pad_input(g, [0, 0, 1, 1, 0, 0, 1, 1], "initializer"), mode="constant")
    x = g.node("AveragePool", [x], kernel_shape=[3, 3], strides=[1, 1])
    return g.conv(x, g.c, g.c, k=1)


@pattern(13)
def pad_relu(g):
    """A Pad no neighbour can absorb: a layer of its own."""
    x = g.conv("input", g.c, g.c)
    x = g.node("Pad", [x] + pad_input(g, [0, 0, 2, 1, 0, 0, 0, 3], "initializer"), mode="constant")
    return g.node("Relu", [x])


@pattern(13)
def bad_pad_reflect(g):
    """Reflect padding: the hardware pads with a constant, so this is an error."""
    x = g.node("Pad", ["input"] + pad_input(g, [0, 0, 1, 1, 0, 0, 1, 1], "initializer"), mode="reflect")
    return g.conv(x, g.c, g.c, pad=0)


# --- dilation

@pattern(13)
def conv_dilation2(g):
    return g.node("Relu", [g.conv("input", g.c, g.c, dilation=2)])


@pattern(11)
def conv_dilation6(g):
    g.h, g.w = max(g.h, 16), max(g.w, 16)
    g.input_shape = [1, g.c, g.h, g.w]
    x = g.node("Relu", [g.conv("input", g.c, g.c, dilation=6)])
    return g.conv(x, g.c, g.c, k=3, dilation=6, pad=0)


# --- Resize and Upsample

@pattern(13)
def resize_nearest_scales(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    scales = g.init(np.array([1, 1, 2, 2], dtype=np.float32))
    x = g.node("Resize", [x, "", scales], mode="nearest", coordinate_transformation_mode="asymmetric",
               nearest_mode="floor")
    return g.conv(x, g.c, g.c)


@pattern(11)
def resize_nearest_scales_opset11(g):
    """Opset 11's Resize: the roi input is required (an empty constant)."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    roi = g.const(np.array([], dtype=np.float32))
    scales = g.const(np.array([1, 1, 2, 2], dtype=np.float32))
    x = g.node("Resize", [x, roi, scales], mode="nearest", coordinate_transformation_mode="asymmetric",
               nearest_mode="floor")
    return g.conv(x, g.c, g.c)


def size_of(g, like, form):
    """[N, C] of the data plus [H, W] of LIKE, as F.interpolate(size=like.shape[-2:]) exports it."""
    shape = g.node("Shape", [like])
    if form == "slice":
        return g.node("Slice", [shape, g.ints(2), g.ints(4), g.ints(0)])
    h = g.node("Unsqueeze", [g.node("Gather", [shape, g.init(np.array(2, dtype=np.int64))], axis=0)], axes=[0])
    w = g.node("Unsqueeze", [g.node("Gather", [shape, g.init(np.array(3, dtype=np.int64))], axis=0)], axes=[0])
    return g.node("Concat", [h, w], axis=0)


def resize_to_input(g, form, opset):
    """A stride-2 map upsampled (bilinear) back to the input's size, then added to a full-size branch."""
    c = g.c
    small = g.node("Relu", [g.conv("input", c, c, stride=2)])
    nc = g.node("Slice", [g.node("Shape", [small]), g.ints(0), g.ints(2), g.ints(0)])
    sizes = g.node("Concat", [nc, size_of(g, "input", form)], axis=0)
    if opset >= 13:  # roi and scales left out
        up = g.node("Resize", [small, "", "", sizes], mode="linear", coordinate_transformation_mode="half_pixel")
    else:  # opset 11 needs both, empty
        empty = [g.const(np.array([], dtype=np.float32)) for _ in range(2)]
        up = g.node("Resize", [small] + empty + [sizes], mode="linear",
                    coordinate_transformation_mode="align_corners")
    full = g.node("Relu", [g.conv("input", c, c)])
    return g.node("Add", [up, full])


def even(g):
    """Even rows and columns: the stride-2 map is exactly half, so the resize is by 2."""
    g.h, g.w = g.h + (g.h & 1), g.w + (g.w & 1)
    g.input_shape = [1, g.c, g.h, g.w]


@pattern(13)
def resize_bilinear_sizes_slice(g):
    even(g)
    return resize_to_input(g, "slice", 13)


@pattern(11)
def resize_bilinear_sizes_gather(g):
    even(g)
    return resize_to_input(g, "gather", 11)


@pattern(13)
def bad_resize_fractional(g):
    """An odd input: the stride-2 map resized back to it grows by 13/7, not a whole factor (an error)."""
    g.h, g.w = 13, 18
    g.input_shape = [1, g.c, g.h, g.w]
    return resize_to_input(g, "slice", 13)


@pattern(9)
def upsample_opset9(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("Upsample", [x, g.init(np.array([1, 1, 2, 2], dtype=np.float32))], mode="nearest")
    return g.conv(x, g.c, g.c)


# --- size arithmetic evaluated at parse time

def dim(g, shape, axis):
    return g.node("Gather", [shape, g.init(np.array(axis, dtype=np.int64))], axis=0)


@pattern(11)
def size_reshape(g):
    """x.view(x.size(0), -1) spelt out: Reshape to [N, C*H*W/N] from Shape, Gather, Mul, Div, Unsqueeze, Concat."""
    x = g.node("Relu", [g.conv("input", g.c, g.c, stride=2)])
    shape = g.node("Shape", [x])
    n = dim(g, shape, 0)
    chw = g.node("Mul", [g.node("Mul", [dim(g, shape, 1), dim(g, shape, 2)]), dim(g, shape, 3)])
    k = g.node("Div", [chw, n])
    target = g.node("Concat", [g.node("Unsqueeze", [n], axes=[0]), g.node("Unsqueeze", [k], axes=[0])], axis=0)
    x = g.node("Reshape", [x, target])
    h, w = (g.h + 1) // 2, (g.w + 1) // 2
    return g.node("Gemm", [x, g.weight(10, g.c * h * w), g.weight(10)], transB=1)


@pattern(13)
def size_expand(g):
    """A per-channel scale expanded to [N, C, 1, 1] the way torch exports expand(): ConstantOfShape, Mul,
    Equal, Where, Expand; the product is a per-channel constant Mul."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    nc = g.node("Slice", [g.node("Shape", [x]), g.ints(0), g.ints(2), g.ints(0)])
    target = g.node("Concat", [nc, g.ints(1, 1)], axis=0)
    ones = g.node("ConstantOfShape", [g.node("Shape", [target])],
                  value=numpy_helper.from_array(np.array([1], dtype=np.int64)))
    minus = g.node("Mul", [ones, g.init(np.array(-1, dtype=np.int64))])
    shape = g.node("Where", [g.node("Equal", [target, minus]), ones, target])
    scale = g.node("Expand", [g.weight(1, g.c, 1, 1), shape])
    return g.node("Mul", [x, scale])


@pattern(13)
def size_range(g):
    """Squeeze's axes (an input from opset 13) from Range(2, rank): the pooled map becomes [N, C]."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("GlobalAveragePool", [x])
    rank = g.node("Squeeze", [g.node("Shape", [g.node("Shape", [x])])], )
    axes = g.node("Range", [g.init(np.array(2, dtype=np.int64)), rank, g.init(np.array(1, dtype=np.int64))])
    x = g.node("Squeeze", [x, axes])
    return g.node("Gemm", [x, g.weight(10, g.c), g.weight(10)], transB=1)


# --- channel split and shuffle

def shuffle(g, x, c, groups=2):
    """ShuffleNet's channel shuffle: Reshape to [N, G, C/G, H, W], swap G and C/G, Reshape back."""
    x = g.node("Reshape", [x, g.ints(1, groups, c // groups, g.h, g.w)])
    x = g.node("Transpose", [x], perm=[0, 2, 1, 3, 4])
    return g.node("Reshape", [x, g.ints(1, c, g.h, g.w)])


def shuffle_unit(g, halves):
    """One half passes, the other goes through 1x1, depthwise 3x3, 1x1; joined and shuffled."""
    c, half = g.c, g.c // 2
    a, b = halves
    b = g.node("Relu", [g.conv(b, half, half, k=1)])
    b = g.conv(b, half, half, group=half)
    b = g.node("Relu", [g.conv(b, half, half, k=1)])
    return shuffle(g, g.node("Concat", [a, b], axis=1), c)


@pattern(11)
def split_attribute_shuffle(g):
    g.c = 2 * max(g.c // 2, 2)
    g.input_shape[1] = g.c
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    return shuffle_unit(g, g.node("Split", [x], outputs=2, axis=1, split=[g.c // 2, g.c // 2]))


@pattern(13)
def split_input_shuffle(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    return shuffle_unit(g, g.node("Split", [x, g.ints(g.c // 2, g.c // 2)], outputs=2, axis=1))


@pattern(13)
def split_unequal(g):
    """A Split into unequal channel groups, each its own branch, concatenated again."""
    c = 12
    g.c, g.input_shape[1] = c, c
    parts = g.node("Split", ["input", g.ints(3, 4, 5)], outputs=3, axis=1)
    branches = [g.node("Relu", [g.conv(p, k, k)]) for p, k in zip(parts, (3, 4, 5))]
    return g.node("Concat", branches, axis=1)


@pattern(13)
def slice_channels_shuffle(g):
    """ShuffleNet as torch exports x.chunk(2, dim=1) at opset 13: two Slices of the channels."""
    half = g.c // 2
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    a = g.node("Slice", [x, g.ints(0), g.ints(half), g.ints(1)])
    b = g.node("Slice", [x, g.ints(half), g.ints(g.c), g.ints(1)])
    return shuffle_unit(g, (a, b))


@pattern(11)
def slice_channels_computed(g):
    """Slices whose bounds come from Shape and Div, as unfolded exports of x.chunk(2, dim=1) have them."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    c = dim(g, g.node("Shape", [x]), 1)
    half = g.node("Unsqueeze", [g.node("Div", [c, g.init(np.array(2, dtype=np.int64))])], axes=[0])
    end = g.node("Unsqueeze", [c], axes=[0])
    a = g.node("Slice", [x, g.ints(0), half, g.ints(1)])
    b = g.node("Slice", [x, half, end, g.ints(1)])
    return shuffle_unit(g, (a, b))


# --- normalisation and activations

def to_nhwc(g, x):
    return g.node("Transpose", [x], perm=[0, 2, 3, 1])


def to_nchw(g, x):
    return g.node("Transpose", [x], perm=[0, 3, 1, 2])


def layer_norm(g, x, c, decomposed):
    """LayerNormalization over the last (channel) axis, or its decomposition as opset < 17 exports it."""
    gamma, beta = g.weight(c), g.weight(c)
    if not decomposed:
        return g.node("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=1e-6)
    mean = g.node("ReduceMean", [x], axes=[-1], keepdims=1)
    d = g.node("Sub", [x, mean])
    var = g.node("ReduceMean", [g.node("Pow", [d, g.init(np.array(2.0, dtype=np.float32))])], axes=[-1], keepdims=1)
    std = g.node("Sqrt", [g.node("Add", [var, g.init(np.array(1e-6, dtype=np.float32))])])
    y = g.node("Div", [d, std])
    return g.node("Add", [g.node("Mul", [y, gamma]), beta])


@pattern(17)
def layernorm_opset17(g):
    x = g.conv("input", g.c, g.c)
    return g.conv(to_nchw(g, layer_norm(g, to_nhwc(g, x), g.c, False)), g.c, g.c, k=1)


@pattern(13)
def layernorm_decomposed(g):
    x = g.conv("input", g.c, g.c)
    return g.conv(to_nchw(g, layer_norm(g, to_nhwc(g, x), g.c, True)), g.c, g.c, k=1)


def gelu(g, x, form):
    f32 = lambda v: g.init(np.array(v, dtype=np.float32))  # noqa: E731
    if form == "erf":  # x * 0.5 * (1 + erf(x / sqrt 2)), as torch exports nn.GELU()
        e = g.node("Erf", [g.node("Div", [x, f32(1.4142135)])])
        return g.node("Mul", [g.node("Mul", [x, g.node("Add", [e, f32(1.0)])]), f32(0.5)])
    # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), nn.GELU(approximate="tanh")
    cube = g.node("Mul", [g.node("Pow", [x, f32(3.0)]), f32(0.044715)])
    t = g.node("Tanh", [g.node("Mul", [g.node("Add", [x, cube]), f32(0.7978846)])])
    return g.node("Mul", [g.node("Mul", [x, f32(0.5)]), g.node("Add", [t, f32(1.0)])])


@pattern(13)
def gelu_erf(g):
    return g.conv(gelu(g, g.conv("input", g.c, g.c), "erf"), g.c, g.c, k=1)


@pattern(13)
def gelu_tanh(g):
    return g.conv(gelu(g, g.conv("input", g.c, g.c), "tanh"), g.c, g.c, k=1)


@pattern(13)
def silu(g):
    x = g.conv("input", g.c, g.c)
    return g.conv(g.node("Mul", [x, g.node("Sigmoid", [x])]), g.c, g.c, k=1)


@pattern(11)
def silu_sigmoid_first(g):
    x = g.conv("input", g.c, g.c)
    return g.conv(g.node("Mul", [g.node("Sigmoid", [x]), x]), g.c, g.c, k=1)


@pattern(13)
def leakyrelu(g):
    return g.conv(g.node("LeakyRelu", [g.conv("input", g.c, g.c)], alpha=0.1), g.c, g.c, k=1)


@pattern(13)
def prelu(g):
    x = g.node("PRelu", [g.conv("input", g.c, g.c), g.weight(g.c, 1, 1)])
    x = g.node("PRelu", [g.conv(x, g.c, g.c, k=1), g.weight(1)])
    return x


@pattern(13)
def channel_affine_after_conv(g):
    """A per-channel constant Mul and Add right after a Conv (foldable into its weights and bias)."""
    x = g.conv("input", g.c, g.c)
    x = g.node("Add", [g.node("Mul", [x, g.weight(1, g.c, 1, 1)]), g.weight(1, g.c, 1, 1)])
    return g.node("Relu", [x])


@pattern(11)
def channel_affine_after_relu(g):
    """A per-channel constant Mul and Add after a Relu ([C,1,1] constants, constant first in the Add)."""
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    x = g.node("Add", [g.weight(g.c, 1, 1), g.node("Mul", [x, g.weight(g.c, 1, 1)])])
    return g.conv(x, g.c, g.c, k=1)


# --- ConvNeXt's block

def convnext_block(g, decomposed):
    """Depthwise 7x7, to NHWC, LayerNorm, Linear (MatMul + Add) to 4C, GELU, Linear back, layer scale
    (Mul gamma), to NCHW, Add the block's input."""
    c = g.c
    x = g.conv("input", c, c, k=1)
    y = to_nhwc(g, g.conv(x, c, c, k=7, group=c))
    y = layer_norm(g, y, c, decomposed)
    y = g.node("Add", [g.node("MatMul", [y, g.weight(c, 4 * c)]), g.weight(4 * c)])
    y = gelu(g, y, "erf")
    y = g.node("Add", [g.node("MatMul", [y, g.weight(4 * c, c)]), g.weight(c)])
    y = to_nchw(g, g.node("Mul", [y, g.weight(c)]))
    return g.node("Add", [y, x])


@pattern(17)
def convnext_block_opset17(g):
    return convnext_block(g, False)


@pattern(13)
def convnext_block_decomposed(g):
    return convnext_block(g, True)


# --- the rest

@pattern(13)
def concat_one_input(g):
    x = g.node("Concat", [g.conv("input", g.c, g.c)], axis=1)
    return g.node("Relu", [x])


@pattern(13)
def softmax_end(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    return g.node("Softmax", [head(g, x, g.c)], axis=1)


@pattern(11)
def logsoftmax_end(g):
    x = g.node("Relu", [g.conv("input", g.c, g.c)])
    return g.node("LogSoftmax", [head(g, x, g.c)], axis=1)


@pattern(13)
def bad_attention(g):
    """A vision transformer's self-attention over the map's pixels: MatMul of two data tensors and a
    Softmax inside. Not a streaming CNN: the parser must fail, naming every such node in one line."""
    c, hw = g.c, g.h * g.w
    x = g.conv("input", c, c, k=1)
    t = g.node("Transpose", [g.node("Reshape", [x, g.ints(1, c, hw)])], perm=[0, 2, 1])  # [1, HW, C]
    q = g.node("MatMul", [t, g.weight(c, c)])
    k = g.node("MatMul", [t, g.weight(c, c)])
    v = g.node("MatMul", [t, g.weight(c, c)])
    scores = g.node("MatMul", [q, g.node("Transpose", [k], perm=[0, 2, 1])])  # [1, HW, HW]
    attn = g.node("Softmax", [g.node("Mul", [scores, g.init(np.array(c ** -0.5, dtype=np.float32))])], axis=-1)
    y = g.node("MatMul", [attn, v])  # [1, HW, C]
    y = g.node("Reshape", [g.node("Transpose", [y], perm=[0, 2, 1]), g.ints(1, c, g.h, g.w)])
    return g.node("Add", [y, x])


def write_all(table, outdir, new_graph=Graph, finish=lambda model: model):
    """Builds every graph of TABLE (its name: (builder, opset)) and writes NAME.onnx (FINISH applied to the
    model) and NAME.shapes.json into OUTDIR."""
    os.makedirs(outdir, exist_ok=True)
    for name, (build, opset) in table.items():
        g = new_graph(name)
        model = finish(g.model(build(g), opset))
        path = os.path.join(outdir, name + ".onnx")
        onnx.save(model, path)
        missing = shapes_json.write(model, path)
        print(f"{name}: opset {opset}, input {'x'.join(map(str, g.input_shape))}, {len(g.nodes)} nodes",
              f"UNKNOWN SHAPES {missing}" if missing else "", flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write_all(PATTERNS, sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "patterns"))


if __name__ == "__main__":
    main()

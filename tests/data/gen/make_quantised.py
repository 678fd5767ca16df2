#!/usr/bin/env python3
"""Builds small quantised ONNX models (issue 13) and their float twins, with onnx's helper.

Not run by the tests (they must not need Python): run by hand, commit the output.

    /usr/bin/python3 tests/data/gen/make_quantised.py [OUTDIR]   (default tests/data/models/quantised)

QDQ models, as onnxruntime's quantiser and PyTorch's export write them (QuantizeLinear and
DequantizeLinear around the layers, weights as integer initializers read by a DequantizeLinear):

    qdq_int8          int8 activations and weights, per-tensor scales (Conv, Relu, MaxPool, Gemm)
    qdq_per_channel   int8 weights with per-channel scales (axis 0); Conv -> Relu -> QuantizeLinear
                      (PyTorch's fused Conv+ReLU); a depthwise Conv with equal power-of-two scales
    qdq_uint8         uint8 activations (onnxruntime's default), a QuantizeLinear without a zero point,
                      a residual Add, a global average pool and a Gemm
    qdq_mixed         float layers beside quantised ones: int16 activations (opset 21, which the checker
                      of onnx 1.12 does not know), weight-only quantisation
    qdq_int4          opset 21: uint4 activations, int4 weights (data types 21 and 22, which the onnx
                      1.12 Debian ships does not name: written by number, packed two to a byte; the
                      checker of that onnx cannot check the file), output_dtype without a zero point

QONNX models, as Brevitas exports them for FINN (Quant / IntQuant, BipolarQuant, Trunc):

    qonnx_4bit        4-bit weights and activations (bit widths as initializers), an unsigned QuantReLU,
                      an average pool followed by Trunc, domain qonnx.custom_op.general
    qonnx_8bit        8-bit, bit widths from Constant nodes, IntQuant, a 24-bit quantised bias, domain
                      finn.custom_op.general
    qonnx_bipolar     BipolarQuant weights and activations, a BatchNormalization folded into the Conv

Each NAME.onnx has a float twin NAME.float.onnx: the same graph without the quantisers, float weights.
Models whose name starts with "bad_" are errors the parser must report (tests/test_onnx_quant.c).
Scales are powers of two where the test expects a binary point from them, other values where it
expects the width-based default. Weights are random and inline; the parser reads only their dims.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QONNX = "qonnx.custom_op.general"
FINN = "finn.custom_op.general"
UINT4, INT4, FLOAT8E4M3FN = 21, 22, 17  # TensorProto.DataType numbers of ONNX >= 1.14 / 1.16
INT_RANGES = {TensorProto.INT8: (-128, 127), TensorProto.UINT8: (0, 255), TensorProto.INT16: (-32768, 32767),
              TensorProto.INT32: (-(1 << 20), 1 << 20), INT4: (-8, 7), UINT4: (0, 15)}
NUMPY = {TensorProto.INT8: np.int8, TensorProto.UINT8: np.uint8, TensorProto.INT16: np.int16,
         TensorProto.INT32: np.int32}


class Model:
    """A graph under construction. With quantised False the quantisers are left out (the float twin)."""

    def __init__(self, name, quantised, input_shape, opset=13, domain=None, check=True):
        self.name, self.quantised, self.opset, self.domain, self.check = name, quantised, opset, domain, check
        self.rng = np.random.default_rng(sum(map(ord, name)))
        self.nodes, self.inits, self.input_shape = [], [], input_shape
        self.input_type = TensorProto.FLOAT

    # --- plumbing

    def node(self, op, inputs, name, domain=None, **attrs):
        self.nodes.append(helper.make_node(op, list(inputs), [name], name=name, domain=domain, **attrs))
        return name

    def init(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def int_init(self, name, dims, qtype, values=None):
        """An integer initializer of type QTYPE; int4 and uint4 packed two to a byte, low nibble first."""
        low, high = INT_RANGES[qtype]
        v = np.asarray(values if values is not None else self.rng.integers(low, high + 1, size=dims)).reshape(dims)
        if qtype in NUMPY:
            return self.init(name, v.astype(NUMPY[qtype]))
        flat = (v.reshape(-1).astype(np.int64) & 0xF).tolist()
        flat += [0] * (len(flat) % 2)
        t = TensorProto(name=name, data_type=qtype, dims=list(dims))
        t.raw_data = bytes(flat[i] | (flat[i + 1] << 4) for i in range(0, len(flat), 2))
        self.inits.append(t)
        return name

    def floats(self, *dims, scale=0.1):
        return (self.rng.standard_normal(dims) * scale).astype(np.float32)

    def scale(self, name, value):
        return self.init(name, np.asarray(value, dtype=np.float32))

    # --- QDQ

    def qdq(self, x, name, scale, qtype, zero_point=True, output_dtype=None):
        """x -> QuantizeLinear -> DequantizeLinear (an activation); x itself in the float twin."""
        if not self.quantised:
            return x
        s = self.scale(f"{name}_scale", scale)
        zp = [self.int_init(f"{name}_zp", [], qtype, 0)] if zero_point else []
        attrs = {"output_dtype": output_dtype} if output_dtype is not None else {}
        q = self.node("QuantizeLinear", [x, s] + zp, f"{name}_q", **attrs)
        return self.node("DequantizeLinear", [q, s] + zp, f"{name}_dq")

    def weight(self, name, dims, scale, qtype=TensorProto.INT8, axis=None):
        """A weight: an integer initializer -> DequantizeLinear (scale per tensor, or per channel on AXIS)."""
        if not self.quantised:
            return self.init(name, self.floats(*dims))
        w = self.int_init(name, dims, qtype)
        s = self.scale(f"{name}_scale", scale)
        zeros = np.zeros(np.shape(scale), dtype=np.int64)
        zp = self.int_init(f"{name}_zp", list(np.shape(scale)), qtype, zeros)
        attrs = {"axis": axis} if axis is not None else {}
        return self.node("DequantizeLinear", [w, s, zp], f"{name}_dq", **attrs)

    def bias(self, name, n, scale, axis=None):
        """A bias: an INT32 initializer -> DequantizeLinear, as onnxruntime quantises it."""
        if not self.quantised:
            return self.init(name, self.floats(n))
        b = self.int_init(name, [n], TensorProto.INT32)
        attrs = {"axis": axis} if axis is not None else {}
        return self.node("DequantizeLinear", [b, self.scale(f"{name}_scale", scale)], f"{name}_dq", **attrs)

    # --- QONNX

    def bits(self, name, value, constant_node=False):
        if constant_node:
            return self.node("Constant", [], name, value=numpy_helper.from_array(np.array(value, np.float32)))
        return self.init(name, np.array(value, dtype=np.float32))

    def quant(self, x, name, scale, bits, op="Quant", signed=1, constant_node=False):
        """QONNX's Quant (IntQuant) of x; x itself in the float twin."""
        if not self.quantised:
            return x
        inputs = [x, self.scale(f"{name}_scale", scale), self.scale(f"{name}_zeropt", 0.0),
                  self.bits(f"{name}_bits", bits, constant_node)]
        return self.node(op, inputs, name, domain=self.domain, signed=signed, narrow=0, rounding_mode="ROUND")

    def bipolar(self, x, name, scale):
        if not self.quantised:
            return x
        return self.node("BipolarQuant", [x, self.scale(f"{name}_scale", scale)], name, domain=self.domain)

    def trunc(self, x, name, scale, in_bits, out_bits):
        if not self.quantised:
            return x
        inputs = [x, self.scale(f"{name}_scale", scale), self.scale(f"{name}_zeropt", 0.0),
                  self.bits(f"{name}_in_bits", in_bits), self.bits(f"{name}_out_bits", out_bits)]
        return self.node("Trunc", inputs, name, domain=self.domain, rounding_mode="FLOOR")

    # --- layers

    def conv(self, x, name, cin, cout, w, b=None, k=3, group=1):
        pad = k // 2
        return self.node("Conv", [x, w] + ([b] if b else []), name, kernel_shape=[k, k], pads=[pad] * 4,
                         group=group)

    def model(self, output):
        for n in self.nodes:  # the last node's output is the graph's output
            n.output[:] = ["output" if o == output else o for o in n.output]
        graph = helper.make_graph(self.nodes, self.name,
                                  [helper.make_tensor_value_info("input", self.input_type, self.input_shape)],
                                  [helper.make_tensor_value_info("output", TensorProto.FLOAT, None)], self.inits)
        opsets = [helper.make_opsetid("", self.opset)]
        if self.domain and self.quantised:
            opsets.append(helper.make_opsetid(self.domain, 1))
        model = helper.make_model(graph, opset_imports=opsets,
                                  producer_name="fpgaconvnet-c tests/data/gen/make_quantised.py")
        model.ir_version = 10 if self.opset >= 21 else 7
        if self.check and not (self.domain and self.quantised):
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
            model.graph.output[0].CopyFrom(inferred.graph.output[0])  # its shape, as inference gives it
            onnx.checker.check_model(model, full_check=True)
        return model


MODELS = {}


def model(fn):
    MODELS[fn.__name__] = fn
    return fn


POW2 = [2.0 ** -k for k in range(12)]


@model
def qdq_int8(q):
    m = Model("qdq_int8", q, [1, 3, 8, 8])
    x = m.qdq("input", "in", POW2[4], TensorProto.INT8)
    x = m.conv(x, "conv1", 3, 8, m.weight("conv1_w", [8, 3, 3, 3], POW2[7]), m.bias("conv1_b", 8, POW2[11]))
    x = m.qdq(x, "conv1_out", POW2[3], TensorProto.INT8)
    x = m.qdq(m.node("Relu", [x], "relu1"), "relu1_out", POW2[3], TensorProto.INT8)
    x = m.node("MaxPool", [x], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    x = m.qdq(x, "pool1_out", POW2[3], TensorProto.INT8)
    x = m.node("Flatten", [x], "flatten", axis=1)
    x = m.node("Gemm", [x, m.weight("fc1_w", [10, 128], 0.0123), m.bias("fc1_b", 10, 0.0123 * POW2[3])], "fc1",
               transB=1)
    return m.model(m.qdq(x, "fc1_out", 0.05, TensorProto.INT8))


@model
def qdq_per_channel(q):
    m = Model("qdq_per_channel", q, [1, 4, 10, 10])
    x = m.qdq("input", "in", POW2[5], TensorProto.INT8)
    scales = [0.011, 0.012, 0.013, 0.014, 0.015, 0.016, 0.017, 0.018]
    x = m.conv(x, "conv1", 4, 8, m.weight("conv1_w", [8, 4, 3, 3], scales, axis=0),
               m.bias("conv1_b", 8, [s * POW2[5] for s in scales], axis=0))
    x = m.qdq(m.node("Relu", [x], "relu1"), "relu1_out", POW2[4], TensorProto.INT8)  # PyTorch's ConvReLU2d
    x = m.conv(x, "dwconv", 8, 8, m.weight("dwconv_w", [8, 1, 3, 3], [POW2[6]] * 8, axis=0), group=8)
    x = m.qdq(m.node("Relu", [x], "relu2"), "relu2_out", POW2[4], TensorProto.INT8)
    scales = [0.02 + 0.001 * i for i in range(16)]
    x = m.conv(x, "pwconv", 8, 16, m.weight("pwconv_w", [16, 8, 1, 1], scales, axis=0),
               m.bias("pwconv_b", 16, [s * POW2[4] for s in scales], axis=0), k=1)
    return m.model(m.qdq(x, "pwconv_out", POW2[2], TensorProto.INT8))


@model
def qdq_uint8(q):
    m = Model("qdq_uint8", q, [1, 8, 6, 6])
    x = m.qdq("input", "in", 0.02, TensorProto.UINT8)
    scales = [0.01 * (i + 1) for i in range(8)]
    c = m.conv(x, "conv1", 8, 8, m.weight("conv1_w", [8, 8, 3, 3], scales, axis=0),
               m.bias("conv1_b", 8, [s * 0.02 for s in scales], axis=0))
    c = m.qdq(c, "conv1_out", POW2[5], TensorProto.UINT8, zero_point=False)  # UINT8 without a zero point
    r = m.qdq(m.node("Relu", [c], "relu1"), "relu1_out", POW2[5], TensorProto.UINT8)
    a = m.qdq(m.node("Add", [r, x], "add1"), "add1_out", POW2[3], TensorProto.UINT8)
    g = m.qdq(m.node("GlobalAveragePool", [a], "gap"), "gap_out", POW2[3], TensorProto.UINT8)
    f = m.node("Flatten", [g], "flatten", axis=1)
    scales = [0.03] * 10
    y = m.node("Gemm", [f, m.weight("fc1_w", [10, 8], scales, axis=0), m.bias("fc1_b", 10, 0.03 * POW2[3])], "fc1",
               transB=1)
    return m.model(m.qdq(y, "fc1_out", 0.1, TensorProto.UINT8))


@model
def qdq_mixed(q):
    m = Model("qdq_mixed", q, [1, 3, 8, 8], opset=21, check=False)  # int16 activations: opset 21
    x = m.conv("input", "conv1", 3, 8, m.init("conv1_w", m.floats(8, 3, 3, 3)), m.init("conv1_b", m.floats(8)))
    x = m.qdq(m.node("Relu", [x], "relu1"), "relu1_out", POW2[4], TensorProto.INT16)  # float conv, int16 out
    x = m.conv(x, "conv2", 8, 8, m.weight("conv2_w", [8, 8, 3, 3], POW2[6]), m.bias("conv2_b", 8, POW2[10]))
    x = m.node("Relu", [x], "relu2")  # float from here: no quantiser after conv2
    x = m.conv(x, "conv3", 8, 8, m.weight("conv3_w", [8, 8, 3, 3], POW2[5]), m.init("conv3_b", m.floats(8)))
    return m.model(m.node("GlobalAveragePool", [x], "gap"))


@model
def qdq_int4(q):
    m = Model("qdq_int4", q, [1, 3, 8, 8], opset=21, check=False)
    x = m.qdq("input", "in", POW2[2], UINT4)
    x = m.conv(x, "conv1", 3, 8, m.weight("conv1_w", [8, 3, 3, 3], POW2[3], qtype=INT4), m.bias("conv1_b", 8, POW2[5]))
    x = m.qdq(x, "conv1_out", POW2[1], INT4, zero_point=False, output_dtype=INT4)
    x = m.node("Relu", [x], "relu1")
    return m.model(m.qdq(x, "relu1_out", POW2[1], UINT4))


@model
def qonnx_4bit(q):
    m = Model("qonnx_4bit", q, [1, 3, 8, 8], domain=QONNX)
    x = m.quant("input", "in_quant", POW2[3], 4)
    w = m.quant(m.init("conv1_w", m.floats(8, 3, 3, 3)), "conv1_w_quant", np.full([8, 1, 1, 1], POW2[2]), 4)
    x = m.conv(x, "conv1", 3, 8, w, m.init("conv1_b", m.floats(8)))
    x = m.quant(m.node("Relu", [x], "relu1"), "relu1_quant", POW2[3], 4, signed=0)  # Brevitas' QuantReLU
    x = m.node("AveragePool", [x], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    x = m.trunc(x, "pool1_trunc", POW2[3], 8, 4)  # Brevitas' QuantAvgPool2d
    x = m.node("Flatten", [x], "flatten", axis=1)
    w = m.quant(m.init("fc1_w", m.floats(10, 128)), "fc1_w_quant", 0.1, 4)
    x = m.node("Gemm", [x, w, m.init("fc1_b", m.floats(10))], "fc1", transB=1)
    return m.model(m.quant(x, "fc1_quant", POW2[2], 8))


@model
def qonnx_8bit(q):
    m = Model("qonnx_8bit", q, [1, 3, 8, 8], domain=FINN)
    x = m.quant("input", "in_quant", POW2[4], 8, constant_node=True)
    w = m.quant(m.init("conv1_w", m.floats(8, 3, 3, 3)), "conv1_w_quant", POW2[6], 8, op="IntQuant",
                constant_node=True)
    x = m.conv(x, "conv1", 3, 8, w)
    x = m.quant(m.node("Relu", [x], "relu1"), "relu1_quant", POW2[4], 8, signed=0, constant_node=True)
    x = m.node("Flatten", [x], "flatten", axis=1)
    w = m.quant(m.init("fc1_w", m.floats(10, 512)), "fc1_w_quant", 0.02, 8, constant_node=True)
    b = m.quant(m.init("fc1_b", m.floats(10)), "fc1_b_quant", 0.02 * POW2[4], 24, constant_node=True)
    return m.model(m.node("Gemm", [x, w, b], "fc1", transB=1))


@model
def qonnx_bipolar(q):
    m = Model("qonnx_bipolar", q, [1, 3, 8, 8], domain=QONNX)
    x = m.bipolar("input", "in_quant", 1.0)
    x = m.conv(x, "conv1", 3, 16, m.bipolar(m.init("conv1_w", m.floats(16, 3, 3, 3)), "conv1_w_quant", 1.0))
    bn = [m.init(f"bn_{p}", v) for p, v in (("scale", np.ones(16, np.float32)), ("bias", m.floats(16)),
                                             ("mean", m.floats(16)), ("var", np.ones(16, np.float32)))]
    x = m.bipolar(m.node("BatchNormalization", [x] + bn, "bn1"), "bn1_quant", 1.0)
    x = m.conv(x, "conv2", 16, 16, m.bipolar(m.init("conv2_w", m.floats(16, 16, 3, 3)), "conv2_w_quant", 0.5))
    return m.model(x)


# --- errors: each is only quantised

def bad(fn):
    MODELS[fn.__name__] = fn
    fn.bad = True
    return fn


@bad
def bad_qonnx_bitwidth_data(q):
    """A Quant whose bit width is computed from the data: not a constant."""
    m = Model("bad_qonnx_bitwidth_data", q, [1, 3, 8, 8], domain=QONNX)
    r = m.node("Relu", ["input"], "bits_from_data")
    inputs = ["input", m.scale("s", POW2[3]), m.scale("z", 0.0), r]
    x = m.node("Quant", inputs, "in_quant", domain=QONNX, signed=1, narrow=0, rounding_mode="ROUND")
    return m.model(m.conv(x, "conv1", 3, 8, m.init("conv1_w", m.floats(8, 3, 3, 3))))


@bad
def bad_qonnx_bitwidth_fraction(q):
    m = Model("bad_qonnx_bitwidth_fraction", q, [1, 3, 8, 8], domain=QONNX)
    w = m.quant(m.init("conv1_w", m.floats(8, 3, 3, 3)), "conv1_w_quant", POW2[2], 2.5)
    return m.model(m.conv("input", "conv1", 3, 8, w))


@bad
def bad_qonnx_bitwidth_wide(q):
    m = Model("bad_qonnx_bitwidth_wide", q, [1, 3, 8, 8], domain=FINN)
    return m.model(m.conv(m.quant("input", "in_quant", POW2[2], 40), "conv1", 3, 8,
                          m.init("conv1_w", m.floats(8, 3, 3, 3))))


@bad
def bad_qdq_zero_point_float(q):
    m = Model("bad_qdq_zero_point_float", q, [1, 3, 8, 8], check=False)
    s, zp = m.scale("s", POW2[4]), m.init("zp", np.array(0.0, np.float32))
    x = m.node("DequantizeLinear", [m.node("QuantizeLinear", ["input", s, zp], "in_q"), s, zp], "in_dq")
    return m.model(m.conv(x, "conv1", 3, 8, m.init("conv1_w", m.floats(8, 3, 3, 3))))


@bad
def bad_qdq_zero_point_float8(q):
    m = Model("bad_qdq_zero_point_float8", q, [1, 3, 8, 8], opset=19, check=False)
    zp = TensorProto(name="zp", data_type=FLOAT8E4M3FN, dims=[])
    zp.raw_data = bytes([0])
    m.inits.append(zp)
    w = m.int_init("conv1_w", [8, 3, 3, 3], TensorProto.INT8)
    w = m.node("DequantizeLinear", [w, m.scale("s", POW2[4]), "zp"], "conv1_w_dq")
    return m.model(m.conv("input", "conv1", 3, 8, w))


@bad
def bad_qdq_dequantize_float(q):
    """A DequantizeLinear of a Conv's float output: nothing says what it quantises."""
    m = Model("bad_qdq_dequantize_float", q, [1, 3, 8, 8], check=False)
    x = m.conv("input", "conv1", 3, 8, m.init("conv1_w", m.floats(8, 3, 3, 3)))
    s, zp = m.scale("s", POW2[4]), m.int_init("zp", [], TensorProto.INT8, 0)
    x = m.node("DequantizeLinear", [x, s, zp], "conv1_dq")
    return m.model(m.node("Relu", [x], "relu1"))


@bad
def bad_qdq_scale_data(q):
    """A QuantizeLinear whose scale is the data."""
    m = Model("bad_qdq_scale_data", q, [1, 3, 8, 8], check=False)
    zp = m.int_init("zp", [], TensorProto.INT8, 0)
    x = m.node("QuantizeLinear", ["input", "input", zp], "in_q")
    x = m.node("DequantizeLinear", [x, m.scale("s", POW2[4]), zp], "in_dq")
    return m.model(m.conv(x, "conv1", 3, 8, m.init("conv1_w", m.floats(8, 3, 3, 3))))


@bad
def bad_qdq_per_channel_scale(q):
    """Per-channel weight scales, one short of the Conv's 8 filters."""
    m = Model("bad_qdq_per_channel_scale", q, [1, 3, 8, 8], check=False)
    w = m.weight("conv1_w", [8, 3, 3, 3], [0.01] * 7, axis=0)
    return m.model(m.conv("input", "conv1", 3, 8, w))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "quantised")
    os.makedirs(outdir, exist_ok=True)
    for name, build in MODELS.items():
        onnx.save(build(True), os.path.join(outdir, name + ".onnx"))
        if not getattr(build, "bad", False):
            onnx.save(build(False), os.path.join(outdir, name + ".float.onnx"))
        print(name, flush=True)


if __name__ == "__main__":
    main()

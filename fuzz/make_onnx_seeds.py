#!/usr/bin/env python3
"""Writes the small hand-made ONNX seeds of fuzz/corpus/onnx/ (tiny-*.onnx).

Small graphs that reach every operator the parser knows, in few bytes, so that
the fuzzer's mutations land on structure rather than on weights. Weights are
external (the parser reads only their shapes), so each file is a few hundred
bytes. Encoded with the standard library alone: protobuf's wire format for the
few onnx.proto messages needed (proto2, so repeated scalars are not packed).

    python3 fuzz/make_onnx_seeds.py [OUTDIR]   (default: fuzz/corpus/onnx)
"""
import os
import struct
import sys

# ------------------------------------------------------------ wire format


def varint(n):
    n &= (1 << 64) - 1  # negative int64 as ten bytes, as protobuf does
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_float(number, value):
    return varint(number << 3 | 5) + struct.pack("<f", value)


# ------------------------------------------------------------ onnx.proto messages

FLOAT, INT32, INT64 = 1, 6, 7
ATTR_FLOAT, ATTR_INT, ATTR_STRING, ATTR_TENSOR, ATTR_FLOATS, ATTR_INTS = 1, 2, 3, 4, 6, 7


def attr_int(name, value):
    return field_bytes(1, name) + field_varint(20, ATTR_INT) + field_varint(3, value)


def attr_ints(name, values):
    return field_bytes(1, name) + field_varint(20, ATTR_INTS) + b"".join(field_varint(8, v) for v in values)


def attr_float(name, value):
    return field_bytes(1, name) + field_varint(20, ATTR_FLOAT) + field_float(2, value)


def attr_string(name, value):
    return field_bytes(1, name) + field_varint(20, ATTR_STRING) + field_bytes(4, value)


def node(op, inputs, outputs, name=None, attrs=()):
    msg = b"".join(field_bytes(1, i) for i in inputs) + b"".join(field_bytes(2, o) for o in outputs)
    if name is not None:
        msg += field_bytes(3, name)
    msg += field_bytes(4, op)
    msg += b"".join(field_bytes(5, a) for a in attrs)
    return msg


def external_tensor(name, dims):
    """A float initializer whose data lives in a file that is not shipped: only its shape matters."""
    entry = field_bytes(1, "location") + field_bytes(2, name + ".bin")
    return (b"".join(field_varint(1, d) for d in dims) + field_varint(2, FLOAT) + field_bytes(8, name) +
            field_bytes(13, entry) + field_varint(14, 1))


def int64_tensor(name, values):
    raw = b"".join(struct.pack("<q", v) for v in values)
    return field_varint(1, len(values)) + field_varint(2, INT64) + field_bytes(8, name) + field_bytes(9, raw)


def int32_tensor(name, values):
    """int32_data is packed even in proto2 ([packed = true])."""
    packed = b"".join(varint(v) for v in values)
    return field_varint(1, len(values)) + field_varint(2, INT32) + field_bytes(8, name) + field_bytes(5, packed)


def float_tensor(name, values):
    raw = b"".join(struct.pack("<f", v) for v in values)
    return field_varint(1, len(values)) + field_varint(2, FLOAT) + field_bytes(8, name) + field_bytes(9, raw)


def attr_tensor(name, tensor):
    return field_bytes(1, name) + field_varint(20, ATTR_TENSOR) + field_bytes(5, tensor)


def node_in_domain(op, inputs, outputs, name, domain):
    return node(op, inputs, outputs, name) + field_bytes(7, domain)


def value_info(name, dims):
    """A float tensor; a str dim is symbolic (dim_param)."""
    shape = b""
    for d in dims:
        dim = field_bytes(2, d) if isinstance(d, str) else field_varint(1, d)
        shape += field_bytes(1, dim)
    tensor_type = field_varint(1, FLOAT) + field_bytes(2, shape)
    return field_bytes(1, name) + field_bytes(2, field_bytes(1, tensor_type))


def model(nodes, inputs, outputs, initializers=(), opset=13, value_infos=()):
    graph = b"".join(field_bytes(1, n) for n in nodes) + field_bytes(2, "g")
    graph += b"".join(field_bytes(5, t) for t in initializers)
    graph += b"".join(field_bytes(11, v) for v in inputs)
    graph += b"".join(field_bytes(12, v) for v in outputs)
    graph += b"".join(field_bytes(13, v) for v in value_infos)
    opset_id = field_bytes(1, "") + field_varint(2, opset)
    return field_varint(1, 8) + field_bytes(2, "fuzz") + field_bytes(7, graph) + field_bytes(8, opset_id)


# ------------------------------------------------------------ the seeds


def conv_relu_pool_gemm():
    """Conv with bias and pads, Relu, MaxPool, Flatten, Gemm (transB): lenet in small."""
    return model(
        [node("Conv", ["input", "w1", "b1"], ["c1"], "conv1",
              [attr_ints("kernel_shape", [3, 3]), attr_ints("pads", [1, 1, 1, 1]), attr_ints("strides", [1, 1]),
               attr_int("group", 1), attr_ints("dilations", [1, 1])]),
         node("Relu", ["c1"], ["r1"], "relu1"),
         node("MaxPool", ["r1"], ["p1"], "pool1", [attr_ints("kernel_shape", [2, 2]), attr_ints("strides", [2, 2])]),
         node("Flatten", ["p1"], ["f"], "flatten", [attr_int("axis", 1)]),
         node("Gemm", ["f", "w2", "b2"], ["output"], "fc", [attr_int("transB", 1), attr_float("alpha", 1.0)])],
        [value_info("input", ["N", 1, 8, 8])], [value_info("output", ["N", 10])],
        [external_tensor("w1", [4, 1, 3, 3]), external_tensor("b1", [4]),
         external_tensor("w2", [10, 64]), external_tensor("b2", [10])])


def conv_bn_gap_matmul():
    """Conv (no bias, no names) + BatchNormalization, GlobalAveragePool, Reshape, MatMul + Add, Softmax."""
    return model(
        [node("Conv", ["x", "w"], ["1"], None, [attr_ints("kernel_shape", [3, 3])]),
         node("BatchNormalization", ["1", "s", "b", "m", "v"], ["2"], "bn", [attr_float("epsilon", 1e-5)]),
         node("Relu", ["2"], ["3"], "input"),
         node("GlobalAveragePool", ["3"], ["4"], "gap"),
         node("Reshape", ["4", "shape"], ["5"], "reshape"),
         node("MatMul", ["5", "wm"], ["6"], "matmul"),
         node("Add", ["6", "bm"], ["7"], "add"),
         node("Softmax", ["7"], ["output"], "output", [attr_int("axis", 1)])],
        [value_info("x", [1, 3, 10, 10])], [value_info("output", [1, 5])],
        [external_tensor("w", [8, 3, 3, 3]), external_tensor("s", [8]), external_tensor("b", [8]),
         external_tensor("m", [8]), external_tensor("v", [8]), int64_tensor("shape", [1, -1]),
         external_tensor("wm", [8, 5]), external_tensor("bm", [5])],
        value_infos=[value_info("1", [1, 8, 8, 8])])


def pools_and_shape_ops():
    """auto_pad, a grouped conv, AveragePool with ceil_mode, shape-only operators, LRN at the tail."""
    return model(
        [node("Conv", ["in", "w"], ["a"], "dw", [attr_ints("kernel_shape", [3, 3]), attr_int("group", 4),
                                                 attr_string("auto_pad", "SAME_UPPER"),
                                                 attr_ints("strides", [2, 2])]),
         node("Dropout", ["a"], ["b"], "drop"),
         node("Identity", ["b"], ["c"], "id"),
         node("AveragePool", ["c"], ["d"], "avg", [attr_ints("kernel_shape", [3, 3]), attr_ints("strides", [2, 2]),
                                                   attr_int("ceil_mode", 1), attr_ints("pads", [0, 0, 1, 1])]),
         node("Cast", ["d"], ["e"], "cast", [attr_int("to", FLOAT)]),
         node("Unsqueeze", ["e", "axes"], ["f"], "unsq"),
         node("Squeeze", ["f", "axes"], ["g"], "sq"),
         node("Transpose", ["g"], ["h"], "tr", [attr_ints("perm", [0, 1, 2, 3])]),
         node("LRN", ["h"], ["out"], "lrn", [attr_int("size", 5)])],
        [value_info("in", [1, 4, 9, 9])], [value_info("out", [1, 4, 3, 3])],
        [external_tensor("w", [4, 1, 3, 3]), int64_tensor("axes", [4])])


def residual_add():
    """A branch joined by Add: the 'unsupported operators' error, with every such node listed."""
    return model(
        [node("Conv", ["x", "w"], ["a"], "conv", [attr_ints("kernel_shape", [1, 1])]),
         node("Add", ["x", "a"], ["b"], "add"),
         node("Sigmoid", ["b"], ["y"], "sig")],
        [value_info("x", [1, 2, 4, 4])], [value_info("y", [1, 2, 4, 4])],
        [external_tensor("w", [2, 2, 1, 1])])


def constants_and_reshapes(target=(1, 8, 4, 4)):
    """Constant nodes (tensor, value_ints) as Reshape/Unsqueeze inputs, int32 axes, a 4-D Reshape,
    GlobalMaxPool, MatMul with a Constant's bias."""
    return model(
        [node("Conv", ["x", "w"], ["c"], "conv", [attr_ints("kernel_shape", [3, 3])]),
         node("Constant", [], ["shape"], "k1", [attr_tensor("value", int64_tensor("", list(target)))]),
         node("Reshape", ["c", "shape"], ["r"], "regroup"),
         node("GlobalMaxPool", ["r"], ["g"], "gmp"),
         node("Squeeze", ["g", "axes32"], ["sq"], "squeeze"),
         node("Constant", [], ["axes"], "k2", [attr_ints("value_ints", [2, 3])]),
         node("Unsqueeze", ["sq", "axes"], ["u"], "unsqueeze"),
         node("Flatten", ["u"], ["f"], "flat"),
         node("MatMul", ["f", "wm"], ["m"], "fc"),
         node("Constant", [], ["bias"], "k3", [attr_tensor("value", float_tensor("", [0.0, 0.0, 0.0]))]),
         node("Add", ["m", "bias"], ["a"], "fc_bias"),
         node("Relu", ["a"], ["y"], "relu")],
        [value_info("x", ["batch", 4, 6, 6])], [value_info("y", ["batch", 3])],
        [external_tensor("w", [8, 4, 3, 3]), int32_tensor("axes32", [2, 3]), external_tensor("wm", [8, 3])],
        value_infos=[value_info("c", ["batch", 8, 4, 4]), value_info("g", ["batch", 8, 1, 1])])


def reshape_regroup():
    """A Reshape that regroups the pixels of a map (4x4 to 2x8) before a pooling layer: rejected at the
    Reshape, since the next layer must take the 4x4 map its predecessor gives (a seed for the error path)."""
    return constants_and_reshapes((1, 8, 2, 8))


def old_opset_attributes():
    """Opset 11: Squeeze/Unsqueeze axes as attributes; Gemm with transA; SAME_LOWER; explicit Dropout ratio."""
    return model(
        [node("Conv", ["x", "w", "b"], ["c"], "conv", [attr_string("auto_pad", "SAME_LOWER"),
                                                       attr_ints("kernel_shape", [2, 2])]),
         node("MaxPool", ["c"], ["p"], "pool", [attr_ints("kernel_shape", [2, 2]), attr_string("auto_pad", "VALID")]),
         node("Unsqueeze", ["p"], ["u"], "unsq", [attr_ints("axes", [0])]),
         node("Squeeze", ["u"], ["s"], "sq", [attr_ints("axes", [0])]),
         node("Dropout", ["s"], ["d"], "drop", [attr_float("ratio", 0.5)]),
         node("Flatten", ["d"], ["f"], "flat"),
         node("Gemm", ["f", "wg"], ["y"], "fc", [attr_int("transA", 0), attr_int("transB", 0),
                                                 attr_float("beta", 1.0)])],
        [value_info("x", [1, 2, 5, 5])], [value_info("y", [1, 4])],
        [external_tensor("w", [3, 2, 2, 2]), external_tensor("b", [3]), external_tensor("wg", [48, 4])],
        opset=11)


def elementwise_unsupported():
    """Element-wise operators the hardware lacks, and a node of another domain: all listed in one error."""
    return model(
        [node("Conv", ["x", "w"], ["c"], "conv", [attr_ints("kernel_shape", [1, 1])]),
         node("Mul", ["c", "scale"], ["m"], "scale"),
         node("Sub", ["m", "scale"], ["s"], "shift"),
         node("Clip", ["s"], ["k"], "clip"),
         node("Tanh", ["k"], ["t"], "tanh"),
         node("LeakyRelu", ["t"], ["l"], "leaky", [attr_float("alpha", 0.1)]),
         node_in_domain("FusedThing", ["l"], ["y"], "custom", "com.example")],
        [value_info("x", [1, 2, 3, 3])], [value_info("y", [1, 2, 3, 3])],
        [external_tensor("w", [2, 2, 1, 1]), external_tensor("scale", [2, 1, 1])])


def stated_shape_disagrees():
    """value_info states a shape the operator does not produce."""
    return model(
        [node("Relu", ["x"], ["r"], "relu"), node("MaxPool", ["r"], ["y"], "pool",
                                                  [attr_ints("kernel_shape", [2, 2]), attr_ints("strides", [2, 2])])],
        [value_info("x", [1, 3, 8, 8])], [value_info("y", [1, 3, 4, 4])],
        value_infos=[value_info("r", [1, 3, 8, 7])])


def cycle():
    """Two nodes feeding each other: a graph that cannot be ordered."""
    return model(
        [node("Relu", ["b"], ["a"], "r1"), node("Relu", ["a"], ["b"], "r2")],
        [value_info("x", [1, 1, 2, 2])], [value_info("b", [1, 1, 2, 2])])


def graph_attributes(depth=3):
    """An If whose branches hold graphs with If nodes of their own: mutations reach nested graphs."""
    ATTR_GRAPH = 5

    def body(level):
        nodes = [node("Relu", ["x"], ["y"], "r%d" % level)]
        if level > 1:
            inner = body(level - 1)
            nodes.append(node("If", ["c"], ["z"], "if%d" % level,
                              [field_bytes(1, "then_branch") + field_varint(20, ATTR_GRAPH) + field_bytes(6, inner),
                               field_bytes(1, "else_branch") + field_varint(20, ATTR_GRAPH) + field_bytes(6, inner)]))
        return b"".join(field_bytes(1, n) for n in nodes) + field_bytes(2, "b%d" % level) + \
            field_bytes(12, value_info("y", [1, 4, 2, 2]))

    outer = body(depth)
    return model(
        [node("Relu", ["x"], ["r"], "relu"),
         node("If", ["c"], ["y"], "if", [field_bytes(1, "then_branch") + field_varint(20, ATTR_GRAPH) +
                                         field_bytes(6, outer)])],
        [value_info("x", [1, 4, 2, 2])], [value_info("y", [1, 4, 2, 2])])


SEEDS = {
    "tiny-graph-attributes.onnx": graph_attributes,
    "tiny-conv-relu-pool-gemm.onnx": conv_relu_pool_gemm,
    "tiny-conv-bn-gap-matmul.onnx": conv_bn_gap_matmul,
    "tiny-pools-shape-ops.onnx": pools_and_shape_ops,
    "tiny-residual-add.onnx": residual_add,
    "tiny-cycle.onnx": cycle,
    "tiny-constants-reshapes.onnx": constants_and_reshapes,
    "tiny-reshape-regroup.onnx": reshape_regroup,
    "tiny-old-opset-attributes.onnx": old_opset_attributes,
    "tiny-elementwise-unsupported.onnx": elementwise_unsupported,
    "tiny-stated-shape-disagrees.onnx": stated_shape_disagrees,
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "onnx")
    os.makedirs(outdir, exist_ok=True)
    for name, make in SEEDS.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()

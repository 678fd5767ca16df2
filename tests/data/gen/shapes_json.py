#!/usr/bin/env python3
"""Writes MODEL.shapes.json next to MODEL.onnx: every tensor's shape from ONNX's own shape inference.

Not run by the tests (they must not need Python): run by hand, commit the output.

    /usr/bin/python3 tests/data/gen/shapes_json.py MODEL.onnx [MODEL.onnx ...]

The form is tests/data/golden/*.shapes.json's: {"model", "nodes": [{"name", "op_type", "inputs",
"outputs": [{"name", "shape"}]}]}, plus "graph_inputs" (each input's name and shape) and
"graph_outputs" (names), and "layout": "NHWC" on a rank-4 output that lies between a
Transpose to channels-last and the Transpose back (ConvNeXt's per-pixel Linear and LayerNorm), so a
reader knows which dims are rows, columns and channels. A shape ONNX cannot infer is null.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

TO_NHWC = [0, 2, 3, 1]
TO_NCHW = [0, 3, 1, 2]


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def evaluate(node, args, shapes, opset):
    """The value of a size-arithmetic node's first output from its inputs' values; None if not one."""
    op = node.op_type
    if op == "Constant":
        value = attr(node, "value")
        return numpy_helper.to_array(value) if value is not None else None
    if op == "Shape":
        shape = shapes.get(node.input[0])
        if shape is None:
            return None
        start, end = attr(node, "start", 0), attr(node, "end", len(shape))
        return np.array(shape[start:end], dtype=np.int64)
    if any(a is None for a in args):
        return None
    if op == "Gather":
        return np.take(args[0], args[1], axis=attr(node, "axis", 0))
    if op == "Slice":
        if opset < 10:
            starts, ends, axes = attr(node, "starts"), attr(node, "ends"), attr(node, "axes")
            steps = None
        else:
            starts, ends = args[1], args[2]
            axes = args[3] if len(args) > 3 else None
            steps = args[4] if len(args) > 4 else None
        axes = list(range(len(starts))) if axes is None else list(axes)
        index = [slice(None)] * args[0].ndim
        for k, axis in enumerate(axes):
            index[axis] = slice(int(starts[k]), int(ends[k]), None if steps is None else int(steps[k]))
        return args[0][tuple(index)]
    if op == "Concat":
        return np.concatenate(args, axis=attr(node, "axis"))
    if op in ("Unsqueeze", "Squeeze"):
        axes = attr(node, "axes") if opset < 13 else (list(args[1]) if len(args) > 1 else None)
        if op == "Squeeze":
            return np.squeeze(args[0], axis=None if axes is None else tuple(axes))
        out = args[0]
        for axis in sorted(a % (out.ndim + len(axes)) for a in axes):
            out = np.expand_dims(out, axis)
        return out
    if op in ("Add", "Sub", "Mul", "Div", "Equal"):
        a, b = args
        if op == "Div":
            # ONNX's integer Div truncates towards zero (numpy's // floors)
            return np.trunc(np.true_divide(a, b)).astype(a.dtype) if a.dtype.kind in "iu" else a / b
        return {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Equal": np.equal}[op](a, b)
    if op == "Cast":
        return args[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[attr(node, "to")])
    if op == "ConstantOfShape":
        value = attr(node, "value")
        fill = numpy_helper.to_array(value) if value is not None else np.zeros(1, np.float32)
        return np.full(tuple(int(d) for d in args[0]), fill.reshape(-1)[0], dtype=fill.dtype)
    if op == "Where":
        return np.where(*args)
    if op == "Range":
        return np.arange(args[0], args[1], args[2]).astype(args[0].dtype)
    if op == "Expand":
        return args[0] * np.ones(tuple(int(d) for d in args[1]), dtype=args[0].dtype)
    if op in ("Floor", "Ceil", "Sqrt", "Neg", "Abs"):
        return {"Floor": np.floor, "Ceil": np.ceil, "Sqrt": np.sqrt, "Neg": np.negative, "Abs": np.abs}[op](args[0])
    return None


SMALL = 1024  # values this small are size arithmetic, not data


def fold_sizes(model, shapes):
    """Values of the graph's size arithmetic (Shape, Gather, Concat of constants, ...) given the known shapes."""
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer
              if t.data_location != onnx.TensorProto.EXTERNAL and np.prod(t.dims) <= SMALL}
    for node in model.graph.node:
        args = [values.get(name) if name else None for name in node.input]
        try:
            value = evaluate(node, args, shapes, opset)
        except (ValueError, TypeError, IndexError, KeyError):
            value = None
        if value is not None and np.size(value) <= SMALL and len(node.output) == 1:
            values[node.output[0]] = np.asarray(value)
    return values


def inferred(model):
    """The model with every inferable shape filled in: ONNX's inference with data propagation, and where
    that stops (onnx 1.12 does not propagate through Unsqueeze of a Constant, or Div), the size
    arithmetic's values put in as constants and the inference run again, until nothing changes."""
    folded = onnx.ModelProto()
    folded.CopyFrom(model)
    known = {}
    while True:
        result = shape_inference.infer_shapes(folded, strict_mode=False, data_prop=True)
        shapes = shapes_of(result)
        values = fold_sizes(model, {**shapes, **known})
        new = {name: v for name, v in values.items() if name not in known and
               name not in {t.name for t in model.graph.initializer}}
        if not new:
            break
        for name, v in new.items():
            known[name] = list(v.shape)
        keep = [n for n in folded.graph.node if not (n.output and n.output[0] in known)]
        del folded.graph.node[:]
        folded.graph.node.extend(keep)
        for name, v in new.items():
            folded.graph.initializer.append(numpy_helper.from_array(v, name))
    for name, dims in known.items():
        result.graph.value_info.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.INT64, dims))
    return result


def shapes_of(model):
    """Tensor name -> list of dims (None where a dim or the whole shape is unknown)."""
    shapes = {}
    for value in list(model.graph.input) + list(model.graph.value_info) + list(model.graph.output):
        t = value.type.tensor_type
        if not t.HasField("shape"):
            continue
        dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
        shapes[value.name] = None if None in dims else dims
    for t in model.graph.initializer:
        shapes[t.name] = list(t.dims)
    return shapes


def layouts_of(model, shapes):
    """Tensor name -> "NHWC" for the rank-4 tensors that a Transpose made channels-last."""
    layout = {i.name: "NCHW" for i in model.graph.input}
    for node in model.graph.node:
        ins = [layout.get(name) for name in node.input if layout.get(name)]
        out = ins[0] if ins else None
        if node.op_type == "Transpose":
            perm = next((list(a.ints) for a in node.attribute if a.name == "perm"), None)
            if out == "NCHW" and perm == TO_NHWC:
                out = "NHWC"
            elif out == "NHWC" and perm == TO_NCHW:
                out = "NCHW"
            else:
                out = None
        for name in node.output:
            shape = shapes.get(name)
            if out and shape is not None and len(shape) == 4:
                layout[name] = out
    return layout


def describe(model, path):
    shapes = shapes_of(inferred(model))
    layout = layouts_of(model, shapes)
    initializers = {t.name for t in model.graph.initializer}
    nodes = []
    for node in model.graph.node:
        outputs = []
        for name in node.output:
            entry = {"name": name, "shape": shapes.get(name)}
            if layout.get(name) == "NHWC":
                entry["layout"] = "NHWC"
            outputs.append(entry)
        nodes.append({"name": node.name, "op_type": node.op_type, "inputs": list(node.input), "outputs": outputs})
    return {
        "model": os.path.basename(path),
        "graph_inputs": [{"name": i.name, "shape": shapes.get(i.name)} for i in model.graph.input
                         if i.name not in initializers],
        "graph_outputs": [o.name for o in model.graph.output],
        "nodes": nodes,
    }


def unknown(description):
    """Names of node outputs whose shape ONNX could not infer."""
    return [o["name"] for n in description["nodes"] for o in n["outputs"] if o["shape"] is None and o["name"]]


def dumps(description):
    """The JSON with one node to a line: small enough to commit, still easy to read and diff."""
    head = {k: v for k, v in description.items() if k != "nodes"}
    text = json.dumps(head)[:-1] + ', "nodes": [\n'
    text += ",\n".join(json.dumps(n) for n in description["nodes"])
    return text + "\n]}\n"


def write(model, path):
    """Writes PATH's .shapes.json for MODEL (PATH is the .onnx file); returns the unknown tensors."""
    description = describe(model, path)
    with open(path[:-len(".onnx")] + ".shapes.json", "w") as f:
        f.write(dumps(description))
    return unknown(description)


def main():
    for path in sys.argv[1:]:
        missing = write(onnx.load(path, load_external_data=False), path)
        print(path, "unknown shapes:" if missing else "all shapes known", " ".join(missing[:8]))


if __name__ == "__main__":
    main()

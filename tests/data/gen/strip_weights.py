"""Strips a model's float weights, as every committed export is: the parser reads only shapes.

Float tensors of 64 elements or more become external data in a file that is not shipped
(weights.bin); integer tensors and small float ones (Resize scales, clip bounds) stay inline.
Used by export_torchvision.py and make_video.py.
"""
import onnx


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

"""Layers as objects: parameters as attributes, the seed's methods, folding changes seen at once."""
import pytest

import fpgaconvnet_c as fc
from conftest import MODELS


@pytest.fixture
def vgg16():
    return fc.Network("vgg16", MODELS / "vgg16.onnx")


def first(net, type_name):
    return next(layer for layer in net.partitions[0].layers if layer.type == type_name)


def test_convolution_attributes_and_methods(vgg16):
    conv = first(vgg16, "CONVOLUTION")
    assert (conv.rows, conv.cols, conv.channels, conv.filters) == (224, 224, 3, 64)
    assert (conv.rows_in(), conv.cols_in(), conv.channels_in()) == (224, 224, 3)
    assert (conv.rows_out(), conv.cols_out(), conv.channels_out()) == (224, 224, 64)
    assert conv.kernel_size == [3, 3] and conv.stride == [1, 1] and conv.pad == [1, 1, 1, 1]
    assert conv.groups == 1 and conv.fine == 1 and conv.coarse_group == 1
    # Hand-worked: coarse 1 and fine 1 take one weight a cycle for 224*224*3*64*9 MACs.
    assert conv.latency() == 224 * 224 * 3 * 64 * 9
    assert conv.workload_in() == 224 * 224 * 3
    assert conv.streams_in() == 1 and conv.streams_out() == 1
    assert set(conv.resource()) == {"LUT", "FF", "DSP", "BRAM"}
    names = [m["name"] for m in conv.modules()]
    assert names[:3] == ["sliding_window", "fork", "conv"]
    assert conv.rate_in() > 0 and conv.rate_out() > 0 and conv.pipeline_depth() > 0


def test_folding_change_is_seen_by_the_next_figure(vgg16):
    conv = first(vgg16, "CONVOLUTION")
    before_layer, before_net = conv.latency(), vgg16.get_throughput()
    conv.coarse_out = 4
    assert conv.coarse_out == 4
    assert conv.latency() == before_layer / 4
    assert vgg16.get_throughput() > before_net
    conv.fine = 9
    assert conv.latency() == before_layer / 36
    # The same layer taken again is the same data.
    assert first(vgg16, "CONVOLUTION").fine == 9


def test_folding_that_does_not_divide_names_the_layer(vgg16):
    conv = first(vgg16, "CONVOLUTION")
    with pytest.raises(fc.Error, match=r"layer '.*Conv.*': coarse_out 5 does not divide filters 64") as caught:
        conv.coarse_out = 5
    assert isinstance(caught.value, ValueError)
    assert conv.coarse_out == 1  # left as it was
    with pytest.raises(ValueError, match=r"fine 2 is not feasible"):
        conv.fine = 2


def test_one_coarse_layers_keep_one_factor(vgg16):
    relu = first(vgg16, "RELU")
    relu.coarse_in = 2
    assert (relu.coarse_in, relu.coarse_out, relu.coarse) == (2, 2, 2)
    relu.coarse = 4
    assert relu.coarse_out == 4


def test_squeezes_are_listed_where_the_model_inserts_them(vgg16):
    conv = first(vgg16, "CONVOLUTION")
    conv.coarse_out = 4
    layers = vgg16.partitions[0].layers
    assert layers[1].type == "SQUEEZE"
    assert layers[1].name == f"{layers[0].name}_squeeze_{layers[2].name}"
    assert (layers[1].coarse_in, layers[1].coarse_out) == (4, 1)
    with pytest.raises(AttributeError, match="squeeze layer .* is derived by the model"):
        layers[1].coarse_in = 2


def test_shape_changes_are_checked_across_the_network(vgg16):
    conv = first(vgg16, "CONVOLUTION")
    with pytest.raises(fc.Error, match=r"layer '_features_features_1_Relu': input 224x224x64 does not match the "
                                       r"output 224x224x32 of '_features_features_0_Conv'"):
        conv.filters = 32
    assert conv.filters == 64
    with pytest.raises(TypeError, match="kernel_size must be a list of 2 integers"):
        conv.kernel_size = [3]


def test_partition_attributes(vgg16):
    p = vgg16.partitions[0]
    assert p.wr_factor == 1 and p.wr_layer is None or isinstance(p.wr_layer, str)
    with pytest.raises(fc.Error, match="wr_factor must be at least 1"):
        p.wr_factor = 0
    p.ports = 2
    assert p.ports == 2


def test_views_of_replaced_data_are_refused(vgg16, alexnet_config):
    layer = first(vgg16, "CONVOLUTION")
    partition = vgg16.partitions[0]
    vgg16.load_network(alexnet_config)
    with pytest.raises(fc.Error, match="load_network\\(\\) has replaced"):
        layer.coarse_out = 2
    with pytest.raises(fc.Error, match="load_network\\(\\) has replaced"):
        partition.get_latency()
    assert len(vgg16.partitions) == 3


def test_layers_keep_their_network_alive():
    layer = fc.Network("lenet", MODELS / "lenet.onnx").partitions[0].layers[0]
    assert layer.latency() > 0  # the Network object is gone from Python, not from the layer


def test_every_layer_figure_is_the_reports(alexnet_config):
    """Each layer's methods against `report --format json`'s figures of the same layer (squeezes included)."""
    net = fc.Network.from_config(alexnet_config)
    report = net.evaluate()
    for partition, want in zip(net.partitions, report["partitions"]):
        layers = partition.layers
        assert [layer.name for layer in layers] == [w["name"] for w in want["layers"]]
        for layer, w in zip(layers, want["layers"]):
            got = {"type": layer.type, "rows_in": layer.rows_in(), "cols_in": layer.cols_in(),
                   "channels_in": layer.channels_in(), "rows_out": layer.rows_out(), "cols_out": layer.cols_out(),
                   "channels_out": layer.channels_out(), "rate_in": layer.rate_in(), "rate_out": layer.rate_out(),
                   "latency": layer.latency(), "pipeline_depth": layer.pipeline_depth(),
                   "workload_in": layer.workload_in(), "workload_out": layer.workload_out(),
                   "size_in": layer.size_in(), "size_out": layer.size_out(), "operations": layer.get_operations(),
                   "weights": layer.get_weights(), "resource": layer.resource()}
            assert got == {key: w[key] for key in got}, layer.name
            modules = [{"name": m["name"], "latency": m["latency"], "pipeline_depth": m["pipeline_depth"],
                        "resource": m["resource"]} for m in layer.modules()]
            assert modules == [{key: m[key] for key in ("name", "latency", "pipeline_depth", "resource")}
                               for m in w["modules"]]


def test_widths_packing_and_uram_from_python(vgg16):
    conv = first(vgg16, "CONVOLUTION")
    conv.fine = 9
    conv.coarse_out = 4
    unpacked = conv.resource()["DSP"]
    conv.weight_width = conv.input_width = conv.data_width = 8
    assert conv.resource()["DSP"] == unpacked  # 0.1.1's model: one multiplier a DSP
    conv.dsp_packing = 1
    assert conv.resource()["DSP"] < unpacked
    assert "URAM" not in conv.resource()
    conv.use_uram = 1
    assert conv.resource()["URAM"] > 0
    conv.weight_binary_point = 6
    assert conv.weight_binary_point == 6
    with pytest.raises(fc.Error, match="weight_width 40 is outside 1..36"):
        conv.weight_width = 40


def test_lutram_from_python(vgg16):
    conv = first(vgg16, "CONVOLUTION")  # 3 channels: its window's column FIFOs are 3 words deep
    before = conv.resource()
    assert conv.use_lutram == 0
    conv.use_lutram = 1
    assert conv.use_lutram == 1
    after = conv.resource()
    assert after["BRAM"] < before["BRAM"] and after["LUT"] > before["LUT"]
    assert (after["FF"], after["DSP"]) == (before["FF"], before["DSP"])


def test_depth_from_python(vgg16):
    """A 2-D layer has depth 1; a window over depth is checked at once (docs/MODEL-3D.md)."""
    conv = first(vgg16, "CONVOLUTION")
    assert (conv.depth, conv.kernel_depth, conv.stride_depth, conv.dilation_depth) == (1, 1, 1, 1)
    assert (conv.pad_front, conv.pad_back, conv.depth_in(), conv.depth_out()) == (0, 0, 1, 1)
    before = conv.latency()
    with pytest.raises(fc.Error, match="kernel_depth 3 \\(dilated: 3\\) is larger than the padded depth 1"):
        conv.kernel_depth = 3
    assert conv.kernel_depth == 1 and conv.latency() == before
    relu = first(vgg16, "RELU")
    with pytest.raises(fc.Error, match="a RELU layer has no window over depth"):
        relu.pad_front = 1
    assert relu.pad_front == 0

"""Errors: fpgaconvnet_c.Error (a ValueError) with the library's one-line message; never a crash."""
import itertools
import math

import pytest

import fpgaconvnet_c as fc
from conftest import DATA, MODELS, PLATFORMS


def test_error_is_a_value_error():
    assert issubclass(fc.Error, ValueError)


def test_missing_onnx_names_the_file(tmp_path):
    missing = tmp_path / "missing.onnx"
    with pytest.raises(fc.Error, match=f"{missing}: ") as caught:
        fc.Network("x", missing)
    assert "\n" not in str(caught.value)


def test_not_a_model(tmp_path):
    path = tmp_path / "junk.onnx"
    path.write_bytes(b"\x00\x01junk" * 10)
    with pytest.raises(fc.Error, match="junk.onnx"):
        fc.Network("x", path)
    with pytest.raises(fc.Error, match="junk.onnx"):
        fc.parse_ops(path)


def test_bad_configuration_names_line_and_column():
    with pytest.raises(fc.Error, match=r"syntax\.json:\d+:\d+: "):
        fc.Network.from_config(DATA / "bad" / "syntax.json")
    net = fc.Network("lenet", MODELS / "lenet.onnx")
    before = net.get_latency()
    with pytest.raises(fc.Error, match=r"syntax\.json:\d+:\d+: "):
        net.load_network(DATA / "bad" / "syntax.json")
    assert net.get_latency() == before  # a failed load leaves the network as it was


def test_bad_platform(tmp_path):
    path = tmp_path / "board.json"
    path.write_text('{"name": "b", "freq": 0}')
    with pytest.raises(fc.Error, match="board.json"):
        fc.Platform.from_file(path)
    with pytest.raises(TypeError, match="Platform.from_file"):
        fc.Platform()


def test_argument_errors(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    with pytest.raises(fc.Error, match="partition_list: 7 is not a partition \\(the network has 3\\)"):
        net.get_latency([7])
    with pytest.raises(fc.Error, match="partition_list is empty"):
        net.get_latency([])
    with pytest.raises(fc.Error, match="visualise mode 'gif' is none of png, svg, pdf, dot"):
        net.visualise("x.gif", mode="gif")
    with pytest.raises(fc.Error, match="report format 'xml' is neither 'text' nor 'json'"):
        net.report(format="xml")
    with pytest.raises(fc.Error, match="no platform: pass one"):
        net.validate()
    with pytest.raises(fc.Error, match="batch_size must be at least 1, got 0"):
        net.batch_size = 0
    with pytest.raises(fc.Error, match="batch_size must be at least 1, got 0"):
        fc.Network("x", MODELS / "lenet.onnx", batch_size=0)
    net.platform["freq"] = 0
    with pytest.raises(fc.Error, match="platform freq 0 MHz is not a positive clock frequency"):
        net.get_latency()
    del net.platform["freq"]
    with pytest.raises(fc.Error, match="the network's platform has no 'freq'"):
        net.get_throughput()
    with pytest.raises(TypeError, match="Network.platform must be a dict"):
        net.platform = []
    with pytest.raises(fc.Error, match="freq -1 MHz is not a positive clock frequency"):
        net.partitions[0].get_latency(-1)


def test_optimise_argument_errors():
    with pytest.raises(fc.Error, match="objective 'speed' is neither 'throughput' nor 'latency'"):
        fc.optimise(MODELS / "lenet.onnx", PLATFORMS / "zedboard.json", objective="speed")
    with pytest.raises(fc.Error, match="optimiser 'genetic' is none of auto, greedy, annealing"):
        fc.optimise(MODELS / "lenet.onnx", PLATFORMS / "zedboard.json", optimiser="genetic")
    with pytest.raises(TypeError, match="callback must be callable or None"):
        fc.optimise(MODELS / "lenet.onnx", PLATFORMS / "zedboard.json", callback=3)
    with pytest.raises(fc.Error, match="time limit"):
        fc.optimise(MODELS / "lenet.onnx", PLATFORMS / "zedboard.json", time_limit=-1)


def test_uninitialised_network_is_refused():
    net = fc.Network.__new__(fc.Network)
    with pytest.raises(fc.Error, match="Network.__init__ did not run"):
        net.get_latency()
    with pytest.raises(fc.Error, match="Network.__init__ did not run"):
        net.partitions


JUNK = [None, -1, 0, 2**70, -2**70, math.nan, math.inf, "", "\x00", "ümlaut\n", b"\xff", [], [1, 2, 3], [None] * 4,
        {}, object(), 1.5]


def test_junk_never_crashes(alexnet_config, tmp_path):
    """Every settable attribute and every method, given every kind of junk: an exception or a value, no crash."""
    net = fc.Network.from_config(alexnet_config)
    layer = net.partitions[0].layers[0]
    partition = net.partitions[0]
    attributes = [(layer, name) for name in ("coarse_in", "coarse_out", "coarse_group", "coarse", "fine", "filters",
                                             "rows", "groups", "kernel_size", "stride", "pad", "dilation",
                                             "data_width", "weight_width", "has_bias", "buffer_depth")]
    attributes += [(partition, name) for name in ("batch_size", "wr_factor", "ports", "wr_layer", "id")]
    attributes += [(net, name) for name in ("batch_size", "name", "platform")]
    for (obj, name), value in itertools.product(attributes, JUNK):
        try:
            setattr(obj, name, value)
        except (ValueError, TypeError, OverflowError, AttributeError):
            pass
    methods = [net.get_latency, net.get_throughput, net.load_network, net.save_all_partitions, net.visualise,
               net.get_schedule_csv, net.update_platform, net.validate, net.report, net.evaluate,
               partition.get_latency, partition.get_bandwidth_in, partition.get_pipeline_depth,
               fc.parse_ops, fc.Platform.from_file, fc.Network.from_config]
    for method, value in itertools.product(methods, JUNK):
        try:
            method(value)
        except (ValueError, TypeError, OverflowError, OSError, AttributeError):
            pass
    # Whatever junk was accepted (a huge batch, a new name), the figures stay computable or say why.
    try:
        net.get_latency()
    except fc.Error:
        pass

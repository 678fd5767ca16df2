"""fpgaconvnet-model's documented usage, verbatim but for the import line, gives the golden figures."""
import json

import pytest

from conftest import golden_cases, near

CASES = [(model, i) for model in ("lenet", "tinyvgg", "alexnet") for i in range(len(golden_cases(model)))]


@pytest.mark.parametrize("model,index", CASES)
def test_seed_usage_gives_the_golden_figures(tmp_path, model, index):
    case, onnx_path = golden_cases(model)[index]
    config_path = tmp_path / "model-config.json"
    config_path.write_text(json.dumps(case["config"]))
    expect = case["expect"]

    # The seed's snippet (README of fpgaconvnet-model), with our import line.
    from fpgaconvnet_c import Network
    net = Network("model-name", str(onnx_path), freq=case["freq_mhz"], reconf_time=case["reconf_time_s"])
    net.load_network(str(config_path))
    latency, throughput, batch_size = net.get_latency(), net.get_throughput(), net.batch_size

    assert near(latency, expect["latency_s"])
    assert near(throughput, expect["throughput"])
    assert batch_size == expect["batch_size"]
    assert len(net.partitions) == len(expect["partitions"])
    for partition, want in zip(net.partitions, expect["partitions"]):
        assert partition.get_resource_usage() == want["resource"]
        assert near(partition.get_interval(), want["interval"])
        assert partition.get_pipeline_depth() == want["pipeline_depth"]
        assert near(partition.get_latency(case["freq_mhz"]), want["latency_s"])
        assert near(partition.get_bandwidth_in(case["freq_mhz"]), want["bandwidth_in"])
        assert near(partition.get_bandwidth_out(case["freq_mhz"]), want["bandwidth_out"])
        assert partition.get_total_operations() == want["operations"]
        assert [layer.name for layer in partition.layers] == want["layers"]
        assert [layer.name for layer in partition.layers if layer.type == "SQUEEZE"] == want["squeeze_layers"]


def test_seed_platform_dict_drives_the_clock(alexnet_config):
    """As in fpgaconvnet-model, net.platform["freq"] and ["reconf_time"] are the figures' clock and reconfiguration."""
    from fpgaconvnet_c import Network
    net = Network.from_config(alexnet_config)
    at_125 = net.get_latency()
    net.platform["freq"] = 250
    assert near(net.get_latency(), at_125 / 2)
    net.platform["reconf_time"] = 0.5
    assert near(net.get_latency(), at_125 / 2 + (len(net.partitions) - 1) * 0.5)
    assert near(net.get_throughput(), net.batch_size / net.get_latency())


def test_seed_reconf_time_argument_is_honoured(tmp_path):
    case, onnx_path = golden_cases("alexnet")[1]
    config = tmp_path / "c.json"
    config.write_text(json.dumps(case["config"]))
    from fpgaconvnet_c import Network
    without = Network("a", onnx_path, freq=case["freq_mhz"])
    without.load_network(config)
    with_reconf = Network("a", onnx_path, freq=case["freq_mhz"], reconf_time=case["reconf_time_s"])
    with_reconf.load_network(config)
    partitions = len(case["expect"]["partitions"])
    assert near(with_reconf.get_latency() - without.get_latency(), (partitions - 1) * case["reconf_time_s"])

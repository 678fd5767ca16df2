"""Network's methods: each against the C library's own figures (the CLI's report) or by hand."""
import json
import os
import subprocess

import pytest

import fpgaconvnet_c as fc
from conftest import MODELS, PLATFORMS, near

ZC706 = PLATFORMS / "zc706.json"


def test_default_configuration_from_onnx():
    net = fc.Network("lenet", MODELS / "lenet.onnx", batch_size=4)
    assert net.name == "lenet"
    assert net.batch_size == 4
    assert len(net.partitions) == 1
    layers = [layer for layer in net.partitions[0].layers if layer.type != "SQUEEZE"]
    assert [layer.type for layer in layers][:3] == ["CONVOLUTION", "RELU", "POOLING"]
    assert all(layer.coarse_in == 1 and layer.coarse_out == 1 for layer in layers)
    assert repr(net).startswith("<fpgaconvnet_c.Network 'lenet': 1 partitions")


def test_evaluate_is_the_json_report(alexnet_config, tmp_path):
    net = fc.Network.from_config(alexnet_config)
    figures = net.evaluate()
    cli = os.environ.get("FCN_CLI")
    if cli:
        # The tool links its own sanitizer runtime, if any: not the one preloaded into this interpreter.
        env = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
        out = subprocess.run([cli, "report", str(alexnet_config), "--format", "json"], check=True,
                             capture_output=True, text=True, env=env).stdout
        assert figures == json.loads(out)
    assert near(figures["network"]["latency_s"], net.get_latency())
    assert net.report().splitlines()[0]
    assert json.loads(net.report(format="json")) == figures


def test_report_and_evaluate_with_a_platform(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    text = net.report(platform=ZC706)
    assert "ZC706" in text or "zc706" in text.lower()
    assert net.evaluate(platform=fc.Platform.from_file(ZC706)) == net.evaluate(platform=ZC706)


def test_partition_list_and_latency_sum(alexnet_config):
    net = fc.Network.from_config(alexnet_config, freq=200, reconf_time=0.1)
    parts = net.partitions
    whole = net.get_latency()
    assert near(whole, sum(p.get_latency() for p in parts) + (len(parts) - 1) * 0.1)
    assert near(net.get_latency([0]), parts[0].get_latency())
    assert near(net.get_latency((0, 2)), parts[0].get_latency() + parts[2].get_latency() + 0.1)
    assert near(net.get_throughput([1]), net.batch_size / parts[1].get_latency())


def test_batch_size_is_every_partitions(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    net.batch_size = 8
    assert {p.batch_size for p in net.partitions} == {8}
    net.partitions[1].batch_size = 2
    assert net.partitions[1].batch_size == 2


def test_save_all_partitions_round_trip(alexnet_config, tmp_path):
    net = fc.Network.from_config(alexnet_config)
    net.partitions[0].layers[0].coarse_out = 4
    path = tmp_path / "saved.json"
    net.save_all_partitions(str(path))
    again = fc.Network.from_config(path)
    assert again.get_latency() == net.get_latency()
    assert again.partitions[0].layers[0].coarse_out == 4


def test_save_all_partitions_newest_form(alexnet_config, tmp_path):
    net = fc.Network.from_config(alexnet_config)
    path = tmp_path / "newest.json"
    net.save_all_partitions(str(path), config_format="newest")
    text = path.read_text()
    assert '"input_nodes"' in text and '"node_in"' not in text
    again = fc.Network.from_config(path)
    assert again.get_latency() == net.get_latency()
    with pytest.raises(fc.Error, match="config_format must be '0.1.1' or 'newest', got '0.2'"):
        net.save_all_partitions(str(path), config_format="0.2")


def test_memory_usage_estimate(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    assert net.get_memory_usage_estimate() == net.evaluate()["network"]["memory_usage_bytes"]


@pytest.mark.parametrize("mode,magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF"), ("dot", b"digraph")])
def test_visualise_modes(alexnet_config, tmp_path, mode, magic):
    net = fc.Network.from_config(alexnet_config)
    path = tmp_path / f"picture.{mode}"
    net.visualise(str(path), mode=mode)
    assert path.read_bytes().startswith(magic)
    other = tmp_path / "picture-without-extension"
    net.visualise(other, mode=mode, detail="layers")
    assert other.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, other.name, "alexnet.json"])


def test_schedule_csv(alexnet_config, tmp_path):
    net = fc.Network.from_config(alexnet_config)
    path = tmp_path / "schedule.csv"
    net.get_schedule_csv(path)
    rows = path.read_text().splitlines()
    assert rows[0].startswith("partition_id")
    assert len(rows) == 1 + len(net.partitions)


def test_validate_with_the_model_checks_coverage(alexnet_config):
    net = fc.Network("alexnet", MODELS / "alexnet.onnx")
    net.load_network(alexnet_config)
    violations = net.validate(ZC706)
    assert violations and all(isinstance(v, str) for v in violations)
    assert any("DSP" in v or "LUT" in v or "BRAM" in v for v in violations)
    # The default configuration of the smallest network fits at allocation 1 on the ZC706.
    lenet = fc.Network("lenet", MODELS / "lenet.onnx")
    assert lenet.validate(ZC706, resource_allocation=1.0) == []


def test_update_platform(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    net.update_platform(ZC706)
    board = fc.Platform.from_file(ZC706)
    assert net.platform["constraints"] == {"FF": board.resources["FF"], "LUT": board.resources["LUT"],
                                           "DSP": board.resources["DSP"], "BRAM": board.resources["BRAM"]}
    assert net.platform["freq"] == (board.freq or 125)
    assert net.validate() == net.validate(ZC706)


def test_platform_object():
    board = fc.Platform.from_file(str(ZC706))
    assert board.resources["DSP"] > 0
    assert board.as_dict()["constraints"]["DSP"] == board.resources["DSP"]
    assert "Platform" in repr(board)


def test_copy_is_independent(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    copy = net.copy()
    copy.partitions[0].layers[0].coarse_out = 8
    assert net.partitions[0].layers[0].coarse_out != 8
    copy.platform["freq"] = 300
    assert net.platform["freq"] == 125


def test_update_calls_are_kept_and_do_nothing(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    before = net.get_latency()
    net.update_partitions()
    net.partitions[0].update()
    net.partitions[0].layers[0].update()
    assert net.get_latency() == before


def test_parse_ops():
    ops = fc.parse_ops(MODELS / "lenet.onnx")
    assert ops[0]["op_type"] == "Conv" and ops[0]["supported"] and ops[0]["becomes"] == "CONVOLUTION"
    assert sum(op["count"] for op in ops if op["op_type"] == "Conv") == 2

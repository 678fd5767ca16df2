"""TOML platform files from Python: every shipped board against Python's own TOML reader (tomllib),
the JSON twins agreeing, URAM in Platform.resources but not in resource usage, errors with their place."""
import json

import pytest

import fpgaconvnet_c as fc
from conftest import MODELS, PLATFORMS

try:
    import tomllib
except ImportError:  # Python before 3.11
    tomllib = None
BOARDS = sorted(PLATFORMS.glob("*.toml"))
TWINS = [board.stem for board in BOARDS if board.with_suffix(".json").exists()]


def test_every_kind_of_board_is_shipped():
    assert {board.stem for board in BOARDS} >= {
        "zedboard", "zc706", "zcu102", "zcu104", "zcu106", "kv260", "u50", "u200", "u250", "u280",
        "vc707", "vc709", "vcu118", "vcu1525"}
    assert TWINS == ["u250", "zc706", "zcu102", "zedboard"]


def test_zcu104():
    board = fc.Platform.from_file(PLATFORMS / "zcu104.toml")
    assert board.name == "zcu104"
    assert board.part == "xczu7ev-ffvc1156-2-e"
    assert board.resources == {"LUT": 230400, "FF": 460800, "DSP": 1728, "BRAM": 624, "URAM": 96}
    assert board.freq == 200.0
    assert board.reconf_time == 0.08255
    assert board.mem_bandwidth == 19.2  # 153.6 Gbps
    assert board.mem_capacity == 2 ** 31
    assert (board.ports, board.port_width) == (4, 64)
    assert "zcu104" in repr(board)


@pytest.mark.skipif(tomllib is None, reason="tomllib is Python 3.11's")
@pytest.mark.parametrize("path", BOARDS, ids=lambda p: p.stem)
def test_shipped_board_as_tomllib_reads_it(path):
    """The same file through Python's reader and through fpgaconvnet-c's: the same figures."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    board = fc.Platform.from_file(path)
    assert board.name == data["device"]["name"]
    assert board.part == data["device"]["part"]
    assert board.resources == data["resources"]
    system = data["system"]
    assert board.freq == system["board_frequency"]
    assert board.mem_bandwidth == system["memory_bandwidth"] / 8
    assert board.reconf_time == system["reconfiguration_time"]
    assert board.mem_capacity == system["memory_capacity"]
    assert board.ports == system["ports"]
    assert board.port_width == system["port_width"]
    assert board.resources["BRAM"] % 2 == 0  # 18 Kb blocks: twice the 36 Kb count


@pytest.mark.parametrize("name", TWINS)
def test_json_twin(name):
    toml_board = fc.Platform.from_file(PLATFORMS / f"{name}.toml")
    json_board = fc.Platform.from_file(str(PLATFORMS / f"{name}.json"))
    for field in ("name", "part", "resources", "freq", "reconf_time", "mem_bandwidth", "mem_capacity", "ports",
                  "port_width"):
        assert getattr(toml_board, field) == getattr(json_board, field), field
    assert toml_board.as_dict() == json_board.as_dict()


def test_uram_in_resources_not_in_usage():
    assert fc.Platform.from_file(PLATFORMS / "zc706.json").resources["URAM"] == 0  # the file gives none
    net = fc.Network("lenet", MODELS / "lenet.onnx")
    net.update_platform(PLATFORMS / "u250.toml")
    assert set(net.partitions[0].get_resource_usage()) == {"LUT", "FF", "DSP", "BRAM"}
    assert set(net.platform["constraints"]) == {"LUT", "FF", "DSP", "BRAM"}


def test_figures_on_a_twin_are_the_same():
    net = fc.Network("lenet", MODELS / "lenet.onnx")
    from_toml = net.evaluate(platform=PLATFORMS / "zc706.toml")
    from_json = net.evaluate(platform=PLATFORMS / "zc706.json")
    assert json.dumps(from_toml, sort_keys=True) == json.dumps(from_json, sort_keys=True)


def test_optimise_on_a_toml_board():
    net = fc.optimise(MODELS / "lenet.onnx", PLATFORMS / "kv260.toml", seed=5, iterations=2000)
    assert net.platform["constraints"]["DSP"] == 1248
    assert net.validate(resource_allocation=0.8) == []


def test_bad_toml_board(tmp_path):
    path = tmp_path / "board.toml"
    path.write_text("[resources]\nLUT = 1\nLUT = 2\n")
    with pytest.raises(fc.Error, match=r"board\.toml:3:1: duplicate key resources\.LUT \(first at line 2\)$"):
        fc.Platform.from_file(path)
    path.write_text("[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\n[system]\nboard_frequency = 0\n")
    with pytest.raises(fc.Error, match=r"board\.toml:7:19: platform \[system\] board_frequency is in MHz"):
        fc.Platform.from_file(path)

"""The optimiser from Python: a Network back, a callback that sees progress and may stop it, no GIL held."""
import threading

import pytest

import fpgaconvnet_c as fc
from conftest import MODELS, PLATFORMS

ZEDBOARD = PLATFORMS / "zedboard.json"


def test_optimise_returns_a_network_that_validates():
    net = fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, seed=3, iterations=3000, resource_allocation=0.8)
    assert isinstance(net, fc.Network)
    assert net.name == "lenet"
    assert net.validate(resource_allocation=0.8) == []  # the board it was searched for, and the model's coverage
    default = fc.Network("lenet", MODELS / "lenet.onnx", batch_size=net.batch_size)
    assert net.get_throughput() > default.get_throughput()
    assert net.platform["constraints"]["DSP"] == fc.Platform.from_file(ZEDBOARD).resources["DSP"]


def test_optimise_is_deterministic_for_a_seed():
    a = fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, seed=5, iterations=2000)
    b = fc.optimise(MODELS / "lenet.onnx", fc.Platform.from_file(ZEDBOARD), seed=5, iterations=2000)
    assert a.get_latency() == b.get_latency()


def test_optimise_from_a_network_and_named():
    model = fc.Network("mine", MODELS / "lenet.onnx")
    net = fc.optimise(model, ZEDBOARD, objective="latency", iterations=1000, name="searched")
    assert net.name == "searched"
    assert net.batch_size == 1


def test_callback_sees_progress_and_stops_the_search():
    seen = []

    def stop_at_once(progress):
        seen.append(progress)
        return True

    net = fc.optimise(MODELS / "alexnet.onnx", PLATFORMS / "zc706.json", callback=stop_at_once, time_limit=60)
    # Stopped at the first step: the next call is the last, that says it is done.
    assert [p["phase"] for p in seen] == ["greedy", "done"]
    progress = seen[-1]
    assert set(progress) >= {"elapsed_s", "best_objective", "best_resource", "iterations", "best_partitions"}
    assert net.validate(resource_allocation=0.8) == []
    assert net.get_throughput() == pytest.approx(progress["best_objective"], rel=1e-9)


def test_callback_exception_propagates():
    def fail(progress):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, callback=fail)


def test_nothing_fits_is_an_error(tmp_path):
    tiny = tmp_path / "tiny.json"
    tiny.write_text('{"name": "tiny", "part": "x", "lut": 10, "ff": 10, "dsp": 1, "bram": 1, "freq": 100000000}')
    with pytest.raises(fc.Error, match="(?i)fit|exceed"):
        fc.optimise(MODELS / "lenet.onnx", tiny)


def test_the_search_runs_without_the_gil():
    """Python keeps running in this thread while another thread's search runs in C."""
    done = threading.Event()
    result = {}

    def search():
        result["net"] = fc.optimise(MODELS / "vgg16.onnx", PLATFORMS / "zc706.json", time_limit=1.5)
        done.set()

    thread = threading.Thread(target=search)
    thread.start()
    turns = 0
    while not done.is_set():
        turns += 1
    thread.join()
    assert isinstance(result["net"], fc.Network)
    # Holding the GIL, the search would leave this loop a handful of turns at best.
    assert turns > 10000


def test_parallel_searches_keep_the_best_of_their_seeds():
    """Two threads: seed 5 alone and seed 6 with the other strategy, the better of the two, every time."""
    alone = [fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, seed=5 + k, iterations=2000, partition_by_dp=bool(k))
             for k in range(2)]
    together = fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, seed=5, iterations=2000, threads=2)
    assert together.get_throughput() == max(n.get_throughput() for n in alone)
    again = fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, seed=5, iterations=2000, threads=2)
    assert again.get_latency() == together.get_latency()
    with pytest.raises(fc.Error, match="threads 0 is outside 1..256"):
        fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, threads=0)


def test_bound_is_above_every_design():
    b = fc.bound(MODELS / "lenet.onnx", ZEDBOARD)
    assert set(b) == {"batch_size", "throughput", "latency_s", "compute_s", "forced_s", "forced_partitions",
                      "forced_reloads", "cycles_per_input", "partitions_s", "partitions_count", "binds"}
    assert b["batch_size"] == 256 and b["binds"] in {"LUT", "FF", "DSP", "BRAM", "pixel rate", "partitioning"}
    assert b["latency_s"] == pytest.approx(max(b["compute_s"] + b["forced_s"], b["partitions_s"]))
    assert b["partitions_count"] >= 1
    net = fc.optimise(MODELS / "lenet.onnx", ZEDBOARD, seed=1, iterations=3000)
    assert 0 < net.get_throughput() <= b["throughput"]
    assert b["latency_s"] == pytest.approx(256 / b["throughput"])
    latency = fc.bound(fc.Network("lenet", MODELS / "lenet.onnx"), ZEDBOARD, objective="latency")
    assert latency["batch_size"] == 1
    with pytest.raises(fc.Error, match="objective 'fast' is neither"):
        fc.bound(MODELS / "lenet.onnx", ZEDBOARD, objective="fast")

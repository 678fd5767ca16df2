"""Reference counts: the binding keeps no reference it should not, and returns fresh objects with one."""
import sys

import fpgaconvnet_c as fc
from conftest import MODELS, PLATFORMS


def test_methods_leave_reference_counts_as_they_were(alexnet_config, tmp_path):
    net = fc.Network.from_config(alexnet_config)
    board = fc.Platform.from_file(PLATFORMS / "zc706.json")
    platform_dict = net.platform
    name = net.name
    objects = [net, board, platform_dict, name]
    before = [sys.getrefcount(o) for o in objects]
    exercise(net, board)
    assert [sys.getrefcount(o) for o in objects] == before


def exercise(net, board):
    """Every kind of call, 50 times; its locals (views of net) go when it returns."""
    for _ in range(50):
        net.get_latency()
        net.get_throughput([0, 1])
        net.evaluate(board)
        net.validate(board)
        net.report()
        for partition in net.partitions:
            partition.get_resource_usage()
            for layer in partition.layers:
                layer.resource()
                layer.modules()
                layer.kernel_size
        try:
            net.partitions[0].layers[0].coarse_out = 7
        except fc.Error:
            pass


def test_views_hold_their_network_once():
    net = fc.Network("lenet", MODELS / "lenet.onnx")
    base = sys.getrefcount(net)
    layers = net.partitions[0].layers
    assert sys.getrefcount(net) == base + len(layers)
    del layers
    assert sys.getrefcount(net) == base


def test_results_are_fresh_objects(alexnet_config):
    net = fc.Network.from_config(alexnet_config)
    # Held by the name alone (getrefcount's argument adds one).
    usage = net.partitions[0].get_resource_usage()
    assert sys.getrefcount(usage) == 2
    figures = net.evaluate()
    assert sys.getrefcount(figures) == 2


def test_callback_and_name_references_are_released():
    def callback(progress):
        return False

    name = "named-" + str(id(callback))
    counts = sys.getrefcount(callback), sys.getrefcount(name)
    for _ in range(3):
        fc.optimise(MODELS / "lenet.onnx", PLATFORMS / "zedboard.json", callback=callback, iterations=200, name=name)
    assert (sys.getrefcount(callback), sys.getrefcount(name)) == counts


def test_errors_release_their_arguments(tmp_path):
    path = str(tmp_path / "missing.onnx")
    before = sys.getrefcount(path)
    for _ in range(20):
        try:
            fc.Network("x", path)
        except fc.Error:
            pass
    assert sys.getrefcount(path) == before

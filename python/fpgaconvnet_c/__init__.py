"""fpgaconvnet-c from Python: fpgaConvNet's model of streaming CNN accelerators on FPGAs.

The seed's usage (fpgaconvnet-model 0.1.1) works with the import line changed::

    from fpgaconvnet_c import Network
    net = Network("model-name", "model.onnx")
    net.load_network("model-config.json")
    print(net.get_latency(), net.get_throughput(), net.batch_size)

Every figure is computed by the C library (the extension module ``_core``); this file only names it.
"""
from ._core import Error, Layer, Network, Partition, Platform, __version__, bound, optimise, parse_ops

__all__ = ["Error", "Layer", "Network", "Partition", "Platform", "bound", "optimise", "parse_ops", "__version__"]

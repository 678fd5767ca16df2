"""The Python package's speed on the issue's loop: change one folding factor of VGG16, ask for its throughput.

Usage: PYTHONPATH=build-release/python python3 bench/python_bench.py [SECONDS]
Prints, as JSON, the median over runs of the loop's rate (changes + throughputs a second), and of
get_throughput() alone.
"""
import json
import pathlib
import statistics
import sys
import time

import fpgaconvnet_c as fc

ROOT = pathlib.Path(__file__).resolve().parent.parent


def rate(body, seconds):
    """Median calls a second over runs of about 50 ms each, for `seconds` in all."""
    rates = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < 0.05:
            for _ in range(100):
                body()
            calls += 100
        rates.append(calls / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    net = fc.Network("vgg16", ROOT / "tests" / "data" / "models" / "vgg16.onnx", batch_size=256)
    conv = next(layer for layer in net.partitions[0].layers if layer.type == "CONVOLUTION" and layer.filters == 512)
    factors = [f for f in (1, 2, 4, 8, 16, 32, 64) if conv.filters % f == 0]
    state = {"i": 0}

    def change_and_ask():
        state["i"] += 1
        conv.coarse_out = factors[state["i"] % len(factors)]
        return net.get_throughput()

    print(json.dumps({
        "network": "vgg16", "layers": len(net.partitions[0].layers),
        "change_and_throughput_per_s": round(rate(change_and_ask, seconds / 2)),
        "throughput_per_s": round(rate(net.get_throughput, seconds / 2)),
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()

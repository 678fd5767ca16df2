"""A small design-space sweep in Python: TinyVGG folded wider and wider, throughput against DSPs.

    PYTHONPATH=build/python python3 examples/python_sweep.py [OUTPUT.png]

Every figure comes from fpgaconvnet_c (the C library); this script only chooses folding factors. With
matplotlib installed it plots the designs (those that fit the ZC706 filled) and the optimiser's result;
otherwise it prints the table alone.
"""
import pathlib
import sys

import fpgaconvnet_c as fc

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = ROOT / "tests" / "data" / "models" / "tinyvgg.onnx"
BOARD = ROOT / "examples" / "platforms" / "zc706.json"


def largest_divisor(n, limit):
    """The largest factor of n no greater than limit: the widest folding that divides n."""
    return max(f for f in range(1, min(n, limit) + 1) if n % f == 0)


def design(parallelism):
    """The default configuration with every layer's streams set near `parallelism` (and the kernels unrolled)."""
    net = fc.Network("tinyvgg", MODEL, batch_size=256)
    for layer in net.partitions[0].layers:
        if layer.type in ("CONVOLUTION", "INNER_PRODUCT"):
            layer.coarse_in = largest_divisor(layer.channels, parallelism)
            layer.coarse_out = largest_divisor(layer.filters, parallelism)
            if layer.type == "CONVOLUTION" and parallelism > 1:
                layer.fine = layer.kernel_size[0] * layer.kernel_size[1]
        elif layer.type != "SQUEEZE":
            layer.coarse = largest_divisor(layer.channels, parallelism)
    return net


def point(net, board):
    usage = net.partitions[0].get_resource_usage()
    return {"throughput": net.get_throughput(), "dsp": usage["DSP"], "lut": usage["LUT"], "bram": usage["BRAM"],
            "fits": not net.validate(board, resource_allocation=1.0)}


def main():
    board = fc.Platform.from_file(BOARD)
    rows = [(p, point(design(p), board)) for p in (1, 2, 4, 8, 16, 32, 64)]
    searched = fc.optimise(MODEL, board, time_limit=5, seed=1)
    best = {"throughput": searched.get_throughput(),
            "dsp": max(p.get_resource_usage()["DSP"] for p in searched.partitions),
            "partitions": len(searched.partitions)}

    print(f"TinyVGG on the {board.name} ({board.resources['DSP']} DSPs), batch 256, one partition:")
    print(f"{'parallelism':>11} {'inputs/s':>10} {'DSP':>6} {'LUT':>9} {'BRAM':>6}  fits")
    for p, r in rows:
        print(f"{p:>11} {r['throughput']:>10.1f} {r['dsp']:>6} {r['lut']:>9} {r['bram']:>6}  {'yes' if r['fits'] else 'no'}")
    print(f"optimiser (5 s): {best['throughput']:.1f} inputs/s with {best['dsp']} DSPs at most, "
          f"{best['partitions']} partitions")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return
    output = sys.argv[1] if len(sys.argv) > 1 else "tinyvgg_sweep.png"
    fig, ax = plt.subplots(figsize=(6, 4))
    for fits in (True, False):
        xs = [r["dsp"] for _, r in rows if r["fits"] == fits]
        ys = [r["throughput"] for _, r in rows if r["fits"] == fits]
        ax.scatter(xs, ys, marker="o", facecolors="C0" if fits else "none", edgecolors="C0",
                   label="uniform folding, fits" if fits else "uniform folding, too large")
    ax.scatter([best["dsp"]], [best["throughput"]], marker="*", s=150, color="C3", label="optimiser, 5 s")
    ax.axvline(board.resources["DSP"], color="grey", linestyle="--", label=f"{board.name} DSPs")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("DSPs (largest partition)")
    ax.set_ylabel("throughput (inputs/s)")
    ax.set_title("TinyVGG on the ZC706: fpgaconvnet_c design sweep")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(output, dpi=120)
    print(f"plot: {output}")


if __name__ == "__main__":
    main()

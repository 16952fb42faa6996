"""Peak memory of training on ETTh1 with window 336: lazy windows against materialised ones.

Each variant runs in a fresh process and reports its peak resident set size (RSS):

* ``forecastrnn``: ``RNNForecaster.fit`` (windows gathered per batch from start indices);
* ``numpy``: the tutorial way, every window materialised as a numpy array, then ``model.fit``.

    python benchmarks/bench_memory.py [--quick] [--window 336]
"""

import argparse
import json
import resource
import subprocess
import sys

import numpy as np


def run_variant(variant, window, rows, epochs):
    from _common import machine  # noqa: F401  (quiet TensorFlow)

    from forecastrnn import RNNForecaster
    from forecastrnn.data import Scaler
    from forecastrnn.datasets import load_dataset

    frame = load_dataset("etth1").iloc[:rows]
    horizon = 24
    if variant == "forecastrnn":
        RNNForecaster(units=16, window=window, horizon=horizon, epochs=epochs, jit_compile=False,
                      batch_size=64, n_models=1, dropout=0.0,
                      random_state=0, verbose=0).fit(frame, target="OT")
        window_bytes = 0
    else:
        import keras

        values = Scaler().fit(frame).transform(frame)
        n = len(values) - window - horizon + 1
        x = np.array([values[i:i + window] for i in range(n)])
        y = np.array([values[i + window:i + window + horizon, -1] for i in range(n)])
        window_bytes = x.nbytes + y.nbytes
        model = keras.Sequential([keras.Input((window, values.shape[1])), keras.layers.GRU(16),
                                  keras.layers.Dense(horizon)])
        model.compile("adam", "mse")
        model.fit(x, y, batch_size=64, epochs=epochs, validation_split=0.2, verbose=0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"variant": variant, "peak_rss_mb": peak_mb, "window_array_mb": window_bytes / 2**20}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows, window 96")
    parser.add_argument("--window", type=int, default=336)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows, window = (2000, 96) if args.quick else (17420, args.window)
    if args.variant:
        return run_variant(args.variant, window, rows, args.epochs)
    print(f"ETTh1 rows={rows}, 7 features, window={window}, horizon=24, GRU(16), {args.epochs} epoch(s)")
    for variant in ("forecastrnn", "numpy"):
        cmd = [sys.executable, __file__, "--variant", variant, "--window", str(window),
               "--epochs", str(args.epochs)] + (["--quick"] if args.quick else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        result = json.loads(out)
        extra = (f" (of which the window arrays: {result['window_array_mb']:.0f} MB)"
                 if result["window_array_mb"] else " (windows: start indices only)")
        print(f"{variant:12s} peak RSS {result['peak_rss_mb']:8.0f} MB{extra}")


if __name__ == "__main__":
    main()

"""Training throughput: RNNForecaster.fit against a plain-Keras tutorial reference.

Both train the same architecture (one recurrent layer of 32 units, a dense head of
``horizon`` outputs) on ETTh1 (7 features, window 168, horizon 24, the first 12 months),
with the same batch size and number of epochs. The reference materialises every window in
numpy and calls ``model.fit`` with Keras' default compile; forecastrnn gathers windows lazily
and compiles with XLA on CPU. A third run, forecastrnn with ``jit_compile=False``, splits the
gain into the pipeline's part and XLA's part. The runs alternate, and training samples per
second are taken from the epoch times after the first (which includes tracing and
compilation).

    python benchmarks/bench_training.py [--quick] [--epochs 3] [--repeats 2]
"""

import argparse

import numpy as np
from _common import epoch_timer, machine

from forecastrnn import RNNForecaster
from forecastrnn.data import Scaler, WindowSpec
from forecastrnn.datasets import load_dataset


def reference(values, target, window, horizon, cell, epochs, batch_size):
    """The tutorial way: a numpy array of all windows, then model.fit."""
    import keras

    x = np.array([values[i:i + window] for i in range(len(values) - window - horizon + 1)])
    y = np.array([target[i + window:i + window + horizon] for i in range(len(values) - window - horizon + 1)])
    layer = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}[cell]
    model = keras.Sequential([keras.Input((window, values.shape[1])), layer(32), keras.layers.Dense(horizon)])
    model.compile(optimizer="adam", loss="mse")
    timer = epoch_timer()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, callbacks=[timer], verbose=0)
    return len(x), timer.seconds


def ours(frame, window, horizon, cell, epochs, batch_size, jit_compile="auto"):
    model = RNNForecaster(cell=cell, units=32, window=window, horizon=horizon, batch_size=batch_size,
                          jit_compile=jit_compile,
                          epochs=epochs, patience=epochs, validation_size=0, calibration_size=0, anchor=None, n_models=1, dropout=0.0,
                          random_state=0, verbose=0)
    timer = epoch_timer()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no validation windows: calibration warning
        model.fit(frame, target="OT", callbacks=[timer])
    return WindowSpec(window, horizon).n_windows(len(frame)), timer.seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows, window 48, 2 epochs")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--cells", default="gru,lstm")
    args = parser.parse_args()
    print(machine())
    rows, window, horizon = (2000, 48, 24) if args.quick else (8640, 168, 24)
    epochs = 2 if args.quick else args.epochs
    frame = load_dataset("etth1").iloc[:rows]
    scaled = Scaler().fit(frame).transform(frame).astype("float64")
    rates = {}
    for _ in range(1 if args.quick else args.repeats):
        for cell in args.cells.split(","):
            for name in ("reference", "forecastrnn", "no_xla"):
                if name == "reference":
                    n, seconds = reference(scaled, scaled[:, -1], window, horizon, cell, epochs, 64)
                else:
                    n, seconds = ours(frame, window, horizon, cell, epochs, 64,
                                      jit_compile=False if name == "no_xla" else "auto")
                rates.setdefault((cell, name), []).append(n / np.median(seconds[1:]))
    print(f"\nETTh1 rows={rows}, window={window}, horizon={horizon}, batch 64, epochs {epochs}; "
          "samples/s (median over repeats of the median epoch after the first):")
    for cell in args.cells.split(","):
        ref, our, plain = (np.median(rates[(cell, name)]) for name in ("reference", "forecastrnn", "no_xla"))
        print(f"{cell:5s} reference {ref:8.0f}   forecastrnn {our:8.0f} ({our / ref:.2f}x)   "
              f"forecastrnn without XLA {plain:8.0f} (pipeline alone {plain / ref:.2f}x, XLA alone "
              f"{our / plain:.2f}x)")


if __name__ == "__main__":
    main()

"""Does XLA (jit_compile) speed up recurrent training on this machine?

Trains the same GRU/LSTM on ETTh1 windows (7 features, window 168, horizon 24) with and
without ``jit_compile`` (XLA needs ``use_cudnn=False`` for Keras to accept it) and prints
training samples per second for each, alternating the variants.

    python benchmarks/bench_jit.py [--quick]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from forecastrnn.data import Scaler, WindowSpec, make_dataset  # noqa: E402
from forecastrnn.datasets import load_dataset  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import keras

    frame = load_dataset("etth1")
    rows = 1000 if args.quick else 8640
    values = Scaler().fit(frame.iloc[:rows]).transform(frame.iloc[:rows])
    spec = WindowSpec(48 if args.quick else 168, 24)
    ds = make_dataset(values, values[:, -1:], spec, batch_size=64, shuffle=True, seed=0).cache()
    n_samples = spec.n_windows(rows)
    repeats = 1 if args.quick else args.repeats
    results = {}
    for _ in range(repeats):
        for cell in ("gru", "lstm", "simplernn"):
            for jit in (False, True):
                layer = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM,
                         "simplernn": keras.layers.SimpleRNN}[cell]
                extra = {} if cell == "simplernn" else {"use_cudnn": "auto" if not jit else False}
                inputs = keras.Input((spec.window, values.shape[1]))
                x = layer(32, **extra)(inputs)
                out = keras.layers.Reshape((24, 1))(keras.layers.Dense(24)(x))
                model = keras.Model(inputs, out)
                model.compile("adam", "mse", jit_compile=jit)
                model.fit(ds.take(2), epochs=1, shuffle=False, verbose=0)  # compile / trace outside the timing
                start = time.perf_counter()
                model.fit(ds, epochs=1, shuffle=False, verbose=0)
                rate = n_samples / (time.perf_counter() - start)
                results.setdefault((cell, jit), []).append(rate)
    for (cell, jit), rates in results.items():
        print(f"{cell:5s} jit_compile={str(jit):5s}  {np.median(rates):9.0f} samples/s (median of {len(rates)})")


if __name__ == "__main__":
    main()

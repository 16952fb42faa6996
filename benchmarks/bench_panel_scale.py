"""Panel scale: read + validate a long-format Parquet panel and train the global model one epoch.

A synthetic hourly panel (``--series`` series of ``--rows`` rows: a daily cycle at a level of
its own, noise, ragged starts) is written once as Parquet by a separate process, so that
the peak memory measured here is the reading and the training only. Then, in this process:

1. ``read_panel`` (read, validate every series, one frequency) with its time;
2. ``GlobalRNNForecaster.fit`` for one epoch (``--epochs``), calendar inputs on, with its
   time split into preparing the stacked arrays and training;

and the peak resident memory (``ru_maxrss``) after each step, against the total rows and
against what materialised windows would take (``n_windows x window x inputs x 4`` bytes).
Intervals are off (``calibration_size=0``): calibration predicts from every origin of the
last rows of every series, a cost of its own that this benchmark does not measure.

    python benchmarks/bench_panel_scale.py --series 100000 --rows 200
"""

import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from _common import machine


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def generate(path, n_series, n_rows, seed=0):
    """Write the synthetic panel (in chunks of series, to keep this process small)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer, chunk = None, 10_000
    for first in range(0, n_series, chunk):
        k = min(chunk, n_series - first)
        shift = rng.integers(0, 24, size=k)  # ragged starts, one grid
        start = pd.Timestamp("2024-01-01") + pd.to_timedelta(shift, unit="h")
        t = np.arange(n_rows)
        times = (start.to_numpy()[:, None] + t[None, :] * np.timedelta64(1, "h")).ravel()
        level = rng.lognormal(3, 1, size=k)[:, None]
        y = level * (1 + 0.3 * np.sin(2 * np.pi * (t[None, :] + shift[:, None]) / 24)) \
            + rng.standard_normal((k, n_rows)) * level * 0.05
        table = pa.table({"unique_id": np.repeat([f"s{first + i}" for i in range(k)], n_rows),
                          "ds": times, "y": y.ravel()})
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--path", default=None, help="Parquet file [default: benchmarks/data/panel_<series>x<rows>.parquet]")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--window", type=int, default=48)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--stride", type=int, default=4, help="steps between training windows")
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="300 series of 120 rows")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.series, args.rows = 300, 120
    path = args.path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                                     f"panel_{args.series}x{args.rows}.parquet")
    if args.generate_only:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        generate(path, args.series, args.rows)
        return
    if not os.path.exists(path):
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate-only", "--series", str(args.series), "--rows",
                        str(args.rows), "--path", path], check=True)
        print(f"wrote {path} ({os.path.getsize(path) / 2**20:.0f} MiB) in {time.perf_counter() - start:.0f} s")
    print(machine())
    from forecastrnn import GlobalRNNForecaster, read_panel

    import forecastrnn.models.global_forecaster  # noqa: F401 (TensorFlow loads in fit; count it in the baseline)
    from forecastrnn._tf import tensorflow

    tensorflow()
    base = peak_gib()
    print(f"after imports: peak RSS {base:.2f} GiB")
    start = time.perf_counter()
    panel = read_panel(path)
    read_s, read_peak = time.perf_counter() - start, peak_gib()
    rows = len(panel)
    print(f"read_panel: {panel.attrs['n_series']:,} series, {rows:,} rows, frequency {panel.attrs['freq']}: "
          f"{read_s:.1f} s, peak RSS {read_peak:.2f} GiB")

    model = GlobalRNNForecaster(units=args.units, window=args.window, horizon=args.horizon, stride=args.stride,
                                epochs=args.epochs, batch_size=args.batch_size, n_models=1, dropout=0.0,
                                calibration_size=0, random_state=0, verbose=2)
    timings = {}
    train = model._train_on

    def timed_train(*a, **k):  # split the fit into preparing the arrays and training
        timings["prepare"] = time.perf_counter() - start
        train_start = time.perf_counter()
        train(*a, **k)
        timings["train"] = time.perf_counter() - train_start

    model._train_on = timed_train
    start = time.perf_counter()
    model.fit(panel)
    fit_s, fit_peak = time.perf_counter() - start, peak_gib()
    n_inputs = model.model_.input_shape[-1]
    windows_gib = model.n_windows_ * args.window * n_inputs * 4 / 2**30
    every_start_gib = windows_gib * args.stride  # about: one window per start, stride 1
    print(f"fit: {model.n_windows_:,} training windows, {n_inputs} inputs per step "
          f"({', '.join(model.calendar_)} cycles): prepare {timings['prepare']:.1f} s, "
          f"{args.epochs} epoch(s) {timings['train']:.1f} s, total {fit_s:.1f} s; peak RSS {fit_peak:.2f} GiB")
    print(f"peak RSS above the imports: {fit_peak - base:.2f} GiB = {(fit_peak - base) * 2**30 / rows:.0f} bytes per "
          f"row; materialised training windows alone would take {windows_gib:.1f} GiB at stride {args.stride}, "
          f"about {every_start_gib:.1f} GiB at stride 1")


if __name__ == "__main__":
    main()

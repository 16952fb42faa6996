"""Training a global GRU on a Parquet panel bigger than memory, streamed chunk by chunk.

A panel of ``--series`` series x ``--rows`` hourly rows is written (once, in a child process,
batch by batch) as one long-format Parquet file sorted by series, then
``GlobalRNNForecaster.fit(ParquetPanel(...))`` trains on it for ``--epochs`` epoch(s) in a
fresh process that reports its peak resident set size (RSS) and its wall time by phase.

    python benchmarks/bench_stream.py                       # 1,000,000 series x 100 rows
    python benchmarks/bench_stream.py --quick               # 2,000 series x 100 rows

What the in-memory path would hold for the same panel is printed beside it: the float64
rows, their timestamps and ids as a DataFrame, before any window.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def write_panel(path: Path, n_series: int, n_rows: int, per_batch: int = 20_000):
    """Seasonal series with random levels, amplitudes and noise, in batches of ``per_batch`` series."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    t = np.arange(n_rows)
    times = pd.date_range("2024-01-01", periods=n_rows, freq="h").to_numpy()
    writer = None
    tmp = path.with_suffix(".part")
    for first in range(0, n_series, per_batch):
        k = min(per_batch, n_series - first)
        level = rng.uniform(10, 1000, (k, 1))
        y = level * (1 + rng.uniform(0.05, 0.3, (k, 1)) * np.sin(2 * np.pi * (t + rng.integers(0, 24, (k, 1))) / 24)
                     + 0.02 * rng.standard_normal((k, n_rows)))
        ids = np.repeat(np.array([f"s{i:07d}" for i in range(first, first + k)], dtype=object), n_rows)
        table = pa.table({"unique_id": pa.array(ids).dictionary_encode(), "ds": np.tile(times, k),
                          "y": y.ravel()})
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=1 << 20)
    writer.close()
    os.replace(tmp, path)


def train(path: Path, args) -> dict:
    from _common import epoch_timer, machine

    from forecastrnn import GlobalRNNForecaster
    from forecastrnn.data.stream import ParquetPanel

    timer = epoch_timer()
    model = GlobalRNNForecaster(horizon=args.horizon, window=args.window, stride=args.stride, units=args.units,
                                epochs=args.epochs, batch_size=args.batch_size, n_models=1, random_state=0,
                                verbose=0)
    start = time.perf_counter()
    model.fit(ParquetPanel(path, chunk_rows=args.chunk_rows), callbacks=[timer])
    total = time.perf_counter() - start
    fit_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    forecast_start = time.perf_counter()
    forecast = model.predict(level=0.9)
    return {"machine": machine(), "series": len(model.scalers_), "windows_per_epoch": model.n_windows_,
            "fit_s": total, "epoch_s": timer.seconds, "predict_s": time.perf_counter() - forecast_start,
            "forecast_rows": len(forecast), "finite": bool(np.isfinite(forecast["y"]).all()),
            "calibration_rows": len(model.calibration_scores_), "val_loss": model.history_.get("val_loss"),
            "fit_peak_rss_mb": fit_peak_mb, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 series")
    parser.add_argument("--series", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--window", type=int, default=24)
    parser.add_argument("--stride", type=int, default=4)
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--path", type=Path, help="Parquet file (default: benchmarks/data/stream_<series>x<rows>.parquet)")
    parser.add_argument("--stage", choices=["write", "train"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.series, args.chunk_rows, args.batch_size = 2000, 50_000, 256
    path = args.path or HERE / "data" / f"stream_{args.series}x{args.rows}.parquet"
    if args.stage == "write":
        return write_panel(path, args.series, args.rows)
    if args.stage == "train":
        return print(json.dumps(train(path, args)))
    child = [sys.executable, __file__, *sys.argv[1:]]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        subprocess.run([*child, "--path", str(path), "--stage", "write"], check=True)
        print(f"wrote {path.name}: {args.series:,} series x {args.rows} rows in {time.perf_counter() - start:.0f} s, "
              f"{path.stat().st_size / 2**20:.0f} MiB")
    out = subprocess.run([*child, "--path", str(path), "--stage", "train"], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rows = args.series * args.rows
    in_memory_mb = rows * (8 + 8 + 8) / 2**20  # y, ds and an id code per row, before any window
    print(result["machine"])
    print(f"panel: {result['series']:,} series x {args.rows} rows = {rows:,} rows; window {args.window}, "
          f"horizon {args.horizon}, stride {args.stride}, GRU({args.units}), batch {args.batch_size}, "
          f"chunks of {args.chunk_rows:,} rows")
    print(f"windows per epoch: {result['windows_per_epoch']:,}; epoch time(s): "
          + ", ".join(f"{s:.0f} s" for s in result["epoch_s"]) + f"; whole fit {result['fit_s']:.0f} s "
          f"(statistics, window count, epochs, calibration on {result['calibration_rows']:,} rows)")
    print(f"predict for every series: {result['predict_s']:.0f} s, {result['forecast_rows']:,} rows, "
          f"finite={result['finite']}; val_loss {result['val_loss']}")
    print(f"peak RSS of the training process: {result['fit_peak_rss_mb']:.0f} MiB to the end of fit, "
          f"{result['peak_rss_mb']:.0f} MiB after predict (the panel's rows alone, in memory: {in_memory_mb:.0f} MiB)")


if __name__ == "__main__":
    main()

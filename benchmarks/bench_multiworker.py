"""Multi-worker training overhead: one process against MultiWorkerMirroredStrategy workers.

The same global GRU on the same synthetic hourly panel (``--series`` series of ``--rows``
rows), the same global batch and epochs, trained

1. in one process on one device (Keras' ``fit``), and
2. by ``--workers`` processes on this machine, each configured by ``TF_CONFIG`` on 127.0.0.1
   ports and training under ``MultiWorkerMirroredStrategy`` (forecastrnn's step inside
   ``strategy.run``, gradients all-reduced every batch).

It reports the wall time of the training (``fit``), the seconds per epoch and the largest
relative difference of the forecasts from the single-process ones. On one machine the
workers share its cores, so this measures what the strategy costs (all-reduce, rebatching),
not what more machines would gain.

    python benchmarks/bench_multiworker.py --series 50 --rows 2000 --epochs 2
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
from _common import machine


def panel(n_series, n_rows):
    rng = np.random.default_rng(0)
    t = np.arange(n_rows)
    return {f"s{i}": (1 + i % 7) * (5 + np.sin(2 * np.pi * (t + i) / 24)) + 0.2 * rng.standard_normal(n_rows)
            for i in range(n_series)}


def worker(args):
    """One process of the run: with TF_CONFIG set, one worker of the strategy."""
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy() if os.environ.get("TF_CONFIG") else None
    from forecastrnn import GlobalRNNForecaster

    model = GlobalRNNForecaster(units=args.units, window=168, horizon=24, epochs=args.epochs, patience=args.epochs,
                                batch_size=256, n_models=1, dropout=0.0, random_state=0, verbose=0,
                                jit_compile=False, calibration_size=0)
    data = panel(args.series, args.rows)
    start = time.perf_counter()
    model.fit(data, strategy=strategy)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "epochs": len(model.history_["loss"]), "windows": model.n_windows_,
                      "forecast": model.predict(level=None).select_dtypes("float").to_numpy().ravel().tolist()}))


def launch(args, n_workers):
    script = [sys.executable, os.path.abspath(__file__), "--worker", "--series", str(args.series), "--rows",
              str(args.rows), "--epochs", str(args.epochs), "--units", str(args.units)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if n_workers == 1:
        runs = [subprocess.Popen(script, stdout=subprocess.PIPE, text=True, env=env)]
    else:
        sockets = [socket.socket() for _ in range(n_workers)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        cluster = {"worker": [f"127.0.0.1:{s.getsockname()[1]}" for s in sockets]}
        for s in sockets:
            s.close()
        runs = [subprocess.Popen(script, stdout=subprocess.PIPE, text=True, env={**env, "TF_CONFIG": json.dumps(
            {"cluster": cluster, "task": {"type": "worker", "index": i}})}) for i in range(n_workers)]
    outs = []
    for run in runs:
        stdout, _ = run.communicate()
        if run.returncode:
            raise SystemExit(f"a worker failed (exit {run.returncode})")
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    return outs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="4 series of 400 rows, 1 epoch, 8 units")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.series, args.rows, args.epochs, args.units = 4, 400, 1, 8
    if args.worker:
        return worker(args)
    print(machine())
    single = launch(args, 1)[0]
    print(f"{args.series} series x {args.rows} rows, {single['windows']} training windows, global batch 256, "
          f"{single['epochs']} epoch(s), GRU {args.units}\n")
    print(f"1 process (fit)           {single['seconds']:8.1f} s  {single['seconds'] / single['epochs']:7.1f} s/epoch")
    workers = launch(args, args.workers)
    slowest = max(w["seconds"] for w in workers)
    diff = max(np.max(np.abs(np.subtract(w["forecast"], single["forecast"])) / np.abs(single["forecast"]))
               for w in workers)
    print(f"{args.workers} workers (strategy.run) {slowest:8.1f} s  {slowest / workers[0]['epochs']:7.1f} s/epoch  "
          f"x{slowest / single['seconds']:.2f} of one process; forecasts within {diff:.1e} (relative)")


if __name__ == "__main__":
    main()

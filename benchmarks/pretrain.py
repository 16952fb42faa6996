"""Pretrain the recurrent forecaster shipped in the package (``forecastrnn.pretrained()``).

The corpus, every series with its season length (what its seasonal adjustment looks for):

============================  =========================================================
M3 (``--data/m3``)            3,003 series: yearly (m 1), quarterly (4), monthly (12),
                              other (1); their training part (the last NF values, the
                              competition's test, are never read)
M4 hourly (``--data/m4``)     414 series (m 24), ``Hourly-train.csv`` only
the collection                12 classic real series, their own frequency's season
ETTh1, airline passengers     OT (m 24), passengers (m 12)
synthetic                     ``--synthetic`` series of :mod:`forecastrnn.data.synthetic`
============================  =========================================================

Every series keeps its last ``MAX_ROWS`` rows, so a long one does not outweigh the rest. The
network and its training are :func:`forecastrnn.models.pretraining.pretrain`'s: a
:class:`GlobalRNNForecaster` with window normalisation, reading each series seasonally
adjusted where it has a season (as its zero-shot forecasts read it), correcting the last
value of its window, forecasting 18 steps at once (up to 48 by forecasting again from the
extended series), early stopping on each series' validation rows; every 10th series is kept
apart, and its last rows forecast zero-shot give the interval scores per season.

    python benchmarks/pretrain.py [--data ../shared/data] [--out forecastrnn/pretrained_weights]
                                  [--leave-out m3_monthly,...] [--epochs 20] [--rescore] [--quick]

``--leave-out``: pretrain without those datasets (the leave-one-dataset-out evaluation).
``--rescore``: keep the weights of ``--out`` and recompute its interval scores only (after a
change to the zero-shot forecast), from the same corpus.
``--quick``: a few series, a tiny network, one epoch, written to a temporary folder.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from _common import machine
from forecastrnn.models.pretraining import NETWORK

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MAX_ROWS = 1000
M3 = {"m3_yearly": ("m3_yearly.csv", 6, 1), "m3_quarterly": ("m3_quarterly.csv", 8, 4),
      "m3_monthly": ("m3_monthly.csv", 18, 12), "m3_other": ("m3_other.csv", 8, 1)}
DATASETS = (*M3, "m4_hourly", "collection", "etth1", "airline", "synthetic")


def corpus(data, leave_out=(), n_synthetic=3000, quick=False) -> tuple:
    """``({dataset: {id: values}}, {id: season length})`` of every dataset not left out."""
    from forecastrnn import read_series
    from forecastrnn.data.season import season_length_for
    from forecastrnn.data.synthetic import synthetic_panel

    out, seasons = {}, {}

    def add(dataset, key, y, m):
        y = np.asarray(y, dtype="float64")[-MAX_ROWS:]
        if len(y) > NETWORK["horizon"] and np.isfinite(y).sum() > NETWORK["horizon"]:
            out.setdefault(dataset, {})[f"{dataset}/{key}"] = y
            seasons[f"{dataset}/{key}"] = int(m)

    every = 40 if quick else 1
    for dataset, (file, h, m) in M3.items():
        if dataset in leave_out:
            continue
        wide = pd.read_csv(os.path.join(data, "m3", file)).iloc[::every]
        for row, values in zip(wide.itertuples(index=False), wide.iloc[:, 6:].to_numpy("float64")):
            add(dataset, str(row.Series).strip(), values[:int(row.N)][:-h], m)
    if "m4_hourly" not in leave_out:
        wide = pd.read_csv(os.path.join(data, "m4", "Hourly-train.csv"), index_col=0).iloc[::every]
        for key, row in wide.iterrows():
            add("m4_hourly", key, row.dropna().to_numpy(), 24)
    if "collection" not in leave_out:
        sys.path.insert(0, HERE)
        from bench_collection import collection_files

        folder = tempfile.mkdtemp()
        for name, path, extra in collection_files(data, folder):
            frame = read_series(path, target=extra[1] if extra else None)
            y = frame[frame.attrs["target"][0]].to_numpy("float64")
            add("collection", name, y, season_length_for(frame.attrs.get("freq")) if frame.attrs.get("freq") else 1)
        shutil.rmtree(folder, ignore_errors=True)
    if "etth1" not in leave_out:
        add("etth1", "OT", pd.read_csv(os.path.join(data, "ETTh1.csv"))["OT"], 24)
    if "airline" not in leave_out:
        add("airline", "passengers", pd.read_csv(os.path.join(data, "airline_passengers.csv")).iloc[:, -1], 12)
    if "synthetic" not in leave_out:
        panel = synthetic_panel(50 if quick else n_synthetic, season_lengths=(1, 4, 7, 12, 24, 52), seed=0)
        for key, part in panel.groupby("unique_id", sort=False):
            add("synthetic", key, part.y, part.season_length.iloc[0])
    return out, seasons


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    parser.add_argument("--out", default=os.path.join(ROOT, "forecastrnn", "pretrained_weights"))
    parser.add_argument("--leave-out", default="", help=f"comma list of {', '.join(DATASETS)}")
    parser.add_argument("--epochs", type=int, default=NETWORK["epochs"])
    parser.add_argument("--synthetic", type=int, default=3000)
    parser.add_argument("--rescore", action="store_true",
                        help="keep the weights in --out and recompute only its interval scores (same corpus)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    leave_out = [d for d in args.leave_out.split(",") if d]
    unknown = [d for d in leave_out if d not in DATASETS]
    if unknown:
        parser.error(f"--leave-out: unknown datasets {unknown}; expected some of {list(DATASETS)}")
    from forecastrnn.models.pretraining import pretrain, rescore

    print(machine(), flush=True)
    start = time.perf_counter()
    if args.rescore:  # the corpus the folder was trained on
        with open(os.path.join(args.out, "pretrained.json"), encoding="utf-8") as fh:
            leave_out = json.load(fh)["left_out"]
    by_dataset, seasons = corpus(args.data, leave_out, args.synthetic, args.quick)
    series = {k: y for part in by_dataset.values() for k, y in part.items()}
    counts = {d: len(part) for d, part in by_dataset.items()}
    print(f"corpus: {len(series)} series, {sum(len(y) for y in series.values())} rows: {counts}", flush=True)
    if args.rescore:
        info = rescore(args.out, series, seasons)
        print(f"interval scores of {args.out} recomputed from {info['calibration_series']} kept-apart series "
              f"in {time.perf_counter() - start:.0f} s", flush=True)
        return
    out = tempfile.mkdtemp() if args.quick else args.out
    settings = dict(epochs=1, units=8, window=24) if args.quick else dict(epochs=args.epochs)
    model = pretrain(series, seasons, out, verbose=2, **settings)
    info = {**model.info_, "corpus": counts, "left_out": leave_out, "machine": machine(),
            "seconds_with_corpus": round(time.perf_counter() - start)}
    with open(os.path.join(out, "pretrained.json"), "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    network = model.network_
    print(f"trained in {info['training_seconds']} s: {network.n_windows_} windows, {info['epochs_trained']} epochs, "
          f"val_loss {min(network.history_.get('val_loss', [np.nan])):.4f}", flush=True)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(out) for f in files)
    print(f"written to {out} ({size / 1e6:.2f} MB) in {time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()

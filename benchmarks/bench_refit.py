"""Warm or cold refit: the saved model of ``forecastrnn fit``, retrained on all rows, measured on validation origins.

After the backtest, ``fit`` retrains its network on every row (``refit``). A cold refit
trains afresh for the epochs early stopping chose; a warm one starts from the backtested
weights and trains the new rows' share of them. Which forecasts better is measured here on
ETTh1 (OT, horizon 24, the CLI's defaults) *before* the main command's test span, so no
test row informs the choice:

- the last 240 rows (the main command's test span) are dropped;
- the model is fitted on the rows before ``T0 = T1 - 240`` (as the backtest is),
- then refitted on the rows before ``T1`` (as ``fit`` does with all rows), warm and cold,
- and both forecast 10 origins every 24 rows after ``T1``; MASE (season 24) and seconds.

    python benchmarks/bench_refit.py [--seeds 0,1,2] [--quick]

``--quick``: the first 1,000 rows, a tiny network, 1 epoch, one seed (a smoke run).
"""

import argparse
import os
import time

import numpy as np
import pandas as pd

from _common import machine


def score(model, frame, origins, horizon, train_end) -> float:
    from forecastrnn.evaluation.metrics import mase

    point = model.forecast_origins(frame, origins, horizon)[0][..., 0]
    actual = frame["OT"].to_numpy()[origins[:, None] + np.arange(horizon)]
    return mase(actual.ravel(), point.ravel(), frame["OT"].to_numpy()[:train_end], 24)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--quick", action="store_true", help="1,000 rows, a tiny network, seed 0")
    args = parser.parse_args()
    quick = dict(epochs=1, units=4, n_models=1, window=48) if args.quick else {}
    print(machine())
    from forecastrnn import RNNForecaster, read_series

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = read_series(os.path.join(root, "datasets", "ETTh1.csv"), target="OT", features=["OT"])
    frame = frame.iloc[:1000] if args.quick else frame.iloc[:-240]  # -240: the main command's test span
    horizon, t1 = 24, len(frame) - 240
    t0 = t1 - 240
    origins = t1 + horizon * np.arange(10)
    rows = []
    for seed in [0] if args.quick else [int(s) for s in args.seeds.split(",")]:
        start = time.perf_counter()
        first = RNNForecaster(horizon=horizon, season_length=24, random_state=seed, verbose=0,
                              **quick).fit(frame.iloc[:t0])
        rows.append(("backtested fit (no refit)", seed, score(first, frame, origins, horizon, t1),
                     time.perf_counter() - start, first.settings_["epochs"]))
        for warm in (False, True):
            start = time.perf_counter()
            refitted = first.refit(frame.iloc[:t1], warm_start=warm)
            rows.append(("warm refit" if warm else "cold refit", seed, score(refitted, frame, origins, horizon, t1),
                         time.perf_counter() - start, refitted.settings_["epochs"]))
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows, columns=["model", "seed", "mase", "seconds", "epochs"])
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(table.groupby("model")[["mase", "seconds", "epochs"]].agg(["mean", "std"]).to_string(
        float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()

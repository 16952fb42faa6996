"""Global model settings on a real timestamped panel: ETTh1's seven columns as seven series.

Used to choose the global model's defaults on validation windows only: the panel is the first
``--rows`` hourly rows of ETTh1 (inside the first 12 months, ETTh1's standard training span),
and every variant is backtested by ``backtest_panel`` on the last ``--n-windows`` x 24 of
those rows, against seasonal naive and Naive2 (OWA). Variants:

* ``calendar``: ``GlobalRNNForecaster`` defaults (``calendar="auto"``: hour of day and day of
  week as known-future inputs);
* ``no_calendar``: the same without them (``calendar=None``);
* ``embedding``: calendar plus a learned 4-value id embedding (``id_embedding=4``);
* ``window_norm``: calendar plus per-window deseasonalisation and normalisation
  (``normalize="window"``, season 24 from the timestamps); M4 hourly chose it, so here it
  is a held-apart check of that setting on data it was not tuned on;
* ``stacked`` (two GRU layers) and ``window_loss`` (``loss_scale="window"``): the same check
  of M4's validation rows F and G;
* ``log``: ``normalize="window"`` on the logarithm of the target (``target_transform="log"``,
  M4's validation row L); it needs positive series, so ETTh1 (negative columns) cannot take it;
* ``window_intervals``: ``window_norm`` with the conformal scores in each window's scale
  (``interval_scale="window"``): the same forecasts, other 95 % intervals.

Every model also gives 95 % intervals: their coverage and M4's MSIS are printed.

``--panel collection`` takes instead the monthly series of ``../shared/data/collection/`` that
are positive throughout and at least 100 months long (car sales, mean temperature, robberies,
writing-paper sales, champagne sales), horizon 12, window 36, validation: the last
``--n-windows`` x 12 months of each.

    python benchmarks/bench_global_panel.py [--panel etth1|collection] [--rows 4000] [--n-windows 5] [--quick]
"""

import argparse
import glob
import os
import time

import pandas as pd
from _common import machine

VARIANTS = {"calendar": {}, "no_calendar": {"calendar": None}, "embedding": {"id_embedding": 4},
            "window_norm": {"normalize": "window"},
            "stacked": {"normalize": "window", "layers": 2},
            "window_loss": {"normalize": "window", "loss_scale": "window"},
            "log": {"normalize": "window", "target_transform": "log"},
            "window_intervals": {"normalize": "window", "interval_scale": "window"}}
HERE = os.path.dirname(os.path.abspath(__file__))


def etth1(path, rows):
    wide = pd.read_csv(path, parse_dates=["date"]).iloc[:rows]
    long = wide.melt(id_vars="date", var_name="unique_id", value_name="y").rename(columns={"date": "ds"})
    return long[["unique_id", "ds", "y"]]


def collection(folder, min_rows=100):
    """The collection's monthly series that are positive throughout and ``min_rows`` long, as a long panel."""
    from forecastrnn import read_series

    parts = []
    for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        series = read_series(path)
        y = series[series.attrs["target"][0]]
        if series.attrs["freq"] == "MS" and len(y) >= min_rows and (y > 0).all():
            parts.append(pd.DataFrame({"unique_id": os.path.basename(path)[:-4], "ds": y.index, "y": y.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", choices=["etth1", "collection"], default="etth1")
    parser.add_argument("--data", default=None, help="ETTh1.csv, or the collection folder [default: "
                        "datasets/ETTh1.csv, ../shared/data/collection]")
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--n-windows", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seeds", default="0,1", help="comma list: every variant is trained once per seed")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--quick", action="store_true", help="400 rows, 1 epoch, one seed, one origin, no XLA")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.epochs, args.seeds, args.n_windows = 400, 1, "0", 1
    print(machine())
    from forecastrnn import (GlobalRNNForecaster, Naive2Forecaster, SeasonalNaiveForecaster, backtest_panel,
                             summarize_panel)

    if args.panel == "etth1":
        long = etth1(args.data or os.path.join(HERE, "..", "datasets", "ETTh1.csv"), args.rows)
        horizon, window = 24, 168
        print(f"ETTh1 as {long.unique_id.nunique()} hourly series of {args.rows} rows; validation: the last "
              f"{args.n_windows} x 24 rows of each\n")
    else:
        long = collection(args.data or os.path.join(HERE, "..", "..", "shared", "data", "collection"))
        horizon, window = 12, 36
        lengths = long.groupby("unique_id").size()
        print(f"the collection's positive monthly series: {', '.join(f'{k} ({n})' for k, n in lengths.items())}; "
              f"validation: the last {args.n_windows} x 12 months of each\n")
    rows, positive = [], bool((long.y > 0).all())
    for seed in [int(s) for s in args.seeds.split(",")]:
        for name in args.variants.split(","):
            if VARIANTS[name].get("target_transform") == "log" and not positive:
                print(f"{name}: skipped (logs need positive values; this panel has values <= 0)")
                continue
            model = GlobalRNNForecaster(horizon=horizon, window=window, epochs=args.epochs, n_models=1, dropout=0.0,
                                        random_state=seed, verbose=0, **VARIANTS[name],
                                        **({"jit_compile": False} if args.quick else {}))  # no XLA compile: quicker
            start = time.perf_counter()
            table = backtest_panel({name: model, "seasonal_naive": SeasonalNaiveForecaster(horizon=horizon),
                                    "naive2": Naive2Forecaster(horizon=horizon)}, long, horizon=horizon,
                                   n_windows=args.n_windows, level=0.95)
            summary = summarize_panel(table)[0]
            rows.append({"variant": name, "seed": seed, "smape": summary.loc[name, "smape"],
                         "mase": summary.loc[name, "mase"], "owa": summary.loc[name, "owa"],
                         "coverage": summary.loc[name, "coverage"], "msis": summary.loc[name, "msis"],
                         "seasonal_naive_mase": summary.loc["seasonal_naive", "mase"],
                         "seconds": time.perf_counter() - start})
            print(pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1, float_format="%.4f"),
                  flush=True)
    result = pd.DataFrame(rows).groupby("variant")[["smape", "mase", "owa", "coverage", "msis", "seconds"]].mean()
    print("\nmean over seeds (validation windows):")
    print(result.sort_values("mase").to_string(float_format="%.4f"))


if __name__ == "__main__":
    main()

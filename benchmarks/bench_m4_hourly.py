"""M4 hourly: 414 series, horizon 48; sMAPE, MASE (m=24) and OWA against Naive2.

Statistical models run per series in parallel processes (``--n-jobs``), each row printed
with its wall time, the mean fit time per series and the count of failed fits (a series
whose model raised is scored with Naive2's forecast and counted, never hidden):

* ``naive2``: the M4 reference (``Naive2Forecaster``); ``seasonal_naive``;
* ``arima``: ``ARIMAForecaster`` (auto.arima's stepwise search with seasonal (P,D,Q)24 terms,
  CSS estimates kept, the default for seasons over 12); ablations: ``arima_ml`` (the same,
  refitted by exact maximum likelihood) and ``arima_fourier`` (non-seasonal ARIMA with three
  Fourier pairs for the daily cycle, as forecastrnn did before);
* ``ets``: ``ETSForecaster`` (error/trend/season by AICc); ``theta``: ``ThetaForecaster``;
* ``global_gru``: one ``GlobalRNNForecaster`` trained on the windows of all series (each
  scaled on its own training rows), by default on log values (``target_transform="log"``)
  with interval scores in each window's scale (``interval_scale="window"``), both chosen on
  validation windows (BENCHMARKS.md, "Log space"), window 168, 64 units, MAE loss,
  Adam 1e-3, batch 256 (``GLOBAL``; change any setting with ``--set key=value``, e.g. ``--set
  target_transform=None``); of every series' rows before the test, the last 10% calibrate the 95%
  intervals (coverage and M4's MSIS are printed) and the 10% before them drive early
  stopping. It runs through ``backtest_panel`` on the long file: the network and forecasts of ``forecastrnn
  fit m4_hourly_long.csv --id-col unique_id --horizon 48 --season-length 24 --window 168
  --units 64 --loss mae --epochs 20 --patience 3 --batch-size 256 --n-models 1 --dropout 0 --log``
  (whose intervals stay in each series' scale: the CLI has no switch for ``interval_scale``);
  ``--set ensemble=window:168,336`` (or ``ensemble=random_state:0,1,2``) makes it a
  ``MedianEnsemble`` of one network per value;
* ``gru``: one ``RNNForecaster`` per series (16 units, window 96, Adam 0.005, up to 40 epochs,
  patience 5, last 20% of each series for early stopping): slow, not in the default run.

``--validation`` scores on the last 48 hours of every training series instead of the test
set (the models see the rows before them only): use it to choose settings.

The wide M4 files are converted once to long format (``unique_id, y``: each series' training
then test rows) in ``benchmarks/data/m4_hourly_long.csv`` (``--long``; the default is named after the
``--data`` folder).

    python benchmarks/bench_m4_hourly.py --data ../shared/data/m4 [--quick] [--max-series N]
"""

import argparse
import os
import time

import numpy as np
import pandas as pd
from _common import STATISTICAL, machine, parse_settings, run_statistical

from forecastrnn.evaluation import mase, smape

H, M = 48, 24


def m4_long(folder, path):
    """Convert M4's wide files once into long format (``unique_id, y``; each series' training
    rows then its 48 test rows, in order; no timestamps: M4 gives none) and return ``path``."""
    if not os.path.exists(path):
        parts = []
        for name in ("Hourly-train.csv", "Hourly-test.csv"):
            wide = pd.read_csv(os.path.join(folder, name), index_col=0)
            long = wide.stack().dropna().rename("y").reset_index(level=0)  # ragged rows end in NaN
            parts.append(long.rename(columns={long.columns[0]: "unique_id"}))
        data = pd.concat(parts).reset_index(drop=True)
        data["order"] = data.groupby("unique_id").cumcount()
        data["split"] = np.repeat([0, 1], [len(parts[0]), len(parts[1])])
        data = data.sort_values(["unique_id", "split", "order"], key=lambda c: c.str[1:].astype(int) if c.name == "unique_id" else c)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        data[["unique_id", "y"]].to_csv(path, index=False)
    return path


def read_m4(path, max_series=None, validation=False, every=1):
    """Training and test arrays of every series, from the long file."""
    data = pd.read_csv(path)
    ids = list(dict.fromkeys(data.unique_id))[:max_series:every]
    groups = {k: g.y.to_numpy(dtype="float64") for k, g in data.groupby("unique_id", sort=False)}
    train, test = [groups[k][:-H] for k in ids], [groups[k][-H:] for k in ids]
    if validation:
        return [y[:-H] for y in train], [y[-H:] for y in train], ids
    return train, test, ids


def gru(y, epochs, learning_rate):
    from forecastrnn import RNNForecaster

    model = RNNForecaster(cell="gru", units=16, window=96, horizon=H, epochs=epochs, patience=5, n_models=1, dropout=0.0,
                          batch_size=32, learning_rate=learning_rate, jit_compile=False,
                          random_state=0, verbose=0)
    return model.fit(y).predict()["y"].to_numpy()


GLOBAL = dict(cell="gru", units=64, window=168, horizon=H, loss="mae", epochs=20, patience=3, batch_size=256,
              n_models=1, dropout=0.0, season_length=M, target_transform="log", interval_scale="window",
              random_state=0, verbose=2)


def global_gru(train, test, ids, quick, settings):
    """The global GRU through ``backtest_panel`` on the long data, the path of
    ``forecastrnn fit m4_hourly_long.csv --id-col unique_id`` (see the README command).
    Returns the forecasts of every series and the line of interval figures (95 %)."""
    from forecastrnn import GlobalRNNForecaster, MedianEnsemble, backtest_panel
    from forecastrnn.evaluation import summarize_panel

    settings = dict(settings)
    key, _, values = str(settings.pop("ensemble", "")).partition(":")
    params = {**GLOBAL, **settings, **(dict(units=8, window=48, epochs=1) if quick else {})}
    model = GlobalRNNForecaster(**params)
    if key:
        model = MedianEnsemble([GlobalRNNForecaster(**{**params, key: parse_settings([f"v={v}"])["v"]})
                                for v in values.split(",")])
    long = pd.concat([pd.DataFrame({"unique_id": k, "y": np.concatenate([a, b])}) for k, a, b in zip(ids, train, test)])
    table, fitted = backtest_panel({"gru": model}, long, horizon=H, season_length=M, level=0.95, return_models=True)
    summary = summarize_panel(table)[0].loc["gru"]
    for member in getattr(fitted["gru"], "models_", [fitted["gru"]]):
        print(f"  global GRU: {member.n_windows_} training windows, {len(member.history_['loss'])} epochs, "
              f"settings {member.settings_}", flush=True)
    by_series = dict(tuple(table.groupby("unique_id", sort=False)["y_pred"]))
    return [by_series[k].to_numpy() for k in ids], f"95% coverage {summary.coverage:.3f}, MSIS {summary.msis:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("FORECASTRNN_M4", "../shared/data/m4"),
                        help="folder of M4's Hourly-train.csv and Hourly-test.csv")
    parser.add_argument("--long", default=None,
                        help="the long-format file, written from --data once [default: "
                             "benchmarks/data/<data folder name>_hourly_long.csv]")
    parser.add_argument("--quick", action="store_true", help="3 series, 2 epochs")
    parser.add_argument("--max-series", type=int, default=None)
    parser.add_argument("--every", type=int, default=1, help="take every k-th series (a sample)")
    parser.add_argument("--validation", action="store_true",
                        help="score on the last 48 hours of each training series, not the test set")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--learning-rate", type=float, default=0.005)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a GlobalRNNForecaster setting of global_gru, e.g. --set normalize=window "
                             f"(repeatable; defaults: {GLOBAL})")
    parser.add_argument("--models", default="seasonal_naive,arima,ets,theta,global_gru",
                        help="comma-separated: " + ", ".join(STATISTICAL) + ", global_gru, gru (per series)")
    args = parser.parse_args()
    print(machine())
    long = args.long or os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                                     f"{os.path.basename(os.path.abspath(args.data))}_hourly_long.csv")
    train, test, ids = read_m4(m4_long(args.data, long), 3 if args.quick else args.max_series,
                               args.validation, args.every)

    def score(preds):
        preds = list(preds)
        return {"smape": np.mean([smape(t, p) for t, p in zip(test, preds)]),
                "mase": np.mean([mase(t, p, y, M) for t, p, y in zip(test, preds, train)])}

    def report(name, s, ref, seconds, extra=""):
        owa = 0.5 * (s["smape"] / ref["smape"] + s["mase"] / ref["mase"])
        print(f"{name:16s} {s['smape']:8.3f} {s['mase']:8.3f} {owa:7.3f} {seconds:7.0f}s {extra}", flush=True)

    split = "validation (last 48 h of each training series)" if args.validation else "test"
    print(f"\nM4 hourly, {len(train)} series, horizon {H}, {split}; each row is printed when its model "
          f"is done\n{'model':16s} {'sMAPE':>8s} {'MASE':>8s} {'OWA':>7s} {'time':>8s}")
    preds, seconds, extra = run_statistical("naive2", train, M, H, args.n_jobs)
    reference = score(preds)
    report("naive2", reference, reference, seconds, extra)
    for name in args.models.split(","):
        extra = ""
        start = time.perf_counter()
        if name in STATISTICAL:
            preds, seconds, extra = run_statistical(name, train, M, H, args.n_jobs)
        elif name == "global_gru":
            preds, extra = global_gru(train, test, ids, args.quick, parse_settings(args.set))
        elif name == "gru":
            preds = [gru(y, 2 if args.quick else args.epochs, args.learning_rate) for y in train]
        else:
            raise SystemExit(f"unknown model {name!r}")
        if name not in STATISTICAL:
            seconds = time.perf_counter() - start
        report(name, score(preds), reference, seconds, extra)


if __name__ == "__main__":
    main()

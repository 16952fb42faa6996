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
  scaled on its own training rows), window 168, 64 units, MAE loss, Adam 1e-3, batch 256,
  early stopping on the last 48 hours of every series;
* ``gru``: one ``RNNForecaster`` per series (16 units, window 96, Adam 0.005, up to 40 epochs,
  patience 5, last 20% of each series for early stopping): slow, not in the default run.

``--validation`` scores on the last 48 hours of every training series instead of the test
set (the models see the rows before them only): use it to choose settings.

    python benchmarks/bench_m4_hourly.py --data ../shared/data/m4 [--quick] [--max-series N]
"""

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd
from _common import machine

from forecastrnn.evaluation import mase, smape

H, M = 48, 24
STATISTICAL = ("naive2", "seasonal_naive", "arima", "arima_ml", "arima_fourier", "arima_order5", "ets", "theta")


def read_m4(folder, max_series=None, validation=False, every=1):
    def rows(name):
        frame = pd.read_csv(os.path.join(folder, name), index_col=0)
        return [r.dropna().to_numpy(dtype="float64") for _, r in frame.iterrows()]

    train = rows("Hourly-train.csv")[:max_series:every]
    test = rows("Hourly-test.csv")[:max_series:every]
    if validation:
        return [y[:-H] for y in train], [y[-H:] for y in train]
    return train, test


def statistical_model(name):
    from forecastrnn.baselines import (ARIMAForecaster, ETSForecaster, Naive2Forecaster,
                                       SeasonalNaiveForecaster, ThetaForecaster)

    return {"naive2": lambda: Naive2Forecaster(season_length=M, horizon=H),
            "seasonal_naive": lambda: SeasonalNaiveForecaster(season_length=M, horizon=H),
            "arima": lambda: ARIMAForecaster(season_length=M, horizon=H),
            "arima_ml": lambda: ARIMAForecaster(season_length=M, horizon=H, method="css-ml"),
            "arima_order5": lambda: ARIMAForecaster(season_length=M, horizon=H, max_order=5),
            "arima_fourier": lambda: ARIMAForecaster(season_length=1, fourier_seasons=[M], horizon=H),
            "ets": lambda: ETSForecaster(season_length=M, horizon=H),
            "theta": lambda: ThetaForecaster(season_length=M, horizon=H)}[name]()


def fit_one(name, y):
    """Forecast, fit seconds and whether the fit failed (then Naive2 stands in)."""
    from forecastrnn.baselines import Naive2Forecaster

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return statistical_model(name).fit(y).predict()["y"].to_numpy(), time.perf_counter() - start, False
        except (ValueError, np.linalg.LinAlgError):
            forecast = Naive2Forecaster(season_length=M, horizon=H).fit(y).predict()["y"].to_numpy()
            return forecast, time.perf_counter() - start, True


def gru(y, epochs, learning_rate):
    from forecastrnn import RNNForecaster

    model = RNNForecaster(cell="gru", units=16, window=96, horizon=H, epochs=epochs, patience=5, n_models=1, dropout=0.0,
                          batch_size=32, learning_rate=learning_rate, jit_compile=False,
                          random_state=0, verbose=0)
    return model.fit(y).predict()["y"].to_numpy()


def global_gru(train, epochs, window, quick):
    from forecastrnn import GlobalRNNForecaster

    model = GlobalRNNForecaster(cell="gru", units=8 if quick else 64, window=window, horizon=H,
                                loss="mae", epochs=epochs, patience=3, batch_size=256, n_models=1, dropout=0.0,
                                validation_size=H, random_state=0, verbose=2)
    forecast = model.fit(list(train)).predict()
    print(f"  global GRU: {model.n_windows_} training windows, {len(model.history_['loss'])} epochs")
    by_series = dict(tuple(forecast.groupby("unique_id", sort=False)["y"]))
    return [by_series[str(i)].to_numpy() for i in range(len(train))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("FORECASTRNN_M4", "../shared/data/m4"))
    parser.add_argument("--quick", action="store_true", help="3 series, 2 epochs")
    parser.add_argument("--max-series", type=int, default=None)
    parser.add_argument("--every", type=int, default=1, help="take every k-th series (a sample)")
    parser.add_argument("--validation", action="store_true",
                        help="score on the last 48 hours of each training series, not the test set")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--learning-rate", type=float, default=0.005)
    parser.add_argument("--global-epochs", type=int, default=20)
    parser.add_argument("--global-window", type=int, default=168)
    parser.add_argument("--models", default="seasonal_naive,arima,ets,theta,global_gru",
                        help="comma-separated: " + ", ".join(STATISTICAL) + ", global_gru, gru (per series)")
    args = parser.parse_args()
    print(machine())
    train, test = read_m4(args.data, 3 if args.quick else args.max_series, args.validation,
                          args.every)

    def score(preds):
        preds = list(preds)
        return {"smape": np.mean([smape(t, p) for t, p in zip(test, preds)]),
                "mase": np.mean([mase(t, p, y, M) for t, p, y in zip(test, preds, train)])}

    def report(name, s, ref, seconds, extra=""):
        owa = 0.5 * (s["smape"] / ref["smape"] + s["mase"] / ref["mase"])
        print(f"{name:16s} {s['smape']:8.3f} {s['mase']:8.3f} {owa:7.3f} {seconds:7.0f}s {extra}", flush=True)

    from joblib import Parallel, delayed

    def run_statistical(name):
        start = time.perf_counter()
        outs = Parallel(n_jobs=args.n_jobs)(delayed(fit_one)(name, y) for y in train)
        seconds = time.perf_counter() - start
        fits = np.array([o[1] for o in outs])
        extra = (f"fit {fits.mean():.2f} s/series (median {np.median(fits):.2f}, max {fits.max():.1f} "
                 f"on series {int(np.argmax(fits)) * args.every}), {sum(o[2] for o in outs)} failed fit(s)")
        return [o[0] for o in outs], seconds, extra

    split = "validation (last 48 h of each training series)" if args.validation else "test"
    print(f"\nM4 hourly, {len(train)} series, horizon {H}, {split}; each row is printed when its model "
          f"is done\n{'model':16s} {'sMAPE':>8s} {'MASE':>8s} {'OWA':>7s} {'time':>8s}")
    preds, seconds, extra = run_statistical("naive2")
    reference = score(preds)
    report("naive2", reference, reference, seconds, extra)
    for name in args.models.split(","):
        extra = ""
        start = time.perf_counter()
        if name in STATISTICAL:
            preds, seconds, extra = run_statistical(name)
        elif name == "global_gru":
            preds = global_gru(train, 1 if args.quick else args.global_epochs,
                               48 if args.quick else args.global_window, args.quick)
        elif name == "gru":
            preds = [gru(y, 2 if args.quick else args.epochs, args.learning_rate) for y in train]
        else:
            raise SystemExit(f"unknown model {name!r}")
        if name not in STATISTICAL:
            seconds = time.perf_counter() - start
        report(name, score(preds), reference, seconds, extra)


if __name__ == "__main__":
    main()

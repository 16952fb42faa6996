"""M4 hourly: 414 series, horizon 48; sMAPE, MASE (m=24) and OWA against Naive2.

Models: Naive2 (the M4 reference: naive on seasonally adjusted data when a 90% autocorrelation
test finds seasonality), seasonal naive, ARIMA (automatic order, daily season as Fourier
terms, in parallel processes: ``--n-jobs``) and two GRU set-ups:

* ``global_gru``: one ``GlobalRNNForecaster`` trained on the windows of all series (each
  scaled on its own training rows), window 168, 64 units, MAE loss, Adam 1e-3, batch 256,
  early stopping on the last 48 hours of every series;
* ``gru``: one ``RNNForecaster`` per series (16 units, window 96, Adam 0.005, up to 40 epochs,
  patience 5, last 20% of each series for early stopping): slow, not in the default run.

    python benchmarks/bench_m4_hourly.py --data ../shared/data/m4 [--quick] [--max-series N]
"""

import argparse
import os
import time

import numpy as np
import pandas as pd
from _common import machine

from forecastrnn.evaluation import mase, smape

H, M = 48, 24


def read_m4(folder, max_series=None):
    def rows(name):
        frame = pd.read_csv(os.path.join(folder, name), index_col=0)
        return [r.dropna().to_numpy(dtype="float64") for _, r in frame.iterrows()]

    train, test = rows("Hourly-train.csv"), rows("Hourly-test.csv")
    return train[:max_series], test[:max_series]


def naive2(y):
    """M4's Naive2: naive forecast of the multiplicatively deseasonalised series."""
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.stattools import acf

    r = acf(y, nlags=M, fft=True)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[1:M] ** 2)) / len(y))
    if abs(r[M]) > limit and (y > 0).all():
        season = seasonal_decompose(y, model="multiplicative", period=M).seasonal
        index = season[-M:]
        future = index[np.arange(H) % M]
        return y[-1] / season[-1] * future
    return np.repeat(y[-1], H)


def arima(y):
    import warnings

    from forecastrnn import ARIMAForecaster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ARIMAForecaster(season_length=M, horizon=H).fit(y).predict()["y"].to_numpy()
        except (ValueError, np.linalg.LinAlgError):
            return naive2(y)  # counted below


def gru(y, epochs, learning_rate):
    from forecastrnn import RNNForecaster

    model = RNNForecaster(cell="gru", units=16, window=96, horizon=H, epochs=epochs, patience=5,
                          batch_size=32, learning_rate=learning_rate, jit_compile=False,
                          random_state=0, verbose=0)
    return model.fit(y).predict()["y"].to_numpy()


def global_gru(train, epochs, window, quick):
    from forecastrnn import GlobalRNNForecaster

    model = GlobalRNNForecaster(cell="gru", units=8 if quick else 64, window=window, horizon=H,
                                loss="mae", epochs=epochs, patience=3, batch_size=256,
                                validation_size=H, random_state=0, verbose=2)
    forecast = model.fit(list(train)).predict()
    print(f"  global GRU: {model.n_windows_} training windows, {len(model.history_['loss'])} epochs")
    return [forecast[str(i)].to_numpy() for i in range(len(train))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("FORECASTRNN_M4", "../shared/data/m4"))
    parser.add_argument("--quick", action="store_true", help="3 series, 2 epochs")
    parser.add_argument("--max-series", type=int, default=None)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--learning-rate", type=float, default=0.005)
    parser.add_argument("--global-epochs", type=int, default=20)
    parser.add_argument("--global-window", type=int, default=168)
    parser.add_argument("--models", default="seasonal_naive,arima,global_gru",
                        help="comma-separated: seasonal_naive, arima, global_gru, gru (per series)")
    args = parser.parse_args()
    print(machine())
    train, test = read_m4(args.data, 3 if args.quick else args.max_series)

    def score(preds):
        preds = list(preds)
        return {"smape": np.mean([smape(t, p) for t, p in zip(test, preds)]),
                "mase": np.mean([mase(t, p, y, M) for t, p, y in zip(test, preds, train)])}

    def report(name, s, ref, seconds):
        owa = 0.5 * (s["smape"] / ref["smape"] + s["mase"] / ref["mase"])
        print(f"{name:16s} {s['smape']:8.3f} {s['mase']:8.3f} {owa:7.3f} {seconds:7.0f}s", flush=True)

    wanted = args.models.split(",")
    reference = score(naive2(y) for y in train)
    print(f"\nM4 hourly, {len(train)} series, horizon {H}; each row is printed when its model is done")
    print(f"{'model':16s} {'sMAPE':>8s} {'MASE':>8s} {'OWA':>7s} {'time':>8s}")
    report("naive2", reference, reference, 0.0)
    for name in wanted:
        start = time.perf_counter()
        if name == "seasonal_naive":
            preds = [y[-M:][np.arange(H) % M] for y in train]
        elif name == "arima":
            from joblib import Parallel, delayed

            preds = Parallel(n_jobs=args.n_jobs)(delayed(arima)(y) for y in train)
        elif name == "global_gru":
            preds = global_gru(train, 1 if args.quick else args.global_epochs,
                               48 if args.quick else args.global_window, args.quick)
        elif name == "gru":
            preds = [gru(y, 2 if args.quick else args.epochs, args.learning_rate) for y in train]
        else:
            raise SystemExit(f"unknown model {name!r}")
        report(name, score(preds), reference, time.perf_counter() - start)


if __name__ == "__main__":
    main()

"""The pretrained forecaster against Naive2, ETS, Theta and a network trained from scratch.

For every dataset, each series' last ``h`` values are the test (M3: the competition's test;
M4 hourly: ``Hourly-test.csv``, all 414 series; ETTh1, airline: their last ``h`` rows); every
model sees only the rows before them. Rows:

- naive2, ets, theta: forecastrnn's, fitted on each series;
- autoets: statsforecast's ``AutoETS`` (the issue's reference), fitted on each series (missing
  values interpolated). statsforecast is not a dependency of forecastrnn and its release
  needs pandas < 3: run this row in an environment of its own
  (``pip install statsforecast scikit-learn click`` and ``pip install -e . --no-deps``; the
  row needs no TensorFlow);
- pretrained: zero-shot, the network of ``--pretrained DIR`` (default: the shipped one);
- finetuned: the same, trained further on the dataset's training rows (``fine_tune=True``);
- global_gru: the network trained from scratch with its defaults (``GlobalRNNForecaster``;
  ``RNNForecaster`` for a dataset of one series);
- init: the same forecaster started from the pretrained weights (``init=``).

The collection: each series' last ``h`` values are its test, ``h`` one season (the CLI's
default horizon; yearly 6); a missing test value is not scored. ``sm_*`` (``OUTSIDE``):
statsmodels' bundled datasets, public data that no pretraining here has read, yearly,
quarterly, monthly and weekly; ``h`` as M4's for the frequency.

Mean sMAPE and MASE (season ``m``) per dataset. The honest version is leave-one-dataset-out:
``python benchmarks/pretrain.py --leave-out m3_monthly --out /tmp/loo-m3_monthly`` then
``--pretrained /tmp/loo-m3_monthly --datasets m3_monthly``; the shipped weights saw every
dataset's training rows (never its test rows). ``--validation`` scores each series' last
``h`` training values instead (the rows to choose settings on). ``--short 2`` keeps the last two
to three seasons of each training series (``snaive``: seasonal naive, for such series). ``--level``: the share of
test values inside the pretrained rows' intervals at that level.

    python benchmarks/bench_pretrained.py [--data ../shared/data] [--pretrained DIR]
        [--datasets m3_yearly,...,collection,etth1,airline,sm_fertility,...]
        [--models naive2,ets,theta,autoets,snaive,pretrained,finetuned,global_gru,init] [--level 0.9] [--validation]
        [--short SEASONS] [--quick]
    python benchmarks/bench_pretrained.py --speed [--pretrained DIR]
"""

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

from _common import machine, run_statistical

HERE = os.path.dirname(os.path.abspath(__file__))

def load(data, name, quick) -> list:
    """Groups ``(train, test, ids, h, m)`` of series forecast alike (lists of arrays); one group
    per dataset, one per series for the collection (each its own frequency)."""
    every = 40 if quick else 1
    if name.startswith("m3_"):
        sys.path.insert(0, HERE)
        from bench_m3 import read_m3

        return [read_m3(os.path.join(data, "m3"), name[3:], every=every)]
    if name == "m4_hourly":
        train = pd.read_csv(os.path.join(data, "m4", "Hourly-train.csv"), index_col=0).iloc[::every]
        test = pd.read_csv(os.path.join(data, "m4", "Hourly-test.csv"), index_col=0).loc[train.index]
        return [([r.dropna().to_numpy() for _, r in train.iterrows()], [r.dropna().to_numpy() for _, r in test.iterrows()],
                 list(train.index), 48, 24)]
    if name == "etth1":
        y = pd.read_csv(os.path.join(data, "ETTh1.csv"))["OT"].to_numpy()
        return [([y[:-24]], [y[-24:]], ["OT"], 24, 24)]
    if name == "airline":
        y = pd.read_csv(os.path.join(data, "airline_passengers.csv")).iloc[:, -1].to_numpy("float64")
        return [([y[:-12]], [y[-12:]], ["passengers"], 12, 12)]
    if name == "collection":  # the CLI's default horizon (one season; yearly: 6)
        import tempfile

        from bench_collection import collection_files

        from forecastrnn import read_series
        from forecastrnn.data.season import season_length_for
        from forecastrnn.defaults import default_horizon

        groups = []
        for key, path, extra in collection_files(data, tempfile.mkdtemp())[::4 if quick else 1]:
            frame = read_series(path, target=extra[1] if extra else None)
            y = frame[frame.attrs["target"][0]].to_numpy("float64")
            m = season_length_for(frame.attrs.get("freq"))
            h = default_horizon(m)
            groups.append(([y[:-h]], [y[-h:]], [key], h, m))
        return groups
    if name in OUTSIDE:
        return outside(name, quick)
    raise SystemExit(f"unknown dataset {name!r}")


# statsmodels' bundled datasets: public data of several frequencies that no pretraining corpus
# here holds (yearly sunspots are left out: the collection has the monthly ones)
OUTSIDE = {
    "sm_fertility": "yearly births per woman, 1960-2013, 198 countries and regions with 20 years or more (World Bank)",
    "sm_grunfeld": "yearly investment, value and capital of 11 US firms, 1935-1954: 33 series of 20 years",
    "sm_macro": "quarterly US macro series 1959-2009 (9 levels) and Danish money demand 1974-1987 (5)",
    "sm_elnino": "monthly sea surface temperature 1950-2010, the last 8 windows of 18 months",
    "sm_co2": "weekly CO2 at Mauna Loa 1958-2001 (missing weeks), the last 8 windows of 13 weeks",
    "sm_nile": "yearly flow of the Nile 1871-1970, the last 5 windows of 6 years",
}


def outside(name, quick) -> list:
    """Groups of :data:`OUTSIDE`'s datasets: a panel's series each tested on their last ``h``
    values (one group), a single series on its last few windows of ``h`` (a group each, so
    no model trains on another window's test rows). ``h`` and ``m`` as M4's for the frequency."""
    import statsmodels.api as sm

    def panel(series, h, m):
        series = series[::8] if quick else series
        return [([y[:-h] for y in series], [y[-h:] for y in series], list(range(len(series))), h, m)]

    def windows(y, h, m, k):
        n = len(y)
        return [([y[:n - j * h]], [y[n - j * h:n - (j - 1) * h]], [f"origin-{j}"], h, m) for j in range(1, k + 1)]

    def load_data(dataset):
        return getattr(sm.datasets, dataset).load_pandas().data

    if name == "sm_fertility":
        wide = load_data("fertility").filter(regex=r"^\d{4}$")
        return panel([y for y in (r.dropna().to_numpy("float64") for _, r in wide.iterrows()) if len(y) >= 20], 6, 1)
    if name == "sm_grunfeld":
        frame = load_data("grunfeld")
        return panel([g[c].to_numpy("float64") for _, g in frame.groupby("firm") for c in ("invest", "value", "capital")],
                     6, 1)
    if name == "sm_macro":
        us = load_data("macrodata")[["realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1", "unemp",
                                     "pop"]]
        danish = load_data("danish_data")
        return panel([f[c].to_numpy("float64") for f in (us, danish) for c in f], 8, 4)
    if name == "sm_elnino":
        y = load_data("elnino").drop(columns="YEAR").to_numpy("float64").ravel()
        return windows(y, 18, 12, 2 if quick else 8)
    if name == "sm_co2":
        return windows(load_data("co2")["co2"].to_numpy("float64"), 13, 52, 2 if quick else 8)
    return windows(load_data("nile")["volume"].to_numpy("float64"), 6, 1, 2 if quick else 5)


def statsforecast_ets(train, m, h) -> list:
    """statsforecast's ``AutoETS(season_length=m)`` forecasts of every series (missing values
    interpolated); a one-line exit when statsforecast is not installed."""
    try:
        from statsforecast import StatsForecast
        from statsforecast.models import AutoETS
    except ImportError as exc:
        raise SystemExit("The autoets row needs statsforecast (pip install statsforecast, in an environment of its "
                         f"own: it needs pandas < 3). Received: {exc}") from None
    long = pd.concat([pd.DataFrame({"unique_id": i, "ds": np.arange(len(y)),
                                    "y": pd.Series(y, dtype="float64").interpolate(limit_direction="both")})
                      for i, y in enumerate(train)])
    out = StatsForecast(models=[AutoETS(season_length=m)], freq=1, n_jobs=2).forecast(df=long, h=h)
    out = out.reset_index() if "unique_id" not in out else out  # older releases index by unique_id
    return [g["AutoETS"].to_numpy() for _, g in out.groupby("unique_id", sort=True)]


def forecasts(model, train, ids, h, m, pretrained_dir, quick, level=None):
    """``(forecasts, bounds)`` of the ``h`` steps after each training series by ``model``;
    ``bounds``: ``(lower, upper)`` lists at ``level`` for the pretrained rows, else None."""
    from forecastrnn import GlobalRNNForecaster, RNNForecaster
    from forecastrnn.models.pretrained import PretrainedForecaster

    if model in ("naive2", "ets", "theta"):
        return run_statistical(model, train, m, h)[0], None
    if model == "snaive":  # seasonal naive: the last season repeated
        return [np.resize(y[-m:], h) for y in train], None
    if model == "autoets":
        return statsforecast_ets(train, m, h), None
    long = pd.concat([pd.DataFrame({"unique_id": k, "y": y}) for k, y in zip(ids, train)])
    tiny = dict(epochs=1, units=8) if quick else {}
    if model in ("pretrained", "finetuned"):
        forecaster = PretrainedForecaster(path=pretrained_dir, season_length=m, fine_tune=model == "finetuned",
                                          epochs=1 if quick else 10).fit(long)
        out = forecaster.predict(long, horizon=h, level=level)
    elif model in ("global_gru", "init"):  # from scratch / from the pretrained weights (init=)
        init = (pretrained_dir or "pretrained") if model == "init" else None
        if len(train) == 1:  # one series: the one-series forecaster, as a user with one series gets it
            net = RNNForecaster(horizon=h, season_length=m, random_state=0, verbose=0, init=init,
                                **({"epochs": 1} if quick else {}))
            return [net.fit(train[0]).predict().iloc[:, 0].to_numpy()], None
        net = GlobalRNNForecaster(horizon=h, season_length=m, random_state=0, verbose=0, init=init,
                                  **({"epochs": 1} if quick and init else tiny))
        out = net.fit(long).predict()
    else:
        raise SystemExit(f"unknown model {model!r}")
    groups = {str(k): g for k, g in out.groupby("unique_id", sort=False)}
    preds = [groups[str(k)]["y"].to_numpy() for k in ids]
    if "y_lower" not in out:
        return preds, None
    return preds, ([groups[str(k)]["y_lower"].to_numpy() for k in ids], [groups[str(k)]["y_upper"].to_numpy() for k in ids])


def speed(data, pretrained_dir, quick):
    """p50 of zero-shot ``predict``: one seasonal series (airline passengers, 12 steps; as a
    Series with timestamps and as the DataFrame ``read_csv`` gives, dates as text) and a
    panel of 1,000 monthly series of 100 rows (18 steps), point forecasts."""
    from bench_latency import timed

    from forecastrnn.data.synthetic import synthetic_panel
    from forecastrnn.models.pretrained import pretrained

    model = pretrained(pretrained_dir)
    frame = pd.read_csv(os.path.join(data, "airline_passengers.csv"))
    one = pd.Series(frame.iloc[:, -1].to_numpy("float64"), index=pd.DatetimeIndex(pd.to_datetime(frame.iloc[:, 0])),
                    name="passengers")
    n = 50 if quick else 1000
    panel = synthetic_panel(n, season_lengths=(12,), lengths=(100, 100), seed=0).drop(columns="season_length")
    panel["ds"] = np.tile(pd.date_range("2010-01-01", periods=100, freq="MS"), n)
    calls = 2 if quick else 30
    for label, call in ((f"one series ({len(one)} rows, 12 steps)", lambda: model.predict(one, horizon=12)),
                        ("the same, the DataFrame of its CSV (months as text)", lambda: model.predict(frame, horizon=12)),
                        (f"{n} series (100 rows, 18 steps)", lambda: model.predict(panel, horizon=18))):
        print(f"zero-shot predict, {label}: p50 {timed(call, calls)['p50_ms']:.1f} ms", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    parser.add_argument("--pretrained", default=None, metavar="DIR")
    parser.add_argument("--datasets", default="m3_yearly,m3_quarterly,m3_monthly,m3_other,m4_hourly")
    parser.add_argument("--models", default="naive2,ets,theta,pretrained,finetuned")
    parser.add_argument("--validation", action="store_true",
                        help="score each series' last h training values instead of its test (for choosing settings)")
    parser.add_argument("--level", type=float, default=None,
                        help="also the coverage of the pretrained rows' intervals at this level, e.g. 0.9")
    parser.add_argument("--speed", action="store_true", help="time zero-shot predict instead (one series, 1,000)")
    parser.add_argument("--scores", default=None, metavar="CSV",
                        help="also write every series' scores (dataset, model, series, smape, mase) for paired comparisons")
    parser.add_argument("--short", type=int, default=None, metavar="SEASONS",
                        help="keep only the last SEASONS to SEASONS + 1 seasons of each seasonal training series "
                             "(SEASONS * m + i mod m rows for the i-th), as a user with a short history has them")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from forecastrnn.evaluation import mase, smape

    print(machine(), flush=True)
    if args.speed:
        return speed(args.data, args.pretrained, args.quick)
    print(f"{'dataset':14s}{'model':22s}{'sMAPE':>8s}{'MASE':>8s}{'seconds':>9s}"
          + (f"{f'cover {args.level:.0%}':>11s}" if args.level else ""), flush=True)
    rows = []
    for dataset in args.datasets.split(","):
        groups = load(args.data, dataset, args.quick)
        if args.validation:  # the last h training values become the test; the test is never read
            groups = [([y[:-h] for y in train], [y[-h:] for y in train], ids, h, m) for train, _, ids, h, m in groups]
        if args.short:  # k to k + 1 seasons of history; series without a season or shorter than that: not scored
            k = args.short
            groups = [([y[-(k * m + i % m):] for i, y in keep], [test[i] for i, _ in keep], [ids[i] for i, _ in keep],
                       h, m) for train, test, ids, h, m in groups
                      for keep in [[(i, y) for i, y in enumerate(train) if m > 1 and len(y) >= k * m + i % m]] if keep]
        for model in args.models.split(","):
            start = time.perf_counter()
            scores, inside = [], []
            for train, test, ids, h, m in groups:
                preds, bounds = forecasts(model, train, ids, h, m, args.pretrained, args.quick, args.level)
                for i, (t, p, y) in enumerate(zip(test, preds, train)):
                    seen = np.isfinite(t)  # a missing test value is not scored
                    scores.append((smape(t[seen], p[seen]), mase(t[seen], p[seen], y, m)))
                    rows.append((dataset, model, ids[i], *scores[-1]))
                    if bounds is not None:
                        inside.append((bounds[0][i][seen] <= t[seen]) & (t[seen] <= bounds[1][i][seen]))
            s, q = np.nanmean(np.array(scores, dtype="float64"), axis=0)
            cover = f"{np.concatenate(inside).mean():11.3f}" if inside else (f"{'':11s}" if args.level else "")
            print(f"{dataset:14s}{model:22s}{s:8.2f}{q:8.3f}{time.perf_counter() - start:9.1f}{cover}", flush=True)
    if args.scores:
        pd.DataFrame(rows, columns=["dataset", "model", "series", "smape", "mase"]).to_csv(args.scores, index=False)


if __name__ == "__main__":
    main()

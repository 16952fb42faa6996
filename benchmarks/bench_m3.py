"""M3: 3,003 series of four kinds; sMAPE, MASE and OWA against Naive2, per category and overall.

The development benchmark across frequencies: yearly (645 series, horizon 6), quarterly
(756, h8, season 4), monthly (1,428, h18, season 12) and other (174, h8). Scores are the
mean over series of each series' sMAPE and MASE (seasonal naive scale, M4's definition);
OWA is the mean of the sMAPE and MASE ratios to Naive2's, per category and over all series.

Rows (``--models``, comma-separated; each row is printed when it is done):

* classical, per series in parallel processes (``--n-jobs``), a failed fit scored with
  Naive2's forecast and counted: ``naive2`` (always first), ``seasonal_naive``, ``arima``,
  ``ets``, ``theta`` (forecastrnn's baselines; ``theta`` is the scorer's check: it should
  come near the published Theta, 16.90 / 8.96 / 13.85 / 4.41 -> 13.01);
* ``global_gru``: one ``GlobalRNNForecaster`` per category with every default (only
  ``horizon`` and ``season_length`` given), through ``backtest_panel`` on the long data, the
  path of ``forecastrnn fit m3_<category>.csv --id-col unique_id``; ``--set key=value``
  changes a setting;
* ``combination``: ``CombinationForecaster`` with its defaults (the network and the
  baselines weighted per series on validation windows).

``--validation`` scores on the last horizon of every training series instead of the test
set (the models see the rows before them only): every choice is made there. The test set is
scored once, after the choices.

    python benchmarks/bench_m3.py --data ../shared/data/m3 [--validation] [--quick]
        [--categories yearly,quarterly] [--models theta,global_gru] [--every 4]
"""

import argparse
import os
import time

import numpy as np
import pandas as pd
from _common import STATISTICAL, machine, parse_settings, run_statistical

from forecastrnn.evaluation import mase, smape

# category: (file, horizon, season length)
CATEGORIES = {"yearly": ("m3_yearly.csv", 6, 1), "quarterly": ("m3_quarterly.csv", 8, 4),
              "monthly": ("m3_monthly.csv", 18, 12), "other": ("m3_other.csv", 8, 1)}
PUBLISHED = {"theta (published)": (16.90, 8.96, 13.85, 4.41, 13.01),
             "n-beats (published)": (15.93, 8.84, 13.11, 4.24, 12.37)}


def read_m3(folder, category, validation=False, every=1, max_series=None):
    """Training and test arrays and ids of one category (the test set is each row's last NF
    values; with ``validation`` the last NF training values take its place)."""
    name, h, m = CATEGORIES[category]
    wide = pd.read_csv(os.path.join(folder, name))
    values = wide.iloc[:, 6:].to_numpy(dtype="float64")
    ids, train, test = [], [], []
    for row, y in zip(wide.itertuples(index=False), values):
        y = y[:int(row.N)]
        if validation:
            y = y[:-h]
        ids.append(str(row.Series).replace(" ", ""))
        train.append(y[:-h])
        test.append(y[-h:])
    keep = slice(None, max_series, every)
    return train[keep], test[keep], ids[keep], h, m


def network(model, train, test, ids, h, m):
    """Forecasts of every series from a panel model fitted through ``backtest_panel`` on the
    long data (one origin: the end of each training series)."""
    from forecastrnn import backtest_panel

    long = pd.concat([pd.DataFrame({"unique_id": k, "y": np.concatenate([a, b])})
                      for k, a, b in zip(ids, train, test)])
    table, fitted = backtest_panel({"model": model}, long, horizon=h, season_length=m, return_models=True)
    by_series = dict(tuple(table.groupby("unique_id", sort=False)["y_pred"]))
    return [by_series[k].to_numpy() for k in ids], fitted["model"]


def make_network(name, h, m, quick, settings, members, combine=None):
    from forecastrnn import CombinationForecaster, GlobalRNNForecaster

    params = {**dict(horizon=h, season_length=m, random_state=0, verbose=0), **settings}
    if quick:
        params.update(units=8, epochs=1, n_models=1)
    if name == "global_gru":
        return GlobalRNNForecaster(**params)
    if name == "combination":
        return CombinationForecaster(network=GlobalRNNForecaster(**params), baselines=members, season_length=m,
                                     horizon=h, n_jobs=2, **(combine or {}))
    raise SystemExit(f"unknown model {name!r}; expected one of {STATISTICAL + ('global_gru', 'combination')}")


def combination(model, train, ids, h):
    """The combination fitted on the training rows, and every way of combining its members
    (``METHODS``) from the same fit, plus each member alone: ``{row name: forecasts}``."""
    from forecastrnn.models.combination import METHODS

    history = pd.concat([pd.DataFrame({"unique_id": k, "y": a}) for k, a in zip(ids, train)])
    model.fit(history)
    keys, members = model.forecast_members(history, {k: [len(a)] for k, a in zip(ids, train)}, h)
    order = [keys.index(k) for k in ids]
    rows = {f"combination[{m}]" if m != model.method else "combination": model.combine_members(keys, members, m)[0]
            for m in METHODS}
    rows.update({f"  member {name}": out[0] for name, out in members.items()})
    return {name: [a[0, :, j] for j in order] for name, a in rows.items()}, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("FORECASTRNN_M3", "../shared/data/m3"),
                        help="folder of m3_yearly.csv, m3_quarterly.csv, m3_monthly.csv, m3_other.csv")
    parser.add_argument("--quick", action="store_true", help="4 series per category, tiny networks")
    parser.add_argument("--validation", action="store_true",
                        help="score on the last horizon of each training series, not the test set")
    parser.add_argument("--categories", default=",".join(CATEGORIES))
    parser.add_argument("--models", default="seasonal_naive,arima,ets,theta,global_gru,combination")
    parser.add_argument("--every", type=int, default=1, help="take every k-th series (a sample)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--members", default="theta,ets",
                        help="the baselines of the combination (comma-separated)")
    parser.add_argument("--combine", action="append", default=[], metavar="KEY=VALUE",
                        help="a CombinationForecaster setting, e.g. --combine time_budget=600 (repeatable)")
    parser.add_argument("--pretrained", default=None, metavar="DIR",
                        help="the folder of the `pretrained` model (benchmarks/pretrain.py --out) [default: shipped]")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a network setting, e.g. --set window=12 (repeatable)")
    args = parser.parse_args()
    print(machine())
    categories = args.categories.split(",")
    settings = parse_settings(args.set)
    split = "validation (last horizon of each training series)" if args.validation else "test"
    print(f"M3, {split}; per category sMAPE, then all series: sMAPE, MASE, OWA against Naive2\n"
          f"{'model':22s}" + "".join(f"{c:>10s}" for c in categories)
          + f"{'sMAPE':>9s}{'MASE':>8s}{'OWA':>7s}{'time':>8s}", flush=True)
    data = {c: read_m3(args.data, c, args.validation, args.every, 4 if args.quick else None) for c in categories}
    scores = {}  # model -> category -> (smape per series, mase per series)

    def score(name, category, preds):
        train, test, _, _, m = data[category]
        scores.setdefault(name, {})[category] = (
            np.array([smape(t, p) for t, p in zip(test, preds)]),
            np.array([mase(t, p, y, m) for t, p, y in zip(test, preds, train)]))

    def report(name, seconds, extra=""):
        s = np.concatenate([scores[name][c][0] for c in categories])
        q = np.concatenate([scores[name][c][1] for c in categories])
        ref_s = np.concatenate([scores["naive2"][c][0] for c in categories])
        ref_q = np.concatenate([scores["naive2"][c][1] for c in categories])
        owa = 0.5 * (s.mean() / ref_s.mean() + np.nanmean(q) / np.nanmean(ref_q))
        print(f"{name:22s}" + "".join(f"{scores[name][c][0].mean():10.2f}" for c in categories)
              + f"{s.mean():9.2f}{np.nanmean(q):8.3f}{owa:7.3f}{seconds:7.0f}s {extra}", flush=True)

    for name in ["naive2"] + [n for n in args.models.split(",") if n != "naive2"]:
        start, extras = time.perf_counter(), []
        for category in categories:
            train, test, ids, h, m = data[category]
            if name in STATISTICAL:
                preds, _, extra = run_statistical(name, train, m, h, args.n_jobs)
                extras.append(f"{category}: {extra}")
            elif name == "pretrained":  # zero-shot: the pretrained network, no training on M3
                from forecastrnn.models.pretrained import pretrained

                model = pretrained(args.pretrained)
                long = pd.concat([pd.DataFrame({"unique_id": k, "y": a}) for k, a in zip(ids, train)])
                out = model.predict(long, horizon=h, season_length=m)
                by_series = dict(tuple(out.groupby("unique_id", sort=False)["y"]))
                preds = [by_series[k].to_numpy() for k in ids]
                extras.append(f"{category}: pretrained on {model.info_.get('corpus')}, left out "
                              f"{model.info_.get('left_out')}")
            elif name == "combination":
                model = make_network(name, h, m, args.quick, settings, args.members.split(","),
                                     parse_settings(args.combine))
                rows, fitted = combination(model, train, ids, h)
                extras.append(f"{category}: {fitted.describe()}; network {fitted.network_.settings_}")
                for row, preds in rows.items():
                    score(row, category, preds)
                continue
            else:
                preds, fitted = network(make_network(name, h, m, args.quick, settings, None), train, test, ids, h, m)
                extras.append(f"{category}: {getattr(fitted, 'settings_', '')}")
            score(name, category, preds)
        for row in [r for r in scores if r == name or r.startswith(("combination[", "  member"))] if name == \
                "combination" else [name]:
            report(row, time.perf_counter() - start)
        for line in extras:
            print(f"    {line}", flush=True)
    if not args.validation and categories == list(CATEGORIES):
        for name, row in PUBLISHED.items():
            print(f"{name:22s}" + "".join(f"{v:10.2f}" for v in row[:4]) + f"{row[4]:9.2f}")


if __name__ == "__main__":
    main()

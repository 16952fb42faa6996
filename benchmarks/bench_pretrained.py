"""The pretrained forecaster against Naive2, ETS, Theta and a network trained from scratch.

For every dataset, each series' last ``h`` values are the test (M3: the competition's test;
M4 hourly: ``Hourly-test.csv``; ETTh1, airline: their last ``h`` rows); every
model sees only the rows before them. Rows:

- naive2, ets, theta: fitted on each series;
- pretrained: zero-shot, the network of ``--pretrained DIR`` (default: the shipped one);
- pretrained + fine-tuned: the same, trained further on the dataset's training rows;
- global GRU: ``GlobalRNNForecaster`` (defaults) trained from scratch on the dataset.

Mean sMAPE and MASE (season ``m``) per dataset. The honest version is leave-one-dataset-out:
``python benchmarks/pretrain.py --leave-out m3_monthly --out /tmp/loo-m3_monthly`` then
``--pretrained /tmp/loo-m3_monthly --datasets m3_monthly``; the shipped weights saw every
dataset's training rows (never its test rows).

    python benchmarks/bench_pretrained.py [--data ../shared/data] [--pretrained DIR]
        [--datasets m3_yearly,...] [--models naive2,ets,theta,pretrained,finetuned,global_gru] [--quick]
"""

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

from _common import machine, run_statistical

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = {  # name: (horizon, season length)
    "m3_yearly": (6, 1), "m3_quarterly": (8, 4), "m3_monthly": (18, 12), "m3_other": (8, 1),
    "m4_hourly": (48, 24), "etth1": (24, 24), "airline": (12, 12)}


def load(data, name, quick):
    """``(train, test, ids, h, m)``: lists of arrays (per series ``h`` and ``m`` for the collection)."""
    every = 40 if quick else 1
    if name.startswith("m3_"):
        sys.path.insert(0, HERE)
        from bench_m3 import read_m3

        train, test, ids, h, m = read_m3(os.path.join(data, "m3"), name[3:], every=every)
        return train, test, ids, h, m
    if name == "m4_hourly":
        train = pd.read_csv(os.path.join(data, "m4", "Hourly-train.csv"), index_col=0).iloc[::every * 10]
        test = pd.read_csv(os.path.join(data, "m4", "Hourly-test.csv"), index_col=0).loc[train.index]
        return ([r.dropna().to_numpy() for _, r in train.iterrows()], [r.dropna().to_numpy() for _, r in test.iterrows()],
                list(train.index), 48, 24)
    if name == "etth1":
        y = pd.read_csv(os.path.join(data, "ETTh1.csv"))["OT"].to_numpy()
        return [y[:-24]], [y[-24:]], ["OT"], 24, 24
    if name == "airline":
        y = pd.read_csv(os.path.join(data, "airline_passengers.csv")).iloc[:, -1].to_numpy("float64")
        return [y[:-12]], [y[-12:]], ["passengers"], 12, 12
    raise SystemExit(f"unknown dataset {name!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    parser.add_argument("--pretrained", default=None, metavar="DIR")
    parser.add_argument("--datasets", default="m3_yearly,m3_quarterly,m3_monthly,m3_other,m4_hourly")
    parser.add_argument("--models", default="naive2,ets,theta,pretrained,finetuned")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from forecastrnn import GlobalRNNForecaster
    from forecastrnn.evaluation import mase, smape
    from forecastrnn.models.pretrained import PretrainedForecaster

    print(machine(), flush=True)
    print(f"{'dataset':14s}{'model':22s}{'sMAPE':>8s}{'MASE':>8s}{'seconds':>9s}", flush=True)
    for dataset in args.datasets.split(","):
        train, test, ids, h, m = load(args.data, dataset, args.quick)
        long = pd.concat([pd.DataFrame({"unique_id": k, "y": y}) for k, y in zip(ids, train)])
        for model in args.models.split(","):
            start = time.perf_counter()
            if model in ("naive2", "ets", "theta"):
                preds = run_statistical(model, train, m, h)[0]
            elif model in ("pretrained", "finetuned"):
                forecaster = PretrainedForecaster(path=args.pretrained, season_length=m, fine_tune=model == "finetuned",
                                                  epochs=1 if args.quick else 10).fit(long)
                out = forecaster.predict(long, horizon=h)
                by_series = dict(tuple(out.groupby("unique_id", sort=False)["y"]))
                preds = [by_series[str(k)].to_numpy() for k in ids]
            elif model == "global_gru":
                net = GlobalRNNForecaster(horizon=h, season_length=m, random_state=0, verbose=0,
                                          **(dict(epochs=1, units=8) if args.quick else {})).fit(long)
                out = net.predict()
                by_series = dict(tuple(out.groupby("unique_id", sort=False)["y"]))
                preds = [by_series[str(k)].to_numpy() for k in ids]
            else:
                raise SystemExit(f"unknown model {model!r}")
            s = np.mean([smape(t, p) for t, p in zip(test, preds)])
            q = np.nanmean([mase(t, p, y, m) for t, p, y in zip(test, preds, train)])
            print(f"{dataset:14s}{model:22s}{s:8.2f}{q:8.3f}{time.perf_counter() - start:9.1f}", flush=True)


if __name__ == "__main__":
    main()

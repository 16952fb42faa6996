"""ETTh1 univariate accuracy (target OT) on the standard split, against the literature's protocol.

Split: rows [0, 8640) train, [8640, 11520) validation, [11520, 14400) test. Every model is
fitted on the first 11,520 rows (the networks early-stop on the validation rows) and forecasts
from every test origin (step 1) at horizons 24, 48 and 96. Errors are reported on the
z-normalised scale (mean and standard deviation of the training rows), as in Informer
(AAAI 2021, Table 1: h24 MSE 0.098 / MAE 0.247; LSTMa 0.114 / 0.272; ARIMA 0.108 / 0.284),
plus MAE in original units and MSE skill against the naive forecast.

``--validation`` scores the validation block instead (models fitted on the first 8,640 rows,
the networks early-stopping on the last 2,160 of them; the test rows are never read): where
settings are chosen. ``--ablate`` brings back a training change that validation removed (issue
33), to measure it again: ``zero_start`` (the output layer starts at zero, so the untrained
network is its anchor) or ``lr_schedule`` (the learning rate halved on plateaus);
comma-separated for both.

    python benchmarks/bench_etth1_accuracy.py [--quick] [--validation] [--horizons 24,48,96]
        [--epochs 20] [--models gru,combination] [--ablate zero_start,lr_schedule]
"""

import argparse
import json
import time

import numpy as np
from _common import machine

from forecastrnn import (ARIMAForecaster, CombinationForecaster, ETSForecaster, NaiveForecaster, RNNForecaster,
                         SeasonalNaiveForecaster)
from forecastrnn.datasets import load_dataset
from forecastrnn.evaluation import backtest

TRAIN, VAL, TEST = 8640, 2880, 2880


BASELINES = ("naive", "seasonal_naive", "arima", "ets")


ABLATIONS = ("zero_start", "lr_schedule")


def models(horizon, window, epochs, validation_size):
    # One network each, early stopping on the validation rows; no intervals are scored here,
    # so no rows are set apart for calibration.
    rnn = dict(window=window, horizon=horizon, units=32, epochs=epochs, patience=3, n_models=1, dropout=0.0,
               batch_size=64, validation_size=validation_size, calibration_size=0,
               random_state=0, verbose=0)
    return {
        "naive": NaiveForecaster(horizon=horizon),
        "seasonal_naive": SeasonalNaiveForecaster(horizon=horizon),
        "arima": ARIMAForecaster(horizon=horizon),
        "ets": ETSForecaster(horizon=horizon),
        "gru": RNNForecaster(cell="gru", **rnn),
        "lstm": RNNForecaster(cell="lstm", **rnn),
        "bigru": RNNForecaster(cell="gru", bidirectional=True, **rnn),
        "gru_recurrent_dropout": RNNForecaster(cell="gru", recurrent_dropout=0.2, **rnn),
        "gru_last_anchor": RNNForecaster(cell="gru", **{**rnn, "anchor": "last"}),
        "gru_x3": RNNForecaster(cell="gru", **{**rnn, "n_models": 3}),
        # The library's combination (its defaults: inverse validation errors on the last
        # horizon) of the GRU above with the automatic ARIMA and ETS. Not Theta: it is fitted
        # again from every origin, about 15 min for the ~2,850 origins of one horizon here.
        "combination": CombinationForecaster(RNNForecaster(cell="gru", **rnn), baselines=("arima", "ets"),
                                             horizon=horizon, season_length=24),
    }


def ablate(names):
    """Bring back the named training changes in this process (see the module docstring)."""
    from forecastrnn.models import base, builders

    unknown = set(names) - set(ABLATIONS)
    if unknown:
        raise SystemExit(f"--ablate takes {', '.join(ABLATIONS)}; received {sorted(unknown)}")
    if "zero_start" in names:
        builders.OUTPUT_START = "zeros"
    if "lr_schedule" in names:
        base.HALVE_ON_PLATEAU = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="short series, horizon 24, the baselines and a GRU, 1 epoch")
    parser.add_argument("--horizons", default="24,48,96")
    parser.add_argument("--window", type=int, default=168,
                        help="look-back of the networks (168 chosen on the validation rows over 96 and 336)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--json", default=None)
    parser.add_argument("--validation", action="store_true",
                        help="score the validation rows [8640, 11520); the test rows are never read")
    parser.add_argument("--ablate", default="", help="comma list of " + ", ".join(ABLATIONS))
    parser.add_argument("--models", default=None,
                        help="comma list of " + ", ".join(models(24, 96, 1, 0.25)) + " [default: all]")
    args = parser.parse_args()
    print(machine(), "| validation rows" if args.validation else "| test rows", "| ablated:", args.ablate or "none")
    if args.ablate:
        ablate(args.ablate.split(","))
    frame = load_dataset("etth1")[["OT"]]
    train, val, test = (TRAIN, VAL, TEST) if not args.quick else (800, 300, 72)
    if args.validation:  # the validation block plays the test: fitted on the training rows only
        train, val, test = train - train // 4, train // 4, val
    frame = frame.iloc[:train + val + test]
    horizons = [24] if args.quick else [int(h) for h in args.horizons.split(",")]
    sd = frame["OT"].iloc[:train].std()  # errors are differences: only the scale matters
    results = {}
    for h in horizons:
        start = time.perf_counter()
        chosen = models(h, args.window, 1 if args.quick else args.epochs, val if not args.quick else 0.25)
        if args.quick and not args.models:  # a smoke run: the baselines and one network
            chosen = {name: m for name, m in chosen.items() if name in BASELINES or name == "gru"}
        if args.models:
            chosen = {name: chosen[name] for name in ["naive", *args.models.split(",")]}
        table = backtest(chosen, frame,
                         horizon=h, n_windows=test - h + 1, step=1, level=None,
                         progress=lambda name: print(f"  h={h}: {name} ...", flush=True))
        rows = {}
        for name, part in table.groupby("model", sort=False):
            err = part.y_true.to_numpy() - part.y_pred.to_numpy()
            rows[name] = {"mse": float(np.mean((err / sd) ** 2)), "mae": float(np.mean(np.abs(err / sd))),
                          "mae_original": float(np.mean(np.abs(err)))}
        for name in rows:
            rows[name]["skill_mse_%"] = 100 * (1 - rows[name]["mse"] / rows["naive"]["mse"])
        results[h] = rows
        print(f"\nhorizon {h} ({test - h + 1} origins, {time.perf_counter() - start:.0f} s): "
              "normalised MSE / MAE, MAE in original units, MSE skill vs naive")
        for name, r in rows.items():
            print(f"  {name:22s} {r['mse']:.4f}  {r['mae']:.4f}  {r['mae_original']:.4f}  {r['skill_mse_%']:+6.1f}%")
        networks = [n for n in rows if n not in BASELINES and n != "combination"]
        if networks:
            best = min(networks, key=lambda n: rows[n]["mse"])
            strongest = min((n for n in rows if n in BASELINES), key=lambda n: rows[n]["mse"])
            verdict = "beats" if rows[best]["mse"] < rows[strongest]["mse"] else "does NOT beat"
            print(f"  lowest test MSE among the networks: {best}, which {verdict} the strongest baseline "
                  f"({strongest})", flush=True)
        if "combination" in rows:
            strongest = min((n for n in rows if n in BASELINES), key=lambda n: rows[n]["mse"])
            verdict = "beats" if rows["combination"]["mse"] < rows[strongest]["mse"] else "does NOT beat"
            print(f"  the combination {verdict} the strongest baseline ({strongest})", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()

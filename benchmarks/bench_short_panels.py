"""Panels whose series are short and ragged, end to end through ``forecastrnn fit --id-col``.

Real panels hold new stores and products launched last quarter. Every panel below goes
through exactly ``forecastrnn fit LONG.csv --id-col unique_id --horizon H`` with its defaults
(``--baselines none`` unless ``--baselines`` says otherwise) and must give a forecast for
every series; the script checks that, and prints the wall time, the window the defaults
chose, how many series were padded, and the notes the command printed.

* ``m3_yearly``: the 645 yearly series of M3 (20-47 rows, h6), with their years;
* ``m3_yearly_short``: the same, every third series cut to its first 7-19 rows (shortest 7);
* ``m3_quarterly``: the 756 quarterly series of M3 (24-72 rows, h8), with their quarters;
* ``weekly``: 120 synthetic weekly series of 60-900 rows (yearly season, trend, noise; h13):
  the default window (3 seasons, 156) is longer than most series.

    python benchmarks/bench_short_panels.py --data ../shared/data [--panels m3_yearly,weekly] [--quick]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from _common import machine

HORIZONS = {"m3_yearly": 6, "m3_yearly_short": 6, "m3_quarterly": 8, "weekly": 13}


def m3(path, freq):
    """An M3 sheet (one row per series: N, NF, ..., start year and period, values) as a long panel."""
    wide = pd.read_csv(path)
    parts = []
    for _, row in wide.iterrows():
        n = int(row["N"])
        values = row.iloc[6:6 + n].to_numpy(dtype="float64")
        year, period = int(row.iloc[4]), int(row.iloc[5]) if row.iloc[5] == row.iloc[5] else 1
        quarter = period if 1 <= period <= 4 else 1  # one series says quarter 9
        start = pd.Timestamp(year=max(year, 1800), month=3 * (quarter - 1) + 1 if freq == "QS" else 1, day=1)
        parts.append(pd.DataFrame({"unique_id": row["Series"], "ds": pd.date_range(start, periods=n, freq=freq),
                                   "y": values}))
    return pd.concat(parts, ignore_index=True)


def weekly(n_series, seed=0):
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_series):
        n = int(rng.integers(60, 900))
        t = np.arange(n)
        y = 100 + 0.05 * t + 10 * np.sin(2 * np.pi * t / 52 + rng.uniform(0, 6)) + 3 * rng.standard_normal(n)
        ds = pd.date_range(end="2024-12-29", periods=n, freq="W-SUN")
        parts.append(pd.DataFrame({"unique_id": f"W{i:03d}", "ds": ds, "y": y * rng.uniform(0.5, 5)}))
    return pd.concat(parts, ignore_index=True)


def build(name, data, quick):
    if name == "weekly":
        return weekly(12 if quick else 120)
    sheet = "m3_quarterly.csv" if name == "m3_quarterly" else "m3_yearly.csv"
    panel = m3(os.path.join(data, "m3", sheet), "QS" if name == "m3_quarterly" else "YS")
    if name == "m3_yearly_short":
        rng = np.random.default_rng(0)
        keep = []
        for k, (key, g) in enumerate(panel.groupby("unique_id", sort=False)):
            keep.append(g.iloc[:int(rng.integers(7, 20))] if k % 3 == 0 else g)
        panel = pd.concat(keep, ignore_index=True)
    if quick:
        panel = panel[panel.unique_id.isin(panel.unique_id.unique()[:30])]
    return panel


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join("..", "shared", "data"))
    parser.add_argument("--panels", default=",".join(HORIZONS))
    parser.add_argument("--baselines", default="none")
    parser.add_argument("--quick", action="store_true", help="30 series of each (12 weekly), 2 epochs, no combination")
    args = parser.parse_args()
    print(machine())
    rows = []
    for name in args.panels.split(","):
        panel = build(name, args.data, args.quick)
        lengths = panel.groupby("unique_id").size()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"{name}.csv")
            panel.to_csv(path, index=False)
            command = [sys.executable, "-m", "forecastrnn.cli", "fit", path, "--id-col", "unique_id",
                       "--horizon", str(HORIZONS[name]), "--baselines", args.baselines, "--out",
                       os.path.join(tmp, "run")] + (["--epochs", "2", "--n-models", "1", "--no-combination"]
                                                     if args.quick else [])
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
            seconds = time.perf_counter() - start
            if done.returncode:
                print(done.stdout[-2000:], done.stderr[-2000:])
                raise SystemExit(f"{name}: forecastrnn fit failed (exit {done.returncode})")
            forecast = pd.read_csv(os.path.join(tmp, "run", "forecast.csv"))
            with open(os.path.join(tmp, "run", "run.json"), encoding="utf-8") as fh:
                network = json.load(fh)["network"]
            metrics = pd.read_json(os.path.join(tmp, "run", "metrics.json")).T
        counts = forecast.groupby("unique_id").size()
        complete = set(counts[counts == HORIZONS[name]].index) == set(lengths.index)
        finite = bool(np.isfinite(forecast["y"]).all())
        notes = [line for line in done.stderr.splitlines() if line.startswith("Note:")]
        rows.append({"panel": name, "series": len(lengths), "rows": f"{lengths.min()}-{lengths.max()}",
                     "h": HORIZONS[name], "window": network["window"], "padded": network.get("padded_series"),
                     "every_series_forecast": complete and finite, "gru_mase": metrics.loc["gru", "mase"],
                     "seconds": round(seconds)})
        print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
        for note in notes:
            print("  " + note)
        if not (complete and finite):
            raise SystemExit(f"{name}: not every series got a finite forecast")
    print("\n" + pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()

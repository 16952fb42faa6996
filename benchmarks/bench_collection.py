"""Does the default recurrent model earn its place? ``forecastrnn backtest`` on many real series.

Every series of ``../shared/data/collection/`` (daily, monthly, yearly, hourly; each has a
``.names`` file with its source), plus ETTh1 ``OT``, the airline passengers and the first 20
M4 hourly series (train and test rows joined into one history). Each goes through exactly
the code path and defaults of ``forecastrnn backtest FILE``: the command's own options are
parsed by click with nothing but the file (and ``--target`` where a file holds several
columns), and ``forecastrnn.cli._run_comparison`` runs the backtest.

Three collection files are messy on purpose: their timestamps are rebuilt here, as a user
would before the reader understands them (the real-world-inputs issue):
``monthly-shampoo-sales`` and ``monthly-writing-paper-sales`` write months as ``Y-MM`` with
year 1, 2, ...; ``pollution`` keeps its date in year/month/day/hour columns.

A series the network cannot be trained on (too few rows for its window, validation and
calibration pieces) is reported as a failure of the network. Per series: the MASE of every model, the RNN's rank, its 90 % interval coverage. Summary:
mean MASE rank per model, the series where the RNN loses to the best of naive and seasonal
naive by more than 10 % MASE, and the mean coverage.

    python benchmarks/bench_collection.py --data ../shared/data [--only NAME] [--quick]
"""

import argparse
import contextlib
import io
import os
import tempfile
import time

import numpy as np
import pandas as pd
from _common import machine

M4_SERIES = 20


def collection_files(data, folder):
    """(name, csv path, extra CLI args) for every series, messy timestamps rebuilt in ``folder``."""
    coll = os.path.join(data, "collection")
    out = []
    for file in sorted(os.listdir(coll)):
        if not file.endswith(".csv"):
            continue
        name, path = file[:-4], os.path.join(coll, file)
        if name in ("monthly-shampoo-sales", "monthly-writing-paper-sales"):
            frame = pd.read_csv(path)
            year_month = frame.iloc[:, 0].str.split("-", expand=True).astype(int)
            frame.iloc[:, 0] = [f"{2000 + y}-{m:02d}-01" for y, m in year_month.itertuples(index=False)]
            path = os.path.join(folder, file)
            frame.to_csv(path, index=False)
        elif name == "pollution":
            frame = pd.read_csv(path, na_values=["NA"])
            frame.insert(0, "time", pd.to_datetime(frame[["year", "month", "day", "hour"]]))
            frame = frame[["time", "pm2.5", "DEWP", "TEMP", "PRES", "Iws"]]
            path = os.path.join(folder, file)
            frame.to_csv(path, index=False)
            out.append((name, path, ["--target", "pm2.5"]))
            continue
        out.append((name, path, []))
    return out


def other_files(data, folder):
    out = [("ETTh1-OT", os.path.join(data, "ETTh1.csv"), ["--target", "OT"]),
           ("airline", os.path.join(data, "airline_passengers.csv"), [])]
    train = pd.read_csv(os.path.join(data, "m4", "Hourly-train.csv"), index_col=0).iloc[:M4_SERIES]
    test = pd.read_csv(os.path.join(data, "m4", "Hourly-test.csv"), index_col=0).loc[train.index]
    for sid in train.index:
        y = np.concatenate([train.loc[sid].dropna().to_numpy(), test.loc[sid].dropna().to_numpy()])
        path = os.path.join(folder, f"m4-{sid}.csv")
        pd.DataFrame({"time": pd.date_range("2000-01-01", periods=len(y), freq="h"), "y": y}).to_csv(path, index=False)
        out.append((f"m4-{sid}", path, []))
    return out


def run_one(path, extra, quick):
    """``forecastrnn backtest PATH EXTRA --quiet`` in this process; returns the summary table."""
    from forecastrnn.cli import _run_comparison, backtest_cmd

    args = [path, *extra, "--quiet"] + (["--epochs", "2", "--n-models", "1", "--no-combination"] if quick else [])
    with backtest_cmd.make_context("backtest", args) as ctx:
        opts = ctx.params
    with contextlib.redirect_stdout(io.StringIO()):
        _, settings, _, summary, rnn, _, _ = _run_comparison(opts)
    return summary, settings, rnn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join("..", "shared", "data"))
    parser.add_argument("--only", nargs="*", help="Run only these series names.")
    parser.add_argument("--quick", action="store_true", help="2 epochs, one network, no combination, first 3 series.")
    parser.add_argument("--out", default=None, help="CSV of per-series results.")
    parser.add_argument("--cli-args", default="", help='Extra backtest options for ablations, e.g. "--n-models 1".')
    args = parser.parse_args()
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        series = collection_files(args.data, folder) + other_files(args.data, folder)
        if args.only:
            series = [s for s in series if s[0] in args.only]
        if args.quick:
            series = series[:3]
        rows = []
        for name, path, extra in series:
            start = time.perf_counter()
            try:
                summary, settings, rnn = run_one(path, [*extra, *args.cli_args.split()], args.quick)
            except ValueError as exc:  # counted as a loss of the network, never hidden
                print(f"{name:32s} FAILED: {str(exc).splitlines()[0]}", flush=True)
                rows.append({"series": name, "failed": str(exc).splitlines()[0]})
                continue
            mase = summary["mase"]
            row = {"series": name, "rows": settings["train_rows"] + settings["test_rows"],
                   "horizon": settings["horizon"], "origins": settings["n_windows"],
                   **{f"mase_{m}": v for m, v in mase.items()},
                   "rnn_rank": int(mase.rank(method="min")[rnn.name]),
                   "rnn_coverage": summary.loc[rnn.name, "coverage"], "anchor": rnn.settings_["anchor"],
                   "n_models": rnn.settings_["n_models"], "seconds": time.perf_counter() - start}
            rows.append(row)
            print(f"{name:32s} " + " ".join(f"{m}={v:.3f}" for m, v in mase.items())
                  + f" | rank {row['rnn_rank']} coverage {row['rnn_coverage']:.2f} anchor {row['anchor']} "
                  f"k={row['n_models']} {row['seconds']:.0f}s", flush=True)
    table = pd.DataFrame(rows)
    if args.out:
        table.to_csv(args.out, index=False)
    report(table, "gru")


def report(table, rnn_name):
    if "failed" in table:
        failed = table[table["failed"].notna()]
        print(f"\nNo backtest (too few rows for the default plan or the network) on {len(failed)} series: "
              f"{failed.series.tolist()}")
        table = table[table["failed"].isna()]
    mase = table[[c for c in table if c.startswith("mase_")]]
    mase.columns = [c[5:] for c in mase.columns]
    ranks = mase.rank(axis=1, method="min").mean().sort_values()
    print("\nMean MASE rank (1 = best), mean MASE:")
    print(pd.DataFrame({"rank": ranks, "mase": mase.mean()[ranks.index]}).to_string(float_format=lambda v: f"{v:.3f}"))
    simple = mase[[c for c in ("naive", "seasonal_naive") if c in mase]].min(axis=1)
    losses = table.series[mase[rnn_name] > 1.1 * simple].tolist()
    print(f"\nSeries where {rnn_name} loses to the best of naive/seasonal naive by > 10 % MASE: "
          f"{len(losses)} {losses}")
    best = mase.drop(columns=[c for c in (rnn_name, "combination") if c in mase]).min(axis=1)
    print(f"{rnn_name} best of all models on {(mase[rnn_name] <= best).sum()} of {len(mase)} series; "
          f"mean MASE {rnn_name} {mase[rnn_name].mean():.3f}, best baseline per series {best.mean():.3f}")
    print(f"Mean 90 % interval coverage of {rnn_name}: {table.rnn_coverage.mean():.3f} "
          f"(per series {table.rnn_coverage.min():.2f} .. {table.rnn_coverage.max():.2f}); "
          f"total {table.seconds.sum() / 60:.1f} min")


if __name__ == "__main__":
    main()

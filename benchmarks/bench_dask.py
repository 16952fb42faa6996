"""Per-series baselines of M4 hourly: serial, joblib processes and a Dask LocalCluster.

The same ``backtest_panel`` call (the last 48 hours of each series, season 24) three ways:
one process; ``n_jobs`` local processes (joblib); a ``LocalCluster`` of ``n_jobs`` worker
processes (one thread each) through ``client=``. It checks that the three tables are
the same (exactly, or to the last digits that BLAS threading in other processes may
change) and reports the wall times, the speed-up over serial and the Dask path's overhead:
``workers x dask_time / serial_time - 1``, the share of work-time not spent on the fits
(scheduling, sending the series, gathering), 0 for perfect scaling. The cluster's start-up is
timed apart.

    python benchmarks/bench_dask.py --models arima,ets,theta --every 4
"""

import argparse
import time

import pandas as pd
from _common import machine


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", default="benchmarks/data/m4_hourly_long.csv",
                        help="M4 hourly in long format (written by bench_m4_hourly.py)")
    parser.add_argument("--models", default="arima,ets,theta")
    parser.add_argument("--every", type=int, default=1, help="take every k-th series")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="6 synthetic series, naive2 and theta")
    args = parser.parse_args()

    from distributed import Client, LocalCluster, get_task_stream

    from forecastrnn import backtest_panel
    from forecastrnn.evaluation import default_baselines

    if args.quick:
        import numpy as np

        t = np.arange(200)
        data = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "y": 10 + np.sin(2 * np.pi * (t + i) / 24)})
                          for i in range(6)], ignore_index=True)
        args.models = "naive2,theta"
    else:
        data = pd.read_csv(args.long)
        keep = list(dict.fromkeys(data.unique_id))[::args.every]
        data = data[data.unique_id.isin(keep)]
    models = default_baselines(args.models.split(","), 48, 24)
    n_series = data.unique_id.nunique()
    print(machine())
    print(f"{n_series} series, models {', '.join(models)}, horizon 48, {args.n_jobs} workers\n")

    def run(**engine):
        start = time.perf_counter()
        table = backtest_panel(models, data, horizon=48, season_length=24, **engine)
        return table, time.perf_counter() - start

    def same(table):  # exactly equal, and the largest relative difference of the forecasts
        cols = ["y_pred", "lower", "upper"]
        diff = ((table[cols] - serial[cols]).abs() / serial[cols].abs().clip(lower=1e-12)).max().max()
        return f"identical: {table.equals(serial)} (max relative difference {diff:.1e})", diff

    serial, t_serial = run()
    print(f"serial           {t_serial:8.1f} s  ({t_serial / n_series:.3f} s/series)")
    local, t_local = run(n_jobs=args.n_jobs)
    print(f"joblib n_jobs={args.n_jobs}  {t_local:8.1f} s  speed-up {t_serial / t_local:.2f}x  {same(local)[0]}")
    start = time.perf_counter()
    with LocalCluster(n_workers=args.n_jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        t_start = time.perf_counter() - start
        with get_task_stream(client) as stream:
            on_dask, t_dask = run(client=client)
    busy = sum(part["stop"] - part["start"] for task in stream.data for part in task["startstops"]
               if part["action"] == "compute")
    overhead = args.n_jobs * t_dask / t_serial - 1
    print(f"dask {args.n_jobs} workers   {t_dask:8.1f} s  speed-up {t_serial / t_dask:.2f}x  "
          f"{same(on_dask)[0]}  overhead {100 * overhead:+.1f} %  (cluster start {t_start:.1f} s, not included)")
    print(f"  Dask: {len(stream.data)} tasks; workers computing {busy:.1f} s of {args.n_jobs} x {t_dask:.1f} s "
          f"({100 * busy / (args.n_jobs * t_dask):.0f} % busy); the same fits took {t_serial:.1f} s serially")
    if max(same(local)[1], same(on_dask)[1]) > 1e-6:
        raise SystemExit("The parallel tables differ from the serial one")


if __name__ == "__main__":
    main()

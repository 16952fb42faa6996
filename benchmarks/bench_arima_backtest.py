"""ARIMA rolling-origin backtest on ETTh1 ``OT``: state update (no refit) vs refit at every origin.

Both paths use the same automatically chosen order (selected once on the data before the
first origin) so the comparison isolates re-estimation. Prints time and MASE of each, and how
many rows the order search and estimation really used (``max_fit_rows``, default 2,000).

    python benchmarks/bench_arima_backtest.py [--quick] [--origins 100] [--horizon 24]
"""

import argparse
import time

from forecastrnn.baselines import ARIMAForecaster
from forecastrnn.datasets import load_dataset
from forecastrnn.evaluation import backtest, summarize


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 origins on 1,500 rows")
    parser.add_argument("--origins", type=int, default=100)
    parser.add_argument("--horizon", type=int, default=24)
    args = parser.parse_args()
    frame = load_dataset("etth1")[["OT"]]
    n_origins = 3 if args.quick else args.origins
    if args.quick:
        frame = frame.iloc[:1500]
    first = len(frame) - (args.horizon + n_origins - 1)
    start = time.perf_counter()
    auto = ARIMAForecaster(horizon=args.horizon).fit(frame.iloc[:first])
    info = auto.fit_info_["OT"]
    order, seasonal = info["order"], info["seasonal_order"]
    print(f"order search and fit on the last {info['fit_rows']} of the {first} rows before the first "
          f"origin (max_fit_rows), state run over all of them: {time.perf_counter() - start:.1f} s -> "
          f"{auto.describe()}")
    model = ARIMAForecaster(order=order, seasonal_order=seasonal if seasonal[3] else None,
                            fourier_seasons=auto.states_[0]["fourier"] or None, horizon=args.horizon)
    rows = {}
    for refit in (False, True):
        start = time.perf_counter()
        table = backtest(model, frame, args.horizon, n_windows=n_origins, step=1, refit=refit, level=0.9)
        seconds = time.perf_counter() - start
        summary = summarize(table, frame.iloc[:first])
        rows[refit] = (seconds, summary.loc["arima", "mase"], summary.loc["arima", "mae"])
        label = "refit every origin" if refit else "no refit (state update)"
        print(f"{label:26s} {seconds:8.1f} s   MASE {rows[refit][1]:.4f}   MAE {rows[refit][2]:.4f}")
    print(f"speed-up without refit: {rows[True][0] / rows[False][0]:.1f}x over {n_origins} origins, "
          f"horizon {args.horizon}")


if __name__ == "__main__":
    main()

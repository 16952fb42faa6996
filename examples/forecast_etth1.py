"""GRU against naive, seasonal naive, ARIMA, ETS and Theta on the bundled ETTh1 data (target OT).

    python examples/forecast_etth1.py              # about 3 minutes on 2 cores
    python examples/forecast_etth1.py --quick      # a smoke run on the last 2,000 rows
"""

import argparse

import forecastrnn as frnn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="last 2,000 rows, 1 epoch, 2 origins")
    args = parser.parse_args()

    frame = frnn.load_dataset("etth1")
    if args.quick:
        frame = frame.iloc[-2000:]
    gru = frnn.RNNForecaster(cell="gru", units=32, dropout=0.1, window=96, horizon=24,
                             epochs=1 if args.quick else args.epochs, n_models=1 if args.quick else "auto",
                             random_state=0, verbose=2)
    summary = frnn.compare(frame, gru, target="OT", horizon=24, n_windows=2 if args.quick else 10,
                           combination=not args.quick,  # the network and the baselines weighted on validation
                           progress=lambda name: print(f"backtesting {name} ..."))
    print(summary.round(4).to_string())
    best = summary.index[0]
    print(f"\nbest by MASE: {best}; GRU skill over naive: {summary.loc['gru', 'skill_%']:.1f}%")


if __name__ == "__main__":
    main()

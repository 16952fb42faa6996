"""Monthly airline passengers: a GRU against ARIMA, ETS and Theta on the last 3 years, with a plot.

    python examples/airline_arima_vs_gru.py --plot airline.png
"""

import argparse

import forecastrnn as frnn
from forecastrnn.evaluation import backtest, summarize
from forecastrnn.plotting import plot_forecast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--plot", default="airline_arima_vs_gru.png")
    parser.add_argument("--quick", action="store_true", help="2 epochs")
    args = parser.parse_args()

    frame = frnn.load_dataset("airline")
    models = {
        "arima": frnn.ARIMAForecaster(horizon=12),
        # Small data: a log-like scale and a larger learning rate help the network.
        "gru": frnn.RNNForecaster(cell="gru", units=16, window=24, horizon=12, scaler="minmax",
                                  learning_rate=0.01, epochs=2 if args.quick else args.epochs,
                                  patience=20, random_state=0, verbose=0),
        "seasonal_naive": frnn.SeasonalNaiveForecaster(horizon=12),
        "ets": frnn.ETSForecaster(horizon=12),
        "theta": frnn.ThetaForecaster(horizon=12),
    }
    table = backtest(models, frame, horizon=12, n_windows=3, step=12)
    print(summarize(table, frame.iloc[:table.attrs["first_origin"]]).round(3).to_string())
    plot_forecast(frame["passengers"], table, tail=len(frame), path=args.plot)
    print(f"plot written to {args.plot}")


if __name__ == "__main__":
    main()

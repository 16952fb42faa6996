"""Monthly airline passengers: a GRU against ARIMA, ETS and Theta on the last 3 years, with a plot.

    python examples/airline_arima_vs_gru.py --plot airline.png
"""

import argparse

import forecastrnn as frnn
from forecastrnn.evaluation import backtest, summarize
from forecastrnn.plotting import plot_forecast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default="airline_arima_vs_gru.png")
    parser.add_argument("--quick", action="store_true", help="one network, 2 epochs")
    args = parser.parse_args()

    frame = frnn.load_dataset("airline")
    models = {
        "arima": frnn.ARIMAForecaster(horizon=12),
        # The defaults fit the data: an ensemble of 5 GRUs correcting the simple forecast that
        # does best on the training rows (see model.settings_ after fitting).
        "gru": frnn.RNNForecaster(cell="gru", horizon=12, random_state=0, verbose=0,
                                  **(dict(epochs=2, n_models=1) if args.quick else {})),
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

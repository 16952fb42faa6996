"""Helpers shared by the benchmark scripts."""

import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def machine() -> str:
    """One line naming the machine and library versions, for the reports (rows of classical
    models alone run without TensorFlow: then it says so)."""
    head = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
    try:
        import keras
        import tensorflow as tf
    except ImportError:
        return head + f"no TensorFlow, {time.strftime('%Y-%m-%d')}"
    return (head + f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
            f"GPU: {bool(tf.config.list_physical_devices('GPU'))}, {time.strftime('%Y-%m-%d')}")


def epoch_timer():
    """A Keras callback recording the wall time of every epoch in ``.seconds``."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def statistical(name: str, season_length: int, horizon: int):
    """A classical forecaster by its benchmark name (``naive2``, ``seasonal_naive``, ``arima``,
    ``arima_ml``, ``arima_order5``, ``arima_fourier``, ``ets``, ``theta``)."""
    from forecastrnn.baselines import (ARIMAForecaster, ETSForecaster, Naive2Forecaster,
                                       SeasonalNaiveForecaster, ThetaForecaster)

    m, h = season_length, horizon
    return {"naive2": lambda: Naive2Forecaster(season_length=m, horizon=h),
            "seasonal_naive": lambda: SeasonalNaiveForecaster(season_length=m, horizon=h),
            "arima": lambda: ARIMAForecaster(season_length=m, horizon=h),
            "arima_ml": lambda: ARIMAForecaster(season_length=m, horizon=h, method="css-ml"),
            "arima_order5": lambda: ARIMAForecaster(season_length=m, horizon=h, max_order=5),
            "arima_fourier": lambda: ARIMAForecaster(season_length=1, fourier_seasons=[m], horizon=h),
            "ets": lambda: ETSForecaster(season_length=m, horizon=h),
            "theta": lambda: ThetaForecaster(season_length=m, horizon=h)}[name]()


STATISTICAL = ("naive2", "seasonal_naive", "arima", "arima_ml", "arima_fourier", "arima_order5", "ets", "theta")


def fit_statistical(name: str, y, season_length: int, horizon: int):
    """Forecast of one series, fit seconds and whether the fit failed (then Naive2 stands in,
    and the failure is counted, never hidden)."""
    import warnings

    import numpy as np

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            forecast = statistical(name, season_length, horizon).fit(y).predict()["y"].to_numpy()
            return forecast, time.perf_counter() - start, False
        except (ValueError, np.linalg.LinAlgError):
            forecast = statistical("naive2", season_length, horizon).fit(y).predict()["y"].to_numpy()
            return forecast, time.perf_counter() - start, True


def run_statistical(name: str, train, season_length: int, horizon: int, n_jobs: int = 2):
    """Forecasts of every series in parallel processes, wall seconds and a line of fit times."""
    import numpy as np
    from joblib import Parallel, delayed

    start = time.perf_counter()
    outs = Parallel(n_jobs=n_jobs)(delayed(fit_statistical)(name, y, season_length, horizon) for y in train)
    seconds = time.perf_counter() - start
    fits = np.array([o[1] for o in outs])
    extra = (f"fit {fits.mean():.2f} s/series (median {np.median(fits):.2f}, max {fits.max():.1f} "
             f"on series {int(np.argmax(fits))}), {sum(o[2] for o in outs)} failed fit(s)")
    return [o[0] for o in outs], seconds, extra


def parse_settings(pairs):
    """``["normalize=window", "n_models=3"]`` -> keyword arguments (numbers parsed)."""
    out = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            out[key] = int(value)
        except ValueError:
            try:
                out[key] = float(value)
            except ValueError:
                out[key] = None if value == "None" else value
    return out

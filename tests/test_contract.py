"""The contract every estimator keeps, applied to each of them.

Forecasters: clone, an unfitted model says so, ``fit`` returns ``self``, ``predict()`` is the
forecast from the last origin (``forecast_origins``), ``predict(level=...)`` equals
``predict_interval``, capabilities are declared and ``min_history`` holds, save/load gives
the same forecasts, and for the networks another seed gives another forecast.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from forecastrnn import (ARIMAForecaster, DriftForecaster, ETSForecaster, GlobalRNNForecaster, Naive2Forecaster,
                         NaiveForecaster, RNNForecaster, SeasonalNaiveForecaster, SentimentClassifier,
                         ThetaForecaster)

H = 6
NET = dict(units=4, window=24, horizon=H, epochs=1, batch_size=64, verbose=0, jit_compile=False, mc_samples=4,
           n_models=1, random_state=0)


def series(n=240, seed=0):
    """Hourly daily cycle with noise and a slow trend: every model has something to fit."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 20 + 0.01 * t + 3 * np.sin(2 * np.pi * t / 24) + 0.3 * rng.standard_normal(n)
    return pd.DataFrame({"y": y}, index=pd.date_range("2024-03-01", periods=n, freq="h"))


FORECASTERS = {
    "naive": lambda **kw: NaiveForecaster(horizon=H),
    "seasonal_naive": lambda **kw: SeasonalNaiveForecaster(horizon=H),
    "drift": lambda **kw: DriftForecaster(horizon=H),
    "naive2": lambda **kw: Naive2Forecaster(horizon=H),
    "arima": lambda **kw: ARIMAForecaster(horizon=H),
    "ets": lambda **kw: ETSForecaster(horizon=H),
    "theta": lambda **kw: ThetaForecaster(horizon=H),
    "rnn": lambda **kw: RNNForecaster(**{**NET, **kw}),
}
NETWORKS = {"rnn"}


def _same(a, b):
    pd.testing.assert_frame_equal(a, b, check_freq=False, rtol=1e-6)


@pytest.mark.parametrize("name", list(FORECASTERS))
def test_forecaster_contract(name, tmp_path):
    make, data = FORECASTERS[name], series()
    model = make()
    twin = clone(model)
    assert twin.get_params() == model.get_params() and twin is not model
    for attr in ("supports_intervals", "supports_panels", "supports_covariates"):
        assert isinstance(getattr(model, attr), bool), attr
    assert isinstance(model.min_history, int) and model.min_history >= 1
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.save(tmp_path / "unfitted")
    with pytest.raises(ValueError):  # one row fewer than it declares
        make().fit(data.iloc[:model.min_history - 1])

    assert model.fit(data) is model
    forecast = model.predict()
    expected_index = pd.date_range(data.index[-1], periods=H + 1, freq="h")[1:]
    pd.testing.assert_index_equal(forecast.index, expected_index, check_names=False)
    assert list(forecast.columns) == ["y"] and np.isfinite(forecast.to_numpy()).all()
    point, _, _ = model.forecast_origins(data, [len(data)])
    np.testing.assert_allclose(forecast["y"], point[0, :, 0], rtol=1e-6)

    interval = model.predict(level=0.8)
    _same(interval, model.predict_interval(level=0.8))
    assert list(interval.columns) == ["y", "y_lower", "y_upper"]
    np.testing.assert_allclose(interval["y"], forecast["y"], rtol=1e-6)
    assert (interval["y_lower"] <= interval["y"]).all() and (interval["y"] <= interval["y_upper"]).all()
    assert (interval["y_upper"] > interval["y_lower"]).any()

    path = model.save(tmp_path / name)
    loaded = type(model).load(path)
    assert loaded.get_params() == model.get_params()
    _same(loaded.predict(level=0.8), interval)
    _same(loaded.predict(data.iloc[:-10]), model.predict(data.iloc[:-10]))
    with pytest.raises(FileExistsError):
        model.save(path)

    if name in NETWORKS:  # no validation rows, so no fall-back to the anchor, which would hide the weights
        one, other = (make(random_state=seed, validation_size=0).fit(data).predict() for seed in (0, 1))
        assert not np.allclose(other["y"], one["y"])


def test_global_forecaster_contract(tmp_path):
    data = series(300)
    panel = {"a": data["y"], "b": 3 * data["y"].iloc[40:] + 7}
    model = GlobalRNNForecaster(**NET)
    assert clone(model).get_params() == model.get_params()
    assert model.supports_panels and model.supports_intervals and model.supports_covariates
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict()
    assert model.fit(panel) is model
    forecast = model.predict()
    assert list(forecast.columns) == ["unique_id", "ds", "y"] and len(forecast) == 2 * H
    future = pd.date_range(data.index[-1], periods=H + 1, freq="h")[1:]
    for key in ("a", "b"):
        ds = pd.DatetimeIndex(forecast.loc[forecast.unique_id == key, "ds"])
        assert ds.tolist() == future.tolist()
    _same(model.predict(panel), forecast)  # the default origin is the end of the training series
    bounds = model.predict(level=0.8)
    _same(bounds[["unique_id", "ds", "y"]], forecast)
    assert (bounds.y_lower < bounds.y).all() and (bounds.y < bounds.y_upper).all()
    _same(model.predict_interval(level=0.8), bounds)
    with pytest.raises(ValueError, match="need long-format data"):
        GlobalRNNForecaster(**NET).fit(panel, features=["x"])
    path = model.save(tmp_path / "global")
    _same(GlobalRNNForecaster.load(path).predict(level=0.8), bounds)
    # no validation rows, so no fall-back to the anchor, which would hide the weights
    one, other = (GlobalRNNForecaster(**{**NET, "random_state": seed, "validation_size": 0}).fit(panel).predict()
                  for seed in (0, 1))
    assert not np.allclose(other["y"], one["y"])


def test_sentiment_classifier_contract(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(1, 50, size=(40, 12)).astype("int32")
    x[:, 8:] = 0  # post-padding
    y = (x[:, 0] > 25).astype("int64")
    params = dict(units=4, embedding_dim=4, num_words=50, epochs=1, batch_size=16, verbose=0)
    model = SentimentClassifier(**params, random_state=0)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict(x)
    assert model.fit(x, y) is model
    proba = model.predict_proba(x)
    loaded = SentimentClassifier.load(model.save(tmp_path / "clf"))
    np.testing.assert_allclose(loaded.predict_proba(x), proba, rtol=1e-6)
    other = SentimentClassifier(**params, random_state=1).fit(x, y).predict_proba(x)
    assert not np.allclose(other, proba)


# -------------------------------------------------------------- the one network core, both ways
def _one(data):
    return data  # one series, a read_series frame


def _panel_of(data):
    return pd.concat([data.assign(unique_id=k, y=data.y * (1 + k) + k) for k in range(3)]).reset_index(
        names="ds")


def _with_promo(data):
    return data.assign(promo=(np.arange(len(data)) % 5 == 0).astype(float))


CORE_CASES = {  # estimator, reading of the data, fit arguments
    "rnn, one series": (RNNForecaster, _one, {}),
    "global, one series": (GlobalRNNForecaster, lambda d: {"s": d["y"]}, {}),
    "global, many series": (GlobalRNNForecaster, _panel_of, {}),
}
OPTIONS = [
    {},  # every default ("auto")
    {"anchor": "auto", "normalize": "last", "n_models": 2, "interval_scale": "spread", "dropout": 0.2,
     "calendar": None},
    {"normalize": "window", "target_transform": "log", "interval_scale": "window", "loss_scale": "window",
     "season_length": 12, "calendar": "auto"},
]


# Every option set on each estimator; the global model on one series only with its defaults and the
# spread set (what differs there is the reading, not the options): 8 fits keep the suite short.
CORE_RUNS = [(case, options) for case in CORE_CASES for options in OPTIONS
             if case != "global, one series" or options is not OPTIONS[2]]


@pytest.mark.slow
@pytest.mark.parametrize("case, options", CORE_RUNS, ids=lambda o: ",".join(o) or "defaults" if isinstance(o, dict) else o)
def test_both_network_estimators_take_every_option_the_same_way(case, options, tmp_path):
    cls, shape, _ = CORE_CASES[case]
    data = shape(series(240))
    model = cls(**{**NET, **options}).fit(data)
    for name in ("normalize", "interval_scale"):
        assert model.settings_[name] == options.get(name, model.settings_[name]) != "auto"
    forecast = model.predict(level=0.8)
    value = "y"
    assert np.isfinite(forecast[value]).all() and (forecast[f"{value}_lower"] <= forecast[f"{value}_upper"]).all()
    loaded = cls.load(model.save(tmp_path / "m"))
    _same(loaded.predict(level=0.8), forecast)
    refitted = model.refit(data)  # every row, the chosen settings, the same calibration
    assert refitted.settings_["normalize"] == model.settings_["normalize"]
    np.testing.assert_array_equal(refitted.calibration_scores_, model.calibration_scores_)
    model.update(data)
    _same(model.predict(level=0.8), forecast)
    # the same defaults and names on both estimators
    assert RNNForecaster().get_params() == GlobalRNNForecaster().get_params()


def test_known_future_inputs_work_on_one_series_too():
    data = _with_promo(series(240))
    model = RNNForecaster(**NET).fit(data, target="y", known_future=["promo"])
    assert model.known_future_ == ["promo"] and model.features_ == []
    with pytest.raises(ValueError, match="needs the future values of \\['promo'\\]"):
        model.predict()
    future = pd.DataFrame({"promo": [1.0] * H}, index=pd.date_range(data.index[-1], periods=H + 1, freq="h")[1:])
    assert np.isfinite(model.predict(future=future).y).all()
    late = future.set_axis(future.index + pd.Timedelta("1h"))  # matched by time, not position
    with pytest.raises(ValueError, match="matched by time"):
        model.predict(future=late)
    # a shorter forecast needs its own steps only; the network reads all H, the rest as the last given
    future["promo"] = np.arange(H) % 2.0
    with pytest.warns(RuntimeWarning, match="for 2 of the 6 steps the network reads"):
        two = model.predict(horizon=2, future=future.iloc[:2])
    carried = future.assign(promo=[0.0] + [1.0] * (H - 1))
    pd.testing.assert_frame_equal(two, model.predict(future=carried).iloc[:2])
    with pytest.raises(ValueError, match=r"for each of the next 3 steps \(matched by time\). Received: 2 of them"):
        model.predict(horizon=3, future=future.iloc[:2])


def test_a_text_column_known_ahead_is_read_as_indicators_in_fit_and_in_the_future_table():
    data = series(240).assign(campaign=np.where(np.arange(240) % 7 == 0, "tv", "radio"))
    model = RNNForecaster(**NET).fit(data, target="y", known_future=["campaign"])  # was a KeyError
    assert model.known_future_ == ["campaign=radio", "campaign=tv"] and model.features_ == []
    after = pd.date_range(data.index[-1], periods=H + 1, freq="h")[1:]
    future = pd.DataFrame({"campaign": ["tv"] + ["radio"] * (H - 1)}, index=after)  # as the data writes it
    assert np.isfinite(model.predict(future=future).y).all()
    with pytest.raises(ValueError, match="must give .* for each of the next"):
        model.predict(future=future.assign(campaign=None))


@pytest.mark.parametrize("cls", [RNNForecaster, GlobalRNNForecaster])
@pytest.mark.parametrize("held_out", [{}, {"validation_size": 30, "calibration_size": 0.2}])
def test_min_history_is_exactly_what_fit_needs(cls, held_out):
    model = cls(**{**NET, **held_out})
    need = model.min_history
    lengths = np.arange(need, 400)  # every longer series keeps at least that many training rows
    assert (model._held_out(lengths)[0] >= need).all()
    y = series(need)["y"]
    data = {"s": y} if cls is GlobalRNNForecaster else y.to_frame()
    with pytest.warns(RuntimeWarning, match="padded on the left and masked"):
        fitted = clone(model).fit(data)
    assert np.isfinite(fitted.predict()["y"]).all()
    # too short to spare validation rows: nothing shows the network beats its anchor, so it is the anchor
    assert fitted.settings_["fell_back"]
    short = {"s": y.iloc[1:]} if cls is GlobalRNNForecaster else y.iloc[1:].to_frame()
    with pytest.raises(ValueError, match=f"each needs {H + 1} training rows"):
        clone(model).fit(short)

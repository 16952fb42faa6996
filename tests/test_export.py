"""Exports (SavedModel, TFLite) forecast as the model that wrote them, from the exported artifact alone."""

import json
import os

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from forecastrnn import GlobalRNNForecaster, RNNForecaster
from forecastrnn.models.exported import ExportedForecaster

TINY = dict(units=4, epochs=1, n_models=1, batch_size=64, random_state=0)


def _one_series(n=240):
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=n, freq="h")
    t = np.arange(n)
    promo = (rng.random(n) < 0.2).astype(float)
    y = 20 + 3 * np.sin(2 * np.pi * t / 24) + 4 * promo + rng.normal(0, 0.3, n)
    return pd.DataFrame({"y": y, "temp": rng.normal(size=n), "promo": promo}, index=index)


def _panel(n_series=4, n=120):
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n_series):
        t = np.arange(n - 7 * i)  # ragged
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2024-01-01", periods=len(t), freq="D"),
                                  "y": 50 * (i + 1) + 5 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, len(t)),
                                  "promo": (rng.random(len(t)) < 0.3).astype(float)}))
    return pd.concat(rows, ignore_index=True)


def _close(a, b, rtol):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=0)


@pytest.mark.parametrize("transform", [None, "log"])
def test_one_series_export_equals_predict(tmp_path, transform):
    data = _one_series()
    model = RNNForecaster(window=48, horizon=6, dropout=0.0, interval_scale="series", target_transform=transform,
                          anchor=None, **TINY).fit(data, target="y", features=["temp"], known_future=["promo"])
    assert not model.settings_["fell_back"]  # no anchor: the forecast is the network's alone
    history, future = data.iloc[:-6], data[["promo"]].iloc[-6:]
    expected = model.predict(history, level=0.9, future=future)
    for fmt, rtol in (("saved_model", 1e-5), ("tflite", 1e-3)):
        path = model.export(tmp_path / fmt, format=fmt, level=[0.8, 0.9])
        exported = ExportedForecaster(path)
        got = exported.predict(history, level=0.9, future=future)
        assert list(got.columns) == list(expected.columns) and got.index.equals(expected.index)
        _close(got, expected, rtol)
        with pytest.warns(RuntimeWarning, match="for 2 of the 6 steps"):  # a shorter forecast, as predict makes it
            _close(exported.predict(history, horizon=2, future=future.iloc[:2]),
                   model.predict(history, horizon=2, future=future.iloc[:2]), rtol)
    signature = json.loads((tmp_path / "tflite" / "signature.json").read_text())
    assert [i["name"] for i in signature["inputs"]] == ["history", "known"]
    assert signature["inputs"][0]["shape"] == [None, 48, 2] and signature["levels"] == [0.8, 0.9]


def test_spread_intervals_are_said_and_bounded(tmp_path):
    """Monte-Carlo dropout intervals: the export uses the calibration's median spread (said in signature.json)."""
    data = _one_series()[["y"]]
    model = RNNForecaster(window=24, horizon=4, dropout=0.2, mc_samples=4, **TINY).fit(data)
    assert model.settings_["interval_scale"] == "spread"
    path = model.export(tmp_path / "e", format="saved_model")
    exported = ExportedForecaster(path)
    got, expected = exported.predict(level=0.9), model.predict(level=0.9)
    _close(got["y"], expected["y"], 1e-5)  # the point forecast is deterministic
    assert (got["y_lower"] < got["y"]).all() and (got["y"] < got["y_upper"]).all()
    assert "median" in exported.signature["intervals"]


@pytest.mark.parametrize("static", [False, True])
def test_global_export_equals_predict_for_trained_and_new_series(tmp_path, static):
    # static: a covariate with one value per series, the network alone (its anchor path is the other case's)
    panel = _panel().assign(size=lambda f: f.unique_id.str[1:].astype(float)) if static else _panel()
    known = ["promo", "size"] if static else ["promo"]
    model = GlobalRNNForecaster(window=21, horizon=7, id_embedding=2, **({"anchor": None} if static else {}),
                                **TINY).fit(panel, known_future=known)
    assert model.settings_["normalize"] == "window" and model.calendar_ and not model.settings_["fell_back"]
    assert (model.settings_["static"] or {}).get("columns") == (["size"] if static else None)
    history = panel.groupby("unique_id").head(-7)
    future = panel.groupby("unique_id").tail(7)[["unique_id", "ds", *known]]
    # a series never trained on: scaled on the rows given (a static covariate on the panel's scaler), so
    # give predict the same rows
    new = history[history.unique_id == "s0"].tail(21).assign(unique_id="new", y=lambda f: f.y * 3)
    new_future = future[future.unique_id == "s0"].assign(unique_id="new")
    if static:
        new, new_future = new.assign(size=9.0), new_future.assign(size=9.0)
    history, future = pd.concat([history, new]), pd.concat([future, new_future])
    expected = model.predict(history, level=0.9, future=future)
    for fmt, rtol in (("saved_model", 1e-5), ("tflite", 1e-3)):
        got = ExportedForecaster(model.export(tmp_path / fmt, format=fmt)).predict(history, level=0.9, future=future)
        pd.testing.assert_frame_equal(got[["unique_id", "ds"]], expected[["unique_id", "ds"]])
        _close(got[["y", "y_lower", "y_upper"]], expected[["y", "y_lower", "y_upper"]], rtol)


def test_export_defaults_to_where_the_model_stood(tmp_path):
    panel = _panel(n_series=3)
    model = GlobalRNNForecaster(window=14, horizon=3, **TINY).fit(panel)
    exported = ExportedForecaster(model.export(tmp_path / "e"))
    _close(exported.predict()["y"], model.predict()["y"], 1e-5)
    positions = RNNForecaster(window=20, horizon=3, **TINY).fit(_one_series()["y"].to_numpy())  # no timestamps
    expected = positions.predict()
    got = ExportedForecaster(positions.export(tmp_path / "p", level=None)).predict()
    assert got.index.equals(expected.index) and expected.index[0] == 240
    _close(got, expected, 1e-5)


def test_unfitted_and_bad_exports_are_refused(tmp_path):
    with pytest.raises(NotFittedError):
        RNNForecaster().export(tmp_path / "e")
    model = RNNForecaster(window=24, horizon=4, **TINY).fit(_one_series()[["y"]])
    with pytest.raises(ValueError, match="`format` must be one of"):
        model.export(tmp_path / "e", format="onnx")
    path = model.export(tmp_path / "e", level=0.9)
    with pytest.raises(FileExistsError):
        model.export(tmp_path / "e")
    exported = ExportedForecaster(path)
    with pytest.raises(ValueError, match="levels fixed at export"):
        exported.predict(level=0.8)
    with pytest.raises(FileNotFoundError, match="Not an export directory"):
        ExportedForecaster(tmp_path)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".tmp")]


def test_graph_calendar_equals_calendar_features():
    """Every calendar cycle computed in the graph from minutes since 1970 equals the pandas one."""
    from forecastrnn._tf import tensorflow
    from forecastrnn.data.calendar import calendar_features
    from forecastrnn.models.export import _calendar

    rng = np.random.default_rng(0)
    times = pd.DatetimeIndex(pd.Timestamp("1901-01-01") + pd.to_timedelta(rng.integers(0, 200 * 365 * 1440, 500),
                                                                           unit="min"))
    times = times.append(pd.DatetimeIndex(["2000-02-29 23:59", "2024-12-31", "1970-01-01", "2100-03-01"]))
    cycles = ["hour", "dayofweek", "dayofyear", "month", "quarter"]
    minutes = (times.as_unit("s").asi8 // 60).astype("int32")[None]
    got = _calendar(tensorflow(), tensorflow().constant(minutes), cycles).numpy()[0]
    np.testing.assert_allclose(got, calendar_features(times, cycles), atol=2e-5)

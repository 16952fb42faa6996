import numpy as np
import pytest

from forecastrnn.data.season import anchor_forecast, best_anchor
from forecastrnn.defaults import backtest_plan, default_horizon, default_window, network_settings


def test_window_rule():
    assert default_window(10_000, 24, 24) == 168  # hourly: a week
    assert default_window(10_000, 12, 12) == 36  # 3 seasons
    assert default_window(10_000, 10, 1) == 20  # 2 horizons
    assert default_window(100, 12, 12) == 20  # a fifth of the rows
    assert default_window(40, 12, 12) == 12  # never below one season / horizon
    assert default_horizon(24) == 24 and default_horizon(1) == 10
    assert default_horizon(52) == 13 and default_horizon(52, 143) == 13  # weekly: a quarter, M4's (not 47 of 143)
    # short data: two horizons before the test (20 yearly rows: M4's 6; 3 years of months: a year)
    assert default_horizon(1, 20) == 6 and default_horizon(12, 36) == 12 and default_horizon(4, 11) == 3
    assert default_horizon(1, 2) == 1


def test_settings_by_data_size_and_explicit_values_pass_through():
    small = network_settings(300, 12, 12, pick_anchor=lambda window: "season")
    assert small == {"window": 36, "anchor": "season", "season_length": 12, "units": 32, "batch_size": 32,
                     "epochs": 200, "n_models": 5}
    big = network_settings(17_000, 24, 24)
    assert (big["window"], big["anchor"], big["batch_size"], big["epochs"], big["n_models"]) == (168, "last", 256, 20, 1)
    given = network_settings(17_000, 24, 24, lambda window: "season", window=48, units=[16, 8], epochs=3, batch_size=7, n_models=2,
                             anchor=None)
    assert given == {"window": 48, "anchor": None, "season_length": 24, "units": [16, 8], "batch_size": 7,
                     "epochs": 3, "n_models": 2}
    # The anchor is picked with the window the rules chose.
    assert network_settings(500, 12, 12, pick_anchor=lambda window: f"w{window}")["anchor"] == "w36"


def test_backtest_plan():
    assert backtest_plan(1000, 24) == {"horizon": 24, "step": 24, "n_windows": 10, "test_rows": 240, "train_rows": 760}
    assert backtest_plan(100, 12)["n_windows"] == 2
    assert backtest_plan(1000, 24, test_size=0.1)["n_windows"] == 4
    with pytest.raises(ValueError, match="either `n_windows` or `test_size`, not both"):
        backtest_plan(1000, 24, n_windows=3, test_size=0.1)
    with pytest.raises(ValueError, match="at least one horizon"):
        backtest_plan(1000, 24, test_size=10)


def test_anchor_forecasts_exact_values():
    w = np.array([[1.0, 2, 3, 10, 20, 30]])  # two seasons of m = 3, level up by 9 + 18 + 27 / 3
    np.testing.assert_array_equal(anchor_forecast(w, 4, 3, "last"), [[30, 30, 30, 30]])
    np.testing.assert_array_equal(anchor_forecast(w, 2, 3, "mean"), [[11, 11]])
    np.testing.assert_array_equal(anchor_forecast(w, 4, 3, "season"), [[10, 20, 30, 10]])
    # profile (1+10)/2, (2+20)/2, (3+30)/2 plus level 20 - 11 = 9
    np.testing.assert_allclose(anchor_forecast(w, 4, 3, "season_mean"), [[14.5, 20, 25.5, 14.5]])


def test_best_anchor_picks_the_simple_forecast_that_does_best_on_the_rows_given():
    rng = np.random.default_rng(0)
    t = np.arange(360)
    shape = 5 * np.sin(2 * np.pi * t / 12)
    assert best_anchor(shape + 0.05 * rng.standard_normal(360), 12, 12, 36) in ("season", "season_mean")
    assert best_anchor(shape + 2 * rng.standard_normal(360), 12, 12, 36) == "season_mean"  # noise averages out
    assert best_anchor(np.cumsum(rng.standard_normal(360)), 12, 12, 36) == "last"
    assert best_anchor(rng.standard_normal(360), 1, 12, 36) == "mean"  # noise around a level
    assert best_anchor(np.arange(100.0), 12, 12, 36) == "last"  # a trend: nothing lags less


def test_shape_settings_follow_the_number_of_series_and_keep_explicit_values():
    from forecastrnn.defaults import shape_settings

    many, one = shape_settings(5, True), shape_settings(1, True)
    assert (many["normalize"], many["loss"], many["calendar"]) == ("window", "mae", True)
    assert (one["normalize"], one["loss"], one["calendar"]) == ("last", "mse", False)
    pinned = shape_settings(5, True, normalize="last", calendar=None, interval_scale="window", loss="huber")
    assert (pinned["normalize"], pinned["calendar"], pinned["interval_scale"], pinned["loss"]) == \
        ("last", False, "window", "huber")

import numpy as np
import pandas as pd
import pytest

from forecastrnn import RNNForecaster
from forecastrnn.baselines import (ARIMAForecaster, ETSForecaster, Naive2Forecaster, NaiveForecaster,
                                   SeasonalNaiveForecaster, ThetaForecaster)
from forecastrnn.evaluation import (backtest, compare, coverage, interval_width, mae, mape, mase,
                                    origins_for, pinball, rmse, smape, summarize)


def test_metrics_exact_values():
    y, f = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert mae(y, f) == pytest.approx(4 / 3)
    assert rmse(y, f) == pytest.approx(np.sqrt(10 / 3))
    assert mape(y, f) == pytest.approx(100 * (1 + 0 + 0.75) / 3)
    assert smape(y, f) == pytest.approx(200 * (1 / 3 + 0 + 3 / 5) / 3)
    # In-sample seasonal differences with m=2 of [1, 3, 2, 6]: |2-1|, |6-3| -> scale 2.
    assert mase(y, f, [1.0, 3.0, 2.0, 6.0], season_length=2) == pytest.approx((4 / 3) / 2)
    assert coverage(y, [0, 2.5, 3], [1.5, 3, 5]) == pytest.approx(2 / 3)
    assert interval_width([0, 1], [2, 5]) == pytest.approx(3)
    assert pinball([1.0, 3.0], [2.0, 2.0], 0.9) == pytest.approx((0.1 * 1 + 0.9 * 1) / 2)


def test_metrics_skip_nan_pairs():
    assert mae([1.0, np.nan, 3.0], [2.0, 5.0, np.nan]) == 1.0
    assert smape([0.0], [0.0]) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        mae([1.0], [1.0, 2.0])


def test_mase_of_a_flat_training_series_is_nan_with_a_warning():
    with pytest.warns(RuntimeWarning, match="MASE is undefined"):
        assert np.isnan(mase([1.0, 2.0], [1.0, 1.0], [5.0, 5.0, 5.0]))
    with pytest.warns(RuntimeWarning, match="MASE is undefined"):
        assert np.isnan(mase([1.0], [1.0], [5.0]))


def test_flat_series_through_compare_gives_nan_mase_not_an_exception():
    flat = pd.DataFrame({"y": np.full(120, 7.0)}, index=pd.date_range("2021-01-01", periods=120, freq="D"))
    rnn = RNNForecaster(units=2, window=14, horizon=7, epochs=1, n_models=1, verbose=0, jit_compile=False,
                        random_state=0)
    with pytest.warns(RuntimeWarning, match="MASE is undefined"):
        summary = compare(flat, rnn, baselines=("naive", "seasonal_naive", "naive2", "arima", "ets", "theta"),
                          horizon=7, n_windows=2, combination=False)
    assert summary["mase"].isna().all()
    baselines = summary.drop(index="gru")
    np.testing.assert_allclose(baselines["mae"], 0, atol=1e-6)  # every baseline repeats the level


def test_origin_arithmetic():
    np.testing.assert_array_equal(origins_for(100, horizon=5, n_windows=3, step=2), [91, 93, 95])
    with pytest.raises(ValueError, match=r"horizon \+ step \* \(n_windows - 1\) = 25 test rows.*Received: 20 rows"):
        origins_for(20, horizon=5, n_windows=11, step=2)


def series(n=300, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 5 + np.sin(2 * np.pi * t / 24) + 0.2 * rng.standard_normal(n)
    return pd.DataFrame({"y": y}, index=pd.date_range("2021-01-01", periods=n, freq="h"))


def test_backtest_table_is_tidy_and_origins_shared():
    data = series()
    table = backtest([NaiveForecaster(), SeasonalNaiveForecaster()], data, horizon=4, n_windows=3, step=2)
    assert list(table.columns) == ["model", "target", "origin", "time", "step", "y_true", "y_pred",
                                   "lower", "upper"]
    assert len(table) == 2 * 3 * 4
    origins = table.groupby("model")["origin"].apply(lambda s: tuple(s.unique()))
    assert origins["naive"] == origins["seasonal_naive"] == tuple(data.index[[291, 293, 295]])
    first = table[(table.model == "naive") & (table.origin == data.index[291])]
    np.testing.assert_array_equal(first.y_pred, data.y.iloc[291])
    np.testing.assert_array_equal(first.y_true, data.y.iloc[292:296])
    assert (first.time == data.index[292:296]).all()


class _PeeksAtItsOrigin(NaiveForecaster):
    """A mutant that reads the row at its origin (its own first target): the leakage tests
    must catch it."""

    def _point(self, y, origins, horizon):
        return np.repeat(y[np.minimum(origins, len(y) - 1)][:, None], horizon, axis=1)


def assert_no_forecast_reads_its_origin(model, data, horizon=3, n_windows=12, step=3):
    """For origins first, middle and last: rows from exactly that origin on are perturbed, and
    every forecast from it and from earlier origins stays the same."""
    before = backtest(model, data, horizon=horizon, n_windows=n_windows, step=step)
    origins = origins_for(len(data), horizon, n_windows, step)
    for o in origins[[0, n_windows // 2, -1]]:
        perturbed = data.copy()
        perturbed.iloc[o:] += 100.0
        after = backtest(model, perturbed, horizon=horizon, n_windows=n_windows, step=step)
        kept = before.origin <= data.index[o - 1]  # the origin's time is its last observed row
        np.testing.assert_allclose(after.y_pred[kept], before.y_pred[kept], err_msg=f"origin {o}")
        np.testing.assert_allclose(after.lower[kept], before.lower[kept], err_msg=f"origin {o}")
    return before


@pytest.mark.parametrize("model", [NaiveForecaster(), SeasonalNaiveForecaster(),
                                   ARIMAForecaster(order=(1, 0, 1)), ARIMAForecaster(), Naive2Forecaster(),
                                   ETSForecaster(), ThetaForecaster(),
                                   pytest.param(RNNForecaster(units=4, window=12, horizon=3, epochs=1, n_models=1,
                                                              verbose=0, jit_compile=False,
                                                              random_state=0), marks=pytest.mark.slow)])
def test_no_forecast_sees_data_from_its_origin_on(model):
    assert_no_forecast_reads_its_origin(model, series())


def test_the_leakage_check_catches_a_forecaster_that_reads_its_first_target():
    with pytest.raises(AssertionError, match="origin"):
        assert_no_forecast_reads_its_origin(_PeeksAtItsOrigin(), series())


def test_refit_every_origin_matches_manual_refits():
    data = series(200)
    table = backtest(ARIMAForecaster(order=(1, 0, 0)), data, horizon=2, n_windows=3, step=5,
                     refit=True, level=None)
    for origin in origins_for(200, 2, 3, 5):
        manual = ARIMAForecaster(order=(1, 0, 0), horizon=2).fit(data.iloc[:origin]).predict()
        got = table[table.origin == data.index[origin - 1]].y_pred.to_numpy()
        np.testing.assert_allclose(got, manual["y"].to_numpy(), rtol=1e-6)


def test_parallel_baselines_equal_serial():
    data = series()
    models = [NaiveForecaster(), SeasonalNaiveForecaster(), ARIMAForecaster(order=(1, 0, 0))]
    serial = backtest(models, data, horizon=3, n_windows=4)
    parallel = backtest(models, data, horizon=3, n_windows=4, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_summary_columns_ordering_and_skill():
    data = series()
    table = backtest([NaiveForecaster(), SeasonalNaiveForecaster()], data, horizon=24, n_windows=3)
    summary = summarize(table, data.iloc[:table.attrs["first_origin"]])
    assert list(summary.columns) == ["mae", "rmse", "smape", "mase", "coverage", "width", "skill_%"]
    assert list(summary.index) == ["seasonal_naive", "naive"]  # sorted by MASE
    assert summary.loc["naive", "skill_%"] == 0
    assert summary.loc["seasonal_naive", "skill_%"] > 30


@pytest.mark.slow
def test_compare_one_call():
    data = series(400)
    rnn = RNNForecaster(units=8, window=24, horizon=6, epochs=3, n_models=1, verbose=0, jit_compile=False,
                        random_state=0)
    summary, table = compare(data, rnn, baselines=("naive", "seasonal-naive", "arima"), horizon=6,
                             n_windows=4, return_backtest=True)
    assert set(summary.index) == {"gru", "naive", "seasonal_naive", "arima", "combination"}
    assert np.isfinite(summary[["mae", "rmse", "smape", "mase", "coverage"]].to_numpy()).all()
    # The naive row, recomputed from the data alone: the last value before each origin
    y = data["y"].to_numpy()
    origins = origins_for(len(y), 6, 4, 6)
    errors = np.abs(y[origins[:, None] + np.arange(6)] - y[origins - 1][:, None])
    np.testing.assert_allclose(summary.loc["naive", "mae"], errors.mean())
    train = y[:origins[0]]
    np.testing.assert_allclose(summary.loc["naive", "mase"], errors.mean() / np.abs(train[24:] - train[:-24]).mean())
    # every model was scored on the same rows
    rows = table.groupby("model")["time"].apply(lambda t: tuple(sorted(t)))
    assert rows.nunique() == 1 and len(rows.iloc[0]) == 4 * 6
    with pytest.raises(ValueError, match="forecasts points only"):
        compare(data, {"p": PointsOnly(horizon=6)}, horizon=6, n_windows=2)
    with pytest.raises(ValueError, match="Baselines must be among"):
        compare(data, rnn, baselines=("prophet",), horizon=6, n_windows=2)


class PointsOnly(NaiveForecaster):
    supports_intervals = False


def test_backtest_checks_capabilities_before_training():
    data = series()
    with pytest.raises(ValueError, match=r"Model 'gru' needs at least 13 training rows \(min_history\)"):
        backtest(RNNForecaster(window=48, horizon=12), data.iloc[:30], horizon=12, n_windows=2)
    from forecastrnn import SentimentClassifier

    with pytest.raises(ValueError, match="cannot forecast from past origins"):
        backtest({"clf": SentimentClassifier()}, data, horizon=6, n_windows=2, level=None)


def test_msis_exact_values():
    from forecastrnn.evaluation import interval_score, msis

    y, lower, upper = [1.0, 2.0, 3.0], [0.0, 2.5, 2.0], [2.0, 3.0, 2.5]
    # widths 2, 0.5, 0.5; misses below by 0.5 (step 2) and above by 0.5 (step 3), times 2 / 0.2
    assert interval_score(y, lower, upper, level=0.8) == pytest.approx((2 + 5.5 + 5.5) / 3)
    assert msis(y, lower, upper, [1.0, 2.0, 4.0, 8.0], 1, level=0.8) == pytest.approx(13 / 3 / (7 / 3))
    with pytest.raises(ValueError, match="`level` must be a float"):
        interval_score(y, lower, upper, level=95)


def test_levels_of_numpy_types_are_accepted_and_bools_refused():
    from forecastrnn.base import check_level

    check_level(np.float32(0.9))
    check_level(np.float64(0.5))
    for bad in (True, 1, 0.0, 1.0, "0.9", np.int64(0)):
        with pytest.raises(ValueError, match="`level` must be a float in"):
            check_level(bad)


def test_a_model_named_like_a_baseline_is_an_error_not_replaced():
    y = pd.Series(np.sin(np.arange(120) / 3.0) + 5.0)
    with pytest.raises(ValueError, match="differ from the baselines'.*a model named 'naive'"):
        compare(y, models={"naive": NaiveForecaster()}, horizon=6, baselines=("naive", "seasonal_naive"))


def test_jit_compile_must_be_auto_or_a_bool():
    with pytest.raises(ValueError, match="`jit_compile` must be 'auto', True or False. Received: jit_compile='false'"):
        RNNForecaster(horizon=3, window=6, epochs=1, jit_compile="false").fit(np.sin(np.arange(80) / 3.0))


def test_xla_only_for_trainings_that_pay_for_its_compilation(monkeypatch):
    from forecastrnn.models import base

    y = np.sin(np.arange(120) / 3.0)
    tiny = RNNForecaster(horizon=3, window=6, units=2, epochs=1, n_models=1, verbose=0, random_state=0).fit(y)
    assert tiny.model_.jit_compile is False  # 1 epoch of ~90 windows: compiling would cost more than it saves
    monkeypatch.setattr(base, "JIT_MIN_WINDOWS", 10)
    monkeypatch.setattr(base, "has_gpu", lambda: False)
    big = RNNForecaster(horizon=3, window=6, units=2, epochs=1, n_models=1, verbose=0, random_state=0).fit(y)
    assert big.model_.jit_compile is True
    pinned = RNNForecaster(horizon=3, window=6, units=2, epochs=1, n_models=1, verbose=0, random_state=0,
                           jit_compile=False).fit(y)
    assert pinned.model_.jit_compile is False

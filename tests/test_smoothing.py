import numpy as np
import pandas as pd
import pytest

from forecastrnn.baselines import ETSForecaster, ThetaForecaster
from forecastrnn.baselines.simple import _naive2, is_seasonal
from forecastrnn.baselines.smoothing import ets_candidates, parse_ets


def monthly(values):
    return pd.DataFrame({"y": np.asarray(values, dtype=float)},
                        index=pd.date_range("2000-01-01", periods=len(values), freq="MS"))


def seasonal_series(n=144, seed=0, trend=0.5):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return monthly(100 + trend * t + 10 * np.sin(2 * np.pi * t / 12) + rng.standard_normal(n))



def test_ets_codes_and_candidates():
    assert parse_ets("MAdM") == ("mul", "add", True, "mul")
    assert parse_ets("ANN") == ("add", None, False, None)
    with pytest.raises(ValueError, match=r"`model` must be 'auto' or an ETS code .* Received: model='AMZ'"):
        parse_ets("AMZ")
    assert ets_candidates(positive=False, seasonal=False) == ["ANN", "AAN", "AAdN"]
    codes = ets_candidates(positive=True, seasonal=True)
    assert len(codes) == 15 and "AAM" not in codes and "MAdM" in codes


def test_ets_chooses_a_seasonal_trend_model_and_forecasts_it():
    data = seasonal_series(156)
    model = ETSForecaster(horizon=12).fit(data.iloc[:144])
    info = model.fit_info_["y"]
    assert info["model"][-1] in "AM" and info["model"][1] == "A" and info["failed_fits"] == 0
    mae = np.abs(model.predict()["y"].to_numpy() - data["y"].to_numpy()[144:]).mean()
    assert mae < 2.0
    fixed = ETSForecaster(model="ANN", horizon=3).fit(data)
    assert fixed.fit_info_["y"]["model"] == "ANN" and fixed.fit_info_["y"]["candidates"] == 1
    with pytest.raises(ValueError, match="A seasonal ETS model needs"):
        ETSForecaster(model="AAA").fit(data.iloc[:20])


def test_ets_takes_out_a_season_too_long_for_its_states_and_puts_it_back():
    t = np.arange(48 * 12)  # half-hours: a daily season of 48 steps, more than ETS's 24
    rng = np.random.default_rng(2)
    y = 100 + 0.02 * t + 20 * np.sin(2 * np.pi * t / 48) + rng.standard_normal(len(t))
    data = pd.DataFrame({"y": y}, index=pd.date_range("2024-01-01", periods=len(t), freq="30min"))
    model = ETSForecaster(horizon=48).fit(data.iloc[:-48])
    assert model.fit_info_["y"]["deseasonalised"] and "deseasonalised (m=48)" in model.describe()
    forecast = model.predict(level=0.9)
    error = np.abs(forecast["y"].to_numpy() - y[-48:]).mean()
    assert error < 2.0, error  # without the season: about 13 (the daily swing is missed)
    assert (forecast["y_lower"] < forecast["y"]).all() and (forecast["y"] < forecast["y_upper"]).all()
    # from an origin, only the rows before it: changing later rows changes nothing
    later = y.copy()
    later[-60:] += 50
    np.testing.assert_allclose(model.forecast_origins(data.assign(y=later), [len(y) - 96], level=None)[0],
                               model.forecast_origins(data, [len(y) - 96], level=None)[0])
    flat = ETSForecaster(horizon=48).fit(100 + rng.standard_normal(400))  # positions: season 1, nothing taken out
    assert not flat.fit_info_["y"]["deseasonalised"]


@pytest.mark.parametrize("value", [0.0, 7.0])
def test_ets_of_a_constant_history_forecasts_it(value):
    # no model has a finite likelihood there: every candidate failed and a panel's whole run stopped
    y = pd.Series(np.full(40, value), index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    model = ETSForecaster(horizon=3).fit(y)
    out = model.predict(level=0.9).to_numpy()
    np.testing.assert_allclose(out, value, atol=1e-9)
    assert model.fit_info_["y"]["constant"] and "ETS(ANN), a constant history" in model.describe()


def test_ets_interval_covers_about_its_level():
    rng = np.random.default_rng(1)
    y = 50 + np.cumsum(0.3 * rng.standard_normal(600)) + rng.standard_normal(600)
    model = ETSForecaster(model="ANN", season_length=1, horizon=1).fit(y[:400])
    _, lower, upper = model.forecast_origins(y, np.arange(400, 600), level=0.9)
    covered = ((y[400:600] >= lower[:, 0, 0]) & (y[400:600] <= upper[:, 0, 0])).mean()
    assert abs(covered - 0.9) < 0.07, covered


def test_theta_on_a_line_follows_the_trend_and_deseasonalises():
    line = monthly(10 + 2.0 * np.arange(60) + np.random.default_rng(2).standard_normal(60) * 0.1)
    forecast = ThetaForecaster(horizon=6).fit(line).predict()["y"].to_numpy()
    assert np.all(np.diff(forecast) > 1.0)  # theta = 2 keeps half the trend at least
    model = ThetaForecaster(horizon=12).fit(seasonal_series())
    assert model.fit_info_["y"]["seasonal"]
    assert "deseasonalised" in model.describe()
    with pytest.raises(ValueError, match="`theta` must be a number >= 1. Received: theta=0"):
        ThetaForecaster(theta=0).fit(line)


def test_naive2_exact_values():
    y = np.array([2.0, 4.0, 8.0] * 8)  # a pure multiplicative season of length 3
    assert is_seasonal(y, 3) and not is_seasonal(np.arange(24.0), 3)
    np.testing.assert_allclose(_naive2(y, [24], 4, 3), [[2.0, 4.0, 8.0, 2.0]])
    np.testing.assert_allclose(_naive2(np.arange(1.0, 25.0), [20, 24], 2, 3), [[20, 20], [24, 24]])
    assert not is_seasonal(np.array([2.0, 4.0, 8.0] * 2), 3)  # fewer than three seasons


def test_one_to_three_seasons_are_seasonal_by_the_lag_rule_only_when_asked():
    t = np.arange(60)  # two and a half days of an hourly cycle: M4's test needs three
    rng = np.random.default_rng(0)
    daily = 20 + 5 * np.sin(2 * np.pi * t / 24) + 0.3 * rng.standard_normal(60)
    assert not is_seasonal(daily, 24) and is_seasonal(daily, 24, short=True)
    walk = np.cumsum(rng.standard_normal(60))  # values a day apart differ more than an hour apart
    trend = 0.5 * t + 0.3 * rng.standard_normal(60)
    assert not is_seasonal(walk, 24, short=True) and not is_seasonal(trend, 24, short=True)
    assert is_seasonal(daily[:30], 24, short=True) and not is_seasonal(daily[:24], 24, short=True)  # one pair at least
    # under two seasons the phases are read against a straight line (no moving average fits)
    from forecastrnn.baselines.simple import seasonal_indices

    season, kind = seasonal_indices(daily[:40] + 0.1 * t[:40], 24, short=True)  # a trend too
    assert kind == "multiplicative" and abs(season[:24].mean() - 1) < 1e-12
    np.testing.assert_allclose(season, 1 + 0.25 * np.sin(2 * np.pi * t[:40] / 24), atol=0.05)
    assert seasonal_indices(daily[:40] - 30, 24, short=True)[1] == "additive"
    long = np.tile(daily[:24], 4)
    assert is_seasonal(long, 24, short=True) == is_seasonal(long, 24)  # three seasons or more: M4's test


def test_theta_interval_covers_about_its_level_at_every_step():
    # A local-level series: SES (the Theta method's core) is its optimal forecast.
    rng = np.random.default_rng(5)
    y = 100 + np.cumsum(0.5 * rng.standard_normal(900)) + rng.standard_normal(900)
    model = ThetaForecaster(season_length=1, horizon=6).fit(y[:500])
    origins = np.arange(500, 894, 2)
    _, lower, upper = model.forecast_origins(y, origins, level=0.9)
    truth = y[origins[:, None] + np.arange(6)]
    covered = ((truth >= lower[..., 0]) & (truth <= upper[..., 0])).mean(axis=0)
    assert np.all(np.abs(covered - 0.9) < 0.08), covered  # statsmodels' own formula gives ~1.0 by step 6


def test_theta_from_several_origins_keeps_the_first_origins_variance():
    """The point forecast is fitted again from every origin; the residual variance is the
    first origin's (rows before it only), so the first forecast is that of a lone origin."""
    from scipy.stats import norm

    y = seasonal_series(120)["y"].to_numpy()
    model = ThetaForecaster(season_length=12, horizon=6).fit(y[:96])
    point, lower, upper = model.forecast_origins(y, [96, 102], level=0.9)
    alone = model.forecast_origins(y, [96], level=0.9)
    np.testing.assert_allclose(upper[:1], alone[2])
    second = model.forecast_origins(y, [102], level=0.9)
    np.testing.assert_allclose(point[1], second[0][0])  # refitted from the later origin
    first_fit, later_fit = model._fit(y[:96]), model._fit(y[:102])
    half = norm.ppf(0.95) * np.sqrt(first_fit.sigma2 * (1 + np.arange(6) * later_fit.params.iloc[1] ** 2))
    np.testing.assert_allclose(upper[1, :, 0] - point[1, :, 0], half)


@pytest.mark.parametrize("code", ["MNN", "MAM", "ANN"])
def test_ets_intervals_repeat_across_fits(code):
    # Multiplicative models simulate their intervals: two identical fits must give the same bounds.
    data = seasonal_series(96)
    data["y"] = data["y"] - data["y"].min() + 10  # positive, for multiplicative errors
    runs = [ETSForecaster(model=code, season_length=12, horizon=6).fit(data).predict(level=0.9) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert np.isfinite(runs[0].to_numpy()).all()


def test_damped_trend_paths_continue_a_damped_trend_and_read_each_series_alone():
    from forecastrnn.baselines.smoothing import damped_trend_paths

    y = 100 + np.r_[0, np.cumsum(5 * 0.9 ** np.arange(40))]  # increments shrink by 0.9 a step
    truth = y[-1] + np.cumsum(5 * 0.9 ** np.arange(40, 45))
    np.testing.assert_allclose(damped_trend_paths([y], 5)[0], truth, rtol=1e-6)
    np.testing.assert_allclose(damped_trend_paths([np.full(12, 7.0)], 3), 7.0)  # flat stays flat
    rng = np.random.default_rng(0)
    many = [np.cumsum(rng.normal(0.5, 1, n)) for n in (9, 30, 600)]
    together = damped_trend_paths(many + [np.array([3.0]), np.array([np.nan, 2.0, np.nan, 4.0])], 4)
    for i, series in enumerate(many):  # ragged series run side by side as if alone
        np.testing.assert_allclose(together[i], damped_trend_paths([series], 4)[0], rtol=1e-12)
    np.testing.assert_allclose(together[3], 3.0)  # one value: flat
    np.testing.assert_allclose(together[4], damped_trend_paths([[2.0, 2.0, 3.0, 4.0]], 4)[0])  # gaps filled
    # the last DAMPED_ROWS rows only
    np.testing.assert_allclose(together[2], damped_trend_paths([many[2][-500:]], 4)[0], rtol=1e-12)

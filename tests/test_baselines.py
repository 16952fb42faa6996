import numpy as np
import pandas as pd
import pytest

from forecastrnn.baselines import (ARIMAForecaster, DriftForecaster, NaiveForecaster,
                                   SeasonalNaiveForecaster, _naive, _seasonal_naive,
                                   season_length_for)


def hourly(values):
    return pd.DataFrame({"y": np.asarray(values, dtype=float)},
                        index=pd.date_range("2020-01-01", periods=len(values), freq="h"))


def ar1(n=600, phi=0.7, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = phi * y[t - 1] + rng.standard_normal()
    return hourly(y)


def test_exact_naive_and_seasonal_naive():
    y = np.arange(10.0)
    np.testing.assert_array_equal(_naive(y, [4, 10], 3), [[3, 3, 3], [9, 9, 9]])
    np.testing.assert_array_equal(_seasonal_naive(y, [6, 10], 5, m=3), [[3, 4, 5, 3, 4], [7, 8, 9, 7, 8]])
    with_gap = np.array([1.0, 2.0, np.nan])
    np.testing.assert_array_equal(_naive(with_gap, [3], 2), [[2, 2]])


def test_forecasters_exact_values_and_index():
    data = hourly(np.arange(48.0) % 24)
    naive = NaiveForecaster(horizon=3).fit(data).predict()
    np.testing.assert_array_equal(naive["y"], [23, 23, 23])
    assert naive.index[0] == pd.Timestamp("2020-01-03 00:00")
    seasonal = SeasonalNaiveForecaster(horizon=26).fit(data).predict()
    np.testing.assert_array_equal(seasonal["y"], np.arange(26) % 24)
    drift = DriftForecaster(horizon=2).fit(hourly([1.0, 3.0, 5.0])).predict()
    np.testing.assert_allclose(drift["y"], [7, 9])


def test_naive_interval_widens_like_a_random_walk():
    y = np.cumsum(np.random.default_rng(0).standard_normal(500))
    fc = NaiveForecaster(horizon=4).fit(hourly(y)).predict(level=0.95)
    half = (fc["y_upper"] - fc["y"]).to_numpy()
    sigma = np.sqrt(np.mean(np.diff(y) ** 2))
    np.testing.assert_allclose(half, 1.959964 * sigma * np.sqrt([1, 2, 3, 4]), rtol=1e-5)


@pytest.mark.parametrize("freq, m", [("h", 24), ("D", 7), ("W-SUN", 52), ("MS", 12), ("ME", 12),
                                     ("QS-JAN", 4), ("B", 5), ("YS", 1), ("2h", 12), (None, 1),
                                     ("15min", 96), ("30min", 48), ("5min", 288), ("min", 1), ("7min", 1), ("s", 1),
                                     ("bh", 8), ("2bh", 4),  # business hours: the business day
                                     (pd.offsets.CustomBusinessHour(start="10:00", end="16:00"), 6)])
def test_season_length_from_frequency(freq, m):
    assert season_length_for(freq) == m


@pytest.mark.parametrize("m, n", [(4, 40), (12, 80), (24, 300), (1, 40)])
def test_a_panel_without_timestamps_tells_its_season_and_one_series_does_not(m, n):
    from forecastrnn.data.season import infer_season, positions_season

    rng = np.random.default_rng(m)
    t = np.arange(n)

    def series(k):  # trending (a trend alone makes every lag look seasonal), half of them seasonal
        season = 5 * np.sin(2 * np.pi * (t + k) / m) if m > 1 and k % 2 else 0
        return 100 + 0.5 * k * t / n * 10 + season + rng.standard_normal(n)

    panel = [series(k) for k in range(30)]
    assert positions_season(panel) == infer_season(panel) == m
    assert positions_season(panel[:1]) == 1  # one series: never read off the data



def test_arima_recovers_ar1_coefficient_and_covers():
    data = ar1(1200, phi=0.7)
    model = ARIMAForecaster(horizon=1).fit(data.iloc[:800])
    results = model.states_[0]["results"]
    assert results.model.order[1] == 0
    fixed = ARIMAForecaster(order=(1, 0, 0)).fit(data.iloc[:800]).states_[0]["results"]
    assert abs(fixed.params[list(fixed.model.param_names).index("ar.L1")] - 0.7) < 0.06
    _, lower, upper = model.forecast_origins(data, np.arange(800, 1200), level=0.9)
    y = data["y"].to_numpy()[800:1200]
    covered = ((y >= lower[:, 0, 0]) & (y <= upper[:, 0, 0])).mean()
    assert abs(covered - 0.9) < 0.05, covered


@pytest.mark.parametrize("m, seasonal_order_m, k_exog", [(24, 24, 0), (48, 0, 6)])
def test_arima_daily_cycle_is_seasonal_and_longer_seasons_use_fourier_terms(m, seasonal_order_m, k_exog):
    t = np.arange(m * 15)
    y = 10 + 3 * np.sin(2 * np.pi * t / m) + 0.3 * np.random.default_rng(1).standard_normal(len(t))
    model = ARIMAForecaster(season_length=m, horizon=m).fit(hourly(y))
    assert model.fit_info_["y"]["seasonal_order"][3] == seasonal_order_m
    assert model.states_[0]["results"].model.k_exog == k_exog  # three sine/cosine pairs for m > 24
    forecast = model.predict()["y"].to_numpy()
    truth = 10 + 3 * np.sin(2 * np.pi * np.arange(len(t), len(t) + m) / m)
    assert np.abs(forecast - truth).mean() < 0.5


def test_arima_seasonal_monthly_and_exogenous():
    t = np.arange(120)
    rng = np.random.default_rng(2)
    y = 50 + 0.5 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.standard_normal(120)
    monthly = pd.DataFrame({"y": y}, index=pd.date_range("2010-01", periods=120, freq="MS"))
    model = ARIMAForecaster(horizon=12).fit(monthly.iloc[:108])  # the scored year is not trained on
    assert model.season_length_ == 12
    mae = np.abs(model.forecast_origins(monthly, [108], 12)[0].ravel() - y[108:]).mean()
    naive = np.abs(y[107] - y[108:]).mean()
    assert mae < 3 and mae < 0.5 * naive, (mae, naive)
    x = rng.standard_normal(300)
    data = hourly(2 * x + 0.1 * rng.standard_normal(300))
    data.insert(0, "x", x)
    exo = ARIMAForecaster(order=(0, 0, 0), exog=["x"], season_length=1).fit(data.iloc[:250])
    point, _, _ = exo.forecast_origins(data, np.arange(250, 299), 1)
    assert np.abs(point[:, 0, 0] - data["y"].to_numpy()[250:299]).mean() < 0.2
    with pytest.raises(ValueError, match="needs future values"):
        exo.predict()
    # the common fit signature names the regressors too
    same = ARIMAForecaster(order=(0, 0, 0), season_length=1).fit(data.iloc[:250], features=["x"])
    assert same.exog_ == ["x"]
    np.testing.assert_allclose(same.forecast_origins(data, np.arange(250, 299), 1)[0], point)
    with pytest.raises(ValueError, match="reads only its target"):
        NaiveForecaster().fit(data, target="y", features=["x"])


def test_errors():
    with pytest.raises(ValueError, match=r"`season_length` must be a positive integer. Received: season_length=0"):
        SeasonalNaiveForecaster(season_length=0).fit(ar1(50))
    with pytest.raises(ValueError, match=r"`origins` must lie in"):
        SeasonalNaiveForecaster(horizon=2).fit(ar1(100)).forecast_origins(ar1(100), [3])
    from forecastrnn.baselines import ETSForecaster, Naive2Forecaster

    missing = hourly(np.full(18, np.nan))  # a series with no values says so, not just its length
    for model, n in ((NaiveForecaster(), 2), (Naive2Forecaster(), 2), (ARIMAForecaster(), 4), (ETSForecaster(), 3)):
        with pytest.raises(ValueError, match=rf"needs at least {n} observed rows. Received: 18 rows, 0 observed$"):
            model.fit(missing)


@pytest.mark.parametrize("m", [2, 3, 4, 7, 12, 24])
def test_numpy_decomposition_equals_statsmodels(m):
    """Naive2's season and M4's seasonality test, in NumPy, give statsmodels' numbers."""
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.stattools import acf

    from forecastrnn.data.season import autocorrelation, classical_season

    rng = np.random.default_rng(m)
    for n in (2 * m, 3 * m + 1, 10 * m + 5):
        t = np.arange(n)
        x = 50 + rng.normal(size=n).cumsum() * 0.3 + 5 * np.sin(2 * np.pi * t / m)
        for model in ("additive", "multiplicative"):
            np.testing.assert_allclose(classical_season(x, m, model),
                                       seasonal_decompose(x, model=model, period=m).seasonal, atol=1e-12)
        np.testing.assert_allclose(autocorrelation(x, m), acf(x, nlags=m, fft=True), atol=1e-12)

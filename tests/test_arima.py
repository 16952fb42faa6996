import math

import numpy as np
import pandas as pd
import pytest

from forecastrnn import backtest
from forecastrnn.baselines import ARIMAForecaster
from forecastrnn.baselines.arima import arima_label, start_values
from forecastrnn.baselines.order_search import (Order, aicc, css_residuals, difference, fit_css,
                                                lag_polynomials, min_root, ndiffs, nsdiffs,
                                                seasonal_strength, stepwise_search)
from forecastrnn.datasets import load_dataset


def noise(n, seed=0):
    return np.random.default_rng(seed).standard_normal(n)


# ------------------------------------------------------------------ pure parts, exact values
def test_differencing_decisions_on_constructed_series():
    assert ndiffs(noise(400)) == 0
    assert ndiffs(np.cumsum(noise(400))) == 1
    assert ndiffs(np.cumsum(np.cumsum(noise(400)))) == 2
    assert ndiffs(np.full(100, 3.0)) == 0
    assert ndiffs(np.arange(5.0)) == 0  # too short to test
    t = np.arange(240)
    season = 10 * np.sin(2 * np.pi * t / 12)
    assert seasonal_strength(season + noise(240), 12) > 0.9
    assert nsdiffs(season + noise(240), 12) == 1
    assert nsdiffs(noise(240), 12) == 0
    assert nsdiffs(season + noise(240), 1) == 0
    assert seasonal_strength(np.full(100, 1.0), 12) == 0.0


def test_difference_aicc_polynomials_roots_exact():
    np.testing.assert_array_equal(difference(np.arange(6.0) ** 2, 1, 0, 1), [1, 3, 5, 7, 9])
    np.testing.assert_array_equal(difference(np.arange(8.0), 0, 1, 3), [3, 3, 3, 3, 3])
    np.testing.assert_array_equal(difference(np.arange(8.0) ** 2, 1, 1, 3), [6, 6, 6, 6])
    assert aicc(-10.0, 2, 20) == pytest.approx(20 + 4 + 12 / 17)
    assert aicc(-10.0, 5, 6) == math.inf
    ar, ma = lag_polynomials([0.5, 0.2, 0.3, 0.4], Order(1, 1, 1, 1, False), m=4)
    np.testing.assert_allclose(ar, [1, -0.5, 0, 0, -0.3, 0.15])
    np.testing.assert_allclose(ma, [1, 0.2, 0, 0, 0.4, 0.08])
    assert min_root([1, -0.5]) == pytest.approx(2.0)
    assert min_root([1.0]) == math.inf
    # CSS residuals of an AR(1) are y_t - phi y_{t-1}; an MA(1) recursion from e_0 = 0.
    np.testing.assert_allclose(css_residuals(np.array([1.0, 2, 4]), np.array([1, -0.5]), np.array([1.0])), [1.5, 3])
    np.testing.assert_allclose(css_residuals(np.array([1.0, 2, 4]), np.array([1.0]), np.array([1, 0.5])),
                               [1, 1.5, 3.25])


def test_start_values_name_statsmodels_parameters():
    values = start_values(np.array([0.5, 0.1, 0.3, 2.0, 4.0]), Order(1, 1, 1, 0, True), 24, beta=[7.0])
    assert values == pytest.approx({"ar.L1": 0.5, "ma.L1": 0.1, "ar.S.L24": 0.3, "sigma2": 4.0,
                                    "intercept": 2.0 * 0.5 * 0.7, "x1": 7.0})


def test_stepwise_search_follows_hyndman_khandakar():
    def score(o):
        return (o.p - 3) ** 2 + (o.q - 1) ** 2 + o.P + 2 * o.Q + (0 if o.constant else 0.5)

    best, scores = stepwise_search(score)
    assert best == Order(3, 1, 0, 0, True)
    assert list(scores)[:5] == [Order(2, 2, 1, 1, True), Order(0, 0, 0, 0, True), Order(1, 0, 1, 0, True),
                                Order(0, 1, 0, 1, True), Order(0, 0, 0, 0, False)]
    assert all(o.p <= 5 and o.q <= 5 and o.P <= 2 and o.Q <= 2 for o in scores)
    best, scores = stepwise_search(score, seasonal=False, allow_constant=False, max_p=2)
    assert best == Order(2, 1, 0, 0, False)
    assert all(o.P == o.Q == 0 and not o.constant and o.p <= 2 for o in scores)
    fixed, scores = stepwise_search(score, min_P=1, max_P=1, min_Q=0, max_Q=0)
    assert fixed.P == 1 and all(o.P == 1 and o.Q == 0 for o in scores)


def test_css_recovers_arma_coefficients():
    from statsmodels.tsa.arima_process import arma_generate_sample

    y = arma_generate_sample([1, -0.6], [1, 0.3], 3000, distrvs=np.random.default_rng(3).standard_normal)
    score, params = fit_css(y + 5.0, Order(1, 1, 0, 0, True), 1)
    np.testing.assert_allclose(params, [0.6, 0.3, 5.0, 1.0], atol=0.08)
    assert score < fit_css(y + 5.0, Order(0, 0, 0, 0, True), 1)[0]
    assert fit_css(y, Order(2, 2, 0, 0, False), 1)[0] > score - 10  # more terms, no big gain


# ------------------------------------------------------------------ the wrong-row regressions
def frame_ab(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": 100 + np.cumsum(rng.standard_normal(n)), "b": rng.standard_normal(n)},
                        index=pd.date_range("2020-01-01", periods=n, freq="D"))


def test_arima_fits_the_named_target_not_the_last_column():
    data = frame_ab()
    model = ARIMAForecaster(horizon=5).fit(data, target="a")
    assert model.target_ == ["a"]
    alone = ARIMAForecaster(horizon=5).fit(data[["a"]])
    np.testing.assert_allclose(model.predict()["a"], alone.predict()["a"])
    assert abs(model.predict()["a"].iloc[0] - data["a"].iloc[-1]) < 5  # a level near a's, not b's


def test_backtest_with_two_targets_scores_each_target_with_its_own_model():
    data = frame_ab()
    table = backtest(ARIMAForecaster(order=(1, 0, 0)), data, horizon=3, n_windows=2, target=["a", "b"])
    assert set(table["target"]) == {"a", "b"}
    for t in ("a", "b"):
        single = backtest(ARIMAForecaster(order=(1, 0, 0)), data[[t]], horizon=3, n_windows=2)
        np.testing.assert_allclose(table[table.target == t]["y_pred"], single["y_pred"])


@pytest.mark.parametrize("freq, m, fourier", [("W-SUN", 52, None), ("MS", 12, [12]), ("B", 5, [5])])
def test_fourier_terms_keep_their_phase_after_the_data(freq, m, fourier):
    n = 6 * m + 3
    t = np.arange(n + m)
    y = 20 + 5 * np.sin(2 * np.pi * t / m) + 0.1 * noise(n + m, 4)
    full = pd.DataFrame({"y": y}, index=pd.date_range("2015-01-05", periods=n + m, freq=freq))
    model = ARIMAForecaster(order=(1, 0, 0), fourier_seasons=fourier, season_length=m, horizon=m)
    model.fit(full.iloc[:n])
    assert model.fit_info_["y"]["fourier_pairs"] == min(3, (m - 1) // 2)
    ahead = model.predict()["y"].to_numpy()
    inside = model.forecast_origins(full, [n], m)[0][0, :, 0]  # same origin, read from a longer frame
    np.testing.assert_allclose(ahead, inside, rtol=1e-6)
    assert np.abs(ahead - y[n:]).mean() < 0.5


# ------------------------------------------------------------------ automatic orders
def test_airline_order_is_seasonal_with_d1_and_beats_seasonal_naive():
    frame = load_dataset("airline")
    train, test = frame.iloc[:-24], frame["passengers"].to_numpy()[-24:]
    model = ARIMAForecaster(horizon=24).fit(train)
    info = model.fit_info_["passengers"]
    assert info["seasonal_order"][1] == 1 and info["seasonal_order"][3] == 12
    assert info["failed_fits"] == 0 and info["fit_rows"] == len(train)
    arima_mae = np.abs(model.predict()["passengers"].to_numpy() - test).mean()
    snaive = train["passengers"].to_numpy()[-12:][np.arange(24) % 12]
    assert arima_mae < np.abs(snaive - test).mean()
    assert arima_label(info).startswith("ARIMA(") and "[12]" in arima_label(info)


def test_drift_is_fitted_when_one_difference_is_taken():
    y = 0.5 * np.arange(400) + np.cumsum(noise(400, 5))
    model = ARIMAForecaster(season_length=1, horizon=50).fit(y)
    info = model.fit_info_["y"]
    assert info["order"][1] == 1 and info["constant"]
    slope = np.polyfit(np.arange(50), model.predict()["y"].to_numpy(), 1)[0]
    assert abs(slope - 0.5) < 0.15
    assert "with drift" in arima_label(info)


def test_given_seasonal_order_is_kept_and_only_pdq_searched():
    t = np.arange(144)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + np.cumsum(noise(144, 6))
    monthly = pd.DataFrame({"y": y}, index=pd.date_range("2000-01", periods=144, freq="MS"))
    model = ARIMAForecaster(seasonal_order=(0, 1, 1, 12)).fit(monthly)
    assert model.fit_info_["y"]["seasonal_order"] == (0, 1, 1, 12)


def test_fit_rows_and_method_css():
    y = np.cumsum(noise(300, 7))
    model = ARIMAForecaster(max_fit_rows=100, method="css", season_length=1, horizon=3).fit(y)
    assert model.fit_info_["y"]["fit_rows"] == 100
    assert model.states_[0]["results"].nobs == 300  # the state still ran over every row
    with pytest.raises(ValueError, match="`method` must be 'auto', 'css-ml' or 'css'. Received: method='ml'"):
        ARIMAForecaster(method="ml").fit(y)
    with pytest.raises(ValueError, match="`max_p` must be a non-negative integer. Received: max_p=-1"):
        ARIMAForecaster(max_p=-1).fit(y)


@pytest.mark.parametrize("spec", [dict(exog=["x"], fourier_seasons=[30], season_length=1),
                                  dict(season_length=7, max_fit_rows=300),
                                  dict(order=(1, 1, 1), season_length=1)])
def test_batched_forecasts_equal_statsmodels_per_origin_predictions(spec):
    t = np.arange(400)
    rng = np.random.default_rng(8)
    x = rng.standard_normal(400)
    y = 5 + 2 * x + 3 * np.sin(2 * np.pi * t / 7) + np.cumsum(0.3 * rng.standard_normal(400)) + 0.02 * t
    y[[50, 51, 300]] = np.nan
    data = pd.DataFrame({"x": x, "y": y}, index=pd.date_range("2020-01-01", periods=400, freq="D"))
    columns = ["x", "y"] if "exog" in spec else ["y"]
    model = ARIMAForecaster(horizon=6, **spec).fit(data[columns].iloc[:350])
    results = model.states_[0]["results"]
    assert results.nobs == 350
    origins = np.r_[300:345:11, [] if "exog" in spec else [350]].astype(int)  # user regressors end with the data
    point, lower, upper = model.forecast_origins(data[columns].iloc[:350], origins, level=0.8)
    design = model._design(data[columns], model.states_[0]["fourier"]) if "exog" in spec or "fourier_seasons" in spec else None
    for i, o in enumerate(origins):
        kwargs = {} if design is None or o < 345 else {"exog": design[350:o + 6]}
        if o < 350:
            pred = results.get_prediction(start=o, end=o + 5, dynamic=True, **kwargs)
        else:
            pred = results.get_forecast(6, **kwargs)
        np.testing.assert_allclose(point[i, :, 0], pred.predicted_mean, rtol=1e-7, atol=1e-7)
        np.testing.assert_allclose(np.c_[lower[i, :, 0], upper[i, :, 0]], pred.conf_int(alpha=0.2),
                                   rtol=1e-6, atol=1e-6)


def test_a_missing_regressor_value_is_interpolated_not_a_failed_fit():
    rng = np.random.default_rng(3)
    promo = (np.arange(200) % 6 == 0).astype(float)
    data = pd.DataFrame({"promo": promo, "y": 20 + 5 * promo + rng.normal(0, 0.5, 200)},
                        index=pd.date_range("2024-01-01", periods=200, freq="D"))
    gappy = data.assign(promo=data.promo.where(~data.index.isin(data.index[[10, 11, 185]])))
    model = ARIMAForecaster(horizon=6, season_length=1).fit(gappy, features=["promo"])
    point = model.forecast_origins(gappy, [180, 190])[0][:, :, 0]
    assert np.isfinite(point).all()
    np.testing.assert_allclose(point[1], 20 + 5 * promo[190:196], atol=1)  # the regressor is read
    assert "regressors ['promo']" in model.describe()


def test_a_fixed_daily_profile_without_seasonal_differencing_is_fitted_as_fourier_terms():
    rng = np.random.default_rng(11)
    t = np.arange(24 * 40)
    y = np.cumsum(rng.standard_normal(len(t))) + 2 * np.sin(2 * np.pi * t / 24) + 0.3 * rng.standard_normal(len(t))
    assert seasonal_strength(y, 24) < 0.64  # so D = 0 and both designs are searched
    data = pd.DataFrame({"y": y}, index=pd.date_range("2020-01-01", periods=len(t), freq="h"))
    model = ARIMAForecaster(horizon=24).fit(data.iloc[:-24])
    info = model.fit_info_["y"]
    assert info["fourier_pairs"] == 3 and info["seasonal_order"] == (0, 0, 0, 0) and info["order"][1] == 1
    _, alt = model._auto(y[:-24], None)  # the seasonal-ARMA design on its own
    assert alt.model.seasonal_periods == 24 and model.states_[0]["results"].aicc < alt.aicc
    forecast = model.predict()["y"].to_numpy()
    assert np.corrcoef(forecast - forecast.mean(), np.sin(2 * np.pi * t[-24:] / 24))[0, 1] > 0.9


def test_a_season_longer_than_half_the_series_is_not_modelled():
    """Fourier terms of a 52-week season fitted to 10 weeks ran off to -18,000 within a year;
    a season now needs two whole seasons of rows, as the seasonal ARMA terms do."""
    y = pd.Series([52.4, 58.0, 58.3, 57.5, 60.8, 61.4, 62.2, 62.5, 64.3, 62.4],
                  index=pd.date_range("2020-01-05", periods=10, freq="W-SUN"))
    model = ARIMAForecaster(horizon=52, season_length=52).fit(y)
    assert model.fit_info_["y"]["fourier_pairs"] == 0
    forecast = model.predict()["y"].to_numpy()
    assert np.all((forecast > 40) & (forecast < 90)), forecast
    hourly = pd.Series(noise(40) + 10, index=pd.date_range("2020-01-01", periods=40, freq="h"))
    assert ARIMAForecaster(horizon=24, fourier_seasons=[168]).fit(hourly).fit_info_["y"]["fourier_pairs"] == 0


def test_three_rows_are_too_few_for_an_arima_that_would_forecast_zero():
    # on 3 rows only the zero-mean white noise could be scored: its forecast was 0 for a level of 52
    with pytest.raises(ValueError, match=r"needs at least 4 observed rows\. Received: 3 rows, 3 observed"):
        ARIMAForecaster(horizon=4).fit(np.array([50.7, 52.8, 53.0]))
    forecast = ARIMAForecaster(horizon=4).fit(np.array([50.7, 52.8, 53.0, 52.1])).predict()["y"].to_numpy()
    assert np.all(np.abs(forecast - 52) < 3), forecast


def test_a_level_clearly_off_zero_keeps_its_mean_in_an_undifferenced_model():
    # 1, 2, 3, 4 (5 daily rows in a CLI backtest): AICc's penalty on 4 rows took the zero-mean
    # model, whose forecast was 0 (sMAPE 200)
    model = ARIMAForecaster(horizon=2).fit(np.array([1.0, 2.0, 3.0, 4.0]))
    info = model.fit_info_["y"]
    assert info["constant"] and info["order"][1] == 0
    np.testing.assert_allclose(model.predict()["y"], [2.5, 2.5])
    noise = np.random.default_rng(3).standard_normal(60)  # a mean near zero may still go without one
    assert np.isfinite(ARIMAForecaster(horizon=2).fit(noise).predict()["y"]).all()

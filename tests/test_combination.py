import json

import numpy as np
import pandas as pd
import pytest

from forecastrnn import (CombinationForecaster, DriftForecaster, GlobalRNNForecaster, ThetaForecaster, backtest,
                         backtest_panel)
from forecastrnn.models.combination import combine, member_weights, shared_out


def test_member_weights_turn_errors_into_weights():
    errors = np.array([[1.0, 2.0, 4.0], [0.0, 1.0, 1.0], [np.nan, 1.0, 3.0], [np.nan] * 3])
    inverse = member_weights(errors, "inverse")
    np.testing.assert_allclose(inverse[0], np.array([1, 0.5, 0.25]) / 1.75)
    np.testing.assert_allclose(inverse[1], [1, 0, 0])  # a perfect member takes all the weight
    np.testing.assert_allclose(inverse[2], [0, 0.75, 0.25])  # no error, no weight
    np.testing.assert_allclose(inverse[3], [1 / 3] * 3)  # nothing known: equal weights
    np.testing.assert_allclose(member_weights(errors, "select")[0], [1, 0, 0])
    np.testing.assert_allclose(member_weights(errors, "select")[2], [0, 1, 0])
    np.testing.assert_allclose(member_weights(errors, "mean")[2], [0, 0.5, 0.5])
    with pytest.raises(ValueError, match="`method` must be one of"):
        member_weights(errors, "best")
    stack = np.array([[1.0], [2.0], [10.0]])
    assert combine(stack, np.array([0.5, 0.5, 0.0]), "inverse")[0] == 1.5
    assert combine(stack, np.array([1 / 3] * 3), "median")[0] == 2.0
    # weights (members, series): an unusable member's weight goes to the others in proportion
    w = np.array([[0.5, 1.0], [0.3, 0.0], [0.2, 0.0]])
    usable = np.array([[True, False], [False, True], [True, True]])
    np.testing.assert_allclose(shared_out(w, usable, np.full((3, 2), 1 / 3)), [[5 / 7, 1 / 3], [0, 1 / 3], [2 / 7, 1 / 3]])


def series(n=80, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    index = pd.date_range("2020-01-01", periods=n, freq="MS")
    return pd.DataFrame({"y": 50 + 0.8 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)}, index=index)


def one_series_combination(**kwargs):
    # A baseline stands in for the network: the weighting is what is tested, fast.
    return CombinationForecaster(network=DriftForecaster(horizon=6), baselines=("naive", "theta"), horizon=6,
                                 refit_network=False, **kwargs)


def test_weights_come_from_the_last_horizon_of_the_training_rows():
    data = series()
    model = one_series_combination().fit(data)
    y, h = data["y"].to_numpy(), 6
    errors = []
    for member in (DriftForecaster(horizon=h), __import__("forecastrnn").NaiveForecaster(horizon=h),
                   ThetaForecaster(horizon=h, season_length=12)):
        forecast = member.fit(data.iloc[:-h]).predict()["y"].to_numpy()
        errors.append(np.abs(forecast - y[-h:]).mean())
    np.testing.assert_allclose(model.weights_.loc["series"], member_weights(np.array([errors]), "inverse")[0])
    assert model.members_ == ["network", "naive", "theta"]
    assert list(model.settings_["configurations"]) == ["network"]  # no time_budget: no search
    assert "combination (inverse" in model.describe()
    forecast = model.predict(level=0.9)
    assert list(forecast.columns) == ["y", "y_lower", "y_upper"] and len(forecast) == h
    assert forecast.index[0] == data.index[-1] + pd.offsets.MonthBegin()
    assert (forecast.y_lower < forecast.y).all() and (forecast.y < forecast.y_upper).all()
    # a member whose interval is infinite (too few calibration scores) leaves the bounds to the others
    keys, members = model.forecast_members(data, [len(data) - h], level=0.9)
    members["network"] = (members["network"][0], np.full_like(members["network"][1], -np.inf),
                          np.full_like(members["network"][2], np.inf))
    point, lower, upper = model.combine_members(keys, members)
    w = model.weights_.loc["series"].to_numpy()
    np.testing.assert_allclose(point, sum(wi * members[m][0] for wi, m in zip(w, model.members_)))
    np.testing.assert_allclose(lower, (w[1] * members["naive"][1] + w[2] * members["theta"][1]) / (w[1] + w[2]))
    assert np.isfinite(upper).all()


def test_backtest_weights_read_no_test_row():
    """The combination in a backtest is weighed on rows before the test span: changing the
    test rows changes neither its weights nor its forecasts from the first origin."""
    data = series(96)
    changed = data.copy()
    changed.iloc[-24:] *= 3
    runs = [backtest({"combination": one_series_combination()}, d, horizon=6, n_windows=4, level=None,
                     return_models=True) for d in (data, changed)]
    pd.testing.assert_frame_equal(runs[0][1]["combination"].weights_, runs[1][1]["combination"].weights_)
    first = [t[t.origin == t.origin.min()].y_pred.to_numpy() for t, _ in runs]
    np.testing.assert_allclose(first[0], first[1])


def long_panel(n_series=4, seed=0):
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_series):
        n = 40 + 8 * i
        t = np.arange(n)
        parts.append(pd.DataFrame({"unique_id": f"s{i}", "y": 20 + i + 0.3 * t + 3 * np.sin(2 * np.pi * t / 4)
                                   + rng.normal(0, 0.5, n)}))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.slow
def test_panel_combination_backtest_predict_save_load(tmp_path):
    data = long_panel().assign(unique_id=lambda d: d.unique_id.str[1:].astype(int))  # stores 0 .. 3
    net = GlobalRNNForecaster(horizon=4, units=4, epochs=1, n_models=1, verbose=0, random_state=0)
    model = CombinationForecaster(network=net, baselines=("naive", "theta"), horizon=4, season_length=4,
                                  refit_network=False)
    table = backtest_panel({"combination": model, "theta": ThetaForecaster(horizon=4, season_length=4)}, data,
                           horizon=4, n_windows=2, season_length=4, level=0.9)
    assert set(table.model) == {"combination", "theta"} and table.y_pred.notna().all()
    from forecastrnn.progress import reporting

    said = []
    with reporting(said.append):  # the CLI's stage line hears how far the members' validation forecasts are
        fitted = model.fit(data)
    assert "its members on validation windows, 4/4 series" in said
    # numeric ids came back as numbers from the inner backtest and matched none of its keys (KeyError 'network')
    assert list(fitted.weights_.index) == ["0", "1", "2", "3", "*"] and fitted.weights_.notna().all().all()
    assert fitted.validation_errors_.notna().all().all()  # each series' errors in its own MASE units
    np.testing.assert_allclose(fitted.weights_.sum(axis=1), 1.0)
    forecast = fitted.predict(level=0.9)
    assert list(forecast.columns) == ["unique_id", "ds", "y", "y_lower", "y_upper"] and len(forecast) == 16
    assert forecast.unique_id.tolist()[::4] == [0, 1, 2, 3]
    fitted.save(tmp_path / "comb")
    assert json.loads((tmp_path / "comb" / "state.json").read_text())["format"] == "forecastrnn.CombinationForecaster"
    loaded = CombinationForecaster.load(tmp_path / "comb")
    pd.testing.assert_frame_equal(loaded.predict(level=0.9), forecast)
    new = data[data.unique_id == 1].assign(unique_id="new")  # a series never weighed: the panel's weights
    np.testing.assert_allclose(loaded._weights_of("new"), fitted.weights_.loc["*"])
    assert len(loaded.predict(new)) == 4
    # a series too short for Theta: the network and naive share Theta's weight (it used to stop the forecast)
    short = new.head(3).assign(unique_id="short")
    assert loaded._baselines(4)["theta"].min_history > 3
    w = loaded._weights_of("short")[:2] / loaded._weights_of("short")[:2].sum()
    expected = w[0] * loaded.network_.predict(short)["y"].to_numpy() + w[1] * short.y.iloc[-1]
    np.testing.assert_allclose(loaded.predict(short)["y"].to_numpy(), expected)


@pytest.mark.slow
def test_search_tries_windows_within_the_budget_reproducibly_and_keeps_explicit_values():
    from forecastrnn import RNNForecaster

    data = series(60)
    net = RNNForecaster(horizon=6, units=4, epochs=1, n_models=1, dropout=0.0, verbose=0, random_state=0)

    def fit(network, **kwargs):
        return CombinationForecaster(network=network, baselines=("naive",), horizon=6, season_length=1,
                                     refit_network=False, top_k=2, **kwargs).fit(data)

    searched = fit(net, time_budget=1e6)
    tried = searched.settings_["configurations"]
    assert len(tried) >= 3 and {"network[window=6]", "network[window=18]"} <= set(tried)
    best = sorted(tried, key=lambda c: tried[c]["error"])[:2]
    assert searched.settings_["chosen"] == [tried[c]["overrides"] for c in best]
    assert len(searched.networks_) == 2 and "median of 2 of" in searched.describe()
    assert fit(net, time_budget=1e6).settings_ == searched.settings_  # the same random_state, the same choice
    pinned = fit(clone_with(net, window=12), time_budget=1e6)
    assert list(pinned.settings_["configurations"]) == ["network"]  # an explicit window is never overridden
    assert pinned.network_.settings_["window"] == 12


def clone_with(model, **params):
    from sklearn.base import clone

    return clone(model).set_params(**params)


def test_too_short_to_hold_out_a_horizon_weighs_members_equally(tmp_path):
    data = series(10)  # drift needs 2 rows, theta more: 6 + 2 > 10 rows is not enough for a held-out horizon
    with pytest.warns(RuntimeWarning, match="weighs its members equally"):
        model = CombinationForecaster(network=DriftForecaster(horizon=6), baselines=("naive", "theta"), horizon=6,
                                      season_length=1, refit_network=False).fit(data.iloc[:7])
    np.testing.assert_allclose(model.weights_.loc["*"], [1 / 3] * 3)
    assert len(model.predict()) == 6 and model.predict().y.notna().all()
    model.save(tmp_path / "short")
    np.testing.assert_allclose(CombinationForecaster.load(tmp_path / "short").weights_.loc["*"], [1 / 3] * 3)


def test_search_covers_loss_and_normalize_without_training_the_rules_choice_twice():
    from forecastrnn import RNNForecaster

    net = RNNForecaster(horizon=6, window=12, units=4, epochs=1, n_models=1, dropout=0.0, verbose=0, random_state=0)
    combination = CombinationForecaster(network=net, baselines=("naive",), horizon=6, season_length=1,
                                        refit_network=False, search=("loss", "normalize", "anchor"))
    candidates = dict(combination._candidates(net, 6, 1, positive=True, n_series=1))
    assert {"network[loss=mse]", "network[normalize=window,anchor=theta]"} <= set(candidates)
    assert "network[normalize=last,anchor=theta]" not in candidates  # a trend anchor needs normalised windows
    assert "network[anchor=damped]" not in candidates  # one series: windows are not normalised by default
    searched = combination.set_params(search=("loss",), time_budget=1e6).fit(series(60))
    assert list(searched.settings_["configurations"]) == ["network", "network[loss=mae]"]  # the rules chose mse


@pytest.mark.slow
def test_a_combination_sharing_the_network_row_trains_it_once_and_weighs_it_on_rows_it_never_saw():
    from forecastrnn import RNNForecaster

    data = series(120)
    net = RNNForecaster(horizon=6, window=12, units=4, epochs=2, n_models=1, verbose=0, random_state=0)
    shared = CombinationForecaster(network="gru", baselines=("naive", "theta"), horizon=6, season_length=12)
    from forecastrnn import NaiveForecaster

    models = {"gru": net, "naive": NaiveForecaster(horizon=6), "theta": ThetaForecaster(horizon=6, season_length=12),
              "combination": shared}
    table, fitted = backtest(models, data, horizon=6, n_windows=2, level=0.9, return_models=True)
    combination, network = fitted["combination"], fitted["gru"]
    assert combination.network_ is network  # one training for both rows
    # Its test rows combine the other rows of the table; forecasting them again gives the same.
    again = combination.forecast_origins(data, table.attrs["first_origin"] + 6 * np.arange(2), 6, level=0.9)
    rows = table[table.model == "combination"]
    np.testing.assert_allclose(rows.y_pred, again[0].ravel())
    np.testing.assert_allclose(rows.upper, again[2].ravel())
    train = data.iloc[:table.attrs["first_origin"]]
    assert network.unseen_rows([len(train)])[0] >= 6  # the calibration rows cover the validation horizon
    point = network.forecast_origins(train, [len(train) - 6], 6)[0][0, :, 0]
    np.testing.assert_allclose(combination.validation_errors_.loc["series", "network"],
                               np.abs(point - train["y"].to_numpy()[-6:]).mean())
    with pytest.raises(ValueError, match="must come before it"):
        backtest({"combination": shared, "gru": net}, data, horizon=6, n_windows=2, level=None)
    assert combination.describe().startswith("combination (inverse")
    with pytest.raises(ValueError, match="names a model of the same backtest"):
        shared.fit(data)


def test_one_series_with_columns_known_ahead_trains_the_network_on_them_and_forecasts_with_their_future(tmp_path):
    from forecastrnn import NaiveForecaster, RNNForecaster

    promo = (np.random.default_rng(4).random(120) < 0.3).astype(float)  # not in step with the season
    data = series(120).assign(promo=promo, y=lambda d: d.y + 10 * promo)
    net = RNNForecaster(horizon=6, window=12, units=4, epochs=1, n_models=1, verbose=0, random_state=0)
    own = CombinationForecaster(network=net, baselines=("naive", "arima"), horizon=6, season_length=1).fit(
        data, target="y", known_future=["promo"])  # no season: a quick ARIMA search
    assert own.network_.known_future_ == ["promo"] and own.network_.features_ == []
    assert own._baselines(1)["arima"].exog == ["promo"]  # its ARIMA reads what its network reads
    after = pd.date_range(data.index[-1], periods=7, freq="MS")[1:]
    future = pd.DataFrame({"promo": [1.0, 0, 0, 0, 1, 0]}, index=after)
    forecast = own.predict(future=future, level=0.9)
    assert np.isfinite(forecast.to_numpy()).all()
    members = own._baseline_forecasts(own.history_, {"series": [120]}, 6, None, own._ahead(own.history_, future, 6))
    none = members["arima"][0][0, :, 0]
    busy = own._baseline_forecasts(own.history_, {"series": [120]}, 6, None,
                                   own._ahead(own.history_, future.assign(promo=1.0), 6))["arima"][0][0, :, 0]
    np.testing.assert_allclose((busy - none)[[1, 2, 3, 5]], 10, atol=1.5)  # the regressors after the data are read
    own.save(tmp_path / "own")
    pd.testing.assert_frame_equal(CombinationForecaster.load(tmp_path / "own").predict(future=future, level=0.9),
                                  forecast)
    with pytest.raises(ValueError, match="needs the future values of \\['promo'\\]"):
        own.predict()
    with pytest.warns(RuntimeWarning, match="for 3 of the 6 steps"):  # a shorter forecast: its steps' values only
        shorter = own.predict(horizon=3, future=future.iloc[:3])
    assert len(shorter) == 3 and np.isfinite(shorter.to_numpy()).all()
    # In a backtest the network row and the combination sharing it read the column; the baselines do not.
    models = {"gru": net, "naive": NaiveForecaster(horizon=6),
              "combination": CombinationForecaster(network="gru", baselines=("naive",), horizon=6)}
    table, fitted = backtest(models, data, horizon=6, n_windows=2, level=None, return_models=True,
                             known_future=["promo"])
    assert fitted["gru"].known_future_ == ["promo"] and fitted["combination"].network_ is fitted["gru"]
    assert table.groupby("model").y_pred.count().tolist() == [12, 12, 12]


@pytest.mark.slow
def test_a_series_the_shared_network_never_held_out_takes_the_panels_weights():
    data = long_panel(3).assign(unique_id=lambda d: d.unique_id.str[1:].astype(int))  # numeric ids, as a store number
    data = pd.concat([data[data.unique_id != 0], data[data.unique_id == 0].head(14)], ignore_index=True)
    models = {"gru": GlobalRNNForecaster(horizon=4, units=4, epochs=1, n_models=1, verbose=0, random_state=0),
              "combination": CombinationForecaster(network="gru", baselines=("naive", "theta"), horizon=4,
                                                   season_length=4)}
    _, fitted = backtest_panel(models, data, horizon=4, n_windows=1, season_length=4, return_models=True)
    weights = fitted["combination"].weights_
    assert list(weights.index) == ["1", "2", "*"]  # series 0 (10 training rows) has no calibration rows
    np.testing.assert_allclose(fitted["combination"]._weights_of("0"), weights.loc["*"])

import numpy as np
import pandas as pd
import pytest

from forecastrnn import GlobalRNNForecaster, WindowSpec
from forecastrnn.models.global_forecaster import named_series, stack_series

FAST = dict(units=8, window=24, horizon=6, epochs=3, batch_size=64, verbose=0, jit_compile=False,
            n_models=1, random_state=0)


def panel(n_series=4, n=400, seed=0):
    """Daily-cycle series of very different levels and sizes."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return {f"s{i}": (10.0 ** i) * (5 + np.sin(2 * np.pi * (t + 3 * i) / 24) + 0.1 * rng.standard_normal(n))
            for i in range(n_series)}


def test_named_series_forms_and_errors():
    wide = pd.DataFrame({"a": [np.nan, 1.0, 2.0, 3.0], "b": [1.0, 2.0, np.nan, np.nan]})
    items = named_series(wide)
    assert list(items) == ["a", "b"] and items["a"].tolist() == [1, 2, 3] and items["b"].tolist() == [1, 2]
    assert list(named_series([[1, 2], pd.Series([3.0, 4.0])])) == ["0", "1"]
    with pytest.raises(ValueError, match="'x' has 1 missing value"):
        named_series({"x": [1.0, np.nan, 2.0]})
    with pytest.raises(ValueError, match="must be 1-D"):
        named_series({"x": np.ones((3, 2))})
    with pytest.raises(ValueError, match="must be numeric"):
        named_series({"x": ["a", "b"]})
    with pytest.raises(ValueError, match="at least one series"):
        named_series({})
    with pytest.raises(TypeError, match="dict or list"):
        named_series(5)


def test_stacked_windows_stay_inside_their_series_and_scalers_see_training_rows_only():
    items = {"a": np.arange(100.0), "b": np.arange(60.0) * 7, "c": np.arange(80.0) - 5}
    spec = WindowSpec(10, 5)
    scaled, train, val, scalers = stack_series(items, spec, 0.25, "standard")
    bounds = np.cumsum([0] + [len(v) for v in items.values()])
    series_of = np.searchsorted(bounds, np.arange(bounds[-1]), side="right") - 1
    for starts in (train, val):
        assert (series_of[starts] == series_of[starts + spec.span - 1]).all()
    for k, (name, values) in enumerate(items.items()):
        n_train = len(values) - round(0.25 * len(values))
        mine_train = train[series_of[train] == k] - bounds[k]
        mine_val = val[series_of[val] == k] - bounds[k]
        assert mine_train.max() + spec.span == n_train  # training targets end before validation rows
        assert mine_val.min() + spec.window == n_train and mine_val.max() + spec.span == len(values)
        scale, offset = scalers[name].coefficients()
        np.testing.assert_allclose(-offset / scale, [values[:n_train].mean()])
    assert scaled.shape == (240, 1)


def test_too_short_series_is_named():
    with pytest.raises(ValueError, match="Series 'tiny'"):
        stack_series({"ok": np.arange(100.0), "tiny": np.arange(12.0)}, WindowSpec(10, 5), 0.2)


@pytest.mark.slow
def test_one_network_beats_naive_on_all_series_and_round_trips(tmp_path):
    data = panel(n=500)
    history = {k: v[:450] for k, v in data.items()}
    model = GlobalRNNForecaster(**{**FAST, "epochs": 8, "learning_rate": 0.005}).fit(history)
    assert model.n_windows_ == 4 * (405 - 30 + 1)  # validation_size=0.1 of 450 rows
    forecast = model.predict()
    assert forecast.shape == (24, 3) and forecast.unique_id.unique().tolist() == list(data)
    assert forecast.ds.tolist() == list(range(450, 456)) * 4  # positions after each series' end
    for name, values in data.items():
        actual = values[450:456]
        mine = forecast.loc[forecast.unique_id == name, "y"].to_numpy()
        mae, naive = np.abs(mine - actual).mean(), np.abs(values[449] - actual).mean()
        assert mae < 0.8 * naive, (name, mae, naive)

    path = model.save(tmp_path / "global")
    loaded = GlobalRNNForecaster.load(path)
    pd.testing.assert_frame_equal(loaded.predict(), forecast)
    assert loaded.get_params() == model.get_params()
    with pytest.raises(FileExistsError):
        model.save(path)


@pytest.mark.slow
def test_new_series_are_scaled_on_their_own_history_and_runs_repeat():
    data = panel(n_series=2, n=300)
    model = GlobalRNNForecaster(**FAST).fit(data)
    again = GlobalRNNForecaster(**FAST).fit(data)
    pd.testing.assert_frame_equal(model.predict(), again.predict())
    y = np.sin(np.arange(200) / 3.0)
    small, large = model.predict({"new": y})["y"], model.predict({"new": 1000 * y + 5})["y"]
    np.testing.assert_allclose(large, 1000 * small + 5, rtol=1e-4)
    assert model.predict(horizon=2).shape == (4, 3)
    with pytest.raises(ValueError, match="at most the trained horizon"):
        model.predict(horizon=7)
    with pytest.raises(ValueError, match="at least window=24"):
        model.predict({"short": y[:10]})


def test_unfitted_model_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GlobalRNNForecaster().predict()

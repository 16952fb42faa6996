import copy
import json

import numpy as np
import pandas as pd
import pytest

from forecastrnn import RNNForecaster
from forecastrnn.models.calibration import conformal_quantile

pytestmark = pytest.mark.slow
FAST = dict(units=8, window=24, horizon=6, epochs=4, batch_size=32, verbose=0, jit_compile=False, mc_samples=10,
            n_models=1, random_state=0)


def sine(n=720, noise=0.2, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = np.sin(2 * np.pi * t / 24) + noise * rng.standard_normal(n)
    return pd.DataFrame({"y": y}, index=pd.date_range("2022-01-01", periods=n, freq="h"))


def heldout_mae(model, frame, origins):
    point, _, _ = model.forecast_origins(frame, origins)
    y = frame["y"].to_numpy()
    actual = np.stack([y[o:o + model.horizon] for o in origins])
    naive = np.abs(actual - y[origins - 1][:, None]).mean()
    return np.abs(actual - point[..., 0]).mean(), naive



@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_learns_to_beat_the_last_value(cell):
    data = sine(900)
    model = RNNForecaster(cell=cell, **{**FAST, "epochs": 10, "learning_rate": 0.005}).fit(data.iloc[:700])
    mae, naive = heldout_mae(model, data, np.arange(700, 890, 3))
    assert mae < 0.85 * naive, (mae, naive)


@pytest.mark.parametrize("kwargs", [dict(bidirectional=True), dict(units=[8, 4]),
                                    dict(layers=2, recurrent_dropout=0.2, dropout=0.1),
                                    dict(cell="simplernn")])
def test_variants_train(kwargs):
    model = RNNForecaster(**{**FAST, "epochs": 2, **kwargs}).fit(sine(400))
    assert len(model.history_["loss"]) == 2 and np.isfinite(model.history_["loss"]).all()
    assert np.isfinite(model.predict(level=0.9).to_numpy()).all()


def test_scaler_is_fitted_on_training_rows_only():
    data = sine(400) + np.linspace(0, 10, 400)[:, None]  # a trend makes the leak visible
    model = RNNForecaster(**{**FAST, "epochs": 1, "validation_size": 0.15}).fit(data)
    assert model.n_train_rows_ == 300  # 400 - 60 validation - 40 calibration rows
    scale, offset = model.scalers_["series"].coefficients(["y"])
    np.testing.assert_allclose(-offset / scale, [data["y"].iloc[:300].mean()])


def test_conformal_quantile_small_n_exact_values():
    scores = np.arange(1.0, 11.0)  # n = 10
    assert conformal_quantile(scores, 0.5) == 6.0  # ceil(11 * 0.5) = 6th smallest
    assert conformal_quantile(scores, 0.9) == 10.0  # ceil(9.9) = 10th
    with pytest.warns(RuntimeWarning, match=r"Only 10 calibration score\(s\) for a 95% interval, which needs "
                                            "at least 19: its bound is infinite"):
        assert conformal_quantile(scores, 0.95) == np.inf  # ceil(10.45) = 11 > n
    # NaN scores do not count; each column has its own n.
    two = np.array([[1.0, 5.0], [2.0, np.nan], [3.0, np.nan], [4.0, np.nan]])
    np.testing.assert_array_equal(conformal_quantile(two, 0.5), [3.0, 5.0])  # ceil(5 * .5) = 3; ceil(2 * .5) = 1
    with pytest.warns(RuntimeWarning, match="Only 1 calibration score"):
        np.testing.assert_array_equal(conformal_quantile(two, 0.75), [4.0, np.inf])
    # With 5 scores the 90 % and 99 % bounds are no longer the same (both infinite, honestly).
    with pytest.warns(RuntimeWarning):
        assert conformal_quantile(np.arange(5.0), 0.8) == 4.0 and conformal_quantile(np.arange(5.0), 0.9) == np.inf


def test_calibration_rows_are_apart_from_training_and_early_stopping():
    data = sine(500)
    model = RNNForecaster(**{**FAST, "epochs": 3}).fit(data)
    n_cal = 50  # calibration_size=0.1 of 500 rows: the last 50
    assert model.calibration_scores_.shape == (n_cal, 6, 1)
    assert np.isfinite(model.calibration_scores_).all()
    # A wild last value changes its own scores but nothing the network learnt (nor any
    # forecast: no origin reads the last row).
    wild = data.copy()
    wild.iloc[-1, 0] += 50.0
    other = RNNForecaster(**{**FAST, "epochs": 3}).fit(wild)
    assert other.history_ == model.history_
    origins = np.arange(24, 450, 7)
    np.testing.assert_array_equal(other.forecast_origins(data, origins)[0], model.forecast_origins(data, origins)[0])
    assert (other.calibration_scores_[-1] > model.calibration_scores_[-1] + 40).all()
    np.testing.assert_array_equal(other.calibration_scores_[:-1], model.calibration_scores_[:-1])


def test_anchor_auto_follows_the_season_and_an_untrained_network_is_its_anchor():
    data = sine(400)
    assert RNNForecaster(**{**FAST, "epochs": 1}).fit(data).settings_["anchor"] in ("season", "season_mean")
    walk = pd.DataFrame({"y": np.cumsum(np.random.default_rng(3).standard_normal(400))}, index=data.index)
    assert RNNForecaster(**{**FAST, "epochs": 1}).fit(walk).settings_["anchor"] == "last"
    # A zero learning rate leaves the zero output layer: the forecast is the seasonal naive one.
    model = RNNForecaster(**{**FAST, "epochs": 2, "learning_rate": 1e-12, "anchor": "season"}).fit(data)
    y = data["y"].to_numpy()
    np.testing.assert_allclose(model.predict()["y"].to_numpy(), y[-24:-18], rtol=1e-4, atol=1e-5)


def test_ensemble_is_reproducible_and_one_member_is_the_single_model():
    data = sine(400)
    runs = [RNNForecaster(**{**FAST, "epochs": 2, "n_models": 3}).fit(data) for _ in range(2)]
    assert runs[0].model_.output_shape == (None, 3, 6, 1)
    pd.testing.assert_frame_equal(runs[0].predict(level=0.9), runs[1].predict(level=0.9))
    kernels = [runs[0].model_.get_layer(f"member_{i}").get_layer("gru_0").get_weights()[0] for i in range(3)]
    assert not np.allclose(kernels[0], kernels[1]) and not np.allclose(kernels[1], kernels[2])  # own seeds
    single = RNNForecaster(**{**FAST, "epochs": 2}).fit(data)
    assert single.model_.output_shape == (None, 1, 6, 1) and single.settings_["n_models"] == 1


@pytest.mark.parametrize("dropout", [0.0, 0.2])
def test_interval_coverage_is_close_to_nominal(dropout):
    data = sine(1400, noise=0.3, seed=1)
    model = RNNForecaster(**{**FAST, "epochs": 5, "dropout": dropout, "mc_samples": 20,
                             "calibration_size": 0.2}).fit(data.iloc[:1000])
    origins = np.arange(1000, 1400 - 6)
    _, lower, upper = model.forecast_origins(data, origins, level=0.9)
    y = data["y"].to_numpy()
    actual = np.stack([y[o:o + 6] for o in origins])[..., None]
    coverage = ((actual >= lower) & (actual <= upper)).mean()
    assert abs(coverage - 0.9) < 0.06, coverage


def test_same_random_state_gives_identical_forecasts():
    data = sine(400)
    runs = [RNNForecaster(**{**FAST, "epochs": 2, "dropout": 0.1, "jit_compile": "auto"})
            .fit(data).predict(level=0.9) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_multivariate_inputs_multiple_targets_and_other_history(tmp_path):
    data = sine(400)
    data["x"] = np.cos(np.arange(400) / 5)
    data["z"] = data["y"] * 0.5
    model = RNNForecaster(**{**FAST, "epochs": 1}).fit(data, target=["y", "z"], features=["x"])
    assert model.features_ == ["x"] and model.target_ == ["y", "z"]
    assert RNNForecaster(**{**FAST, "epochs": 1}).fit(data, target="y").features_ == []  # the target alone
    assert RNNForecaster(**{**FAST, "epochs": 1}).fit(data, target="y", features="all").features_ == ["x", "z"]
    assert model.predict(level=0.5).shape == (6, 6)
    other = model.predict(data.iloc[:200], horizon=3)
    assert other.index[0] == data.index[200] and other.shape == (3, 2)
    with pytest.raises(ValueError, match="at most the trained horizon 6. Received: horizon=7"):
        model.predict(horizon=7)
    with pytest.raises(ValueError, match="`features` must name columns"):
        model.predict(data[["y", "z"]])
    short = model.predict(data.iloc[:10])  # fewer rows than the window: padded and masked
    assert short.shape == (6, 2) and np.isfinite(short.to_numpy()).all()


def test_a_window_shorter_than_three_rows_predicts_with_the_training_frequency():
    data = sine(200)
    model = RNNForecaster(**{**FAST, "window": 2, "epochs": 1}).fit(data)
    future = pd.date_range(data.index[-1], periods=7, freq="h")[1:]
    assert list(model.predict().index) == list(future)  # from the kept tail of 2 rows
    assert list(model.predict(data.iloc[-2:]).index) == list(future)
    with pytest.raises(ValueError, match="training frequency 'h'. Received: frequency 'D'"):
        model.predict(data.iloc[-48:].set_axis(pd.date_range("2022-01-01", periods=48, freq="D")))


def test_a_diverging_training_stops_with_a_message_naming_what_to_change():
    from forecastrnn.models.base import TrainingDiverged

    model = RNNForecaster(**{**FAST, "epochs": 3, "learning_rate": 1e30})
    with pytest.raises(TrainingDiverged, match=r"loss became nan in epoch 1\..*smaller learning_rate"):
        model.fit(sine(200))


def test_missing_inputs_get_indicators_and_missing_targets_are_skipped():
    data = sine(400)
    data.iloc[50:60, 0] = np.nan
    model = RNNForecaster(**{**FAST, "epochs": 1}).fit(data)
    assert model.indicator_columns_ == [0]
    assert model.model_.input_shape == (None, 24, 2)
    assert np.isfinite(model.predict().to_numpy()).all()


def test_a_window_ending_on_a_missing_value_keeps_the_series_level():
    # the gap was filled with the training mean, and the network anchored on the last value
    # forecast from there: a stock at 73 after starting at 100 was forecast at 100
    rng = np.random.default_rng(0)
    y = 100 - 0.25 * np.arange(300) + rng.normal(0, 0.3, 300)
    data = pd.DataFrame({"y": y}, index=pd.date_range("2022-01-03", periods=300, freq="B"))
    data.iloc[100:103, 0] = np.nan  # the training rows have gaps: an indicator channel
    model = RNNForecaster(**{**FAST, "epochs": 2}).fit(data)
    history = data.copy()
    history.iloc[-1, 0] = np.nan  # the forecast origin's last row is missing
    point = model.predict(history)["y"].to_numpy()
    assert np.abs(point - y[-2]).max() < 5, (point, y[-2])  # near the last observed level (about 25), not the mean


def test_series_and_array_inputs():
    y = sine(300)["y"]
    assert RNNForecaster(**{**FAST, "epochs": 1}).fit(y).predict().shape == (6, 1)
    forecast = RNNForecaster(**{**FAST, "epochs": 1}).fit(y.to_numpy()).predict()
    assert list(forecast.index) == list(range(300, 306))


def test_save_load_round_trip_and_refusals(tmp_path):
    data = sine(300)
    model = RNNForecaster(**{**FAST, "epochs": 1, "dropout": 0.1}).fit(data)
    path = tmp_path / "model"
    model.save(path)
    assert sorted(p.name for p in path.iterdir()) == ["model.keras", "state.json"]
    state = json.loads((path / "state.json").read_text())
    assert state["params"]["cell"] == "gru" and state["state"]["target"] == ["y"]
    loaded = RNNForecaster.load(path)
    pd.testing.assert_frame_equal(loaded.predict(level=0.9), model.predict(level=0.9))
    pd.testing.assert_frame_equal(loaded.predict(data.iloc[:100]), model.predict(data.iloc[:100]))
    with pytest.raises(FileExistsError, match="already exists"):
        model.save(path)
    model.save(path, overwrite=True)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left

    document = json.loads((path / "state.json").read_text())
    (path / "state.json").write_text(json.dumps({**document, "format_version": 2}))
    with pytest.raises(ValueError, match="has format_version 2; this forecastrnn reads 5"):
        RNNForecaster.load(path)
    del document["state"]["tails"]
    (path / "state.json").write_text(json.dumps(document))
    with pytest.raises(ValueError, match="Corrupt model state.*KeyError: 'tails'"):
        RNNForecaster.load(path)
    (path / "state.json").write_text("{not json")
    with pytest.raises(ValueError, match="Corrupt state.json"):
        RNNForecaster.load(path)
    (path / "state.json").unlink()
    with pytest.raises(ValueError, match=r"Incomplete model directory.*\['state.json'\] missing"):
        RNNForecaster.load(path)
    with pytest.raises(ValueError, match="not a directory"):
        RNNForecaster.load(tmp_path / "nothing")


def test_bad_parameters():
    with pytest.raises(ValueError, match="`loss` must be one of"):
        RNNForecaster(**{**FAST, "loss": "l3"}).fit(sine(200))
    with pytest.raises(ValueError, match="window=0"):
        RNNForecaster(**{**FAST, "window": 0}).fit(sine(200))
    model = RNNForecaster(**{**FAST, "epochs": 1}).fit(sine(200))
    with pytest.raises(ValueError, match="`level` must be a float in"):
        model.predict(level=90)


def test_integer_index_survives_save_and_load(tmp_path):
    model = RNNForecaster(**{**FAST, "epochs": 1}).fit(sine(300)["y"].to_numpy())
    model.save(tmp_path / "m")
    assert list(RNNForecaster.load(tmp_path / "m").predict().index) == list(range(300, 306))


def test_refit_trains_on_every_row_for_the_chosen_epochs_and_keeps_the_calibration():
    data = sine(400)
    model = RNNForecaster(**{**FAST, "epochs": 3}).fit(data)
    cold = model.refit(data, warm_start=False)  # from scratch, for the epochs early stopping chose
    assert len(cold.history_["loss"]) == int(np.argmin(model.history_["val_loss"])) + 1
    start = [w.copy() for w in model.model_.get_weights()]
    final = model.refit(data)  # warm: from the fitted weights, the new windows' share of the epochs
    assert final is not model and final.n_train_rows_ == 400 and model.n_train_rows_ == 320
    chosen = int(np.argmin(model.history_["val_loss"])) + 1
    share = (final.n_windows_ - model.n_windows_) / final.n_windows_
    assert len(final.history_["loss"]) == max(1, int(np.ceil(chosen * share)))
    for before, after in zip(start, model.model_.get_weights()):  # the fitted model is untouched
        np.testing.assert_array_equal(before, after)
    frozen = copy.copy(model).set_params(learning_rate=1e-12).refit(data)  # no step: the fitted weights
    for before, after in zip(start, frozen.model_.get_weights()):
        np.testing.assert_allclose(after, before, atol=1e-6)
    assert final.settings_["window"] == 24 and final.settings_["anchor"] == model.settings_["anchor"]
    np.testing.assert_array_equal(final.calibration_scores_, model.calibration_scores_)
    assert final.predict(level=0.9).index[0] == data.index[-1] + pd.Timedelta("1h")


def test_a_network_that_never_beats_its_anchor_is_the_anchor():
    # An exactly periodic series: seasonal naive has zero validation error, nothing can beat it.
    pattern = np.random.default_rng(5).standard_normal(24)
    data = pd.DataFrame({"y": np.tile(pattern, 20)}, index=pd.date_range("2022-01-01", periods=480, freq="h"))
    model = RNNForecaster(**{**FAST, "epochs": 2}).fit(data)
    assert model.settings_["anchor"] == "season" and model.settings_["fell_back"]
    np.testing.assert_allclose(model.predict()["y"].to_numpy(), pattern[:6], atol=1e-5)
    final = model.refit(data)
    assert final.settings_["fell_back"]
    np.testing.assert_allclose(final.predict()["y"].to_numpy(), pattern[:6], atol=1e-5)

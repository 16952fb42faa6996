import numpy as np
import pandas as pd
import pytest

from forecastrnn import GlobalRNNForecaster, WindowSpec
from forecastrnn.data.stack import named_series, stacked_window_starts, window_starts

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
    inside = named_series({"x": [1.0, np.nan, 2.0]})["x"]  # kept: the model fills and flags it
    assert np.isnan(inside[1]) and len(inside) == 3
    with pytest.raises(ValueError, match="two series named '1'"):
        named_series({1: [1.0, 2.0], "1": [3.0, 4.0]})
    with pytest.raises(ValueError, match="'x' has no values"):
        named_series({"x": [np.nan, np.nan]})
    with pytest.raises(ValueError, match="must be 1-D"):
        named_series({"x": np.ones((3, 2))})
    with pytest.raises(ValueError, match="must be numeric"):
        named_series({"x": ["a", "b"]})
    with pytest.raises(ValueError, match="at least one series"):
        named_series({})
    with pytest.raises(TypeError, match="dict or list"):
        named_series(5)


def test_stacked_windows_stay_inside_their_series_and_skip_missing_targets():
    spec = WindowSpec(10, 5)
    lengths, offsets, bounds = [100, 60, 80], [], []
    offset = 0
    for n in lengths:  # laid out as the model does: each series, then `horizon` future rows
        offsets.append(offset)
        bounds.append((offset, offset + n))
        offset += n + spec.horizon
    targets = [np.arange(float(n))[:, None] for n in lengths]
    targets[0][50] = np.nan
    for (lo, hi), n, y, off in zip(bounds, lengths, targets, offsets):
        n_val = 15
        train, val = window_starts(spec, y, n - n_val, n_val, off)
        assert train.min() >= lo and (train + spec.span).max() == hi - n_val  # training targets end before validation
        assert (val + spec.window).min() == hi - n_val and (val + spec.span).max() == hi
        for starts in (train, val):  # never a target row outside the series or missing
            rows = starts[:, None] + spec.window + np.arange(spec.horizon) - off
            assert (rows < n).all() and not np.isnan(y[rows]).any()
    train, _ = window_starts(spec, targets[0], 85, 15)
    assert not ((train + spec.window <= 50) & (train + spec.span > 50)).any() and len(train) == 71 - 5


@pytest.mark.parametrize("stride", [1, 3])
def test_stacked_window_starts_equal_the_series_by_series_ones(stride):
    spec = WindowSpec(7, 4, stride)
    rng = np.random.default_rng(3)
    lengths = rng.integers(5, 60, size=40)
    n_val = np.where(rng.random(40) < 0.3, 0, rng.integers(0, 12, size=40))
    n_train = np.maximum(lengths - n_val - rng.integers(0, 8, size=40), 0)
    blocks = np.concatenate([[0], np.cumsum(lengths + spec.horizon)[:-1]])
    targets = rng.standard_normal((int(lengths.sum() + 40 * spec.horizon), 1))
    targets[rng.random(len(targets)) < 0.05] = np.nan
    expected = [window_starts(spec, targets[b:b + n], t, v, b) for b, n, t, v in zip(blocks, lengths, n_train, n_val)]
    train, val = stacked_window_starts(spec, targets, blocks, lengths, n_train, n_val)
    np.testing.assert_array_equal(train, np.concatenate([t for t, _ in expected]))
    np.testing.assert_array_equal(val, np.concatenate([v for _, v in expected]))
    assert len(train) > 100 and len(val) > 10


@pytest.mark.slow
def test_one_network_beats_naive_on_all_series_and_round_trips(tmp_path):
    data = panel(n=500)
    history = {k: v[:450] for k, v in data.items()}
    model = GlobalRNNForecaster(**{**FAST, "epochs": 8, "learning_rate": 0.005}).fit(history)
    assert model.n_windows_ == 4 * (360 - 30 + 1)  # validation_size and calibration_size=0.1 of 450 rows
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
    short = model.predict({"short": y[:10]})  # fewer rows than the window: padded and masked
    assert len(short) == 6 and np.isfinite(short["y"]).all()
    # nothing observed: no forecast (it was the scaler's offset, 0, with intervals around it)
    long = pd.DataFrame({"unique_id": ["new"] * 40 + ["empty"] * 40, "y": np.r_[y[:40], np.full(40, np.nan)]})
    # a panel with its ids in the index (df.set_index("unique_id")) is a panel, not one series
    indexed = model.predict(long.iloc[:40].set_index("unique_id"))
    pd.testing.assert_frame_equal(indexed, model.predict(long.iloc[:40]))
    with pytest.raises(ValueError, match=r"Series 'empty': forecasting needs an observed value of \['y'\] before "
                                         r"the origin\. Received: only missing values in its 40 rows"):
        model.predict(long)


def test_unfitted_model_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GlobalRNNForecaster().predict()


def covariate_panel(n=160, ids=("a", "b", "c")):
    """Hourly series whose level jumps on promotion hours (known in advance) and moves with a
    temperature (observed only); one missing target value."""
    rng = np.random.default_rng(1)
    parts = []
    for k, key in enumerate(ids):
        ds = pd.date_range("2024-03-01", periods=n - 10 * k, freq="h")
        promo = (rng.random(len(ds)) < 0.2).astype(float)
        temp = rng.standard_normal(len(ds))
        y = (k + 1) * (10 + np.sin(2 * np.pi * ds.hour / 24) + 3 * promo + 0.5 * temp)
        parts.append(pd.DataFrame({"unique_id": key, "ds": ds, "y": y, "temp": temp, "promo": promo}))
    data = pd.concat(parts, ignore_index=True)
    data.loc[20, "y"] = np.nan
    return data


def test_known_future_inputs_are_shifted_by_the_horizon_and_the_future_is_never_read():
    from forecastrnn.data.calendar import calendar_features

    data = covariate_panel()
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1, "id_embedding": 2}).fit(
        data, features=["temp"], known_future=["promo"])
    assert model.calendar_ == ["hour", "dayofweek"] and model.indicator_columns_ == [0]  # y had a gap
    tails = model.tails_
    a = tails.keys.index("a")
    frame = tails.frames(["y", "temp", "promo"])["a"]
    scale, offset = model._coefficients(tails, tails.lengths)
    codes = model.scalers_.positions(tails.keys) + 1
    inputs, targets, blocks = model._layout(tails, scale, offset, codes)
    inputs = inputs[blocks[a]:blocks[a] + 24 + 6]
    # [y, temp, y observed, promo, 4 calendar, code]: step t carries the calendar of t + horizon
    assert inputs.shape == (24 + 6, 9) and (inputs[:, -1] == codes[a]).all()
    future_times = pd.date_range(frame.index[6], periods=24, freq="h")
    np.testing.assert_allclose(inputs[:24, 4:8], calendar_features(future_times, model.calendar_), atol=1e-6)
    assert (inputs[24:, 3:8] == 0).all()  # the future rows of a block carry nothing
    promo_scale, promo_offset = model.scalers_["a"].coefficients(["promo"])
    np.testing.assert_allclose(inputs[:18, 3], frame.promo.to_numpy()[6:] * promo_scale + promo_offset, atol=1e-6)
    # the forecast from origin 100 is the same whatever the target and the observed covariate do
    # after it; the known-future column is read up to origin + horizon only
    one = data[data.unique_id == "b"].reset_index(drop=True)
    before, _, _ = model.forecast_origins(one, [100])
    changed = one.copy()
    changed.loc[100:, ["y", "temp"]] = 1e6
    changed.loc[106:, "promo"] = 1 - changed.loc[106:, "promo"]
    after, _, _ = model.forecast_origins(changed, [100])
    np.testing.assert_allclose(after, before, rtol=1e-6)
    with pytest.raises(ValueError, match="needs the future values of \\['promo'\\]"):
        model.predict()
    future = pd.DataFrame({"unique_id": np.repeat(["a", "b", "c"], 6), "promo": 1.0})
    forecast = model.predict(future=future, level=0.8)
    assert np.isfinite(forecast[["y", "y_lower", "y_upper"]].to_numpy()).all()
    with pytest.warns(RuntimeWarning, match="for 2 of the 6 steps"):  # the rest read as the last given (1.0 here)
        shorter = model.predict(future=future.groupby("unique_id").head(2), horizon=2)
    pd.testing.assert_frame_equal(shorter, model.predict(future=future, horizon=2))
    new = one.assign(unique_id="never seen")  # the zero embedding, its own scaler
    assert model.predict(new, future=future.assign(unique_id="never seen")).unique_id.unique().tolist() == ["never seen"]
    with pytest.warns(RuntimeWarning, match="1 series had fewer than window \\+ horizon = 30 training rows"):
        short = GlobalRNNForecaster(**FAST).fit({"ok": np.arange(100.0), "tiny": np.arange(12.0)})
    assert short.predict().groupby("unique_id").size().to_dict() == {"ok": 6, "tiny": 6}


def test_a_text_covariate_is_one_hot_encoded_with_the_same_columns_in_every_series(tmp_path):
    data = covariate_panel()
    data["wind"] = np.where(data.temp > 0.8, "NW", "SE")
    data.loc[data.unique_id == "c", "wind"] = np.where(data.loc[data.unique_id == "c", "temp"] > 5, "NW", "cv")
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1}).fit(data, features=["wind"])
    assert model.features_ == ["wind=NW", "wind=SE", "wind=cv"]  # every value, whichever series has it
    forecast = model.predict(data[data.unique_id == "a"])  # new data read with the same indicator names
    assert np.isfinite(forecast.y.to_numpy()).all() and len(forecast) == 6
    model.save(tmp_path / "m")
    assert GlobalRNNForecaster.load(tmp_path / "m").predict(data).shape == (18, 3)


@pytest.mark.slow
def test_intervals_pool_scaled_errors_over_series_and_round_trip(tmp_path):
    base = panel(n_series=1, n=300)["s0"]
    data = {"small": base, "large": 100 * base + 3}
    model = GlobalRNNForecaster(**FAST).fit(data)
    assert model.calibration_scores_.shape == (2 * 30, 6, 1)  # calibration_size=0.1 of each series
    forecast = model.predict(level=0.9)
    width = {k: (g.y_upper - g.y_lower).to_numpy() for k, g in forecast.groupby("unique_id")}
    np.testing.assert_allclose(width["large"], 100 * width["small"], rtol=1e-5)  # one quantile, each series' scale
    assert (np.diff(width["small"]) > -1e-9).sum() >= 3  # mostly widening with the step
    loaded = GlobalRNNForecaster.load(model.save(tmp_path / "m"))
    pd.testing.assert_frame_equal(loaded.predict(level=0.9), forecast)
    no_calibration = GlobalRNNForecaster(**{**FAST, "calibration_size": 0, "epochs": 1}).fit(data)
    with pytest.raises(ValueError, match="without calibration rows"):
        no_calibration.predict(level=0.9)


@pytest.mark.slow
def test_window_normalization_reads_only_the_window_and_repeats_with_its_seed(tmp_path):
    from forecastrnn import MedianEnsemble

    data = {k: v[:300] for k, v in panel(n_series=3, n=300).items()}
    settings = {**FAST, "epochs": 2, "normalize": "window", "season_length": 24}
    model = GlobalRNNForecaster(**settings).fit(data)
    assert model.settings_["normalize"] == "window" and model.settings_["season_length"] == 24
    one = data["s1"]
    before = model.forecast_origins({"s1": one}, [200, 250])[0]
    changed = one.copy()
    changed[250:] = 1e6  # everything after the last origin
    np.testing.assert_allclose(model.forecast_origins({"s1": changed}, [200, 250])[0], before, rtol=1e-6)
    # an ensemble of one is its member, trained again with the same seed: the same forecasts;
    # a median of three members lies among them
    single = MedianEnsemble([GlobalRNNForecaster(**settings)]).fit(data)
    pd.testing.assert_frame_equal(single.predict(level=0.8), model.predict(level=0.8))
    np.testing.assert_allclose(single.forecast_origins({"s1": one}, [200])[0],
                               model.forecast_origins({"s1": one}, [200])[0])
    members = [GlobalRNNForecaster(**{**settings, "random_state": s, "window": w}) for s, w in ((0, 24), (1, 48), (2, 30))]
    trio = MedianEnsemble(members).fit(data)
    forecasts = np.stack([m.predict()["y"].to_numpy() for m in trio.models_])
    np.testing.assert_allclose(trio.predict()["y"], np.median(forecasts, axis=0))
    assert trio.min_history == max(m.min_history for m in members) and trio.supports_panels and trio.name == "median_gru"
    loaded = MedianEnsemble.load(trio.save(tmp_path / "trio"))
    pd.testing.assert_frame_equal(loaded.predict(), trio.predict())
    with pytest.raises(ValueError, match="`models` must be a non-empty list"):
        MedianEnsemble([]).fit(data)
    with pytest.raises(ValueError, match="`normalize` must be one of"):
        GlobalRNNForecaster(**{**FAST, "normalize": "max"}).fit(data)


def test_window_loss_scale_divides_each_windows_errors_by_its_scale(monkeypatch):
    from forecastrnn.data.season import window_normalization
    from forecastrnn.models.base import WEIGHT_FLOOR

    # the trained weights are what is checked: no fall-back to the anchor after one epoch
    monkeypatch.setattr(GlobalRNNForecaster, "_fall_back_to_anchor", lambda self: None)

    y = panel(n_series=2, n=300)["s1"]
    y[190:250] = y[190]  # a flat first validation window: its weight is capped by the floor
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1, "window": 48, "loss": "mae", "season_length": 24,
                                   "loss_scale": "window", "validation_size": 60, "calibration_size": 0,
                                   "normalize": "window"}).fit({"s": y})
    assert model.settings_["loss_scale"] == "window"
    scaled = model.scalers_["s"].transform(y[:, None])
    spec = model._spec()
    val = window_starts(spec, scaled, 240, 60)[1]
    x = np.stack([scaled[s:s + 48, 0] for s in val])
    target = np.stack([scaled[s + 48:s + 54, 0] for s in val])
    forecast = model.model_.predict(np.stack([x, np.ones_like(x)], axis=-1), verbose=0)[:, 0, :, 0]  # y, observed
    weights = 1 / np.maximum(window_normalization(x, 24)[1][1], WEIGHT_FLOOR)
    assert weights.max() == 1 / WEIGHT_FLOOR and weights.min() < 10
    np.testing.assert_allclose(model.history_["val_loss"][0], np.mean(np.abs(target - forecast) * weights), rtol=1e-4)
    with pytest.raises(ValueError, match="`loss_scale` must be one of"):
        GlobalRNNForecaster(**{**FAST, "loss_scale": "mean"}).fit({"s": y})


def test_log_target_transform_is_the_plain_model_on_log_values_mapped_back(tmp_path):
    data = {k: v[:240] for k, v in panel(n_series=2, n=240).items()}
    settings = {**FAST, "epochs": 1, "season_length": 24}
    model = GlobalRNNForecaster(**settings, target_transform="log").fit(data)
    plain = GlobalRNNForecaster(**settings).fit({k: np.log(v) for k, v in data.items()})
    forecast, on_logs = model.predict(level=0.9), plain.predict(level=0.9)
    for column in ("y", "y_lower", "y_upper"):
        np.testing.assert_allclose(forecast[column], np.exp(on_logs[column]), rtol=1e-5)
    assert (forecast.y_upper - forecast.y).gt(forecast.y - forecast.y_lower).all()  # asymmetric, above zero
    assert (forecast.y_lower > 0).all()
    origins = model.forecast_origins({"s1": data["s1"]}, [200, 230], level=0.9)
    expected = plain.forecast_origins({"s1": np.log(data["s1"])}, [200, 230], level=0.9)
    for got, want in zip(origins, expected):
        np.testing.assert_allclose(got, np.exp(want), rtol=1e-5)
    loaded = GlobalRNNForecaster.load(model.save(tmp_path / "log"))
    pd.testing.assert_frame_equal(loaded.predict(level=0.9), forecast)
    updated = model.update({"s0": data["s0"][:200]}).predict()
    np.testing.assert_allclose(updated.y[:6], np.exp(plain.update({"s0": np.log(data["s0"][:200])}).predict().y[:6]),
                               rtol=1e-5)
    with pytest.raises(ValueError, match=r"needs positive target values. Received: 0 in series 's1' at row 7"):
        model.predict({"s1": np.r_[data["s1"][:7], 0.0, data["s1"][8:]]})
    with pytest.raises(ValueError, match="`target_transform` must be one of"):
        GlobalRNNForecaster(**settings, target_transform="sqrt").fit(data)


def test_window_interval_scale_measures_errors_in_each_windows_scale():
    from forecastrnn.data.season import window_normalization
    from forecastrnn.models.base import WEIGHT_FLOOR
    from forecastrnn.models.calibration import conformal_quantile

    data = {k: v[:300] for k, v in panel(n_series=2, n=300).items()}
    data["s1"] = data["s1"] * (1 + 0.8 * (np.arange(300) % 100 > 60))  # volatile stretches
    settings = {**FAST, "epochs": 1, "season_length": 24, "window": 48}
    series = GlobalRNNForecaster(**settings).fit(data)
    model = GlobalRNNForecaster(**settings, interval_scale="window").fit(data)
    np.testing.assert_allclose(model.predict().y, series.predict().y)  # the same network
    assert model.settings_["interval_scale"] == "window"
    origins = [150, 280]
    point, lower, upper = model.forecast_origins({"s1": data["s1"]}, origins, level=0.9)
    scaler = model.scalers_["s1"]
    x = np.stack([scaler.transform(data["s1"][o - 48:o, None])[:, 0] for o in origins])
    units = np.maximum(window_normalization(x, 24)[1][1][:, 0], WEIGHT_FLOOR)
    expected = conformal_quantile(model.calibration_scores_, 0.9)[None, :, 0] * units[:, None] / scaler.scale_[0]
    np.testing.assert_allclose((upper - point)[:, :, 0], expected, rtol=1e-5)
    np.testing.assert_allclose((point - lower)[:, :, 0], expected, rtol=1e-5)
    # the scores are the series-unit scores divided by the window unit of each score's origin
    ratio = series.calibration_scores_ / model.calibration_scores_
    assert np.nanmin(ratio) >= WEIGHT_FLOOR - 1e-9 and np.nanstd(ratio) > 0
    with pytest.raises(ValueError, match="`interval_scale` must be one of"):
        GlobalRNNForecaster(**settings, interval_scale="step").fit(data)


def test_a_static_covariate_takes_one_scaler_over_the_series_not_one_per_series(tmp_path):
    data = covariate_panel()
    data["size"] = data.unique_id.map({"a": 10.0, "b": 20.0, "c": 30.0})  # a shop's floor space: one value per series
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1}).fit(data, features=["temp", "size"])
    static = model.settings_["static"]
    assert static["columns"] == ["size"]  # temp varies within each series: scaled per series as before
    std = np.std([10.0, 20.0, 30.0])

    def size_input(frame):
        stack = model._read(frame)
        scale, offset = model._coefficients(stack, stack.lengths)
        inputs, _, blocks = model._layout(stack, scale, offset, model.scalers_.positions(stack.keys) + 1)
        return [float(inputs[b, 2]) for b in blocks]  # [y, temp, size, ...]: the first row of each series

    # per series it would be zero everywhere; over the series it tells them apart
    np.testing.assert_allclose(size_input(data), [-10 / std, 0.0, 10 / std], atol=1e-6)
    new = data[data.unique_id == "a"].assign(unique_id="new shop", size=40.0)  # never trained on: the same scaler
    np.testing.assert_allclose(size_input(new), [20 / std], atol=1e-6)
    model.save(tmp_path / "m")
    loaded = GlobalRNNForecaster.load(tmp_path / "m")
    assert loaded.settings_["static"] == static
    pd.testing.assert_frame_equal(loaded.predict(new), model.predict(new))
    # from this fit's weights: with this fit's scaler of them, though a new shop would change a new one's
    refit = model.refit(pd.concat([data, new]))
    assert refit.settings_["static"] == static


def test_a_category_seen_only_after_the_training_rows_is_not_an_input():
    data = covariate_panel()
    data["wind"] = np.where(data.temp > 0.8, "NW", "SE")
    late = data.groupby("unique_id").cumcount(ascending=False) < 6
    data.loc[late, "wind"] = "storm"  # only in every series' last 6 rows (a backtest's test span)
    position = data.groupby("unique_id").cumcount(ascending=False)
    train = data[position >= 6]
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1}).fit(train, features=["wind"])
    assert model.features_ == ["wind=NW", "wind=SE"]
    assert np.isfinite(model.predict(data).y).all()


def test_a_new_series_is_scaled_on_its_rows_before_the_origins_only():
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1}).fit(panel(n_series=2, n=200))
    y = np.sin(np.arange(200) / 3.0)
    before = model.forecast_origins({"new": y}, [100, 120])[0]
    changed = y.copy()
    changed[100:] = changed[100:] * 50 + 1e3  # every row from the first origin on
    after = model.forecast_origins({"new": changed}, [100])[0]
    np.testing.assert_allclose(after[0], before[0], rtol=1e-5)


def test_in_a_backtest_of_one_series_any_target_name_works():
    from forecastrnn import backtest, compare

    data = pd.DataFrame({"OT": panel(n_series=1, n=200)["s0"]},
                        index=pd.date_range("2024-01-01", periods=200, freq="h"))
    table = backtest(GlobalRNNForecaster(**{**FAST, "epochs": 1}), data, horizon=6, n_windows=2)
    assert table.y_pred.notna().all() and set(table.target) == {"OT"}
    summary = compare(data, {"g": GlobalRNNForecaster(**{**FAST, "epochs": 1})}, baselines=("naive",), horizon=6,
                      n_windows=2, season_length=12, combination=False)
    assert set(summary.index) == {"g", "naive"}


def test_numeric_series_ids_come_back_as_numbers_and_round_trip(tmp_path):
    # forecasts keyed '3' did not merge with the data's store 3
    from forecastrnn import SeasonalNaiveForecaster, backtest_panel, pretrained, summarize_panel

    series = panel(n_series=3, n=120)
    data = pd.DataFrame({"store": np.repeat([7, 8, 9], 120), "ds": np.tile(pd.date_range("2024-01-01", periods=120,
                         freq="h"), 3), "y": np.concatenate(list(series.values()))})
    model = GlobalRNNForecaster(**{**FAST, "epochs": 1}).fit(data, id_col="store")
    out = model.predict()
    assert out["store"].dtype == np.int64 and out["store"].unique().tolist() == [7, 8, 9]
    model.save(tmp_path / "m")
    assert GlobalRNNForecaster.load(tmp_path / "m").predict()["store"].dtype == np.int64
    assert pretrained().predict(data, id_col="store", horizon=2)["store"].tolist() == [7, 7, 8, 8, 9, 9]
    table = backtest_panel([SeasonalNaiveForecaster()], data, horizon=6, id_col="store", season_length=24)
    assert table["store"].dtype == np.int64 and len(summarize_panel(table)[1]) == 3
    from forecastrnn.data.panel import ids_as

    assert ids_as(["s7", "s8"], "O").tolist() == ["s7", "s8"] and ids_as(["s7"], "i").tolist() == ["s7"]  # text stays

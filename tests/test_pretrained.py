"""The pretrained forecaster: zero-shot forecasts of any series or panel, with its season as an input."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from forecastrnn.data.synthetic import synthetic_panel
from forecastrnn.models.pretrained import MAX_HORIZON, forecast_paths, network_frame, phase, pretrained


@pytest.fixture
def tiny(tiny_pretrained):
    return tiny_pretrained


def test_synthetic_panel_repeats_and_is_positive():
    a, b = synthetic_panel(20, seed=5), synthetic_panel(20, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert (a.y >= 0).all() and a.groupby("unique_id").season_length.nunique().max() == 1


def test_phase_columns_follow_each_series_season():
    history, future = network_frame({"a": np.arange(5.0), "b": np.arange(3.0)}, {"a": 4, "b": 1}, horizon=2)
    np.testing.assert_allclose(history.loc[history.unique_id == "a", "season_sin"], [0, 1, 0, -1, 0], atol=1e-12)
    assert (history.loc[history.unique_id == "b", ["season_sin", "season_cos"]] == 0).all().all()  # no season
    np.testing.assert_allclose(future.loc[future.unique_id == "a", "season_sin"], np.sin(2 * np.pi * np.array([5, 6]) / 4),
                               atol=1e-12)
    assert list(future.groupby("unique_id", sort=False).size()) == [2, 2]
    np.testing.assert_allclose(phase(np.arange(3), 1), 0)


def test_zero_shot_one_series_panel_and_positions(tiny):
    model = pretrained(tiny)
    assert model.info_["calibration_series"] == 6 and model.max_horizon == MAX_HORIZON
    monthly = pd.Series(100 + 10 * np.sin(np.arange(60) * 2 * np.pi / 12),
                        index=pd.date_range("2019-01-01", periods=60, freq="MS"), name="sales")
    one = model.predict(monthly, horizon=24, level=0.9)  # 24 > the network's 18: forecast again from its forecast
    assert list(one.columns) == ["sales", "sales_lower", "sales_upper"] and len(one) == 24
    assert one.index[0] == pd.Timestamp("2024-01-01") and one.index.freqstr == "MS"
    assert (one.sales_lower <= one.sales).all() and (one.sales <= one.sales_upper).all()
    panel = pd.DataFrame({"store": np.repeat(["x", "y"], [40, 25]), "value": np.r_[np.arange(40.0), np.ones(25)]})
    many = model.predict(panel, id_col="store", horizon=3)  # no timestamps, ragged
    assert list(many.columns) == ["store", "ds", "value"] and many.ds.tolist() == [40, 41, 42, 25, 26, 27]
    assert np.isfinite(many.value).all()


def test_the_default_horizon_is_one_season_of_the_data(tiny):
    model = pretrained(tiny)
    months = pd.Series(np.arange(60.0) + 1, index=pd.date_range("2019-01-01", periods=60, freq="MS"))
    assert len(model.predict(months)) == 12  # as `forecastrnn fit` forecasts monthly data
    years = pd.Series(np.arange(30.0) + 1, index=pd.date_range("1990-01-01", periods=30, freq="YS"))
    assert len(model.predict(years)) == 10  # no season: 10 steps, not the most the model can (48)
    hours = pd.Series(np.arange(24 * 14.0), index=pd.date_range("2024-01-01", periods=24 * 14, freq="h"))
    assert len(model.predict(hours)) == 24 and len(model.predict(hours, horizon=MAX_HORIZON)) == MAX_HORIZON


def test_a_panel_without_timestamps_is_forecast_with_the_season_it_shows(tiny):
    model = pretrained(tiny)
    t = np.arange(96)
    rows = [pd.DataFrame({"id": f"s{k}", "y": 100 + k + 10 * np.sin(2 * np.pi * (t + k) / 12)}) for k in range(12)]
    with pytest.warns(RuntimeWarning, match=r"no timestamps: season 12 read from the 12 series"):
        model.predict(pd.concat(rows), id_col="id", horizon=3)
    _, seasons, _ = model._read(pd.concat(rows), id_col="id")
    assert set(seasons.values()) == {12}
    assert set(model._read(pd.concat(rows[:1]), id_col="id")[1].values()) == {1}  # one series: not read off
    model.season_length = 4  # given: taken as it is
    assert set(model._read(pd.concat(rows), id_col="id")[1].values()) == {4}


def test_recursive_forecast_continues_the_first_pass(tiny):
    model = pretrained(tiny)
    y = {"s": 50 + np.random.default_rng(0).normal(size=80)}
    first = forecast_paths(model.network_, y, {"s": 12}, 18)["s"]
    longer = forecast_paths(model.network_, y, {"s": 12}, 30)["s"]
    np.testing.assert_allclose(longer[:18], first, rtol=1e-6)
    again = forecast_paths(model.network_, {"s": np.r_[y["s"], first]}, {"s": 12}, 12)["s"]
    np.testing.assert_allclose(longer[18:], again, rtol=1e-6)


def test_bad_requests_are_one_clear_error(tiny, tmp_path):
    model = pretrained(tiny)
    with pytest.raises(ValueError, match=r"`horizon` must be an int in \[1, 48\]"):
        model.predict(np.arange(30.0), horizon=49)
    with pytest.raises(ValueError, match="`level` must be a float"):
        model.predict(np.arange(30.0), level=90)
    with pytest.raises(FileNotFoundError, match="No pretrained model"):
        pretrained(tmp_path)
    gaps = pd.DataFrame({"unique_id": np.repeat(["a", "b", "c"], 20), "ds": np.tile(np.arange(20), 3),
                         "y": np.r_[np.arange(20.0), np.full(20, np.nan), np.r_[np.nan, np.ones(19)]]})
    with pytest.raises(ValueError, match=r"only missing values in series 'b'$"):  # 'c' has values: forecast
        model.predict(gaps)
    info = json.loads((tiny / "pretrained.json").read_text())
    assert "all" in info["scores"] and set(info["scores"]) <= {"1", "12", "24", "all"}  # per season length
    assert len(info["scores"]["all"]) == 6 and len(info["scores"]["all"][0]) == MAX_HORIZON


def test_fine_tuning_starts_from_the_weights_and_keeps_the_shipped_ones(tiny):
    from forecastrnn.models.pretrained import PretrainedForecaster

    panel = synthetic_panel(8, season_lengths=(12,), lengths=(80, 120), seed=9).drop(columns="season_length")
    zero_shot = PretrainedForecaster(path=tiny, season_length=12).fit()
    tuned = PretrainedForecaster(path=tiny, season_length=12, fine_tune=True, epochs=2).fit(panel)
    assert tuned.network_ is not zero_shot.network_ and 1 <= len(tuned.network_.history_["loss"]) <= 2
    before = zero_shot.network_.model_.get_weights()
    after = tuned.network_.model_.get_weights()
    changed = any(not np.array_equal(a, b) for a, b in zip(before, after))  # trained further, or kept
    assert changed != tuned.network_.settings_["kept_pretrained"]  # ... unless no epoch beat the weights
    again = PretrainedForecaster(path=tiny, season_length=12).fit().network_.model_.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, again))  # ... a copy: the shipped weights unchanged
    out = tuned.predict(panel, horizon=6, level=0.5)  # 6 held-out series score each step: enough for 50 %
    assert len(out) == 8 * 6 and np.isfinite(out[["y", "y_lower", "y_upper"]]).all().all()
    # it has trained on the rows it would score itself on: the wider of their and the corpus' quantiles
    from forecastrnn.models.pretrained import series_unit

    assert tuned.intervals_ == "own rows and corpus"
    series = {k: g.y.to_numpy() for k, g in panel.groupby("unique_id", sort=False)}
    q = np.maximum(tuned._own_quantile(series, dict.fromkeys(series, 12), 6, 0.5), tuned._quantile("12", 0.5, 6))
    first = out[out.unique_id == "syn0"]
    np.testing.assert_allclose(first.y_upper - first.y, q * series_unit(series["syn0"], 12), rtol=1e-6)
    # series too short for one training window of the network's 18 steps: warned, the weights kept
    short = panel.groupby("unique_id").head(14)
    with pytest.warns(RuntimeWarning, match="fine_tune=True kept the pretrained weights: No series has a training"):
        kept = PretrainedForecaster(path=tiny, season_length=12, fine_tune=True, epochs=2).fit(short)
    assert tuned.fine_tuned_ and not kept.fine_tuned_ and not zero_shot.fine_tuned_
    pd.testing.assert_frame_equal(kept.predict(short, horizon=6, level=0.5), zero_shot.predict(short, horizon=6, level=0.5))


def test_zero_shot_row_in_a_panel_backtest(tiny):
    from forecastrnn import NaiveForecaster, backtest_panel
    from forecastrnn.models.pretrained import PretrainedForecaster

    panel = synthetic_panel(5, season_lengths=(4,), lengths=(60, 90), seed=2).drop(columns="season_length")
    table = backtest_panel({"pretrained": PretrainedForecaster(path=tiny, season_length=4),
                            "naive": NaiveForecaster(horizon=4)}, panel, horizon=4, n_windows=2, level=0.5)
    rows = table[table.model == "pretrained"]
    assert len(rows) == 5 * 2 * 4 and rows.y_pred.notna().all() and (rows.lower <= rows.upper).all()
    # zero-shot from each origin: the forecast from origin o reads rows before o only
    # ... and is what predict gives for the panel cut at the first origins (the network's weight chosen there)
    cut = pd.concat([g.iloc[:table.attrs["train_rows"][k]] for k, g in panel.groupby("unique_id", sort=False)])
    direct = PretrainedForecaster(path=tiny, season_length=4).fit().predict(cut, horizon=4)
    for key, g in rows.groupby("unique_id", sort=False):
        np.testing.assert_allclose(g.y_pred.iloc[:4], direct[direct.unique_id == key].y, rtol=1e-5)
    # The networks' covariates are not the pretrained model's: it reads its target (it refused them)
    promo = panel.assign(promo=(np.arange(len(panel)) % 3 == 0).astype(float))
    again = backtest_panel({"pretrained": PretrainedForecaster(path=tiny, season_length=4)}, promo, horizon=4,
                           n_windows=2, level=0.5, known_future=["promo"])
    pd.testing.assert_frame_equal(again.reset_index(drop=True), rows.reset_index(drop=True))


def test_shipped_model_forecasts_from_the_cli_with_no_training(tmp_path):
    """The weights installed with the package: small, loaded without download, one CLI line."""
    import os

    from click.testing import CliRunner

    from forecastrnn.cli import cli
    from forecastrnn.models.pretrained import WEIGHTS_DIR

    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(WEIGHTS_DIR) for f in files)
    assert size <= 5e6, size
    months = pd.date_range("2015-01-01", periods=72, freq="MS")
    pd.DataFrame({"month": months, "sales": 200 + 30 * np.sin(2 * np.pi * np.arange(72) / 12)}).to_csv(
        tmp_path / "one.csv", index=False)
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "one.csv"), "--horizon", "12"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()  # the CSV; what was blended goes to stderr
    assert lines[0] == "month,sales,sales_lower,sales_upper" and lines[1].startswith("2021-01-01") and len(lines) == 13
    assert "the pretrained network's times" in result.stderr
    panel = pd.DataFrame({"shop": np.repeat(["a", "b"], 30), "day": list(pd.date_range("2024-01-01", periods=30)) * 2,
                          "units": np.r_[np.arange(30.0), 5 + np.arange(30) % 7]})
    panel.to_csv(tmp_path / "panel.csv", index=False)
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "panel.csv"), "--id-col",
                                      "shop", "--horizon", "7", "--output", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns) == ["shop", "day", "units", "units_lower", "units_upper"] and len(out) == 14
    # the long format's own names need no --id-col: unique_id names the series (in Parquet too)
    panel.set_axis(["unique_id", "ds", "y"], axis=1).to_parquet(tmp_path / "long.parquet")
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "long.parquet"), "--horizon", "7"])
    assert result.exit_code == 0, result.output
    assert "Note: column 'unique_id' names the series: read as a panel" in result.stderr
    assert pd.read_csv(io.StringIO(result.stdout)).unique_id.value_counts().to_dict() == {"a": 7, "b": 7}
    long = panel.set_axis(["unique_id", "ds", "y"], axis=1)
    pd.testing.assert_frame_equal(pretrained().predict(long.set_index(["unique_id", "ds"]), horizon=3),
                                  pretrained().predict(long, horizon=3))  # ids in the index: still a panel
    assert CliRunner().invoke(cli, ["predict", "pretrained"]).exit_code == 1  # no --data: one clear line
    pd.read_csv(tmp_path / "one.csv").to_parquet(tmp_path / "one.parquet")  # any file read_series reads
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "one.parquet"), "--horizon", "2"])
    assert result.exit_code == 0 and result.stdout.splitlines()[1].startswith("2021-01-01"), result.output
    steps = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "one.csv"), "--time-col", "none",
                                     "--season-length", "12", "--horizon", "2"])  # the rows as consecutive steps
    assert steps.exit_code == 0 and steps.stdout.splitlines()[1].startswith("72,"), steps.output
    missing = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and missing.output.startswith("Error: Data file not found. Expected an existing CSV")
    pd.DataFrame({"month": months, "sales": np.nan}).to_csv(tmp_path / "empty.csv", index=False)
    empty = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "empty.csv")])
    assert empty.exit_code == 1 and empty.output.strip().splitlines()[-1] == (
        "Error: Every series needs at least one observed value. Received: only missing values in column 'sales'")
    # a file of several columns: the last forecast, the others named; --target picks one
    pd.DataFrame({"month": months, "sales": 200.0, "stock": np.arange(72.0)}).to_csv(tmp_path / "wide.csv", index=False)
    wide = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "wide.csv"), "--horizon", "2"])
    assert wide.exit_code == 0 and "Note: only the last numeric column 'stock' is forecast; ['sales']" in wide.stderr
    picked = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "wide.csv"), "--target", "sales",
                                      "--horizon", "2"])
    assert picked.exit_code == 0 and picked.stdout.startswith("month,sales,") and "Note" not in picked.stderr
    panel.assign(promo=0).to_csv(tmp_path / "promo.csv", index=False)  # a panel's last column too
    promo = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "promo.csv"), "--id-col", "shop"])
    assert promo.exit_code == 0 and "Note: only the last numeric column 'promo' is forecast; ['units']" in promo.stderr
    # a panel's series with no value is left out and said, as fit does; the others are forecast
    panel.assign(units=panel.units.where(panel.shop == "a")).to_csv(tmp_path / "gap.csv", index=False)
    gap = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "gap.csv"), "--id-col", "shop",
                                   "--horizon", "2"])
    assert gap.exit_code == 0 and "Note: 1 series with only missing values in 'units' left out (e.g. 'b')" in gap.stderr
    assert pd.read_csv(io.StringIO(gap.stdout)).shop.tolist() == ["a", "a"]


def test_stacked_paths_equal_the_network_predict_of_the_table(tiny):
    model = pretrained(tiny)
    series = {"a": 10 + np.sin(np.arange(70.0)), "b": np.arange(30.0) ** 1.5}
    seasons = {"a": 12, "b": 1}
    history, future = network_frame(series, seasons, model.network_.horizon)
    table = model.network_.predict(history, future=future)
    paths = forecast_paths(model.network_, series, seasons, model.network_.horizon)
    for key in series:
        np.testing.assert_allclose(paths[key], table.loc[table.unique_id == key, "y"], rtol=1e-6)


def test_cli_backtest_has_a_zero_shot_row(tmp_path):
    from click.testing import CliRunner

    from forecastrnn.cli import cli

    hours = pd.date_range("2024-01-01", periods=300, freq="h")
    pd.DataFrame({"time": hours, "load": 50 + 10 * np.sin(2 * np.pi * np.arange(300) / 24)}).to_csv(
        tmp_path / "load.csv", index=False)
    args = ["backtest", str(tmp_path / "load.csv"), "--horizon", "6", "--window", "24", "--units", "4", "--epochs",
            "1", "--n-models", "1", "--n-windows", "2", "--no-combination", "--baselines", "naive", "--pretrained"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = [line.split()[0] for line in result.output.splitlines()[-4:]]
    assert "pretrained" in rows and "naive" in rows and "gru" in rows, result.output
    assert "[3/3] training and backtesting pretrained" in result.output  # a stage of its own, counted
    too_long = CliRunner().invoke(cli, [*args[:2], "--horizon", "60", *args[4:]])
    assert too_long.exit_code == 1 and "--pretrained forecasts at most 48 steps" in too_long.output


def test_intervals_come_from_the_datas_own_rows_when_they_are_enough(tiny):
    from forecastrnn.models.pretrained import OWN_ORIGINS, series_unit

    model = pretrained(tiny)
    rng = np.random.default_rng(4)
    panel = pd.DataFrame({"unique_id": np.repeat([f"s{i}" for i in range(4)], 60),
                          "y": 20 + rng.normal(size=240).cumsum()})
    out = model.predict(panel, horizon=3, level=0.9)  # 4 series x 5 origins = 20 scores per step >= 9
    assert model.intervals_ == "own rows" and OWN_ORIGINS == 5
    # the width is the 90 % conformal quantile of those scores, times each series' unit
    series = {k: g.y.to_numpy() for k, g in panel.groupby("unique_id", sort=False)}
    q = model._own_quantile(series, dict.fromkeys(series, 1), 3, 0.9)
    first = out[out.unique_id == "s0"]
    np.testing.assert_allclose(first.y_upper - first.y, q * series_unit(series["s0"]), rtol=1e-6)
    model.predict(np.arange(20.0), horizon=3, level=0.9)  # 20 rows: 4 origins, too few for 90 %
    assert model.intervals_ == "corpus"
    # the unit: MASE's scale (a season's mean absolute change, else a step's), which a trend's
    # length does not inflate as it did the standard deviation's
    assert series_unit(np.arange(10.0)) == series_unit(np.arange(1000.0)) == 1.0
    seasonal = np.tile([0.0, 10, 0, -10], 6) + np.arange(24) * 0.5
    assert series_unit(seasonal, 4) == 2.0 and series_unit(seasonal, 1) > 9  # a season's change: the trend's
    assert series_unit(np.full(30, 7.0)) == 1.0 and series_unit([np.nan, 3.0]) == 1.0  # none: 1


def test_zero_shot_reads_the_seasonally_adjusted_series(tiny):
    from forecastrnn.baselines.simple import seasonal_indices
    from forecastrnn.models.pretrained import zero_shot_paths

    network = pretrained(tiny).network_
    t = np.arange(72)
    y = (100 + t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12))
    season, kind = seasonal_indices(y, 12)
    assert kind == "multiplicative"
    # the network reads y / season as a series without season; the season goes back on its forecast
    direct = forecast_paths(network, {"s": y / season}, {"s": 1}, 6)["s"] * season[60:66]
    np.testing.assert_allclose(zero_shot_paths(network, {"s": y}, {"s": 12}, 6, 1.0)[0]["s"], direct, rtol=1e-6)
    # a long series: the season is read off its last SEASONS_READ seasons, the same indices before them
    from forecastrnn.models.pretrained import SEASONS_READ, seasonally_adjusted

    t = np.arange(12 * (SEASONS_READ + 5))
    shape = np.where(t < 60, 0.1, 0.3)  # the season grew: its first five years are not like the last ten
    y = (100 + t) * (1 + shape * np.sin(2 * np.pi * t / 12))
    _, found = seasonally_adjusted({"s": y}, {"s": 12})
    recent, _ = seasonal_indices(y[-12 * SEASONS_READ:], 12)
    np.testing.assert_allclose(found["s"][0], np.tile(recent[:12], SEASONS_READ + 5))
    # two to three seasons (a weekly panel of two years, a sensor of two days): the lag rule finds the season
    short = (100 + t[:30]) * (1 + 0.3 * np.sin(2 * np.pi * t[:30] / 12))
    assert seasonal_indices(short, 12) is None and seasonally_adjusted({"s": short}, {"s": 12})[1]["s"] is not None
    noise = 50 + np.random.default_rng(1).normal(size=72)  # no season found: read as it is, without season
    assert seasonal_indices(noise, 12) is None
    np.testing.assert_allclose(zero_shot_paths(network, {"s": noise}, {"s": 12}, 6, 1.0)[0]["s"],
                               forecast_paths(network, {"s": noise}, {"s": 1}, 6)["s"], rtol=1e-6)


def test_the_network_is_pretrained_on_the_series_as_zero_shot_reads_them(monkeypatch, tmp_path):
    from forecastrnn.models import pretraining
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster
    from forecastrnn.models.pretrained import seasonally_adjusted

    seen = {}
    fit = GlobalRNNForecaster.fit

    def spy(self, data, **kwargs):
        seen["data"] = data.copy()
        return fit(self, data, **kwargs)

    monkeypatch.setattr(GlobalRNNForecaster, "fit", spy)
    t = np.arange(96)
    series = {f"s{i}": (100 + t) * (1 + 0.3 * np.sin(2 * np.pi * (t + i) / 12)) for i in range(11)}
    model = pretraining.pretrain(series, dict.fromkeys(series, 12), tmp_path, units=4, window=24, epochs=1, verbose=0)
    network = model.network_
    assert network.settings_["reads_adjusted"] and network.settings_["anchor"] == "last"
    trained = {k: g.y.to_numpy() for k, g in seen["data"].groupby("unique_id", sort=False)}
    assert sorted(series.keys() - trained.keys()) == ["s0", "s10"]  # every 10th is kept apart for the intervals
    adjusted, found = seasonally_adjusted({k: series[k] for k in trained}, dict.fromkeys(trained, 12))
    assert all(f is not None for f in found.values())
    for key, y in trained.items():
        np.testing.assert_allclose(y, adjusted[key])
    assert (seen["data"][["season_sin", "season_cos"]] == 0).all().all()  # no season left to read


def test_the_forecast_blends_the_network_with_damped_smoothing(tiny):
    from forecastrnn.baselines.smoothing import damped_trend_paths
    from forecastrnn.models.pretrained import PretrainedForecaster, component_paths, zero_shot_paths

    network = pretrained(tiny).network_
    y = {"s": 50 + np.arange(40.0) + np.random.default_rng(3).normal(size=40)}
    net, smooth = component_paths(network, y, {"s": 1}, 5)
    np.testing.assert_allclose(net["s"], forecast_paths(network, y, {"s": 1}, 5)["s"])
    np.testing.assert_allclose(smooth["s"], damped_trend_paths([y["s"]], 5)[0])
    out = PretrainedForecaster(path=tiny, network_weight=0.25).fit().predict(y["s"], horizon=5)
    np.testing.assert_allclose(out.y, 0.25 * net["s"] + 0.75 * smooth["s"], rtol=1e-6)
    np.testing.assert_allclose(zero_shot_paths(network, y, {"s": 1}, 5, 1.0)[0]["s"], net["s"])  # the network alone
    with pytest.raises(ValueError, match=r"`network_weight` must be 'auto' or a number in \[0, 1\]"):
        PretrainedForecaster(path=tiny, network_weight=1.5).fit()


@pytest.mark.parametrize("truth, weight", [(0.0, 1.0), (7.5, 0.25), (5.0, 0.5)])
def test_auto_weight_is_the_one_that_forecasts_the_last_rows_best(tiny, monkeypatch, truth, weight):
    from forecastrnn.models import pretrained as module

    seen = []

    def fake(network, series, seasons, horizon):  # the network says 0, the smoothing 10
        seen.append({k: len(v) for k, v in series.items()})
        return ({k: np.zeros(horizon) for k in series}, {k: np.full(horizon, 10.0) for k in series})

    monkeypatch.setattr(module, "component_paths", fake)
    rng = np.random.default_rng(0)
    panel = pd.DataFrame({"unique_id": np.repeat(["a", "b", "short"], [30, 20, 9]),
                          "y": np.r_[rng.normal(size=26), np.full(4, truth), rng.normal(size=16), np.full(4, truth),
                                     np.zeros(9)]})
    model = module.PretrainedForecaster(path=tiny).fit()
    out = model.predict(panel, horizon=4)
    assert model.network_weight_ == weight and np.allclose(out.y, 10 * (1 - weight))
    # one call: the series, then the rows before each long enough series' last 4 ("short": 5 rows before, too few)
    assert list(seen[0].values()) == [30, 20, 9, 26, 16]
    model.predict(np.zeros(11), horizon=4)  # 7 rows before the last 4: no series to choose on
    assert model.network_weight_ == module.DEFAULT_WEIGHT


def test_zero_shot_runs_the_network_in_numpy_without_tensorflow(tmp_path):
    """The shipped weights' forward pass in NumPy: no TensorFlow import, Keras' forecasts."""
    import subprocess
    import sys

    months = pd.date_range("2015-01-01", periods=72, freq="MS")
    pd.DataFrame({"month": months, "sales": 200 + 30 * np.sin(2 * np.pi * np.arange(72) / 12)}).to_csv(
        tmp_path / "one.csv", index=False)
    code = ("import sys, forecastrnn; model = forecastrnn.pretrained(); "
            f"model.predict({str(tmp_path / 'one.csv')!r}, horizon=24, level=0.9).to_csv({str(tmp_path / 'np.csv')!r}); "
            "assert type(model.network_.model_).__name__ == 'NumpyNetwork'; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster
    from forecastrnn.models.pretrained import WEIGHTS_DIR

    model = pretrained()
    model.network_ = GlobalRNNForecaster.load(f"{WEIGHTS_DIR}/model")  # the Keras model itself
    keras_forecast = model.predict(tmp_path / "one.csv", horizon=24, level=0.9)
    np.testing.assert_allclose(pd.read_csv(tmp_path / "np.csv", index_col=0).to_numpy(), keras_forecast.to_numpy(),
                               rtol=1e-5)


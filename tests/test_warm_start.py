"""Starting a forecaster from the pretrained network (``init``): its weights, its phase input,
the same early stopping, and everything else a fitted model does."""

import json

import keras
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecastrnn import GlobalRNNForecaster, RNNForecaster
from forecastrnn.data.synthetic import synthetic_panel
from forecastrnn.models.warm_start import FINE_TUNE_EPOCHS, load_source


def monthly(n=90, seed=0):
    t = np.arange(n)
    y = 100 + t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(seed).normal(size=n)
    return pd.Series(y, index=pd.date_range("2015-01-01", periods=n, freq="MS"), name="sales")


class StartWeights(keras.callbacks.Callback):
    """Keeps the weights the training starts from."""

    def on_train_begin(self, logs=None):
        self.weights = {v.path: v.numpy().copy() for v in self.model.weights}


def layer_weights(model, name):
    member = [layer for layer in model.layers if layer.name.startswith("member_")][0]
    return [w for layer in member.layers if layer.name == name for w in layer.get_weights()]


def test_fine_tuning_starts_from_the_pretrained_weights(tiny_pretrained):
    source, _ = load_source(tiny_pretrained, GlobalRNNForecaster)
    start = StartWeights()
    model = GlobalRNNForecaster(horizon=20, random_state=0, verbose=0, season_length=12, epochs=1)
    panel = synthetic_panel(6, season_lengths=(12,), lengths=(80, 100), seed=4).drop(columns="season_length")
    model.fit(panel, init=tiny_pretrained, callbacks=[start])
    s = model.settings_
    # pretrained on seasonally adjusted series, the network never read a phase: zeros, as it started from it
    assert s["init"] == str(tiny_pretrained) and s["window"] == source.window_ and s["units"] == source.settings_["units"]
    assert s["normalize"] == "window" and s["calendar"] == [] and model.fit_args_["init"] == tiny_pretrained
    begun = start.weights  # one member: its weights' paths are those of its layers
    gru = layer_weights(source.model_, "gru_0")
    np.testing.assert_array_equal(begun["gru_0/gru_cell/kernel"], gru[0])
    np.testing.assert_array_equal(begun["gru_0/gru_cell/recurrent_kernel"], gru[1])
    kernel = layer_weights(source.model_, "forecast")[0]  # 18 steps: the first 18 kept, 19 and 20 repeat the 18th
    np.testing.assert_array_equal(begun["forecast/kernel"][:, :18], kernel)
    np.testing.assert_array_equal(begun["forecast/kernel"][:, 18:], kernel[:, [17, 17]])
    assert len(model.predict()) == 6 * 20


def test_pretrained_weights_are_kept_unless_training_beats_them(tiny_pretrained):
    class Spoil(keras.callbacks.Callback):  # every epoch ends far worse than where it started
        def on_train_batch_end(self, batch, logs=None):
            for v in self.model.weights:
                if v.path.endswith("forecast/kernel"):
                    v.assign(np.full(v.shape, 50.0, dtype="float32"))

    source, _ = load_source(tiny_pretrained, GlobalRNNForecaster)
    model = RNNForecaster(horizon=6, random_state=0, verbose=0, epochs=2, dropout=0.0)
    model.fit(monthly(), init=tiny_pretrained, callbacks=[Spoil()])
    assert model.settings_["kept_pretrained"] is True
    np.testing.assert_array_equal(layer_weights(model.model_, "forecast")[0], layer_weights(source.model_, "forecast")[0][:, :6])
    plain = RNNForecaster(horizon=6, random_state=0, verbose=0, epochs=2, dropout=0.0).fit(monthly(), init=tiny_pretrained)
    same = np.array_equal(layer_weights(plain.model_, "forecast")[0], layer_weights(source.model_, "forecast")[0][:, :6])
    assert plain.settings_["epochs"] == 2 and same == plain.settings_["kept_pretrained"]  # kept <=> unchanged


def reading_phase(folder, tmp_path):
    """A copy of the pretrained folder whose network reads the season's phase (not pretrained on adjusted series)."""
    import shutil

    copy = tmp_path / "phase"
    shutil.copytree(folder, copy)
    state = json.loads((copy / "model" / "state.json").read_text())
    assert state["state"]["settings"].pop("reads_adjusted") is True
    (copy / "model" / "state.json").write_text(json.dumps(state))
    return copy


def test_the_network_reads_zeros_as_its_phase_as_it_was_pretrained(tiny_pretrained, tmp_path):
    model = RNNForecaster(horizon=6, random_state=0, verbose=0, epochs=1, units=(4,),  # as the CLI passes --units 4
                          init=tiny_pretrained).fit(monthly())
    assert model.settings_["epochs"] == 1 and RNNForecaster().get_params()["init"] is None
    stack = model._read(monthly())
    n = stack.lengths[0]
    scale, offset = model._coefficients(stack, np.array([n]))
    inputs, _, blocks = model._layout(stack, scale, offset, np.array([1]))
    assert inputs.shape[1] == 4  # target, its indicator, the two phase columns
    np.testing.assert_array_equal(inputs[blocks[0]:, 2:], 0)  # zeros: it read seasonally adjusted series
    assert np.ptp(inputs[blocks[0]:blocks[0] + n, 0]) > 0  # (the target is there)


def test_a_network_that_reads_the_season_phase_is_refused_in_one_line(tiny_pretrained, tmp_path):
    with pytest.raises(ValueError, match="pretrained on seasonally adjusted series") as info:
        RNNForecaster(horizon=6, verbose=0, epochs=1, init=reading_phase(tiny_pretrained, tmp_path)).fit(monthly())
    assert "\n" not in str(info.value)


def test_a_fine_tuned_model_saves_refits_backtests_and_exports(tiny_pretrained, tmp_path):
    from forecastrnn import SeasonalNaiveForecaster, backtest

    data = monthly(100)
    model = RNNForecaster(horizon=6, random_state=0, verbose=0, epochs=1, init=tiny_pretrained).fit(data)
    forecast = model.predict(level=0.8)
    model.save(tmp_path / "m")
    loaded = RNNForecaster.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.predict(level=0.8), forecast)
    assert model.refit(data).settings_["init"] == str(tiny_pretrained)  # still fed its phase columns
    from forecastrnn.models.exported import ExportedForecaster

    # its phase inputs are zeros: the export graph gives them, and forecasts as predict does
    exported = ExportedForecaster(model.export(tmp_path / "export", format="saved_model", level=0.8)).predict(level=0.8)
    np.testing.assert_allclose(exported["sales"], forecast["sales"], rtol=1e-5)  # (bounds: the export's median spread)
    assert (exported["sales_lower"] < exported["sales"]).all() and (exported["sales"] < exported["sales_upper"]).all()
    table = backtest({"gru": RNNForecaster(horizon=6, random_state=0, verbose=0, epochs=1, init=tiny_pretrained),
                      "snaive": SeasonalNaiveForecaster(horizon=6, season_length=12)}, data, horizon=6, n_windows=2)
    assert table.loc[table.model == "gru", "y_pred"].notna().all()


def test_settings_that_clash_with_the_pretrained_network_are_one_clear_error(tiny_pretrained, tmp_path):
    with pytest.raises(ValueError, match=r"Received: \{'cell': 'lstm'\}"):
        RNNForecaster(cell="lstm", horizon=6, verbose=0).fit(monthly(), init=tiny_pretrained)
    frame = monthly().to_frame().assign(other=1.0)
    with pytest.raises(ValueError, match="no covariates"):
        RNNForecaster(horizon=6, verbose=0).fit(frame, target="sales", features=["other"], init=tiny_pretrained)
    with pytest.raises(ValueError, match="`init` must be 'pretrained' or a folder"):
        RNNForecaster(horizon=6, verbose=0).fit(monthly(), init=tmp_path)
    assert FINE_TUNE_EPOCHS == 10


def test_cli_fit_init(tiny_pretrained, tmp_path):
    from forecastrnn.cli import cli

    path = tmp_path / "sales.csv"
    monthly(100).rename_axis("month").to_csv(path)
    args = ["fit", path, "--out", tmp_path / "run", "--horizon", "6", "--epochs", "1", "--n-windows", "2",
            "--baselines", "naive", "--no-combination", "--quiet"]
    result = CliRunner().invoke(cli, [str(a) for a in args + ["--init", tiny_pretrained]])
    assert result.exit_code == 0, result.output
    network = json.loads((tmp_path / "run" / "run.json").read_text())["network"]
    assert network["init"] == str(tiny_pretrained)
    predicted = CliRunner().invoke(cli, ["predict", str(tmp_path / "run")])
    assert predicted.exit_code == 0 and predicted.output.count("\n") >= 7
    bad = CliRunner().invoke(cli, [str(a) for a in args[:2] + ["--out", tmp_path / "other"] + args[4:] + ["--init", tmp_path]])
    assert bad.exit_code == 1 and bad.output.startswith("Error: `init` must be") and "Traceback" not in bad.output
    assert not (tmp_path / "other").exists()

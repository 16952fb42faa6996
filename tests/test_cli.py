import io
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecastrnn import RNNForecaster
from forecastrnn.cli import cli


@pytest.fixture
def csv(tmp_path):
    n = 360
    t = np.arange(n)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "timestamp": pd.date_range("2022-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M"),
        "temp": np.cos(2 * np.pi * t / 24),
        "load": 10 + np.sin(2 * np.pi * t / 24) + 0.2 * rng.standard_normal(n),
    })
    path = tmp_path / "load.csv"
    frame.to_csv(path, index=False)
    return path


FAST = ["--horizon", "6", "--window", "24", "--units", "8", "--epochs", "2", "--n-models", "1", "--n-windows", "3", "--no-combination",
        "--baselines", "naive,seasonal-naive"]


def run(args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


@pytest.mark.slow
def test_fit_predict_backtest_happy_path(csv, tmp_path):
    out = tmp_path / "run"
    result = run(["fit", csv, "--out", out, *FAST, "--baselines", "naive,seasonal-naive,arima"])
    assert result.exit_code == 0, result.output
    assert "time column 'timestamp'" in result.output and "target ['load']" in result.output
    assert "1 input column(s)" in result.output  # the target only, unless --features says more
    assert "Note: only the last numeric column 'load' is forecast; ['temp'] are not used" in result.output
    # Stage lines, and no Keras lines unless --verbose.
    assert "Epoch 1/2" not in result.output and "[2/4] training and backtesting gru" in result.output
    assert "[1/4] backtesting naive, seasonal_naive, arima" in result.output
    assert "[4/4] forecasting and writing the run directory" in result.output
    for name in ("metrics.json", "backtest.csv", "forecast.csv", "forecast.png", "training.png",
                 "model/model.keras", "model/state.json"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"gru", "naive", "seasonal_naive", "arima"}  # --no-combination
    assert json.loads((out / "run.json").read_text())["forecast_model"] == "gru"
    for values in metrics.values():
        assert set(values) == {"mae", "rmse", "smape", "mase", "coverage"}
    assert metrics["naive"]["mase"] > 0
    forecast = pd.read_csv(out / "forecast.csv", index_col=0, parse_dates=True)
    assert list(forecast.columns) == ["load", "load_lower", "load_upper"]
    assert forecast.index.name == "timestamp"  # the times named as in the data
    assert forecast.index[0] == pd.Timestamp("2022-01-16 00:00")  # the step after the data
    # The saved model was retrained on every row, the test span included.
    n_rows = len(pd.read_csv(csv))
    assert RNNForecaster.load(out / "model").n_train_rows_ == n_rows
    assert json.loads((out / "run.json").read_text())["saved_model_trained_on"].startswith(f"all {n_rows} rows")
    assert "gru: window=24, units=[8]" in result.output and "[3/4] retraining gru on all" in result.output

    printed = run(["predict", out, "--horizon", "3"])
    assert printed.exit_code == 0, printed.output
    lines = printed.output.strip().splitlines()
    assert lines[0] == "timestamp,load,load_lower,load_upper" and len(lines) == 4
    target = tmp_path / "next.csv"
    written = run(["predict", out, "--data", csv, "--output", target, "--level", "0.5"])
    assert written.exit_code == 0 and target.is_file()
    assert run(["predict", out, "--output", target]).exit_code == 1  # exists, no --overwrite
    exported = run(["export", out, "--level", "0.5", "--level", "0.9"])  # the default: RUN_DIR/export-saved_model
    assert exported.exit_code == 0, exported.output
    from_export = run(["predict", out / "export-saved_model", "--data", csv, "--level", "0.5"])
    assert from_export.exit_code == 0, from_export.output
    assert from_export.output.startswith("timestamp,load,")
    np.testing.assert_allclose(pd.read_csv(io.StringIO(from_export.output), index_col=0),
                               pd.read_csv(target, index_col=0), rtol=1e-5)

    compared = run(["backtest", csv, *FAST, "--model", "lstm", "--bidirectional", "--features", "all"])
    assert compared.exit_code == 0, compared.output
    assert "2 input column(s)" in compared.output
    assert "bilstm" in compared.output and "seasonal_naive" in compared.output


def test_datasets_and_version():
    result = run(["datasets"])
    assert result.exit_code == 0 and "etth1" in result.output and "17420" in result.output
    assert __import__("forecastrnn").__version__ in run(["--version"]).output


@pytest.mark.parametrize("command", [[], ["fit"], ["predict"], ["backtest"], ["datasets"]])
def test_help_has_an_example(command):
    result = run([*command, "--help"])
    assert result.exit_code == 0 and "Example: forecastrnn" in result.output


def test_help_and_datasets_do_not_import_tensorflow():
    code = ("import sys; from click.testing import CliRunner; from forecastrnn.cli import cli; "
            "r = CliRunner().invoke(cli, ['--help']); assert r.exit_code == 0; "
            "r = CliRunner().invoke(cli, ['datasets']); assert r.exit_code == 0; "
            "assert 'tensorflow' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def bad_inputs(tmp_path, csv):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    text = tmp_path / "text.csv"
    text.write_text("date,name\n2020-01-01,a\n2020-01-02,b\n2020-01-03,c\n")
    return [
        (["fit", tmp_path / "missing.csv"], 1, "Data file not found"),
        (["fit", empty], 1, "The CSV file is empty"),
        (["fit", text], 1, "non-numeric column"),
        (["fit", csv, "--target", "nope"], 1, "Received: 'nope'"),
        (["fit", csv, "--dropout", "1.5"], 2, "Invalid value for '--dropout'"),
        (["fit", csv, "--units", "0"], 2, "expected positive integers"),
        (["fit", csv, "--baselines", "prophet"], 2, "Received: prophet"),
        (["fit", csv, "--model", "transformer"], 2, "Invalid value for '--model'"),
        (["predict", tmp_path / "no-run"], 1, "Run directory not found"),
        (["fit", csv, *FAST, "--epochs", "1", "--learning-rate", "1e30"], 1,
         "Error: Training diverged: the loss became nan in epoch 1."),
        (["fit", csv, "--baselines", "naive,seasonal-naive", "--scheduler", "tcp://127.0.0.1:9"], 1,
         "Error: Could not reach a Dask scheduler at 'tcp://127.0.0.1:9'"),
    ]


def test_bad_inputs_give_one_clean_line(tmp_path, csv):
    for args, status, message in bad_inputs(tmp_path, csv):
        out = tmp_path / "out"
        result = run([*args, "--out", out] if args[0] == "fit" else args)
        assert result.exit_code == status, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
        assert not out.exists()


def test_existing_run_directory_is_untouched(tmp_path, csv):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run(["fit", csv, "--out", out, *FAST])
    assert result.exit_code == 1 and "already exists. Pass --overwrite" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_corrupt_run_directory_for_predict(tmp_path):
    run_dir = tmp_path / "run"
    (run_dir / "model").mkdir(parents=True)
    (run_dir / "model" / "state.json").write_text("{}")
    (run_dir / "model" / "model.keras").write_text("not a zip")
    result = run(["predict", run_dir])
    assert result.exit_code == 1 and "Error: " in result.output and "Traceback" not in result.output
    assert "is not a forecastrnn.RNNForecaster state" in result.output


@pytest.mark.slow
def test_failed_fit_leaves_nothing_behind(tmp_path, csv, monkeypatch):
    import forecastrnn.plotting

    def broken(*args, **kwargs):
        raise ValueError("plotting failed on purpose")

    monkeypatch.setattr(forecastrnn.plotting, "plot_training", broken)
    out = tmp_path / "run"
    result = run(["fit", csv, "--out", out, *FAST, "--baselines", "none", "--quiet"])
    assert result.exit_code == 1 and "plotting failed on purpose" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [csv]


def test_debug_shows_the_traceback(tmp_path):
    result = run(["--debug", "fit", tmp_path / "missing.csv"])
    assert result.exit_code == 1 and isinstance(result.exception, FileNotFoundError)


@pytest.mark.slow
def test_an_error_reads_as_its_first_line_and_an_errno_as_its_text():
    from forecastrnn.cli import _message

    assert _message(FileNotFoundError(2, "No such file or directory", "x.csv")) == "No such file or directory: 'x.csv'"
    assert _message(FileNotFoundError("Data file not found. Received: 'x.csv'")) == "Data file not found. Received: 'x.csv'"
    assert _message(ValueError("first line\nsecond")) == "first line" and _message(KeyError()) == "KeyError"


def test_flat_series_gives_clean_output_and_every_baseline_row(tmp_path):
    path = tmp_path / "flat.csv"
    pd.DataFrame({"date": pd.date_range("2021-01-01", periods=120, freq="D").strftime("%Y-%m-%d"),
                  "y": 7.0}).to_csv(path, index=False)
    done = subprocess.run([sys.executable, "-m", "forecastrnn.cli", "backtest", str(path), "--epochs", "1", "--n-models", "1",
                           "--units", "2", "--n-windows", "2",
                           "--baselines", "naive,seasonal-naive,naive2,arima,ets,theta"],
                          capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "Note: MASE is undefined" in done.stderr and "RuntimeWarning" not in done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line.split()}
    for name in ("gru", "naive", "seasonal_naive", "naive2", "arima", "ets", "theta"):
        assert rows[name][4] == "NaN", rows[name]  # the mase column
    assert "arima: y: ARIMA(0,0,0) with mean" in done.stdout


def test_cli_defaults_are_the_api_defaults():
    """One name and one default per idea: an option left out means the constructor's default
    ("from the data" options are None on the CLI and "auto" in the API)."""
    import inspect

    import click

    from forecastrnn.cli import fit

    api = inspect.signature(RNNForecaster).parameters
    ctx = click.Context(fit)
    options = {p.name: p.get_default(ctx) for p in fit.params}
    shared = ["cell", "bidirectional", "units", "dropout", "recurrent_dropout", "window", "epochs",
              "batch_size", "n_models", "anchor", "patience", "loss", "learning_rate"]
    for name in shared:
        cli_default = options[name]
        cli_default = "auto" if cli_default in (None, ()) else cli_default
        assert cli_default == api[name].default, (name, cli_default, api[name].default)
    # the deliberate differences, documented in the README's table
    assert options["seed"] == 0 and api["random_state"].default is None
    assert options["init"] is None and api["init"].default is None  # random weights unless told
    assert options["horizon"] is None and api["horizon"].default == 24


def write_panel(path, ids=("s1", "s2", "s3"), n=200):
    rng = np.random.default_rng(0)
    parts = []
    for k, key in enumerate(ids):
        dates = pd.date_range("2024-01-01", periods=n - 9 * k, freq="h")
        parts.append(pd.DataFrame({"store": key, "date": dates.strftime("%Y-%m-%d %H:%M"),
                                   "sales": (k + 1) * (10 + np.sin(2 * np.pi * dates.hour / 24))
                                   + 0.1 * rng.standard_normal(len(dates))}))
    pd.concat(parts).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_columns_known_ahead_feed_the_network_and_arima_and_the_forecast_reads_their_future(tmp_path):
    n, rng = 240, np.random.default_rng(0)
    hours = pd.date_range("2024-01-01", periods=n + 6, freq="h")
    promo = (np.arange(n + 6) % 5 == 0).astype(float)
    load = 10 + np.sin(2 * np.pi * np.arange(n) / 24) + 3 * promo[:n] + 0.1 * rng.standard_normal(n)
    data, future = tmp_path / "promo.csv", tmp_path / "future.csv"
    pd.DataFrame({"time": hours[:n], "load": load, "promo": promo[:n]}).to_csv(data, index=False)
    pd.DataFrame({"time": hours[n:], "promo": promo[n:]}).to_csv(future, index=False)
    out = tmp_path / "run"
    result = run(["fit", data, "--known-future", "promo", "--future", future, "--out", out, *FAST[:-2],
                  "--baselines", "naive,arima", "--season-length", "1"])  # no season: a quick ARIMA search
    assert result.exit_code == 0, result.output
    assert "target ['load']" in result.output  # the last numeric column not known ahead
    assert "+ regressors ['promo']" in result.output  # ARIMA reads what the network reads
    assert RNNForecaster.load(out / "model").known_future_ == ["promo"]
    written = pd.read_csv(out / "forecast.csv")
    assert len(written) == 6 and written.load.notna().all()
    printed = run(["predict", out, "--future", future])
    assert printed.exit_code == 0, printed.output
    np.testing.assert_allclose(pd.read_csv(io.StringIO(printed.output)).load, written.load, rtol=1e-5)
    missing = run(["predict", out])
    assert missing.exit_code == 1 and "reads ['promo'], known ahead: --future FILE gives" in missing.output
    two = tmp_path / "two.csv"  # a shorter forecast needs its own steps' values only
    pd.DataFrame({"time": hours[n:n + 2], "promo": promo[n:n + 2]}).to_csv(two, index=False)
    shorter = run(["predict", out, "--future", two, "--horizon", "2"])
    assert shorter.exit_code == 0 and "Note: `future` gives ['promo'] for 2 of the 6 steps" in shorter.output
    assert "load" in shorter.output
    # Without --future the run is kept and says how to forecast; wrong uses stop before any training.
    kept = run(["fit", data, "--known-future", "promo", "--out", tmp_path / "kept", *FAST[:-2], "--epochs", "1",
                "--baselines", "naive", "--no-refit"])
    assert kept.exit_code == 0 and "Note: no forecast.csv" in kept.output, kept.output
    assert (tmp_path / "kept" / "model").is_dir() and not (tmp_path / "kept" / "forecast.csv").exists()
    both = run(["fit", data, "--target", "promo", "--known-future", "promo", "--out", tmp_path / "x"])
    assert both.exit_code == 1 and "in both --target and --known-future" in both.output
    alone = run(["fit", data, "--future", future, "--out", tmp_path / "x"])
    assert alone.exit_code == 1 and "none is named" in alone.output and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_panel_fit_backtest_predict(tmp_path):
    from forecastrnn import CombinationForecaster

    data = write_panel(tmp_path / "sales.csv", ids=(101, 102, 103))  # store numbers: numeric ids stopped the run
    out = tmp_path / "run"
    args = ["--id-col", "store", "--time-col", "date", "--target", "sales", *FAST[:8], "--n-windows", "2",
            "--baselines", "naive,seasonal-naive", "--n-jobs", "2"]
    result = run(["fit", data, "--out", out, *args, "--epochs", "1"])  # with the combination: three trainings
    assert result.exit_code == 0, result.output
    assert "Read 573 rows of 3 series" in result.output and "[1/5] backtesting naive" in result.output
    assert "[2/5] training and backtesting gru: one model for all 3 series" in result.output
    assert "[4/5] retraining the global gru" in result.output
    for name in ("metrics.json", "metrics_by_series.csv", "backtest.csv", "forecast.csv", "series.png",
                 "mase_by_series.png", "training.png", "model/state.json"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"gru", "naive", "seasonal_naive", "naive2", "combination"}
    assert metrics["naive2"]["owa"] == 1.0
    assert set(metrics["gru"]) == {"smape", "mase", "owa", "beats_seasonal_naive_%", "coverage", "msis", "n_series"}
    by_series = pd.read_csv(out / "metrics_by_series.csv")
    assert len(by_series) == 5 * 3 and set(by_series.store) == {101, 102, 103}
    backtest = pd.read_csv(out / "backtest.csv")
    assert len(backtest) == 5 * 3 * 2 * 6  # models x series x origins x steps, the same rows for each model
    assert backtest.groupby("model").size().nunique() == 1
    forecast = pd.read_csv(out / "forecast.csv", parse_dates=["date"])
    assert list(forecast.columns) == ["store", "date", "sales", "sales_lower", "sales_upper"]
    last = pd.read_csv(data, parse_dates=["date"]).groupby("store").date.max()
    for key, part in forecast.groupby("store"):
        assert part.date.iloc[0] == last[key] + pd.Timedelta(hours=1) and len(part) == 6
    saved = CombinationForecaster.load(out / "model")  # the default --forecast: the combination
    assert saved.network_.columns_ == ["store", "date", "sales"] and saved.members_[0] == "network"

    printed = run(["predict", out, "--horizon", "2"])
    assert printed.exit_code == 0, printed.output
    assert printed.output.splitlines()[0] == "store,date,sales,sales_lower,sales_upper"
    assert len(printed.output.strip().splitlines()) == 1 + 3 * 2
    new = write_panel(tmp_path / "new.csv", ids=("fresh",), n=60)
    fresh = run(["predict", out, "--data", new, "--horizon", "1"])
    assert fresh.exit_code == 0 and fresh.output.splitlines()[1].startswith("fresh,2024-01-03 12:00:00")
    # The export holds the combination's network; predicting from it runs only the TFLite file.
    exported = run(["export", out, "--format", "tflite", "--out", tmp_path / "tflite"])
    assert exported.exit_code == 0, exported.output
    assert "the export holds its network" in exported.output and "Inputs: history float32[None, 24, 1]" in exported.output
    from_export = run(["predict", tmp_path / "tflite", "--output", tmp_path / "exported.csv"])
    assert from_export.exit_code == 0, from_export.output
    got, expected = pd.read_csv(tmp_path / "exported.csv"), saved.network_.predict(level=0.9)
    assert list(got.columns) == ["store", "date", "sales", "sales_lower", "sales_upper"]
    np.testing.assert_allclose(got[["sales", "sales_lower", "sales_upper"]],
                               expected[["sales", "sales_lower", "sales_upper"]], rtol=1e-3)
    assert run(["predict", tmp_path / "tflite", "--future", data]).exit_code == 1  # no known-future columns


def test_a_panel_of_many_series_backtests_its_baselines_on_every_core_by_default(tmp_path):
    import os

    hours = pd.date_range("2024-01-01", periods=30, freq="h")
    data = tmp_path / "many.csv"
    pd.concat([pd.DataFrame({"store": f"s{i}", "date": hours, "sales": i + np.sin(np.arange(30) / 3)})
               for i in range(50)]).to_csv(data, index=False)
    args = ["backtest", data, "--id-col", "store", "--time-col", "date", "--target", "sales", "--horizon", "2",
            "--window", "4", "--units", "2", "--epochs", "1", "--n-models", "1", "--no-combination",
            "--baselines", "naive"]
    result = run(args)
    assert result.exit_code == 0, result.output
    assert f"series by series (n_jobs={os.cpu_count()})" in result.output  # (a smaller panel: n_jobs=1)


@pytest.mark.slow
def test_panel_backtest_with_checkpoints_and_logs(tmp_path):
    data = write_panel(tmp_path / "sales.csv")
    compared = run(["backtest", data, "--id-col", "store", "--time-col", "date", "--target", "sales", *FAST[:8],
                    "--n-windows", "2", "--baselines", "naive,seasonal-naive", "--quiet", "--checkpoint-dir",
                    tmp_path / "ckpt", "--log", "--no-combination"])
    assert compared.exit_code == 0 and "beats_seasonal_naive_%" in compared.output
    assert not [p for p in (tmp_path / "ckpt").rglob("*") if p.is_file()]  # a finished training keeps no backup


@pytest.mark.slow
def test_series_of_missing_values_and_unique_id_panels(tmp_path):
    # a unique_id column is a panel without --id-col; a series with no value is left out, said
    data = pd.read_csv(write_panel(tmp_path / "sales.csv")).set_axis(["unique_id", "ds", "y"], axis=1)
    data.loc[data.unique_id == "s2", "y"] = np.nan
    data.to_csv(tmp_path / "long.csv", index=False)
    result = run(["backtest", tmp_path / "long.csv", *FAST, "--epochs", "1"])
    assert result.exit_code == 0, result.output
    assert "Note: column 'unique_id' names the series: read as a panel (--id-col unique_id)" in result.output
    assert "Note: 1 series with only missing values in 'y' left out (e.g. 's2')" in result.output
    assert "Read 382 rows of 2 series" in result.output and "series by series (n_jobs=1)" in result.output
    data["y"] = np.nan
    data.to_csv(tmp_path / "empty.csv", index=False)
    result = run(["backtest", tmp_path / "empty.csv", *FAST])
    assert result.exit_code == 1 and "Error: Every series has only missing values in 'y'. Received: 3 series" in result.output


def test_bad_panels_in_the_cli_give_one_line(tmp_path):
    data = write_panel(tmp_path / "sales.csv")
    mixed = pd.read_csv(data)
    daily = mixed.store == "s3"
    mixed.loc[daily, "date"] = pd.date_range("2024-01-01", periods=int(daily.sum()), freq="D").strftime("%Y-%m-%d")
    mixed.to_csv(tmp_path / "mixed.csv", index=False)
    short = pd.read_csv(data)
    short = short[(short.store != "s2") | (short.groupby("store").cumcount() < 10)]
    short.to_csv(tmp_path / "short.csv", index=False)
    dup = pd.read_csv(data)
    dup = pd.concat([dup.iloc[:5], dup.iloc[[4]], dup.iloc[5:]])
    dup.to_csv(tmp_path / "dup.csv", index=False)
    # two columns could name the series: not guessed, the error says how to choose
    pd.read_csv(data).assign(region=lambda d: d.store.map({"s1": "north", "s2": "south", "s3": "east"})).to_csv(
        tmp_path / "two.csv", index=False)
    cases = {"mixed.csv": "All series of a panel must share one frequency",
             "dup.csv": "Series 's1': Timestamps must be unique",
             "two.csv": "several series in long format (column 'store' repeats)"}
    for name, message in cases.items():
        extra = [] if name == "two.csv" else ["--id-col", "store"]
        result = run(["fit", tmp_path / name, *extra, "--out", tmp_path / "out", *FAST])
        assert result.exit_code == 1, result.output
        error = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(error) == 1 and message in error[0], result.output
    assert "--id-col store" in error[0] and not (tmp_path / "out").exists()
    # a series of 10 rows: no backtest origin, but trained (padded) and forecast, with a note
    result = run(["fit", tmp_path / "short.csv", "--id-col", "store", "--out", tmp_path / "short", *FAST])
    assert result.exit_code == 0, result.output
    assert "Note: 1 series had fewer than" in result.output and "left out of the scores" in result.output
    forecast = pd.read_csv(tmp_path / "short" / "forecast.csv")
    assert sorted(forecast.store.unique()) == ["s1", "s2", "s3"] and forecast.sales.notna().all()
    single = pd.read_csv(data)
    single[single.store == "s1"].drop(columns="store").to_csv(tmp_path / "one.csv", index=False)
    one = run(["backtest", tmp_path / "one.csv", "--log", *FAST, "--verbose"])  # logs work on one series too
    assert one.exit_code == 0 and "training and backtesting gru" in one.output, one.output
    assert "Epoch 1/2" in one.output  # --verbose: Keras' own lines too
    negative = single[single.store == "s1"].drop(columns="store").assign(sales=lambda d: d.sales - 100)
    negative.to_csv(tmp_path / "negative.csv", index=False)
    bad = run(["backtest", tmp_path / "negative.csv", "--log", *FAST])
    assert bad.exit_code == 1 and "Error: target_transform='log' needs positive target values" in bad.output


@pytest.mark.slow
def test_messy_files_read_right_in_the_cli(tmp_path):
    """Date parts with NA strings and a text column; year-month strings; no time at all."""
    n = 120
    t = np.arange(n)
    stamps = pd.date_range("2010-01-01", periods=n, freq="h")
    pm = (50 + 20 * np.sin(2 * np.pi * t / 24)).round(1).astype(object)
    pm[:3] = "NA"
    pollution = pd.DataFrame({"No": t + 1, "year": stamps.year, "month": stamps.month, "day": stamps.day,
                              "hour": stamps.hour, "pm2.5": pm, "cbwd": np.where(t % 3, "NW", "SE")})
    pollution.to_csv(tmp_path / "pollution.csv", index=False)
    result = run(["backtest", tmp_path / "pollution.csv", "--target", "pm2.5", *FAST])
    assert result.exit_code == 0, result.output
    assert "time column 'year+month+day+hour' (from the columns year, month, day, hour), frequency h" in result.output
    one_hot = run(["backtest", tmp_path / "pollution.csv", "--target", "pm2.5", "--features", "pm2.5,cbwd", *FAST])
    assert one_hot.exit_code == 0 and "3 input column(s)" in one_hot.output, one_hot.output

    months = [f"{1 + k // 12}-{1 + k % 12:02d}" for k in range(48)]  # "1-01" .. "4-12"
    pd.DataFrame({"Month": months, "Sales": 100 + 10 * np.sin(np.arange(48))}).to_csv(tmp_path / "shampoo.csv",
                                                                                      index=False)
    shampoo = run(["backtest", tmp_path / "shampoo.csv", "--horizon", "6", "--window", "12", "--units", "4",
                   "--epochs", "1", "--n-models", "1", "--n-windows", "1", "--baselines", "naive"])
    assert shampoo.exit_code == 0, shampoo.output
    assert "time column 'Month' (year-month (%y-%m)), frequency MS" in shampoo.output
    wrong = run(["backtest", tmp_path / "shampoo.csv", "--date-format", "%Y-%m-%d", *FAST])
    assert wrong.exit_code == 1 and wrong.output.splitlines() == [
        "Error: Time column 'Month' must hold parseable dates with date_format='%Y-%m-%d'. Received: '1-01' at row 0"]
    positions = run(["backtest", tmp_path / "pollution.csv", "--time-col", "none", "--target", "pm2.5", *FAST])
    assert positions.exit_code == 0 and "no time column" in positions.output, positions.output


@pytest.mark.slow
def test_the_terminal_stays_quiet_unless_debug(csv):
    """No TensorFlow C++/absl start-up lines (cuInit, cuda drivers, oneDNN) on stderr."""
    args = [sys.executable, "-m", "forecastrnn.cli", "backtest", str(csv), *FAST, "--epochs", "1", "--quiet"]
    quiet = subprocess.run(args, capture_output=True, text=True)
    assert quiet.returncode == 0, quiet.stderr
    noise = [line for line in quiet.stderr.splitlines()
             if any(m in line for m in ("I0000", "E0000", "W0000", "absl", "cuInit", "cuda", "oneDNN"))]
    assert noise == [], noise
    assert "Backtest over 3 origin(s)" in quiet.stdout


def test_interrupt_or_full_disk_while_saving_leaves_nothing_and_one_line(tmp_path, csv, monkeypatch):
    import errno

    import forecastrnn.plotting

    keep = tmp_path / "old-run"
    keep.mkdir()
    (keep / "metrics.json").write_text("{}")
    for fault, status, message in [
        (KeyboardInterrupt(), 130, "Error: Interrupted by Ctrl-C: nothing was saved"),
        (OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.png")), 1,
         "Error: No space left on device: "),
    ]:
        def broken(*args, fault=fault, **kwargs):
            raise fault

        monkeypatch.setattr(forecastrnn.plotting, "plot_training", broken)
        result = run(["fit", csv, "--out", keep, "--overwrite", *FAST, "--baselines", "none", "--quiet"])
        assert result.exit_code == status, result.output
        assert result.output.splitlines()[-1].startswith(message), result.output
        assert "Traceback" not in result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["load.csv", "old-run"]  # no .tmp-* left
        assert (keep / "metrics.json").read_text() == "{}"  # the existing run is untouched


@pytest.mark.slow
@pytest.mark.parametrize("signal_name, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_during_training_leaves_no_run_directory(tmp_path, csv, signal_name, status):
    import signal
    import time

    out = tmp_path / "run"
    args = [sys.executable, "-m", "forecastrnn.cli", "fit", str(csv), "--out", str(out), *FAST, "--epochs", "200",
            "--patience", "200", "--verbose"]  # --verbose: Keras' epoch lines say the training runs
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    for line in proc.stdout:  # wait for the training's first epoch line
        if "Epoch" in line or "loss" in line or time.time() > deadline:
            break
    proc.send_signal(getattr(signal, signal_name))
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == status, stderr
    assert stderr.strip().splitlines()[-1].startswith(f"Error: Interrupted by {'SIGTERM' if status == 143 else 'Ctrl-C'}")
    assert "Traceback" not in stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["load.csv"]


@pytest.mark.slow
def test_a_short_series_backtests_with_default_horizon_or_says_how_much_is_needed(tmp_path):
    months = pd.date_range("2001-01-01", periods=36, freq="MS").strftime("%Y-%m")
    pd.DataFrame({"Month": months, "Sales": 100 + 10 * np.sin(np.arange(36))}).to_csv(tmp_path / "short.csv",
                                                                                      index=False)
    quick = ["--units", "4", "--epochs", "1", "--n-models", "1", "--baselines", "naive,seasonal-naive"]
    ok = run(["backtest", tmp_path / "short.csv", *quick])  # horizon 12: 24 training rows, padded windows
    assert ok.exit_code == 0 and "Plan: horizon=12, 1 test origin(s)" in ok.output, ok.output
    too_long = run(["backtest", tmp_path / "short.csv", "--horizon", "30", *quick])
    assert too_long.exit_code == 1 and "6 rows, at least 31 needed" in too_long.output, too_long.output
    many = run(["backtest", tmp_path / "short.csv", "--n-windows", "5", *quick])  # said "-24 rows"
    assert many.exit_code == 1 and "0 rows, at least 13 needed. Received: 36 rows in all, while 5 origin(s) of " \
        "horizon 12 test the last 60" in many.output, many.output
    # 20 years: the default 10 steps would leave the models 10 rows; 6 leave two horizons
    years = pd.date_range("1935-01-01", periods=20, freq="YS").strftime("%Y-%m-%d")
    pd.DataFrame({"year": years, "invest": 100 + np.arange(20.0) ** 1.5}).to_csv(tmp_path / "years.csv", index=False)
    yearly = run(["backtest", tmp_path / "years.csv", *quick])
    assert yearly.exit_code == 0 and "Note: horizon=6, not 10: 20 rows leave two horizons" in yearly.output
    assert "Plan: horizon=6, 1 test origin(s)" in yearly.output, yearly.output
    # 5 days: seasonal naive needs a week and a day; it is left out, the others are backtested
    pd.DataFrame({"date": pd.date_range("2020-01-01", periods=5).astype(str), "v": [1.0, 2, 3, 4, 5]}).to_csv(
        tmp_path / "days.csv", index=False)
    days = run(["backtest", tmp_path / "days.csv", *quick])
    assert days.exit_code == 0, days.output
    assert "Note: seasonal_naive left out: it needs 8 training rows, the series has 4 before the test" in days.output
    assert "\nnaive " in days.output and "\nseasonal_naive " not in days.output
    # a panel of 60 weeks a series: seasonal naive needed 53 training rows of some series, and the run stopped
    weeks = pd.date_range("2022-01-03", periods=60, freq="W-MON").strftime("%Y-%m-%d")
    pd.DataFrame({"store": np.repeat([1, 2, 3], 60), "week": np.tile(weeks, 3),
                  "sales": 30 + np.sin(np.arange(180.0))}).to_csv(tmp_path / "weekly.csv", index=False)
    panel = run(["backtest", tmp_path / "weekly.csv", *quick, "--no-combination"])
    assert panel.exit_code == 0, panel.output
    assert "Note: seasonal_naive left out: it needs 53 training rows, the longest series has 47 before the test" \
        in panel.output and "\nnaive " in panel.output and "beats_seasonal_naive_%" not in panel.output


@pytest.mark.slow
def test_fit_writes_the_combination_and_predict_reads_it(csv, tmp_path):
    out = tmp_path / "run"
    args = [a for a in FAST if a != "--no-combination"]
    result = run(["fit", csv, "--out", out, *args, "--no-refit"])
    assert result.exit_code == 0, result.output
    assert "training and backtesting combination" in result.output
    assert set(json.loads((out / "metrics.json").read_text())) == {"gru", "naive", "seasonal_naive", "combination"}
    info = json.loads((out / "run.json").read_text())
    assert info["forecast_model"] == "combination" and info["combination"].startswith("combination (inverse")
    assert "The saved model (combination)" in result.output
    forecast = pd.read_csv(out / "forecast.csv", index_col=0)
    again = run(["predict", out])
    assert again.exit_code == 0, again.output
    predicted = pd.read_csv(__import__("io").StringIO(again.output), index_col=0)
    np.testing.assert_allclose(predicted["load"], forecast["load"], rtol=1e-6)

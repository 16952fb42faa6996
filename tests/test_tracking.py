"""--mlflow: the MLflow run holds what the run directory holds."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecastrnn.cli import cli
from forecastrnn.tracking import flat_metrics, metric_name

FAST = ["--horizon", "6", "--window", "24", "--units", "8", "--epochs", "2", "--n-models", "1", "--n-windows", "2",
        "--no-combination", "--baselines", "naive,seasonal-naive", "--quiet"]


@pytest.fixture
def csv(tmp_path):
    t = np.arange(300)
    frame = pd.DataFrame({"time": pd.date_range("2022-01-01", periods=300, freq="h"),
                          "load": 10 + np.sin(2 * np.pi * t / 24) + 0.2 * np.random.default_rng(0).normal(size=300)})
    path = tmp_path / "load.csv"
    frame.to_csv(path, index=False)
    return path


def test_metric_names_are_what_mlflow_accepts():
    assert metric_name("gru", "beats_seasonal_naive_%") == "gru.beats_seasonal_naive_pct"
    assert flat_metrics({"gru": {"mase": 0.5, "coverage": None}, "naive": {"mase": float("nan")}}) == {"gru.mase": 0.5}


def test_fit_and_backtest_log_to_a_file_store(csv, tmp_path):
    import mlflow  # the test extra installs it

    store = (tmp_path / "mlruns").as_uri()
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["fit", str(csv), "--out", str(out), *FAST, "--mlflow", store])
    assert result.exit_code == 0, result.output
    line = [l for l in result.output.splitlines() if l.startswith("MLflow run ")][0]
    run = mlflow.tracking.MlflowClient(tracking_uri=store).get_run(line.split()[2])
    assert run.data.metrics == flat_metrics(json.loads((out / "metrics.json").read_text()))
    assert run.data.params["chosen.window"] == "24" and run.data.params["horizon"] == "6"
    assert run.data.tags["command"] == "fit"
    artifacts = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, tracking_uri=store,
                                                         dst_path=str(tmp_path / "got")))
    for name in ("metrics.json", "forecast.csv", "model/state.json", "model/model.keras", "run.json"):
        assert (artifacts / name).is_file(), name

    result = CliRunner().invoke(cli, ["backtest", str(csv), *FAST, "--mlflow", store])
    assert result.exit_code == 0, result.output
    run_id = [l for l in result.output.splitlines() if l.startswith("MLflow run ")][0].split()[2]
    logged = mlflow.tracking.MlflowClient(tracking_uri=store).get_run(run_id)
    assert {"gru.mase", "naive.mase", "seasonal_naive.smape"} <= set(logged.data.metrics)
    assert logged.data.tags["command"] == "backtest"


def test_mlflow_missing_is_one_line_before_training(csv, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow raises ImportError
    result = CliRunner().invoke(cli, ["backtest", str(csv), *FAST, "--mlflow"])
    assert result.exit_code == 1
    assert "pip install 'forecastrnn[mlflow]'" in result.output and "[1/" not in result.output

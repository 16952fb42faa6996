"""Every benchmark script runs with --quick, so none of them rots. No timings are asserted."""

import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import run_script

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
DATA = BENCH.parent / "datasets"  # the bundled files (airline passengers, ETTh1)
pytestmark = pytest.mark.slow


def run(script, *args):
    return run_script(BENCH / script, "--quick", *args)


def test_every_script_is_covered():
    source = Path(__file__).read_text()
    missing = [p.name for p in BENCH.glob("bench_*.py") if f'run("{p.name}"' not in source]
    assert not missing, f"benchmark scripts without a --quick test here: {missing}"


def fake_m3(folder, sheets=(("m3_yearly.csv", "", (20, 47)), ("m3_quarterly.csv", 1, (24, 72)))):
    """Small files shaped like ``../shared/data/m3`` (random walks) in ``folder/m3``."""
    import numpy as np
    import pandas as pd

    (folder / "m3").mkdir()
    rng = np.random.default_rng(0)
    for sheet, period, lengths in sheets:
        rows = []
        for i in range(8):
            n = int(rng.integers(*lengths))
            rows.append([f"N{i}", n, 6, "MICRO", 1980, period, *(100 + np.cumsum(rng.standard_normal(n)))])
        width = max(len(r) for r in rows)
        header = ["Series", "N", "NF", "Category", "Starting Year", "Starting Period", *range(1, width - 5)]
        pd.DataFrame([r + [None] * (width - len(r)) for r in rows], columns=header).to_csv(folder / "m3" / sheet,
                                                                                          index=False)


def test_short_panels(tmp_path):
    fake_m3(tmp_path)
    # the script exits non-zero unless every series of every panel gets a finite forecast; one of its
    # four panels here (each is a CLI run): the one cut to 7 rows
    out = run("bench_short_panels.py", "--data", tmp_path, "--panels", "m3_yearly_short")
    table = out[out.rindex("panel"):]
    assert "m3_yearly_short" in table and table.count("True") == 1


def test_m3(tmp_path):
    fake_m3(tmp_path)
    out = run("bench_m3.py", "--data", tmp_path / "m3", "--categories", "yearly",
              "--models", "theta,combination")
    for row in ("naive2", "theta", "combination", "combination[select]", "member network"):
        assert f"{row} " in out, out


def test_jit():
    assert "samples/s" in run("bench_jit.py")


def test_training():
    assert "XLA alone" in run("bench_training.py", "--cells", "gru")


def test_memory():
    out = run("bench_memory.py")
    assert "forecastrnn" in out and "numpy" in out and "peak RSS" in out


def test_arima_backtest():
    assert "speed-up without refit" in run("bench_arima_backtest.py")


def test_etth1_accuracy():
    out = run("bench_etth1_accuracy.py")
    assert "lowest test MSE among the networks" in out and "arima" in out and "ets" in out


def test_m4_hourly(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    t = np.arange(300)
    series = [100 + 10 * np.sin(2 * np.pi * (t + k) / 24) + rng.standard_normal(300) for k in range(3)]
    header = ["V1"] + [f"V{i}" for i in range(2, 252)]
    pd.DataFrame([[f"H{k + 1}", *s[:250]] for k, s in enumerate(series)], columns=header).to_csv(
        tmp_path / "Hourly-train.csv", index=False)
    pd.DataFrame([[f"H{k + 1}", *s[250:298]] for k, s in enumerate(series)],
                 columns=["V1"] + [f"V{i}" for i in range(2, 50)]).to_csv(tmp_path / "Hourly-test.csv", index=False)
    out = run("bench_m4_hourly.py", "--data", tmp_path, "--long", tmp_path / "long.csv", "--n-jobs", "1",
              "--models", "seasonal_naive,arima,ets,theta,global_gru,gru", "--set", "normalize=window",
              "--set", "ensemble=window:24,48")
    assert "naive2" in out and "OWA" in out and "global_gru" in out and "\ngru " in out
    assert out.count("global GRU:") == 2 and "'normalize': 'window'" in out and "MSIS" in out
    assert "\narima" in out and "\nets" in out and "\ntheta" in out and "0 failed fit(s)" in out


def test_panel_scale(tmp_path):
    out = run("bench_panel_scale.py", "--path", tmp_path / "panel.parquet")
    assert "read_panel: 300 series, 36,000 rows" in out and "bytes per row" in out


def test_global_panel():
    # Two variants and the skipped log one (each variant's options are GlobalRNNForecaster's own, tested there)
    out = run("bench_global_panel.py", "--variants", "no_calendar,window_norm,log")
    assert "no_calendar" in out and "window_norm" in out and "mean over seeds" in out
    assert "log: skipped (logs need positive values" in out  # ETTh1 has negative values


def test_global_panel_on_a_collection_folder(tmp_path):
    import numpy as np
    import pandas as pd

    months = pd.date_range("2000-01-01", periods=120, freq="MS")
    season = 10 + 3 * np.sin(2 * np.pi * np.arange(120) / 12)
    for name, y in {"a": season, "b": 5 * season, "c": season + 2, "with-zero": np.r_[0.0, season[1:]]}.items():
        pd.DataFrame({"Month": months.strftime("%Y-%m"), "Value": y}).to_csv(tmp_path / f"{name}.csv", index=False)
    pd.DataFrame({"Date": pd.date_range("2000-01-01", periods=400).strftime("%Y-%m-%d"),
                  "Value": np.arange(1.0, 401)}).to_csv(tmp_path / "daily.csv", index=False)
    out = run("bench_global_panel.py", "--panel", "collection", "--data", tmp_path, "--variants", "window_norm,log")
    assert "a (120), b (120), c (120);" in out and "with-zero" not in out and "daily" not in out
    assert "log" in out and "mean over seeds" in out


def test_imdb(imdb_tree):
    assert "test accuracy" in run("bench_imdb.py", "--data", imdb_tree["archive"], "--models", "lstm,bilstm")


def test_text_batching(imdb_tree):
    assert "length-bucketed" in run("bench_text_batching.py", "--data", imdb_tree["archive"])


def test_cli_startup():
    out = run("bench_cli_startup.py")
    assert "forecastrnn --help" in out and "forecastrnn predict pretrained" in out


def test_collection(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    (tmp_path / "collection").mkdir()
    (tmp_path / "m4").mkdir()
    months = pd.date_range("1990-01-01", periods=96, freq="MS").strftime("%Y-%m")
    seasonal = 100 + 10 * np.sin(2 * np.pi * np.arange(96) / 12) + rng.standard_normal(96)
    pd.DataFrame({"Month": months, "Sales": seasonal}).to_csv(tmp_path / "collection" / "monthly-a.csv", index=False)
    # Year-month written as "Y-MM" with year 1, 2, ...: rebuilt by the script.
    pd.DataFrame({"Month": [f"{1 + i // 12}-{1 + i % 12:02d}" for i in range(96)], "Sales": seasonal[::-1]}).to_csv(
        tmp_path / "collection" / "monthly-writing-paper-sales.csv", index=False)
    hours = pd.date_range("2020-01-01", periods=500, freq="h")
    pd.DataFrame({"date": hours, "OT": np.sin(np.arange(500) / 4) + rng.standard_normal(500)}).to_csv(
        tmp_path / "ETTh1.csv", index=False)
    pd.DataFrame({"V1": ["H1"], **{f"V{i}": [float(i)] for i in range(2, 200)}}).to_csv(
        tmp_path / "m4" / "Hourly-train.csv", index=False)
    pd.DataFrame({"V1": ["H1"], **{f"V{i}": [float(i)] for i in range(2, 10)}}).to_csv(
        tmp_path / "m4" / "Hourly-test.csv", index=False)
    out = run("bench_collection.py", "--data", tmp_path, "--cli-args=--baselines naive,seasonal-naive,theta")
    assert "monthly-a" in out and "monthly-writing-paper-sales" in out and "ETTh1-OT" in out
    assert "Mean MASE rank" in out and "Mean 90 % interval coverage of gru" in out


def test_dask():
    out = run("bench_dask.py")
    assert out.count("identical: ") == 2 and "max relative difference" in out and "overhead" in out


def test_multiworker():
    out = run("bench_multiworker.py")
    assert "1 process (fit)" in out and "2 workers (strategy.run)" in out and "forecasts within" in out


def test_stream(tmp_path):
    out = run("bench_stream.py", "--path", tmp_path / "panel.parquet")
    assert "2,000 series x 100 rows" in out and "windows per epoch: 22,000" in out and "finite=True" in out
    assert "peak RSS of the training process" in out


def test_refit():
    out = run("bench_refit.py")
    assert "warm refit" in out and "cold refit" in out


def test_main_command():
    out = run("bench_main_command.py")
    assert "training and backtesting gru" in out and "total (exit code 0)" in out


def test_latency():
    out = run("bench_latency.py")
    for row in ("forecastrnn predict", "Keras predict", "Keras direct call", "SavedModel", "TFLite", "sizes: TFLite"):
        assert out.count(row) >= 2, out  # the one-series model and the global one


def test_pretrain_and_bench_pretrained(tmp_path):
    fake_m3(tmp_path, sheets=(("m3_yearly.csv", "", (20, 47)), ("m3_quarterly.csv", 1, (24, 72)),
                              ("m3_monthly.csv", 1, (48, 80)), ("m3_other.csv", 1, (70, 90))))
    (tmp_path / "m4").mkdir()
    rng = __import__("numpy").random.default_rng(0)
    import pandas as pd

    for name, n in (("Hourly-train.csv", 200), ("Hourly-test.csv", 48)):
        pd.DataFrame(100 + rng.normal(size=(12, n)).cumsum(axis=1), index=[f"H{i}" for i in range(12)]).to_csv(
            tmp_path / "m4" / name)
    # the collection, ETTh1 and airline are left out: they are real files of ../shared/data only
    out = run("pretrain.py", "--data", tmp_path, "--leave-out", "collection,etth1,airline")
    assert "corpus:" in out and "written to" in out
    folder = out.strip().splitlines()[-1].split("written to ")[1].split(" (")[0]
    rescored = run("pretrain.py", "--data", tmp_path, "--out", folder, "--rescore")  # the same corpus, new scores
    assert run("bench_pretrained.py", "--data", DATA, "--pretrained", folder, "--speed").count("zero-shot predict") == 3
    assert "interval scores of" in rescored and "recomputed from" in rescored
    table = run("bench_pretrained.py", "--data", tmp_path, "--pretrained", folder, "--datasets", "m3_yearly,m4_hourly",
                "--models", "naive2,pretrained,finetuned,init", "--level", "0.8")
    for row in ("m3_yearly     pretrained", "m3_yearly     finetuned", "m4_hourly     naive2", "m4_hourly     init"):
        assert row in table, table
    # statsmodels' bundled datasets, a panel and a single series' last windows (data no pretraining read)
    outside = run("bench_pretrained.py", "--pretrained", folder, "--datasets", "sm_grunfeld,sm_co2", "--models", "pretrained")
    assert "sm_grunfeld   pretrained" in outside and "sm_co2        pretrained" in outside, outside
    pretrained_row = next(line for line in table.splitlines() if line.startswith("m3_yearly     pretrained"))
    assert "cover 80%" in table and 0 <= float(pretrained_row.split()[-1]) <= 1  # its intervals' coverage


def test_the_autoets_row_says_in_one_line_what_it_needs(monkeypatch):
    """statsforecast (the issue's reference ETS) is no dependency: without it the row exits with
    one line saying what to install (with it, the row was measured in an environment of its own)."""
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.setitem(sys.modules, "statsforecast", None)  # as if not installed
    import bench_pretrained

    with pytest.raises(SystemExit, match=r"needs statsforecast \(pip install statsforecast"):
        bench_pretrained.statsforecast_ets([np.arange(12.0)], 1, 3)

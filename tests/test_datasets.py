import os
import subprocess
import sys

import pandas as pd
import pytest

import forecastrnn
from forecastrnn.datasets import dataset_path, list_datasets, load_dataset


def test_bundled_etth1_and_airline():
    etth1 = load_dataset("etth1")
    assert etth1.shape == (17420, 7) and etth1.attrs["freq"] == "h"
    assert etth1.attrs["target"] == ["OT"] and etth1.index[0] == pd.Timestamp("2016-07-01")
    airline = load_dataset("airline")
    assert airline.shape == (144, 1) and airline.attrs["freq"] == "MS"
    assert airline["passengers"].iloc[0] == 112


def test_list_datasets_matches_the_files():
    table = list_datasets()
    assert set(table["name"]) == {"etth1", "airline"}
    for row in table.itertuples():
        assert os.path.isfile(row.path)
        assert row.rows == len(load_dataset(row.name))


def test_unknown_dataset():
    with pytest.raises(ValueError, match=r"`name` must be one of.*Received: name='m5'"):
        dataset_path("m5")


def test_env_var_overrides_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECASTRNN_DATASETS", str(tmp_path))
    (tmp_path / "ETTh1.csv").write_text("date,OT\n2020-01-01 00:00,1\n2020-01-01 01:00,2\n"
                                        "2020-01-01 02:00,3\n")
    assert load_dataset("etth1").shape == (3, 1)


def test_import_does_not_load_tensorflow():
    code = ("import sys, forecastrnn; forecastrnn.read_series; forecastrnn.Scaler; "
            "forecastrnn.WindowSpec; import forecastrnn.cli; "
            "assert 'tensorflow' not in sys.modules, 'tensorflow imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names():
    from forecastrnn import _EXPORTS
    from forecastrnn.baselines import BASELINES

    for name, module in _EXPORTS.items():  # each name resolves to the object its module defines
        obj = getattr(forecastrnn, name)
        assert obj.__module__.startswith(module), (name, obj.__module__)
        assert obj.__doc__, f"{name} has no docstring"
    # every estimator a user can pick is public
    estimators = {cls.__name__ for cls in BASELINES.values()} | {"RNNForecaster", "GlobalRNNForecaster",
                                                                 "SentimentClassifier"}
    assert estimators <= set(forecastrnn.__all__)
    with pytest.raises(AttributeError, match="has no attribute 'not_a_name'"):
        forecastrnn.not_a_name

import os

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def hourly_frame():
    """Three weeks of a noisy daily sine, hourly, with one extra feature."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2021-01-01", periods=24 * 21, freq="h", name="time")
    t = np.arange(len(index))
    y = 10 + np.sin(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(len(t))
    return pd.DataFrame({"temp": np.cos(2 * np.pi * t / 24), "load": y}, index=index)


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a temporary folder and return its path."""
    def write(text, name="data.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write

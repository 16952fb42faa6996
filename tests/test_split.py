import numpy as np
import pandas as pd
import pytest

from forecastrnn.data import split_series


def frame(n):
    return pd.DataFrame({"y": np.arange(n, dtype=float)},
                        index=pd.date_range("2020", periods=n, freq="D"))


def test_fractions_are_chronological_and_cover_everything():
    train, val, test = split_series(frame(100), validation_size=0.1, test_size=0.2)
    assert (len(train), len(val), len(test)) == (70, 10, 20)
    assert train.index.max() < val.index.min() and val.index.max() < test.index.min()
    np.testing.assert_array_equal(np.concatenate([train.y, val.y, test.y]), np.arange(100))


def test_sizes_in_rows_and_empty_validation():
    train, val, test = split_series(frame(50), validation_size=0, test_size=12)
    assert (len(train), len(val), len(test)) == (38, 0, 12)


def test_too_little_data_says_how_many_rows_are_needed():
    with pytest.raises(ValueError, match=r"at least 39 rows in all.*Received: 30 rows"):
        split_series(frame(30), validation_size=5, test_size=5, window=24, horizon=5)


@pytest.mark.parametrize("size, error", [(-1, ValueError), (1.5, ValueError), ("a", TypeError),
                                         (True, TypeError)])
def test_bad_sizes(size, error):
    with pytest.raises(error, match="test_size"):
        split_series(frame(50), test_size=size)

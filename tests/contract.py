"""The contract every forecaster (RNN or baseline) keeps; reused by their test files."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError


def check_forecaster_contract(make, data, horizon, target="y"):
    """``make()`` returns an unfitted forecaster; ``data`` is a frame with a DatetimeIndex."""
    model = make()
    twin = clone(model)
    assert twin.get_params() == model.get_params() and twin is not model
    with pytest.raises(NotFittedError):
        model.predict()
    assert model.fit(data) is model
    forecast = model.predict()
    assert forecast.shape == (horizon, 1) and list(forecast.columns) == [target]
    expected = pd.date_range(data.index[-1], periods=horizon + 1, freq=data.index.freq)[1:]
    pd.testing.assert_index_equal(forecast.index, expected, check_names=False)
    assert np.isfinite(forecast.to_numpy()).all()
    with_interval = model.predict(level=0.8)
    assert list(with_interval.columns) == [target, f"{target}_lower", f"{target}_upper"]
    assert (with_interval[f"{target}_lower"] <= with_interval[target]).all()
    assert (with_interval[target] <= with_interval[f"{target}_upper"]).all()
    return model

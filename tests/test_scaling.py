import json

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from forecastrnn.data import Scaler, split_series


@pytest.fixture
def trending():
    n = 200
    return pd.DataFrame({"x": np.arange(n, dtype=float), "y": np.linspace(5, 50, n) ** 1.5},
                        index=pd.date_range("2020", periods=n, freq="h"))


def test_statistics_come_from_training_rows_only(trending):
    train, val, test = split_series(trending, validation_size=0.1, test_size=0.2)
    scaler = Scaler("standard").fit(train)
    mean = -scaler.offset_ / scaler.scale_  # standard scaling: (x - mean) / std
    np.testing.assert_allclose(mean, train.mean().to_numpy())
    assert not np.allclose(mean, trending.mean().to_numpy())
    scaled_train = scaler.transform(train)
    np.testing.assert_allclose(scaled_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scaled_train.std(axis=0), 1, atol=1e-12)
    # The test piece of an upward trend lies above the training range once scaled.
    assert scaler.transform(test).min() > 1


@pytest.mark.parametrize("method", ["standard", "minmax", "robust", "none"])
def test_inverse_round_trips_and_json_state(method, trending, tmp_path):
    scaler = Scaler(method).fit(trending)
    scaled = scaler.transform(trending)
    np.testing.assert_allclose(scaler.inverse_transform(scaled), trending.to_numpy())
    # Target-only inverse on a forecast-shaped array (n, horizon, 1).
    y_scaled = scaler.transform(trending[["y"]], columns=["y"]).reshape(-1, 4, 1)
    np.testing.assert_allclose(scaler.inverse_transform(y_scaled, columns=["y"]).ravel(),
                               trending["y"].to_numpy())
    scaler.save(tmp_path / "scaler.json")
    assert json.loads((tmp_path / "scaler.json").read_text())["method"] == method
    restored = Scaler.load(tmp_path / "scaler.json")
    np.testing.assert_allclose(restored.transform(trending), scaled)


def test_nan_is_ignored_in_fit_and_kept_in_transform():
    frame = pd.DataFrame({"y": [1.0, np.nan, 3.0]})
    scaler = Scaler("minmax").fit(frame)
    out = scaler.transform(frame)
    assert out[0, 0] == 0 and np.isnan(out[1, 0]) and out[2, 0] == 1


def test_errors():
    with pytest.raises(NotFittedError):
        Scaler().transform([[1.0]])
    with pytest.raises(ValueError, match=r"`method` must be one of.*Received: method='zscore'"):
        Scaler("zscore").fit([[1.0]])
    with pytest.raises(ValueError, match="only NaN in"):
        Scaler().fit(pd.DataFrame({"y": [np.nan, np.nan]}))
    scaler = Scaler().fit(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 5.0]}))
    with pytest.raises(ValueError, match="Expected 2 column"):
        scaler.transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="Invalid scaler state"):
        Scaler.from_dict({"method": "standard"})


def test_a_frame_with_the_columns_in_another_order_is_refused_not_scaled_wrongly():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [30.0, 50.0]})
    scaler = Scaler().fit(frame)
    with pytest.raises(ValueError, match=r"columns \['a', 'b'\], in this order. Received: \['b', 'a'\]"):
        scaler.transform(frame[["b", "a"]])
    with pytest.raises(ValueError, match=r"columns \['b'\], in this order. Received: \['a'\]"):
        scaler.inverse_transform(frame[["a"]], columns=["b"])
    np.testing.assert_allclose(scaler.transform(frame[["b"]], columns=["b"]), [[-1.0], [1.0]])
    np.testing.assert_allclose(scaler.transform(frame.to_numpy()), scaler.transform(frame))  # arrays: by position

"""The network's forward pass in NumPy (models.numpy_network): Keras' forecasts, no TensorFlow."""

import numpy as np
import pandas as pd
import pytest

from forecastrnn.data.synthetic import synthetic_panel


@pytest.mark.parametrize("shape", [dict(units=[5, 3], season_length=4), dict(cell="lstm")])
def test_a_network_loaded_for_numpy_forecasts_as_keras_does(tmp_path, shape):
    """Stacked GRU layers and a season in the window normalisation run in NumPy; a shape it does
    not read (an LSTM) loads as the Keras model."""
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster
    from forecastrnn.models.numpy_network import NumpyNetwork

    panel = synthetic_panel(6, season_lengths=(4,), lengths=(60, 90), seed=1).drop(columns="season_length")
    panel.loc[panel.index[[5, 70]], "y"] = np.nan  # missing values: the observed channel
    settings = dict(window=16, horizon=5, epochs=1, normalize="window", anchor="last", n_models=1, random_state=0,
                    verbose=0)
    model = GlobalRNNForecaster(**settings, **shape).fit(panel)
    model.save(tmp_path / "m")
    loaded = GlobalRNNForecaster.load(tmp_path / "m", numpy=True)
    assert isinstance(loaded.model_, NumpyNetwork) == (shape.get("cell") != "lstm")
    for a, b in zip(loaded.model_.get_weights(), model.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    new = panel.assign(unique_id="new " + panel.unique_id)  # scaled on their own rows, padded when short
    for data in (None, new, new.groupby("unique_id").head(12)):
        pd.testing.assert_frame_equal(loaded.predict(data, level=0.8), model.predict(data, level=0.8), rtol=1e-5,
                                      atol=1e-4)
    (tmp_path / "m" / "model.keras").write_bytes(b"not an archive")  # a broken file: Keras' one-line error
    with pytest.raises(ValueError, match="Could not load the Keras model"):
        GlobalRNNForecaster.load(tmp_path / "m", numpy=True)


def test_a_numpy_network_says_what_it_cannot_do(tmp_path):
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster
    from forecastrnn.models.pretrained import WEIGHTS_DIR

    loaded = GlobalRNNForecaster.load(f"{WEIGHTS_DIR}/model", numpy=True)
    with pytest.raises(ValueError, match="Exporting needs the Keras model"):
        loaded.export(tmp_path / "x")
    assert not (tmp_path / "x").exists()

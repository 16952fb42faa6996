"""Resumable training (``checkpoint_dir``): killed after epoch k, started again, same model."""

import numpy as np
import pytest

from forecastrnn import GlobalRNNForecaster, RNNForecaster
from forecastrnn.data.windows import WindowSpec, make_dataset

pytestmark = pytest.mark.slow


class Interrupt(Exception):
    pass


def interrupt_after(k):
    import keras

    class Stop(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == k:
                raise Interrupt(f"killed after epoch {k}")

    return Stop()


def series(n=300, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 10 + np.sin(2 * np.pi * t / 12) + 0.3 * rng.standard_normal(n)


@pytest.mark.parametrize("make, data", [
    (lambda: RNNForecaster(units=8, window=24, horizon=6, epochs=6, patience=2, batch_size=32, dropout=0.2,
                           jit_compile=False, n_models=1, verbose=0, random_state=3), series()),
    (lambda: GlobalRNNForecaster(units=8, window=24, horizon=6, epochs=6, patience=2, batch_size=32,
                                 jit_compile=False, n_models=1, verbose=0, random_state=3),
     {"a": series(seed=1), "b": 5 * series(seed=2)}),
], ids=["single", "global"])
def test_a_training_killed_after_epoch_k_resumes_to_the_uninterrupted_model(tmp_path, make, data):
    whole = make().fit(data, checkpoint_dir=tmp_path / "a")
    assert not (tmp_path / "a").exists()  # removed when training ends

    with pytest.raises(Interrupt):
        make().fit(data, checkpoint_dir=tmp_path / "b", callbacks=[interrupt_after(3)])
    assert (tmp_path / "b" / "callbacks.json").exists()
    import keras

    ran = []
    resumed = make().fit(data, checkpoint_dir=tmp_path / "b",
                         callbacks=[keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: ran.append(e))])
    assert ran == list(range(3, len(whole.history_["loss"])))  # went on from the checkpoint

    assert len(resumed.history_["loss"]) == len(whole.history_["loss"])  # the epochs before the kill kept
    np.testing.assert_allclose(resumed.history_["val_loss"], whole.history_["val_loss"], rtol=1e-6)
    for a, b in zip(whole.model_.get_weights(), resumed.model_.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    forecasts = [m.predict().select_dtypes("float").to_numpy() for m in (resumed, whole)]
    np.testing.assert_allclose(*forecasts, rtol=1e-6)


def test_epoch_orders_depend_on_seed_and_epoch_only():
    inputs = np.arange(200, dtype="float32")[:, None]
    spec = WindowSpec(4, 2)

    def firsts(epochs, seed=7):
        return [float(x[0, 0, 0]) for x, _ in make_dataset(inputs, inputs, spec, batch_size=8, shuffle=True,
                                                            seed=seed, epochs=epochs)]

    n_batches = -(-spec.n_windows(200) // 8)
    whole = firsts((0, 4))
    assert len(whole) == 4 * n_batches
    assert firsts((2, 4)) == whole[2 * n_batches:]  # epoch 2 started afresh = epoch 2 of a whole run
    assert whole[:n_batches] != whole[n_batches:2 * n_batches]  # reshuffled every epoch
    assert firsts((0, 1), seed=8) != whole[:n_batches]
    every = [float(x[i, 0, 0]) for x, _ in make_dataset(inputs, inputs, spec, batch_size=8, shuffle=True,
                                                         seed=7, epochs=(0, 1)) for i in range(len(x))]
    assert sorted(every) == list(map(float, range(spec.n_windows(200))))  # each window once per epoch


def test_a_backtest_run_again_resumes_the_training_it_was_in(tmp_path):
    from sklearn.base import clone

    from forecastrnn import backtest
    from forecastrnn.data.io import as_series

    model = RNNForecaster(units=8, window=24, horizon=6, epochs=5, batch_size=32, jit_compile=False, n_models=1,
                          verbose=0, random_state=1)
    frame = as_series(series(240))
    plain = backtest({"gru": model}, frame, horizon=6, n_windows=2, level=None)
    folder = tmp_path / "ckpt" / "gru" / "fit_0"  # where the backtest's one fit backs up
    with pytest.raises(Interrupt):  # as if the process had died in that fit's third epoch
        clone(model).fit(frame.iloc[:plain.attrs["first_origin"]], checkpoint_dir=folder,
                         callbacks=[interrupt_after(2)])
    assert (folder / "training_metadata.json").exists()
    again = backtest({"gru": model}, frame, horizon=6, n_windows=2, level=None, checkpoint_dir=tmp_path / "ckpt")
    assert not folder.exists()  # that training was found, finished and its backup removed
    np.testing.assert_allclose(again.y_pred, plain.y_pred, rtol=1e-6)

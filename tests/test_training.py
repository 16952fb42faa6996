"""Training that survives and spreads: resumable (``checkpoint_dir``: killed after epoch k, started
again, same model) and under a ``tf.distribute`` strategy (the single-device model)."""

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


@pytest.mark.parametrize("make, data", [
    (lambda: RNNForecaster(units=4, window=12, horizon=3, epochs=3, n_models=2, verbose=0, random_state=0),
     series(120)),
    (lambda: GlobalRNNForecaster(units=4, window=12, horizon=3, epochs=3, verbose=0, random_state=0),
     {"a": series(120, seed=1), "b": series(90, seed=2)}),
], ids=["single", "global"])
def test_a_fit_traces_its_training_step_once(monkeypatch, make, data):
    """The optimizer's variables exist before the first step (``compile_built``): Keras would
    otherwise trace that step twice, the costliest part of a short fit."""
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    traces = []
    step = TensorFlowTrainer.train_step
    monkeypatch.setattr(TensorFlowTrainer, "train_step", lambda self, batch: traces.append(1) or step(self, batch))
    model = make().fit(data)
    assert len(traces) == 1 and len(model.history_["loss"]) >= 2


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


MIRRORED = r"""
import json, sys
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from forecastrnn import GlobalRNNForecaster

rng = np.random.default_rng(0)
t = np.arange(300)
data = {f"s{i}": (i + 1) * (5 + np.sin(2 * np.pi * t / 24)) + 0.1 * rng.standard_normal(300) for i in range(4)}
make = lambda: GlobalRNNForecaster(units=8, window=24, horizon=6, epochs=3, batch_size=64, verbose=0, n_models=1,
                                   random_state=0, dropout=0.0)
one = make().fit(data)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
two = make().fit(data, strategy=strategy)
try:
    make().fit(data, strategy=5)
except TypeError as exc:
    error = str(exc)
print(json.dumps({"replicas": strategy.num_replicas_in_sync, "loss": [one.history_["loss"], two.history_["loss"]],
                  "forecasts": [m.predict().select_dtypes("float").to_numpy().tolist() for m in (one, two)],
                  "error": error}))
"""


def test_mirrored_strategy_over_two_devices_trains_the_single_device_model(tmp_path):
    """Two logical CPU devices must be set before TensorFlow starts: a fresh process."""
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "mirrored.py"
    script.write_text(MIRRORED)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["replicas"] == 2
    np.testing.assert_allclose(out["loss"][1], out["loss"][0], rtol=1e-5)
    assert out["loss"][0][-1] < out["loss"][0][0]  # it learns
    np.testing.assert_allclose(out["forecasts"][1], out["forecasts"][0], rtol=1e-5)
    assert out["error"] == "`strategy` must be a tf.distribute.Strategy such as MirroredStrategy(). Received: int"


WORKER = r"""
import json, os, sys
import tensorflow as tf

strategy = tf.distribute.MultiWorkerMirroredStrategy() if os.environ.get("TF_CONFIG") else None
import numpy as np
from forecastrnn import GlobalRNNForecaster

rng = np.random.default_rng(0)
t = np.arange(300)
data = {f"s{i}": (i + 1) * (5 + np.sin(2 * np.pi * t / 24)) + 0.1 * rng.standard_normal(300) for i in range(4)}
model = GlobalRNNForecaster(units=8, window=24, horizon=6, epochs=3, batch_size=64, verbose=0, n_models=1,
                            random_state=0, dropout=0.0).fit(data, strategy=strategy)
print(json.dumps({"loss": model.history_["loss"], "val_loss": model.history_["val_loss"],
                  "forecast": model.predict().select_dtypes("float").to_numpy().tolist()}))
"""


def free_ports(n):
    import socket

    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_on_multi_worker_mirrored_strategy_train_the_single_device_model(tmp_path):
    """Two processes on 127.0.0.1, configured the standard way (TF_CONFIG), against one process."""
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in free_ports(2)]}
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    workers = [subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env={**env, "TF_CONFIG": json.dumps(
                                    {"cluster": cluster, "task": {"type": "worker", "index": i}})})
               for i in range(2)]
    single = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600)
    outs = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=600)
        assert worker.returncode == 0, stderr[-3000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    assert single.returncode == 0, single.stderr[-3000:]
    one = json.loads(single.stdout.strip().splitlines()[-1])
    assert one["loss"][-1] < one["loss"][0]
    for out in outs:  # every worker ends with the same model, the one a single device trains
        np.testing.assert_allclose(out["loss"], one["loss"], rtol=1e-5)
        np.testing.assert_allclose(out["val_loss"], one["val_loss"], rtol=1e-5)
        np.testing.assert_allclose(out["forecast"], one["forecast"], rtol=1e-5)

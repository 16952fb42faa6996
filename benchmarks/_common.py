"""Helpers shared by the benchmark scripts."""

import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def machine() -> str:
    """One line naming the machine and library versions, for the reports."""
    import keras
    import tensorflow as tf

    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
            f"GPU: {bool(tf.config.list_physical_devices('GPU'))}, {time.strftime('%Y-%m-%d')}")


def epoch_timer():
    """A Keras callback recording the wall time of every epoch in ``.seconds``."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()

"""The one place TensorFlow is imported from (lazily, with its C++ start-up chatter quiet)."""

import contextlib
import os
import sys

# Set to "1" (the CLI does, unless --debug) to silence TensorFlow's start-up completely: its
# C++ and absl lines ("Could not find cuda drivers", "failed call to cuInit", oneDNN and CPU
# feature notes) are written straight to file descriptor 2, before any Python logging.
QUIET_ENV = "FORECASTRNN_QUIET_TF"


@contextlib.contextmanager
def _stderr_to_devnull():
    """File descriptor 2 (where C++ writes) points at os.devnull for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def tensorflow():
    """Import and return the ``tensorflow`` module (silently when ``FORECASTRNN_QUIET_TF=1``)."""
    quiet = os.environ.get(QUIET_ENV) == "1" and "tensorflow" not in sys.modules
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3" if quiet else "2")
    if not quiet:
        import tensorflow as tf

        return tf
    with _stderr_to_devnull():
        import tensorflow as tf

        tf.config.list_physical_devices()  # device start-up reports a missing GPU driver here
    tf.get_logger().setLevel("ERROR")  # e.g. "triggered tf.function retracing" after several models' predictions
    return tf


@contextlib.contextmanager
def quiet_retracing():
    """TensorFlow's Python logger at ERROR for the block. Every fitted network forecasts
    through a traced function of its own (``NetworkCore._direct_call``); after a few models
    (a backtest, a script fitting several) TensorFlow warns that their calls "triggered
    tf.function retracing", advice for a loop that re-creates one function, which is not the case."""
    logger = tensorflow().get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def has_gpu() -> bool:
    """Whether TensorFlow sees a GPU (imports TensorFlow)."""
    return bool(tensorflow().config.list_physical_devices("GPU"))


def compile_built(model, optimizer, **kwargs):
    """``model.compile(optimizer, **kwargs)`` with the optimizer's variables created at once.
    Keras otherwise creates them inside the first training step, which makes TensorFlow trace
    that step twice, a fifth of a small network's short ``fit`` (BENCHMARKS.md, "The
    optimizer built at compile"). The same weights and forecasts either way. Returns ``model``."""
    model.compile(optimizer=optimizer, **kwargs)
    model.optimizer.build(model.trainable_variables)
    return model

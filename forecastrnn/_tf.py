"""The one place TensorFlow is imported from (lazily, with its C++ start-up chatter quiet)."""

import os


def tensorflow():
    """Import and return the ``tensorflow`` module."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf


def has_gpu() -> bool:
    """Whether TensorFlow sees a GPU (imports TensorFlow)."""
    return bool(tensorflow().config.list_physical_devices("GPU"))

"""Saving and loading models: a directory with ``model.keras`` and a JSON state, no pickle.

Directories are written atomically (a temporary folder renamed at the end), an existing one
is only replaced when asked, and damaged ones give clear errors.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import pandas as pd

from forecastrnn import __version__

MODEL_FILE = "model.keras"


def has_gpu() -> bool:
    from forecastrnn._tf import tensorflow

    return bool(tensorflow().config.list_physical_devices("GPU"))


def versions() -> dict:
    import keras
    import sklearn

    from forecastrnn._tf import tensorflow

    return {"forecastrnn": __version__, "tensorflow": tensorflow().__version__,
            "keras": keras.__version__, "scikit-learn": sklearn.__version__, "pandas": pd.__version__}


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=1, default=str)


def atomic_write_dir(path, overwrite: bool, write) -> str:
    """Run ``write(tmp_dir)`` then move the folder to ``path`` in one rename.

    An existing ``path`` is refused unless ``overwrite``; a failure leaves nothing behind.
    """
    path = os.path.abspath(os.fspath(path))
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"{path!r} already exists. Pass overwrite=True (CLI: --overwrite) "
                              "to replace it")
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".tmp-", dir=parent)
    try:
        write(tmp)
        if os.path.exists(path):
            old = tempfile.mkdtemp(prefix=".old-", dir=parent)
            os.replace(path, os.path.join(old, "x"))
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def read_state(path, state_file: str, expected_format: str) -> dict:
    """Read a saved model's JSON state, with clear errors for missing or corrupt files."""
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(f"Expected a saved model directory. Received: {path!r} (not a directory)")
    missing = [f for f in (MODEL_FILE, state_file) if not os.path.isfile(os.path.join(path, f))]
    if missing:
        raise ValueError(f"Incomplete model directory {path!r}: expected {MODEL_FILE} and "
                         f"{state_file}. Received: {missing} missing")
    try:
        with open(os.path.join(path, state_file), encoding="utf-8") as fh:
            state = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Corrupt {state_file} in {path!r}: expected JSON. Received error: {exc}") from None
    if not isinstance(state, dict) or state.get("format") != expected_format:
        raise ValueError(f"{os.path.join(path, state_file)!r} is not a {expected_format} state. "
                         f"Received format={state.get('format') if isinstance(state, dict) else None!r}")
    return state


def load_keras_model(file: str):
    """``keras.models.load_model`` with safe_mode, turning a broken file into a ValueError."""
    from forecastrnn._tf import tensorflow

    tensorflow()
    import keras

    import forecastrnn.models.builders  # noqa: F401  (registers the custom layers)

    try:
        return keras.models.load_model(file, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a damaged archive
        raise ValueError(f"Could not load the Keras model {file!r}: expected a valid .keras file. "
                         f"Received error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None

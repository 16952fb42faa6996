"""Saving and loading every estimator: a directory with a JSON state (and ``model.keras`` for
the networks), no pickle.

:class:`Persistent` gives every model the same ``save(path, overwrite=False)`` and
``load(path)``: the constructor arguments (``get_params()``) plus the fitted state the class
returns from ``_get_state`` go to ``state.json``; a fitted Keras network (``model_``) goes to
``model.keras``. Directories are written atomically (a temporary folder renamed at the end),
an existing one is only replaced when asked, and damaged ones give clear errors.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError

from forecastrnn import __version__

MODEL_FILE = "model.keras"
STATE_FILE = "state.json"


def versions() -> dict:
    """Library versions written beside a saved model (TensorFlow only when it is loaded)."""
    import sklearn

    out = {"forecastrnn": __version__, "scikit-learn": sklearn.__version__, "pandas": pd.__version__,
           "numpy": np.__version__}
    if "tensorflow" in sys.modules:
        import keras

        out.update(tensorflow=sys.modules["tensorflow"].__version__, keras=keras.__version__)
    return out


def _strict(obj):
    """``obj`` with NaN and infinities as None, so the file is standard JSON."""
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_strict(v) for v in obj]
    if isinstance(obj, np.generic):
        return _strict(obj.item())
    return obj


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(_strict(obj), fh, indent=1, default=str, allow_nan=False)


def array_to_json(values):
    """Nested lists of floats with None for NaN (strict JSON)."""
    values = np.asarray(values, dtype="float64")
    return np.where(np.isnan(values), None, values).tolist()


def array_from_json(values) -> np.ndarray:
    """Inverse of :func:`array_to_json` (None becomes NaN)."""
    return np.asarray(values, dtype="float64")


def frame_to_json(frame: pd.DataFrame) -> dict:
    """A numeric frame with a DatetimeIndex or integer index as plain JSON."""
    return {"index": [str(i) for i in frame.index], "columns": [str(c) for c in frame.columns],
            "values": array_to_json(frame.to_numpy(dtype="float64"))}


def frame_from_json(state: dict, freq=None) -> pd.DataFrame:
    """Inverse of :func:`frame_to_json`; ``freq`` None means an integer (position) index."""
    if freq:
        index = pd.DatetimeIndex(state["index"], freq=freq)
    else:  # positions: consecutive ones come back as the RangeIndex they were
        positions = [int(i) for i in state["index"]]
        start = positions[0] if positions else 0
        consecutive = positions == list(range(start, start + len(positions)))
        index = pd.RangeIndex(start, start + len(positions)) if consecutive else pd.Index(positions)
    values = array_from_json(state["values"]).reshape(len(index), len(state["columns"]))
    return pd.DataFrame(values, index=index, columns=list(state["columns"]))


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


def read_state(path, expected_format: str, format_version: int, with_model: bool) -> dict:
    """Read a saved model's JSON state, with clear errors for missing, corrupt or foreign files."""
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(f"Expected a saved model directory. Received: {path!r} (not a directory)")
    needed = [MODEL_FILE, STATE_FILE] if with_model else [STATE_FILE]
    missing = [f for f in needed if not os.path.isfile(os.path.join(path, f))]
    if missing:
        raise ValueError(f"Incomplete model directory {path!r}: expected {' and '.join(needed)}. "
                         f"Received: {missing} missing")
    try:
        with open(os.path.join(path, STATE_FILE), encoding="utf-8") as fh:
            state = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Corrupt {STATE_FILE} in {path!r}: expected JSON. Received error: {exc}") from None
    if not isinstance(state, dict) or state.get("format") != expected_format:
        raise ValueError(f"{os.path.join(path, STATE_FILE)!r} is not a {expected_format} state. "
                         f"Received format={state.get('format') if isinstance(state, dict) else None!r}")
    if state.get("format_version") != format_version:
        raise ValueError(f"{os.path.join(path, STATE_FILE)!r} has format_version "
                         f"{state.get('format_version')!r}; this forecastrnn reads {format_version}. "
                         "Received: a model saved by another version: fit and save it again")
    return state


class Persistent:
    """``save``/``load`` and the fitted check, the same for every estimator.

    A subclass names the attribute that ``fit`` sets last (``_fitted_attr``), returns its
    fitted state as JSON-ready data from ``_get_state()`` and restores it in
    ``_set_state(state)``; a fitted ``model_`` (Keras) is saved beside it and read back by the
    class's ``_load_network(file)`` (``forecastrnn.models``, so this module stays below them).
    """

    _fitted_attr = "model_"
    _format_version = 1

    def _check_fitted(self):
        """Raise ``NotFittedError`` before ``fit`` (one message for every estimator)."""
        if not hasattr(self, self._fitted_attr):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet. Call 'fit' first.")

    @classmethod
    def _has_network(cls) -> bool:
        return cls._fitted_attr == "model_"

    def _get_state(self) -> dict:
        raise NotImplementedError

    def _set_state(self, state: dict) -> None:
        raise NotImplementedError

    @staticmethod
    def _load_network(file: str):
        raise NotImplementedError

    def save(self, path, overwrite=False) -> str:
        """Write ``path/state.json`` (and ``path/model.keras`` for a network) atomically. No pickle.

        Returns the absolute path. Raises ``FileExistsError`` if ``path`` exists and
        ``overwrite`` is False (the existing directory is left as it was).
        """
        self._check_fitted()
        document = {"format": f"forecastrnn.{type(self).__name__}", "format_version": self._format_version,
                    "params": self.get_params(), "state": self._get_state(), "versions": versions()}

        def write(tmp):
            if self._has_network():
                self.model_.save(os.path.join(tmp, MODEL_FILE))
            write_json(os.path.join(tmp, STATE_FILE), document)

        return atomic_write_dir(path, overwrite, write)

    @classmethod
    def load(cls, path, numpy=False):
        """Restore an estimator written by ``save`` (Keras ``safe_mode`` on for networks).
        ``numpy``: a network in the plain shape :mod:`forecastrnn.models.numpy_network` reads
        forecasts with its forward pass in NumPy, without importing TensorFlow (forecasts only:
        no training, no Monte-Carlo dropout, no export); other networks load as Keras models."""
        document = read_state(path, f"forecastrnn.{cls.__name__}", cls._format_version, cls._has_network())
        try:
            self = cls(**document["params"])
            self._set_state(document["state"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError(f"Corrupt model state in {os.path.join(os.fspath(path), STATE_FILE)!r}: expected "
                             f"the fields written by {cls.__name__}.save. Received error: "
                             f"{type(exc).__name__}: {exc}") from None
        if cls._has_network():
            file = os.path.join(os.fspath(path), MODEL_FILE)
            from forecastrnn.models.numpy_network import read_network

            network = read_network(file) if numpy else None
            self.model_ = network if network is not None else self._load_network(file)
        return self

"""``ExportedForecaster``: forecasts tables with an export directory alone.

It reads ``signature.json``, runs the loaded SavedModel or the TFLite interpreter (never the
Keras model or the forecaster that wrote the export) and prepares their inputs from a table
exactly as the forecaster reads its data: the same readers, columns and frequency check.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd

from forecastrnn.base import check_level
from forecastrnn.data.stack import Stack
from forecastrnn.models.export import (EXPORT_FORMAT_VERSION, LAST_ROWS_FILE, NEW_SERIES_SCALERS, SIGNATURE_FILE,
                                       SIGNATURE_KEY)

SAVED_MODEL_BATCH = 4096  # series per call of a SavedModel


def is_export_dir(path) -> bool:
    """Whether ``path`` is a folder written by ``export`` (it holds ``signature.json``)."""
    return os.path.isfile(os.path.join(os.fspath(path), SIGNATURE_FILE))


class ExportedForecaster:
    """The forecaster of an export directory (``RNNForecaster.export`` / ``GlobalRNNForecaster.export``).

    Parameters
    ----------
    path : str or path
        The export directory.

    Attributes
    ----------
    signature : dict
        ``signature.json``: inputs, outputs, levels, columns, frequency, series.

    Examples
    --------
    >>> model = ExportedForecaster("exported/")  # doctest: +SKIP
    >>> model.predict("history.csv", level=0.9).head()  # doctest: +SKIP
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        if not is_export_dir(self.path):
            raise FileNotFoundError(f"Not an export directory: expected {SIGNATURE_FILE} written by `export`. "
                                    f"Received: {self.path!r}")
        with open(os.path.join(self.path, SIGNATURE_FILE), encoding="utf-8") as fh:
            self.signature = json.load(fh)
        version = self.signature.get("export_format_version")
        if version != EXPORT_FORMAT_VERSION:
            raise ValueError(f"Export format {EXPORT_FORMAT_VERSION} expected. Received: {version!r} in {self.path!r}")
        from forecastrnn._tf import tensorflow

        tf = tensorflow()
        file = os.path.join(self.path, self.signature["file"])
        if self.signature["format"] == "tflite":
            self._interpreter = _tflite_interpreter(tf, file)
            self._runner = self._interpreter.get_signature_runner(SIGNATURE_KEY)
        else:
            self._loaded = tf.saved_model.load(file)  # kept alive: the signature needs its variables
            self._runner = self._loaded.signatures[SIGNATURE_KEY]
        self._reader = _reader(self.signature)

    @property
    def horizon(self) -> int:
        return int(self.signature["horizon"])

    def run(self, **inputs) -> dict:
        """Call the exported graph on arrays named as in ``signature["inputs"]`` (any number of
        series); returns ``{"point", "lower", "upper"}`` as NumPy arrays."""
        names = [spec["name"] for spec in self.signature["inputs"]]
        if sorted(inputs) != sorted(names):
            raise ValueError(f"The export takes the inputs {names}. Received: {sorted(inputs)}")
        arrays = {spec["name"]: np.asarray(inputs[spec["name"]], dtype=spec["dtype"]) for spec in self.signature["inputs"]}
        n = len(arrays["history"])
        if self.signature["format"] == "tflite":  # traced for one series: one call per series
            step, call = 1, self._runner
        else:
            from forecastrnn._tf import tensorflow

            tf = tensorflow()
            step = SAVED_MODEL_BATCH

            def call(**batch):
                return {k: v.numpy() for k, v in self._runner(**{n: tf.constant(a) for n, a in batch.items()}).items()}
        parts = [call(**{k: a[i:i + step] for k, a in arrays.items()}) for i in range(0, n, step)]
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}

    def predict(self, data=None, horizon=None, level=None, future=None) -> pd.DataFrame:
        """Forecast the steps after the end of ``data`` as the exported forecaster's ``predict``.

        Parameters
        ----------
        data : CSV path or DataFrame, optional
            Histories in the training columns (default: ``last_rows.csv``, where the model
            stood at export). The last ``window`` rows of each series are read; a series
            never trained on is scaled on those rows.
        horizon : int, optional
            At most the exported horizon.
        level : float, optional
            One of ``signature["levels"]``.
        future : DataFrame or CSV path, optional
            The known-future columns of the forecast steps, as for ``predict``.
        """
        sig, reader = self.signature, self._reader
        horizon = reader._horizon(horizon)
        check_level(level)
        if level is not None and not any(abs(level - lv) < 1e-9 for lv in sig["levels"]):
            raise ValueError(f"`level` must be one of the levels fixed at export {sig['levels']}. Received: {level!r}")
        stack = self._stack(data)
        out = self.run(**self._inputs(stack, reader._future_values(future, stack, horizon)))
        bounds = (None, None)
        if level is not None:
            j = int(np.argmin([abs(level - lv) for lv in sig["levels"]]))
            bounds = (out["lower"][:, j], out["upper"][:, j])
        return reader._output(stack, horizon, out["point"], *bounds)

    def inputs(self, data=None, future=None) -> dict:
        """The graph's input arrays (named as in ``signature["inputs"]``) for the histories in
        ``data`` (default: ``last_rows.csv``), for calling the SavedModel or TFLite file yourself."""
        stack = self._stack(data)
        arrays = self._inputs(stack, self._reader._future_values(future, stack))
        return {spec["name"]: arrays[spec["name"]].astype(spec["dtype"]) for spec in self.signature["inputs"]}

    def _stack(self, data) -> Stack:
        return self._last_rows() if data is None else self._reader._read(data)

    def _last_rows(self) -> Stack:
        """``last_rows.csv`` as the forecaster's ``tails_``: each series' rows with their
        timestamps or positions (a table read by ``_read`` would number positions from 0)."""
        sig = self.signature
        id_name, time_name = sig["columns"][:2]
        columns = sig["target"] + sig["features"] + sig["known_future"]
        table = pd.read_csv(os.path.join(self.path, LAST_ROWS_FILE), dtype={id_name: str})
        times = pd.to_datetime(table[time_name]) if sig["freq"] is not None else table[time_name].astype("int64")
        frames = {key: part.set_index(pd.Index(times[part.index]))
                  for key, part in table.groupby(id_name, sort=False)}
        return Stack.from_frames(frames, columns)

    def _inputs(self, stack, future=None) -> dict:
        """The graph's input arrays for the histories of ``stack`` (data units) and the
        known-future values ``future`` (n_series, horizon, n_known)."""
        sig = self.signature
        w, h = int(sig["window"]), self.horizon
        n_obs, n = len(sig["target"]) + len(sig["features"]), len(stack.keys)
        tail = stack.tail(w)
        pads = w - tail.lengths
        rows = np.repeat(np.arange(n), tail.lengths) * w + np.arange(len(tail.values)) - np.repeat(
            tail.starts, tail.lengths) + np.repeat(pads, tail.lengths)
        values = np.full((n * w, tail.values.shape[1]), np.nan)
        values[rows] = tail.values
        values = values.reshape(n, w, -1)
        out = {"history": values[..., :n_obs]}
        if sig["series"] is not None:
            out["series"] = pd.Index(sig["series"]).get_indexer(pd.Index(stack.keys, dtype=object))
            if (out["series"] < 0).any() and sig["scaler"] not in NEW_SERIES_SCALERS:
                raise ValueError(f"This export forecasts only the series it was trained on ({sig['new_series']}). "
                                 f"Received: new series {np.asarray(stack.keys, dtype=object)[out['series'] < 0][:3].tolist()}")
        if sig["known_future"]:
            if future is None:
                raise ValueError(f"Forecasting needs the future values of {sig['known_future']} for the {h} steps "
                                 "after each series' end. Pass them as `future`")
            out["known"] = np.concatenate([values[..., n_obs:], future], axis=1)
        if sig["calendar"]:
            def wall_minutes(index):  # the calendar of local (wall) time, as pandas gives it
                index = pd.DatetimeIndex(index)
                return (index.tz_localize(None) if index.tz is not None else index).as_unit("s").asi8 // 60

            minutes = np.zeros((n * w,), dtype="int64")
            minutes[rows] = wall_minutes(tail.index)
            ahead = wall_minutes(stack.future_index(sig["freq"], h).ravel())
            out["time"] = np.concatenate([minutes.reshape(n, w), ahead.reshape(n, h)], axis=1)
        return out


def _tflite_interpreter(tf, file):
    """LiteRT's interpreter (``ai-edge-litert``) where installed, else TensorFlow's own."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import warnings

        with warnings.catch_warnings():  # "tf.lite.Interpreter is deprecated": it still runs the same files
            warnings.simplefilter("ignore", UserWarning)
            return tf.lite.Interpreter(model_path=file)
    return Interpreter(model_path=file)


def _reader(signature: dict):
    """An unfitted forecaster of the exported class holding only what reading a table and
    writing the forecast table need (columns, frequency, horizon): its ``_read``,
    ``_future_values`` and ``_output`` serve the export without its network."""
    from forecastrnn.models.forecaster import RNNForecaster
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster

    cls = GlobalRNNForecaster if signature["estimator"] == "GlobalRNNForecaster" else RNNForecaster
    reader = cls(horizon=int(signature["horizon"]), target_transform=None)  # data units in, data units out
    reader.target_, reader.features_ = list(signature["target"]), list(signature["features"])
    reader.known_future_, reader.columns_ = list(signature["known_future"]), list(signature["columns"])
    reader.freq_, reader.time_unit_, reader.id_kind_ = signature["freq"], signature["time_unit"], signature.get("id_kind")
    return reader


__all__ = ["ExportedForecaster", "is_export_dir"]

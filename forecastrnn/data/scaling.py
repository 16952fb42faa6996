"""``Scaler``: scikit-learn scalers by name, fitted on training rows only, saved as JSON.

StandardScaler, MinMaxScaler and RobustScaler all transform each column by ``x * a + b``.
After fitting the scikit-learn object, the scaler keeps those per-column coefficients, so it
can transform arrays of any shape ``(..., n_columns)`` (whole frames, windows, forecasts)
and invert only the target columns of a forecast. NaN is ignored when fitting and kept when
transforming (scikit-learn's own behaviour).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}
METHODS = (*SCALERS, "none")


class Scaler:
    """Per-column scaling fitted on the training rows only.

    Parameters
    ----------
    method : {"standard", "minmax", "robust", "none"}
        Which scikit-learn scaler to use (``"none"`` leaves values unchanged).

    Attributes
    ----------
    columns_ : list of str
        Column names seen in ``fit``.
    scale_, offset_ : numpy.ndarray of shape (n_columns,)
        ``transform(x) = x * scale_ + offset_``.

    Examples
    --------
    >>> import pandas as pd
    >>> scaler = Scaler("minmax").fit(pd.DataFrame({"y": [0.0, 10.0]}))
    >>> scaler.transform(pd.DataFrame({"y": [5.0]}))
    array([[0.5]])
    >>> scaler.inverse_transform([[0.5]], columns=["y"])
    array([[5.]])
    """

    def __init__(self, method="standard"):
        self.method = method

    def fit(self, frame) -> "Scaler":
        """Learn per-column statistics from ``frame`` (the training rows), NaN ignored."""
        if self.method not in METHODS:
            raise ValueError(f"`method` must be one of {list(METHODS)}. Received: method={self.method!r}")
        values, columns = _values(frame)
        if values.ndim != 2 or values.shape[0] == 0:
            raise ValueError(f"Scaler.fit expects a non-empty 2-D table (rows x columns). "
                             f"Received: shape={values.shape}")
        all_nan = np.isnan(values).all(axis=0)
        if all_nan.any():
            raise ValueError(f"Every column needs at least one observed training value. "
                             f"Received: only NaN in {[columns[i] for i in np.flatnonzero(all_nan)]}")
        self.columns_ = columns
        if self.method == "none":
            self.scale_, self.offset_ = np.ones(len(columns)), np.zeros(len(columns))
            return self
        estimator = SCALERS[self.method]().fit(values)
        zeros = estimator.transform(np.zeros((1, len(columns))))[0]
        ones = estimator.transform(np.ones((1, len(columns))))[0]
        self.scale_, self.offset_ = ones - zeros, zeros
        return self

    def coefficients(self, columns=None):
        """``(scale, offset)`` arrays of the given columns (default: all)."""
        if not hasattr(self, "columns_"):
            raise NotFittedError("This Scaler is not fitted yet. Call 'fit' with the training rows first.")
        if columns is None:
            return self.scale_, self.offset_
        unknown = [c for c in columns if c not in self.columns_]
        if unknown:
            raise ValueError(f"`columns` must be among the fitted columns {self.columns_}. "
                             f"Received: {unknown}")
        idx = [self.columns_.index(c) for c in columns]
        return self.scale_[idx], self.offset_[idx]

    def _check_width(self, values, scale):
        if values.shape[-1] != scale.shape[0]:
            raise ValueError(f"Expected {scale.shape[0]} column(s) in the last axis. "
                             f"Received: shape={values.shape}")

    def _checked(self, data, columns):
        """The values of ``data``; a DataFrame must hold the expected columns, in their order."""
        values, names = _values(data)
        expected = self.columns_ if columns is None and hasattr(self, "columns_") else columns
        if isinstance(data, pd.DataFrame) and expected is not None and names != list(expected):
            raise ValueError(f"The frame must have the columns {list(expected)}, in this order. "
                             f"Received: {names}")
        return values

    def transform(self, values, columns=None) -> np.ndarray:
        """Scale an array/frame of shape ``(..., n_columns)``; ``columns`` picks a subset (a frame
        must hold the fitted columns, or ``columns``, by name and in order)."""
        values = self._checked(values, columns)
        scale, offset = self.coefficients(columns)
        self._check_width(values, scale)
        return values * scale + offset

    def inverse_transform(self, values, columns=None) -> np.ndarray:
        """Undo :meth:`transform`, e.g. on forecasts ``(horizon, n_targets)`` with ``columns=targets``."""
        values = self._checked(values, columns)
        scale, offset = self.coefficients(columns)
        self._check_width(values, scale)
        return (values - offset) / scale

    def to_dict(self) -> dict:
        """JSON-ready state: method, columns and coefficients."""
        self.coefficients(None)
        return {"method": self.method, "columns": self.columns_, "scale": self.scale_.tolist(),
                "offset": self.offset_.tolist()}

    @classmethod
    def from_dict(cls, state: dict) -> "Scaler":
        try:
            scaler = cls(state["method"])
            scaler.columns_ = list(state["columns"])
            scaler.scale_ = np.asarray(state["scale"], dtype="float64")
            scaler.offset_ = np.asarray(state["offset"], dtype="float64")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"Invalid scaler state: expected keys method, columns, scale, offset. "
                             f"Received: {exc!r}") from None
        if not len(scaler.columns_) == len(scaler.scale_) == len(scaler.offset_):
            raise ValueError("Invalid scaler state: columns, scale and offset differ in length. "
                             f"Received: {len(scaler.columns_)}, {len(scaler.scale_)}, {len(scaler.offset_)}")
        return scaler

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=2)

    @classmethod
    def load(cls, path) -> "Scaler":
        with open(os.fspath(path), encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))

    def __repr__(self):
        return f"Scaler(method={self.method!r})"


class SeriesScalers(Mapping):
    """The :class:`Scaler` of each of many series, held as two arrays (one row per series).

    Reads as ``{id: Scaler}``; a panel of a million series costs two float arrays and an
    index, not a million objects. :meth:`positions` finds many series at once.

    Parameters
    ----------
    keys : sequence of str
        Series ids, in the rows' order.
    method : str
        The ``Scaler`` method.
    columns : list of str
    scale, offset : array (n_series, n_columns)
    """

    def __init__(self, keys, method: str, columns, scale, offset):
        self.index = pd.Index([str(k) for k in keys], dtype=object)
        self.method, self.columns = method, list(columns)
        self.scale = np.asarray(scale, dtype="float64").reshape(len(self.index), len(self.columns))
        self.offset = np.asarray(offset, dtype="float64").reshape(self.scale.shape)

    def positions(self, keys) -> np.ndarray:
        """Row of each id in ``keys`` (-1 for an id not held)."""
        return self.index.get_indexer(pd.Index([str(k) for k in keys], dtype=object))

    def __getitem__(self, key) -> Scaler:
        i = self.index.get_loc(str(key))
        return Scaler.from_dict({"method": self.method, "columns": self.columns,
                                 "scale": self.scale[i], "offset": self.offset[i]})

    def __iter__(self):
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def to_dict(self) -> dict:
        """JSON-ready state (coefficients are finite)."""
        return {"method": self.method, "columns": self.columns, "keys": self.index.tolist(),
                "scale": self.scale.tolist(), "offset": self.offset.tolist()}

    @classmethod
    def from_dict(cls, state: dict) -> "SeriesScalers":
        return cls(state["keys"], state["method"], state["columns"], state["scale"], state["offset"])

    def __repr__(self):
        return f"SeriesScalers({len(self)} series, method={self.method!r})"


def segment_coefficients(values, segments, n_segments: int, method: str = "standard"):
    """``Scaler(method)`` coefficients of many series at once, without a loop over series.

    Parameters
    ----------
    values : array (n_rows, n_columns)
        The rows to fit on (e.g. every series' training rows), NaN ignored.
    segments : array of int (n_rows,)
        The series (0 .. n_segments - 1) of each row.
    n_segments : int
    method : {"standard", "minmax", "robust", "none"}
        As :class:`Scaler`; ``"robust"`` (quantiles) falls back to one ``Scaler`` per series.

    Returns
    -------
    scale, offset : numpy.ndarray (n_segments, n_columns)
        ``transform(x) = x * scale + offset`` per series, equal to ``Scaler(method).fit`` on
        each series' rows (a constant column gets scale 1, as scikit-learn does).
    empty : numpy.ndarray of bool (n_segments, n_columns)
        Columns of a series with no observed value (``Scaler.fit`` would refuse them).
    """
    values = np.asarray(values, dtype="float64").reshape(len(segments), -1)
    segments = np.asarray(segments, dtype="int64")
    observed = ~np.isnan(values)
    k = values.shape[1]

    def per_segment(column_values):
        out = np.zeros((n_segments, k))
        for j in range(k):
            out[:, j] = np.bincount(segments, weights=column_values[:, j], minlength=n_segments)
        return out

    count = per_segment(observed.astype("float64"))
    empty = count == 0
    if method == "none":
        return np.ones((n_segments, k)), np.zeros((n_segments, k)), empty
    if method == "robust":
        scale, offset = np.ones((n_segments, k)), np.zeros((n_segments, k))
        for i in np.flatnonzero(~empty.any(axis=1)):
            scaler = Scaler("robust").fit(values[segments == i])
            scale[i], offset[i] = scaler.scale_, scaler.offset_
        return scale, offset, empty
    filled = np.where(observed, values, 0.0)
    safe = np.maximum(count, 1)
    if method == "standard":
        mean = per_segment(filled) / safe
        centred = np.where(observed, values - mean[segments], 0.0)
        spread = np.sqrt(per_segment(centred ** 2) / safe)
        low = mean
    elif method == "minmax":
        low, high = np.full((n_segments, k), np.inf), np.full((n_segments, k), -np.inf)
        np.fmin.at(low, segments, np.where(observed, values, np.inf))
        np.fmax.at(high, segments, np.where(observed, values, -np.inf))
        spread = high - low
    else:
        raise ValueError(f"`method` must be one of {list(METHODS)}. Received: method={method!r}")
    spread = np.where(spread < 10 * np.finfo("float64").eps, 1.0, spread)  # constant: scale 1, as sklearn
    return 1.0 / spread, -np.where(empty, 0.0, low) / spread, empty


def _values(data):
    """(float array, column names) of a DataFrame, Series or array-like."""
    if isinstance(data, pd.DataFrame):
        return data.to_numpy(dtype="float64"), [str(c) for c in data.columns]
    if isinstance(data, pd.Series):
        return data.to_numpy(dtype="float64")[:, None], [str(data.name)]
    values = np.asarray(data, dtype="float64")
    names = [f"x{i}" for i in range(values.shape[-1])] if values.ndim >= 1 else []
    return values, names

"""``GlobalRNNForecaster``: one recurrent network trained on the windows of many series.

A collection of related series (the 414 hourly series of M4, the sales of many shops) often
has too little history per series for a network of its own, but plenty in total. A global
model learns one set of weights from the windows of all of them:

* each series is scaled by its own scaler, fitted on its own training rows, so series of very
  different sizes share one network (with ``anchor="last"`` the network also sees each window
  relative to its last value, so it only learns shapes);
* the scaled series are laid end to end and the training windows are start indices that
  never cross from one series into the next: the same lazy ``tf.data`` pipeline as
  ``RNNForecaster``, memory O(total rows);
* the last ``validation_size`` rows of every series give the validation windows for early
  stopping (chronological inside each series, as always).

It forecasts points only; use ``RNNForecaster`` for one series with intervals.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from forecastrnn.data.scaling import Scaler
from forecastrnn.data.split import split_series
from forecastrnn.data.windows import make_dataset
from forecastrnn.defaults import default_window
from forecastrnn.models.base import RecurrentEstimator
from forecastrnn.models.persistence import (MODEL_FILE, atomic_write_dir, load_keras_model, read_state,
                                            versions, write_json)

STATE_FILE = "global_forecaster.json"


def named_series(series) -> dict:
    """``{name: float64 1-D array}`` from a dict of series, a list of them or a wide DataFrame.

    A list gets the names ``0, 1, ...``; a DataFrame gives one series per column (the NaN
    before its first and after its last value, as in ragged wide tables, are dropped). Missing values inside a series are an error.
    """
    if isinstance(series, pd.DataFrame):
        items = {str(c): _trim_nan(series[c].to_numpy(dtype="float64")) for c in series.columns}
    elif isinstance(series, Mapping):
        items = {str(k): v for k, v in series.items()}
    elif isinstance(series, (list, tuple)):
        items = {str(i): v for i, v in enumerate(series)}
    else:
        raise TypeError("`series` must be a dict or list of 1-D series, or a wide DataFrame (one series "
                        f"per column). Received: {type(series).__name__}")
    if not items:
        raise ValueError("`series` must hold at least one series. Received: none")
    out = {}
    for name, values in items.items():
        try:
            values = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            raise ValueError(f"Series {name!r} must be numeric. Received: {np.asarray(values).dtype}") from None
        if values.ndim != 1:
            raise ValueError(f"Series {name!r} must be 1-D. Received: shape={values.shape}")
        if np.isnan(values).any():
            raise ValueError(f"Series {name!r} has {int(np.isnan(values).sum())} missing value(s). "
                             "Expected complete series: fill or interpolate them first")
        out[name] = values
    return out


def _trim_nan(values: np.ndarray) -> np.ndarray:
    valid = np.flatnonzero(~np.isnan(values))
    return values[valid[0]:valid[-1] + 1] if valid.size else values


def stack_series(items: dict, spec, validation_size, scaler: str = "standard"):
    """Scale every series on its own training rows and lay them end to end.

    Parameters
    ----------
    items : dict of name -> 1-D array (see :func:`named_series`)
    spec : WindowSpec
    validation_size : float or int
        Final rows of *each* series whose windows validate (as in ``split_series``).
    scaler : str
        ``Scaler`` method, fitted per series on its training rows only.

    Returns
    -------
    scaled : numpy.ndarray (total_rows, 1)
    train_starts, val_starts : numpy.ndarray of int64
        Window starts into ``scaled``. No window crosses from one series into the next;
        training windows end inside their series' training rows, validation windows have
        all their targets in its validation rows.
    scalers : dict of name -> Scaler
    """
    chunks, train_starts, val_starts, scalers, offset = [], [], [], {}, 0
    for name, values in items.items():
        try:
            train = split_series(pd.DataFrame({"y": values}), validation_size=validation_size,
                                 test_size=0, window=spec.window, horizon=spec.horizon).train
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"Series {name!r}: {exc}") from None
        scalers[name] = Scaler(scaler).fit(train)
        chunks.append(scalers[name].transform(values[:, None]))
        train_starts.append(spec.starts(len(values), end=len(train)) + offset)
        val_starts.append(spec.starts(len(values), first_target=len(train)) + offset)
        offset += len(values)
    return np.concatenate(chunks), np.concatenate(train_starts), np.concatenate(val_starts), scalers


class GlobalRNNForecaster(RecurrentEstimator):
    """One recurrent network for many univariate series (a *global* model).

    Takes the same parameters as :class:`~forecastrnn.RNNForecaster` (``mc_samples`` is
    unused: forecasts are points). ``validation_size`` applies to every series.

    Attributes
    ----------
    model_ : keras.Model
    names_ : list of str
        The training series, in order.
    scalers_ : dict of Scaler
        One per training series, fitted on its training rows.
    tails_ : dict of numpy.ndarray
        The last ``window`` values of every training series: the default forecast origins.
    history_ : dict of per-epoch losses
    n_windows_ : int
        Training windows per epoch over all series.

    Examples
    --------
    >>> model = GlobalRNNForecaster(window=96, horizon=48, epochs=10)  # doctest: +SKIP
    >>> model.fit({"a": series_a, "b": series_b}).predict().shape  # doctest: +SKIP
    (48, 2)
    """

    def fit(self, series, callbacks=None) -> "GlobalRNNForecaster":
        """Train one network on the windows of all ``series``.

        Parameters
        ----------
        series : dict or list of 1-D arrays / pandas Series, or a wide DataFrame
            The training series (see :func:`named_series`).
        callbacks : list of keras.callbacks.Callback, optional

        Returns
        -------
        self
        """
        items = named_series(series)
        lengths = [len(v) for v in items.values()]
        # "auto": the look-back from the median series, the rest from all rows together (no
        # frequency is known here, so no season).
        spec = self._resolve(sum(lengths), window=default_window(int(np.median(lengths)), self.horizon))
        scaled, train_starts, val_starts, self.scalers_ = stack_series(
            items, spec, self.validation_size, self.scaler)
        self.names_ = list(items)
        self.n_windows_ = int(train_starts.size)
        self._train(scaled, scaled, train_starts, val_starts, callbacks, anchor_targets=[0])
        self.tails_ = {name: values[-spec.window:].copy() for name, values in items.items()}
        return self

    def predict(self, series=None, horizon=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of each series.

        Parameters
        ----------
        series : same forms as in :meth:`fit`, optional
            Histories to forecast from (their last ``window`` values are read). Default: the
            training series. A series trained on is scaled with its training scaler; a new one
            with a scaler fitted on its own history.
        horizon : int, optional
            Steps to return, at most the trained ``horizon``.

        Returns
        -------
        pandas.DataFrame
            One column per series, one row per step ahead (index ``1 .. horizon``, "step").
        """
        check_is_fitted(self, "model_")
        horizon = self._horizon(horizon)
        items = self.tails_ if series is None else named_series(series)
        windows, scalers = [], []
        for name, values in items.items():
            if len(values) < self.window_:
                raise ValueError(f"Series {name!r} must have at least window={self.window_} values. "
                                 f"Received: {len(values)}")
            scaler = (self.scalers_[name] if name in self.scalers_
                      else Scaler(self.scaler).fit(pd.DataFrame({"y": values})))
            windows.append(scaler.transform(values[-self.window_:, None]))
            scalers.append(scaler)
        spec = self._spec()
        starts = np.arange(len(windows), dtype="int64") * spec.window
        ds = make_dataset(np.concatenate(windows), None, spec, starts,
                          batch_size=max(256, self.settings_["batch_size"]))
        point = np.median(self.model_.predict(ds, verbose=0), axis=1)[:, :horizon, 0]  # median of members
        columns = {name: scaler.inverse_transform(row[:, None])[:, 0]
                   for name, scaler, row in zip(items, scalers, point)}
        return pd.DataFrame(columns, index=pd.RangeIndex(1, horizon + 1, name="step"))

    def save(self, path, overwrite=False) -> str:
        """Write ``path/model.keras`` and ``path/global_forecaster.json`` atomically. No pickle."""
        check_is_fitted(self, "model_")
        state = {"format": "forecastrnn.GlobalRNNForecaster", "format_version": 1,
                 "params": self.get_params(), "settings": self.settings_, "names": self.names_, "n_windows": self.n_windows_,
                 "scalers": {k: s.to_dict() for k, s in self.scalers_.items()},
                 "tails": {k: v.tolist() for k, v in self.tails_.items()},
                 "history": self.history_, "versions": versions()}
        return atomic_write_dir(path, overwrite, lambda tmp: (
            self.model_.save(os.path.join(tmp, MODEL_FILE)),
            write_json(os.path.join(tmp, STATE_FILE), state)))

    @classmethod
    def load(cls, path) -> "GlobalRNNForecaster":
        """Restore a model written by :meth:`save` (Keras ``safe_mode`` on)."""
        state = read_state(path, STATE_FILE, "forecastrnn.GlobalRNNForecaster")
        try:
            self = cls(**state["params"])
            self.settings_ = dict(state["settings"])
            self.names_, self.n_windows_ = list(state["names"]), int(state["n_windows"])
            self.scalers_ = {k: Scaler.from_dict(v) for k, v in state["scalers"].items()}
            self.tails_ = {k: np.asarray(v, dtype="float64") for k, v in state["tails"].items()}
            self.history_ = state["history"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"Corrupt model state in {os.path.join(path, STATE_FILE)!r}: expected the "
                             f"fields written by GlobalRNNForecaster.save. Received error: {exc}") from None
        self.model_ = load_keras_model(os.path.join(path, MODEL_FILE))
        return self


"""``RNNForecaster``: a scikit-learn style recurrent forecaster with calibrated intervals.

Prediction intervals
--------------------
Split-conformal calibration on the validation windows (never seen in training):

* with dropout (``dropout`` or ``recurrent_dropout`` > 0): Monte-Carlo dropout runs the
  network ``mc_samples`` times with dropout active; their standard deviation ``s`` is the
  local uncertainty. With ``b`` the median of ``s`` over the validation windows (a floor that
  keeps the ratio stable where the runs happen to agree), the nonconformity score of a
  validation forecast is ``|y - yhat| / (s + b)`` and the interval ``yhat +/- q * (s + b)``;
* without dropout: the score is ``|y - yhat|`` and the interval ``yhat +/- q``.

``q`` is the ``ceil((n + 1) * level) / n`` empirical quantile of the ``n`` validation scores,
taken separately for every forecast step and target, so intervals widen with the horizon.
``yhat`` is always the deterministic (dropout-off) forecast.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from forecastrnn.data.io import as_series, read_series
from forecastrnn.data.masking import add_missing_indicators, missing_columns
from forecastrnn.data.scaling import Scaler
from forecastrnn.data.split import split_series
from forecastrnn.data.windows import make_dataset
from forecastrnn.models.base import RecurrentEstimator
from forecastrnn.models.persistence import (MODEL_FILE, atomic_write_dir, load_keras_model, read_state,
                                            versions, write_json)

STATE_FILE = "forecaster.json"


def future_index(last, freq, periods: int) -> pd.Index:
    """The ``periods`` timestamps (or integer positions) after ``last``."""
    if freq is None:
        return pd.RangeIndex(int(last) + 1, int(last) + 1 + periods)
    return pd.date_range(pd.Timestamp(last), periods=periods + 1, freq=freq)[1:]


def conformal_quantile(scores, level: float) -> np.ndarray:
    """Split-conformal quantile over axis 0: the ``ceil((n + 1) * level)``-th smallest score."""
    scores = np.sort(np.asarray(scores, dtype="float64"), axis=0)
    n = scores.shape[0]
    rank = min(n, math.ceil((n + 1) * level))
    return scores[rank - 1]


def check_level(level):
    if level is not None and not (isinstance(level, float) and 0 < level < 1):
        raise ValueError(f"`level` must be a float in (0, 1), e.g. 0.9. Received: level={level!r}")


class RNNForecaster(RecurrentEstimator):
    """Recurrent multi-step forecaster (GRU, LSTM or SimpleRNN) on lazily windowed data.

    The network reads ``window`` past steps of every input column and forecasts the next
    ``horizon`` steps of the target(s) at once. It is built inside ``fit`` through
    :func:`forecastrnn.models.builders.build_recurrent_model`.

    Parameters
    ----------
    cell : {"gru", "lstm", "simplernn"}
    units : int or list of int
        Units per recurrent layer; a list gives a stack (and overrides ``layers``).
    layers : int
        Number of stacked layers of ``units`` units when ``units`` is an int.
    bidirectional : bool
    dropout, recurrent_dropout : float in [0, 1)
        Input and recurrent dropout of each recurrent layer; with either, intervals use
        Monte-Carlo dropout. ``recurrent_dropout`` turns off cuDNN on GPU.
    window, horizon, stride : int
        Input length, forecast length and step between training windows.
    scaler : {"standard", "minmax", "robust", "none"}
        Fitted on the training rows only.
    epochs, batch_size, learning_rate, patience : training settings (Adam, EarlyStopping on
        the validation loss with the best weights restored).
    loss : {"mse", "mae", "huber"}
    validation_size : float or int
        Fraction or number of final training rows whose windows drive early stopping and
        calibrate the intervals (0: none; intervals then use training residuals).
    residual : bool
        Read each window relative to its last step and forecast the change from the last
        observed target value: an untrained network equals the naive forecast, and a level
        never seen in training does not throw the network off.
    mc_samples : int
        Dropout runs per forecast for intervals.
    jit_compile : bool or "auto"
        XLA compilation for training (it replaces the cuDNN kernel); "auto" uses it on CPU,
        where it measured faster, and cuDNN on GPU.
    random_state : int or None
        Seeds weights, shuffling and dropout; with an int, forecasts on CPU are identical
        across runs (TensorFlow op determinism is switched on).
    verbose : "auto", 0, 1 or 2
        Keras progress output during ``fit``.

    Attributes
    ----------
    model_ : keras.Model
    scaler_ : Scaler
    target_, features_ : list of str
    freq_ : str or None
    history_ : dict of per-epoch losses
    n_train_rows_ : int

    Examples
    --------
    >>> from forecastrnn import RNNForecaster, load_dataset  # doctest: +SKIP
    >>> model = RNNForecaster(window=168, horizon=24, epochs=5, random_state=0)  # doctest: +SKIP
    >>> model.fit(load_dataset("etth1"), target="OT").predict(level=0.9).head()  # doctest: +SKIP
    """

    def _reset_dropout_seeds(self):
        """Restart every dropout random stream so Monte-Carlo runs repeat exactly (also after load)."""
        seed = 0 if self.random_state is None else int(self.random_state)
        generators = [v for v in self.model_.variables if "seed_generator_state" in v.path]
        for i, state in enumerate(generators):
            state.assign(np.array([seed + i, 0], dtype=state.dtype))

    def _model_inputs(self, frame: pd.DataFrame):
        """Scaled inputs with indicator channels, and scaled targets: (n, F'), (n, T)."""
        scaled = self.scaler_.transform(frame[self.features_])
        inputs = add_missing_indicators(scaled, self.indicator_columns_)
        idx = [self.features_.index(t) for t in self.target_]
        return inputs, scaled[:, idx]

    # ---------------------------------------------------------------------- fit
    def fit(self, data, target=None, features=None, validation=None, time_col=None, callbacks=None):
        """Train on ``data``; its final rows validate and calibrate the intervals.

        Parameters
        ----------
        data : CSV path, DataFrame, Series or array
            Read through :func:`forecastrnn.read_series`.
        target, features, time_col : see :func:`forecastrnn.read_series`.
        validation : float or int, optional
            Overrides ``validation_size`` for this fit.
        callbacks : list of keras.callbacks.Callback, optional
            Extra callbacks for Keras ``fit`` (early stopping is always added).

        Returns
        -------
        self
        """
        spec = self._check_params()
        frame = as_series(data, target, time_col, features)
        validation = self.validation_size if validation is None else validation
        train, val, _ = split_series(frame, validation_size=validation, test_size=0,
                                     window=spec.window, horizon=spec.horizon)
        self.target_ = list(frame.attrs["target"])
        self.features_ = list(frame.attrs["features"])
        self.freq_ = frame.attrs.get("freq")
        self.scaler_ = Scaler(self.scaler).fit(train[self.features_])
        self.indicator_columns_ = missing_columns(train[self.features_]).tolist()
        self.n_train_rows_ = len(train)
        inputs, targets = self._model_inputs(frame)
        n_train = len(train)
        train_starts = spec.starts(len(frame), targets, end=n_train)
        val_starts = spec.starts(len(frame), targets, first_target=n_train)
        if train_starts.size == 0:
            raise ValueError("No training window has complete targets. Received: "
                             f"{n_train} training rows with window={spec.window}, horizon={spec.horizon}")

        self._train(inputs, targets, train_starts, val_starts, callbacks,
                    residual_targets=[self.features_.index(t) for t in self.target_])

        calib_starts = val_starts
        if calib_starts.size == 0:
            warnings.warn("No validation windows: intervals are calibrated on training residuals "
                          "and will be too narrow.", stacklevel=2)
            calib_starts = train_starts
        point, spread = self._forecast(inputs, calib_starts + spec.window, with_spread=True)
        actual = targets[calib_starts[:, None] + np.arange(spec.window, spec.span)]
        actual = self.scaler_.inverse_transform(actual, columns=self.target_)
        scores = np.abs(actual - point)
        # The median spread, added to every spread, keeps the score ratio stable where the
        # dropout runs happen to agree (a tiny spread would make the interval explode).
        self.spread_floor_ = None if spread is None else np.median(spread, axis=0)
        if spread is not None:
            scores = scores / (spread + self.spread_floor_)
        self.calibration_scores_ = scores
        self.tail_ = frame.iloc[-spec.window:][self.features_].copy()
        return self

    # ------------------------------------------------------------------ predict
    def _forecast(self, inputs, ends, with_spread=False):
        """Forecasts from the windows ending before each of ``ends`` (original units).

        Returns ``point`` of shape (n, horizon, n_targets) and, when ``with_spread`` and the
        model has dropout, the Monte-Carlo standard deviation of the same shape (else None).
        """
        spec = self._spec()
        starts = np.asarray(ends, dtype="int64") - spec.window
        ds = make_dataset(inputs, None, spec, starts, batch_size=max(256, self.batch_size))
        point = self.model_.predict(ds, verbose=0)
        point = self.scaler_.inverse_transform(point, columns=self.target_)
        if not (with_spread and self._uses_dropout()):
            return point, None
        self._reset_dropout_seeds()
        from forecastrnn._tf import tensorflow

        # A traced call with dropout on; eager calls would run the recurrence step by step.
        sample = tensorflow().function(lambda x: self.model_(x, training=True), reduce_retracing=True)
        draws = []
        for x in ds:
            runs = np.stack([sample(x).numpy() for _ in range(self.mc_samples)])
            draws.append(runs.std(axis=0))
        scale = np.abs(self.scaler_.coefficients(self.target_)[0])
        spread = np.concatenate(draws) / scale
        return point, np.maximum(spread, 1e-6 * np.abs(point).mean() + 1e-12)

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of one history.

        Parameters
        ----------
        data : DataFrame, CSV path, Series or array
            History with the training columns (read through ``read_series``).
        origins : sequence of int
            Row positions: the forecast from origin ``o`` uses rows ``[o - window, o)`` only
            and covers rows ``o .. o + horizon - 1``.
        horizon : int, optional
            Steps to return, at most the trained ``horizon`` (default: all).
        level : float, optional
            Interval level, e.g. 0.9.

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_targets)
        lower, upper : numpy.ndarray of the same shape, or None without ``level``
        """
        check_is_fitted(self, "model_")
        return self._forecast_origins(self._align(data), origins, self._horizon(horizon), level)

    def _forecast_origins(self, frame, origins, horizon, level):
        check_level(level)
        origins = np.asarray(origins, dtype="int64")
        if origins.size and (origins.min() < self.window or origins.max() > len(frame)):
            raise ValueError(f"`origins` must lie in [{self.window}, {len(frame)}] (window={self.window} "
                             f"rows of history are needed). Received: {origins.min()}..{origins.max()}")
        inputs, _ = self._model_inputs(frame)
        point, spread = self._forecast(inputs, origins, with_spread=level is not None)
        point = point[:, :horizon]
        if level is None:
            return point, None, None
        width = conformal_quantile(self.calibration_scores_, level)[:horizon]
        if spread is not None:
            width = width * (spread + self.spread_floor_)[:, :horizon]
        return point, point - width, point + width

    def _align(self, data) -> pd.DataFrame:
        """Read prediction history with the training columns, checking it fits the model."""
        frame = read_series(data, target=self.target_, features=self.features_)
        if self.freq_ is not None and frame.attrs.get("freq") != self.freq_:
            raise ValueError(f"The history must have the training frequency {self.freq_!r}. "
                             f"Received: frequency {frame.attrs.get('freq')!r}")
        if len(frame) < self.window:
            raise ValueError(f"The history must have at least window={self.window} rows. "
                             f"Received: {len(frame)} rows")
        return frame

    def predict(self, data=None, horizon=None, level=None) -> pd.DataFrame:
        """Forecast the steps after the end of ``data`` (default: the training data).

        Parameters
        ----------
        data : DataFrame, CSV path, Series or array, optional
            History with the training columns; its last ``window`` rows are used.
        horizon : int, optional
            Steps to return, at most the trained ``horizon`` (default: all of them).
        level : float, optional
            Add ``<target>_lower`` and ``<target>_upper`` interval columns at this level.

        Returns
        -------
        pandas.DataFrame
            Shape ``(horizon, n_targets)`` (plus 2 interval columns per target), indexed by
            the future timestamps.
        """
        if not hasattr(self, "model_"):
            raise NotFittedError("This RNNForecaster is not fitted yet. Call 'fit' first.")
        horizon = self._horizon(horizon)
        frame = self._align(self.tail_ if data is None else data)
        point, lower, upper = self._forecast_origins(frame, [len(frame)], horizon, level)
        return forecast_frame(self.target_, future_index(frame.index[-1], self.freq_, horizon),
                              point[0], None if lower is None else lower[0],
                              None if upper is None else upper[0])

    def update(self, data) -> "RNNForecaster":
        """Make the end of ``data`` the default forecast origin, without retraining.

        ``predict()`` with no data then forecasts the steps after ``data`` (saved along with
        the model). Returns ``self``.
        """
        check_is_fitted(self, "model_")
        frame = self._align(data)
        self.tail_ = frame.iloc[-self.window:][self.features_].copy()
        return self

    def predict_interval(self, data=None, horizon=None, level=0.9) -> pd.DataFrame:
        """Same as ``predict(..., level=level)``."""
        return self.predict(data, horizon=horizon, level=level)

    # -------------------------------------------------------------- save / load
    def save(self, path, overwrite=False) -> str:
        """Write ``path/model.keras`` and ``path/forecaster.json`` atomically. No pickle.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False.
        """
        check_is_fitted(self, "model_")
        state = {
            "format": "forecastrnn.RNNForecaster", "format_version": 1,
            "params": self.get_params(),
            "target": self.target_, "features": self.features_, "freq": self.freq_,
            "indicator_columns": self.indicator_columns_, "n_train_rows": self.n_train_rows_,
            "scaler": self.scaler_.to_dict(), "history": self.history_,
            "calibration_scores": self.calibration_scores_.tolist(),
            "spread_floor": None if self.spread_floor_ is None else self.spread_floor_.tolist(),
            "tail": {"index": [str(i) for i in self.tail_.index], "values": self.tail_.to_numpy().tolist()},
            "versions": versions(),
        }
        return atomic_write_dir(path, overwrite, lambda tmp: (
            self.model_.save(os.path.join(tmp, MODEL_FILE)),
            write_json(os.path.join(tmp, STATE_FILE), state)))

    @classmethod
    def load(cls, path) -> "RNNForecaster":
        """Restore a forecaster written by :meth:`save` (Keras ``safe_mode`` on)."""
        state = read_state(path, STATE_FILE, "forecastrnn.RNNForecaster")
        try:
            self = cls(**state["params"])
            self.target_, self.features_ = list(state["target"]), list(state["features"])
            self.freq_ = state["freq"]
            self.indicator_columns_ = list(state["indicator_columns"])
            self.n_train_rows_ = int(state["n_train_rows"])
            self.scaler_ = Scaler.from_dict(state["scaler"])
            self.history_ = state["history"]
            self.calibration_scores_ = np.asarray(state["calibration_scores"], dtype="float64")
            floor = state["spread_floor"]
            self.spread_floor_ = None if floor is None else np.asarray(floor, dtype="float64")
            tail = state["tail"]
            index = (pd.DatetimeIndex(tail["index"], freq=self.freq_) if self.freq_
                     else pd.RangeIndex(int(tail["index"][0]), int(tail["index"][0]) + len(tail["index"])))
            self.tail_ = pd.DataFrame(tail["values"], index=index, columns=self.features_, dtype="float64")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"Corrupt forecaster state in {os.path.join(path, STATE_FILE)!r}: "
                             f"expected the fields written by RNNForecaster.save. Received error: {exc}") from None
        self.model_ = load_keras_model(os.path.join(path, MODEL_FILE))
        return self


def forecast_frame(targets, index, point, lower=None, upper=None) -> pd.DataFrame:
    """Forecast table: one column per target, plus ``_lower``/``_upper`` when given."""
    frame = pd.DataFrame(np.asarray(point), index=index, columns=list(targets))
    if lower is not None:
        for j, name in enumerate(targets):
            frame[f"{name}_lower"] = lower[:, j]
            frame[f"{name}_upper"] = upper[:, j]
    return frame

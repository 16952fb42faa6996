"""``GlobalRNNForecaster``: one recurrent network trained on the windows of many series.

A collection of related series (the 414 hourly series of M4, the sales of many shops) often
has too little history per series for a network of its own, but plenty in total. A global
model learns one set of weights from the windows of all of them.

Inputs of every window step
---------------------------
``[target | past covariates | observed indicators | known-future inputs | series code]``

* the target and the past covariates (``features``: observed up to the origin only) are
  scaled per series, by a scaler fitted on that series' training rows;
* a missing value is filled with 0 and flagged by an indicator channel (1 = observed), for
  every column that had missing training values, as in ``RNNForecaster``; windows whose
  targets are missing are never trained on;
* known-future inputs are the calendar cycles of the timestamps (``calendar="auto"``:
  hour of day, day of week, month ... by frequency, see :mod:`forecastrnn.data.calendar`)
  and the user's ``known_future`` columns (a promotion plan, a holiday flag), scaled per
  series. They are fed **shifted by the horizon**: window step ``t`` carries the values of
  step ``t + horizon``, so the last ``horizon`` steps of a window carry exactly the forecast
  steps' values, and nothing else about the future is read;
* ``id_embedding=k``: the series as a learned ``k``-vector (a series not trained on gets
  the zero vector).

The series are laid end to end (each followed by ``horizon`` rows of its future inputs) and
the training windows are start indices that never cross from one series into the next: the
same lazy ``tf.data`` pipeline as ``RNNForecaster``, memory O(total rows).

Rows of each series, in time order: training | validation (``validation_size``: early
stopping) | calibration (``calibration_size``: intervals). Intervals are split-conformal
per forecast step, on the absolute errors *in each series' scaled units*, pooled over all
series; the interval of a series is that quantile times its scale.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecastrnn.base import check_level, future_index
from forecastrnn.data.calendar import calendar_cycles, calendar_features
from forecastrnn.data.masking import add_missing_indicators
from forecastrnn.data.panel import ID_COL, TARGET, freq_step, read_panel
from forecastrnn.data.scaling import Scaler
from forecastrnn.data.windows import check_positive_int, make_dataset
from forecastrnn.defaults import AUTO, default_window
from forecastrnn.models.base import RecurrentEstimator
from forecastrnn.models.forecaster import by_target_row, conformal_quantile, held_out_rows
from forecastrnn.persistence import array_from_json, array_to_json, frame_from_json, frame_to_json


def named_series(series) -> dict:
    """``{name: float64 pandas.Series}`` from a dict of series, a list of them or a wide DataFrame.

    A list gets the names ``"0", "1", ...``; a DataFrame gives one series per column, without
    the NaN before its first and after its last value (ragged wide tables). A series keeps
    its ``DatetimeIndex`` when it has one, else it is indexed by position. Missing values
    inside a series are kept (the model fills and flags them); a series with no value is an
    error, and so are two keys that give the same name (``1`` and ``"1"``).
    """
    if isinstance(series, pd.DataFrame):
        items = {c: series[c] for c in series.columns}
    elif isinstance(series, Mapping):
        items = dict(series)
    elif isinstance(series, (list, tuple)):
        items = dict(enumerate(series))
    else:
        raise TypeError("`series` must be a dict or list of 1-D series, or a wide DataFrame (one series "
                        f"per column). Received: {type(series).__name__}")
    if not items:
        raise ValueError("`series` must hold at least one series. Received: none")
    out = {}
    for key, values in items.items():
        name = str(key)
        if name in out:
            raise ValueError(f"Series names must be distinct as text. Received: two series named {name!r}")
        index = values.index if isinstance(values, pd.Series) and isinstance(values.index, pd.DatetimeIndex) else None
        try:
            array = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            raise ValueError(f"Series {name!r} must be numeric. Received: {np.asarray(values).dtype}") from None
        if array.ndim != 1:
            raise ValueError(f"Series {name!r} must be 1-D. Received: shape={array.shape}")
        valid = np.flatnonzero(~np.isnan(array))
        if not valid.size:
            raise ValueError(f"Series {name!r} has no values. Received: {len(array)} missing value(s)")
        keep = slice(valid[0], valid[-1] + 1) if isinstance(series, pd.DataFrame) else slice(None)
        out[name] = pd.Series(array[keep], index=None if index is None else index[keep])
    return out


def _common_freq(frames: dict):
    """The frequency shared by the frames' DatetimeIndexes (None when any has positions)."""
    freqs = set()
    for frame in frames.values():
        if not isinstance(frame.index, pd.DatetimeIndex):
            return None
        freqs.add(frame.index.freqstr or (pd.infer_freq(frame.index) if len(frame) >= 3 else None))
    freqs.discard(None)
    if len({freq_step(f) for f in freqs}) > 1:
        raise ValueError(f"All series must share one frequency. Received: {sorted(freqs)}")
    return freqs.pop() if freqs else None


def panel_frames(panel: pd.DataFrame, columns) -> dict:
    """``{id: DataFrame of columns}`` from a :func:`read_panel` frame, indexed by time or position."""
    id_col, time_col, freq = panel.attrs["id_col"], panel.attrs["time_col"], panel.attrs["freq"]
    out = {}
    for key, group in panel.groupby(id_col, sort=False):
        frame = group[list(columns)].astype("float64").reset_index(drop=True)
        if time_col is not None:
            frame.index = pd.DatetimeIndex(group[time_col], freq=freq)
        out[str(key)] = frame
    return out


def window_starts(spec, targets, n_train: int, n_val: int, offset: int = 0):
    """Training and validation window starts of one series (``targets`` its scaled target rows).

    Training windows end inside the first ``n_train`` rows; validation windows have all their
    targets in the next ``n_val``; windows with a missing target are skipped. ``offset`` is
    where the series begins in the stacked rows, so no window crosses into another series.
    """
    n = len(targets)
    train = spec.starts(n, targets, end=n_train)
    val = spec.starts(n, targets, first_target=n_train, end=n_train + n_val) if n_val else train[:0]
    return train + offset, val + offset


class GlobalRNNForecaster(RecurrentEstimator):
    """One recurrent network for many series (a *global* model), with covariates and intervals.

    Takes the parameters of :class:`~forecastrnn.RNNForecaster` (``validation_size`` and
    ``calibration_size`` apply to every series; ``mc_samples`` is unused: intervals are
    conformal on the pooled scaled errors), and:

    calendar : "auto" or None
        ``"auto"``: the calendar cycles of the frequency as known-future inputs, when the
        series have timestamps (:func:`forecastrnn.data.calendar.calendar_cycles`). None: off.
    id_embedding : int
        Size of a learned embedding of the series id (0: none). It lets the network tell
        series apart beyond what their windows show; a series never trained on gets zeros.

    Attributes
    ----------
    model_ : keras.Model
    columns_ : list of str
        The id, time and target names of the output (from long data; default
        ``unique_id``, ``ds``, ``y``).
    target_, features_, known_future_ : target, past covariates and known-future columns
    calendar_ : list of str
        The calendar cycles used.
    indicator_columns_ : list of int
        Target/covariate columns with an observed-indicator channel.
    scalers_ : dict of Scaler
        One per training series, fitted on its training rows.
    codes_ : dict
        Series id -> embedding code (1, 2, ...).
    tails_ : dict of DataFrame
        The last ``window`` rows of every series: the default forecast origins.
    freq_ : str or None
    calibration_scores_ : numpy.ndarray (n_rows, horizon)
        Absolute errors in scaled units on every series' calibration rows (NaN where missing).
    history_ : dict of per-epoch losses
    n_windows_ : int
        Training windows per epoch over all series.

    Examples
    --------
    >>> model = GlobalRNNForecaster(horizon=48, epochs=10)  # doctest: +SKIP
    >>> model.fit("sales.csv", id_col="store", time_col="date", target="sales")  # doctest: +SKIP
    >>> model.predict(level=0.9).head()  # doctest: +SKIP
    """

    supports_intervals = True
    supports_panels = True
    supports_covariates = True
    _format_version = 3

    def __init__(self, cell="gru", units="auto", layers=1, bidirectional=False, dropout=0.1,
                 recurrent_dropout=0.0, window="auto", horizon=24, stride=1, scaler="standard",
                 epochs="auto", batch_size="auto", learning_rate=1e-3, patience=5, loss="mse",
                 validation_size=0.1, calibration_size=0.1, anchor="auto", n_models="auto",
                 mc_samples=30, jit_compile="auto", random_state=None, verbose="auto",
                 calendar="auto", id_embedding=0):
        super().__init__(cell=cell, units=units, layers=layers, bidirectional=bidirectional, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, window=window, horizon=horizon, stride=stride,
                         scaler=scaler, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                         patience=patience, loss=loss, validation_size=validation_size,
                         calibration_size=calibration_size, anchor=anchor, n_models=n_models,
                         mc_samples=mc_samples, jit_compile=jit_compile, random_state=random_state,
                         verbose=verbose)
        self.calendar = calendar
        self.id_embedding = id_embedding

    # ------------------------------------------------------------------ reading
    def _frames(self, data, target=None, features=None, known_future=None, time_col=None, id_col=None,
                fitting=False) -> dict:
        """``{id: DataFrame}`` of the model's columns (target, features, known future).

        When ``fitting``, settles ``columns_``, ``target_``, ``features_``, ``known_future_``
        and ``freq_``; otherwise reads with the training names and checks the frequency.
        """
        path = isinstance(data, (str, os.PathLike))
        if fitting:
            features, known_future = _names(features, "features"), _names(known_future, "known_future")
            long = id_col is not None or path or (isinstance(data, pd.DataFrame) and ID_COL in data.columns)
        else:
            (id_col, time_name, _), target = self.columns_, self.target_[0]
            features, known_future = self.features_, self.known_future_
            long = path or (isinstance(data, pd.DataFrame) and id_col in data.columns)
            time_col = time_name if long and not path and time_name in data.columns else None
            if isinstance(data, pd.DataFrame) and data.attrs.get("target") and not long:
                data = data[[target]]  # a read_series frame (the backtest's form): its target
        if long:
            frames, names = self._read_long(data, target, features, known_future, time_col, id_col)
        else:
            frames, names = self._read_series(data, target, features, known_future, time_col, fitting)
        freq = _common_freq(frames)
        if fitting:
            self.columns_, self.freq_ = names, freq
            self.target_, self.features_, self.known_future_ = [names[2]], features, known_future
        elif self.freq_ is not None and freq is not None and freq_step(freq) != freq_step(self.freq_):
            raise ValueError(f"The series must have the training frequency {self.freq_!r}. "
                             f"Received: frequency {freq!r}")
        return frames

    @staticmethod
    def _read_long(data, target, features, known_future, time_col, id_col):
        panel = read_panel(data, id_col=id_col, time_col=time_col, target=target,
                           features=(features + known_future) or None)
        if len(panel.attrs["target"]) != 1:
            raise ValueError("GlobalRNNForecaster forecasts one value column. Received: "
                             f"target={panel.attrs['target']}")
        value = panel.attrs["target"][0]
        names = [panel.attrs["id_col"], panel.attrs["time_col"] or "ds", value]
        return panel_frames(panel, [value] + features + known_future), names

    def _read_series(self, data, target, features, known_future, time_col, fitting):
        if time_col is not None:
            raise ValueError("`time_col` applies to long-format data (with an id column). "
                             f"Received: time_col={time_col!r} with {type(data).__name__} data")
        if features or known_future:
            raise ValueError("Covariates (`features`, `known_future`) need long-format data, one row per "
                             f"series and time. Received: {type(data).__name__} data")
        if target is not None and fitting:
            if not isinstance(data, pd.DataFrame):
                raise ValueError("`target` selects columns of a wide DataFrame. Received: target="
                                 f"{target!r} with {type(data).__name__} data")
            columns = [target] if isinstance(target, str) else list(target)
            absent = [c for c in columns if c not in data.columns]
            if absent:
                raise ValueError(f"`target` must name columns of the data. Received: {absent}")
            data = data[columns]
        value = self.target_[0] if not fitting else TARGET
        frames = {k: s.to_frame(value) for k, s in named_series(data).items()}
        return frames, [ID_COL, "ds", value]

    # --------------------------------------------------------------- encoding
    def _scaled_columns(self) -> list:
        return self.target_ + self.features_ + self.known_future_

    def _extend(self, frame: pd.DataFrame, future=None) -> pd.DataFrame:
        """``frame`` followed by ``horizon`` future rows (target and covariates NaN; known-future
        columns from ``future`` when given)."""
        end = frame.index[-1]
        index = future_index(end, self.freq_ if isinstance(frame.index, pd.DatetimeIndex) else None, self.horizon)
        tail = pd.DataFrame(np.nan, index=index, columns=frame.columns)
        if future is not None:
            tail[self.known_future_] = future
        return pd.concat([frame, tail])

    def _encode(self, extended: pd.DataFrame, scaler: Scaler, code: int) -> np.ndarray:
        """Network inputs of every row of an extended frame (see the module docstring)."""
        values = scaler.transform(extended[self._scaled_columns()])
        n_observed = 1 + len(self.features_)
        parts = [add_missing_indicators(values[:, :n_observed], self.indicator_columns_)]
        known = values[:, n_observed:]
        if self.calendar_:
            known = np.column_stack([known, calendar_features(extended.index, self.calendar_)])
        if known.shape[1]:
            shifted = np.zeros_like(known)
            shifted[:len(known) - self.horizon] = np.nan_to_num(known[self.horizon:])
            parts.append(shifted)
        if self.id_embedding:
            parts.append(np.full((len(extended), 1), code))
        return np.concatenate(parts, axis=1).astype("float32")

    # ---------------------------------------------------------------------- fit
    def fit(self, data, target=None, features=None, time_col=None, callbacks=None, id_col=None,
            known_future=None) -> "GlobalRNNForecaster":
        """Train one network on the windows of all series in ``data``.

        Parameters
        ----------
        data : long-format DataFrame, CSV or Parquet path, dict or list of series, or a wide DataFrame
            Long format (one row per series and time; :func:`forecastrnn.read_panel`) when it
            is a path, has an ``id_col`` / ``unique_id`` column, or ``id_col`` is given; else
            the forms of :func:`named_series` (no covariates).
        target : str, optional
            Long format: the value column (default ``y``, else the last numeric column). Wide
            DataFrame: the columns (series) to train on (default: all).
        features : list of str, optional
            Past covariates: columns observed up to each forecast origin (long format).
        time_col, id_col : str, optional
            Long format: the time and series-id columns (default: detected, ``unique_id``).
        callbacks : list of keras.callbacks.Callback, optional
        known_future : list of str, optional
            Columns known in advance for the forecast steps (long format); ``predict`` then
            needs their future values (``future=``).

        Returns
        -------
        self
        """
        frames = self._frames(data, target, features, known_future, time_col, id_col, fitting=True)
        if self.calendar not in (AUTO, None):
            raise ValueError(f"`calendar` must be 'auto' or None. Received: calendar={self.calendar!r}")
        if isinstance(self.id_embedding, bool) or not isinstance(self.id_embedding, int) or self.id_embedding < 0:
            raise ValueError(f"`id_embedding` must be an int >= 0. Received: id_embedding={self.id_embedding!r}")
        self.calendar_ = calendar_cycles(self.freq_) if self.calendar == AUTO else []
        horizon = check_positive_int(self.horizon, "horizon")
        held = {k: held_out_rows(len(f), self.validation_size, self.calibration_size, horizon, warn=False)
                for k, f in frames.items()}
        n_train = {k: len(f) - sum(held[k]) for k, f in frames.items()}
        lengths = [len(f) for f in frames.values()]
        spec = self._resolve(sum(n_train.values()), window=default_window(int(np.median(lengths)), horizon))
        for key, frame in frames.items():
            if len(frame) < spec.window:
                raise ValueError(f"Series {key!r} must have at least window={spec.window} rows. "
                                 f"Received: {len(frame)}")
        observed = self.target_ + self.features_
        self.indicator_columns_ = [j for j, c in enumerate(observed)
                                   if any(f[c].iloc[:n_train[k]].isna().any() for k, f in frames.items())]
        self.scalers_, self.codes_ = {}, {}
        inputs, targets, train_starts, val_starts, cal_rows, offset = [], [], [], [], {}, 0
        for code, (key, frame) in enumerate(frames.items(), start=1):
            try:
                self.scalers_[key] = Scaler(self.scaler).fit(frame[self._scaled_columns()].iloc[:n_train[key]])
            except ValueError as exc:
                raise ValueError(f"Series {key!r}: {exc}") from None
            self.codes_[key] = code
            inputs.append(self._encode(self._extend(frame), self.scalers_[key], code))
            target = self.scalers_[key].transform(frame[self.target_], columns=self.target_)
            targets += [target, np.full((horizon, 1), np.nan)]
            train, val = window_starts(spec, target, n_train[key], held[key][0], offset)
            train_starts.append(train)
            val_starts.append(val)
            if held[key][1]:
                cal_rows[key] = (offset, len(frame) - held[key][1], len(frame))
            offset += len(frame) + horizon
        train_starts, val_starts = np.concatenate(train_starts), np.concatenate(val_starts)
        if not train_starts.size:
            raise ValueError(f"No series has a complete training window of window + horizon = {spec.span} "
                             f"rows. Received: series of {min(lengths)}..{max(lengths)} rows")
        self.n_windows_ = int(train_starts.size)
        inputs, targets = np.concatenate(inputs), np.concatenate(targets)
        embed = (len(frames) + 1, self.id_embedding) if self.id_embedding else None
        self._train(inputs, targets, train_starts, val_starts, callbacks, anchor_targets=[0], embed=embed)
        self._calibrate(inputs, targets, cal_rows)
        self.tails_ = {key: frame.iloc[-spec.window:].copy() for key, frame in frames.items()}
        return self

    def refit(self, data, callbacks=None, **fit_kwargs) -> "GlobalRNNForecaster":
        """A copy retrained on *all* rows of ``data``, keeping this fit's intervals.

        As ``RNNForecaster.refit``: the settings chosen here, the number of epochs early
        stopping chose, no rows held back; the intervals reuse this fit's calibration scores.
        ``fit_kwargs`` are those of :meth:`fit` (``target``, ``id_col`` ...).

        Returns
        -------
        GlobalRNNForecaster
            A new fitted forecaster (``self`` is unchanged).
        """
        new = self._refit_clone()
        new.fit(data, callbacks=callbacks, **fit_kwargs)
        if self.settings_.get("fell_back"):
            new._fall_back_to_anchor()
        new.calibration_scores_ = self.calibration_scores_
        return new

    def _calibrate(self, inputs, targets, cal_rows: dict):
        """Absolute scaled errors of every step on the calibration rows of every series."""
        spec, scores = self._spec(), []
        for offset, first_row, end_row in cal_rows.values():
            first_origin = max(first_row - spec.horizon + 1, spec.window)
            point = self._predict_scaled(inputs, offset + np.arange(first_origin, end_row) - spec.window)
            actual = targets[offset + first_row:offset + end_row]
            scores.append(np.abs(actual - by_target_row(point, first_row, end_row, first_origin)))  # (rows, h)
        self.calibration_scores_ = np.concatenate(scores) if scores else np.empty((0, spec.horizon))

    def _predict_scaled(self, inputs, starts) -> np.ndarray:
        """Median over members of the scaled forecasts of the windows at ``starts``: (n, horizon)."""
        ds = make_dataset(inputs, None, self._spec(), np.asarray(starts, dtype="int64"),
                          batch_size=max(256, self.settings_["batch_size"]))
        return np.median(self.model_.predict(ds, verbose=0), axis=1)[..., 0]

    # ------------------------------------------------------------------ predict
    def _forecast(self, requests: dict, level=None) -> dict:
        """``{id: (frame, origins, future)}`` -> ``{id: (point, lower, upper)}``, each
        ``(n_origins, horizon)`` in original units (bounds None without ``level``). The
        forecast from origin ``o`` reads rows ``[o - window, o)`` and the known-future inputs
        of rows ``[o - window + horizon, o + horizon)`` only."""
        window = self.window_
        inputs, starts, owners, offset = [], [], [], 0
        for key, (frame, origins, future) in requests.items():
            origins = np.asarray(origins, dtype="int64")
            if origins.size and (origins.min() < window or origins.max() > len(frame)):
                raise ValueError(f"Series {key!r}: origins must lie in [window={window}, {len(frame)}] "
                                 f"(at least window={window} rows before each). Received: "
                                 f"{origins.min()}..{origins.max()}")
            if self.known_future_ and origins.size and origins.max() + self.horizon > len(frame) and future is None:
                raise ValueError(f"Series {key!r}: forecasting needs the future values of {self.known_future_} "
                                 f"for the {self.horizon} steps after the origin. Pass them as `future`")
            scaler = self.scalers_.get(key)
            if scaler is None:  # a series never trained on: scaled on its own history
                scaler = Scaler(self.scaler).fit(frame[self._scaled_columns()])
            inputs.append(self._encode(self._extend(frame, future), scaler, self.codes_.get(key, 0)))
            starts.append(origins - window + offset)
            owners.append((key, scaler, len(origins)))
            offset += len(frame) + self.horizon
        scaled = self._predict_scaled(np.concatenate(inputs), np.concatenate(starts))
        width = None
        if level is not None:
            if not len(self.calibration_scores_):
                raise ValueError("No intervals: the model was fitted without calibration rows. "
                                 "Fit with calibration_size > 0 (the default 0.1)")
            width = conformal_quantile(self.calibration_scores_, level)[None, :]
        out, first = {}, 0
        for key, scaler, n in owners:
            scale, offset = scaler.coefficients(self.target_)
            point = (scaled[first:first + n] - offset) / scale
            bounds = (None, None) if width is None else (point - width / scale, point + width / scale)
            out[key] = (point, *bounds)
            first += n
        return out

    def _futures(self, future, frames: dict) -> dict:
        """The known-future values of the ``horizon`` steps after each series, from ``future``."""
        if not self.known_future_ or future is None:
            return dict.fromkeys(frames)
        id_name = self.columns_[0]
        table = future if isinstance(future, pd.DataFrame) else pd.read_csv(future)
        out = {}
        for key in frames:
            rows = table[table[id_name].astype(str) == key]
            if len(rows) < self.horizon:
                raise ValueError(f"Series {key!r}: `future` must give {self.known_future_} for the next "
                                 f"{self.horizon} steps. Received: {len(rows)} row(s)")
            out[key] = rows[self.known_future_].to_numpy(dtype="float64")[:self.horizon]
        return out

    def predict(self, data=None, horizon=None, level=None, future=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of each series.

        Parameters
        ----------
        data : same forms as in :meth:`fit`, optional
            Histories to forecast from (their last ``window`` rows are read), in the
            training data's columns. Default: where :meth:`update` or ``fit`` left each
            series. A series trained on is scaled with its training scaler; a new one with a
            scaler fitted on its own history (and the zero id embedding).
        horizon : int, optional
            Steps to return, at most the trained ``horizon``.
        level : float, optional
            Interval level, e.g. 0.9: adds ``<target>_lower`` / ``<target>_upper``.
        future : long-format DataFrame or CSV path, optional
            The ``known_future`` columns for the trained horizon after each series' end
            (with the id column; rows in time order). Needed when the model has such columns.

        Returns
        -------
        pandas.DataFrame
            Long format, ``n_series * horizon`` rows; columns: the series id, the time
            (future timestamps, or positions after each series' end) and the forecast, named
            as in the training data (default ``unique_id``, ``ds``, ``y``), plus the bounds.
        """
        self._check_fitted()
        check_level(level)
        horizon = self._horizon(horizon)
        frames = self.tails_ if data is None else self._frames(data)
        self._check_lengths(frames)
        futures = self._futures(future, frames)
        out = self._forecast({k: (f, [len(f)], futures[k]) for k, f in frames.items()}, level)
        id_name, time_name, value_name = self.columns_
        parts = []
        for key, frame in frames.items():
            point, lower, upper = out[key]
            part = {id_name: key, time_name: self._extend(frame).index[len(frame):len(frame) + horizon],
                    value_name: point[0, :horizon]}
            if lower is not None:
                part.update({f"{value_name}_lower": lower[0, :horizon], f"{value_name}_upper": upper[0, :horizon]})
            parts.append(pd.DataFrame(part))
        return pd.concat(parts, ignore_index=True)

    def _check_lengths(self, frames: dict):
        for key, frame in frames.items():
            if len(frame) < self.window_:
                raise ValueError(f"Series {key!r} must have at least window={self.window_} values. "
                                 f"Received: {len(frame)}")

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of each series in ``data``.

        Parameters
        ----------
        data : same forms as in :meth:`predict`
            One history per series (a one-column frame is one series: the backtest's form).
        origins : sequence of int, or dict of id -> sequence of int (as many for every series)
            Row positions within each series: the forecast from origin ``o`` reads rows
            ``[o - window, o)`` of that series (and its known-future inputs up to
            ``o + horizon``), never another series.
        horizon : int, optional
        level : float, optional

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_series)
        lower, upper : numpy.ndarray of the same shape, or None without ``level``
        """
        self._check_fitted()
        check_level(level)
        horizon = self._horizon(horizon)
        frames = self._frames(data)
        by_series = origins if isinstance(origins, Mapping) else dict.fromkeys(frames, origins)
        out = self._forecast({k: (f, by_series[k], None) for k, f in frames.items()}, level)

        def stack(i):
            return None if out[next(iter(out))][i] is None else \
                np.stack([out[k][i][:, :horizon] for k in frames], axis=-1)

        return stack(0), stack(1), stack(2)

    def update(self, data) -> "GlobalRNNForecaster":
        """Make the end of each series in ``data`` its default forecast origin (no retraining).

        ``data`` takes the forms of :meth:`predict`; series not in it keep their origin, new
        ones are added (scaled on their own history when forecast). Returns ``self``.
        """
        self._check_fitted()
        frames = self._frames(data)
        self._check_lengths(frames)
        self.tails_.update({key: frame.iloc[-self.window_:].copy() for key, frame in frames.items()})
        return self

    # -------------------------------------------------------------- save / load
    def _get_state(self) -> dict:
        return {"settings": self.settings_, "n_windows": self.n_windows_, "freq": self.freq_,
                "columns": self.columns_, "target": self.target_, "features": self.features_,
                "known_future": self.known_future_, "calendar": self.calendar_,
                "indicator_columns": self.indicator_columns_, "codes": self.codes_,
                "scalers": {k: s.to_dict() for k, s in self.scalers_.items()},
                "tails": {k: frame_to_json(f) for k, f in self.tails_.items()},
                "calibration_scores": array_to_json(self.calibration_scores_), "history": self.history_}

    def _set_state(self, state: dict) -> None:
        self.settings_ = dict(state["settings"])
        self.n_windows_, self.freq_ = int(state["n_windows"]), state["freq"]
        self.columns_ = [str(c) for c in state["columns"]]
        self.target_, self.features_ = list(state["target"]), list(state["features"])
        self.known_future_, self.calendar_ = list(state["known_future"]), list(state["calendar"])
        self.indicator_columns_ = [int(j) for j in state["indicator_columns"]]
        self.codes_ = {k: int(v) for k, v in state["codes"].items()}
        self.scalers_ = {k: Scaler.from_dict(v) for k, v in state["scalers"].items()}
        self.tails_ = {k: frame_from_json(v, self.freq_) for k, v in state["tails"].items()}
        self.calibration_scores_ = array_from_json(state["calibration_scores"]).reshape(-1, self.horizon)
        self.history_ = state["history"]


def _names(value, name: str) -> list:
    if value is None:
        return []
    names = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"`{name}` must be a column name or a list of them. Received: {name}={value!r}")
    return names

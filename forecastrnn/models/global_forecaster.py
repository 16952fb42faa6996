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

It forecasts points only (``supports_intervals = False``); use ``RNNForecaster`` for one
series with intervals. Data comes in long format (:func:`forecastrnn.read_panel`) or as a
dict/list of series or a wide DataFrame; forecasts come in long format, in the training
data's column names (default ``unique_id``, ``ds``, ``y``), with the future timestamps when the
series had timestamps, else the integer positions after each series' end.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecastrnn.base import check_level, future_index
from forecastrnn.data.panel import ID_COL, TARGET, freq_step, panel_series, read_panel
from forecastrnn.data.scaling import Scaler
from forecastrnn.data.split import split_series
from forecastrnn.data.windows import make_dataset
from forecastrnn.defaults import default_window
from forecastrnn.models.base import RecurrentEstimator
from forecastrnn.persistence import frame_from_json, frame_to_json


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


def series_ends(series) -> tuple[dict, str | None]:
    """The label of each series' last value, and the shared frequency (None without timestamps).

    Labels are timestamps for a wide DataFrame or pandas Series with a ``DatetimeIndex``,
    else the position of the last value (``len - 1``).
    """
    def freq_of(index):
        if not isinstance(index, pd.DatetimeIndex):
            return None
        return index.freqstr or (pd.infer_freq(index) if len(index) >= 3 else None)

    if isinstance(series, pd.DataFrame):
        freq = freq_of(series.index)
        ends = {str(c): (series[c].last_valid_index() if freq else len(_trim_nan(series[c].to_numpy(dtype="float64"))) - 1)
                for c in series.columns}
        return ends, freq
    items = dict(series) if isinstance(series, Mapping) else dict(enumerate(series))
    freqs = {freq_of(v.index) if isinstance(v, pd.Series) else None for v in items.values()}
    freq = freqs.pop() if len(freqs) == 1 else None
    return {str(k): (v.index[-1] if freq else len(v) - 1) for k, v in items.items()}, freq


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


def _points_only(level):
    check_level(level)
    if level is not None:
        raise ValueError("GlobalRNNForecaster forecasts points only (supports_intervals=False). "
                         f"Received: level={level}")


class GlobalRNNForecaster(RecurrentEstimator):
    """One recurrent network for many univariate series (a *global* model).

    Takes the same parameters as :class:`~forecastrnn.RNNForecaster` (``mc_samples`` and
    ``calibration_size`` are unused: forecasts are points). ``validation_size`` applies to
    every series.

    Attributes
    ----------
    model_ : keras.Model
    scalers_ : dict of Scaler
        One per training series, fitted on its training rows.
    tails_ : dict of numpy.ndarray
        The last ``window`` values of every training series: the default forecast origins.
    ends_ : dict
        The timestamp (or position) of every training series' last value.
    freq_ : str or None
    history_ : dict of per-epoch losses
    n_windows_ : int
        Training windows per epoch over all series.

    Examples
    --------
    >>> model = GlobalRNNForecaster(window=96, horizon=48, epochs=10)  # doctest: +SKIP
    >>> model.fit({"a": series_a, "b": series_b}).predict().shape  # doctest: +SKIP
    (96, 3)
    """

    supports_intervals = False
    supports_panels = True
    supports_covariates = False
    _format_version = 2

    def fit(self, data, target=None, features=None, time_col=None, callbacks=None,
            id_col=None) -> "GlobalRNNForecaster":
        """Train one network on the windows of all series in ``data``.

        Parameters
        ----------
        data : long-format DataFrame or CSV path, dict or list of series, or a wide DataFrame
            Long format (one row per series and time; :func:`forecastrnn.read_panel`) when it
            is a path, has an ``id_col`` / ``unique_id`` column, or ``id_col`` is given; else
            the forms of :func:`named_series`.
        target : str, optional
            Long format: the value column (default ``y``, else the last numeric column). Wide
            DataFrame: the columns (series) to train on (default: all).
        features : None
            The global model reads only its series (``supports_covariates = False``).
        time_col, id_col : str, optional
            Long format: the time and series-id columns (default: detected, ``unique_id``).
        callbacks : list of keras.callbacks.Callback, optional

        Returns
        -------
        self
        """
        data = self._series(data, target, features, time_col, id_col, fitting=True)
        items = named_series(data)
        self.ends_, self.freq_ = series_ends(data)
        lengths = [len(v) for v in items.values()]
        # "auto": the look-back from the median series, the rest from all rows together (no
        # frequency is known here, so no season).
        spec = self._resolve(sum(lengths), window=default_window(int(np.median(lengths)), self.horizon))
        scaled, train_starts, val_starts, self.scalers_ = stack_series(
            items, spec, self.validation_size, self.scaler)
        self.n_windows_ = int(train_starts.size)
        self._train(scaled, scaled, train_starts, val_starts, callbacks, anchor_targets=[0])
        self.tails_ = {name: values[-spec.window:].copy() for name, values in items.items()}
        return self

    def _series(self, data, target, features, time_col, id_col, fitting=False):
        """The series of ``data`` as :func:`named_series` reads them; sets the output column
        names (``columns_``) when ``fitting``."""
        if features is not None:
            raise ValueError("GlobalRNNForecaster reads only its series (supports_covariates=False). "
                             f"Received: features={features!r}")
        if id_col is not None or isinstance(data, (str, os.PathLike)) or (
                isinstance(data, pd.DataFrame) and ID_COL in data.columns):
            panel = read_panel(data, id_col=id_col, time_col=time_col, target=target)
            if len(panel.attrs["target"]) != 1:
                raise ValueError("GlobalRNNForecaster forecasts one value column. Received: "
                                 f"target={panel.attrs['target']}")
            value = panel.attrs["target"][0]
            if fitting:
                self.columns_ = [panel.attrs["id_col"], panel.attrs["time_col"] or "ds", value]
            return panel_series(panel, value)
        if time_col is not None:
            raise ValueError("`time_col` applies to long-format data (with an id column). "
                             f"Received: time_col={time_col!r} with {type(data).__name__} data")
        if fitting:
            self.columns_ = [ID_COL, "ds", TARGET]
        if target is None:
            return data
        if not isinstance(data, pd.DataFrame):
            raise ValueError("`target` selects columns of a wide DataFrame. Received: target="
                             f"{target!r} with {type(data).__name__} data")
        columns = [target] if isinstance(target, str) else list(target)
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise ValueError(f"`target` must name columns of the data. Received: {missing}")
        return data[columns]

    def predict(self, data=None, horizon=None, level=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of each series.

        Parameters
        ----------
        data : same forms as in :meth:`fit`, optional
            Histories to forecast from (their last ``window`` values are read), in the
            training data's columns when long. Default: where :meth:`update` or ``fit`` left
            each series. A series trained on is scaled with its training scaler; a new one
            with a scaler fitted on its own history.
        horizon : int, optional
            Steps to return, at most the trained ``horizon``.
        level : None
            Intervals are not available (``supports_intervals = False``).

        Returns
        -------
        pandas.DataFrame
            Long format, ``n_series * horizon`` rows; columns: the series id, the time
            (future timestamps, or positions after each series' end) and the forecast, named
            as in the training data (default ``unique_id``, ``ds``, ``y``).
        """
        self._check_fitted()
        _points_only(level)
        horizon = self._horizon(horizon)
        if data is None:
            items, ends, freq = self.tails_, self.ends_, self.freq_
        else:
            items, ends, freq = self._histories(data)
        point = self._forecast({name: (values, [len(values)]) for name, values in items.items()})
        id_name, time_name, value_name = self.columns_
        parts = [pd.DataFrame({id_name: name, time_name: future_index(ends[name], freq, horizon),
                               value_name: point[name][0, :horizon]}) for name in items]
        return pd.concat(parts, ignore_index=True)

    def _forecast(self, requests: dict) -> dict:
        """``{name: (values, origins)}`` -> ``{name: (n_origins, horizon)}`` forecasts in original
        units; the forecast from origin ``o`` reads ``values[o - window:o]`` only."""
        windows, owners = [], []
        for name, (values, origins) in requests.items():
            origins = np.asarray(origins, dtype="int64")
            if origins.size and (origins.min() < self.window_ or origins.max() > len(values)):
                raise ValueError(f"Series {name!r}: origins must lie in [window={self.window_}, {len(values)}] "
                                 f"(at least window={self.window_} values before each). Received: "
                                 f"{origins.min()}..{origins.max()}")
            scaler = (self.scalers_[name] if name in self.scalers_
                      else Scaler(self.scaler).fit(pd.DataFrame({"y": values})))
            scaled = scaler.transform(np.asarray(values, dtype="float64")[:, None])
            windows += [scaled[o - self.window_:o] for o in origins]
            owners.append((name, scaler, len(origins)))
        spec = self._spec()
        starts = np.arange(len(windows), dtype="int64") * spec.window
        ds = make_dataset(np.concatenate(windows), None, spec, starts,
                          batch_size=max(256, self.settings_["batch_size"]))
        point = np.median(self.model_.predict(ds, verbose=0), axis=1)[..., 0]  # median of members
        out, first = {}, 0
        for name, scaler, n in owners:
            out[name] = scaler.inverse_transform(point[first:first + n].reshape(-1, 1)).reshape(n, -1)
            first += n
        return out

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of each series in ``data``.

        Parameters
        ----------
        data : same forms as in :meth:`predict`
            One history per series (a one-column frame is one series: the backtest's form).
        origins : sequence of int
            Row positions within every series: the forecast from origin ``o`` reads rows
            ``[o - window, o)`` of that series only.
        horizon : int, optional
        level : None
            Points only (``supports_intervals = False``).

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_series)
        lower, upper : None
        """
        self._check_fitted()
        _points_only(level)
        horizon = self._horizon(horizon)
        items, _, _ = self._histories(data)
        point = self._forecast({name: (values, origins) for name, values in items.items()})
        return np.stack([point[name][:, :horizon] for name in items], axis=-1), None, None

    def _histories(self, data):
        """``(values, ends, freq)`` of new histories; long data is read with the training
        data's id and value columns."""
        id_name, _, value_name = self.columns_
        if isinstance(data, pd.DataFrame) and data.attrs.get("target") and id_name not in data.columns:
            data = data[data.attrs["target"]]  # a read_series frame (the backtest's): its target only
        long = isinstance(data, (str, os.PathLike)) or (isinstance(data, pd.DataFrame) and id_name in data.columns)
        series = self._series(data, value_name, None, None, id_name) if long else self._series(data, None, None, None, None)
        ends, freq = series_ends(series)
        if self.freq_ is not None and freq is not None and freq_step(freq) != freq_step(self.freq_):
            raise ValueError(f"The series must have the training frequency {self.freq_!r}. "
                             f"Received: frequency {freq!r}")
        return named_series(series), ends, None if freq is None else self.freq_

    def update(self, data) -> "GlobalRNNForecaster":
        """Make the end of each series in ``data`` its default forecast origin (no retraining).

        ``data`` takes the forms of :meth:`predict`; series not in it keep their origin, new
        ones are added (scaled on their own history when forecast). Returns ``self``.
        """
        self._check_fitted()
        items, ends, _ = self._histories(data)
        for name, values in items.items():
            if len(values) < self.window_:
                raise ValueError(f"Series {name!r} must have at least window={self.window_} values. "
                                 f"Received: {len(values)}")
            self.tails_[name] = values[-self.window_:].copy()
            self.ends_[name] = ends[name]
        return self

    def _get_state(self) -> dict:
        return {"settings": self.settings_, "n_windows": self.n_windows_, "freq": self.freq_, "columns": self.columns_,
                "ends": {k: str(v) for k, v in self.ends_.items()},
                "scalers": {k: s.to_dict() for k, s in self.scalers_.items()},
                "tails": frame_to_json(pd.DataFrame(self.tails_)), "history": self.history_}

    def _set_state(self, state: dict) -> None:
        self.settings_ = dict(state["settings"])
        self.n_windows_, self.freq_ = int(state["n_windows"]), state["freq"]
        self.columns_ = [str(c) for c in state["columns"]]
        self.ends_ = {k: pd.Timestamp(v) if self.freq_ else int(v) for k, v in state["ends"].items()}
        self.scalers_ = {k: Scaler.from_dict(v) for k, v in state["scalers"].items()}
        tails = frame_from_json(state["tails"])
        self.tails_ = {k: tails[k].to_numpy() for k in tails.columns}
        self.history_ = state["history"]

"""The plumbing every classical baseline shares: reading data, per-target fits, origins.

A baseline is a small scikit-learn style estimator. ``fit`` reads the data once (the same
validated frame as every other model), fits one state per target with ``_fit_target`` and
records what each fit chose and how long it took in ``fit_info_``. ``forecast_origins``
forecasts ``horizon`` steps from given row positions, each forecast reading only the rows
before its origin; ``predict`` is the forecast from the end of the data.

Season length when not given (``season_length_for``): a day for hours and for minutes from 5
on (15 minutes 96, hourly 24), daily 7, business daily 5, weekly 52, monthly 12, quarterly 4,
anything else 1 (no season).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator

from forecastrnn.base import Forecaster, check_level, forecast_frame, future_index
from forecastrnn.data.io import as_series, read_series
from forecastrnn.data.season import filled, interpolated, season_length_for  # noqa: F401 (re-exported)
from forecastrnn.data.windows import check_positive_int
from forecastrnn.persistence import frame_from_json, frame_to_json


def rows_received(y) -> str:
    """``"18 rows, 0 observed"``: a series' length and its values that are not missing, for messages."""
    return f"{len(y)} rows, {int(np.count_nonzero(~np.isnan(np.asarray(y, dtype='float64'))))} observed"


def each_origin(y, origins, horizon, level, forecast):
    """Stack ``forecast(history, horizon, level) -> (point, lower, upper)`` over origins, the
    history of origin ``o`` being ``y[:o]`` with its gaps interpolated; arrays of shape
    ``(n_origins, horizon)`` (lower and upper None without ``level``). statsmodels' warnings
    (convergence, ...) are silenced: the methods report what they chose in ``fit_info_``."""
    parts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for o in np.asarray(origins):
            parts.append(forecast(interpolated(y[:o]), horizon, level))
    point = np.array([p[0] for p in parts], dtype="float64").reshape(len(parts), horizon)
    if level is None:
        return point, None, None
    return (point, np.array([p[1] for p in parts], dtype="float64").reshape(point.shape),
            np.array([p[2] for p in parts], dtype="float64").reshape(point.shape))


class _Baseline(Forecaster, BaseEstimator):
    """Shared fit/predict plumbing: read data, forecast each target from given origins.

    Saved (``save``/``load``) as JSON: the training rows, what each fit chose and its
    parameters; nothing is re-estimated on load.
    """

    _fitted_attr = "states_"

    @property
    def min_history(self) -> int:
        """Observed rows ``fit`` needs: one more than a forecast reads (``season_length``
        when given or fitted; a season taken from the data's frequency counts once fitted)."""
        return self._min_history() + 1

    def fit(self, data, target=None, features=None, time_col="auto", callbacks=None):
        """Learn from ``data`` (CSV path, DataFrame, Series or array); returns ``self``.

        Parameters
        ----------
        data : CSV path, DataFrame, Series or array
        target : str or list of str, optional
            Column(s) to forecast, each with its own fitted model. Default: the last numeric
            column.
        features : list of str, optional
            Input columns besides the target: only models with ``supports_covariates``
            (ARIMA, as exogenous regressors) accept them.
        time_col : str, optional
        callbacks : None
            Accepted for the common signature (there is no training loop).
        """
        self._check_features(features, target)
        frame = as_series(data, target=target, time_col=time_col)
        self._set_inputs(features, frame)
        self.target_ = list(frame.attrs["target"])
        self.freq_ = frame.attrs.get("freq")
        self.season_length_ = self._season(frame)
        missing = [c for c in self._columns() if c not in frame.columns]
        if missing:
            raise ValueError(f"`exog` must name numeric columns of the data. Received: {missing[0]!r}; "
                             f"columns are {list(frame.columns)}")
        self.history_ = frame[self._columns()]
        self.states_, self.fit_info_ = [], {}
        for t in self.target_:
            start = time.perf_counter()
            state = self._fit_target(frame[t].to_numpy(), self.history_)
            self.fit_info_[t] = {**state.pop("info", {}), "seconds": time.perf_counter() - start}
            self.states_.append(state)
        return self

    def describe(self) -> str:
        """One line saying what was fitted for each target, with failed fits and fit time."""
        self._check_fitted()
        parts = []
        for t, info in self.fit_info_.items():
            failed = f", {info['failed_fits']} failed fit(s)" if info.get("failed_fits") else ""
            parts.append(f"{t}: {self._label(info)} ({info['seconds']:.1f} s{failed})")
        return f"{self.name}: " + "; ".join(parts)

    def _label(self, info) -> str:
        return type(self).__name__

    def _set_inputs(self, features, frame):
        """Hook for models that read columns besides the target (ARIMA's regressors)."""

    def _columns(self) -> list:
        """Columns a forecast reads: the targets (ARIMA adds its exogenous regressors)."""
        return self.target_

    def _season(self, frame) -> int:
        m = getattr(self, "season_length", None)
        return season_length_for(frame.attrs.get("freq")) if m is None else check_positive_int(m, "season_length")

    def _fit_target(self, y, frame):
        """Per-target fitted state; the default keeps the in-sample residual scale."""
        fitted = self._point(y, np.arange(self._min_history(), len(y) + 1), 1)[:-1, 0]
        errors = y[self._min_history():] - fitted
        if np.isnan(errors).all():
            raise ValueError(f"{type(self).__name__} needs at least {self._min_history() + 1} observed "
                             f"rows. Received: {rows_received(y)}")
        return {"sigma": float(np.sqrt(np.nanmean(errors ** 2))), "n": len(y)}

    def _min_history(self) -> int:
        """Rows a forecast reads before its origin."""
        return 1

    def _season_known(self) -> int:
        m = getattr(self, "season_length_", None) or getattr(self, "season_length", None)
        return 1 if m is None else int(m)

    def _scale(self, state, horizon) -> np.ndarray:
        return np.sqrt(np.arange(1, horizon + 1))

    def _read_history(self, data):
        if data is None:
            return self.history_
        return read_series(data, target=self.target_, features=self._columns(), expected_freq=self.freq_)

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from each origin (row position) of ``data``.

        The forecast from origin ``o`` uses rows ``[0, o)`` only. Returns ``point``,
        ``lower``, ``upper`` arrays of shape ``(n_origins, horizon, n_targets)`` (the last two
        None without ``level``).
        """
        self._check_fitted()
        check_level(level)
        horizon = self.horizon if horizon is None else check_positive_int(horizon, "horizon")
        frame = self._read_history(data)
        origins = np.asarray(origins, dtype="int64")
        need = self._min_history()
        if origins.size and (origins.min() < need or origins.max() > len(frame)):
            raise ValueError(f"`origins` must lie in [{need}, {len(frame)}]. "
                             f"Received: {origins.min()}..{origins.max()}")
        results = [self._forecast_target(state, frame[t].to_numpy(), frame, origins, horizon, level)
                   for state, t in zip(self.states_, self.target_)]
        point = np.stack([r[0] for r in results], axis=-1)
        if level is None:
            return point, None, None
        return point, np.stack([r[1] for r in results], -1), np.stack([r[2] for r in results], -1)

    def _forecast_target(self, state, y, frame, origins, horizon, level):
        point = self._point(y, origins, horizon)
        if level is None:
            return point, None, None
        half = norm.ppf(0.5 + level / 2) * state["sigma"] * self._scale(state, horizon)[None, :]
        return point, point - half, point + half

    def predict(self, data=None, horizon=None, level=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after ``data`` (default: the training data).

        Returns a DataFrame indexed by the future timestamps with one column per target and,
        with ``level``, ``<target>_lower`` / ``<target>_upper``.
        """
        self._check_fitted()
        horizon = self.horizon if horizon is None else check_positive_int(horizon, "horizon")
        frame = self._read_history(data)
        point, lower, upper = self.forecast_origins(frame, [len(frame)], horizon, level)
        return forecast_frame(self.target_, future_index(frame.index[-1], self.freq_, horizon),
                              point[0], None if lower is None else lower[0],
                              None if upper is None else upper[0])

    # -------------------------------------------------------------- save / load
    def _get_state(self) -> dict:
        return {"target": self.target_, "freq": self.freq_, "season_length": self.season_length_,
                "history": frame_to_json(self.history_), "fit_info": self.fit_info_,
                "states": [self._state_to_json(state) for state in self.states_]}

    def _set_state(self, state: dict) -> None:
        self.target_, self.freq_ = list(state["target"]), state["freq"]
        self.season_length_ = int(state["season_length"])
        self.history_ = frame_from_json(state["history"], self.freq_)
        self.fit_info_ = dict(state["fit_info"])
        self.states_ = [self._state_from_json(s, self.history_[t].to_numpy(), self.history_)
                        for s, t in zip(state["states"], self.target_)]

    def _state_to_json(self, state: dict) -> dict:
        """A fitted per-target state as JSON (the default states are plain numbers)."""
        return dict(state)

    def _state_from_json(self, state: dict, y, frame) -> dict:
        return dict(state)

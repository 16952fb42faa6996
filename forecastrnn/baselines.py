"""Classical baselines with the same interface as ``RNNForecaster``.

* :class:`NaiveForecaster`: every future step equals the last observed value.
* :class:`SeasonalNaiveForecaster`: every future step equals the value one season earlier.
* :class:`DriftForecaster`: the last value plus the average historical change per step.
* :class:`ARIMAForecaster`: statsmodels SARIMAX with an automatic, stepwise order search.

Intervals of the naive family use the normal approximation with the in-sample residual
standard deviation ``sigma`` of the same method (Hyndman & Athanasopoulos, *Forecasting:
Principles and Practice*, 5.5): naive ``sigma * sqrt(h)``, seasonal naive
``sigma * sqrt(floor((h - 1) / m) + 1)``, drift ``sigma * sqrt(h * (1 + h / T))``. ARIMA
intervals come from the state-space model.

Season length when not given (``season_length_for``): hourly 24, daily 7, business daily 5,
weekly 52, monthly 12, quarterly 4, anything else 1 (no season).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from forecastrnn.data.io import read_series
from forecastrnn.data.windows import check_positive_int
from forecastrnn.models.forecaster import check_level, forecast_frame, future_index

SEASONS = {"h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "Q": 4}


def season_length_for(freq) -> int:
    """Season length implied by a pandas frequency (1 when none applies), e.g. ``"h"`` -> 24."""
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    prefix = offset.rule_code.split("-")[0]  # "h", "D", "W", "MS", "QE", ...
    season = SEASONS.get(prefix[0] if prefix[0] in "MQ" else prefix, 1)
    return season // offset.n if season % offset.n == 0 else 1


def _filled(y: np.ndarray) -> np.ndarray:
    """Forward-filled copy (a missing last value falls back to the last observed one)."""
    return pd.Series(y).ffill().to_numpy()


def _naive(y, origins, horizon):
    """Naive forecasts from each origin: shape (n_origins, horizon)."""
    last = _filled(y)[np.asarray(origins) - 1]
    return np.repeat(last[:, None], horizon, axis=1)


def _seasonal_naive(y, origins, horizon, m):
    """Seasonal naive: step ``k`` (0-based) repeats ``y[o - m + k % m]``; shape (n_origins, horizon)."""
    idx = np.asarray(origins)[:, None] - m + (np.arange(horizon) % m)[None, :]
    return _filled(y)[idx]


def _drift(y, origins, horizon):
    """Last value plus the mean step since the first observation; shape (n_origins, horizon)."""
    filled = _filled(y)
    origins = np.asarray(origins)
    first = filled[np.argmax(~np.isnan(filled))]
    slope = (filled[origins - 1] - first) / np.maximum(origins - 1, 1)
    return filled[origins - 1][:, None] + slope[:, None] * np.arange(1, horizon + 1)[None, :]


class _Baseline(BaseEstimator):
    """Shared fit/predict plumbing: read data, forecast each target from given origins."""

    def fit(self, data, target=None, time_col=None):
        """Learn from ``data`` (CSV path, DataFrame, Series or array); returns ``self``."""
        frame = read_series(data, target=target, time_col=time_col)
        self.target_ = list(frame.attrs["target"])
        self.freq_ = frame.attrs.get("freq")
        self.season_length_ = self._season(frame)
        self.history_ = frame[self._columns()]
        self.states_ = [self._fit_target(frame[t].to_numpy(), self.history_) for t in self.target_]
        return self

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
                             f"rows. Received: {len(y)} rows")
        return {"sigma": float(np.sqrt(np.nanmean(errors ** 2))), "n": len(y)}

    def _min_history(self) -> int:
        return 1

    def _scale(self, state, horizon) -> np.ndarray:
        return np.sqrt(np.arange(1, horizon + 1))

    def _read_history(self, data):
        if data is None:
            return self.history_
        frame = read_series(data, target=self.target_, features=self._columns())
        if self.freq_ is not None and frame.attrs.get("freq") != self.freq_:
            raise ValueError(f"The history must have the training frequency {self.freq_!r}. "
                             f"Received: frequency {frame.attrs.get('freq')!r}")
        return frame

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from each origin (row position) of ``data``.

        The forecast from origin ``o`` uses rows ``[0, o)`` only. Returns ``point``,
        ``lower``, ``upper`` arrays of shape ``(n_origins, horizon, n_targets)`` (the last two
        None without ``level``).
        """
        check_is_fitted(self, "states_")
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
        check_is_fitted(self, "states_")
        horizon = self.horizon if horizon is None else check_positive_int(horizon, "horizon")
        frame = self._read_history(data)
        point, lower, upper = self.forecast_origins(frame, [len(frame)], horizon, level)
        return forecast_frame(self.target_, future_index(frame.index[-1], self.freq_, horizon),
                              point[0], None if lower is None else lower[0],
                              None if upper is None else upper[0])


class NaiveForecaster(_Baseline):
    """Repeat the last observed value (a random walk forecast).

    Parameters
    ----------
    horizon : int
        Default number of steps for ``predict``.
    """

    name = "naive"

    def __init__(self, horizon=1):
        self.horizon = horizon

    def _point(self, y, origins, horizon):
        return _naive(y, origins, horizon)


class SeasonalNaiveForecaster(_Baseline):
    """Repeat the last observed season.

    Parameters
    ----------
    season_length : int, optional
        Default: inferred from the frequency (see the module docstring).
    horizon : int
    """

    name = "seasonal_naive"

    def __init__(self, season_length=None, horizon=1):
        self.season_length = season_length
        self.horizon = horizon

    def _min_history(self):
        return self.season_length_

    def _point(self, y, origins, horizon):
        return _seasonal_naive(y, origins, horizon, self.season_length_)

    def _scale(self, state, horizon):
        return np.sqrt(np.arange(horizon) // self.season_length_ + 1)


class DriftForecaster(_Baseline):
    """Extend the line from the first to the last observation."""

    name = "drift"

    def __init__(self, horizon=1):
        self.horizon = horizon

    def _min_history(self):
        return 2

    def _point(self, y, origins, horizon):
        return _drift(y, origins, horizon)

    def _scale(self, state, horizon):
        h = np.arange(1, horizon + 1)
        return np.sqrt(h * (1 + h / state["n"]))


# --------------------------------------------------------------------------- ARIMA
def _ndiffs(y, max_d=2, alpha=0.05) -> int:
    """Number of differences until the KPSS test no longer rejects stationarity."""
    from statsmodels.tsa.stattools import kpss

    x = y[~np.isnan(y)]
    for d in range(max_d + 1):
        if len(x) < 10 or np.ptp(x) == 0:
            return d
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p_value = kpss(x, regression="c", nlags="auto")[1]
        if p_value >= alpha:
            return d
        x = np.diff(x)
    return max_d


def _seasonal_strength(y, m) -> float:
    """Hyndman's seasonal strength from an STL decomposition (0: none, 1: pure season)."""
    from statsmodels.tsa.seasonal import STL

    x = pd.Series(y).interpolate(limit_direction="both").to_numpy()
    if len(x) < 2 * m + 1:
        return 0.0
    parts = STL(x, period=m, robust=True).fit()
    rest = parts.resid
    return float(max(0.0, 1 - np.var(rest) / np.var(rest + parts.seasonal)))


def fourier_terms(positions, m, k) -> np.ndarray:
    """``sin``/``cos`` pairs ``(2 pi j t / m)`` for ``j = 1..k``; shape (len(positions), 2k)."""
    t = np.asarray(positions, dtype="float64")[:, None]
    j = np.arange(1, k + 1)[None, :]
    return np.concatenate([np.sin(2 * np.pi * j * t / m), np.cos(2 * np.pi * j * t / m)], axis=1)


class ARIMAForecaster(_Baseline):
    """Seasonal ARIMA (statsmodels SARIMAX) with automatic order selection.

    With ``order=None`` the order is chosen like auto.arima: the number of differences
    ``d`` from repeated KPSS tests, seasonal differencing ``D = 1`` when the STL seasonal
    strength exceeds 0.64, then a stepwise AIC search over ``p, q <= max_p, max_q`` and
    ``P, Q <= 1``.

    Long seasons (``season_length > 12``, e.g. 24 on hourly data) make seasonal ARMA terms
    very slow, so they are modelled instead by ``fourier_terms`` sine/cosine pairs of the
    season used as exogenous regressors (dynamic harmonic regression) with non-seasonal
    ARIMA errors. Parameters are estimated on at most the last ``max_fit_rows`` rows; the
    state then runs over all rows (``results.apply``) without re-estimation, which is also how
    forecasts from later origins are made: no refit, only the new observations.

    Parameters
    ----------
    order : tuple (p, d, q), optional
    seasonal_order : tuple (P, D, Q, m), optional
    season_length : int, optional
        Default from the frequency (see the module docstring).
    exog : list of str, optional
        Columns of the data used as exogenous regressors (their values must be known for the
        forecast period: in backtests they are read from the data).
    fourier_terms : int
        Sine/cosine pairs for long seasons.
    max_p, max_q : int
        Bounds of the stepwise search.
    max_fit_rows : int
    horizon : int
    """

    name = "arima"

    def __init__(self, order=None, seasonal_order=None, season_length=None, exog=None,
                 fourier_terms=3, max_p=3, max_q=3, max_fit_rows=2000, horizon=1):
        self.order = order
        self.seasonal_order = seasonal_order
        self.season_length = season_length
        self.exog = exog
        self.fourier_terms = fourier_terms
        self.max_p = max_p
        self.max_q = max_q
        self.max_fit_rows = max_fit_rows
        self.horizon = horizon

    def fit(self, data, target=None, time_col=None):
        frame = read_series(data, target=target, time_col=time_col)
        self.start_ = frame.index[0]
        return super().fit(frame)

    def _columns(self):
        return self.target_ + [c for c in (self.exog or []) if c not in self.target_]

    # Exogenous design: user columns, then Fourier terms for long seasons.
    def _long_season(self) -> bool:
        return self.season_length_ > 12 and self.seasonal_order is None

    def _positions(self, index) -> np.ndarray:
        if self.freq_ is None:
            return np.asarray(index, dtype="float64")
        step = pd.tseries.frequencies.to_offset(self.freq_)
        try:
            delta = pd.Timedelta(step)
        except ValueError:  # calendar frequencies never have long seasons here
            return np.arange(len(index), dtype="float64")
        return ((index - pd.Timestamp(self.start_)) / delta).to_numpy(dtype="float64")

    def _design(self, frame, index=None):
        parts = []
        if self.exog:
            if frame is None:
                raise ValueError(f"ARIMA with `exog` needs future values of {list(self.exog)} "
                                 "for steps after the data. Received: none (forecast from "
                                 "origins inside the data instead)")
            parts.append(frame[list(self.exog)].to_numpy(dtype="float64"))
        if self._long_season():
            k = min(self.fourier_terms, self.season_length_ // 2)
            parts.append(fourier_terms(self._positions(frame.index if index is None else index),
                                       self.season_length_, k))
        return np.concatenate(parts, axis=1) if parts else None

    def _fit_target(self, y, frame):
        x = self._design(frame)
        keep = slice(max(0, len(y) - check_positive_int(self.max_fit_rows, "max_fit_rows")), None)
        if self.order is not None:
            order = tuple(self.order)
            seasonal = tuple(self.seasonal_order) if self.seasonal_order else (0, 0, 0, 0)
            results = _fit_sarimax(y[keep], None if x is None else x[keep], order, seasonal)
            if results is None:
                raise ValueError(f"SARIMAX could not be fitted with order={order}, "
                                 f"seasonal_order={seasonal}")
        else:
            results = self._auto(y[keep], None if x is None else x[keep])
        # Same parameters, state run over the whole history.
        return {"results": results.apply(y, exog=x)}

    def _auto(self, y, x):
        m = self.season_length_
        d = _ndiffs(y)
        seasonal = m > 1 and not self._long_season()
        D = int(seasonal and _seasonal_strength(y, m) > 0.64)
        if D:
            d = min(d, _ndiffs(pd.Series(y).diff(m).to_numpy()[m:]))
        max_p, max_q = check_positive_int(self.max_p, "max_p"), check_positive_int(self.max_q, "max_q")
        max_P = max_Q = 1 if seasonal else 0
        fitted = {}

        def score(p, q, P, Q):
            key = (p, q, P, Q)
            if key not in fitted:
                fitted[key] = _fit_sarimax(y, x, (p, d, q), (P, D, Q, m) if seasonal else (0, 0, 0, 0))
            res = fitted[key]
            return math.inf if res is None else res.aic

        starts = [(2, 2, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1)]
        best = min(((min(p, max_p), min(q, max_q), min(P, max_P), min(Q, max_Q)) for p, q, P, Q in starts),
                   key=lambda k: score(*k))
        improved = True
        while improved:
            improved = False
            for delta in itertools.product((-1, 0, 1), repeat=4):
                if sum(map(abs, delta)) not in (1, 2):
                    continue
                cand = tuple(b + s for b, s in zip(best, delta))
                bounds = (max_p, max_q, max_P, max_Q)
                if any(c < 0 or c > hi for c, hi in zip(cand, bounds)) or cand in fitted:
                    continue
                if score(*cand) < score(*best):
                    best, improved = cand, True
        if fitted[best] is None:
            raise ValueError("ARIMA order search failed: no candidate model could be fitted")
        return fitted[best]

    def _min_history(self):
        return 1

    def _forecast_target(self, state, y, frame, origins, horizon, level):
        results = state["results"]
        x = self._design(frame)
        if len(y) != results.nobs or not np.allclose(y, results.model.endog[:, 0], equal_nan=True):
            results = results.apply(y, exog=x)
        n = len(y)
        point = np.empty((len(origins), horizon))
        lower, upper = np.empty_like(point), np.empty_like(point)
        for i, o in enumerate(origins):
            end = o + horizon - 1
            kwargs = {}
            if end >= n and x is not None:  # exogenous values of the steps after the data
                future = future_index(frame.index[-1], self.freq_, end - n + 1)
                kwargs["exog"] = self._design(None, index=future)
            if o >= n:
                pred = results.get_forecast(horizon, **kwargs)
            else:
                pred = results.get_prediction(start=int(o), end=int(end), dynamic=True, **kwargs)
            point[i] = pred.predicted_mean
            if level is not None:
                bounds = np.asarray(pred.conf_int(alpha=1 - level))
                lower[i], upper[i] = bounds[:, 0], bounds[:, 1]
        return point, (lower if level is not None else None), (upper if level is not None else None)

    def summary(self):
        """statsmodels summary of the first target's model."""
        check_is_fitted(self, "states_")
        return self.states_[0]["results"].summary()


def _fit_sarimax(y, x, order, seasonal_order):
    """Fit one SARIMAX; None when statsmodels fails on this order."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    d, D = order[1], seasonal_order[1]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(y, exog=x, order=order, seasonal_order=seasonal_order,
                            trend="c" if d + D == 0 else "n")
            return model.fit(disp=False, maxiter=50)
    except (ValueError, np.linalg.LinAlgError):
        return None

"""The simple benchmarks: naive, seasonal naive, drift and M4's Naive2.

Intervals use the normal approximation with the in-sample one-step residual standard
deviation ``sigma`` of the same method (Hyndman & Athanasopoulos, *Forecasting: Principles
and Practice*, 5.5): naive and Naive2 ``sigma * sqrt(h)``, seasonal naive
``sigma * sqrt(floor((h - 1) / m) + 1)``, drift ``sigma * sqrt(h * (1 + h / T))``.
"""

from __future__ import annotations

import numpy as np

from forecastrnn.baselines.base import _Baseline, filled, interpolated, rows_received
from forecastrnn.data.season import (classical_season, is_seasonal, season_ahead, trend_season, with_season,
                                     without_season)


def _naive(y, origins, horizon):
    """Naive forecasts from each origin: shape (n_origins, horizon)."""
    last = filled(y)[np.asarray(origins) - 1]
    return np.repeat(last[:, None], horizon, axis=1)


def _seasonal_naive(y, origins, horizon, m):
    """Seasonal naive: step ``k`` (0-based) repeats ``y[o - m + k % m]``; shape (n_origins, horizon)."""
    idx = np.asarray(origins)[:, None] - m + (np.arange(horizon) % m)[None, :]
    return filled(y)[idx]


def _drift(y, origins, horizon):
    """Last value plus the mean step since the first observation; shape (n_origins, horizon)."""
    values = filled(y)
    origins = np.asarray(origins)
    first = values[np.argmax(~np.isnan(values))]
    slope = (values[origins - 1] - first) / np.maximum(origins - 1, 1)
    return values[origins - 1][:, None] + slope[:, None] * np.arange(1, horizon + 1)[None, :]


def seasonal_indices(y, m, short=False) -> tuple[np.ndarray, str] | None:
    """Classical decomposition's seasonal component of ``y`` (length ``len(y)``) and its kind
    when :func:`is_seasonal` (``short``: also of one to three seasons; under two, the phases
    against a straight line, :func:`~forecastrnn.data.season.trend_season`), else None;
    multiplicative for positive series, else additive."""
    if not is_seasonal(y, m, short):
        return None
    x = interpolated(y)
    model = "multiplicative" if (x > 0).all() else "additive"
    if len(x) < 2 * m:
        return trend_season(x, m, model)
    return classical_season(x, m, model), model


def _naive2_one(y, horizon, m):
    """Naive2 from the end of ``y``: the naive forecast of the seasonally adjusted series."""
    x = interpolated(y)
    found = seasonal_indices(x, m)
    if found is None:
        return np.repeat(x[-1], horizon)
    season, model = found
    return with_season(without_season(x[-1], season[-1], model), season_ahead(season, m, horizon), model)


def _naive2(y, origins, horizon, m):
    """Naive2 from each origin (the test and decomposition use rows before it only)."""
    return np.stack([_naive2_one(y[:o], horizon, m) for o in np.asarray(origins)])


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
        Default: inferred from the frequency (see :func:`season_length_for`).
    horizon : int
    """

    name = "seasonal_naive"

    def __init__(self, season_length=None, horizon=1):
        self.season_length = season_length
        self.horizon = horizon

    def _min_history(self):
        return self._season_known()

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


class Naive2Forecaster(_Baseline):
    """M4's Naive2, the reference of its OWA score: naive on the seasonally adjusted series.

    When :func:`is_seasonal` finds a season in the rows before an origin, classical
    decomposition (multiplicative for positive series, additive otherwise) gives seasonal
    indices; the forecast is the last adjusted value times (or plus) the indices of the
    coming steps. Without a season it is the naive forecast.

    Parameters
    ----------
    season_length : int, optional
        Default: inferred from the frequency.
    horizon : int
    """

    name = "naive2"

    def __init__(self, season_length=None, horizon=1):
        self.season_length = season_length
        self.horizon = horizon

    def _point(self, y, origins, horizon):
        return _naive2(y, origins, horizon, self.season_length_)

    def _label(self, info):
        return "Naive2, " + ("seasonally adjusted" if info["seasonal"] else "no season found")

    def _fit_target(self, y, frame):
        # One-step in-sample errors with the full-sample indices (one decomposition, not one
        # per row), for the interval scale.
        x = interpolated(y)
        found = seasonal_indices(x, self.season_length_)
        if found is None:
            fitted = x[:-1]
        elif found[1] == "multiplicative":
            fitted = x[:-1] / found[0][:-1] * found[0][1:]
        else:
            fitted = x[:-1] - found[0][:-1] + found[0][1:]
        errors = y[1:] - fitted
        if np.isnan(errors).all():
            raise ValueError(f"Naive2Forecaster needs at least 2 observed rows. Received: {rows_received(y)}")
        return {"sigma": float(np.sqrt(np.nanmean(errors ** 2))), "n": len(y),
                "info": {"seasonal": found is not None}}

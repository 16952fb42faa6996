"""Seasons: the season length a frequency implies, and whether a series really has one.

Used by the baselines and by the recurrent models' defaults alike, so it lives below both.
Season length when not given (``season_length_for``): hourly 24, daily 7, business daily 5,
weekly 52, monthly 12, quarterly 4, anything else 1 (no season).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEASONS = {"h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "Q": 4}


def season_length_for(freq) -> int:
    """Season length implied by a pandas frequency (1 when none applies), e.g. ``"h"`` -> 24."""
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    prefix = offset.rule_code.split("-")[0]  # "h", "D", "W", "MS", "QE", ...
    season = SEASONS.get(prefix[0] if prefix[0] in "MQ" else prefix, 1)
    return season // offset.n if season % offset.n == 0 else 1


def filled(y: np.ndarray) -> np.ndarray:
    """Forward-filled copy (a missing last value falls back to the last observed one)."""
    return pd.Series(y).ffill().to_numpy()


def interpolated(y: np.ndarray) -> np.ndarray:
    """Copy with missing values linearly interpolated (ends: nearest observed value).

    For methods that cannot skip a missing step (CSS residuals, exponential smoothing,
    Theta); reads no value after the last observed one, so it never leaks a future value
    into an origin's history.
    """
    return pd.Series(y, dtype="float64").interpolate(limit_direction="both").to_numpy()


def is_seasonal(y, m) -> bool:
    """M4's seasonality test: the lag-``m`` autocorrelation exceeds its 90 % limit.

    ``|r_m| > 1.645 * sqrt((1 + 2 * sum_{i<m} r_i^2) / n)``, and only with at least three
    seasons of data (as in the M4 benchmark code).
    """
    from statsmodels.tsa.stattools import acf

    x = interpolated(y)
    if m < 2 or len(x) < 3 * m or np.ptp(x) == 0:
        return False
    r = acf(x, nlags=m, fft=True)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(x))
    return bool(abs(r[m]) > limit)


def seasonal_naive_wins(y, m: int, horizon: int) -> bool:
    """Whether seasonal naive forecasts ``y`` better than naive over ``horizon`` steps.

    Both are scored by their mean absolute error from every origin of ``y`` that has a full
    season of history and ``horizon`` rows after it (gaps interpolated); needs ``m > 1`` and
    three seasons. Deciding on training rows only, this picks the simple forecast a network
    should start from: a daily cycle in hourly data can exist (``is_seasonal``) and still
    forecast worse than the last value.
    """
    x = interpolated(np.asarray(y, dtype="float64"))
    if m < 2 or len(x) < 3 * m or len(x) < m + horizon or np.isnan(x).all():
        return False
    origins = np.arange(m, len(x) - horizon + 1)
    steps = np.arange(horizon)
    actual = x[origins[:, None] + steps]
    naive = np.abs(actual - x[origins - 1][:, None]).mean()
    seasonal = np.abs(actual - x[origins[:, None] - m + steps % m]).mean()
    return bool(seasonal < naive)

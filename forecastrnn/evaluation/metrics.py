"""Forecast metrics: pure functions of arrays.

Metrics (in original units; pairs with a missing value are left out; an undefined value,
such as MASE on a flat training series, is NaN with a warning, never an exception)
--------------------------------------------------------------------------------
``mae``  mean |y - f|;  ``rmse``  sqrt(mean (y - f)^2);  ``mape``  100 mean |y - f| / |y|;
``smape``  200 mean |y - f| / (|y| + |f|) (M4);  ``mase``  mae / mean |y_t - y_{t-m}| over the
training series (M4: scaled by the in-sample seasonal naive error);  ``coverage``  share of
``lower <= y <= upper``;  ``width``  mean ``upper - lower``;  ``pinball``  quantile loss.
"""

from __future__ import annotations

import warnings

import numpy as np

from forecastrnn.base import check_level


def _pairs(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype="float64"), np.asarray(y_pred, dtype="float64")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape. Received: "
                         f"{y_true.shape} and {y_pred.shape}")
    ok = ~(np.isnan(y_true) | np.isnan(y_pred))
    return y_true[ok], y_pred[ok]


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    t, p = _pairs(y_true, y_pred)
    return _mean(np.abs(t - p))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    t, p = _pairs(y_true, y_pred)
    return float(np.sqrt(_mean((t - p) ** 2)))


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error in % (pairs with ``y_true == 0`` are left out)."""
    t, p = _pairs(y_true, y_pred)
    nz = t != 0
    return 100 * _mean(np.abs(t[nz] - p[nz]) / np.abs(t[nz]))


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE in % as in M4: ``200 mean |y - f| / (|y| + |f|)`` (0/0 counts as 0)."""
    t, p = _pairs(y_true, y_pred)
    denom = np.abs(t) + np.abs(p)
    return 200 * _mean(np.divide(np.abs(t - p), denom, out=np.zeros_like(denom), where=denom > 0))


def mase_scale(y_train, season_length: int = 1) -> float:
    """In-sample seasonal naive MAE: mean |y_t - y_{t-m}| over the training series."""
    y = np.asarray(y_train, dtype="float64")
    m = season_length if len(y) > season_length else 1
    return _mean(np.abs(y[m:] - y[:-m])[~np.isnan(y[m:] - y[:-m])])


def scaled_error(error: float, scale: float) -> float:
    """``error / scale``; NaN with a warning when the scale is zero or undefined (a flat or
    too short training series has no in-sample naive error to scale by)."""
    if not scale > 0:
        warnings.warn(f"MASE is undefined: the in-sample seasonal naive error of the training series "
                      f"is {scale} (a flat or too short series); reporting NaN", RuntimeWarning, stacklevel=3)
        return float("nan")
    return error / scale


def mase(y_true, y_pred, y_train, season_length: int = 1) -> float:
    """Mean absolute scaled error (M4 definition); NaN with a warning when the training
    series has no in-sample seasonal naive error (see :func:`scaled_error`)."""
    return scaled_error(mae(y_true, y_pred), mase_scale(y_train, season_length))


def coverage(y_true, lower, upper) -> float:
    """Share of actual values inside ``[lower, upper]``."""
    y, lo, up = (np.asarray(a, dtype="float64") for a in (y_true, lower, upper))
    ok = ~(np.isnan(y) | np.isnan(lo) | np.isnan(up))
    return _mean(((y >= lo) & (y <= up))[ok])


def interval_width(lower, upper) -> float:
    """Mean width ``upper - lower``."""
    lo, up = _pairs(lower, upper)
    return _mean(up - lo)


def interval_score(y_true, lower, upper, level: float = 0.95) -> float:
    """Mean interval score: ``(u - l) + 2/a (l - y)[y < l] + 2/a (y - u)[y > u]``, ``a = 1 - level``
    (width plus a penalty for every miss; lower is better)."""
    check_level(level)
    y, lo, up = (np.asarray(a, dtype="float64") for a in (y_true, lower, upper))
    a = 1.0 - level
    score = (up - lo) + 2 / a * np.clip(lo - y, 0, None) + 2 / a * np.clip(y - up, 0, None)
    return _mean(score[~np.isnan(score)])


def msis(y_true, lower, upper, y_train, season_length: int = 1, level: float = 0.95) -> float:
    """Mean scaled interval score (M4): :func:`interval_score` over the MASE scale of ``y_train``."""
    return scaled_error(interval_score(y_true, lower, upper, level), mase_scale(y_train, season_length))


def pinball(y_true, y_quantile, quantile: float) -> float:
    """Pinball (quantile) loss of a forecast of the ``quantile`` quantile."""
    t, q = _pairs(y_true, y_quantile)
    diff = t - q
    return _mean(np.maximum(quantile * diff, (quantile - 1) * diff))

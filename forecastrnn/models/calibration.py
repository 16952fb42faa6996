"""Split-conformal intervals: one implementation for every recurrent forecaster.

Rows of each series, in time order: training | validation (early stopping) | calibration.
Every calibration row ``r`` gives, for each forecast step ``j``, the *score* of the forecast
of ``r`` made ``j + 1`` steps earlier (from origin ``r - j``): its absolute error in the
series' scaled units divided by the forecast's *unit*:

* ``"series"``: 1, so a series' interval width is fixed (its scale times the quantile);
* ``"window"``: the scale of the input window the forecast read (the mean absolute deviation
  of its deseasonalised target, at least ``WEIGHT_FLOOR``): wider after volatile stretches;
* ``"spread"``: the spread of the forecast's ensemble members and Monte-Carlo dropout runs,
  ``sqrt(var_members + var_dropout)``, plus its median over the calibration forecasts (a floor
  that keeps the ratio stable where the runs happen to agree).

The interval of a new forecast is ``yhat +/- q * unit``, ``q`` the ``ceil((n + 1) * level)``-th
smallest of the ``n`` scores, separately for every step and target (so intervals widen with
the horizon). When ``n`` is too small for the level (``n < level / (1 - level)``) no finite
bound keeps the promise: the interval is infinite and a warning says so.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from forecastrnn.data.split import _n_rows

INTERVAL_SCALES = ("series", "window", "spread")


def conformal_quantile(scores, level: float) -> np.ndarray:
    """Split-conformal quantile over axis 0: the ``ceil((n + 1) * level)``-th smallest score.

    ``n`` counts the non-NaN scores of each column. Where that rank exceeds ``n`` (fewer than
    ``level / (1 - level)`` scores) the quantile is ``inf`` and a ``RuntimeWarning`` says how
    many scores the level needs: a finite bound would not keep the promised coverage.
    """
    scores = np.sort(np.asarray(scores, dtype="float64"), axis=0)  # NaN sort last
    n = (~np.isnan(scores)).sum(axis=0)
    rank = np.ceil((n + 1) * level - 1e-9).astype("int64")
    short = rank > n
    picked = np.take_along_axis(scores, np.clip(rank - 1, 0, scores.shape[0] - 1)[None], axis=0)[0]
    if short.any():
        needed = math.ceil(level / (1 - level) - 1e-9)
        warnings.warn(f"Only {int(n[short].min())} calibration score(s) for a {level:.0%} interval, which "
                      f"needs at least {needed}: its bound is infinite. Use more calibration rows "
                      "(`calibration_size`) or a lower level.", RuntimeWarning, stacklevel=4)
    return np.where(short, np.inf, picked)


def held_out_rows(n_rows: int, validation, calibration, horizon: int, min_train: int = 0) -> tuple[int, int]:
    """Rows for early stopping and for calibration (each a fraction of ``n_rows`` or a count).

    A piece that is asked for gets at least ``horizon`` rows (a validation window needs a
    full horizon of targets), as long as that leaves half of the rows, and at least
    ``min_train``, for training; else the calibration piece is dropped first, then the
    validation piece.
    """
    sizes = [_n_rows(size, n_rows, name) for size, name in ((validation, "validation_size"),
                                                             (calibration, "calibration_size"))]
    sizes = [max(k, horizon) if k else 0 for k in sizes]
    for i in (1, 0):
        if sizes[i] and n_rows - sum(sizes) < max(n_rows / 2, min_train):
            sizes[i] = 0
    return sizes[0], sizes[1]


def by_target_row(by_origin, first_row: int, end_row: int, first_origin: int) -> np.ndarray:
    """Forecasts per origin rearranged per forecast row, for conformal scores.

    ``by_origin[i, j]`` is the step-``j`` forecast from origin ``first_origin + i`` (shape
    ``(n_origins, horizon, ...)``). Row ``r`` of the result holds, for each step ``j``, the
    forecast *of* row ``r`` made ``j + 1`` steps earlier (from origin ``r - j``), for the rows
    ``[first_row, end_row)``; NaN where that origin comes before ``first_origin``.
    """
    rows = np.arange(first_row, end_row)
    steps = np.arange(by_origin.shape[1])
    which = rows[:, None] - steps[None, :] - first_origin
    out = np.asarray(by_origin, dtype="float64")[np.clip(which, 0, None), steps[None, :]]
    out[which < 0] = np.nan
    return out


def spread_units(spread, floor=None):
    """The ``"spread"`` unit ``spread + floor``; ``floor`` defaults to the median spread (the
    calibration forecasts' own, returned so that later forecasts use the same)."""
    floor = np.nanmedian(spread, axis=0) if floor is None else floor
    return spread + floor, floor

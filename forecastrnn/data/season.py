"""Seasons: the season length a frequency implies, and whether a series really has one.

Used by the baselines and by the recurrent models' defaults alike, so it lives below both.
Season length when not given (``season_length_for``): hourly 24, daily 7, business daily 5,
weekly 52, monthly 12, quarterly 4, anything else 1 (no season).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

SEASONS = {"min": 1440, "h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "Q": 4,  # minutes and hours: the day
           "SMS": 24, "SME": 24}  # semi-monthly: a year
# The longest season a frequency implies: 5-minute data's day. One-minute data's day (1,440
# steps) would make a default window and horizon of a day that a network reads step by step
# (`backtest --epochs 1` of 4,000 rows took 5 minutes on 2 cores): no season, unless given.
LONGEST_DEFAULT_SEASON = 288


def season_length_for(freq) -> int:
    """Season length implied by a pandas frequency (1 when none applies), e.g. ``"h"`` -> 24,
    ``"15min"`` -> 96 (a day, as for hours; minutes finer than 5: 1), ``"D"`` -> 7, ``"W"`` -> 52."""
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    prefix = offset.rule_code.split("-")[0]  # "h", "D", "W", "MS", "QE", ...
    season = SEASONS.get(prefix[0] if prefix[0] in "MQ" else prefix, 1)
    if prefix in ("bh", "cbh"):  # business hours: the business day (8 from 09:00 to 17:00)
        open_minutes = (e.hour * 60 + e.minute - s.hour * 60 - s.minute for s, e in zip(offset.start, offset.end))
        season = sum(m % 1440 for m in open_minutes) // 60
    return season // offset.n if season % offset.n == 0 and season // offset.n <= LONGEST_DEFAULT_SEASON else 1


SEASON_CANDIDATES = (4, 7, 12, 24, 52)  # quarters, days, months, hours, weeks: a season of data without times
MIN_SEASONS_SEEN = 20
MIN_PANEL_SERIES = 10


def infer_season(series, candidates=SEASON_CANDIDATES) -> int:
    """The season of series that have no timestamps to tell it (M4's files number their
    steps only), read off their first differences (a trend alone makes every lag look
    seasonal); 1 when none is found or the data cannot tell.

    A candidate is found when the data hold 20 of its seasons (in series of three seasons or
    more) and M4's seasonality test (:func:`is_seasonal`) finds it in at least a fifth of
    those series (the test's own false alarms are about one in ten). Of those found, the one
    with the highest median autocorrelation at its lag wins, over the series long enough to
    test them all (a lag of two seasons, tested on the longer series only, would otherwise
    look as strong). When a longer candidate that the winner divides could not be tested
    (one monthly series of 10 years: 4 is found, 12 cannot be told) and none that could be
    was rejected, the data cannot tell: 1.

    On the M3 categories and M4 hourly read as positions, each panel gets its own season (1,
    4, 12, 1, 24); no single M3 series gets a season."""
    series = [np.diff(interpolated(np.asarray(y, dtype="float64")[np.isfinite(y)])) for y in series]
    series = [y for y in series if np.ptp(y) > 0]
    testable = {m: [y for y in series if len(y) >= 3 * m] for m in candidates}
    evidence = {m: sum(len(y) // m for y in testable[m]) >= MIN_SEASONS_SEEN for m in candidates}
    found = [m for m in candidates if evidence[m] and np.mean([is_seasonal(y, m) for y in testable[m]]) >= 0.2]
    if not found:
        return 1
    common = testable[max(found)]
    best = max(found, key=lambda m: np.median([autocorrelation(y, m)[m] for y in common]))
    multiples = [k for k in candidates if k > best and k % best == 0]
    if any(not evidence[k] for k in multiples) and not any(evidence[k] and k not in found for k in multiples):
        return 1
    return best


def positions_season(series) -> int:
    """The season of a panel without timestamps (:func:`infer_season`) when it holds at least
    10 series; 1 for fewer: one long series can show a false season (daily temperatures,
    52; monthly sunspots, whose cycle is 11 years, 24). A season read off is said in a warning."""
    series = list(series)
    m = infer_season(series) if len(series) >= MIN_PANEL_SERIES else 1
    if m > 1:
        warnings.warn(f"no timestamps: season {m} read from the {len(series)} series (`season_length`, CLI "
                      "--season-length, sets it)", RuntimeWarning, stacklevel=2)
    return m


def filled(y: np.ndarray) -> np.ndarray:
    """Forward-filled copy (a missing last value falls back to the last observed one)."""
    return pd.Series(y).ffill().to_numpy()


def interpolated(y: np.ndarray) -> np.ndarray:
    """Copy with missing values linearly interpolated (ends: nearest observed value).

    For methods that cannot skip a missing step (CSS residuals, exponential smoothing,
    Theta); reads no value after the last observed one, so it never leaks a future value
    into an origin's history.
    """
    y = np.asarray(y, dtype="float64")
    if not np.isnan(y).any():  # nothing to fill (pandas costs ~0.1 ms a call)
        return y.copy()
    return pd.Series(y, dtype="float64").interpolate(limit_direction="both").to_numpy()


SHORT_SEASON_RATIO = 0.7  # chosen on validation windows of short series (BENCHMARKS.md)


def is_seasonal(y, m, short=False) -> bool:
    """M4's seasonality test: the lag-``m`` autocorrelation exceeds its 90 % limit.

    ``|r_m| > 1.645 * sqrt((1 + 2 * sum_{i<m} r_i^2) / n)``, and only with at least three
    seasons of data (as in the M4 benchmark code). With ``short``, a series of more than one
    season but fewer than three, too short for the test to find even a plain daily cycle, is
    seasonal when values one season apart differ by less than :data:`SHORT_SEASON_RATIO` times
    the mean difference of values 1 to ``m`` steps apart (seasonal naive's in-sample error
    against naive's over horizons 1 to ``m``).
    """
    x = interpolated(y)
    if m < 2 or np.ptp(x) == 0 or len(x) <= m:
        return False
    if len(x) < 3 * m:
        if not short:
            return False
        naive = np.mean([np.mean(np.abs(x[k:] - x[:-k])) for k in range(1, m + 1)])
        return bool(np.mean(np.abs(x[m:] - x[:-m])) < SHORT_SEASON_RATIO * naive)
    r = autocorrelation(x, m)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(x))
    return bool(abs(r[m]) > limit)


def autocorrelation(x, nlags: int) -> np.ndarray:
    """Sample autocorrelations of ``x`` at lags ``0 .. nlags`` (statsmodels' ``acf``: mean
    removed, every lag divided by ``n``), in NumPy: about 20 times faster for short series."""
    x = np.asarray(x, dtype="float64") - np.mean(x)
    return np.array([x[:len(x) - k] @ x[k:] for k in range(nlags + 1)]) / (x @ x)


def trend_season(x, m: int, model: str) -> tuple[np.ndarray, str]:
    """``(seasonal component, kind)`` of a series shorter than two seasons, too short for
    classical decomposition's moving average: each phase's mean ratio (``"multiplicative"``)
    or difference (``"additive"``; also when the line is not positive) to a straight line
    fitted to the series, normalised to mean 1 or 0."""
    x = np.asarray(x, dtype="float64")
    t = np.arange(len(x))
    line = np.polyval(np.polyfit(t, x, 1), t)
    if model == "multiplicative" and not (line > 0).all():
        model = "additive"
    rest = x / line if model == "multiplicative" else x - line
    phases = np.bincount(t % m, weights=rest, minlength=m) / np.bincount(t % m, minlength=m)
    phases = phases / phases.mean() if model == "multiplicative" else phases - phases.mean()
    return phases[t % m], model


def classical_season(x, m: int, model: str) -> np.ndarray:
    """The seasonal component (length ``len(x)``) of classical decomposition: statsmodels'
    ``seasonal_decompose(x, model, period=m).seasonal``, in NumPy. The trend is the centred
    moving average over one season (``2 x m`` for even ``m``); each phase's mean ratio
    (``"multiplicative"``) or difference (``"additive"``) to it, normalised to mean 1 or 0."""
    x = np.asarray(x, dtype="float64")
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.full(m, 1.0 / m)
    half = len(weights) // 2
    trend = np.full(len(x), np.nan)
    trend[half:len(x) - half] = np.convolve(x, weights, mode="valid")
    detrended = x / trend if model == "multiplicative" else x - trend
    padded = np.r_[detrended, np.full(-len(x) % m, np.nan)].reshape(-1, m)  # one row a season
    phases = np.nanmean(padded, axis=0)
    phases = phases / phases.mean() if model == "multiplicative" else phases - phases.mean()
    return np.tile(phases, len(x) // m + 1)[:len(x)]


def without_season(x, season, kind: str):
    """``x`` less (``"additive"``) or divided by (``"multiplicative"``) its seasonal component."""
    return x / season if kind == "multiplicative" else x - season


def with_season(x, season, kind: str):
    """The seasonal component put back on ``x`` (the inverse of :func:`without_season`)."""
    return x * season if kind == "multiplicative" else x + season


def season_ahead(season, m: int, horizon: int) -> np.ndarray:
    """The next ``horizon`` steps of a periodic seasonal component (of a series' length)."""
    return season[len(season) - m + np.arange(horizon) % m]


ANCHORS = ("last", "mean", "season", "season_mean")


def anchor_forecast(windows, horizon: int, m: int, kind: str) -> np.ndarray:
    """The simple forecast a network corrects, from each window: shape ``(n, horizon)``.

    ``windows`` has shape ``(n, window)`` (the target's last ``window`` values before each
    origin). ``"last"``: the last value. ``"mean"``: the window's mean (for a noisy level
    without trend, as simple exponential smoothing with a small alpha). ``"season"``: seasonal naive, step ``h`` (0-based)
    repeats ``w[window - m + h % m]``. ``"season_mean"``: the mean of that position over the
    ``S = window // m`` seasons in the window, shifted by the level change (mean of the last
    season minus the mean of all ``S``), so a trend does not make it lag: less noisy than
    seasonal naive where the seasonal shape is stable.
    """
    w = np.asarray(windows, dtype="float64")
    size = w.shape[1]
    steps = np.arange(horizon) % max(m, 1)
    if kind == "last":
        return np.repeat(w[:, -1:], horizon, axis=1)
    if kind == "mean":
        return np.repeat(w.mean(axis=1, keepdims=True), horizon, axis=1)
    if kind == "season":
        return w[:, size - m + steps]
    n_seasons = size // m
    positions = size - m * np.arange(1, n_seasons + 1)[:, None] + steps[None, :]  # (S, horizon)
    level = w[:, size - m:].mean(axis=1) - w[:, size - n_seasons * m:].mean(axis=1)
    return w[:, positions].mean(axis=1) + level[:, None]


SCALE_FLOOR = 1e-4


def normalization_season(window: int, m: int) -> int:
    """The season :func:`window_normalization` uses: ``m`` when the window holds two whole
    seasons, else 1."""
    m = max(int(m), 1)
    return m if window >= 2 * m else 1


def window_normalization(windows, m: int, observed=None):
    """Per-window deseasonalisation and normalisation (ES-RNN's idea, from the window alone).

    ``windows`` has shape ``(n, window)``; ``observed`` (same shape, optional) marks the real
    steps: missing and padded steps are left out of every statistic. With ``k = window // m``
    whole seasons at the end of the window:

    * seasonal indices ``s_j`` (``j = 0..m-1``): the mean of phase ``j`` over the ``k`` seasons
      minus the mean over the phases (``s = 0`` when ``m = 1`` and for a phase never observed;
      a window of fewer than two seasons uses ``m = 1``: one season alone cannot tell its
      shape from noise);
    * the deseasonalised window ``d_t = w_t - s_{phase(t)}``, phases counted from the first
      of the ``k`` seasons;
    * level ``L``: the mean of the last season (the last value when ``m = 1``; the mean of
      the window when the last season has no observed step);
    * scale ``S``: the mean absolute deviation of ``d`` from ``L``, plus :data:`SCALE_FLOOR`.

    Returns ``z = (d - L) / S`` (0 on unobserved steps) of shape ``(n, window)`` and
    ``(L, S, s)`` of shapes ``(n, 1)``, ``(n, 1)``, ``(n, m)``. :func:`window_denormalization`
    inverts it for any steps; forecast step ``h`` (0-based) after the window has phase
    ``h mod m``. Nothing but the window is read. ``forecastrnn.models.builders.window_statistics``
    computes the same inside the network.
    """
    w = np.asarray(windows, dtype="float64")
    n, size = w.shape
    o = np.ones_like(w) if observed is None else np.asarray(observed, dtype="float64")
    x = np.where(o > 0, w, 0.0)
    m = normalization_season(size, m)
    k = size // m
    counts = o[:, size - k * m:].reshape(n, k, m).sum(axis=1)
    seasons = (x * o)[:, size - k * m:].reshape(n, k, m).sum(axis=1) / np.maximum(counts, 1)
    have = counts > 0
    overall = (seasons * have).sum(axis=1, keepdims=True) / np.maximum(have.sum(axis=1, keepdims=True), 1)
    profile = np.where(have, seasons - overall, 0.0)
    d = x - profile[:, (np.arange(size) - (size - k * m)) % m]
    n_last, n_all = o[:, size - m:].sum(axis=1, keepdims=True), o.sum(axis=1, keepdims=True)
    level = np.where(n_last > 0, (x * o)[:, size - m:].sum(axis=1, keepdims=True) / np.maximum(n_last, 1),
                     (x * o).sum(axis=1, keepdims=True) / np.maximum(n_all, 1))
    scale = (np.abs(d - level) * o).sum(axis=1, keepdims=True) / np.maximum(n_all, 1) + SCALE_FLOOR
    return (d - level) / scale * o, (level, scale, profile)


TREND_ANCHORS = ("theta", "damped")
DAMPING = 0.9


def trend_steps(window: int, m: int, horizon: int, kind: str) -> np.ndarray:
    """How many times the window's slope a trend anchor adds at forecast steps 1..horizon.

    The level of :func:`window_normalization` (the mean of the last season) sits ``(m' - 1) /
    2`` steps before the window's end (``m'``: :func:`normalization_season`), so step ``h`` is
    ``d = h + (m' - 1) / 2`` steps after it. ``"theta"``: half the drift, ``d / 2`` (the Theta
    method's forecast: the level plus half the linear trend); ``"damped"``: a damped trend,
    ``phi (1 - phi^d) / (1 - phi)`` with ``phi = DAMPING``.
    """
    if kind not in TREND_ANCHORS:
        raise ValueError(f"A trend anchor is one of {list(TREND_ANCHORS)}. Received: {kind!r}")
    d = np.arange(1, horizon + 1) + (normalization_season(window, m) - 1) / 2
    return d / 2 if kind == "theta" else DAMPING * (1 - DAMPING ** d) / (1 - DAMPING)


def window_slope(windows, m: int, observed=None) -> np.ndarray:
    """Least-squares slope per step of each deseasonalised window (observed steps only),
    shape ``(n, 1)``; 0 for a window with fewer than two observed steps."""
    w = np.asarray(windows, dtype="float64")
    o = np.ones_like(w) if observed is None else np.asarray(observed, dtype="float64")
    z, (_, scale, _) = window_normalization(w, m, o)
    t = np.arange(w.shape[1], dtype="float64")[None, :]
    n = np.maximum(o.sum(axis=1, keepdims=True), 1)
    tc = (t - (o * t).sum(axis=1, keepdims=True) / n) * o
    zc = (z - (o * z).sum(axis=1, keepdims=True) / n) * o
    return (tc * zc).sum(axis=1, keepdims=True) / np.maximum((tc * tc).sum(axis=1, keepdims=True), 1e-12) * scale


def window_denormalization(z, stats, phases) -> np.ndarray:
    """Invert :func:`window_normalization`: ``z * S + L + s[phases]``.

    ``z`` has shape ``(n, steps)`` and ``phases`` (``steps``,) gives each step's season
    phase: ``(t - (window - k m)) mod m`` inside the window, ``h mod m`` for forecast step ``h``.
    """
    level, scale, profile = stats
    return np.asarray(z) * scale + level + profile[:, np.asarray(phases) % profile.shape[1]]


def best_anchor(y, m: int, horizon: int, window: int, max_origins: int = 2000) -> str:
    """The anchor with the lowest mean absolute error over origins of the training rows ``y``.

    Candidates: ``"last"``, ``"mean"``; ``"season"`` when ``m > 1``, the window holds a season and ``y``
    three of them; ``"season_mean"`` when the window holds two seasons. Up to ``max_origins``
    evenly spaced origins, each reading the ``window`` rows before it (gaps interpolated).
    """
    x = interpolated(np.asarray(y, dtype="float64"))
    kinds = ["last", "mean"]
    if m > 1 and window >= m and len(x) >= 3 * m:
        kinds += ["season"] + (["season_mean"] if window >= 2 * m else [])
    n_origins = len(x) - window - horizon + 1
    if n_origins < 1 or np.isnan(x).all():
        return "last"
    origins = np.unique(np.linspace(window, window + n_origins - 1, min(n_origins, max_origins)).astype(int))
    windows = np.lib.stride_tricks.sliding_window_view(x, window)[origins - window]
    actual = np.lib.stride_tricks.sliding_window_view(x, horizon)[origins]
    errors = {k: np.abs(actual - anchor_forecast(windows, horizon, m, k)).mean() for k in kinds}
    return min(errors, key=errors.get)


EPOCH = pd.Timestamp("1970-01-01")


def calendar_steps(times: pd.DatetimeIndex, offset):
    """``(numbers, on_grid)`` of timestamps on a calendar frequency (months, quarters, business
    days ...): the number of steps of ``offset`` from 1970-01-01 to each (the first grid point
    at or after it), and whether each lies exactly on the grid."""
    start = offset.rollback(min(times.min(), EPOCH).normalize())
    grid = pd.date_range(start, times.max(), freq=offset)
    positions = grid.searchsorted(times)
    on_grid = grid[np.minimum(positions, len(grid) - 1)] == times
    return positions - grid.searchsorted(EPOCH), np.asarray(on_grid)


def phase(steps, m: int) -> np.ndarray:
    """``(n, 2)`` sine and cosine of the phase of each step within a season of ``m`` steps
    (zeros for ``m <= 1``; NaN for a NaN step).

    Examples
    --------
    >>> phase(np.arange(4), 4).round(3).tolist()
    [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, -0.0]]
    """
    steps = np.asarray(steps, dtype="float64")
    if m <= 1:
        return np.where(np.isnan(steps)[:, None], np.nan, np.zeros((len(steps), 2)))
    angle = 2 * np.pi * np.mod(steps, m) / m
    return np.column_stack([np.sin(angle), np.cos(angle)])

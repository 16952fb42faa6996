"""Exponential smoothing baselines on statsmodels: automatic ETS and the Theta method.

Both read a complete series: missing values are linearly interpolated from the rows before
each origin (never from later rows). Forecasts from an origin use only the rows before it:
ETS runs its fitted smoothing parameters over them (no re-estimation), Theta is refitted on
them (its fit is one simple exponential smoothing and a line).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from scipy.stats import norm

from forecastrnn.baselines.order_search import MAX_SEASON, aicc
from forecastrnn.baselines.base import _Baseline, each_origin, interpolated, rows_received
from forecastrnn.baselines.simple import seasonal_indices
from forecastrnn.data.season import classical_season, season_ahead, with_season, without_season

ETS_CODE = "error, trend and season letters, e.g. 'ANN', 'AAdN', 'MAM'"


def parse_ets(code: str) -> tuple[str, str | None, bool, str | None]:
    """``"MAdM"`` -> ``("mul", "add", True, "mul")``: error, trend, damped, season."""
    names = {"A": "add", "M": "mul", "N": None}
    text = str(code)
    damped = "d" in text[1:3]
    letters = text.replace("d", "")
    if len(letters) != 3 or letters[0] not in "AM" or letters[1] not in "AN" or letters[2] not in "ANM":
        raise ValueError(f"`model` must be 'auto' or an ETS code ({ETS_CODE}; trend N, A or Ad). "
                         f"Received: model={code!r}")
    return names[letters[0]], names[letters[1]], damped, names[letters[2]]


def ets_candidates(positive: bool, seasonal: bool) -> list[str]:
    """ETS codes searched by ``model="auto"`` (R's ``ets`` defaults): additive or
    multiplicative error, no/additive/damped trend, no/additive/multiplicative season;
    multiplicative parts only for positive data; additive error with multiplicative season
    excluded (infinite forecast variance)."""
    codes = []
    for error, trend, season in itertools.product("AM", ("N", "A", "Ad"), "NAM"):
        if (error == "M" or season == "M") and not positive:
            continue
        if season != "N" and not seasonal or (error == "A" and season == "M"):
            continue
        codes.append(error + trend + season)
    return codes


def _ets_model(y, code, m):
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.asarray(y, dtype="float64"))  # statsmodels' predictions need an index
    error, trend, damped, season = parse_ets(code)
    # Heuristic initial states for seasonal models (estimating m of them is slow).
    init = "heuristic" if season else "estimated"
    return ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=season,
                    seasonal_periods=m if season else None, initialization_method=init)


def _ets_aicc(results, code, m) -> float:
    """AICc counting smoothing parameters, all initial states and the variance, so models
    with heuristic and estimated initial states compare fairly."""
    _, trend, damped, season = parse_ets(code)
    k = 1 + (trend is not None) + damped + (season is not None)  # alpha, beta, phi, gamma
    k += 1 + (trend is not None) + ((m - 1) if season else 0) + 1  # states + variance
    return aicc(results.llf, k, results.nobs)


def fit_ets(y, code, m):
    """Fit one ETS model; None when statsmodels fails or the likelihood is not finite."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = _ets_model(y, code, m).fit(disp=False, maxiter=200)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        return None
    return results if np.isfinite(results.llf) else None


class ETSForecaster(_Baseline):
    """Exponential smoothing state-space model (statsmodels ``ETSModel``).

    With ``model="auto"`` every code of :func:`ets_candidates` is fitted and the lowest AICc
    wins (Hyndman et al. 2002, R's ``ets``); a season is used when ``1 < season_length <=
    24`` and the data hold at least two seasons plus ten rows. A longer season (48
    half-hours, 52 weeks, 96 quarter-hours ...), which ETS's states do not fit, is taken out
    first when M4's seasonality test finds it, as Theta and Naive2 do: classical
    decomposition (multiplicative for positive series), ETS without season on the adjusted
    series, the season put back on its forecast and intervals (R's ``stlf`` does the same
    with STL). Intervals are statsmodels' (analytical for the additive models, simulated
    otherwise).

    Parameters
    ----------
    model : str
        ``"auto"`` or an ETS code: error ``A``/``M``, trend ``N``/``A``/``Ad``, season
        ``N``/``A``/``M``, e.g. ``"AAdN"``.
    season_length : int, optional
        Default from the frequency.
    horizon : int

    Attributes
    ----------
    fit_info_ : dict
        Per target: ``model`` (the chosen code), ``aicc``, ``candidates``, ``failed_fits``,
        ``seconds``.
    """

    name = "ets"

    def __init__(self, model="auto", season_length=None, horizon=1):
        self.model = model
        self.season_length = season_length
        self.horizon = horizon

    def _min_history(self):
        return 2

    def _fit_target(self, y, frame):
        x = interpolated(y)
        if np.isnan(x).all() or len(x) < 3:
            raise ValueError(f"ETSForecaster needs at least 3 observed rows. Received: {rows_received(y)}")
        m = self.season_length_
        if np.nanmin(x) == np.nanmax(x):  # a constant: no likelihood to compare models by (R's ets: SES, alpha ~1)
            return {"code": "ANN", "params": [CONSTANT_ALPHA, float(np.nanmax(x))], "adjusted": None,
                    "names": ["smoothing_level", "initial_level"],
                    "info": {"model": "ANN", "aicc": float("nan"), "candidates": 1, "failed_fits": 0, "constant": True}}
        seasonal = 1 < m <= MAX_SEASON and len(x) >= 2 * m + 10
        found = seasonal_indices(x, m) if m > MAX_SEASON and self.model == "auto" else None
        if found is not None:  # a season too long for ETS's states: fitted on the adjusted series
            x = without_season(x, *found)
        codes = ets_candidates(bool((x > 0).all()), seasonal) if self.model == "auto" else [self.model]
        if self.model != "auto" and parse_ets(self.model)[3] and not seasonal:
            raise ValueError(f"A seasonal ETS model needs 1 < season_length <= {MAX_SEASON} and at least "
                             f"2 * season_length + 10 rows. Received: season_length={m}, {len(x)} rows")
        fits = {code: fit_ets(x, code, m) for code in codes}
        scores = {code: _ets_aicc(r, code, m) for code, r in fits.items() if r is not None}
        if not scores:
            raise ValueError(f"ETS could not be fitted: all {len(codes)} candidate models failed")
        best = min(scores, key=scores.get)
        info = {"model": best, "aicc": float(scores[best]), "candidates": len(codes),
                "failed_fits": len(codes) - len(scores), "deseasonalised": found is not None}
        results = fits[best]
        return {"code": best, "params": np.asarray(results.params, dtype="float64").tolist(),
                "names": list(results.model.param_names), "info": info,
                "adjusted": None if found is None else found[1]}

    def _label(self, info):
        return (f"ETS({info['model']})" + (f" of {info['candidates']} by AICc" if info["candidates"] > 1 else "")
                + (", a constant history" if info.get("constant") else "")
                + (f", deseasonalised (m={self.season_length_})" if info.get("deseasonalised") else ""))

    def _forecast_target(self, state, y, frame, origins, horizon, level):
        code, m, kind = state["code"], self.season_length_, state.get("adjusted")

        def forecast(history, horizon, level):
            if kind is not None:  # the season of the rows before the origin, taken out and put back
                how = kind if (history > 0).all() else "additive"
                season = classical_season(history, m, how)
                future = season_ahead(season, m, horizon)

                def back(a):
                    return with_season(np.asarray(a), future, how)
                history = without_season(history, season, how)
            else:
                back = np.asarray
            model = _ets_model(history, code, m)
            run = model.smooth(_aligned(state["params"], state["names"], model))
            if level is None:
                return back(run.forecast(horizon)), None, None
            # Multiplicative models' intervals are simulated: a fixed seed makes two fits (and a
            # serial and a parallel backtest) give the same bounds.
            pred = run.get_prediction(start=len(history), end=len(history) + horizon - 1,
                                      rng=np.random.default_rng(ETS_SEED))
            pred = pred.summary_frame(alpha=1 - level)
            return back(pred["mean"]), back(pred["pi_lower"]), back(pred["pi_upper"])

        return each_origin(y, origins, horizon, level, forecast)


ETS_SEED = 0
CONSTANT_ALPHA = 0.9999  # ETS of a constant history: simple smoothing that follows the last value


def _aligned(params, names, model):
    """The fitted parameters (named ``names``) in ``model``'s order, keeping the fitted initial
    states for a model on a different span of the same series (whose heuristic start would
    otherwise be re-estimated)."""
    return np.array([params[list(names).index(n)] for n in model.param_names], dtype="float64")


def theta_variance(results, horizon, sigma2=None) -> np.ndarray:
    """h-step forecast variances ``sigma^2 (1 + (h - 1) alpha^2)`` of a fitted ``ThetaModel``.

    The Theta method's SES part is the IMA(1,1) model ``y_t - y_{t-1} = e_t - (1 - alpha)
    e_{t-1}``, whose h-step variance is ``sigma^2 (1 + (h - 1) alpha^2)`` (Hyndman & Billah
    2003). statsmodels' own ``prediction_intervals`` (0.14-0.15) uses ``1 + (alpha - 1)^2``
    per step instead of ``alpha^2``, which makes long-horizon intervals far too wide (a
    90 % interval that covers nearly everything). ``sigma2``: a residual variance estimated
    before (default: the fit's own, an ARIMA(0,1,1) fit that takes about 1 s on 17,000 rows).
    """
    alpha = float(np.asarray(results.params)[1])
    return (results.sigma2 if sigma2 is None else sigma2) * (1 + np.arange(horizon) * alpha ** 2)


class ThetaForecaster(_Baseline):
    """The Theta method (Assimakopoulos & Nikolopoulos 2000), statsmodels ``ThetaModel``.

    As in M4's Theta benchmark: when M4's 90 % autocorrelation test finds a season, the
    series is deseasonalised by classical decomposition (multiplicative for positive
    series, additive otherwise), forecast by simple exponential smoothing plus half the
    linear trend (theta = 2), and reseasonalised. Intervals: normal, with the IMA(1,1)
    variance of :func:`theta_variance`. From several origins (a backtest) the method is fitted
    again from each, and the residual variance is estimated once, at the first origin, as
    ARIMA keeps its parameters (it reads rows before that origin only). A flat history is
    forecast flat.

    Parameters
    ----------
    season_length : int, optional
        Default from the frequency.
    theta : float
        Weight of the trend line; 2 is the classical Theta method.
    horizon : int
    """

    name = "theta"

    def __init__(self, season_length=None, theta=2.0, horizon=1):
        self.season_length = season_length
        self.theta = theta
        self.horizon = horizon

    def _min_history(self):
        return 3

    def _fit_target(self, y, frame):
        if not (isinstance(self.theta, (int, float)) and self.theta >= 1):
            raise ValueError(f"`theta` must be a number >= 1. Received: theta={self.theta!r}")
        if np.count_nonzero(~np.isnan(y)) < self.min_history:
            raise ValueError(f"ThetaForecaster needs at least {self.min_history} observed rows. "
                             f"Received: {rows_received(y)}")
        # Fitted again from every origin; this fit only reports what the full history gives.
        x = interpolated(y)
        return {"info": {"seasonal": bool(np.ptp(x) > 0 and self._fit(x).model._has_seasonality)}}

    def _label(self, info):
        return "Theta, " + ("deseasonalised" if info["seasonal"] else "no season found")

    def _fit(self, x):
        from statsmodels.tsa.forecasting.theta import ThetaModel

        m = self.season_length_
        seasonal = m > 1 and len(x) >= 3 * m
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ThetaModel(x, period=m if seasonal else 1, deseasonalize=seasonal).fit()

    def _forecast_target(self, state, y, frame, origins, horizon, level):
        once = bool(np.all(np.diff(np.asarray(origins)) > 0))  # in time order: the first origin's variance
        sigma2 = []

        def forecast(history, horizon, level):
            if np.ptp(history) == 0:  # statsmodels' smoothing is undefined on a flat series
                flat = np.repeat(history[-1], horizon)
                return flat, flat, flat
            results = self._fit(history)
            point = np.asarray(results.forecast(horizon, theta=self.theta))
            if level is None:
                return point, None, None
            if not (once and sigma2):
                sigma2[:] = [results.sigma2]
            half = norm.ppf(0.5 + level / 2) * np.sqrt(theta_variance(results, horizon, sigma2[0]))
            return point, point - half, point + half

        return each_origin(y, origins, horizon, level, forecast)


DAMPED_GRID = dict(alpha=(0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9), beta=(0.0, 0.02, 0.05, 0.1, 0.2),
                   phi=(0.8, 0.9, 0.95, 0.98))
DAMPED_ROWS = 500  # damped_trend_paths reads at most the last so many rows of a series


def damped_trend_paths(series, horizon: int) -> np.ndarray:
    """Damped-trend exponential smoothing (Gardner & McKenzie 1985) of many series at once:
    ``(n_series, horizon)`` forecasts.

    Level ``l`` and trend ``b``: ``f_t = l + phi b``, ``l <- alpha y_t + (1 - alpha) f_t``,
    ``b <- beta (l_new - l) + (1 - beta) phi b``; the forecast ``h`` steps ahead is ``l + b
    (phi + ... + phi^h)``. Each series takes the ``(alpha, beta, phi)`` of
    :data:`DAMPED_GRID` with the smallest sum of squared one-step errors, all of them run
    together as arrays (no optimiser, milliseconds for thousands of series). The start: ``l``
    the first value, ``b`` the mean change over the first (up to) three steps. Series of any
    lengths (the last :data:`DAMPED_ROWS` rows; missing values interpolated, a series with
    none observed is forecast as zeros); no season (deseasonalise first).
    """
    ys = [interpolated(np.asarray(y, dtype="float64")[-DAMPED_ROWS:]) for y in series]
    ys = [np.zeros(1) if len(y) == 0 or np.isnan(y).all() else y for y in ys]
    lengths = np.array([len(y) for y in ys])
    n, rows = len(ys), int(lengths.max())
    values = np.zeros((n, rows))
    for i, y in enumerate(ys):  # right-aligned: every series ends at the last column
        values[i, rows - len(y):] = y
    grid = np.array(list(itertools.product(*DAMPED_GRID.values())))
    alpha, beta, phi = (grid[:, j][None] for j in range(3))
    steps = np.clip(lengths - 1, 1, 3)
    first = np.array([y[0] for y in ys])
    level = np.repeat(first[:, None], len(grid), axis=1)
    trend = np.repeat(np.array([(y[min(k, len(y) - 1)] - y[0]) / k for y, k in zip(ys, steps)])[:, None],
                      len(grid), axis=1)
    sse = np.zeros_like(level)
    everyone = rows - int(lengths.min()) + 1  # from this step on, every series has started
    for t in np.arange(everyone):
        started = (t > rows - lengths)[:, None]  # the first value only starts the level
        y = values[:, t][:, None]
        fitted = level + phi * trend
        sse += np.where(started, (y - fitted) ** 2, 0.0)
        new = alpha * y + (1 - alpha) * fitted
        trend = np.where(started, beta * (new - level) + (1 - beta) * phi * trend, trend)
        level = np.where(started, new, level)
    for t in np.arange(everyone, rows):  # the same recursion with no masks, in place (the bulk of the steps)
        np.multiply(phi, trend, out=trend)  # phi b
        error = values[:, t][:, None] - level - trend
        sse += error * error
        error *= alpha  # alpha e: l <- l + phi b + alpha e, b <- phi b + beta alpha e
        level += trend
        level += error
        error *= beta
        trend += error
    best, rows_ = sse.argmin(axis=1), np.arange(n)
    damping = np.cumsum(grid[best, 2][:, None] ** np.arange(1, horizon + 1)[None], axis=1)
    return level[rows_, best][:, None] + trend[rows_, best][:, None] * damping

"""``ARIMAForecaster``: automatic seasonal ARIMA on statsmodels SARIMAX, as auto.arima chooses it.

How the model is chosen (``order=None``; the pure parts are in ``order_search``)
------------------------------------------------------------------------------
1. **Season.** Seasons up to ``MAX_SEASON`` (24: the daily cycle of hourly data) get true
   seasonal terms ``(P, D, Q)m``; longer seasons (weekly data's 52) are modelled by
   ``fourier_terms`` sine/cosine pairs as regressors (dynamic harmonic regression), as are
   the extra seasons of ``fourier_seasons`` (e.g. the week of hourly data, 168).
2. **Seasonal differencing** ``D = 1`` when the STL seasonal strength
   ``1 - var(remainder) / var(remainder + season)`` exceeds 0.64 (auto.arima's ``"seas"``
   test); needs at least two seasons plus one row.
3. **Differencing** ``d``: KPSS tests (level, ``int(3 sqrt(n) / 13)`` lags, 5 %) on the
   seasonally differenced series until stationarity is not rejected, ``d <= 2``.
4. **Constant**: a mean when ``d + D = 0``, a drift when ``d + D = 1``, none above.
5. **Stepwise search** from ARIMA(2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0),
   (0,d,1)(0,D,1) (and (0,d,0)(0,D,0) without constant), moving ``p, q, P, Q`` by one, both
   ``p, q`` or both ``P, Q`` at once, or toggling the constant, restarting from every
   improvement, with ``p, q <= 5``, ``P, Q <= 2`` and at most 94 models (auto.arima's
   ``max.order`` bounds only its non-stepwise search; ``max_order`` sets one). Candidates
   are scored by the AICc of a CSS fit; models with AR or MA roots within 1.01 of the unit
   circle are rejected. A series that is exactly constant after differencing gets
   ARIMA(0,d,0)(0,D,0) with its mean or drift and no search, as in auto.arima.
6. **Final fit** (``method``): the CSS estimates kept and run through statsmodels' Kalman
   filter (``"css"``, the default for seasons over 12, whose exact likelihood is slow), or
   exact maximum likelihood from them (``"css-ml"``, auto.arima's way, the default
   otherwise). When a final fit fails, the next best candidate is tried; every failed fit is
   counted in ``fit_info_``. If none can be fitted the error says so: no other model is
   silently put in its place.
7. **Season as a fixed profile.** When ``D = 0`` the search is run again with the season
   as Fourier regressors instead of seasonal ARMA terms, and the final model with the lower
   exact AICc is kept (both model the same series with the same differencing).

Forecasts from every origin come from one Kalman filter pass over the history
(:func:`state_space_forecasts`): no re-estimation and no look past an origin.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from forecastrnn.base import future_index
from forecastrnn.data.io import one_hot
from forecastrnn.baselines.base import _Baseline, interpolated, rows_received
from forecastrnn.baselines.order_search import (MAX_SEASON, Order, difference, fit_css, lag_polynomials,
                                                ndiffs, nsdiffs, stepwise_search)
from forecastrnn.data.windows import check_positive_int


def arima_label(info: dict) -> str:
    """``"ARIMA(2,1,1)(0,1,1)[24] with drift"`` from a fitted model's ``fit_info_`` entry."""
    p, d, q = info["order"]
    P, D, Q, m = info["seasonal_order"]
    text = f"ARIMA({p},{d},{q})" + (f"({P},{D},{Q})[{m}]" if m > 1 and P + D + Q else "")
    if info["constant"]:
        text += " with drift" if d + D == 1 else " with mean"
    if info.get("fourier_pairs"):
        text += f" + {info['fourier_pairs']} Fourier pair(s)"
    return text


def fourier_terms(positions, m, k) -> np.ndarray:
    """``sin``/``cos`` pairs ``(2 pi j t / m)`` for ``j = 1..k``; shape (len(positions), 2k)."""
    t = np.asarray(positions, dtype="float64")[:, None]
    j = np.arange(1, k + 1)[None, :]
    return np.concatenate([np.sin(2 * np.pi * j * t / m), np.cos(2 * np.pi * j * t / m)], axis=1)


def fit_sarimax(y, x, order, seasonal_order, constant, start=None, method="css-ml", maxiter=50):
    """Fit one statsmodels SARIMAX; None when statsmodels fails on it.

    ``start`` maps parameter names (``"ar.L1"``, ``"ma.S.L24"``, ``"intercept"``, ``"x1"``
    ...) to values, the others taking statsmodels' own start values. ``method="css-ml"``
    maximises the exact likelihood from there; ``"css"`` keeps the given values and only
    runs the Kalman filter. The variance is a parameter (not concentrated out), so that
    running the state over later rows never re-estimates it. The constant is
    statsmodels' ``intercept`` on the differenced scale, so a drift when ``d + D = 1``.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(y, exog=x, order=order, seasonal_order=seasonal_order,
                            trend="c" if constant else "n")
            params = np.asarray(model.start_params, dtype="float64").copy()
            for i, name in enumerate(model.param_names):
                if start and name in start:
                    params[i] = start[name]
            if method == "css":
                results = model.filter(params, cov_type="none")
            else:
                results = model.fit(start_params=params, disp=False, maxiter=maxiter, cov_type="none")
    except (ValueError, np.linalg.LinAlgError):
        return None
    return results if np.isfinite(results.llf) else None


def state_space_forecasts(results, origins, horizon, exog=None, level=None):
    """Forecasts ``(n_origins, horizon)`` of a filtered SARIMAX from many origins at once.

    The one-step predicted state and its covariance at each origin (from the single Kalman
    filter pass that ``results`` holds, which at row ``o`` has read rows ``[0, o)`` only)
    are carried forward by the transition equation: the numbers of statsmodels'
    ``get_prediction(start=o, dynamic=True)`` and its ``conf_int``, without one statsmodels
    prediction (one pass over the whole history) per origin. ``exog`` holds the regressors
    of every row up to the last forecast step. Returns ``point, lower, upper`` (the last two
    None without ``level``).
    """
    from scipy.stats import norm

    model = results.model
    origins = np.asarray(origins, dtype="int64")
    design = model.ssm.design[0, :, 0]  # time-invariant in SARIMAX (exog enters below)
    transition = model.ssm.transition[:, :, 0]
    intercept = model.ssm.state_intercept[:, 0]
    offset = np.zeros(int(origins.max()) + horizon if len(origins) else 0)
    if model.k_exog:
        beta = np.asarray(results.params)[model.k_trend:model.k_trend + model.k_exog]
        offset = np.asarray(exog, dtype="float64") @ beta
    states = np.asarray(results.predicted_state)[:, origins]
    point = np.empty((len(origins), horizon))
    for j in range(horizon):
        point[:, j] = design @ states + offset[origins + j]
        states = transition @ states + intercept[:, None]
    if level is None:
        return point, None, None
    selection = model.ssm.selection[:, :, 0]
    disturbance = selection @ model.ssm.state_cov[:, :, 0] @ selection.T
    covs = np.moveaxis(np.asarray(results.predicted_state_cov)[:, :, origins], -1, 0)
    variance = np.empty_like(point)
    for j in range(horizon):
        variance[:, j] = np.einsum("k,okl,l->o", design, covs, design) + model.ssm.obs_cov[0, 0, 0]
        covs = transition @ covs @ transition.T + disturbance
    half = norm.ppf(0.5 + level / 2) * np.sqrt(np.maximum(variance, 0.0))
    return point, point - half, point + half


def rerun(results, y, exog=None):
    """The fitted parameters run over another series by one Kalman filter pass (no
    re-estimation, no smoother)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return results.model.clone(y, exog=exog).filter(results.params, cov_type="none")


def _check_count(value, name) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer. Received: {name}={value!r}")
    return int(value)


def start_values(params, order: Order, m: int, beta=None) -> dict:
    """SARIMAX parameter names -> values from a CSS fit (and regression coefficients)."""
    names = ([f"ar.L{i}" for i in range(1, order.p + 1)] + [f"ma.L{i}" for i in range(1, order.q + 1)]
             + [f"ar.S.L{m * i}" for i in range(1, order.P + 1)]
             + [f"ma.S.L{m * i}" for i in range(1, order.Q + 1)])
    values = dict(zip(names, params))
    values["sigma2"] = float(params[-1])
    if order.constant:  # SARIMAX's intercept c = mean * phi(1) Phi(1)
        values["intercept"] = float(params[-2] * lag_polynomials(params, order, m)[0].sum())
    values.update({f"x{i + 1}": float(b) for i, b in enumerate([] if beta is None else beta)})
    return values


class ARIMAForecaster(_Baseline):
    """Seasonal ARIMA (statsmodels SARIMAX) with auto.arima's automatic order selection.

    See the module docstring for the search. Parameters are estimated on the last
    ``max_fit_rows`` rows (all rows with None); the state then runs over all rows
    (one Kalman filter pass) without re-estimation, which is also how forecasts from later
    origins are made: no refit, only the new observations.

    Parameters
    ----------
    order : tuple (p, d, q), optional
        Fixed order (no search); seasonal terms only from ``seasonal_order``. With d + D = 0
        a constant is fitted.
    seasonal_order : tuple (P, D, Q, m), optional
        Fixed seasonal part; with ``order=None`` only ``p, d, q`` and the constant are searched.
    season_length : int, optional
        Default from the frequency (``season_length_for``); seasons longer than
        ``MAX_SEASON`` (24) are modelled by Fourier terms.
    exog : list of str, optional
        Columns of the data used as exogenous regressors (their values must be known for the
        forecast period: in backtests they are read from the data). ``fit(data,
        features=[...])`` names them too (``supports_covariates``).
    fourier_terms : int
        Sine/cosine pairs per Fourier-modelled season.
    fourier_seasons : list of int, optional
        Extra seasons modelled by Fourier terms (multiple seasonality, e.g. ``[168]`` for
        the week of hourly data).
    max_p, max_q, max_P, max_Q : int
        Bounds of the stepwise search.
    max_order : int, optional
        Bound on ``p + q + P + Q`` in the search (None: none, as auto.arima's stepwise search).
    method : {"auto", "css-ml", "css"}
        Final estimation of the chosen model: ``"css-ml"`` maximises the exact likelihood
        from the CSS estimates (auto.arima's default); ``"css"`` keeps the CSS estimates and
        only runs the Kalman filter. ``"auto"``: ``"css"`` for models with seasonal ARMA
        terms of a season longer than 12 (the state-space likelihood of a (P, D, Q)24 model is
        slow: on M4 hourly validation windows CSS was 6x faster and more accurate, MASE 1.137
        against 1.175, see BENCHMARKS.md), else ``"css-ml"``.
    max_fit_rows : int or None
        Rows used to choose and estimate the model (the newest ones).
    horizon : int

    Attributes
    ----------
    exog_ : list of str
        The regressors used (``exog`` or the ``features`` given to ``fit``).
    fit_info_ : dict
        Per target: ``order``, ``seasonal_order``, ``constant``, ``aicc``, ``candidates``
        (models tried), ``failed_fits`` (fits that failed), ``method`` (final estimation),
        ``fit_rows``, ``fourier_pairs``, ``seconds``.
    """

    name = "arima"
    supports_covariates = True

    def __init__(self, order=None, seasonal_order=None, season_length=None, exog=None,
                 fourier_terms=3, fourier_seasons=None, max_p=5, max_q=5, max_P=2, max_Q=2,
                 max_order=None, method="auto", max_fit_rows=2000, horizon=1):
        self.order = order
        self.seasonal_order = seasonal_order
        self.season_length = season_length
        self.exog = exog
        self.fourier_terms = fourier_terms
        self.fourier_seasons = fourier_seasons
        self.max_p = max_p
        self.max_q = max_q
        self.max_P = max_P
        self.max_Q = max_Q
        self.max_order = max_order
        self.method = method
        self.max_fit_rows = max_fit_rows
        self.horizon = horizon

    def _min_history(self):
        # on 3 rows only the zero-mean white noise can be scored (a mean leaves no degree of
        # freedom for the AICc), and its forecast is 0 whatever the level
        return 3

    def _set_inputs(self, features, frame):
        given = [features] if isinstance(features, str) else list(features or [])
        given = [c for c in given if c not in frame.attrs["target"]]
        if self.exog and given and list(self.exog) != given:
            raise ValueError(f"`features` must match `exog` when both are given. Received: "
                             f"features={given}, exog={list(self.exog)}")
        self.exog_ = []
        for name in self.exog or given:  # a text column: its indicators but the first (a constant is fitted)
            found = one_hot([name], frame.columns)
            self.exog_ += found if found == [name] else found[1:]

    def _columns(self):
        return self.target_ + [c for c in self.exog_ if c not in self.target_]

    # Exogenous design: user columns, then Fourier terms.
    def _fourier_seasons(self) -> list:
        extra = [check_positive_int(s, "fourier_seasons") for s in (self.fourier_seasons or [])]
        long = self.season_length_ > MAX_SEASON and self.seasonal_order is None
        return ([self.season_length_] if long else []) + extra

    def _pairs(self, m) -> int:
        """Fourier pairs for season ``m``: ``fourier_terms``, at most ``(m - 1) // 2`` (the
        pair ``j = m / 2`` has a sine that is zero at every step)."""
        return max(1, min(check_positive_int(self.fourier_terms, "fourier_terms"), (m - 1) // 2))

    def _positions(self, index) -> np.ndarray:
        """Step numbers of ``index`` counted from the first training timestamp, so Fourier
        terms keep their phase after the end of the data (calendar frequencies included)."""
        if self.freq_ is None:
            return np.asarray(index, dtype="float64")
        start = self.history_.index[0]
        grid = pd.date_range(min(start, index[0]), max(start, index[-1]), freq=self.freq_)
        return (grid.get_indexer(index) - grid.get_loc(start)).astype("float64")

    def _design(self, frame, seasons, index=None):
        parts = []
        if self.exog_:
            if frame is None:
                raise ValueError(f"ARIMA with `exog` needs future values of {self.exog_} "
                                 "for steps after the data. Received: none (forecast from "
                                 "origins inside the data instead)")
            # a missing regressor value (SARIMAX cannot read one) is interpolated from its neighbours
            parts.append(frame[self.exog_].astype("float64").interpolate(limit_direction="both").to_numpy())
        positions = None
        for m in seasons:
            if positions is None:
                positions = self._positions(frame.index if index is None else index)
            parts.append(fourier_terms(positions, m, self._pairs(m)))
        return np.concatenate(parts, axis=1) if parts else None

    def _fit_target(self, y, frame):
        if self.method not in ("auto", "css-ml", "css"):
            raise ValueError(f"`method` must be 'auto', 'css-ml' or 'css'. Received: method={self.method!r}")
        rows = self.max_fit_rows
        first = 0 if rows is None else max(0, len(y) - check_positive_int(rows, "max_fit_rows"))
        y_fit = y[first:]
        # a season is modelled from two whole seasons on, as seasonal ARMA terms are (3 Fourier
        # pairs of a 52-week season fitted to 10 weeks ran off to -18,000 within the horizon)
        seasons = [m for m in self._fourier_seasons() if len(y_fit) >= 2 * m + 1]
        x = self._design(frame, seasons)
        if np.count_nonzero(~np.isnan(y_fit)) < self.min_history:
            raise ValueError(f"ARIMAForecaster needs at least {self.min_history} observed rows. "
                             f"Received: {rows_received(y_fit)}")
        if self.order is not None:
            info, results = self._fixed(y_fit, None if x is None else x[first:])
        else:
            info, results = self._auto(y_fit, None if x is None else x[first:])
            m = self.season_length_
            if self.seasonal_order is None and 1 < m <= MAX_SEASON and info["seasonal_order"][1] == 0 \
                    and len(y_fit) >= 2 * m + 1:
                # No seasonal difference: a fixed seasonal profile (Fourier terms) may describe
                # the season better than seasonal ARMA terms; the lower exact AICc decides.
                other = seasons + [m]
                x_other = self._design(frame, other)
                alt_info, alt = self._auto(y_fit, x_other[first:], seasonal_terms=False)
                tried = info["candidates"] + alt_info["candidates"]
                failed = info["failed_fits"] + alt_info["failed_fits"]
                if alt_info["aicc"] < info["aicc"]:
                    info, results, seasons, x = alt_info, alt, other, x_other
                info.update(candidates=tried, failed_fits=failed)
        info.update(fit_rows=len(y_fit), fourier_pairs=sum(self._pairs(m) for m in seasons))
        if first:  # same parameters, state run over the whole history
            results = rerun(results, y, x)
        return {"results": results, "fourier": seasons, "info": info}

    def _fixed(self, y, x):
        order = tuple(int(v) for v in self.order)
        seasonal = tuple(int(v) for v in self.seasonal_order) if self.seasonal_order else (0, 0, 0, 0)
        constant = order[1] + seasonal[1] == 0
        results = fit_sarimax(y, x, order, seasonal, constant, method="css-ml")
        if results is None:
            raise ValueError(f"SARIMAX could not be fitted with order={order}, seasonal_order={seasonal}")
        return {"order": order, "seasonal_order": seasonal, "constant": constant, "aicc": float(results.aicc),
                "candidates": 1, "failed_fits": 0, "method": "css-ml"}, results

    def _auto(self, y, x, seasonal_terms=True):
        filled_y = interpolated(y)
        if self.seasonal_order is not None:
            P, D, Q, m = (int(v) for v in self.seasonal_order)
            bounds = {"min_P": P, "max_P": P, "min_Q": Q, "max_Q": Q}
        else:
            m = self.season_length_
            seasonal = seasonal_terms and 1 < m <= MAX_SEASON and len(y) >= 2 * m + 1
            m = m if seasonal else 1
            bounds = {"max_P": _check_count(self.max_P, "max_P"), "max_Q": _check_count(self.max_Q, "max_Q")}
            D = nsdiffs(self._unregressed(filled_y, x, 0, 0, m)[0], m) if seasonal else 0
        d = ndiffs(difference(self._unregressed(filled_y, x, 0, D, m)[0], 0, D, m))
        rest, beta = self._unregressed(filled_y, x, d, D, m)
        w = difference(rest, d, D, m)
        method = self.method if self.method != "auto" else ("css" if m > 12 else "css-ml")
        if np.ptp(w) == 0:  # an exactly constant (differenced) series: its mean or drift, no noise
            constant = d + D <= 1 and w[0] != 0
            start = {"intercept": float(w[0]), "sigma2": 1e-12 * max(1.0, float(np.nanmax(np.abs(y))) ** 2)}
            results = fit_sarimax(y, x, (0, d, 0), (0, D, 0, m if m > 1 else 0), constant, start, "css")
            if results is None:
                raise ValueError("ARIMA could not be set up for a constant series")
            return {"order": (0, d, 0), "seasonal_order": (0, D, 0, m if m > 1 else 0), "constant": constant,
                    "aicc": math.nan, "candidates": 0, "failed_fits": 0, "method": "constant"}, results
        failed, params = 0, {}

        def score(order):
            nonlocal failed
            fit = fit_css(w, order, m)
            if fit is None:
                failed += 1
                return math.inf
            params[order] = fit[1]
            return fit[0]

        # Undifferenced, a series whose mean is clearly not zero needs it or AR terms: on a few
        # rows AICc's penalty would otherwise take zero-mean white noise, forecasting 0 for 1, 2, 3, 4.
        level = d + D == 0 and abs(np.mean(w)) > 1.96 * np.std(w) / math.sqrt(len(w))
        _, scores = stepwise_search(score, seasonal=m > 1, allow_constant=d + D <= 1, need_constant=level,
                                    max_p=_check_count(self.max_p, "max_p"),
                                    max_q=_check_count(self.max_q, "max_q"),
                                    max_order=None if self.max_order is None
                                    else _check_count(self.max_order, "max_order"), **bounds)
        ranked = sorted((o for o, s in scores.items() if np.isfinite(s)), key=scores.get)
        for order in ranked[:5]:
            results = fit_sarimax(y, x, (order.p, d, order.q), (order.P, D, order.Q, m if m > 1 else 0),
                                  order.constant, start_values(params[order], order, m, beta), method)
            if results is not None:
                return {"order": (order.p, d, order.q), "seasonal_order": (order.P, D, order.Q, m if m > 1 else 0),
                        "constant": order.constant, "aicc": float(results.aicc), "candidates": len(scores),
                        "failed_fits": failed, "method": method}, results
            failed += 1
        raise ValueError(f"ARIMA order search failed: none of the {len(scores)} candidate models "
                         f"could be fitted (d={d}, D={D}, m={m})")

    @staticmethod
    def _unregressed(y, x, d, D, m):
        """``y`` less its least-squares fit on the regressors (both differenced alike), for
        the tests and the CSS search; the final fit estimates everything jointly."""
        if x is None:
            return y, None
        dy, dx = difference(y, d, D, m), np.stack([difference(c, d, D, m) for c in x.T], axis=1)
        ok = ~np.isnan(dy)
        beta = np.linalg.lstsq(np.column_stack([np.ones(ok.sum()), dx[ok]]), dy[ok], rcond=None)[0][1:]
        return y - np.nan_to_num(x) @ beta, beta

    def _label(self, info):
        regressors = f" + regressors {self.exog_}" if self.exog_ else ""
        return f"{arima_label(info)}{regressors}, {info['candidates']} model(s) searched"

    def _forecast_target(self, state, y, frame, origins, horizon, level):
        results, seasons = state["results"], state["fourier"]
        x = self._design(frame, seasons)
        if len(y) != results.nobs or not np.allclose(y, results.model.endog[:, 0], equal_nan=True):
            results = rerun(results, y, x)
        beyond = int(max(origins.max() + horizon - len(y), 0)) if len(origins) else 0
        if beyond and x is not None:  # regressors of the steps after the data
            future = future_index(frame.index[-1], self.freq_, beyond)
            x = np.concatenate([x, self._design(None, seasons, index=future)])
        return state_space_forecasts(results, origins, horizon, x, level)

    def summary(self):
        """statsmodels summary of the first target's model."""
        self._check_fitted()
        return self.states_[0]["results"].summary()

    # The filtered statsmodels results are saved as the model's specification and parameters;
    # load runs them over the saved training rows once (no re-estimation).
    def _state_to_json(self, state):
        results = state["results"]
        model = results.model
        return {"order": list(model.order), "seasonal_order": list(model.seasonal_order),
                "constant": model.k_trend > 0, "fourier": list(state["fourier"]),
                "params": dict(zip(model.param_names, np.asarray(results.params).tolist()))}

    def _set_state(self, state):
        self.exog_ = list(self.exog or [c for c in state["history"]["columns"] if c not in state["target"]])
        super()._set_state(state)

    def _state_from_json(self, state, y, frame):
        seasons = [int(m) for m in state["fourier"]]
        results = fit_sarimax(y, self._design(frame, seasons), tuple(state["order"]),
                              tuple(state["seasonal_order"]), bool(state["constant"]),
                              start=state["params"], method="css")
        if results is None:
            raise ValueError("the saved ARIMA parameters could not be run over the saved rows")
        return {"results": results, "fourier": seasons}

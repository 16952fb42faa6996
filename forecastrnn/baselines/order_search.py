"""Order selection for ARIMA after Hyndman & Khandakar (2008, R's ``auto.arima``): pure functions.

* :func:`ndiffs` (KPSS) and :func:`nsdiffs` (STL seasonal strength) choose ``d`` and ``D``;
* :func:`fit_css` scores one candidate ``(p, q, P, Q, constant)`` by the AICc of a
  conditional-sum-of-squares fit (CSS: the approximation auto.arima uses for long or
  seasonal series), rejecting roots within 1.01 of the unit circle;
* :func:`stepwise_search` walks the candidates as auto.arima's stepwise search does.

CSS residuals are computed here (``scipy.signal.lfilter``) because statsmodels offers no CSS
estimator for seasonal ARIMA; the chosen model is fitted and forecast by statsmodels
(``forecastrnn.baselines.arima``).
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np

from forecastrnn.baselines.base import interpolated

MAX_SEASON = 24
SEASONAL_STRENGTH_THRESHOLD = 0.64


# --------------------------------------------------------------------------- tests
def ndiffs(y, alpha=0.05, max_d=2) -> int:
    """Differences needed for stationarity by repeated KPSS tests (auto.arima's default).

    Stops early when a differenced series is constant or too short to test.
    """
    from statsmodels.tsa.stattools import kpss

    x = np.asarray(y, dtype="float64")
    x = x[~np.isnan(x)]
    d = 0
    while d < max_d and len(x) >= 10 and np.ptp(x) > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # p-values outside the table are clipped: fine here
            p_value = kpss(x, regression="c", nlags=int(3 * math.sqrt(len(x)) / 13))[1]
        if p_value >= alpha:
            break
        x, d = np.diff(x), d + 1
    return d


def seasonal_strength(y, m) -> float:
    """Hyndman's seasonal strength from an STL decomposition (0: none, 1: pure season).

    ``max(0, 1 - var(remainder) / var(remainder + seasonal))``; 0 with fewer than
    ``2 m + 1`` rows or a constant series.
    """
    from statsmodels.tsa.seasonal import STL

    x = interpolated(y)
    if m < 2 or len(x) < 2 * m + 1 or np.ptp(x) == 0:
        return 0.0
    parts = STL(x, period=m, seasonal=11 if m < 11 else m + 1 - m % 2).fit()
    rest = parts.resid
    total = np.var(rest + parts.seasonal)
    return float(max(0.0, 1 - np.var(rest) / total)) if total > 0 else 0.0


def nsdiffs(y, m) -> int:
    """Seasonal differences (0 or 1) by the seasonal-strength rule (auto.arima's ``"seas"``)."""
    return int(m > 1 and seasonal_strength(y, m) > SEASONAL_STRENGTH_THRESHOLD)


def difference(y, d, D, m) -> np.ndarray:
    """``(1 - B)^d (1 - B^m)^D y``; shape ``(len(y) - d - m D,)``."""
    x = np.asarray(y, dtype="float64")
    for _ in range(D):
        x = x[m:] - x[:-m]
    for _ in range(d):
        x = np.diff(x)
    return x


def aicc(loglik, k, n) -> float:
    """Corrected AIC ``-2 loglik + 2k + 2k(k + 1) / (n - k - 1)``; inf when ``n <= k + 1``."""
    if n - k - 1 <= 0:
        return math.inf
    return -2 * loglik + 2 * k + 2 * k * (k + 1) / (n - k - 1)


# --------------------------------------------------------------------------- CSS fits
class Order(NamedTuple):
    """A candidate of the search: ``(p, q, P, Q, constant)``."""

    p: int
    q: int
    P: int
    Q: int
    constant: bool


def lag_polynomials(params, order: Order, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Expanded AR ``phi(B) Phi(B^m)`` and MA ``theta(B) Theta(B^m)`` coefficients (lag 0
    first); ``params`` holds ``phi, theta, Phi, Theta`` in that order."""
    p, q, P, Q = order[:4]
    phi, theta = params[:p], params[p:p + q]
    Phi, Theta = params[p + q:p + q + P], params[p + q + P:p + q + P + Q]

    def poly(coefs, lag, sign):
        out = np.zeros(len(coefs) * lag + 1)
        out[0] = 1.0
        out[lag::lag] = sign * np.asarray(coefs, dtype="float64")
        return out

    ar = np.convolve(poly(phi, 1, -1), poly(Phi, m, -1))
    ma = np.convolve(poly(theta, 1, 1), poly(Theta, m, 1))
    return ar, ma


def css_residuals(w, ar, ma) -> np.ndarray:
    """Conditional residuals of an ARMA on ``w``: the first ``len(ar) - 1`` rows condition
    the AR part and residuals before them are taken as 0 (R's ``arima(method="CSS")``)."""
    from scipy.signal import lfilter

    u = np.convolve(w, ar, mode="valid")
    return lfilter([1.0], ma, u)


def min_root(poly) -> float:
    """Smallest root modulus of ``sum poly[i] z^i`` (inf for a constant polynomial)."""
    coefs = np.trim_zeros(np.asarray(poly, dtype="float64"), "b")
    if len(coefs) <= 1:
        return math.inf
    return float(np.abs(np.roots(coefs[::-1])).min())


def fit_css(w, order: Order, m: int):
    """CSS fit of an ARMA(p, q)(P, Q)m (with a mean when ``order.constant``) to the
    differenced series ``w``.

    Returns ``(aicc, params)`` with ``params = [phi, theta, Phi, Theta, mean, sigma2]`` in
    the units of ``w`` (mean 0 without constant); aicc is inf when a root lies within 1.01 of the unit circle, and the fit is
    None when the optimiser fails. The AICc is ``n log(sigma^2) + 2k + 2k(k+1)/(n-k-1)``
    with ``n = len(w)`` (the same for every candidate) and ``k`` the coefficients plus the
    variance.
    """
    from scipy.optimize import least_squares

    w = np.asarray(w, dtype="float64")
    spread = float(np.std(w)) or 1.0
    z = w / spread
    n_arma = order.p + order.q + order.P + order.Q

    def residuals(theta):
        ar, ma = lag_polynomials(theta, order, m)
        shift = theta[n_arma] if order.constant else 0.0
        e = css_residuals(z - shift, ar, ma)
        return np.nan_to_num(e, nan=1e6, posinf=1e6, neginf=-1e6)

    k = n_arma + int(order.constant)
    if len(z) <= order.p + m * order.P + k + 2:
        return math.inf, None
    theta = np.zeros(k)
    if order.constant:
        theta[n_arma] = float(np.mean(z))
    if k:
        try:
            theta = least_squares(residuals, theta, method="lm", max_nfev=100 * (k + 1)).x
        except (ValueError, np.linalg.LinAlgError):
            return None
    ar, ma = lag_polynomials(theta, order, m)
    if min(min_root(ar), min_root(ma)) < 1.01:
        return math.inf, None
    e = residuals(theta)
    sigma2 = float(np.mean(e ** 2))
    if not np.isfinite(sigma2) or sigma2 <= 0:
        return None
    score = len(z) * math.log(sigma2) + aicc(0.0, k + 1, len(z))
    mean = spread * theta[n_arma] if order.constant else 0.0
    return score, np.concatenate([theta[:n_arma], [mean, sigma2 * spread ** 2]])


# --------------------------------------------------------------------------- search
def stepwise_search(score, seasonal=True, allow_constant=True, max_p=5, max_q=5, max_P=2, max_Q=2,
                    max_order=None, max_models=94, min_P=0, min_Q=0, need_constant=False):
    """Hyndman-Khandakar stepwise search; ``score(order) -> float`` (inf: rejected).

    ``need_constant``: no model without a constant and without AR terms (for a series whose
    level is clearly not zero: such a model forecasts zero after ``q`` steps).

    ``min_P = max_P`` and ``min_Q = max_Q`` hold a given seasonal part fixed; ``max_order``
    bounds ``p + q + P + Q`` (None: no bound, as in auto.arima's stepwise search). Returns
    ``(best, scores)``: the best :class:`Order` and every tried order's score in the order
    they were tried.
    """
    if not seasonal:
        min_P = max_P = min_Q = max_Q = 0
    scores: dict[Order, float] = {}

    def allowed(o):
        return (0 <= o.p <= max_p and 0 <= o.q <= max_q and min_P <= o.P <= max_P and min_Q <= o.Q <= max_Q
                and (max_order is None or o.p + o.q + o.P + o.Q <= max_order)
                and (allow_constant or not o.constant) and (o.constant or not need_constant or o.p + o.P > 0))

    def trial(o):
        if o not in scores and allowed(o) and len(scores) < max_models:
            scores[o] = score(o)
        return scores.get(o, math.inf)

    c = allow_constant

    def start(p, q, P, Q, constant):
        return Order(min(p, max_p), min(q, max_q), min(max(P, min_P), max_P), min(max(Q, min_Q), max_Q),
                     constant)

    for o in (start(2, 2, 1, 1, c), start(0, 0, 0, 0, c), start(1, 0, 1, 0, c), start(0, 1, 0, 1, c),
              start(0, 0, 0, 0, False)):
        trial(o)
    if not scores:
        raise ValueError(f"`max_order` must allow at least the starting models. Received: max_order={max_order}")
    best = min(scores, key=scores.get)
    moves = [(0, 0, -1, 0), (0, 0, 0, -1), (0, 0, 1, 0), (0, 0, 0, 1), (0, 0, -1, -1), (0, 0, -1, 1),
             (0, 0, 1, -1), (0, 0, 1, 1), (-1, 0, 0, 0), (0, -1, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0),
             (-1, -1, 0, 0), (-1, 1, 0, 0), (1, -1, 0, 0), (1, 1, 0, 0), None]
    improved = True
    while improved and len(scores) < max_models:
        improved = False
        for move in moves:
            if move is None:
                cand = best._replace(constant=not best.constant)
            else:
                cand = Order(*(b + s for b, s in zip(best[:4], move)), best.constant)
            if trial(cand) < scores[best]:
                best, improved = cand, True
                break
    return best, scores

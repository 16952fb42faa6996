"""Synthetic series of the shapes real ones take: for pretraining and for tests.

Each series is built from independent parts, each drawn at random (``synthetic_panel``):

=================  ===========================================================================
level              a positive base level (log-uniform over 1 .. 10,000)
trend              a slope of up to +-2 % of the level per step (none for a third of them),
                   damped towards flat for half of the trended ones
seasons            one season of length ``m`` (from ``season_lengths``; ``m = 1``: none), and
                   for a quarter of the seasonal ones a second of length ``k * m``; each a sum
                   of 1-3 harmonics with random phases; additive, or multiplicative (scaling
                   with the level) for half of them
level shift        for a fifth of them, a step of +-(10 .. 50) % of the level at a random row
noise              AR(1) with phi in [-0.3, 0.95], its scale 1 .. 15 % of the level
intermittent       a tenth of them are intermittent demand instead: zero on most steps,
                   gamma-sized demand on a share (5 .. 50 %) of them
=================  ===========================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _seasonal(rng, t, m: int) -> np.ndarray:
    """A zero-mean periodic shape of period ``m`` with amplitude about 1."""
    if m <= 1:
        return np.zeros(len(t))
    shape = np.zeros(len(t))
    for k in range(1, int(rng.integers(1, 4)) + 1):
        if 2 * k > m:
            break
        shape += rng.normal(0, 1 / k) * np.sin(2 * np.pi * k * t / m + rng.uniform(0, 2 * np.pi))
    return shape / max(np.abs(shape).max(), 1e-9)


def synthetic_series(rng, n: int, m: int) -> np.ndarray:
    """One series of ``n`` steps and season ``m`` (the parts of the module docstring)."""
    t = np.arange(n, dtype="float64")
    level = np.exp(rng.uniform(0, np.log(1e4)))
    if rng.random() < 0.1:  # intermittent demand
        occurs = rng.random(n) < rng.uniform(0.05, 0.5)
        return np.where(occurs, rng.gamma(rng.uniform(0.5, 3), level / 10, n), 0.0).round(0)
    slope = 0.0 if rng.random() < 1 / 3 else rng.uniform(-0.02, 0.02) * level
    if slope and rng.random() < 0.5:  # damped: the trend flattens out
        phi = rng.uniform(0.9, 0.99)
        trend = slope * (1 - phi ** t) / (1 - phi)
    else:
        trend = slope * t
    base = level + trend
    if rng.random() < 0.2:  # one level shift
        base = base + np.where(t >= rng.integers(n // 4, max(n // 4 + 1, 3 * n // 4)),
                               rng.choice([-1, 1]) * rng.uniform(0.1, 0.5) * level, 0.0)
    seasons = _seasonal(rng, t, m) * rng.uniform(0.05, 0.5)
    if m > 1 and rng.random() < 0.25:
        seasons += _seasonal(rng, t, m * int(rng.choice([2, 4, 7]))) * rng.uniform(0.05, 0.3)
    multiplicative = rng.random() < 0.5
    noise = np.empty(n)
    phi, scale = rng.uniform(-0.3, 0.95), rng.uniform(0.01, 0.15) * level
    noise[0] = rng.normal(0, scale)
    for i in range(1, n):
        noise[i] = phi * noise[i - 1] + rng.normal(0, scale * np.sqrt(1 - phi ** 2))
    y = base * (1 + seasons) if multiplicative else base + seasons * level
    y = y + noise
    return np.maximum(y, 0.01 * level)  # positive, as most demand and sensor series are


def synthetic_panel(n_series: int, season_lengths=(1, 4, 7, 12, 24), lengths=(30, 500), seed=0) -> pd.DataFrame:
    """``n_series`` synthetic series in long format: ``unique_id``, ``y`` and ``season_length``.

    Examples
    --------
    >>> panel = synthetic_panel(3, seed=1)
    >>> sorted(panel.columns), panel.unique_id.nunique()
    (['season_length', 'unique_id', 'y'], 3)
    """
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_series):
        m = int(rng.choice(season_lengths))
        n = int(np.exp(rng.uniform(np.log(lengths[0]), np.log(lengths[1]))))
        parts.append(pd.DataFrame({"unique_id": f"syn{i}", "y": synthetic_series(rng, n, m), "season_length": m}))
    return pd.concat(parts, ignore_index=True)


__all__ = ["synthetic_panel", "synthetic_series"]

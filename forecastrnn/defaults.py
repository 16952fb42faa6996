"""Settings chosen from the data: what ``"auto"`` means for the recurrent models and the CLI.

Pure functions of a few numbers (rows, season, horizon), so the rules are easy to read,
test and print. The table in README.md ("Defaults that fit the data") is this module.
"""

from __future__ import annotations

import math

AUTO = "auto"

# By the number of training windows. The thresholds were set by hand, before measuring:
# small data gains most from averaging several networks and costs little to train; from
# 10,000 windows one network in big batches keeps the training of the README's main command
# under 3 minutes on 2 CPU cores. What they gained is measured in BENCHMARKS.md
# (bench_collection.py --cli-args "--n-models k").
ENSEMBLE_SIZES = ((2_000, 5), (5_000, 3), (10_000, 2), (math.inf, 1))
BATCH_SIZES = ((1_000, 32), (4_000, 64), (10_000, 128), (math.inf, 256))


def _auto(value) -> bool:
    return isinstance(value, str) and value == AUTO


def _by_size(table, n_windows: int) -> int:
    return next(value for limit, value in table if n_windows < limit)


WEEKLY_HORIZON = 13  # a quarter of a year: M4's weekly horizon


def default_horizon(season_length: int, n_rows: int | None = None) -> int:
    """One season ahead, or 10 steps for data without a season, but 13 weeks for weekly data
    (M4's weekly horizon: a year of weeks ahead left two or three years of weekly history no
    row for validation windows, and every model but seasonal naive its anchor); for data of
    ``n_rows`` rows at most ``n_rows // 3`` (at least 1), so that two horizons come before
    the test (20 yearly rows: 6, M4's yearly horizon)."""
    horizon = WEEKLY_HORIZON if season_length == 52 else season_length if season_length > 1 else 10
    return horizon if n_rows is None else max(1, min(horizon, int(n_rows) // 3))


def default_window(n_rows: int, horizon: int, season_length: int = 1) -> int:
    """Look-back: ``max(2 * horizon, 3 * season)``, at least a week for hourly data, and at
    most a fifth of the training rows (but never below one season or one horizon)."""
    m = max(int(season_length), 1)
    window = max(2 * horizon, 3 * m, 168 if m == 24 else 0)
    return max(min(window, n_rows // 5), m, horizon, 2)


def network_settings(n_rows: int, horizon: int, season_length: int = 1, pick_anchor=None, *,
                     window=AUTO, units=AUTO, epochs=AUTO, batch_size=AUTO, n_models=AUTO,
                     anchor=AUTO) -> dict:
    """Resolve every ``"auto"`` setting of a recurrent forecaster; explicit values pass through.

    Parameters
    ----------
    n_rows : int
        Rows the network trains on (before its validation and calibration rows).
    horizon, season_length : int
    pick_anchor : callable, optional
        ``pick_anchor(window) -> str``: the anchor for ``"auto"`` (the forecasters pass
        :func:`forecastrnn.data.season.best_anchor` on the training rows); default ``"last"``.
    window, units, epochs, batch_size, n_models, anchor : "auto" or a value

    Returns
    -------
    dict
        ``window``, ``units``, ``epochs``, ``batch_size``, ``n_models``, ``anchor`` and the
        ``season_length`` the anchor uses.

    Rules
    -----
    ============  ==============================================================================
    window        ``max(2 * horizon, 3 * season)``; hourly at least 168 (a week); at most
                  ``n_rows // 5``, at least one season and one horizon
    anchor        of the last value, the window's mean, seasonal naive and the seasons'
                  mean, the simple forecast with the lowest error on the training rows
                  (``best_anchor``)
    units         32
    batch_size    32 below 1,000 training windows, 64 below 4,000, 128 below 10,000, else 256
    epochs        ``200,000 / windows`` clipped to [20, 200] (early stopping ends most runs)
    n_models      5 below 2,000 windows, 3 below 5,000, 2 below 10,000, else 1
    ============  ==============================================================================
    """
    m = max(int(season_length), 1)
    window = default_window(n_rows, horizon, m) if _auto(window) else window
    n_windows = max(n_rows - window - horizon + 1, 1)
    if _auto(anchor):
        anchor = pick_anchor(window) if pick_anchor is not None else "last"
    return {
        "window": window,
        "anchor": anchor,
        "season_length": m,
        "units": 32 if _auto(units) else units,
        "batch_size": _by_size(BATCH_SIZES, n_windows) if _auto(batch_size) else batch_size,
        "epochs": int(min(max(200_000 // n_windows, 20), 200)) if _auto(epochs) else epochs,
        "n_models": _by_size(ENSEMBLE_SIZES, n_windows) if _auto(n_models) else n_models,
    }


def shape_settings(n_series: int, timed: bool, normalize=AUTO, calendar=AUTO, interval_scale=AUTO,
                   has_spread: bool = True, loss=AUTO) -> dict:
    """The settings of a recurrent forecaster that follow the shape of the data.

    ===============  ========================================================================
    normalize        ``"window"`` for several series (M4 hourly validation OWA 0.544 against
                     0.811, ETTh1 as seven series MASE 0.846 against 0.970), ``"last"`` with
                     an anchor on one series (the setting the collection and ETTh1 chose)
    calendar         the calendar cycles as known-future inputs for several series with
                     timestamps (ETTh1 as seven series: MASE 0.970 against 0.992); off on one
                     series, whose seasonal anchor carries the cycle
    interval_scale   ``"spread"`` (ensemble and dropout spread) on one series when the model
                     has members or dropout, else ``"series"``
    loss             ``"mae"`` for several series (M3 validation sMAPE 13.89 against 14.47 with
                     MSE, better in every category; the M4 hourly recipe), ``"mse"`` on one
                     series (the setting the collection and ETTh1 were tuned with)
    ===============  ========================================================================
    """
    many = n_series > 1
    return {"normalize": ("window" if many else "last") if _auto(normalize) else normalize,
            "calendar": (many and timed) if _auto(calendar) else calendar is not None and timed,
            "interval_scale": ("spread" if not many and has_spread else "series") if _auto(interval_scale)
            else interval_scale,
            "loss": ("mae" if many else "mse") if _auto(loss) else loss}


def backtest_plan(n_rows: int, horizon: int, n_windows=None, test_size=None) -> dict:
    """Test origins of a backtest: ``n_windows`` origins every ``horizon`` steps at the end.

    Default: up to 10 origins within the last quarter of the rows. ``test_size`` (a fraction
    below 1 or a number of rows) sets the span instead; giving both is an error.
    """
    if test_size is not None and n_windows is not None:
        raise ValueError("Give either `n_windows` or `test_size`, not both. "
                         f"Received: n_windows={n_windows}, test_size={test_size}")
    step = horizon
    if test_size is not None:
        if test_size <= 0 or (test_size >= 1 and test_size != int(test_size)):
            raise ValueError("`test_size` must be a fraction in (0, 1) or a whole number of rows. "
                             f"Received: {test_size}")
        rows = int(round(test_size * n_rows)) if test_size < 1 else int(test_size)
        if rows < horizon:
            raise ValueError(f"`test_size` must cover at least one horizon ({horizon} rows). "
                             f"Received: {rows} rows")
        n_windows = (rows - horizon) // step + 1
    elif n_windows is None:
        n_windows = max(1, min(10, (n_rows // 4 - horizon) // step + 1))
    test_rows = horizon + step * (n_windows - 1)
    return {"horizon": horizon, "step": step, "n_windows": n_windows, "test_rows": test_rows,
            "train_rows": n_rows - test_rows}

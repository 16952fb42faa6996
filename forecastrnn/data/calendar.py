"""Calendar features: known-future inputs computed from timestamps alone.

The hour of the day, the day of the week or the month of a future step is known when the
forecast is made, whatever the target does, so a model may read it for the steps it
forecasts. Each cycle is encoded as a sine/cosine pair, so that 23:00 lies next to 00:00 and
December next to January. Which cycles are used depends on the frequency: a cycle shorter
than two steps carries no information (the hour of daily data), one much longer than the
data's usual history adds little (the month of hourly data).

=====================  ================================================
step                   cycles
=====================  ================================================
under a day            hour of day, day of week
a day                  day of week, day of year
a week                 week of year
a month                month of year
a quarter              quarter of year
a year or more         none
=====================  ================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_CYCLES = {  # name: (fraction of the cycle elapsed at each timestamp)
    "hour": lambda t: (t.hour + t.minute / 60) / 24,
    "dayofweek": lambda t: t.day_of_week / 7,
    "dayofyear": lambda t: (t.day_of_year - 1) / 365.25,
    "month": lambda t: (t.month - 1) / 12,
    "quarter": lambda t: (t.quarter - 1) / 4,
}


def calendar_cycles(freq) -> list[str]:
    """The cycles worth encoding for data of frequency ``freq`` (None: no timestamps, none)."""
    if freq is None:
        return []
    days = pd.Series(pd.date_range("2001-01-01", periods=5, freq=freq)).diff().dt.total_seconds().mean() / 86400
    for limit, cycles in ((0.99, ["hour", "dayofweek"]), (1.01, ["dayofweek", "dayofyear"]),
                          (7.01, ["dayofyear"]), (31.01, ["month"]), (92.01, ["quarter"])):
        if days < limit:
            return cycles
    return []


def calendar_features(index, cycles) -> np.ndarray:
    """``(len(index), 2 * len(cycles))`` sine and cosine of each cycle at each timestamp.

    Examples
    --------
    >>> index = pd.date_range("2024-01-01", periods=3, freq="6h")
    >>> calendar_features(index, ["hour"]).round(3).tolist()
    [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0]]
    """
    index = pd.DatetimeIndex(index)
    columns = []
    for name in cycles:
        angle = 2 * np.pi * np.asarray(_CYCLES[name](index), dtype="float64")
        columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns) if columns else np.empty((len(index), 0))


__all__ = ["calendar_cycles", "calendar_features"]

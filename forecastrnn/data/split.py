"""Chronological train / validation / test split: by time, never shuffled across a boundary."""

from __future__ import annotations

import numbers
from typing import NamedTuple

import pandas as pd


class Split(NamedTuple):
    """Three consecutive, non-overlapping pieces of one series, in time order."""

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame


def _n_rows(size, n: int, name: str) -> int:
    """A row count, or a fraction in [0, 1) of ``n`` rounded to whole rows."""
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(f"`{name}` must be a fraction in [0, 1) or a number of rows. "
                        f"Received: {name}={size!r}")
    if isinstance(size, numbers.Integral):
        if size < 0:
            raise ValueError(f"`{name}` must be >= 0. Received: {name}={size}")
        return int(size)
    if not 0 <= size < 1:
        raise ValueError(f"`{name}` as a fraction must lie in [0, 1). Received: {name}={size}")
    return int(round(size * n))


def split_series(frame: pd.DataFrame, validation_size=0.1, test_size=0.2, window: int = 1,
                 horizon: int = 1) -> Split:
    """Split a frame into consecutive train, validation and test pieces.

    Each size is a fraction of all rows (float in ``[0, 1)``) or a number of rows (int).
    The pieces keep the frame's order and ``attrs``; nothing is shuffled. Validation and
    test windows may take their *inputs* from the rows before them (the past is observed),
    but their *targets* lie inside their own piece, so the training piece must hold at least
    one full window (``window + horizon`` rows) and every non-empty later piece at least
    ``horizon`` rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`forecastrnn.data.read_series`, shape ``(n_steps, n_columns)``.
    validation_size, test_size : float or int
        Fraction of rows or number of rows for each later piece (0 for none).
    window, horizon : int
        Input length and forecast length the pieces must accommodate.

    Returns
    -------
    Split
        ``(train, validation, test)``, each a DataFrame slice of ``frame``.

    Raises
    ------
    ValueError
        When the pieces cannot hold the requested window and horizon; the message says how
        many rows would be needed.
    """
    n = len(frame)
    n_val = _n_rows(validation_size, n, "validation_size")
    n_test = _n_rows(test_size, n, "test_size")
    n_train = n - n_val - n_test
    needed = window + horizon + (horizon if n_val else 0) + (horizon if n_test else 0)
    if n_train < window + horizon or 0 < n_val < horizon or 0 < n_test < horizon:
        raise ValueError(
            f"Too little data for window={window} and horizon={horizon}: the training piece needs "
            f"at least {window + horizon} rows and each non-empty validation/test piece at least "
            f"{horizon} (at least {needed} rows in all). Received: {n} rows split into "
            f"train={n_train}, validation={n_val}, test={n_test}"
        )
    return Split(frame.iloc[:n_train], frame.iloc[n_train:n_train + n_val],
                 frame.iloc[n_train + n_val:])

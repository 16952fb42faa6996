"""Many series laid end to end: the form a global model computes on.

A panel of 100,000 series must not cost 100,000 Python objects: :class:`Stack` holds every
series' rows in one array, series after series, with their lengths and timestamps, so that
scaling, calendar features and window starts are whole-array operations. Training windows
are start indices into it that never cross from one series into the next
(:func:`window_starts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastrnn.data.io import numbered_by
from forecastrnn.data.panel import freq_step


def named_series(series) -> dict:
    """``{name: float64 pandas.Series}`` from a dict of series, a list of them or a wide DataFrame.

    A list gets the names ``"0", "1", ...``; a DataFrame gives one series per column, without
    the NaN before its first and after its last value (ragged wide tables). A series keeps
    its ``DatetimeIndex`` when it has one, else it is indexed by position. Missing values
    inside a series are kept (the model fills and flags them); a series with no value is an
    error, and so are two keys that give the same name (``1`` and ``"1"``).
    """
    if isinstance(series, pd.DataFrame):
        items = {c: series[c] for c in series.columns}
    elif isinstance(series, Mapping):
        items = dict(series)
    elif isinstance(series, (list, tuple)):
        items = dict(enumerate(series))
    else:
        raise TypeError("`series` must be a dict or list of 1-D series, or a wide DataFrame (one series "
                        f"per column). Received: {type(series).__name__}")
    if not items:
        raise ValueError("`series` must hold at least one series. Received: none")
    out = {}
    for key, values in items.items():
        name = str(key)
        if name in out:
            raise ValueError(f"Series names must be distinct as text. Received: two series named {name!r}")
        index = values.index if isinstance(values, pd.Series) and isinstance(values.index, pd.DatetimeIndex) else None
        try:
            array = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            raise ValueError(f"Series {name!r} must be numeric. Received: {np.asarray(values).dtype}") from None
        if array.ndim != 1:
            raise ValueError(f"Series {name!r} must be 1-D. Received: shape={array.shape}")
        valid = np.flatnonzero(~np.isnan(array))
        if not valid.size:
            raise ValueError(f"Series {name!r} has no values. Received: {len(array)} missing value(s)")
        keep = slice(valid[0], valid[-1] + 1) if isinstance(series, pd.DataFrame) else slice(None)
        out[name] = pd.Series(array[keep], index=None if index is None else index[keep])
    return out


@dataclass
class Stack:
    """Many series laid end to end, the form the global model computes on (no per-series objects).

    ``values`` holds the rows of every series, series after series, in the model's columns;
    ``index`` their timestamps (a ``DatetimeIndex``) or positions (integers).
    """

    keys: list
    lengths: np.ndarray
    values: np.ndarray
    index: pd.Index

    @property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype("int64")

    @property
    def segments(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.keys)), self.lengths)

    @property
    def timed(self) -> bool:
        return isinstance(self.index, pd.DatetimeIndex)

    def tail(self, n: int) -> "Stack":
        """The last ``n`` rows of every series (all of a shorter one)."""
        position = np.arange(len(self.values)) - self.starts[self.segments]
        keep = position >= (self.lengths - n)[self.segments]
        return Stack(list(self.keys), np.minimum(self.lengths, n), self.values[keep], self.index[keep])

    def frames(self, columns) -> dict:
        """``{id: DataFrame}``, one per series."""
        return {key: pd.DataFrame(self.values[a:a + n], index=self.index[a:a + n], columns=list(columns))
                for key, a, n in zip(self.keys, self.starts, self.lengths)}

    @classmethod
    def from_frames(cls, frames: dict, columns) -> "Stack":
        parts = list(frames.values())
        index = parts[0].index.append([f.index for f in parts[1:]]) if len(parts) > 1 else parts[0].index
        values = np.concatenate([f[list(columns)].to_numpy(dtype="float64") for f in parts])
        return cls(list(frames), np.array([len(f) for f in parts], dtype="int64"), values, index)

    @classmethod
    def from_panel(cls, panel: pd.DataFrame, columns) -> "Stack":
        """From a :func:`read_panel` frame (each series' rows together, in time order)."""
        codes, uniques = pd.factorize(panel[panel.attrs["id_col"]], sort=False)
        order = np.argsort(codes, kind="stable")  # a no-op for read_panel's frames
        lengths = np.bincount(codes).astype("int64")
        values = panel[list(columns)].to_numpy(dtype="float64")[order]
        time_col, numbered = panel.attrs["time_col"], numbered_by(panel.attrs)
        if time_col is not None:
            index = pd.DatetimeIndex(panel[time_col].to_numpy()[order], freq=None)
        elif numbered is not None:  # positions that keep the file's numbering (ds = 1, 2, 3 ...)
            index = pd.Index(panel[numbered].to_numpy(dtype="int64")[order])
        else:
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            index = pd.Index(np.arange(len(values)) - np.repeat(starts, lengths))
        return cls([str(u) for u in uniques], lengths, values, index)

    def take(self, first: int, end: int) -> "Stack":
        """The series ``first .. end - 1`` (their rows are contiguous: no copy of the values)."""
        starts = self.starts
        lo = int(starts[first]) if first < len(starts) else len(self.values)
        hi = int(starts[end - 1] + self.lengths[end - 1]) if end > first else lo
        return Stack(self.keys[first:end], self.lengths[first:end], self.values[lo:hi], self.index[lo:hi])

    def groups(self, max_rows: int, extra_rows: int = 0):
        """``(first, end)`` ranges of consecutive series holding about ``max_rows`` rows each
        (counting ``extra_rows`` more per series); a longer series is a group of its own."""
        cumulative = np.cumsum(self.lengths + extra_rows)
        first = 0
        while first < len(self.lengths):
            base = cumulative[first - 1] if first else 0
            end = max(first + 1, int(np.searchsorted(cumulative, base + max_rows, side="right")))
            yield first, end
            first = end

    def future_index(self, freq, horizon: int) -> np.ndarray:
        """``(n_series, horizon)`` timestamps (or positions) after each series' end."""
        last = self.index[self.starts + self.lengths - 1]
        if not self.timed:
            return np.asarray(last, dtype="int64")[:, None] + np.arange(1, horizon + 1)
        if freq is None:
            raise ValueError("The series have timestamps but no regular frequency could be inferred. "
                             "Received: series too short to infer one; read them with read_panel(freq=...)")
        step = pd.tseries.frequencies.to_offset(freq)
        return np.stack([(last + k * step).to_numpy(dtype="datetime64[ns]") for k in range(1, horizon + 1)], axis=1)


class StackWriter:
    """Builds one :class:`Stack` from consecutive pieces into arrays allocated once (no second
    copy of the whole, as a concatenation would make): the tails of a streamed panel."""

    def __init__(self, n_rows: int, n_columns: int):
        self.values = np.empty((n_rows, n_columns))
        self.stamps = np.empty(n_rows, dtype="int64")
        self.keys, self.lengths, self.timed, self.rows = [], [], False, 0

    def append(self, piece: "Stack"):
        end = self.rows + len(piece.values)
        self.values[self.rows:end] = piece.values
        self.stamps[self.rows:end] = piece.index.as_unit("ns").asi8 if piece.timed else np.asarray(piece.index)
        self.keys += piece.keys
        self.lengths.append(piece.lengths)
        self.timed, self.rows = piece.timed, end

    def stack(self) -> "Stack":
        stamps = self.stamps[:self.rows]  # views, no copy (pandas copies unless told not to)
        index = (pd.DatetimeIndex(stamps.view("datetime64[ns]"), copy=False) if self.timed
                 else pd.Index(stamps, copy=False))
        return Stack(self.keys, np.concatenate(self.lengths), self.values[:self.rows], index)


def common_freq(frames: dict):
    """The frequency shared by the frames' DatetimeIndexes (None when any has positions)."""
    freqs = set()
    for frame in frames.values():
        if not isinstance(frame.index, pd.DatetimeIndex):
            return None
        freqs.add(frame.index.freqstr or (pd.infer_freq(frame.index) if len(frame) >= 3 else None))
    freqs.discard(None)
    if len({freq_step(f) for f in freqs}) > 1:
        raise ValueError(f"All series must share one frequency. Received: {sorted(freqs)}")
    return freqs.pop() if freqs else None


def window_starts(spec, targets, n_train: int, n_val: int, offset: int = 0):
    """Training and validation window starts of one series (``targets`` its scaled target rows).

    Training windows end inside the first ``n_train`` rows; validation windows have all their
    targets in the next ``n_val``; windows with a missing target are skipped. ``offset`` is
    where the series begins in the stacked rows, so no window crosses into another series.
    """
    n = len(targets)
    train = spec.starts(n, targets, end=n_train)
    val = spec.starts(n, targets, first_target=n_train, end=n_train + n_val) if n_val else train[:0]
    return train + offset, val + offset


def stacked_window_starts(spec, targets, blocks, lengths, n_train, n_val, pads=None):
    """:func:`window_starts` of every series of a stacked layout at once, without a loop over series.

    Parameters
    ----------
    spec : WindowSpec
    targets : array (n_rows, n_targets)
        The stacked target rows (NaN where missing).
    blocks, lengths, n_train, n_val : arrays of int (n_series,)
        Where each series' first row is in ``targets``, its rows, and its training and validation rows.
    pads : array of int (n_series,), optional
        Masked rows laid before each series: its windows may start that far before its first row.

    Returns
    -------
    train, val : numpy.ndarray of int64
        The starts of :func:`window_starts` for every series, series after series.
    """
    blocks, lengths = np.asarray(blocks, dtype="int64"), np.asarray(lengths, dtype="int64")
    n_train, n_val = np.asarray(n_train, dtype="int64"), np.asarray(n_val, dtype="int64")
    pads = np.zeros_like(lengths) if pads is None else np.asarray(pads, dtype="int64")
    counts = np.maximum(0, (lengths + pads - spec.span) // spec.stride + 1)
    series = np.repeat(np.arange(len(lengths)), counts)
    local = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) * spec.stride - pads[series]
    missing = np.isnan(np.asarray(targets, dtype="float64").reshape(len(targets), -1)).any(axis=1)
    cumulative = np.concatenate([[0], np.cumsum(missing)])
    starts = blocks[series] + local
    complete = cumulative[starts + spec.span] == cumulative[starts + spec.window]
    end_train, end_val = n_train[series], (n_train + n_val)[series]
    train = complete & (local + spec.span <= end_train)
    val = complete & (n_val[series] > 0) & (local + spec.window >= end_train) & (local + spec.span <= end_val)
    return starts[train], starts[val]


__all__ = ["Stack", "StackWriter", "common_freq", "named_series", "stacked_window_starts", "window_starts"]

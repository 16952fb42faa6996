"""The encoder of the network core (:mod:`forecastrnn.models.core`).

Series laid end to end, each after its padding rows and followed by ``horizon`` rows for its
known-future inputs. Every window step holds ``[targets | past covariates | observed
indicators | known-future inputs | series code]``: scaled per series (on its training rows; a
series never trained on, on its rows before its first origin), missing values filled and
flagged (the targets always have an indicator), known-future inputs (``known_future``
columns, calendar cycles, the two phase columns of a network started from the pretrained one)
**shifted by the horizon**: step ``t`` carries step ``t + horizon``'s values and nothing else
about the future. ``target_transform="log"`` takes logs first.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd

from forecastrnn.data.calendar import calendar_features
from forecastrnn.data.io import _indicator_of, _input_columns, _to_frame
from forecastrnn.data.masking import add_missing_indicators, carried_forward
from forecastrnn.data.panel import freq_step
from forecastrnn.data.scaling import Scaler, segment_coefficients
from forecastrnn.data.stack import Stack
from forecastrnn.data.windows import check_positive_int
from forecastrnn.models.base import MIN_INPUT_ROWS
from forecastrnn.models.calibration import held_out_rows

TARGET_TRANSFORMS = (None, "log")


def names_of(value, name: str) -> list:
    """A column name or a list of them as a list (None: empty)."""
    if value is None:
        return []
    names = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"`{name}` must be a column name or a list of them. Received: {name}={value!r}")
    return names


class SeriesEncoder:
    """The encoding half of the core (a mixin of :class:`forecastrnn.models.core.NetworkCore`)."""

    # ------------------------------------------------------------------ reading
    def _columns(self) -> list:
        return self.target_ + self.features_ + self.known_future_

    def _in_model_units(self, stack: Stack) -> Stack:
        """``stack`` with its target columns in the units the model works in (``target_transform``)."""
        if self.target_transform not in TARGET_TRANSFORMS:
            raise ValueError(f"`target_transform` must be one of {list(TARGET_TRANSFORMS)}. "
                             f"Received: target_transform={self.target_transform!r}")
        if self.target_transform is None:
            return stack
        n_targets = len(self.target_)
        y = stack.values[:, :n_targets]
        bad = (y <= 0).any(axis=1)  # NaN (missing) compares False and stays missing
        if bad.any():
            i = int(np.argmax(bad))
            segment = stack.segments[i]
            raise ValueError(f"target_transform='log' needs positive target values. Received: "
                             f"{np.nanmin(y[i]):g} in series {stack.keys[segment]!r} at row {i - stack.starts[segment]}")
        values = stack.values.copy()
        values[:, :n_targets] = np.log(y)
        return dataclasses.replace(stack, values=values)

    def _from_model_units(self, forecast):
        return np.exp(forecast) if self.target_transform == "log" else forecast

    def _check_freq(self, freq):
        if self.freq_ is not None and freq is not None and freq_step(freq) != freq_step(self.freq_):
            raise ValueError(f"The series must have the training frequency {self.freq_!r}. "
                             f"Received: frequency {freq!r}")

    # --------------------------------------------------------------- encoding
    def _layout(self, stack: Stack, scale, offset, codes, future=None, pads=None):
        """Network inputs and scaled targets of every series, each after ``pads[i]`` masked
        rows and followed by ``horizon`` future rows, with whole-array operations only.

        Returns
        -------
        inputs : float32 (n_rows, n_inputs)
        targets : float32 (n_rows, n_targets), NaN on padding and future rows
        blocks : int64 (n_series,)
            Where each series' first real row is.
        """
        h, n, n_targets = self.horizon, stack.lengths, len(self.target_)
        n_series = len(n)
        pads = np.zeros(n_series, dtype="int64") if pads is None else np.asarray(pads, dtype="int64")
        sizes = pads + n + h
        blocks = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype("int64") + pads
        total = int(sizes.sum())
        series_rows = np.arange(len(stack.values)) - stack.starts[stack.segments] + blocks[stack.segments]
        future_rows = ((blocks + n)[:, None] + np.arange(h)).ravel()
        segment = np.repeat(np.arange(n_series), sizes)
        values = np.full((total, stack.values.shape[1]), np.nan)
        values[series_rows] = stack.values
        n_observed = n_targets + len(self.features_)
        if future is not None:
            values[future_rows, n_observed:] = future.reshape(n_series * h, -1)
        scaled = values * scale[segment] + offset[segment]
        inputs = scaled[:, :n_observed].copy()
        # a missing target reads as its series' last observed value, as a naive forecast takes it (its
        # indicator channel says it was filled): with the mean instead, a window ending on a missing
        # value was anchored at the series' mean level
        inputs[:, :n_targets] = carried_forward(inputs[:, :n_targets], blocks[segment] - pads[segment])
        observed = add_missing_indicators(inputs, self.indicator_columns_)
        if pads.any():  # padding reads as the series' first row, flagged as not observed
            first = np.repeat(blocks, pads)
            rows = first - pads.repeat(pads) + np.arange(int(pads.sum())) - np.repeat(np.cumsum(pads) - pads, pads)
            observed[rows, :n_observed] = observed[first, :n_observed]
        parts = [observed]
        known = scaled[:, n_observed:]
        if self.calendar_:
            times = np.full(total, np.datetime64("NaT"), dtype="datetime64[ns]")
            times[series_rows] = stack.index.to_numpy(dtype="datetime64[ns]")
            times[future_rows] = stack.future_index(self.freq_, h).ravel().astype("datetime64[ns]")
            known = np.column_stack([known, calendar_features(pd.DatetimeIndex(times), self.calendar_)])
        if self.settings_.get("init"):  # started from the pretrained network (models.warm_start):
            known = np.column_stack([known, np.zeros((total, 2))])  # its phase columns, zeros as it was pretrained
        if known.shape[1]:  # row t carries the known-future values of row t + horizon of its series
            shifted = np.zeros_like(known)
            shifted[:total - h] = np.nan_to_num(known[h:])
            shifted[future_rows] = 0.0
            parts.append(shifted)
        if self.id_embedding:
            parts.append(np.asarray(codes, dtype="float64")[segment][:, None])
        return np.concatenate(parts, axis=1).astype("float32"), scaled[:, :n_targets].astype("float32"), blocks

    def _pads(self, room) -> np.ndarray:
        """Masked rows to put before series with only ``room`` rows before their first window
        end or origin: ``window - MIN_INPUT_ROWS`` where ``room`` falls short of a window, else 0."""
        return np.where(np.asarray(room) < self.window_, self.window_ - MIN_INPUT_ROWS, 0).astype("int64")

    def _coefficients(self, stack: Stack, first_origins):
        """``(scale, offset)`` of every series: the training scaler of a series trained on, else
        one fitted on its rows before ``first_origins[i]`` (vectorised over the new series; its
        static covariates take the training panel's coefficients)."""
        k = len(self._columns())
        scale, offset = np.ones((len(stack.keys), k)), np.zeros((len(stack.keys), k))
        rows = self.scalers_.positions(stack.keys)
        known = rows >= 0
        scale[known], offset[known] = self.scalers_.scale[rows[known]], self.scalers_.offset[rows[known]]
        if not known.all():
            position = np.arange(len(stack.values)) - stack.starts[stack.segments]
            new = ~known[stack.segments] & (position < np.asarray(first_origins)[stack.segments])
            slots = np.cumsum(~known) - 1
            s, o, empty = segment_coefficients(stack.values[new], slots[stack.segments[new]],
                                               int((~known).sum()), self.scaler)
            mask, static_scale, static_offset = self._static()  # a static covariate: the training panel's scaler
            scale[~known], offset[~known] = np.where(mask, static_scale, s), np.where(mask, static_offset, o)
        return scale, offset

    def _held_out(self, lengths):
        """``(n_train, n_val, n_cal)`` rows of every series (arrays like ``lengths``)."""
        horizon = check_positive_int(self.horizon, "horizon")
        held = {int(n): held_out_rows(int(n), self.validation_size, self.calibration_size, horizon,
                                      min_train=horizon + MIN_INPUT_ROWS)
                for n in np.unique(lengths)}
        n_val = np.array([held[int(n)][0] for n in lengths], dtype="int64")
        n_cal = np.array([held[int(n)][1] for n in lengths], dtype="int64")
        return lengths - n_val - n_cal, n_val, n_cal

    def _statistics(self, stack: Stack, n_train):
        """``(missing, scale, offset, levels)`` from the training rows of every series: which
        observed columns have missing training values, each series' scaler coefficients, and
        each series' value of every covariate column (``(n_series, n_covariates)``; NaN where
        it takes more than one value in those rows, or none)."""
        segments, n_targets = stack.segments, len(self.target_)
        training = (np.arange(len(stack.values)) - stack.starts[segments]) < n_train[segments]
        missing = np.isnan(stack.values[training, :n_targets + len(self.features_)]).any(axis=0)
        scale, offset, empty = segment_coefficients(stack.values[training], segments[training], len(stack.keys),
                                                    self.scaler)
        if empty[:, :n_targets + len(self.features_)].any():
            i, j = np.argwhere(empty)[0]
            raise ValueError(f"Series {stack.keys[i]!r}: every column needs at least one observed training value. "
                             f"Received: only NaN in {self._columns()[j]!r}")
        levels = np.full((len(stack.keys), stack.values.shape[1] - n_targets), np.nan)
        if levels.shape[1]:
            grouped = pd.DataFrame(stack.values[training, n_targets:]).groupby(segments[training])
            low, high = grouped.min(), grouped.max()
            levels[low.index] = np.where(low.to_numpy() == high.to_numpy(), low.to_numpy(), np.nan)
        return missing, scale, offset, levels

    def _settle_static(self, scale, offset, levels, inherited=None):
        """The coefficients of every series with those of its *static* covariates (columns
        constant within every series' training rows: a shop's type, a code per series) replaced
        by one scaler over the series' values of them: per series, a static column would scale
        to zero and tell the network nothing. ``inherited`` (``settings_["static"]`` of the
        network whose weights this fit starts from) is kept instead. Sets ``settings_["static"]``."""
        names = self._columns()[len(self.target_):]
        if inherited is not None and set(inherited["columns"]) <= set(names):
            static = inherited
        else:
            columns = [j for j in range(len(names)) if not np.isnan(levels[:, j]).any()]
            static = None
            if columns and self.scaler != "none":
                fitted = Scaler(self.scaler).fit(levels[:, columns])
                static = {"columns": [names[j] for j in columns], "scale": fitted.scale_.tolist(),
                          "offset": fitted.offset_.tolist()}
        self.settings_["static"] = static
        mask, s, o = self._static()
        return np.where(mask, s, scale), np.where(mask, o, offset)

    def _static(self):
        """``(mask, scale, offset)`` over the columns: the static covariates
        (:meth:`_settle_static`) and their coefficients (scale 1 and offset 0 elsewhere)."""
        columns = self._columns()
        mask, scale, offset = np.zeros(len(columns), bool), np.ones(len(columns)), np.zeros(len(columns))
        static = self.settings_.get("static")
        if static:
            j = [columns.index(c) for c in static["columns"]]
            mask[j], scale[j], offset[j] = True, static["scale"], static["offset"]
        return mask, scale, offset

    def _future_values(self, future, stack: Stack, steps=None):
        """``(n_series, horizon, n_known)`` known-future values from the ``future`` table, the
        rows of each series matched to its next ``horizon`` timestamps (positions without time).
        ``steps`` < ``horizon`` (a shorter forecast): only the first ``steps`` rows are needed;
        the network still reads all ``horizon``, so the rows after them that ``future`` does
        not give read as the last row it gives (carried forward, said in a warning)."""
        if not self.known_future_ or future is None:
            return None
        steps = self.horizon if steps is None else int(steps)
        table = future if isinstance(future, pd.DataFrame) else _to_frame(future)[0]
        id_name, time_name = self.columns_[0], self.columns_[1]
        if id_name not in table.columns:
            if len(stack.keys) != 1:
                raise ValueError(f"`future` must have the id column {id_name!r}. Received: columns {list(table.columns)}")
            table = table.assign(**{id_name: stack.keys[0]})
        if time_name not in table.columns and isinstance(table.index, pd.DatetimeIndex):
            table = table.rename_axis(time_name).reset_index()
        absent = [c for c in self.known_future_ if c not in table.columns and _indicator_of(c, table) is None]
        if absent:
            raise ValueError(f"`future` must have the columns {self.known_future_}. Received: no {absent}")
        expected = stack.future_index(self.freq_, self.horizon)
        groups = {str(k): g for k, g in table.groupby(table[id_name].astype(str), sort=False)}
        out, filled = np.empty((len(stack.keys), self.horizon, len(self.known_future_))), []
        for i, key in enumerate(stack.keys):
            rows = groups.get(key, table.iloc[:0])
            if stack.timed and time_name in rows.columns:
                rows = rows.set_index(pd.to_datetime(rows[time_name]).to_numpy()).reindex(expected[i])
            else:
                rows = rows.iloc[:self.horizon]
            values = _input_columns(rows, self.known_future_).to_numpy(dtype="float64")  # text: its indicators
            values = np.concatenate([values, np.full((self.horizon - len(values), values.shape[1]), np.nan)])
            given = ~np.isnan(values).any(axis=1)
            if not given[:steps].all():
                raise ValueError(f"Series {key!r}: `future` must give {self.known_future_} for each of the next "
                                 f"{steps} steps{' (matched by time)' * stack.timed}. Received: "
                                 f"{int(given[:steps].sum())} of them")
            if not given.all():
                filled.append(int(given.sum()))
                values[~given] = np.nan
                values = carried_forward(values, np.zeros(len(values), dtype="int64"))
            out[i] = values
        if filled:
            warnings.warn(f"`future` gives {self.known_future_} for {min(filled)} of the {self.horizon} steps the "
                          "network reads (its trained horizon): the steps it does not give read the values of the "
                          "last one it gives", RuntimeWarning, stacklevel=3)
        return out

    def _update_tails(self, stack: Stack):
        frames = self.tails_.frames(self._columns())
        frames.update(stack.tail(self.window_).frames(self._columns()))
        self.tails_ = Stack.from_frames(frames, self._columns())

"""``GlobalRNNForecaster``: one recurrent network trained on the windows of many series.

A collection of related series (the 414 hourly series of M4, the sales of many shops) often
has too little history per series for a network of its own, but plenty in total. A global
model learns one set of weights from the windows of all of them.

Inputs of every window step
---------------------------
``[target | past covariates | observed indicators | known-future inputs | series code]``

* the target and the past covariates (``features``: observed up to the origin only) are
  scaled per series, by a scaler fitted on that series' training rows;
* a missing value is filled with 0 and flagged by an indicator channel (1 = observed), for
  every column that had missing training values, as in ``RNNForecaster``; windows whose
  targets are missing are never trained on;
* known-future inputs are the calendar cycles of the timestamps (``calendar="auto"``:
  hour of day, day of week, month ... by frequency, see :mod:`forecastrnn.data.calendar`)
  and the user's ``known_future`` columns (a promotion plan, a holiday flag), scaled per
  series. They are fed **shifted by the horizon**: window step ``t`` carries the values of
  step ``t + horizon``, so the last ``horizon`` steps of a window carry exactly the forecast
  steps' values, and nothing else about the future is read;
* ``id_embedding=k``: the series as a learned ``k``-vector (a series not trained on gets
  the zero vector).

Inside the network (``normalize="window"``, the default), each window's target channel is
deseasonalised, centred and scaled by the window's own seasonal indices, level and scale, which
are put back on the output (:func:`forecastrnn.data.season.window_normalization`).

The series are laid end to end (each followed by ``horizon`` rows of its future inputs) and
the training windows are start indices that never cross from one series into the next: the
same lazy ``tf.data`` pipeline as ``RNNForecaster``, memory O(total rows).

Rows of each series, in time order: training | validation (``validation_size``: early
stopping) | calibration (``calibration_size``: intervals). Intervals are split-conformal
per forecast step, on the absolute errors *in each series' scaled units*, pooled over all
series; the interval of a series is that quantile times its scale (``interval_scale="window"``:
the errors divided by the scale of the window each forecast read, and the interval that
quantile times the forecast window's scale).

``target_transform="log"`` runs all of the above on the logarithm of the target and maps the
forecasts and bounds back with ``exp``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecastrnn.base import check_level
from forecastrnn.data.calendar import calendar_cycles, calendar_features
from forecastrnn.data.masking import add_missing_indicators
from forecastrnn.data.panel import ID_COL, TARGET, freq_step, read_panel
from forecastrnn.data.scaling import SeriesScalers, segment_coefficients
from forecastrnn.data.season import season_length_for, window_normalization
from forecastrnn.data.stack import Stack, StackWriter, common_freq, named_series, stacked_window_starts
from forecastrnn.data.stream import ParquetPanel
from forecastrnn.data.windows import check_positive_int, make_dataset, make_stream_dataset
from forecastrnn.defaults import AUTO, default_window
from forecastrnn.models.base import LOSS_SCALES, NORMALIZATIONS, WEIGHT_FLOOR, RecurrentEstimator
from forecastrnn.models.forecaster import by_target_row, conformal_quantile, held_out_rows
from forecastrnn.persistence import array_from_json, array_to_json

TARGET_TRANSFORMS = (None, "log")
INTERVAL_SCALES = ("series", "window")
MAX_CALIBRATION_SERIES = 20_000  # a streamed panel's intervals are calibrated on at most so many series
FORECAST_ROWS = 1_000_000  # forecasts are computed on layouts of about so many rows at a time


class GlobalRNNForecaster(RecurrentEstimator):
    """One recurrent network for many series (a *global* model), with covariates and intervals.

    Takes the parameters of :class:`~forecastrnn.RNNForecaster` (``validation_size`` and
    ``calibration_size`` apply to every series; ``mc_samples`` is unused: intervals are
    conformal on the pooled scaled errors), and:

    calendar : "auto" or None
        ``"auto"``: the calendar cycles of the frequency as known-future inputs, when the
        series have timestamps (:func:`forecastrnn.data.calendar.calendar_cycles`). None: off.
    id_embedding : int
        Size of a learned embedding of the series id (0: none). It lets the network tell
        series apart beyond what their windows show; a series never trained on gets zeros.
    season_length : "auto" or int
        The season of ``normalize="window"`` and of the seasonal anchors; ``"auto"``: from
        the frequency (hourly 24, daily 7 ...; 1 without timestamps).
    normalize : "window" or "last"
        How each input window is normalised before the network (the targets in each
        series' scaled units). ``"window"`` (default) removes the window's own seasonal
        indices, level (mean of its last season) and scale (mean absolute deviation) and
        puts them back on the output (:func:`forecastrnn.data.season.window_normalization`):
        the network learns shapes, not levels or scales (``anchor`` is unused). ``"last"``
        subtracts the window's last value and the network corrects the ``anchor``. Chosen
        on validation windows: M4 hourly OWA 0.544 against 0.811, ETTh1 as seven series
        MASE 0.846 against 0.970 (benchmarks/BENCHMARKS.md).
    loss_scale : "series" or "window"
        The units of the training loss. ``"series"`` (default): the errors in each series'
        scaled units. ``"window"``: each window's errors divided by its own scale (the mean
        absolute deviation of its deseasonalised input, at least 0.05), i.e. the loss in the
        units the network sees with ``normalize="window"``; it weighs calm and volatile
        stretches alike, closer to sMAPE and MASE.
    target_transform : None or "log"
        ``"log"``: the model works on the logarithm of the target (every target value must
        be positive) and forecasts ``exp`` of its output. Window normalisation then removes a
        multiplicative season and level, the loss weighs relative errors (closer to sMAPE),
        and the intervals are those of the log forecast mapped back (asymmetric, never below
        zero). A median forecast stays a median, as ``exp`` is monotone.
    interval_scale : "series" or "window"
        The units of the conformal interval scores. ``"series"`` (default): the errors in each
        series' scaled units, so a series' interval width is fixed. ``"window"``: each error
        divided by the scale of the window it was forecast from (as ``loss_scale="window"``),
        so intervals widen where the recent past was volatile and narrow where it was calm.

    Attributes
    ----------
    model_ : keras.Model
    columns_ : list of str
        The id, time and target names of the output (from long data; default
        ``unique_id``, ``ds``, ``y``).
    target_, features_, known_future_ : target, past covariates and known-future columns
    calendar_ : list of str
        The calendar cycles used.
    indicator_columns_ : list of int
        Target/covariate columns with an observed-indicator channel.
    scalers_ : SeriesScalers
        Reads as ``{id: Scaler}``: one per training series, fitted on its training rows. The
        series' embedding code is its position in it plus 1 (0 for a series not trained on).
    tails_ : Stack
        The last ``window`` rows of every series, laid end to end: the default forecast origins.
    freq_ : str or None
    calibration_scores_ : numpy.ndarray (n_rows, horizon)
        Absolute errors in scaled units on every series' calibration rows (NaN where missing).
    history_ : dict of per-epoch losses
    n_windows_ : int
        Training windows per epoch over all series.

    Examples
    --------
    >>> model = GlobalRNNForecaster(horizon=48, epochs=10)  # doctest: +SKIP
    >>> model.fit("sales.csv", id_col="store", time_col="date", target="sales")  # doctest: +SKIP
    >>> model.predict(level=0.9).head()  # doctest: +SKIP
    """

    supports_intervals = True
    supports_panels = True
    supports_covariates = True
    _format_version = 4

    def __init__(self, cell="gru", units="auto", layers=1, bidirectional=False, dropout=0.1,
                 recurrent_dropout=0.0, window="auto", horizon=24, stride=1, scaler="standard",
                 epochs="auto", batch_size="auto", learning_rate=1e-3, patience=5, loss="mse",
                 validation_size=0.1, calibration_size=0.1, anchor="auto", n_models="auto",
                 mc_samples=30, jit_compile="auto", random_state=None, verbose="auto",
                 calendar="auto", id_embedding=0, season_length="auto", normalize="window",
                 loss_scale="series", target_transform=None, interval_scale="series"):
        super().__init__(cell=cell, units=units, layers=layers, bidirectional=bidirectional, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, window=window, horizon=horizon, stride=stride,
                         scaler=scaler, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                         patience=patience, loss=loss, validation_size=validation_size,
                         calibration_size=calibration_size, anchor=anchor, n_models=n_models,
                         mc_samples=mc_samples, jit_compile=jit_compile, random_state=random_state,
                         verbose=verbose)
        self.calendar = calendar
        self.id_embedding = id_embedding
        self.season_length = season_length
        self.normalize = normalize
        self.loss_scale = loss_scale
        self.target_transform = target_transform
        self.interval_scale = interval_scale

    # ------------------------------------------------------------------ reading
    def _read(self, data, target=None, features=None, known_future=None, time_col=AUTO, id_col=None,
              fitting=False) -> Stack:
        """The series of ``data`` in the model's columns (target, features, known future).

        When ``fitting``, settles ``columns_``, ``target_``, ``features_``, ``known_future_``
        and ``freq_``; otherwise reads with the training names and checks the frequency.
        """
        if isinstance(data, ParquetPanel):  # forecasting: the histories are read whole
            data = data.to_pandas()
        path = isinstance(data, (str, os.PathLike))
        if fitting:
            features, known_future = _names(features, "features"), _names(known_future, "known_future")
            long = id_col is not None or path or (isinstance(data, pd.DataFrame) and ID_COL in data.columns)
        else:
            (id_col, time_name, _), target = self.columns_, self.target_[0]
            features, known_future = self.features_, self.known_future_
            long = path or (isinstance(data, pd.DataFrame) and id_col in data.columns)
            time_col = time_name if long and not path and time_name in data.columns else AUTO
            if isinstance(data, pd.DataFrame) and data.attrs.get("target") and not long:
                data = data[[target]]  # a read_series frame (the backtest's form): its target
        if long:
            panel = read_panel(data, id_col=id_col, time_col=time_col, target=target,
                               features=(features + known_future) or None)
            if len(panel.attrs["target"]) != 1:
                raise ValueError("GlobalRNNForecaster forecasts one value column. Received: "
                                 f"target={panel.attrs['target']}")
            value = panel.attrs["target"][0]
            # A text covariate became one indicator column per value ("<column>=<value>").
            features, known_future = _one_hot(features, panel.columns), _one_hot(known_future, panel.columns)
            names = [panel.attrs["id_col"], panel.attrs["time_col"] or "ds", value]
            freq, stack = panel.attrs["freq"], Stack.from_panel(panel, [value] + features + known_future)
        else:
            frames, names = self._read_series(data, target, features, known_future, time_col, fitting)
            freq, stack = common_freq(frames), Stack.from_frames(frames, [names[2]])
        if fitting:
            self.columns_, self.freq_ = names, freq
            self.target_, self.features_, self.known_future_ = [names[2]], features, known_future
        elif self.freq_ is not None and freq is not None and freq_step(freq) != freq_step(self.freq_):
            raise ValueError(f"The series must have the training frequency {self.freq_!r}. "
                             f"Received: frequency {freq!r}")
        return self._in_model_units(stack)

    def _in_model_units(self, stack: Stack) -> Stack:
        """``stack`` with its target column in the units the model works in (``target_transform``)."""
        if self.target_transform not in TARGET_TRANSFORMS:
            raise ValueError(f"`target_transform` must be one of {list(TARGET_TRANSFORMS)}. "
                             f"Received: target_transform={self.target_transform!r}")
        if self.target_transform is None:
            return stack
        y = stack.values[:, 0]
        bad = y <= 0  # NaN (missing) compares False and stays missing
        if bad.any():
            i = int(np.argmax(bad))
            segment = stack.segments[i]
            raise ValueError(f"target_transform='log' needs positive target values. Received: {y[i]:g} in series "
                             f"{stack.keys[segment]!r} at row {i - stack.starts[segment]}")
        values = stack.values.copy()
        values[:, 0] = np.log(y)
        return dataclasses.replace(stack, values=values)

    def _from_model_units(self, forecast):
        """Forecasts in the target's units: the inverse of :meth:`_in_model_units`."""
        return np.exp(forecast) if self.target_transform == "log" else forecast

    def _read_series(self, data, target, features, known_future, time_col, fitting):
        if time_col != AUTO:
            raise ValueError("`time_col` applies to long-format data (with an id column). "
                             f"Received: time_col={time_col!r} with {type(data).__name__} data")
        if features or known_future:
            raise ValueError("Covariates (`features`, `known_future`) need long-format data, one row per "
                             f"series and time. Received: {type(data).__name__} data")
        if target is not None and fitting:
            if not isinstance(data, pd.DataFrame):
                raise ValueError("`target` selects columns of a wide DataFrame. Received: target="
                                 f"{target!r} with {type(data).__name__} data")
            columns = [target] if isinstance(target, str) else list(target)
            absent = [c for c in columns if c not in data.columns]
            if absent:
                raise ValueError(f"`target` must name columns of the data. Received: {absent}")
            data = data[columns]
        value = self.target_[0] if not fitting else TARGET
        frames = {k: s.to_frame(value) for k, s in named_series(data).items()}
        return frames, [ID_COL, "ds", value]

    # --------------------------------------------------------------- encoding
    def _columns(self) -> list:
        return self.target_ + self.features_ + self.known_future_

    def _layout(self, stack: Stack, scale, offset, codes, future=None):
        """Network inputs and scaled targets of every series, each followed by ``horizon``
        future rows (see the module docstring), with whole-array operations only.

        Returns
        -------
        inputs : float32 (n_rows + n_series * horizon, n_inputs)
        targets : float32 (same rows, 1), NaN on the future rows
        blocks : int64 (n_series,)
            Where each series begins in those rows.
        """
        h, n = self.horizon, stack.lengths
        n_series, total = len(n), len(stack.values) + len(n) * h
        blocks = stack.starts + h * np.arange(n_series)
        series_rows = np.arange(len(stack.values)) + h * stack.segments
        future_rows = ((blocks + n)[:, None] + np.arange(h)).ravel()
        segment = np.repeat(np.arange(n_series), n + h)
        values = np.full((total, stack.values.shape[1]), np.nan)
        values[series_rows] = stack.values
        n_observed = 1 + len(self.features_)
        if future is not None:
            values[future_rows, n_observed:] = future.reshape(n_series * h, -1)
        scaled = values * scale[segment] + offset[segment]
        parts = [add_missing_indicators(scaled[:, :n_observed], self.indicator_columns_)]
        known = scaled[:, n_observed:]
        if self.calendar_:
            times = np.empty(total, dtype="datetime64[ns]")
            times[series_rows] = stack.index.to_numpy(dtype="datetime64[ns]")
            times[future_rows] = stack.future_index(self.freq_, h).ravel().astype("datetime64[ns]")
            known = np.column_stack([known, calendar_features(pd.DatetimeIndex(times), self.calendar_)])
        if known.shape[1]:  # row t carries the known-future values of row t + horizon of its series
            shifted = np.zeros_like(known)
            shifted[:total - h] = np.nan_to_num(known[h:])
            shifted[future_rows] = 0.0
            parts.append(shifted)
        if self.id_embedding:
            parts.append(np.asarray(codes, dtype="float64")[segment][:, None])
        return (np.concatenate(parts, axis=1).astype("float32"), scaled[:, :1].astype("float32"), blocks)

    def _coefficients(self, stack: Stack):
        """``(scale, offset)`` of every series: the training scaler of a series trained on, else
        one fitted on all of its rows (vectorised over the new series)."""
        k = len(self._columns())
        scale, offset = np.ones((len(stack.keys), k)), np.zeros((len(stack.keys), k))
        rows = self.scalers_.positions(stack.keys)
        known = rows >= 0
        scale[known], offset[known] = self.scalers_.scale[rows[known]], self.scalers_.offset[rows[known]]
        if not known.all():
            new = ~known[stack.segments]
            positions = np.cumsum(~known) - 1
            s, o, empty = segment_coefficients(stack.values[new], positions[stack.segments[new]],
                                               int((~known).sum()), self.scaler)
            scale[~known], offset[~known] = s, o
        return scale, offset

    # ---------------------------------------------------------------------- fit
    def fit(self, data, target=None, features=None, time_col=AUTO, callbacks=None, id_col=None,
            known_future=None, checkpoint_dir=None, strategy=None) -> "GlobalRNNForecaster":
        """Train one network on the windows of all series in ``data``.

        Parameters
        ----------
        data : long-format DataFrame, CSV or Parquet path, dict or list of series, or a wide DataFrame
            Long format (one row per series and time; :func:`forecastrnn.read_panel`) when it
            is a path, has an ``id_col`` / ``unique_id`` column, or ``id_col`` is given; else
            the forms of :func:`named_series` (no covariates).
        target : str, optional
            Long format: the value column (default ``y``, else the last numeric column). Wide
            DataFrame: the columns (series) to train on (default: all).
        features : list of str, optional
            Past covariates: columns observed up to each forecast origin (long format).
        time_col, id_col : str, optional
            Long format: the time and series-id columns (default: ``"auto"``, detected as in
            ``read_series``, ``None`` for no time; ``unique_id``).
        callbacks : list of keras.callbacks.Callback, optional
        known_future : list of str, optional
            Columns known in advance for the forecast steps (long format); ``predict`` then
            needs their future values (``future=``).
        checkpoint_dir : str or path, optional
            Resumable training, as in ``RNNForecaster.fit``.
        strategy : tf.distribute.Strategy, optional
            Train under it: ``MirroredStrategy()`` for the GPUs of one machine,
            ``MultiWorkerMirroredStrategy()`` across machines (``TF_CONFIG``; README, "Running on a
            cluster"). ``batch_size`` is the global batch. Default: one device.

        Returns
        -------
        self
        """
        if isinstance(data, ParquetPanel):
            if time_col != AUTO or id_col is not None:
                raise ValueError("A ParquetPanel names its own columns: pass `id_col` and `time_col` to it. "
                                 f"Received: time_col={time_col!r}, id_col={id_col!r} in fit")
            return self._fit_stream(data, target, _names(features, "features"), _names(known_future, "known_future"),
                                    callbacks, checkpoint_dir, strategy)
        stack = self._read(data, target, features, known_future, time_col, id_col, fitting=True)
        season = self._check_settings(stack.timed)
        keys, lengths = stack.keys, stack.lengths
        n_train, n_val, n_cal = self._held_out(lengths)
        missing, scale, offset = self._statistics(stack, n_train)
        self.indicator_columns_ = np.flatnonzero(missing).tolist()
        spec = self._settle(keys, lengths, n_train, season)
        self.scalers_ = SeriesScalers(keys, self.scaler, self._columns(), scale, offset)
        inputs, targets, blocks = self._layout(stack, scale, offset, np.arange(1, len(keys) + 1))
        train_starts, val_starts = stacked_window_starts(spec, targets, blocks, lengths, n_train, n_val)
        self._check_windows(int(train_starts.size), spec, lengths)
        self.n_windows_ = int(train_starts.size)
        self._train(inputs, targets, train_starts, val_starts, callbacks, anchor_targets=[0], embed=self._embed(),
                    checkpoint_dir=checkpoint_dir, strategy=strategy)
        self.calibration_scores_ = self._calibration_scores(
            inputs, targets, [(b, n - c, n) for b, n, c in zip(blocks, lengths, n_cal) if c])
        self.tails_ = stack.tail(spec.window)
        return self

    def _fit_stream(self, source: ParquetPanel, target, features, known_future, callbacks, checkpoint_dir, strategy):
        """:meth:`fit` on a Parquet panel read chunk by chunk (memory: one chunk + per-series statistics).

        Pass 1 keeps each series' length and scaler coefficients; pass 2 counts the windows
        and keeps the last ``window`` rows of every series; every epoch then reads the data
        again (training windows, then validation windows), and a last pass scores the
        calibration rows of at most ``MAX_CALIBRATION_SERIES`` series (every k-th).
        """
        settled = source.settle(target, features + known_future)
        self.columns_ = [settled["id_col"], settled["time_col"] or "ds", settled["target"]]
        self.target_, self.features_, self.known_future_ = [settled["target"]], features, known_future
        keys, lengths, missing, scale, offset, timed = [], [], False, [], [], False
        for panel in source.chunks(settled):
            stack = self._in_model_units(Stack.from_panel(panel, self._columns()))
            settled["freq"] = settled["freq"] or panel.attrs["freq"]
            chunk_missing, chunk_scale, chunk_offset = self._statistics(stack, self._held_out(stack.lengths)[0])
            keys += stack.keys
            lengths.append(stack.lengths)
            missing, timed = missing | chunk_missing, stack.timed
            scale.append(chunk_scale)
            offset.append(chunk_offset)
        repeated = pd.Index(keys).duplicated()
        if repeated.any():
            raise ValueError(f"Series {keys[int(np.argmax(repeated))]!r} is stored in two places of {source!r}: a "
                             "streamed panel needs each series' rows together and in time order. Received: "
                             "unsorted data; sort it by id, then time, before writing it")
        self.freq_ = settled["freq"]
        season = self._check_settings(timed)
        lengths, scale, offset = np.concatenate(lengths), np.concatenate(scale), np.concatenate(offset)
        n_train, n_val, n_cal = self._held_out(lengths)
        self.indicator_columns_ = np.flatnonzero(missing).tolist()
        spec = self._settle(keys, lengths, n_train, season)
        self.scalers_ = SeriesScalers(keys, self.scaler, self._columns(), scale, offset)

        def layouts():  # (stack, inputs, targets, blocks, rows), chunk by chunk
            first = 0
            for panel in source.chunks(settled):
                stack = self._in_model_units(Stack.from_panel(panel, self._columns()))
                rows = slice(first, first + len(stack.keys))
                if stack.keys != keys[rows]:
                    raise ValueError(f"{source!r} changed while it was read. Received: other series in a later pass")
                codes = np.arange(rows.start, rows.stop) + 1
                yield (stack, *self._layout(stack, scale[rows], offset[rows], codes), rows)
                first = rows.stop

        def blocks(part):  # part 0: training windows, 1: validation windows
            def read(epoch):
                for stack, inputs, targets, starts_of, rows in layouts():
                    starts = stacked_window_starts(spec, targets, starts_of, stack.lengths, n_train[rows], n_val[rows])
                    yield inputs, targets, starts[part]
            return read

        tails = StackWriter(int(np.minimum(lengths, spec.window).sum()), len(self._columns()))
        n_train_windows, n_val_windows = 0, 0
        for stack, inputs, targets, starts_of, rows in layouts():
            train, val = stacked_window_starts(spec, targets, starts_of, stack.lengths, n_train[rows], n_val[rows])
            n_train_windows, n_val_windows = n_train_windows + len(train), n_val_windows + len(val)
            n_features = inputs.shape[1]
            tails.append(stack.tail(spec.window))
        self._check_windows(n_train_windows, spec, lengths)
        self.n_windows_ = n_train_windows
        batch = self.settings_["batch_size"]

        def train_data(first, end):
            return make_stream_dataset(blocks(0), spec, n_features, 1, batch, shuffle=True, seed=self.random_state,
                                       epochs=(first, end), n_windows=n_train_windows)

        val_data = (make_stream_dataset(blocks(1), spec, n_features, 1, batch, n_windows=n_val_windows)
                    if n_val_windows else None)
        self._train_on(n_features, 1, train_data, val_data, n_train_windows, callbacks, anchor_targets=[0],
                       embed=self._embed(), checkpoint_dir=checkpoint_dir, strategy=strategy)
        calibrated = np.flatnonzero(n_cal > 0)
        chosen = np.zeros(len(keys), dtype=bool)
        chosen[calibrated[::max(1, -(-len(calibrated) // MAX_CALIBRATION_SERIES))]] = True
        scores = [np.empty((0, spec.horizon))]
        for stack, inputs, targets, starts_of, rows in layouts():
            mine = np.flatnonzero(chosen[rows])
            if mine.size:
                n, c = stack.lengths[mine], n_cal[rows][mine]
                scores.append(self._calibration_scores(inputs, targets, list(zip(starts_of[mine], n - c, n))))
        self.calibration_scores_ = np.concatenate(scores)
        self.tails_ = tails.stack()
        return self

    # ------------------------------------------------------------ fit: pieces
    def _check_settings(self, timed: bool) -> int:
        """Validate the global model's own settings; set ``calendar_``; return the season length."""
        if self.calendar not in (AUTO, None):
            raise ValueError(f"`calendar` must be 'auto' or None. Received: calendar={self.calendar!r}")
        if isinstance(self.id_embedding, bool) or not isinstance(self.id_embedding, int) or self.id_embedding < 0:
            raise ValueError(f"`id_embedding` must be an int >= 0. Received: id_embedding={self.id_embedding!r}")
        if self.normalize not in NORMALIZATIONS:
            raise ValueError(f"`normalize` must be one of {list(NORMALIZATIONS)}. Received: normalize={self.normalize!r}")
        if self.loss_scale not in LOSS_SCALES:
            raise ValueError(f"`loss_scale` must be one of {list(LOSS_SCALES)}. Received: loss_scale={self.loss_scale!r}")
        if self.interval_scale not in INTERVAL_SCALES:
            raise ValueError(f"`interval_scale` must be one of {list(INTERVAL_SCALES)}. "
                             f"Received: interval_scale={self.interval_scale!r}")
        self.calendar_ = calendar_cycles(self.freq_) if self.calendar == AUTO and timed else []
        return season_length_for(self.freq_) if self.season_length == AUTO else \
            check_positive_int(self.season_length, "season_length")

    def _held_out(self, lengths):
        """``(n_train, n_val, n_cal)`` rows of every series (arrays like ``lengths``)."""
        horizon = check_positive_int(self.horizon, "horizon")
        held = {int(n): held_out_rows(int(n), self.validation_size, self.calibration_size, horizon, warn=False)
                for n in np.unique(lengths)}
        n_val = np.array([held[int(n)][0] for n in lengths], dtype="int64")
        n_cal = np.array([held[int(n)][1] for n in lengths], dtype="int64")
        return lengths - n_val - n_cal, n_val, n_cal

    def _statistics(self, stack: Stack, n_train):
        """``(missing, scale, offset)`` from the training rows of every series: which observed
        columns have missing training values, and each series' scaler coefficients."""
        segments = stack.segments
        training = (np.arange(len(stack.values)) - stack.starts[segments]) < n_train[segments]
        missing = np.isnan(stack.values[training, :1 + len(self.features_)]).any(axis=0)
        scale, offset, empty = segment_coefficients(stack.values[training], segments[training], len(stack.keys),
                                                    self.scaler)
        if empty.any():
            i, j = np.argwhere(empty)[0]
            raise ValueError(f"Series {stack.keys[i]!r}: every column needs at least one observed training value. "
                             f"Received: only NaN in {self._columns()[j]!r}")
        return missing, scale, offset

    def _settle(self, keys, lengths, n_train, season: int):
        """Settle the network settings from the data (``settings_``), check that every series
        is long enough for one window, and return the WindowSpec."""
        horizon = check_positive_int(self.horizon, "horizon")
        spec = self._resolve(int(n_train.sum()), season,
                             window=default_window(int(np.median(lengths)), horizon, season))
        self.settings_.update(normalize=self.normalize, loss_scale=self.loss_scale, interval_scale=self.interval_scale)
        if (lengths < spec.window).any():
            i = int(np.argmax(lengths < spec.window))
            raise ValueError(f"Series {keys[i]!r} must have at least window={spec.window} rows. "
                             f"Received: {lengths[i]}")
        return spec

    @staticmethod
    def _check_windows(n_train_windows: int, spec, lengths):
        if not n_train_windows:
            raise ValueError(f"No series has a complete training window of window + horizon = {spec.span} "
                             f"rows. Received: series of {lengths.min()}..{lengths.max()} rows")

    def _embed(self):
        return (len(self.scalers_) + 1, self.id_embedding) if self.id_embedding else None

    def refit(self, data, callbacks=None, **fit_kwargs) -> "GlobalRNNForecaster":
        """A copy retrained on *all* rows of ``data``, keeping this fit's intervals.

        As ``RNNForecaster.refit``: the settings chosen here, the number of epochs early
        stopping chose, no rows held back; the intervals reuse this fit's calibration scores.
        ``fit_kwargs`` are those of :meth:`fit` (``target``, ``id_col`` ...).

        Returns
        -------
        GlobalRNNForecaster
            A new fitted forecaster (``self`` is unchanged).
        """
        new = self._refit_clone()
        new.fit(data, callbacks=callbacks, **fit_kwargs)
        if self.settings_.get("fell_back"):
            new._fall_back_to_anchor()
        new.calibration_scores_ = self.calibration_scores_
        return new

    def _calibration_scores(self, inputs, targets, cal_rows: list) -> np.ndarray:
        """Absolute scaled errors ``(n_rows, horizon)`` of every step on the calibration rows of
        every series, from one prediction pass over all their origins. ``cal_rows``:
        ``(block, first_row, end_row)``."""
        spec = self._spec()
        first_origins = [max(first - spec.horizon + 1, spec.window) for _, first, _ in cal_rows]
        starts = [b + np.arange(o, end) - spec.window for (b, _, end), o in zip(cal_rows, first_origins)]
        if not starts:
            return np.empty((0, spec.horizon))
        starts = np.concatenate(starts)
        point = self._predict_scaled(inputs, starts)
        units = np.broadcast_to(self._interval_units(inputs, starts)[:, None], point.shape)
        scores, first_point = [], 0
        for (b, first, end), o in zip(cal_rows, first_origins):
            mine = slice(first_point, first_point + end - o)
            errors = np.abs(targets[b + first:b + end] - by_target_row(point[mine], first, end, o))  # (rows, horizon)
            scores.append(errors / by_target_row(units[mine], first, end, o))
            first_point = mine.stop
        return np.concatenate(scores)

    def _interval_units(self, inputs, starts) -> np.ndarray:
        """The unit of the interval scores of the windows at ``starts`` (``interval_scale``):
        1, or the scale of each window's target channel (at least ``WEIGHT_FLOOR``)."""
        if self.settings_.get("interval_scale", "series") == "series":
            return np.ones(len(starts))
        window = self.window_
        values = inputs[np.asarray(starts)[:, None] + np.arange(window), 0]
        return np.maximum(window_normalization(values, self.settings_["season_length"])[1][1][:, 0], WEIGHT_FLOOR)

    def _predict_scaled(self, inputs, starts) -> np.ndarray:
        """Median over members of the scaled forecasts of the windows at ``starts``: (n, horizon)."""
        ds = make_dataset(inputs, None, self._spec(), np.asarray(starts, dtype="int64"),
                          batch_size=max(256, self.settings_["batch_size"]))
        return np.median(self.model_.predict(ds, verbose=0), axis=1)[..., 0]

    # ------------------------------------------------------------------ predict
    def _forecast(self, stack: Stack, origins: list, future=None, level=None):
        """Forecasts from ``origins[i]`` (row positions) of every series ``i`` of ``stack``, in
        original units: ``point``, ``lower``, ``upper`` of shape ``(n_forecasts, horizon)``
        (bounds None without ``level``), series after series. The forecast from origin ``o``
        reads rows ``[o - window, o)`` and the known-future inputs up to ``o + horizon`` only."""
        window, h = self.window_, self.horizon
        for key, n, o in zip(stack.keys, stack.lengths, origins):
            o = np.asarray(o)
            if o.size and (o.min() < window or o.max() > n):
                raise ValueError(f"Series {key!r}: origins must lie in [window={window}, {n}] (at least "
                                 f"window={window} rows before each). Received: {o.min()}..{o.max()}")
            if self.known_future_ and o.size and o.max() + h > n and future is None:
                raise ValueError(f"Series {key!r}: forecasting needs the future values of {self.known_future_} "
                                 f"for the {h} steps after the origin. Pass them as `future`")
        point, target_scale, units = [], [], []
        for lo, hi in stack.groups(FORECAST_ROWS, extra_rows=h):  # a bounded layout at a time
            part = stack.take(lo, hi)
            scale, offset = self._coefficients(part)
            inputs, _, blocks = self._layout(part, scale, offset, self.scalers_.positions(part.keys) + 1,
                                             None if future is None else future[lo:hi])
            mine = origins[lo:hi]
            owner = np.concatenate([np.full(len(o), i) for i, o in enumerate(mine)]).astype("int64")
            starts = np.concatenate([b + np.asarray(o, dtype="int64") - window for b, o in zip(blocks, mine)])
            scaled = self._predict_scaled(inputs, starts)
            point.append((scaled - offset[owner, :1]) / scale[owner, :1])
            target_scale.append(scale[owner, :1])
            if level is not None:
                units.append(self._interval_units(inputs, starts)[:, None])
        point, target_scale = np.concatenate(point), np.concatenate(target_scale)
        if level is None:
            return self._from_model_units(point), None, None
        if not len(self.calibration_scores_):
            raise ValueError("No intervals: the model was fitted without calibration rows. "
                             "Fit with calibration_size > 0 (the default 0.1)")
        width = conformal_quantile(self.calibration_scores_, level)[None, :] * np.concatenate(units) / target_scale
        return tuple(self._from_model_units(a) for a in (point, point - width, point + width))

    def _future_values(self, future, stack: Stack):
        """``(n_series, horizon, n_known)`` known-future values from the ``future`` table."""
        if not self.known_future_ or future is None:
            return None
        id_name = self.columns_[0]
        table = future if isinstance(future, pd.DataFrame) else pd.read_csv(future)
        groups = {str(k): g for k, g in table.groupby(id_name, sort=False)}
        out = np.empty((len(stack.keys), self.horizon, len(self.known_future_)))
        for i, key in enumerate(stack.keys):
            rows = groups.get(key, table.iloc[:0])
            if len(rows) < self.horizon:
                raise ValueError(f"Series {key!r}: `future` must give {self.known_future_} for the next "
                                 f"{self.horizon} steps. Received: {len(rows)} row(s)")
            out[i] = rows[self.known_future_].to_numpy(dtype="float64")[:self.horizon]
        return out

    def predict(self, data=None, horizon=None, level=None, future=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of each series.

        Parameters
        ----------
        data : same forms as in :meth:`fit`, optional
            Histories to forecast from (their last ``window`` rows are read), in the
            training data's columns. Default: where :meth:`update` or ``fit`` left each
            series. A series trained on is scaled with its training scaler; a new one with a
            scaler fitted on its own history (and the zero id embedding).
        horizon : int, optional
            Steps to return, at most the trained ``horizon``.
        level : float, optional
            Interval level, e.g. 0.9: adds ``<target>_lower`` / ``<target>_upper``.
        future : long-format DataFrame or CSV path, optional
            The ``known_future`` columns for the trained horizon after each series' end
            (with the id column; rows in time order). Needed when the model has such columns.

        Returns
        -------
        pandas.DataFrame
            Long format, ``n_series * horizon`` rows; columns: the series id, the time
            (future timestamps, or positions after each series' end) and the forecast, named
            as in the training data (default ``unique_id``, ``ds``, ``y``), plus the bounds.
        """
        self._check_fitted()
        check_level(level)
        horizon = self._horizon(horizon)
        stack = self.tails_ if data is None else self._read(data)
        self._check_lengths(stack)
        point, lower, upper = self._forecast(stack, [[n] for n in stack.lengths],
                                             self._future_values(future, stack), level)
        id_name, time_name, value_name = self.columns_
        times = stack.future_index(self.freq_, self.horizon)[:, :horizon].ravel()
        out = pd.DataFrame({id_name: np.repeat(np.asarray(stack.keys, dtype=object), horizon),
                            time_name: times, value_name: point[:, :horizon].ravel()})
        if lower is not None:
            out[f"{value_name}_lower"] = lower[:, :horizon].ravel()
            out[f"{value_name}_upper"] = upper[:, :horizon].ravel()
        return out

    def _check_lengths(self, stack: Stack):
        short = stack.lengths < self.window_
        if short.any():
            i = int(np.argmax(short))
            raise ValueError(f"Series {stack.keys[i]!r} must have at least window={self.window_} values. "
                             f"Received: {stack.lengths[i]}")

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of each series in ``data``.

        Parameters
        ----------
        data : same forms as in :meth:`predict`
            One history per series (a one-column frame is one series: the backtest's form).
        origins : sequence of int, or dict of id -> sequence of int (as many for every series)
            Row positions within each series: the forecast from origin ``o`` reads rows
            ``[o - window, o)`` of that series (and its known-future inputs up to
            ``o + horizon``), never another series.
        horizon : int, optional
        level : float, optional

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_series)
        lower, upper : numpy.ndarray of the same shape, or None without ``level``
        """
        self._check_fitted()
        check_level(level)
        horizon = self._horizon(horizon)
        stack = self._read(data)
        by_series = [origins[k] if isinstance(origins, Mapping) else origins for k in stack.keys]
        out = self._forecast(stack, by_series, None, level)
        n_series = len(stack.keys)
        return tuple(None if a is None else a.reshape(n_series, -1, self.horizon)[..., :horizon].transpose(1, 2, 0)
                     for a in out)

    def update(self, data) -> "GlobalRNNForecaster":
        """Make the end of each series in ``data`` its default forecast origin (no retraining).

        ``data`` takes the forms of :meth:`predict`; series not in it keep their origin, new
        ones are added (scaled on their own history when forecast). Returns ``self``.
        """
        self._check_fitted()
        stack = self._read(data)
        self._check_lengths(stack)
        frames = self.tails_.frames(self._columns())
        frames.update(stack.tail(self.window_).frames(self._columns()))
        self.tails_ = Stack.from_frames(frames, self._columns())
        return self

    # -------------------------------------------------------------- save / load
    def _get_state(self) -> dict:
        tails = self.tails_
        return {"settings": self.settings_, "n_windows": self.n_windows_, "freq": self.freq_,
                "columns": self.columns_, "target": self.target_, "features": self.features_,
                "known_future": self.known_future_, "calendar": self.calendar_,
                "indicator_columns": self.indicator_columns_, "scalers": self.scalers_.to_dict(),
                "tails": {"keys": tails.keys, "lengths": tails.lengths.tolist(),
                          "values": array_to_json(tails.values), "timed": tails.timed,
                          "index": [int(v) for v in (tails.index.as_unit("ns").asi8 if tails.timed else tails.index)]},
                "calibration_scores": array_to_json(self.calibration_scores_), "history": self.history_}

    def _set_state(self, state: dict) -> None:
        self.settings_ = dict(state["settings"])
        self.n_windows_, self.freq_ = int(state["n_windows"]), state["freq"]
        self.columns_ = [str(c) for c in state["columns"]]
        self.target_, self.features_ = list(state["target"]), list(state["features"])
        self.known_future_, self.calendar_ = list(state["known_future"]), list(state["calendar"])
        self.indicator_columns_ = [int(j) for j in state["indicator_columns"]]
        self.scalers_ = SeriesScalers.from_dict(state["scalers"])
        t = state["tails"]
        index = np.asarray(t["index"], dtype="int64")
        self.tails_ = Stack([str(k) for k in t["keys"]], np.asarray(t["lengths"], dtype="int64"),
                            array_from_json(t["values"]).reshape(len(index), len(self._columns())),
                            pd.DatetimeIndex(index.astype("datetime64[ns]")) if t["timed"] else pd.Index(index))
        self.calibration_scores_ = array_from_json(state["calibration_scores"]).reshape(-1, self.horizon)
        self.history_ = state["history"]


def _names(value, name: str) -> list:
    if value is None:
        return []
    names = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"`{name}` must be a column name or a list of them. Received: {name}={value!r}")
    return names


def _one_hot(names: list, columns) -> list:
    """``names`` with a one-hot encoded text column replaced by its ``<column>=<value>`` columns."""
    return [c for n in names for c in ([n] if n in columns else [c for c in columns if c.startswith(f"{n}=")])]

"""The windowed recurrent network core: one implementation under both forecasters.

``RNNForecaster`` is this core on one series (several targets; covariates as past inputs)
and ``GlobalRNNForecaster`` the core on many; an option added here reaches both.

encode (:mod:`forecastrnn.models.encoding`) -> window starts (never across series; none with a
missing target) -> train (in memory: the streamed fit with one chunk) -> predict in model units
-> calibrate (:mod:`forecastrnn.models.calibration`). A series with no complete training window,
and a forecast from fewer than ``window`` rows, are padded on the left with masked rows; window
statistics and the loss read observed steps only.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forecastrnn.base import check_level
from forecastrnn.data.calendar import calendar_cycles
from forecastrnn.data.scaling import SeriesScalers
from forecastrnn.data.season import TREND_ANCHORS, best_anchor, season_length_for, window_normalization
from forecastrnn.data.stack import Stack, StackWriter, stacked_window_starts
from forecastrnn.data.windows import check_positive_int, make_dataset, make_stream_dataset
from forecastrnn.defaults import AUTO, default_window, shape_settings
from forecastrnn.models.base import (LOSS_SCALES, MIN_INPUT_ROWS, NORMALIZATIONS, WEIGHT_FLOOR, NoTrainingWindow,
                                     RecurrentEstimator)
from forecastrnn.models.calibration import INTERVAL_SCALES, by_target_row, conformal_quantile, spread_units
from forecastrnn.models.encoding import SeriesEncoder
from forecastrnn.models.numpy_network import NumpyNetwork
from forecastrnn.persistence import array_from_json, array_to_json

MAX_CALIBRATION_SERIES = 20_000  # a streamed panel's intervals are calibrated on at most so many series
FORECAST_ROWS = 1_000_000  # forecasts are computed on layouts of about so many rows at a time
# Up to so many windows, a forecast is one call of the traced network: Keras' predict costs
# about 30-40 ms a call whatever the batch (benchmarks/bench_latency.py)
DIRECT_WINDOWS = 512
ANCHOR_VOTERS = 500  # series whose best anchor is counted for an "auto" anchor


class NetworkCore(SeriesEncoder, RecurrentEstimator):
    """The recurrent network over series laid end to end; see the module docstring.

    Subclasses read their data into a :class:`Stack` (``_read``) and shape the output.
    """

    supports_intervals = True
    supports_covariates = True
    _format_version = 5

    # ---------------------------------------------------------------------- fit
    def _check_settings(self, n_series: int, timed: bool) -> int:
        """Validate the core's own settings, settle the ``"auto"`` ones that depend on the
        shape of the data (``_shape``), set ``calendar_``; return the season length."""
        if self.calendar not in (AUTO, None):
            raise ValueError(f"`calendar` must be 'auto' or None. Received: calendar={self.calendar!r}")
        if isinstance(self.id_embedding, bool) or not isinstance(self.id_embedding, int) or self.id_embedding < 0:
            raise ValueError(f"`id_embedding` must be an int >= 0. Received: id_embedding={self.id_embedding!r}")
        # (target_transform is checked where the data is read, in _in_model_units)
        for name, allowed in (("normalize", (*NORMALIZATIONS, AUTO)), ("loss_scale", LOSS_SCALES),
                              ("interval_scale", (*INTERVAL_SCALES, AUTO))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"`{name}` must be one of {list(allowed)}. Received: {name}={getattr(self, name)!r}")
        self._shape = shape_settings(n_series, timed, self.normalize, self.calendar, self.interval_scale,
                                     self._uses_dropout() or self.n_models != 1, self.loss)
        self.calendar_ = calendar_cycles(self.freq_) if self._shape["calendar"] else []
        return season_length_for(self.freq_) if self.season_length == AUTO else \
            check_positive_int(self.season_length, "season_length")

    def _settle(self, n_train, season: int, train_rows):
        """Settle the network settings from the data (``settings_``) and return the WindowSpec.

        ``train_rows()`` gives the training rows of up to ``ANCHOR_VOTERS`` series, for an
        ``"auto"`` anchor (the one that forecasts most of them best; ``best_anchor``)."""
        horizon = check_positive_int(self.horizon, "horizon")

        def pick_anchor(window):
            votes = pd.Series([best_anchor(y, season, horizon, window) for y in train_rows()])
            return str(votes.value_counts().index[0]) if len(votes) else "last"

        spec = self._resolve(int(n_train.sum()), season, pick_anchor if self._shape["normalize"] == "last" else None,
                             window=default_window(int(np.median(n_train)), horizon, season))
        if self.settings_["anchor"] in TREND_ANCHORS and self._shape["normalize"] != "window":
            raise ValueError(f"A {self.settings_['anchor']!r} anchor extends the window's own trend: it needs "
                             f"normalize='window'. Received: normalize={self._shape['normalize']!r}")
        self.settings_.update(normalize=self._shape["normalize"], loss=self._shape["loss"], loss_scale=self.loss_scale,
                              interval_scale=self._shape["interval_scale"], calendar=self.calendar_)
        return spec

    def _start_from(self, source):
        """Take the shape of the pretrained network ``source`` (no calendar, its normalisation,
        its loss unless one is given)."""
        from forecastrnn.models.warm_start import check_compatible

        check_compatible(self, source, len(self.target_), self.features_, self.known_future_)
        self._shape.update(normalize=source.settings_["normalize"], calendar=False,
                           loss=source.settings_["loss"] if self.loss == AUTO else self.loss)
        self.calendar_ = []
        if "_warm" not in self.__dict__:  # (a refit starts from its own fit's weights)
            self._init_from = source.model_

    def _embed(self):
        return (len(self.scalers_) + 1, self.id_embedding) if self.id_embedding else None

    def _fit_chunks(self, chunks, callbacks=None, checkpoint_dir=None, strategy=None, init=None):
        """Train on the series of ``chunks()`` (an iterable of :class:`Stack` in model units,
        the same series in the same order on every call): in memory, one chunk. ``init``:
        ``(network, folder)`` of the pretrained network to start from
        (:func:`forecastrnn.models.warm_start.load_source`), or None.

        Pass 1 keeps each series' length and scaler coefficients; pass 2 counts the windows
        and keeps the last ``window`` rows of every series; every epoch reads the chunks again
        (one chunk stays in memory as tensors), and a last pass scores the calibration rows of
        at most ``MAX_CALIBRATION_SERIES`` series (every k-th).
        """
        keys, lengths, missing, scale, offset, levels, timed, anchor_rows = [], [], False, [], [], [], False, []
        for stack in chunks():
            n_train = self._held_out(stack.lengths)[0]
            chunk_missing, chunk_scale, chunk_offset, chunk_levels = self._statistics(stack, n_train)
            keys += stack.keys
            lengths.append(stack.lengths)
            missing, timed = missing | chunk_missing, stack.timed
            scale.append(chunk_scale)
            offset.append(chunk_offset)
            levels.append(chunk_levels)
            for a, n in zip(stack.starts[:ANCHOR_VOTERS - len(anchor_rows)], n_train):
                anchor_rows.append(stack.values[a:a + n, 0])
        repeated = pd.Index(keys).duplicated()
        if repeated.any():
            raise ValueError(f"Series {keys[int(np.argmax(repeated))]!r} is stored in two places: each series' rows "
                             "must be together and in time order. Received: unsorted data; sort it by id, then time")
        n_targets = len(self.target_)
        season = self._check_settings(len(keys), timed)
        source, init_path = init if init is not None else (None, None)
        if source is not None:
            self._start_from(source)
        lengths, scale, offset = np.concatenate(lengths), np.concatenate(scale), np.concatenate(offset)
        n_train, n_val, n_cal = self._held_out(lengths)
        self.indicator_columns_ = sorted(set(range(n_targets)) | set(np.flatnonzero(missing).tolist()))
        spec = self._settle(n_train, season if source is None else source.settings_["season_length"],
                            lambda: anchor_rows)
        if source is not None:
            from forecastrnn.models.warm_start import settings_from

            self.settings_.update(settings_from(source, self), init=init_path)
            spec = self._spec()
        # static covariates: one scaler over the series (that of the network whose weights it starts from)
        inherited = self.__dict__.pop("_static_from", None)
        scale, offset = self._settle_static(scale, offset, np.concatenate(levels), inherited)
        self.scalers_ = SeriesScalers(keys, self.scaler, self._columns(), scale, offset)
        pads = self._pads(n_train - spec.horizon)
        self.settings_["padded_series"] = n_padded = int((pads > 0).sum())
        if n_padded:
            warnings.warn(f"{n_padded} series had fewer than window + horizon = {spec.span} training rows: trained "
                          "and forecast on windows padded on the left and masked.", RuntimeWarning, stacklevel=3)

        def layouts():  # (stack, inputs, targets, blocks, rows), chunk by chunk
            first = 0
            for stack in chunks():
                rows = slice(first, first + len(stack.keys))
                if stack.keys != keys[rows]:
                    raise ValueError("The data changed while it was read. Received: other series in a later pass")
                yield (stack, *self._layout(stack, scale[rows], offset[rows], np.arange(rows.start, rows.stop) + 1,
                                            pads=pads[rows]), rows)
                first = rows.stop

        def starts_of(stack, targets, blocks, rows):
            return stacked_window_starts(spec, targets, blocks, stack.lengths, n_train[rows], n_val[rows],
                                         pads=pads[rows])

        tails = StackWriter(int(np.minimum(lengths, spec.window).sum()), len(self._columns()))
        n_windows, n_chunks, first_chunk = [0, 0], 0, None
        for stack, inputs, targets, blocks, rows in layouts():
            train, val = starts_of(stack, targets, blocks, rows)
            n_windows = [n_windows[0] + len(train), n_windows[1] + len(val)]
            n_features, n_chunks = inputs.shape[1], n_chunks + 1
            first_chunk = (inputs, targets, blocks, rows, train, val) if n_chunks == 1 else None
            tails.append(stack.tail(spec.window))
        if not n_windows[0]:
            raise NoTrainingWindow(f"No series has a training window: each needs {MIN_INPUT_ROWS + spec.horizon} "
                                   f"training rows (horizon={spec.horizon} targets after at least {MIN_INPUT_ROWS}). "
                                   f"Received: series of {lengths.min()}..{lengths.max()} rows")
        self.n_windows_ = n_windows[0]
        batch = self.settings_["batch_size"]
        if first_chunk is not None:  # in memory: the windows are gathered from tensors
            inputs, targets, _, _, train, val = first_chunk

            def train_data(first, end):
                return make_dataset(inputs, targets, spec, train, batch, shuffle=True, seed=self.random_state,
                                    epochs=(first, end))

            val_data = make_dataset(inputs, targets, spec, val, batch) if val.size else None
        else:
            def blocks_of(part):  # part 0: training windows, 1: validation windows
                def read(epoch):
                    for stack, inputs, targets, blocks, rows in layouts():
                        yield inputs, targets, starts_of(stack, targets, blocks, rows)[part]
                return read

            def train_data(first, end):
                return make_stream_dataset(blocks_of(0), spec, n_features, n_targets, batch, shuffle=True,
                                           seed=self.random_state, epochs=(first, end), n_windows=n_windows[0])

            val_data = (make_stream_dataset(blocks_of(1), spec, n_features, n_targets, batch, n_windows=n_windows[1])
                        if n_windows[1] else None)
        self._train_on(n_features, n_targets, train_data, val_data, n_windows[0], callbacks,
                       anchor_targets=list(range(n_targets)), embed=self._embed(), checkpoint_dir=checkpoint_dir,
                       strategy=strategy, observed_targets=[n_targets + len(self.features_) + j for j in range(n_targets)])
        if not n_windows[1] and self.validation_size and self.settings_["anchor"] and not self.settings_["fell_back"]:
            # Asked for, but no series could spare validation rows: nothing shows that the network
            # beats its anchor, so the model is the anchor (the refit keeps that).
            self._fall_back_to_anchor()
            warnings.warn("No series had rows to spare for validation windows, so the network could not be checked "
                          "against its anchor: the model forecasts its anchor "
                          f"({self.settings_['anchor'] if self.settings_['normalize'] == 'last' else 'the window level and season'}).",
                          RuntimeWarning, stacklevel=3)
        cal_end, n_cal = self._calibration_rows(lengths, n_train, n_val, n_cal)
        calibrated = np.flatnonzero(n_cal > 0)
        chosen = np.zeros(len(keys), dtype=bool)
        chosen[calibrated[::max(1, -(-len(calibrated) // MAX_CALIBRATION_SERIES))]] = True
        empty = np.empty((0, spec.horizon, n_targets))
        scores, spreads = [empty], [empty]
        chunks_again = [first_chunk[:4]] if first_chunk is not None else (x[1:] for x in layouts())
        for inputs, targets, blocks, rows in chunks_again:
            mine = np.flatnonzero(chosen[rows])
            if mine.size:
                n, c = cal_end[rows][mine], n_cal[rows][mine]
                floor = spec.window - pads[rows][mine]
                s, sp = self._calibration_scores(inputs, targets, list(zip(blocks[mine], n - c, n, floor)))
                scores.append(s)
                spreads.append(sp)
        self.calibration_scores_ = np.concatenate(scores)
        self.spread_floor_ = None
        if self.settings_["interval_scale"] == "spread" and len(self.calibration_scores_):
            units, self.spread_floor_ = spread_units(np.concatenate(spreads))
            self.calibration_scores_ = self.calibration_scores_ / units
        self.tails_ = tails.stack()
        return self

    def unseen_rows(self, lengths) -> np.ndarray:
        """How many rows at the end of series of ``lengths`` rows (as ``fit`` read them) a fit
        sets apart for calibration: never training targets, never scored by early stopping.
        Forecasts of them are out of sample, as a combination's validation needs."""
        return self._held_out(np.asarray(lengths, dtype="int64"))[2]

    def _calibration_rows(self, lengths, n_train, n_val, n_cal):
        """``(end, rows)`` of every series: the rows ``[end - rows, end)`` calibrate the intervals.
        The calibration rows; where no series has any (short series), the validation rows,
        else the training rows, with a warning that coverage is not guaranteed."""
        if n_cal.any() or self.calibration_size == 0:
            return lengths, n_cal
        what, end, rows = (("the early-stopping windows", lengths - n_cal, n_val) if n_val.any()
                           else ("training rows", n_train, n_train))
        warnings.warn(f"No series had rows to spare for calibration: intervals are calibrated on {what}, so their "
                      "coverage is not guaranteed (more rows per series, or a smaller horizon, give calibration "
                      "rows of their own).", RuntimeWarning, stacklevel=4)
        return end, rows

    def refit(self, data, callbacks=None, checkpoint_dir=None, warm_start=True, **fit_kwargs):
        """A copy retrained on *all* rows of ``data``, keeping this fit's intervals.

        For the model to deploy after a backtest: the settings chosen here (``settings_``),
        with no rows held back. ``warm_start``: it starts from this fit's weights and trains
        the share of the epochs early stopping chose that the new rows make up (at least 1);
        otherwise it starts afresh and trains all of them (``benchmarks/bench_refit.py``
        compares the two on validation origins). Its intervals reuse this fit's
        calibration scores (from rows that model never trained on); a network trained on more
        rows is usually at least as accurate, so they are, if anything, conservative.
        ``fit_kwargs`` replace the reading arguments of this fit.

        Returns
        -------
        A new fitted forecaster (``self`` is unchanged).
        """
        new = self._refit_clone()
        if warm_start:
            new._warm = ([w.copy() for w in self.model_.get_weights()], self.n_windows_)
            new._static_from = self.settings_.get("static")
        with warnings.catch_warnings():  # the padded series were counted when this model was fitted
            warnings.filterwarnings("ignore", "[0-9]+ series had fewer than window", RuntimeWarning)
            new.fit(data, callbacks=callbacks, checkpoint_dir=checkpoint_dir, **{**self.fit_args_, **fit_kwargs})
        if self.settings_.get("fell_back"):  # the backtested model was its anchor: so is the retrained one
            new._fall_back_to_anchor()
        new.calibration_scores_, new.spread_floor_ = self.calibration_scores_, self.spread_floor_
        return new

    # ------------------------------------------------------------- calibration
    def _calibration_scores(self, inputs, targets, cal_rows: list):
        """Absolute scaled errors ``(n_rows, horizon, n_targets)`` of every step on the
        calibration rows of every series, divided by the ``"series"`` / ``"window"`` unit,
        and the ensemble/dropout spread of the same forecasts (NaN unless
        ``interval_scale="spread"``). ``cal_rows``: ``(block, first_row, end_row, origin_floor)``."""
        spec = self._spec()
        n_targets = targets.shape[1]
        first_origins = [max(first - spec.horizon + 1, floor) for _, first, _, floor in cal_rows]
        starts = np.concatenate([b + np.arange(o, end) - spec.window
                                 for (b, _, end, _), o in zip(cal_rows, first_origins)])
        point, spread = self._predict_scaled(inputs, starts, with_spread=self.settings_["interval_scale"] == "spread")
        units = self._interval_units(inputs, starts)[:, None, None] * np.ones_like(point)
        scores, spreads, first_point = [], [], 0
        for (b, first, end, _), o in zip(cal_rows, first_origins):
            mine = slice(first_point, first_point + end - o)
            actual = targets[b + first:b + end][:, None, :]
            scores.append(np.abs(actual - by_target_row(point[mine], first, end, o))
                          / by_target_row(units[mine], first, end, o))
            spreads.append(by_target_row(spread[mine], first, end, o) if spread is not None
                           else np.full((end - first, spec.horizon, n_targets), np.nan))
            first_point = mine.stop
        return np.concatenate(scores), np.concatenate(spreads)

    def _interval_units(self, inputs, starts) -> np.ndarray:
        """The ``"window"`` unit of the windows at ``starts``: the scale of each window's
        first target channel over its observed steps (at least ``WEIGHT_FLOOR``); else 1."""
        if self.settings_["interval_scale"] != "window":
            return np.ones(len(starts))
        rows = np.asarray(starts)[:, None] + np.arange(self.window_)
        observed = inputs[rows, len(self.target_) + len(self.features_)]  # the first target's indicator
        scale = window_normalization(inputs[rows, 0], self.settings_["season_length"], observed > 0)[1][1][:, 0]
        return np.maximum(scale, WEIGHT_FLOOR)

    def _predict_scaled(self, inputs, starts, with_spread=False):
        """Median over members of the scaled forecasts of the windows at ``starts``:
        ``(n, horizon, n_targets)``, and with ``with_spread`` the spread of the members and of
        ``mc_samples`` Monte-Carlo dropout runs (else None)."""
        starts = np.asarray(starts, dtype="int64")
        if isinstance(self.model_, NumpyNetwork):  # loaded without TensorFlow (``load(numpy=True)``)
            if with_spread:
                raise ValueError("Spread intervals need the Keras model (Monte-Carlo dropout). Received: a network "
                                 "loaded with numpy=True; load it without")
            return np.median(self.model_.forecast_starts(inputs, starts, self.window_), axis=1), None

        def dataset():
            return make_dataset(inputs, None, self._spec(), starts, batch_size=max(256, self.settings_["batch_size"]))

        from forecastrnn._tf import quiet_retracing

        with quiet_retracing():
            if len(starts) <= DIRECT_WINDOWS:  # one call of the traced network: no Keras predict loop
                members = self._direct_call()(inputs[starts[:, None] + np.arange(self.window_)]).numpy()
            else:
                members = self.model_.predict(dataset(), verbose=0)  # (n, n_models, horizon, n_targets)
        point = np.median(members, axis=1)
        if not with_spread:
            return point, None
        variance = members.var(axis=1)
        if self._uses_dropout():
            self._reset_dropout_seeds()
            from forecastrnn._tf import tensorflow

            def with_dropout(x):  # traced: eager calls would run the recurrence step by step
                return self.model_(x, training=True)

            sample = tensorflow().function(with_dropout, reduce_retracing=True, autograph=False)
            draws = []
            for x in dataset():
                runs = np.stack([sample(x).numpy() for _ in range(self.mc_samples)])
                draws.append(runs.var(axis=0).mean(axis=1))  # dropout variance, averaged over members
            variance = variance + np.concatenate(draws)
        return point, np.maximum(np.sqrt(variance), 1e-6)

    def _direct_call(self):
        """``model_`` in inference mode as a traced function, kept for this ``model_`` (a
        retrained copy gets its own)."""
        cached = self.__dict__.get("_direct")
        if cached is None or cached[0] is not self.model_:
            from forecastrnn._tf import tensorflow

            model = self.model_

            def call(x):
                return model(x, training=False)

            cached = self._direct = (model, tensorflow().function(call, reduce_retracing=True, autograph=False))
        return cached[1]

    def _reset_dropout_seeds(self):
        """Restart every dropout random stream so Monte-Carlo runs repeat exactly (also after load)."""
        seed = 0 if self.random_state is None else int(self.random_state)
        generators = [v for v in self.model_.variables if "seed_generator_state" in v.path]
        for i, state in enumerate(generators):
            state.assign(np.array([seed + i, 0], dtype=state.dtype))

    # ------------------------------------------------------------------ predict
    def _forecast(self, stack: Stack, origins: list, future=None, level=None):
        """Forecasts from ``origins[i]`` (row positions) of every series ``i`` of ``stack`` (in
        model units), in the target's units: ``point``, ``lower``, ``upper`` of shape
        ``(n_forecasts, horizon, n_targets)`` (bounds None without ``level``), series after
        series. The forecast from origin ``o`` reads rows ``[o - window, o)`` (padded when
        ``o < window``) and the known-future inputs up to ``o + horizon`` only."""
        check_level(level)
        h, n_targets = self.horizon, len(self.target_)
        observed = ~np.isnan(stack.values[:, :n_targets]).all(axis=1)
        for key, start, n, o in zip(stack.keys, stack.starts, stack.lengths, origins):
            o = np.asarray(o)
            if o.size and not observed[start:start + o.min()].any():  # its forecast would be the scaler's offset
                raise ValueError(f"Series {key!r}: forecasting needs an observed value of {self.target_} before the "
                                 f"origin. Received: only missing values in its {o.min()} rows")
            if o.size and (o.min() < MIN_INPUT_ROWS or o.max() > n):
                raise ValueError(f"Series {key!r}: origins must lie in [{MIN_INPUT_ROWS}, {n}] (rows before each "
                                 f"origin). Received: {o.min()}..{o.max()}")
            if self.known_future_ and o.size and o.max() + h > n and future is None:
                raise ValueError(f"Series {key!r}: forecasting needs the future values of {self.known_future_} "
                                 f"for the {h} steps after the origin. Pass them as `future`")
        if level is not None and not len(self.calibration_scores_):
            raise ValueError("No intervals: the model was fitted without calibration rows. "
                             "Fit with calibration_size > 0 (the default 0.1)")
        spread = level is not None and self.settings_["interval_scale"] == "spread"
        point, target_scale, units = [], [], []
        for lo, hi in stack.groups(FORECAST_ROWS, extra_rows=h + self.window_):  # a bounded layout at a time
            part, mine = stack.take(lo, hi), origins[lo:hi]
            first_origins = np.array([np.min(o) if len(o) else n for o, n in zip(mine, part.lengths)])
            scale, offset = self._coefficients(part, first_origins)
            pads = np.maximum(self.window_ - first_origins, 0)
            inputs, _, blocks = self._layout(part, scale, offset, self.scalers_.positions(part.keys) + 1,
                                             None if future is None else future[lo:hi], pads)
            owner = np.concatenate([np.full(len(o), i) for i, o in enumerate(mine)]).astype("int64")
            starts = np.concatenate([b + np.asarray(o, dtype="int64") - self.window_ for b, o in zip(blocks, mine)])
            scaled, sp = self._predict_scaled(inputs, starts, with_spread=spread)
            point.append((scaled - offset[owner, None, :n_targets]) / scale[owner, None, :n_targets])
            target_scale.append(scale[owner, None, :n_targets])
            if level is not None:
                unit = self._interval_units(inputs, starts)[:, None, None] * np.ones_like(scaled)
                units.append(spread_units(sp, self.spread_floor_)[0] if spread else unit)
        point, target_scale = np.concatenate(point), np.concatenate(target_scale)
        if level is None:
            return self._from_model_units(point), None, None
        width = self._conformal_quantile(level)[None] * np.concatenate(units) / target_scale
        return tuple(self._from_model_units(a) for a in (point, point - width, point + width))

    def _conformal_quantile(self, level) -> np.ndarray:
        """``conformal_quantile`` of the calibration scores, kept per level (sorting every
        score took most of a panel's ``predict``); recomputed when the scores change."""
        cached = getattr(self, "_quantiles", None)
        if cached is None or cached[0] is not self.calibration_scores_:
            cached = self._quantiles = (self.calibration_scores_, {})
        if level not in cached[1]:
            cached[1][level] = conformal_quantile(self.calibration_scores_, level)
        return cached[1][level]

    def _origins_forecast(self, data, origins, horizon, level):
        """``forecast_origins`` of both forecasters: arrays ``(n_series, n_origins, horizon,
        n_targets)``; a series with fewer origins than the most (a dict of origins) has NaN after its own."""
        self._check_fitted()
        horizon = self._horizon(horizon)
        stack = self._read(data)
        by_series = [np.asarray(origins[k] if isinstance(origins, dict) else origins, dtype="int64") for k in stack.keys]
        counts = np.array([len(o) for o in by_series])
        out = self._forecast(stack, by_series, None, level)
        slots = np.concatenate([i * counts.max() + np.arange(c) for i, c in enumerate(counts)]).astype("int64")

        def spread_out(a):
            full = np.full((len(counts) * counts.max(), *a.shape[1:]), np.nan)
            full[slots] = a
            return full.reshape(len(counts), counts.max(), *a.shape[1:])[:, :, :horizon]

        return tuple(None if a is None else spread_out(a) for a in out)

    # ------------------------------------------------------------------- export
    def export(self, path, format="saved_model", level=0.9, overwrite=False) -> str:
        """Write the whole forecast as one graph, for serving without forecastrnn.

        The graph takes the raw last ``window`` rows (and the known-future inputs and
        timestamps where the model reads them) in data units, and returns the point forecast
        and the bounds at ``level``: scaling, log transform, window normalisation, anchor,
        ensemble median and the inverse transforms are inside
        (:mod:`forecastrnn.models.export`). ``signature.json`` beside it names the inputs,
        their order, dtypes and shapes; :class:`forecastrnn.models.exported.ExportedForecaster`
        (CLI: ``forecastrnn predict EXPORT_DIR``) forecasts tables with it.

        Parameters
        ----------
        path : str or path
            The export directory (written atomically).
        format : {"saved_model", "tflite"}
            A TensorFlow SavedModel (TF Serving; any batch), or a TFLite flat buffer (mobile
            and edge; one series per call, built-in operators only).
        level : float, list of float or None
            Interval levels fixed in the graph (None: point forecasts only).
        overwrite : bool
            Replace an existing directory.

        Returns
        -------
        str
            The absolute path of the export directory.
        """
        from forecastrnn.models.export import export_model

        return export_model(self, path, format, level, overwrite)

    # -------------------------------------------------------------- save / load
    def _get_state(self) -> dict:
        tails = self.tails_
        return {"settings": self.settings_, "n_windows": self.n_windows_, "freq": self.freq_,
                "columns": self.columns_, "id_kind": getattr(self, "id_kind_", None), "target": self.target_,
                "features": self.features_,
                "known_future": self.known_future_, "calendar": self.calendar_, "fit_args": self.fit_args_,
                "indicator_columns": self.indicator_columns_, "scalers": self.scalers_.to_dict(),
                "tails": {"keys": tails.keys, "lengths": tails.lengths.tolist(),
                          "values": array_to_json(tails.values), "timed": tails.timed,
                          "index": [int(v) for v in (tails.index.as_unit("ns").asi8 if tails.timed else tails.index)]},
                "calibration_scores": array_to_json(self.calibration_scores_),
                "spread_floor": None if self.spread_floor_ is None else array_to_json(self.spread_floor_),
                "history": self.history_}

    def _set_state(self, state: dict) -> None:
        self.settings_ = dict(state["settings"])
        self.n_windows_, self.freq_ = int(state["n_windows"]), state["freq"]
        self.columns_, self.id_kind_ = [str(c) for c in state["columns"]], state.get("id_kind")
        self.target_, self.features_ = list(state["target"]), list(state["features"])
        self.known_future_, self.calendar_ = list(state["known_future"]), list(state["calendar"])
        self.fit_args_ = dict(state["fit_args"])
        self.indicator_columns_ = [int(j) for j in state["indicator_columns"]]
        self.scalers_ = SeriesScalers.from_dict(state["scalers"])
        t = state["tails"]
        index = np.asarray(t["index"], dtype="int64")
        self.tails_ = Stack([str(k) for k in t["keys"]], np.asarray(t["lengths"], dtype="int64"),
                            array_from_json(t["values"]).reshape(len(index), len(self._columns())),
                            pd.DatetimeIndex(index.astype("datetime64[ns]")) if t["timed"] else pd.Index(index))
        self.calibration_scores_ = array_from_json(state["calibration_scores"]).reshape(
            -1, self.horizon, len(self.target_))
        floor = state["spread_floor"]
        self.spread_floor_ = None if floor is None else array_from_json(floor).reshape(self.horizon, len(self.target_))
        self.history_ = state["history"]

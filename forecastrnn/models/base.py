"""``RecurrentEstimator``: the parameters and the training loop shared by the forecasters.

:class:`~forecastrnn.models.forecaster.RNNForecaster` (one series, intervals) and
:class:`~forecastrnn.models.global_forecaster.GlobalRNNForecaster` (one network for many
series) take the same constructor arguments, documented on ``RNNForecaster``, and train the
same way: the network comes from ``build_recurrent_model``, windows are gathered lazily
from start indices, and early stopping watches the validation windows.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np
from sklearn.base import BaseEstimator

from forecastrnn._tf import compile_built, has_gpu
from forecastrnn.base import Forecaster
from forecastrnn.data.windows import WindowSpec, check_positive_int
from forecastrnn.defaults import AUTO, network_settings

LOSSES = ("mse", "mae", "huber")
ANCHORS = ("auto", "last", "mean", "season", "season_mean", "theta", "damped", None)
NORMALIZATIONS = ("last", "window")
LOSS_SCALES = ("series", "window")
# ``loss_scale="window"`` divides each window's errors by max(its scale, this), in the series'
# scaled units: a flat window (scale near 0) must not get an unbounded weight.
WEIGHT_FLOOR = 0.05
# Windows x epochs from which XLA pays for its compilation on CPU: it compiles in 5-7 s and
# saves about 0.1 ms per window (benchmarks/bench_jit.py: 2,005 -> 2,489 GRU windows/s).
JIT_MIN_WINDOWS = 50_000
# Halving the learning rate on plateaus: off, it cost on validation windows (ETTh1 h48 0.0658 ->
# 0.0715 MSE, M3 13.87 -> 13.89 sMAPE; BENCHMARKS.md); bench_etth1_accuracy.py --ablate turns it on.
HALVE_ON_PLATEAU = False
MIN_INPUT_ROWS = 1  # a window needs this many real rows before its origin (the rest is padding)


class TrainingDiverged(ValueError):
    """The training loss became NaN or infinite: a learning rate too large, or extreme data."""


class NoTrainingWindow(ValueError):
    """No series of the data is long enough for one training window of the network's horizon."""


def _training_guard():
    """A Keras callback (defined here because Keras is imported lazily) that stops training at
    the end of the first epoch whose loss or validation loss is not finite and keeps it
    (``epoch``, ``value``), and raises a Ctrl-C or SIGTERM that arrived during training
    between batches (see :mod:`forecastrnn.interrupts`)."""
    import keras

    from forecastrnn import interrupts

    class Guard(keras.callbacks.Callback):
        epoch = value = None

        def on_train_batch_end(self, batch, logs=None):
            interrupts.check()

        def on_epoch_end(self, epoch, logs=None):
            bad = [float(v) for k, v in (logs or {}).items() if k.endswith("loss") and not np.isfinite(float(v))]
            if bad and self.epoch is None:
                self.epoch, self.value = epoch, bad[0]
                self.model.stop_training = True

    return Guard()


def check_strategy(strategy) -> bool:
    """``strategy`` must be None or a ``tf.distribute.Strategy``; True when Keras' ``fit``
    cannot train under it (``models.replicas.ReplicaTrainer`` then does)."""
    if strategy is None:
        return False
    from forecastrnn._tf import tensorflow

    tf = tensorflow()
    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(f"`strategy` must be a tf.distribute.Strategy such as MirroredStrategy(). "
                        f"Received: {type(strategy).__name__}")
    # Keras 3's fit and evaluate fail under MultiWorkerMirroredStrategy (keras-team/keras#20585,
    # measured with TensorFlow 2.21 / Keras 3.15): it trains through a step of our own.
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


class RecurrentEstimator(Forecaster, BaseEstimator):
    """Base of the recurrent forecasters: stores the parameters, seeds and trains the network."""

    supports_covariates = True
    supports_checkpoints = True

    def __init__(self, cell="gru", units="auto", layers=1, bidirectional=False, dropout=0.1,
                 recurrent_dropout=0.0, window="auto", horizon=24, stride=1, scaler="standard",
                 epochs="auto", batch_size="auto", learning_rate=1e-3, patience=5, loss="auto",
                 validation_size=0.1, calibration_size=0.1, anchor="auto", n_models="auto",
                 mc_samples=30, jit_compile="auto", random_state=None, verbose="auto", calendar="auto",
                 id_embedding=0, season_length="auto", normalize="auto", loss_scale="series",
                 target_transform=None, interval_scale="auto", init=None):
        self.cell = cell
        self.units = units
        self.layers = layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.window = window
        self.horizon = horizon
        self.stride = stride
        self.scaler = scaler
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.loss = loss
        self.validation_size = validation_size
        self.calibration_size = calibration_size
        self.anchor = anchor
        self.n_models = n_models
        self.mc_samples = mc_samples
        self.jit_compile = jit_compile
        self.random_state = random_state
        self.verbose = verbose
        self.calendar = calendar
        self.id_embedding = id_embedding
        self.season_length = season_length
        self.normalize = normalize
        self.loss_scale = loss_scale
        self.target_transform = target_transform
        self.interval_scale = interval_scale
        self.init = init

    # ------------------------------------------------------------------ helpers
    @property
    def min_history(self) -> int:
        """The fewest rows ``fit`` can train on: one window of ``horizon`` targets after one
        real row (shorter windows are padded); validation and calibration rows are set apart
        only from series that can spare them."""
        return check_positive_int(self.horizon, "horizon") + MIN_INPUT_ROWS

    @property
    def name(self) -> str:
        """Short model name used in tables: ``gru``, ``bilstm`` ..."""
        return f"{'bi' if self.bidirectional else ''}{self.cell}"

    def _resolve(self, n_rows: int, season_length: int = 1, pick_anchor=None, window=None) -> WindowSpec:
        """Validate the settings and settle every ``"auto"`` one from the data (``settings_``);
        ``pick_anchor(window)`` chooses an ``"auto"`` anchor; ``window`` replaces the rule's
        look-back when ``self.window`` is ``"auto"``."""
        for arg in ("mc_samples", "patience"):
            check_positive_int(getattr(self, arg), arg)
        for arg in ("window", "epochs", "batch_size", "n_models"):
            if getattr(self, arg) != AUTO:
                check_positive_int(getattr(self, arg), arg)
        if self.loss not in (*LOSSES, AUTO):
            raise ValueError(f"`loss` must be one of {[*LOSSES, AUTO]}. Received: loss={self.loss!r}")
        if self.anchor not in ANCHORS:
            raise ValueError(f"`anchor` must be one of {list(ANCHORS)}. Received: anchor={self.anchor!r}")
        if isinstance(self.learning_rate, bool) or not isinstance(self.learning_rate, numbers.Real) \
                or not self.learning_rate > 0:
            raise ValueError(f"`learning_rate` must be a positive number. Received: learning_rate={self.learning_rate!r}")
        if not (self.jit_compile == AUTO or isinstance(self.jit_compile, bool)):
            raise ValueError("`jit_compile` must be 'auto', True or False. Received: "
                             f"jit_compile={self.jit_compile!r}")  # "false" would have been truthy
        self.settings_ = network_settings(
            n_rows, check_positive_int(self.horizon, "horizon"), season_length, pick_anchor,
            window=window if window is not None and self.window == AUTO else self.window, units=self.units,
            epochs=self.epochs, batch_size=self.batch_size, n_models=self.n_models, anchor=self.anchor)
        return self._spec()

    @staticmethod
    def _load_network(file):
        from forecastrnn.models.builders import load_network

        return load_network(file)

    def _spec(self) -> WindowSpec:
        return WindowSpec(self.settings_["window"], self.horizon, self.stride)

    @property
    def window_(self) -> int:
        """The look-back the fitted network reads (``window`` or what ``"auto"`` chose)."""
        return self._spec().window

    def _layer_units(self):
        units = self.settings_["units"]
        if isinstance(units, (list, tuple)):
            return list(units)
        return [units] * check_positive_int(self.layers, "layers")

    def _uses_dropout(self) -> bool:
        return bool(self.dropout or self.recurrent_dropout)

    def _seed(self):
        from forecastrnn._tf import tensorflow

        tf = tensorflow()
        import keras

        if self.random_state is not None:
            keras.utils.set_random_seed(int(self.random_state))
            # On CPU seeds suffice for identical runs (tests/test_forecaster.py checks it), and
            # op determinism would switch XLA off; GPU kernels need it.
            if has_gpu():
                tf.config.experimental.enable_op_determinism()

    def _horizon(self, horizon) -> int:
        horizon = self.horizon if horizon is None else check_positive_int(horizon, "horizon")
        if horizon > self.horizon:
            raise ValueError(f"`horizon` must be at most the trained horizon {self.horizon}. "
                             f"Received: horizon={horizon}")
        return horizon

    def _build(self, n_features: int, n_targets: int, anchor_targets, jit: bool, embed=None, observed_targets=None):
        """``n_models`` networks from the shared builder, side by side in one Keras model.

        Output ``(batch, n_models, horizon, n_targets)``. The members share nothing but the
        input; each starts from its own random weights (and dropout seed), so one ``fit``
        trains them all at once, vectorised, with one early-stopping decision.

        ``embed=(n_codes, dim)``: the last input column holds an integer code (the series),
        which a learned embedding of ``dim`` values replaces at every step. The embedding
        starts at zero, and code 0 (a series never trained on) stays there.
        """
        import keras

        from forecastrnn.models.builders import build_recurrent_model

        spec, s = self._spec(), self.settings_
        inputs = keras.Input(shape=(spec.window, n_features), name="window")
        features = inputs
        if embed is not None:
            codes = keras.ops.cast(inputs[:, -1, -1], "int32")
            vectors = keras.layers.Embedding(embed[0], embed[1], embeddings_initializer="zeros",
                                             name="series_embedding")(codes)
            features = keras.layers.Concatenate(name="with_series")(
                [inputs[:, :, :-1], keras.layers.RepeatVector(spec.window)(vectors)])
            n_features = n_features - 1 + embed[1]
        outputs = []
        for i in range(s["n_models"]):
            member = build_recurrent_model(
                input_shape=(spec.window, n_features), cell=self.cell, units=self._layer_units(),
                bidirectional=self.bidirectional, dropout=self.dropout,
                recurrent_dropout=self.recurrent_dropout, horizon=spec.horizon, n_targets=n_targets,
                anchor_targets=anchor_targets if s["anchor"] else None, anchor=s["anchor"] or "last",
                season_length=s["season_length"], normalize=s.get("normalize", "last"),
                observed_targets=observed_targets, use_cudnn=False if jit else "auto",
                seed=None if self.random_state is None else int(self.random_state) + i, name=f"member_{i}")
            outputs.append(keras.layers.Reshape((1, spec.horizon, n_targets), name=f"as_member_{i}")(member(features)))
        out = outputs[0] if len(outputs) == 1 else keras.layers.Concatenate(axis=1, name="members")(outputs)
        return keras.Model(inputs, out, name=f"{self.name}_x{s['n_models']}")

    def _train_on(self, n_features, n_targets, train_data, val_data, n_train, callbacks=None, anchor_targets=None,
                  embed=None, checkpoint_dir=None, strategy=None, observed_targets=None):
        """Build, compile and fit ``model_`` on datasets: ``train_data(first, end)`` gives the
        shuffled batches of epochs ``first .. end - 1`` (``n_train`` windows each), ``val_data``
        the validation batches (or None). ``anchor_targets`` / ``observed_targets``: the input
        columns of the targets and of their observed indicators.

        Adam at a constant learning rate with ``EarlyStopping`` (best weights restored). When the
        best validation loss is no better than the anchor's own (the network with its output
        layers at zero, evaluated before training), the output layers are reset to zero: the
        model *is* the baseline (``settings_["fell_back"]``). ``checkpoint_dir``: the training state backed up after
        every epoch (``models.resume``), resumed to the same model. ``strategy``: a
        ``tf.distribute.Strategy`` to build and train under (``batch_size`` is the global batch).
        """
        self._seed()
        import keras

        from forecastrnn._tf import tensorflow

        tf = tensorflow()
        own_loop = check_strategy(strategy)
        # XLA and cuDNN exclude each other. On CPU, XLA trains faster (benchmarks/bench_jit.py:
        # GRU 1.2x, LSTM 1.5x on 2 cores) once its compilation is paid: worth it from about
        # JIT_MIN_WINDOWS windows trained; on GPU the cuDNN kernel wins. Under a strategy,
        # XLA's compiled step cannot read the other replicas' variables: off.
        warm = self.__dict__.pop("_warm", None)  # (weights, training windows) of the fit refit starts from
        pretrained = self.__dict__.pop("_init_from", None)  # the pretrained network to start from (init)
        if warm is not None:  # the share of the epochs that the new windows make up, at least one
            new_share = max(0, n_train - warm[1]) / n_train
            self.settings_["epochs"] = max(1, int(np.ceil(self.settings_["epochs"] * new_share)))
        big = n_train * self.settings_["epochs"] >= JIT_MIN_WINDOWS
        jit = (not has_gpu() and strategy is None and big) if self.jit_compile == "auto" else bool(self.jit_compile)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            self.model_ = self._build(n_features, n_targets, anchor_targets, jit, embed, observed_targets)
            if warm is not None:
                self.model_.set_weights(warm[0])
            elif pretrained is not None:
                from forecastrnn.models.warm_start import copy_weights

                copy_weights(pretrained, self.model_, self.horizon)
            compile_built(self.model_, keras.optimizers.Adam(self.learning_rate), loss=self.settings_["loss"],
                          jit_compile=jit)
        batch = self.settings_["batch_size"]

        def one_member_axis(x, y):  # targets (b, h, T) -> (b, 1, h, T), broadcast over the members
            return x, tf.expand_dims(y, 1)

        def weighted(x, y):  # the errors in each window's own units: divided by its scale
            from forecastrnn.models.builders import window_statistics

            observed = None if observed_targets is None else tf.gather(x, observed_targets, axis=-1)
            scale = window_statistics(tf.gather(x, anchor_targets, axis=-1), self.settings_["season_length"],
                                      observed)[2]
            scale = tf.reduce_mean(scale, axis=-1, keepdims=True)  # one weight per window: (b, 1, 1)
            return x, tf.expand_dims(y, 1), 1.0 / tf.maximum(scale, WEIGHT_FLOOR)  # (b, 1, 1)

        def with_members(ds):  # a named function: autograph cannot read a lambda's source
            return ds.map(weighted if self.settings_.get("loss_scale") == "window" else one_member_axis)

        epochs = self.settings_["epochs"]
        first = 0
        if checkpoint_dir is not None:
            from forecastrnn.models.resume import first_epoch

            first = min(first_epoch(checkpoint_dir), epochs)
        train_ds = with_members(train_data(first, epochs))
        val_ds = with_members(val_data) if val_data is not None else None
        monitor = "val_loss" if val_ds is not None else "loss"
        anchored = anchor_targets is not None and self.settings_["anchor"] is not None
        if own_loop:
            from forecastrnn.models.replicas import ReplicaTrainer

            trainer = ReplicaTrainer(self.model_, strategy)
        start_loss = None
        if val_ds is not None and anchored:  # the anchor's loss: the output layers at zero, for a moment
            start = [layer.get_weights() for layer in self._forecast_layers()]
            self._fall_back_to_anchor()
            start_loss = trainer.evaluate(val_ds) if own_loop else self.model_.evaluate(val_ds, verbose=0)
            for layer, weights in zip(self._forecast_layers(), start):
                layer.set_weights(weights)
            self.settings_.pop("fell_back", None)
        kept = None
        if val_ds is not None and pretrained is not None:  # the pretrained weights' loss: kept unless beaten
            kept = (self.model_.get_weights(), trainer.evaluate(val_ds) if own_loop
                    else self.model_.evaluate(val_ds, verbose=0))
        stop = keras.callbacks.EarlyStopping(monitor=monitor, patience=self.patience, restore_best_weights=True)
        guard = _training_guard()
        own = [guard, stop]
        if HALVE_ON_PLATEAU:
            own.append(keras.callbacks.ReduceLROnPlateau(monitor=monitor, factor=0.5,
                                                         patience=max(1, self.patience // 2), verbose=0))
        from forecastrnn import interrupts, progress

        shown = progress.epoch_callback(epochs)  # for a caller's stage line (the CLI's)
        if checkpoint_dir is not None:  # after the callbacks whose state it saves
            from forecastrnn.models.resume import ResumableTraining

            resumable = ResumableTraining(checkpoint_dir, watched=own[1:])
            own.append(resumable)
        own += [shown] if shown is not None else []
        steps = -(-n_train // batch)

        with interrupts.training():  # a Ctrl-C or SIGTERM is raised by the guard between batches
            if own_loop:
                history = trainer.fit(train_ds, val_ds, epochs, steps, [*own, *(callbacks or [])], self.verbose)
            else:
                history = self.model_.fit(train_ds, validation_data=val_ds, epochs=epochs, steps_per_epoch=steps,
                                          callbacks=[*own, *(callbacks or [])], shuffle=False,
                                          verbose=self.verbose).history
        history = resumable.history if checkpoint_dir is not None else history
        if guard.epoch is not None:
            raise TrainingDiverged(
                f"Training diverged: the loss became {guard.value} in epoch {guard.epoch + 1}. Expected finite "
                f"losses. Received: learning_rate={self.learning_rate}, loss={self.settings_['loss']!r}; try a smaller "
                "learning_rate (CLI --learning-rate), loss='huber' or 'mae' (CLI --loss), or check the data "
                "for extreme values")
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.items()}
        best = min(self.history_[monitor])
        if kept is not None:
            self.settings_["kept_pretrained"] = bool(best >= kept[1])
            if best >= kept[1]:  # no epoch beat the pretrained weights on the validation windows
                self.model_.set_weights(kept[0])
                best = kept[1]
        if start_loss is not None and best >= start_loss:
            self._fall_back_to_anchor()
        self.settings_.setdefault("fell_back", False)

    def _refit_clone(self):
        """An unfitted copy with this fit's settings fixed, for the epochs early stopping chose
        and with no rows held back (what ``refit`` trains)."""
        from sklearn.base import clone

        self._check_fitted()
        s = self.settings_
        losses = self.history_.get("val_loss") or self.history_["loss"]
        return clone(self).set_params(window=s["window"], units=s["units"], batch_size=s["batch_size"],
                                      n_models=s["n_models"], anchor=s["anchor"], normalize=s["normalize"],
                                      interval_scale=s["interval_scale"], calendar=AUTO if s["calendar"] else None,
                                      loss=s["loss"],
                                      epochs=int(np.argmin(losses)) + 1, validation_size=0, calibration_size=0)

    def _forecast_layers(self) -> list:
        """Every member's output layer."""
        return [layer for member in self.model_.layers for layer in getattr(member, "layers", [])
                if layer.name == "forecast"]

    def _fall_back_to_anchor(self):
        """Zero every member's output layer: the model then forecasts exactly its anchor."""
        for layer in self._forecast_layers():
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
        self.settings_["fell_back"] = True

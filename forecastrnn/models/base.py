"""``RecurrentEstimator``: the parameters and the training loop shared by the forecasters.

:class:`~forecastrnn.models.forecaster.RNNForecaster` (one series, intervals) and
:class:`~forecastrnn.models.global_forecaster.GlobalRNNForecaster` (one network for many
series) take the same constructor arguments, documented on ``RNNForecaster``, and train the
same way: the network comes from ``build_recurrent_model``, windows are gathered lazily
from start indices, and early stopping watches the validation windows.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from forecastrnn.data.windows import WindowSpec, check_positive_int, make_dataset
from forecastrnn.models.persistence import has_gpu

LOSSES = ("mse", "mae", "huber")


class RecurrentEstimator(BaseEstimator):
    """Base of the recurrent forecasters: stores the parameters, seeds and trains the network."""

    def __init__(self, cell="gru", units=32, layers=1, bidirectional=False, dropout=0.0,
                 recurrent_dropout=0.0, window=48, horizon=24, stride=1, scaler="standard",
                 epochs=50, batch_size=64, learning_rate=1e-3, patience=5, loss="mse",
                 validation_size=0.2, residual=True, mc_samples=30, jit_compile="auto",
                 random_state=None, verbose="auto"):
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
        self.residual = residual
        self.mc_samples = mc_samples
        self.jit_compile = jit_compile
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ helpers
    @property
    def name(self) -> str:
        """Short model name used in tables: ``gru``, ``bilstm`` ..."""
        return f"{'bi' if self.bidirectional else ''}{self.cell}"

    def _spec(self) -> WindowSpec:
        return WindowSpec(self.window, self.horizon, self.stride)

    def _layer_units(self):
        if isinstance(self.units, (list, tuple)):
            return list(self.units)
        return [self.units] * check_positive_int(self.layers, "layers")

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

    def _check_params(self) -> WindowSpec:
        """Validate the training settings; returns the window specification."""
        for arg in ("epochs", "batch_size", "mc_samples"):
            check_positive_int(getattr(self, arg), arg)
        if self.loss not in LOSSES:
            raise ValueError(f"`loss` must be one of {list(LOSSES)}. Received: loss={self.loss!r}")
        return self._spec()

    def _train(self, inputs, targets, train_starts, val_starts, callbacks=None, residual_targets=None):
        """Build, compile and fit ``model_`` on the windows starting at ``train_starts``.

        ``inputs`` (n_rows, n_features) and ``targets`` (n_rows, n_targets) are scaled;
        ``residual_targets`` are the input columns holding the targets (used when
        ``residual``). Sets ``model_`` and ``history_``.
        """
        spec = self._spec()
        self._seed()
        import keras

        from forecastrnn.models.builders import build_recurrent_model

        # XLA and cuDNN exclude each other. On CPU, XLA trains faster (benchmarks/bench_jit.py:
        # GRU 1.2x, LSTM 1.5x on 2 cores); on GPU the cuDNN kernel wins.
        jit = (not has_gpu()) if self.jit_compile == "auto" else bool(self.jit_compile)
        self.model_ = build_recurrent_model(
            input_shape=(spec.window, inputs.shape[1]), cell=self.cell, units=self._layer_units(),
            bidirectional=self.bidirectional, dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout, horizon=spec.horizon,
            n_targets=targets.shape[1], residual_targets=residual_targets if self.residual else None,
            use_cudnn=False if jit else "auto", seed=self.random_state)
        self.model_.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss=self.loss,
                            jit_compile=jit)
        train_ds = make_dataset(inputs, targets, spec, train_starts, self.batch_size, shuffle=True,
                                seed=self.random_state)
        val_ds = (make_dataset(inputs, targets, spec, val_starts, self.batch_size)
                  if np.size(val_starts) else None)
        stop = keras.callbacks.EarlyStopping(monitor="val_loss" if val_ds is not None else "loss",
                                             patience=self.patience, restore_best_weights=True)
        history = self.model_.fit(train_ds, validation_data=val_ds, epochs=self.epochs,
                                  callbacks=[stop, *(callbacks or [])], shuffle=False,
                                  verbose=self.verbose)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}

"""``build_recurrent_model``: the one Keras graph factory for forecasting and text classification.

Fast path (cuDNN on GPU)
------------------------
Keras runs GRU and LSTM layers on the fused cuDNN kernel when all of these hold, and this
builder keeps them whenever the caller allows:

* ``activation="tanh"`` and ``recurrent_activation="sigmoid"`` (the builder always uses them);
* ``recurrent_dropout == 0`` (any recurrent dropout switches to the generic loop);
* masks, if any, are right-padded: real steps first, padding after (``pad_sequences`` with
  ``padding="post"``); a mask with holes in the middle switches to the generic loop;
* ``unroll=False``, ``use_bias=True`` and, for GRU, ``reset_after=True`` (the defaults).

Input ``dropout`` keeps the fast path. ``SimpleRNN`` has no cuDNN kernel.
"""

from __future__ import annotations

import numbers

from forecastrnn._tf import tensorflow
from forecastrnn.data.season import ANCHORS, SCALE_FLOOR, TREND_ANCHORS, normalization_season, trend_steps

tensorflow()
import keras  # noqa: E402  (after the quiet TensorFlow import)

CELLS = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM, "simplernn": keras.layers.SimpleRNN}
HEADS = ("regression", "binary")
POOLINGS = ("last", "mean", "max")
NORMALIZATIONS = ("last", "window")
# The output layer's initial kernel. Random, not zeros: from zeros (the untrained network *is*
# its anchor) the recurrent layers get no gradient at first and early stopping came too soon
# (ETTh1 validation h24 MSE 0.0434 random, 0.0479 zeros; BENCHMARKS.md; the bench's --ablate
# zero_start measures it again).
OUTPUT_START = "glorot_uniform"


def anchor_positions(window: int, horizon: int, season_length: int = 1) -> list[int]:
    """Window positions whose values form the seasonal-naive forecast of steps 1..horizon.

    Step ``h`` (1-based) repeats the value one season before it, i.e. position
    ``window - m + ((h - 1) mod m)``; with ``m = 1`` every step repeats the last value.
    """
    if season_length > window:
        raise ValueError(f"A seasonal anchor needs window >= season_length. Received: window={window}, "
                         f"season_length={season_length}")
    return [window - season_length + h % season_length for h in range(horizon)]


@keras.saving.register_keras_serializable(package="forecastrnn")
class BaselineAnchor(keras.layers.Layer):
    """Add a simple forecast read from the window: the network learns the *correction* to it.

    ``kind`` is one of :data:`forecastrnn.data.season.ANCHORS` and the forecast is exactly
    :func:`forecastrnn.data.season.anchor_forecast`: the last value, the window's mean,
    seasonal naive, or the level-adjusted mean of each season position over the seasons in
    the window. With a zero
    output the network forecasts exactly like that baseline, and training has to improve on it.

    Inputs: ``[forecast (batch, horizon, n_targets), inputs (batch, window, n_features)]``.
    """

    def __init__(self, target_indices, season_length=1, kind="season", **kwargs):
        super().__init__(**kwargs)
        self.target_indices = [int(i) for i in target_indices]
        self.season_length = int(season_length)
        self.kind = kind

    def call(self, forecast, inputs):
        series = keras.ops.take(inputs, self.target_indices, axis=-1)  # (batch, window, n_targets)
        window, horizon, m = inputs.shape[1], forecast.shape[1], self.season_length
        if self.kind == "mean":
            return forecast + keras.ops.mean(series, axis=1, keepdims=True)
        if self.kind != "season_mean":
            return forecast + keras.ops.take(series, anchor_positions(window, horizon, m), axis=1)
        n_seasons = window // m
        profile = sum(keras.ops.take(series, [p - m * i for p in anchor_positions(window, horizon, m)], axis=1)
                      for i in range(n_seasons)) / n_seasons
        level = (keras.ops.mean(series[:, window - m:], axis=1, keepdims=True)
                 - keras.ops.mean(series[:, window - n_seasons * m:], axis=1, keepdims=True))
        return forecast + profile + level

    def get_config(self):
        return {**super().get_config(), "target_indices": self.target_indices,
                "season_length": self.season_length, "kind": self.kind}


@keras.saving.register_keras_serializable(package="forecastrnn")
class MaskedMaxPooling(keras.layers.Layer):
    """Maximum of each channel over the real (unmasked) steps: ``(batch, steps, ch) -> (batch, ch)``.

    ``keras.layers.GlobalMaxPooling1D`` ignores the mask, so the zeros Keras writes for padded
    steps would enter the maximum; here they are excluded.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = keras.ops.where(keras.ops.expand_dims(mask, -1), inputs, -1e9)
        return keras.ops.max(inputs, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None


@keras.saving.register_keras_serializable(package="forecastrnn")
class CenterOnLastStep(keras.layers.Layer):
    """Subtract each window's last step from all its steps: ``x - x[:, -1:, :]``.

    Together with :class:`BaselineAnchor` the network sees only the shape of the window,
    not its level, so a level it never saw in training (a drifting series) does not throw it
    off (the NLinear / RevIN idea).
    """

    def call(self, inputs):
        return inputs - inputs[:, -1:, :]


def window_statistics(series, season_length: int, observed=None):
    """:func:`forecastrnn.data.season.window_normalization` in Keras ops, for a batch
    ``series`` of shape ``(batch, window, n)`` and its ``observed`` indicators (same shape;
    default all observed): ``z`` (same shape), level and scale ``(batch, 1, n)``, seasonal
    indices ``(batch, m, n)``."""
    ops = keras.ops
    window, n = series.shape[1], series.shape[2]
    o = ops.ones_like(series) if observed is None else ops.cast(observed > 0.5, series.dtype)
    x = series * o
    m = normalization_season(window, season_length)
    k = window // m

    def by_phase(v):
        return ops.sum(ops.reshape(v[:, window - k * m:], (-1, k, m, n)), axis=1)

    counts = by_phase(o)
    seasons = by_phase(x) / ops.maximum(counts, 1.0)
    have = ops.cast(counts > 0, series.dtype)
    overall = ops.sum(seasons * have, axis=1, keepdims=True) / ops.maximum(ops.sum(have, axis=1, keepdims=True), 1.0)
    profile = (seasons - overall) * have
    d = x - ops.take(profile, [(t - (window - k * m)) % m for t in range(window)], axis=1)
    n_last, n_all = ops.sum(o[:, window - m:], axis=1, keepdims=True), ops.sum(o, axis=1, keepdims=True)
    level = ops.where(n_last > 0, ops.sum(x[:, window - m:], axis=1, keepdims=True) / ops.maximum(n_last, 1.0),
                      ops.sum(x, axis=1, keepdims=True) / ops.maximum(n_all, 1.0))
    scale = ops.sum(ops.abs(d - level) * o, axis=1, keepdims=True) / ops.maximum(n_all, 1.0) + SCALE_FLOOR
    return (d - level) / scale * o, level, scale, profile


@keras.saving.register_keras_serializable(package="forecastrnn")
class WindowNormalization(keras.layers.Layer):
    """Deseasonalise, centre and scale the target channels of each window by the window's own
    seasonal indices, level and scale (:func:`window_statistics`, over the steps that the
    ``observed_indices`` channels mark as observed), so the network sees shapes, not levels
    or scales. Output: the normalised targets, then the other channels unchanged."""

    def __init__(self, target_indices, season_length=1, observed_indices=None, **kwargs):
        super().__init__(**kwargs)
        self.target_indices = [int(i) for i in target_indices]
        self.season_length = int(season_length)
        self.observed_indices = None if observed_indices is None else [int(i) for i in observed_indices]

    def _statistics(self, inputs):
        observed = None if self.observed_indices is None else keras.ops.take(inputs, self.observed_indices, axis=-1)
        return window_statistics(keras.ops.take(inputs, self.target_indices, axis=-1), self.season_length, observed)

    def call(self, inputs):
        z = self._statistics(inputs)[0]
        others = [i for i in range(inputs.shape[-1]) if i not in self.target_indices]
        return keras.ops.concatenate([z, keras.ops.take(inputs, others, axis=-1)], axis=-1) if others else z

    def get_config(self):
        return {**super().get_config(), "target_indices": self.target_indices, "season_length": self.season_length,
                "observed_indices": self.observed_indices}


@keras.saving.register_keras_serializable(package="forecastrnn")
class WindowDenormalization(WindowNormalization):
    """Undo :class:`WindowNormalization` on the forecast: ``z * scale + level + s[h mod m]``.
    A zero network output forecasts the window's level plus its seasonal indices (the
    ``"season_mean"`` anchor); with ``trend`` (``"theta"`` or ``"damped"``) plus the
    deseasonalised window's slope times :func:`forecastrnn.data.season.trend_steps` (as
    :func:`forecastrnn.data.season.window_slope`). Inputs: ``[forecast (batch, horizon,
    n_targets), inputs]``."""

    def __init__(self, target_indices, season_length=1, observed_indices=None, trend=None, **kwargs):
        super().__init__(target_indices, season_length, observed_indices, **kwargs)
        if trend not in (None, *TREND_ANCHORS):
            raise ValueError(f"`trend` must be one of {[None, *TREND_ANCHORS]}. Received: trend={trend!r}")
        self.trend = trend

    def call(self, forecast, inputs):
        z, level, scale, profile = self._statistics(inputs)
        steps = [h % profile.shape[1] for h in range(forecast.shape[1])]
        out = forecast * scale + level + keras.ops.take(profile, steps, axis=1)
        if self.trend is None:
            return out
        ops, window = keras.ops, inputs.shape[1]
        o = ops.ones_like(z) if self.observed_indices is None else \
            ops.cast(ops.take(inputs, self.observed_indices, axis=-1) > 0.5, z.dtype)
        t = ops.reshape(ops.arange(window, dtype=z.dtype), (1, window, 1))
        n = ops.maximum(ops.sum(o, axis=1, keepdims=True), 1.0)
        tc = (t - ops.sum(o * t, axis=1, keepdims=True) / n) * o
        zc = (z - ops.sum(o * z, axis=1, keepdims=True) / n) * o
        slope = ops.sum(tc * zc, axis=1, keepdims=True) / ops.maximum(ops.sum(tc * tc, axis=1, keepdims=True), 1e-12)
        multiples = trend_steps(window, self.season_length, forecast.shape[1], self.trend)
        return out + slope * scale * ops.reshape(ops.convert_to_tensor(multiples, dtype=z.dtype), (1, -1, 1))

    def get_config(self):
        return {**super().get_config(), "trend": self.trend}


def _check_units(units) -> list[int]:
    items = [units] if isinstance(units, numbers.Integral) and not isinstance(units, bool) else units
    try:
        items = list(items)
    except TypeError:
        items = [None]
    if not items or any(isinstance(u, bool) or not isinstance(u, numbers.Integral) or u <= 0
                        for u in items):
        raise ValueError("`units` must be a positive integer or a non-empty list of them. "
                         f"Received: units={units!r}")
    return [int(u) for u in items]


def _check_fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def build_recurrent_model(
    *,
    input_shape=None,
    vocab_size=None,
    cell="gru",
    units=32,
    bidirectional=False,
    pooling="last",
    dropout=0.0,
    recurrent_dropout=0.0,
    embedding_dim=32,
    head="regression",
    horizon=1,
    n_targets=1,
    anchor_targets=None,
    anchor="last",
    season_length=1,
    normalize="last",
    observed_targets=None,
    use_cudnn="auto",
    seed=None,
    name=None,
):
    """Build an uncompiled recurrent ``keras.Model`` for forecasting or sequence classification.

    Exactly one of ``input_shape`` (numeric series) and ``vocab_size`` (token ids) is given.

    Parameters
    ----------
    input_shape : tuple (window, n_features), optional
        Numeric input: a window of ``n_features`` values per step.
    vocab_size : int, optional
        Token input of shape ``(None,)`` through ``Embedding(vocab_size, embedding_dim,
        mask_zero=True)``: id 0 is padding and is masked.
    cell : {"gru", "lstm", "simplernn"}
    units : int or list of int
        Units of each recurrent layer; a list stacks layers (all but the last return
        sequences).
    bidirectional : bool
        Wrap every recurrent layer in ``keras.layers.Bidirectional`` (the two directions'
        outputs are concatenated).
    pooling : {"last", "mean", "max"}
        What the head reads: the last layer's final state, or the mask-aware mean or maximum
        of its outputs over all real steps (helps long sequences such as reviews: every
        step gets a direct gradient).
    dropout, recurrent_dropout : float in [0, 1)
        Dropout on each recurrent layer's inputs and on its recurrent state.
        ``recurrent_dropout > 0`` turns off the cuDNN kernel.
    embedding_dim : int
    head : {"regression", "binary"}
        ``regression``: ``horizon * n_targets`` linear outputs reshaped to
        ``(horizon, n_targets)``; ``binary``: one sigmoid unit.
    horizon, n_targets : int
        Regression output shape.
    anchor_targets : list of int, optional
        Regression on numeric input only: indices of the input features that hold the
        targets. The window is re-centred on its last step (:class:`CenterOnLastStep`), the
        output layer starts at zero, and a baseline forecast read from the window is added
        to the output (:class:`BaselineAnchor`), so the network learns corrections to it.
    anchor : {"last", "mean", "season", "season_mean"}, or "theta" / "damped" with ``normalize="window"``
        The baseline (:func:`forecastrnn.data.season.anchor_forecast`): the last observed
        value (naive), the window's mean, the value one season earlier (seasonal naive, needs
        ``window >= season_length``) or the level-adjusted mean of the seasons in the window
        (needs two seasons).
    season_length : int
        Season of the ``"season"`` anchors and of ``normalize="window"``.
    normalize : {"last", "window"}
        With ``anchor_targets``: ``"last"`` re-centres the window on its last step and adds the
        ``anchor``; ``"window"`` deseasonalises, centres and scales the target channels by
        the window's own seasonal indices, level and scale (:class:`WindowNormalization`) and
        maps the output back (:class:`WindowDenormalization`: the untrained network forecasts
        the window's level and seasonal indices, plus, with ``anchor="theta"`` or
        ``"damped"``, the trend of the deseasonalised window; other anchors are unused).
    observed_targets : list of int, optional
        With ``normalize="window"``: the input channels that flag each target's observed
        steps (1 observed, 0 missing or padding); the window statistics read only those steps.
    use_cudnn : "auto" or bool
        GRU/LSTM only: ``"auto"`` uses cuDNN when the configuration allows; ``False`` is
        needed for XLA (``jit_compile=True``).
    seed : int, optional
        Seed of the dropout layers.
    name : str, optional

    Returns
    -------
    keras.Model
        Uncompiled. Output shape ``(batch, horizon, n_targets)`` for regression,
        ``(batch, 1)`` for binary.

    Raises
    ------
    ValueError
        For any argument outside the values above, naming it and the value received.

    Examples
    --------
    >>> model = build_recurrent_model(input_shape=(24, 3), cell="lstm", units=[32, 16],
    ...                               horizon=6, n_targets=1)  # doctest: +SKIP
    >>> model.output_shape  # doctest: +SKIP
    (None, 6, 1)
    """
    if (input_shape is None) == (vocab_size is None):
        raise ValueError("Exactly one of `input_shape` and `vocab_size` must be given. "
                         f"Received: input_shape={input_shape!r}, vocab_size={vocab_size!r}")
    if cell not in CELLS:
        raise ValueError(f"`cell` must be one of {list(CELLS)}. Received: cell={cell!r}")
    if head not in HEADS:
        raise ValueError(f"`head` must be one of {list(HEADS)}. Received: head={head!r}")
    if anchor not in ANCHORS and not (anchor in TREND_ANCHORS and normalize == "window"):
        raise ValueError(f"`anchor` must be one of {list(ANCHORS)} ({list(TREND_ANCHORS)} with normalize='window'). "
                         f"Received: anchor={anchor!r}, normalize={normalize!r}")
    if normalize not in NORMALIZATIONS:
        raise ValueError(f"`normalize` must be one of {list(NORMALIZATIONS)}. Received: normalize={normalize!r}")
    if pooling not in POOLINGS:
        raise ValueError(f"`pooling` must be one of {list(POOLINGS)}. Received: pooling={pooling!r}")
    layer_units = _check_units(units)
    dropout = _check_fraction(dropout, "dropout")
    recurrent_dropout = _check_fraction(recurrent_dropout, "recurrent_dropout")
    for arg, value in (("horizon", horizon), ("n_targets", n_targets), ("embedding_dim", embedding_dim)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
            raise ValueError(f"`{arg}` must be a positive integer. Received: {arg}={value!r}")

    if vocab_size is not None:
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, numbers.Integral) or vocab_size < 2:
            raise ValueError(f"`vocab_size` must be an integer >= 2. Received: vocab_size={vocab_size!r}")
        inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
        x = keras.layers.Embedding(int(vocab_size), int(embedding_dim), mask_zero=True,
                                   name="embedding")(inputs)
    else:
        shape = tuple(input_shape)
        if len(shape) != 2 or any(not isinstance(s, numbers.Integral) or s <= 0 for s in shape):
            raise ValueError("`input_shape` must be (window, n_features) with positive integers. "
                             f"Received: input_shape={input_shape!r}")
        inputs = x = keras.Input(shape=shape, name="window")
        if anchor_targets is not None and normalize == "window":
            x = WindowNormalization(anchor_targets, season_length, observed_targets, name="window_normalization")(x)
        elif anchor_targets is not None:
            x = CenterOnLastStep(name="center_on_last_step")(x)

    layer_cls = CELLS[cell]
    for i, n_units in enumerate(layer_units):
        extra = {} if cell == "simplernn" else {"use_cudnn": use_cudnn}
        layer = layer_cls(n_units, dropout=dropout, recurrent_dropout=recurrent_dropout,
                          return_sequences=i < len(layer_units) - 1 or pooling != "last", seed=seed,
                          name=f"{cell}_{i}", **extra)
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bi{cell}_{i}")
        x = layer(x)
    if pooling == "mean":
        x = keras.layers.GlobalAveragePooling1D(name="mean_over_steps")(x)
    elif pooling == "max":
        x = MaskedMaxPooling(name="max_over_steps")(x)

    if head == "regression":
        anchored = anchor_targets is not None
        if anchored:
            if vocab_size is not None:
                raise ValueError("`anchor_targets` needs numeric input. Received: a token model")
            if len(anchor_targets) != n_targets:
                raise ValueError(f"`anchor_targets` must list {n_targets} feature indices. "
                                 f"Received: anchor_targets={list(anchor_targets)!r}")
        x = keras.layers.Dense(int(horizon) * int(n_targets), name="forecast",
                               kernel_initializer=OUTPUT_START)(x)
        outputs = keras.layers.Reshape((int(horizon), int(n_targets)), name="steps")(x)
        if anchored and normalize == "window":
            outputs = WindowDenormalization(anchor_targets, season_length, observed_targets,
                                            trend=anchor if anchor in TREND_ANCHORS else None,
                                            name="window_denormalization")(outputs, inputs)
        elif anchored:
            m = 1 if anchor in ("last", "mean") else int(season_length)
            if int(input_shape[0]) < (2 * m if anchor == "season_mean" else m):
                raise ValueError(f"A {anchor!r} anchor needs window >= {'2 x ' if anchor == 'season_mean' else ''}"
                                 f"season_length. Received: window={input_shape[0]}, season_length={m}")
            outputs = BaselineAnchor(anchor_targets, m, anchor,
                                     name=f"{anchor}_anchor")(outputs, inputs)
    else:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.Model(inputs, outputs, name=name or f"{'bi' if bidirectional else ''}{cell}")


def load_network(file: str):
    """``keras.models.load_model`` with safe_mode (the custom layers above are registered),
    turning a broken file into a ValueError."""
    try:
        return keras.models.load_model(file, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a damaged archive
        raise ValueError(f"Could not load the Keras model {file!r}: expected a valid .keras file. "
                         f"Received error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None

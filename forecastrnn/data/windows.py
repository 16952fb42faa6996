"""Supervised windows over a series, produced lazily from start indices.

A window that starts at row ``s`` pairs

* inputs  = rows ``[s, s + window)``               shape ``(window, n_features)``
* targets = rows ``[s + window, s + window + horizon)`` shape ``(horizon, n_targets)``

so a window's targets always lie strictly after its inputs: no forecast sees its future.
Starts are ``0, stride, 2 * stride, ...``; a series of ``n`` rows has

    n_windows = (n - window - horizon) // stride + 1    (0 when n < window + horizon)

windows. Training never materialises the ``(n_windows, window, n_features)`` array: the
series is held once as a tensor and each batch is gathered from its start indices
(memory O(rows), not O(rows x window)). :func:`sliding_windows` gives zero-copy numpy views
for small data and tests.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np


def check_positive_int(value, name: str) -> int:
    """Return ``value`` if it is a positive integer, else raise the project's standard error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value}")
    return int(value)


@dataclass(frozen=True)
class WindowSpec:
    """Input length, forecast length and the step between window starts.

    Parameters
    ----------
    window : int
        Number of past steps the model reads.
    horizon : int
        Number of future steps it forecasts.
    stride : int, default 1
        Steps between consecutive window starts.

    Examples
    --------
    >>> spec = WindowSpec(window=3, horizon=2)
    >>> spec.n_windows(10)
    6
    """

    window: int
    horizon: int
    stride: int = 1

    def __post_init__(self):
        for name in ("window", "horizon", "stride"):
            check_positive_int(getattr(self, name), name)

    @property
    def span(self) -> int:
        """Rows one window covers: ``window + horizon``."""
        return self.window + self.horizon

    def n_windows(self, n_rows: int) -> int:
        """``(n_rows - window - horizon) // stride + 1``, or 0 for too short a series."""
        return max(0, (n_rows - self.span) // self.stride + 1)

    def starts(self, n_rows: int, targets=None, first_target: int = 0, end: int | None = None) -> np.ndarray:
        """Start indices of the usable windows.

        Parameters
        ----------
        n_rows : int
            Length of the series the starts index into.
        targets : array of shape (n_rows,) or (n_rows, n_targets), optional
            Windows whose targets hold any NaN are skipped.
        first_target, end : int
            Keep only windows whose target rows all lie in ``[first_target, end)`` (default:
            the whole series). This is how a validation or test window reads its inputs
            from the rows before its piece while its targets stay inside it.

        Returns
        -------
        numpy.ndarray of int64, shape (n_usable,)
        """
        end = n_rows if end is None else min(end, n_rows)
        starts = np.arange(0, self.n_windows(n_rows) * self.stride, self.stride, dtype="int64")
        starts = starts[(starts + self.window >= first_target) & (starts + self.span <= end)]
        if targets is not None and starts.size:
            missing = np.isnan(np.asarray(targets, dtype="float64").reshape(n_rows, -1)).any(axis=1)
            # A window is bad when any of its horizon target rows is missing: count the
            # missing rows in each target span with a cumulative sum.
            counts = np.concatenate([[0], np.cumsum(missing)])
            bad = counts[starts + self.span] - counts[starts + self.window] > 0
            starts = starts[~bad]
        return starts


def sliding_windows(inputs, targets, spec: WindowSpec):
    """Zero-copy numpy views of every window (for small data and tests).

    Parameters
    ----------
    inputs : array of shape (n_rows, n_features)
    targets : array of shape (n_rows, n_targets)
    spec : WindowSpec

    Returns
    -------
    x : numpy.ndarray view, shape (n_windows, window, n_features)
    y : numpy.ndarray view, shape (n_windows, horizon, n_targets)
    """
    inputs, targets = _as_2d(inputs, "inputs"), _as_2d(targets, "targets")
    _check_lengths(inputs, targets, spec)
    n = spec.n_windows(len(inputs))
    view = np.lib.stride_tricks.sliding_window_view
    x = view(inputs[: len(inputs) - spec.horizon], spec.window, axis=0).swapaxes(1, 2)
    y = view(targets[spec.window:], spec.horizon, axis=0).swapaxes(1, 2)
    return x[: n * spec.stride : spec.stride], y[: n * spec.stride : spec.stride]


def make_dataset(inputs, targets, spec: WindowSpec, starts=None, batch_size: int = 32,
                 shuffle: bool = False, seed: int | None = None, epochs: tuple[int, int] | None = None):
    """A lazy ``tf.data.Dataset`` of ``(inputs, targets)`` batches gathered from start indices.

    Parameters
    ----------
    inputs : array of shape (n_rows, n_features)
        Model inputs, already scaled and with missing values handled (see ``masking``).
    targets : array of shape (n_rows, n_targets) or None
        Scaled targets; ``None`` gives an inputs-only dataset for prediction.
    spec : WindowSpec
    starts : array of int, optional
        Window starts (default: ``spec.starts(n_rows, targets)``, skipping NaN targets).
    batch_size : int
    shuffle : bool
        Reshuffle the start indices at every epoch (training).
    seed : int, optional
        Shuffle seed, for reproducible epochs.
    epochs : (first, end), optional
        With ``shuffle``: one dataset for the training epochs ``first .. end - 1``, each epoch's
        order a pure function of ``(seed, epoch)`` (pass ``steps_per_epoch`` to Keras). A
        training resumed at epoch ``k`` then sees the batches an uninterrupted one would.

    Returns
    -------
    tf.data.Dataset
        Elements ``x`` of shape ``(batch, window, n_features)`` and ``y`` of shape
        ``(batch, horizon, n_targets)`` (float32).
    """
    from forecastrnn._tf import tensorflow

    tf = tensorflow()

    check_positive_int(batch_size, "batch_size")
    inputs = _as_2d(inputs, "inputs", "float32")
    if targets is not None:
        targets = _as_2d(targets, "targets", "float32")
        _check_lengths(inputs, targets, spec)
    if starts is None:
        starts = spec.starts(len(inputs), targets)
    starts = np.asarray(starts, dtype="int64")
    # Prediction windows need only their inputs to exist; training windows their targets too.
    last = len(inputs) - (spec.window if targets is None else spec.span)
    if starts.size and (starts.min() < 0 or starts.max() > last):
        raise ValueError(f"Window starts must lie in [0, {last}]. "
                         f"Received: starts from {starts.min()} to {starts.max()}")
    x_all = tf.constant(inputs, dtype=tf.float32)
    y_all = None if targets is None else tf.constant(targets, dtype=tf.float32)
    x_offsets = tf.range(spec.window, dtype=tf.int64)
    y_offsets = tf.range(spec.window, spec.span, dtype=tf.int64)

    def gather(batch_starts):
        x = tf.gather(x_all, batch_starts[:, None] + x_offsets)
        if y_all is None:
            return x
        return x, tf.gather(y_all, batch_starts[:, None] + y_offsets)

    if shuffle and starts.size and epochs is not None:
        all_starts = tf.constant(starts)
        key = int(seed if seed is not None else np.random.default_rng().integers(2**31))

        def epoch_batches(epoch):
            order = tf.random.experimental.stateless_shuffle(all_starts, seed=tf.stack([tf.constant(key, tf.int64), epoch]))
            return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

        ds = tf.data.Dataset.range(*epochs).flat_map(epoch_batches)
    else:
        ds = tf.data.Dataset.from_tensor_slices(starts)
        if shuffle and starts.size:
            ds = ds.shuffle(len(starts), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size)
    return ds.map(gather, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def stream_batches(blocks, spec: WindowSpec, batch_size: int, shuffle: bool = False, seed: int | None = None):
    """``(x, y)`` numpy batches gathered block by block, never more than one block's rows at once.

    Parameters
    ----------
    blocks : iterable of (inputs, targets, starts)
        Pieces of a long stack of series: rows ``(n, n_features)`` and ``(n, n_targets)`` and
        the window starts into them (windows never cross a block).
    spec : WindowSpec
    batch_size : int
    shuffle : bool
        Visit each block's windows in a random order (``seed``). Blocks keep their order.
    seed : int or sequence of int, optional

    Yields
    ------
    x : float32 (batch, window, n_features), y : float32 (batch, horizon, n_targets)
        Full batches across block boundaries; the last one may be smaller, so a pass over
        ``n`` windows gives exactly ``ceil(n / batch_size)`` batches.
    """
    rng = np.random.default_rng(seed)
    x_offsets, y_offsets = np.arange(spec.window), np.arange(spec.window, spec.span)
    carry = None
    for inputs, targets, starts in blocks:
        starts = rng.permutation(starts) if shuffle else np.asarray(starts)
        for first in range(0, len(starts), batch_size):
            piece = starts[first:first + batch_size]
            x, y = inputs[piece[:, None] + x_offsets], targets[piece[:, None] + y_offsets]
            if carry is not None:
                x, y = np.concatenate([carry[0], x]), np.concatenate([carry[1], y])
            if len(x) >= batch_size:
                yield x[:batch_size], y[:batch_size]
                x, y = x[batch_size:], y[batch_size:]
            carry = (x, y) if len(x) else None
    if carry is not None:
        yield carry


def make_stream_dataset(blocks, spec: WindowSpec, n_features: int, n_targets: int, batch_size: int = 32,
                        shuffle: bool = False, seed: int | None = None, epochs: tuple[int, int] | None = None,
                        n_windows: int | None = None):
    """A ``tf.data.Dataset`` of window batches from data read block by block (panels bigger than memory).

    The streaming counterpart of :func:`make_dataset`: ``blocks(epoch)`` returns an iterable
    of ``(inputs, targets, starts)`` (e.g. chunks of whole series read from Parquet), and the
    batches are gathered from one block at a time (:func:`stream_batches`). With ``shuffle``,
    each block's windows are visited in an order that is a pure function of ``(seed, epoch)``,
    so a resumed training sees the batches an uninterrupted one would; the blocks themselves
    come in storage order.

    Parameters
    ----------
    blocks : callable (epoch: int) -> iterable of (inputs, targets, starts)
    spec : WindowSpec
    n_features, n_targets : int
    batch_size : int
    shuffle : bool
    seed : int, optional
    epochs : (first, end), optional
        One dataset for these epochs, back to back (pass ``steps_per_epoch`` to Keras).
        Default: one pass (``blocks(0)``), read again on every iteration of the dataset.
    n_windows : int, optional
        Windows in one pass, when known: the dataset then has a known length (Keras needs
        it to count steps), and a pass that yields another number of batches is an error.

    Returns
    -------
    tf.data.Dataset
        ``x`` float32 ``(batch, window, n_features)``, ``y`` float32 ``(batch, horizon, n_targets)``.
    """
    from forecastrnn._tf import tensorflow

    tf = tensorflow()
    check_positive_int(batch_size, "batch_size")
    key = int(seed if seed is not None else np.random.default_rng().integers(2**31))
    first, end = epochs if epochs is not None else (0, 1)

    def batches():
        for epoch in range(first, end):
            for x, y in stream_batches(blocks(epoch), spec, batch_size, shuffle, seed=[key, epoch]):
                yield x.astype("float32", copy=False), y.astype("float32", copy=False)

    signature = (tf.TensorSpec((None, spec.window, n_features), tf.float32),
                 tf.TensorSpec((None, spec.horizon, n_targets), tf.float32))
    ds = tf.data.Dataset.from_generator(batches, output_signature=signature)
    if n_windows is not None:
        ds = ds.apply(tf.data.experimental.assert_cardinality((end - first) * -(-n_windows // batch_size)))
    return ds.prefetch(2)


def _as_2d(values, name: str, dtype=None) -> np.ndarray:
    values = np.asarray(values, dtype=dtype)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"`{name}` must be 1-D or 2-D (rows x columns). Received: shape={values.shape}")
    return values


def _check_lengths(inputs, targets, spec: WindowSpec):
    if len(inputs) != len(targets):
        raise ValueError(f"`inputs` and `targets` must have the same number of rows. "
                         f"Received: {len(inputs)} and {len(targets)}")
    if len(inputs) < spec.span:
        raise ValueError(f"The series must have at least window + horizon = {spec.span} rows. "
                         f"Received: {len(inputs)} rows")

"""Missing values and variable-length sequences.

Mask semantics everywhere in forecastrnn: **True means a real (observed) step or value**,
False means missing or padding, as in Keras masks.

Missing values in a time series
-------------------------------
A missing input is replaced by a fill value (0, the training mean after standard scaling;
a missing *target* value by its series' last observed one, :func:`carried_forward`, so a
window that ends on a gap keeps its level) and, for every column that had missing training
values, an *observed indicator* channel (1 = observed, 0 = filled) is appended to the inputs. We chose indicator channels over
Keras ``Masking`` on whole timesteps because

* ``Masking`` drops a step only when *all* its features are missing, so a step with one
  missing sensor would feed the raw fill value as if it were real;
* a mask with holes in the middle of a window is not right-padded, which turns off the
  cuDNN kernel on GPU for every batch;
* the network can learn how much to trust a filled value from the indicator.

Windows whose *targets* are missing are never trained on (see ``WindowSpec.starts``).

Variable-length sequences
-------------------------
:func:`pad_sequences` post-pads (real steps first, padding after), which keeps the masks
right-padded and therefore cuDNN-compatible when the model uses ``mask_zero=True`` or a
``Masking`` layer. Truncation of long sequences keeps the end (``truncating="pre"``, the
Keras default; for reviews the end often holds the verdict) or the start (``"post"``).
:func:`length_batches` groups padded sequences of similar length so that each batch is cut
to its longest member: IMDB reviews are padded to 500 tokens but half are shorter than 175,
so most padded steps are never computed (about twice as fast training, see BENCHMARKS.md).
"""

from __future__ import annotations

import numpy as np


def missing_columns(values) -> np.ndarray:
    """Indices of the columns of ``values`` (shape ``(n_rows, n_columns)``) holding any NaN."""
    return np.flatnonzero(np.isnan(np.asarray(values, dtype="float64")).any(axis=0))


def add_missing_indicators(values, columns, fill_value: float = 0.0) -> np.ndarray:
    """Fill NaN with ``fill_value`` and append an observed-indicator channel per listed column.

    Parameters
    ----------
    values : array of shape (n_rows, n_columns)
    columns : sequence of int
        Columns that get an indicator channel (those that had missing training values, see
        :func:`missing_columns`), so fit and predict see the same number of channels.
        NaN in other columns is filled without an indicator.
    fill_value : float

    Returns
    -------
    numpy.ndarray of shape (n_rows, n_columns + len(columns)), float32
        ``[filled values | indicators]`` with indicator 1.0 = observed, 0.0 = filled.
    """
    values = np.asarray(values, dtype="float32")
    observed = ~np.isnan(values)
    filled = np.where(observed, values, np.float32(fill_value))
    indicators = observed[:, list(columns)].astype("float32")
    return np.concatenate([filled, indicators], axis=1)


def carried_forward(values, starts) -> np.ndarray:
    """``values`` (``(n_rows, n_columns)``) with each NaN replaced by the last non-NaN value
    above it in its column, looking no further up than its row's ``starts`` (the first row of
    its series, when several series are laid end to end); NaN where there is none."""
    values = np.asarray(values)
    rows = np.arange(len(values))[:, None]
    last = np.maximum.accumulate(np.where(np.isnan(values), -1, rows), axis=0)  # last observed row at or above
    found = last >= np.asarray(starts)[:, None]
    return np.where(found, np.take_along_axis(values, np.maximum(last, 0), axis=0), np.nan)


def pad_sequences(sequences, maxlen: int | None = None, padding: str = "post",
                  truncating: str = "pre", value=0, dtype="int32"):
    """Pad (and truncate) variable-length sequences into one array, with their mask.

    Parameters
    ----------
    sequences : sequence of 1-D sequences
        E.g. token id lists of different lengths.
    maxlen : int, optional
        Output length (default: the longest sequence).
    padding : {"post", "pre"}
        Where padding goes; ``"post"`` keeps masks right-padded (cuDNN-compatible).
    truncating : {"pre", "post"}
        ``"pre"`` drops the start of long sequences (keeps the end), ``"post"`` keeps the start.
    value : scalar
        Padding value (0 is the reserved padding id for ``Embedding(mask_zero=True)``).
    dtype : numpy dtype

    Returns
    -------
    padded : numpy.ndarray of shape (n_sequences, maxlen)
    mask : numpy.ndarray of bool, shape (n_sequences, maxlen); True = real step

    Examples
    --------
    >>> padded, mask = pad_sequences([[1, 2, 3], [4]], maxlen=2)
    >>> padded.tolist(), mask.tolist()
    ([[2, 3], [4, 0]], [[True, True], [True, False]])
    """
    for name, option in (("padding", padding), ("truncating", truncating)):
        if option not in ("pre", "post"):
            raise ValueError(f"`{name}` must be 'pre' or 'post'. Received: {name}={option!r}")
    sequences = [np.asarray(s).ravel() for s in sequences]
    lengths = np.array([len(s) for s in sequences], dtype="int64")
    if maxlen is None:
        maxlen = int(lengths.max()) if len(lengths) else 0
    elif isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen <= 0:
        raise ValueError(f"`maxlen` must be a positive integer. Received: maxlen={maxlen!r}")
    padded = np.full((len(sequences), maxlen), value, dtype=dtype)
    mask = np.zeros((len(sequences), maxlen), dtype=bool)
    for row, seq in enumerate(sequences):
        seq = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        where = slice(0, len(seq)) if padding == "post" else slice(maxlen - len(seq), maxlen)
        padded[row, where] = seq
        mask[row, where] = True
    return padded, mask


def sequence_mask(lengths, maxlen: int) -> np.ndarray:
    """Post-padding mask: ``mask[i, t]`` is True for ``t < lengths[i]``; shape (n, maxlen)."""
    return np.arange(maxlen)[None, :] < np.asarray(lengths)[:, None]


def length_batches(ids, batch_size: int, shuffle: bool = False, rng=None) -> list:
    """Group the rows of a padded id array into batches of rows of similar length.

    Parameters
    ----------
    ids : array of shape (n_sequences, width)
        Padded token ids, 0 = padding (post- or pre-padded).
    batch_size : int
    shuffle : bool
        Training order: lengths get a random jitter of up to a tenth of ``width`` before
        sorting, so batches differ from epoch to epoch, and the batches come in random order.
        Otherwise rows are sorted by length (stable) and batches come shortest first.
    rng : numpy.random.Generator, optional
        Source of the shuffle (pass one generator for all epochs for reproducible training).

    Returns
    -------
    list of (rows, end)
        ``rows`` (int array) indexes ``ids``; ``ids[rows, :end]`` holds every non-padding
        token of those rows (``end`` is one past the last non-zero column among them, at
        least 1). Every row appears in exactly one batch.
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"`ids` must be a 2-D array (sequences, steps). Received shape {ids.shape}")
    real = ids != 0
    ends = np.where(real.any(axis=1), ids.shape[1] - np.argmax(real[:, ::-1], axis=1), 0)
    if shuffle:
        rng = rng if rng is not None else np.random.default_rng()
        order = np.argsort(ends + rng.uniform(0, ids.shape[1] / 10, len(ends)), kind="stable")
    else:
        order = np.argsort(ends, kind="stable")
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return [(rows, max(1, int(ends[rows].max()))) for rows in batches]

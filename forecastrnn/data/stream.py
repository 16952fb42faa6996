"""Panels bigger than memory: a long-format Parquet dataset read in chunks of whole series.

:class:`ParquetPanel` names a Parquet file or a folder of them (a pyarrow dataset, partitioned
or not) without reading it. :meth:`ParquetPanel.chunks` then streams it in storage order as
:func:`~forecastrnn.data.panel.read_panel` frames of about ``chunk_rows`` rows, each holding
whole series only: the rows of a series cut by a record-batch boundary wait for the next
batch. Memory is one chunk (plus one record batch), whatever the number of series.

The data must be stored series after series, each series' rows together and in time order
(what ``df.sort_values([id, time]).to_parquet(...)`` writes); a series found in two places is
an error, never silently read as two.

``GlobalRNNForecaster.fit(ParquetPanel(...))`` trains on such a panel: a first pass holds
only per-series statistics (lengths, scalers), and every epoch gathers its windows chunk by
chunk (:func:`forecastrnn.data.windows.make_stream_dataset`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np
import pandas as pd

from forecastrnn.data.io import _one_line
from forecastrnn.data.panel import ID_COL, TARGET, read_panel, series_id_column
from forecastrnn.data.windows import check_positive_int

HEAD_ROWS = 10_000  # rows read once to settle the time column, target and frequency


class ParquetPanel:
    """A long-format Parquet panel (file or folder), streamed in chunks of whole series.

    Parameters
    ----------
    path : str or path
        A ``.parquet`` file or a folder of them (read in the order of ``pyarrow.dataset``'s
        file list). The id, time and value columns must be stored in the files (a column
        that exists only as a folder name of a partitioned dataset is not read).
    id_col, time_col : str, optional
        As in :func:`~forecastrnn.data.panel.read_panel` (default ``unique_id``; the time
        column is detected).
    chunk_rows : int
        About how many rows one chunk holds (a series longer than that is one chunk).

    Examples
    --------
    A file sorted by store, then date (the model streams it; nothing here reads it)::

        panel = ParquetPanel("sales.parquet", id_col="store", time_col="date")
        GlobalRNNForecaster(horizon=14).fit(panel, target="sales")
    """

    def __init__(self, path, id_col=None, time_col="auto", chunk_rows=500_000):
        self.path = path
        self.id_col = id_col
        self.time_col = time_col
        self.chunk_rows = chunk_rows

    def _dataset(self):
        try:
            import pyarrow.dataset as pads
        except ImportError:
            raise ImportError("Streaming a Parquet panel needs pyarrow: pip install 'forecastrnn[parquet]'") from None
        path = os.fspath(self.path)
        if not os.path.exists(path):
            raise ValueError(f"Parquet data not found. Expected a .parquet file or a folder of them. Received: {path!r}")
        try:
            return pads.dataset(path, format="parquet", partitioning="hive")
        except (OSError, ValueError) as exc:
            raise ValueError(f"Could not read {path!r} as Parquet: {_one_line(exc)}") from None

    def to_pandas(self) -> pd.DataFrame:
        """All of the data in memory (for forecasting a panel that fits)."""
        return self._dataset().to_table().to_pandas()

    def count_rows(self) -> int:
        """Rows in the data (from the Parquet metadata, nothing read)."""
        return int(self._dataset().count_rows())

    def settle(self, target=None, features=None) -> dict:
        """The reading settled on the first rows: ``id_col``, ``time_col``, ``target`` (one
        name), ``columns`` (those to read) and ``freq`` (None when it cannot be told there)."""
        data = self._dataset()
        head = data.head(HEAD_ROWS).to_pandas()
        id_col = (series_id_column(head.columns) or ID_COL) if self.id_col is None else str(self.id_col)
        if target is None and TARGET in head.columns:
            target = TARGET
        panel = read_panel(head, id_col=id_col, time_col=self.time_col, target=target, features=features or None)
        time_col, names = panel.attrs["time_col"], panel.attrs["target"]
        if len(names) != 1:
            raise ValueError(f"A streamed panel has one target column. Received: target={names}")
        inputs = [names[0]] + [c for c in (features or []) if c != names[0]]
        unread = [c for c in [time_col] + inputs if c is not None and c not in head.columns]
        unread += [c for c in inputs if c in head.columns and not pd.api.types.is_numeric_dtype(head[c])]
        if unread:
            raise ValueError("A streamed panel reads stored columns as they are: one time column, numeric inputs. "
                             f"Received: {unread[0]!r} (date parts or a text column, which the in-memory "
                             "read_panel assembles or one-hot encodes)")
        return {"id_col": id_col, "time_col": time_col, "target": names[0], "freq": panel.attrs["freq"],
                "columns": [id_col] + ([time_col] if time_col else []) + inputs, "inputs": inputs}

    def chunks(self, settled: dict) -> Iterator[pd.DataFrame]:
        """:func:`read_panel` frames of whole series, in storage order (``settled`` from :meth:`settle`).

        Every chunk is read with the frequency of the first one; the ``attrs`` of each are
        those of ``read_panel``.
        """
        chunk_rows = check_positive_int(self.chunk_rows, "chunk_rows")
        id_col, freq = settled["id_col"], settled["freq"]
        pending = []
        n_pending = 0
        for batch in self._batches(settled["columns"], min(chunk_rows, 1 << 20)):
            pending.append(batch.to_pandas())
            n_pending += batch.num_rows
            if n_pending < chunk_rows:
                continue
            frame = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
            ids = frame[id_col].to_numpy()
            others = np.flatnonzero(ids != ids[-1])
            if not others.size:  # one series so far: read on
                pending = [frame]
                continue
            cut = int(others[-1]) + 1
            panel = self._read(frame.iloc[:cut], settled, freq)
            freq = panel.attrs["freq"] if freq is None else freq
            yield panel
            pending, n_pending = [frame.iloc[cut:].reset_index(drop=True)], len(frame) - cut
        if n_pending:
            yield self._read(pd.concat(pending, ignore_index=True), settled, freq)

    def _batches(self, columns, batch_size):
        """Record batches file after file, row group after row group.

        Measured on a 100M-row file (pyarrow 26): a dataset scanner, and a ``ParquetFile``
        with its default ``pre_buffer=True``, keep what they have read allocated (memory grew
        by ~2 MB per 250k-row batch, 730 MB after 400); with ``pre_buffer=False`` it stays flat.
        """
        import pyarrow.parquet as pq

        for file in self._dataset().files:
            yield from pq.ParquetFile(file, pre_buffer=False).iter_batches(batch_size=batch_size, columns=columns)

    @staticmethod
    def _read(frame: pd.DataFrame, settled: dict, freq) -> pd.DataFrame:
        return read_panel(frame, id_col=settled["id_col"], time_col=settled["time_col"],
                          target=settled["target"], features=settled["inputs"], freq=freq)

    def __repr__(self):
        return f"ParquetPanel({os.fspath(self.path)!r})"


__all__ = ["ParquetPanel"]

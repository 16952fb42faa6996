"""Per-series work in parallel, on engines that exist: joblib processes or a Dask cluster.

:func:`map_chunks` is the one place where forecastrnn hands work out. It cuts the items (the
series of a panel, the baselines of a backtest) into consecutive chunks, one task per chunk
so that the scheduling cost stays small next to the work (big chunks first, then smaller
ones down to single items, so that no worker waits long at the end), and runs them

* here, one after the other (``n_jobs=1``, the default);
* in ``n_jobs`` local processes (joblib's process pool);
* on a ``dask.distributed`` cluster (``client=``: a ``Client``, or a scheduler address such as
  ``"tcp://10.0.0.5:8786"``). Dask schedules the tasks; when a worker dies, the scheduler
  runs its unfinished tasks again on the others, and the results are gathered in the order of
  the items, so each item's result arrives exactly once.

The results do not depend on the engine: each item is computed by the same pure function.
Nothing of a scheduler is written here.
"""

from __future__ import annotations

import itertools
import math

DASK_MISSING = ("`client=` runs the work on a Dask cluster and needs dask.distributed. "
                "Install it with: pip install 'forecastrnn[distributed]'")


def map_chunks(fn, items, n_jobs=1, client=None, chunk_size=None, progress=None) -> list:
    """``[fn(item) for item in items]``, computed in chunks on the chosen engine.

    Parameters
    ----------
    fn : callable
        A function of one item; picklable (a module-level function or a ``functools.partial``
        of one) when it runs in other processes.
    items : iterable
    n_jobs : int
        Local processes (joblib; -1: one per core). Ignored when ``client`` is given.
    client : dask.distributed.Client or str, optional
        Run on this Dask cluster (a scheduler address connects, and disconnects at the end).
    chunk_size : int, optional
        Items per task. Default: shrinking chunks (:func:`chunk_sizes`), submitted in order,
        so that the work stays balanced to the end; ten chunks when serial (for progress).
    progress : callable, optional
        ``progress(done, total)`` as chunks finish.

    Returns
    -------
    list
        The results, in the order of ``items``.
    """
    items = list(items)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be a positive int or -1. Received: n_jobs={n_jobs!r}")
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int)
                                   or chunk_size < 1):
        raise ValueError(f"`chunk_size` must be a positive int. Received: chunk_size={chunk_size!r}")
    if not items:
        return []
    if client is not None:
        return _on_dask(fn, items, client, chunk_size, progress)
    if n_jobs != 1:
        from joblib import Parallel, delayed, effective_n_jobs

        chunks = _chunks(items, chunk_size, effective_n_jobs(n_jobs))
        done = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(run_chunk)(fn, c) for c in chunks)
        return _collect(zip(chunks, done), len(items), progress)
    chunks = _chunks(items, chunk_size or max(1, math.ceil(len(items) / 10)))  # ten, for progress
    return _collect(((c, run_chunk(fn, c)) for c in chunks), len(items), progress)


def run_chunk(fn, chunk) -> list:
    """One task: ``fn`` over the items of one chunk."""
    return [fn(item) for item in chunk]


def chunk_sizes(n_items: int, n_workers: int) -> list:
    """Shrinking chunks (guided scheduling): each holds the remaining items over twice the
    workers, down to one item. Few tasks in all (about ``2 * n_workers * log(n_items)``), big
    ones first, and single items at the end, so that a slow item cannot leave the other
    workers idle for long."""
    sizes, remaining = [], n_items
    while remaining:
        sizes.append(max(1, math.ceil(remaining / (2 * n_workers))))
        remaining -= sizes[-1]
    return sizes


def _chunks(items, size=None, n_workers=1):
    """Consecutive chunks of ``size`` items, or of :func:`chunk_sizes` when ``size`` is None."""
    sizes = [size] * math.ceil(len(items) / size) if size else chunk_sizes(len(items), n_workers)
    bounds = [0, *itertools.accumulate(sizes)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:])]


def _collect(finished, total, progress) -> list:
    out, done = [], 0
    for chunk, results in finished:
        out.extend(results)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return out


def _on_dask(fn, items, client, chunk_size, progress):
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the install
        raise ImportError(DASK_MISSING) from None
    own = isinstance(client, str)
    if own:
        try:
            client = Client(client, timeout="10s")
        except OSError as exc:
            raise ValueError(f"Could not reach a Dask scheduler at {client!r} ({exc}). Expected the address of a "
                             "running one, e.g. tcp://10.0.0.5:8786 from `dask scheduler`") from None
    elif not isinstance(client, Client):
        raise TypeError(f"`client` must be a dask.distributed.Client or a scheduler address. "
                        f"Received: {type(client).__name__}")
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        chunks = _chunks(items, chunk_size, n_workers)
        futures = [client.submit(run_chunk, fn, chunk, pure=False) for chunk in chunks]
        sizes = {f.key: len(c) for f, c in zip(futures, chunks)}
        done = 0
        for future in as_completed(futures):
            future.result()  # raises the task's own error (e.g. "Series 'x': ...") here
            done += sizes[future.key]
            if progress is not None:
                progress(done, len(items))
        return [result for part in client.gather(futures) for result in part]
    finally:
        if own:
            client.close()

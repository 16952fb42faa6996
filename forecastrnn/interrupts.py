"""Ctrl-C and SIGTERM, raised where it is safe to stop.

Outside training, a signal raises :class:`Interrupted` at once, so ``finally`` blocks remove
what is half-written. During a Keras training, the exception is raised from a callback after
the current batch instead: raised from inside a running TensorFlow step it can crash the
process (seen here: ``free(): invalid next size``). A second signal raises at once.
"""

from __future__ import annotations

import contextlib
import signal


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM; ``signal_name`` says which."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


_state = {"training": 0, "pending": None}


def _handler(signum, frame):
    exc = Interrupted(signal.Signals(signum).name)
    if _state["training"] and _state["pending"] is None:
        _state["pending"] = exc  # raised by check() after the current batch
        return
    raise exc


def check() -> None:
    """Raise the signal that arrived during training, if any (called between batches)."""
    exc, _state["pending"] = _state["pending"], None
    if exc is not None:
        raise exc


@contextlib.contextmanager
def training():
    """Mark a training: signals wait for the next :func:`check`."""
    _state["training"] += 1
    try:
        yield
    finally:
        _state["training"] -= 1
    check()


@contextlib.contextmanager
def handled():
    """SIGINT and SIGTERM handled as above for the block (main thread only; elsewhere, as they were)."""
    try:
        previous = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: an embedding application keeps its own handlers
        previous = {}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _state["pending"] = None

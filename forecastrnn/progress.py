"""Progress a person can read: one numbered line per stage of long work.

``Stages`` prints ``[2/5] training gru`` when a stage starts and brings that line up to date
as it advances (``[2/5] training gru: epoch 7/20, about 16 s left``): rewritten in place on a
terminal; in a log (output not a terminal) at most one line per ``LOG_EVERY`` seconds. The
training loop reports its epochs to whatever :func:`reporting` installed, so the library
prints nothing of its own unless a caller asks.
"""

from __future__ import annotations

import contextlib
import sys
import time

LOG_EVERY = 30.0  # seconds between two progress lines of one stage in a log

_reporter = None  # the callable of the innermost ``reporting`` block


@contextlib.contextmanager
def reporting(report):
    """Within the block, training progress goes to ``report(text)`` (e.g. ``Stages.advance``)."""
    global _reporter
    previous, _reporter = _reporter, report
    try:
        yield
    finally:
        _reporter = previous


def report(text: str) -> None:
    """Send ``text`` to the innermost :func:`reporting` block's callable, if any."""
    if _reporter is not None:
        _reporter(text)


def about(seconds: float) -> str:
    """``"about 40 s left"``, ``"about 3 min left"``."""
    return f"about {seconds:.0f} s left" if seconds < 90 else f"about {seconds / 60:.0f} min left"


def epoch_callback(epochs: int):
    """A Keras callback that reports ``epoch i/n, about t left`` after every epoch (early
    stopping may end sooner: the time left is at most that), or None with no reporter."""
    if _reporter is None:
        return None
    import keras

    report = _reporter

    class EpochProgress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.done = time.perf_counter(), 0
            report(f"epoch 0/{epochs}")

        def on_epoch_end(self, epoch, logs=None):  # (a resumed training starts at a later epoch)
            self.done += 1
            left = (time.perf_counter() - self.start) / self.done * (epochs - epoch - 1)
            report(f"epoch {epoch + 1}/{epochs}" + (f", {about(left)}" if epoch + 1 < epochs else ""))

    return EpochProgress()


class Stages:
    """Numbered stage lines on ``stream`` (default stdout); ``quiet``: print nothing."""

    def __init__(self, total: int, stream=None, quiet=False, terminal=None):
        self.total, self.quiet = total, quiet
        self.stream = sys.stdout if stream is None else stream
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.number, self.label, self.width, self.last = 0, "", 0, 0.0

    def _write(self, text: str, final: bool):
        if self.quiet:
            return
        if self.terminal:  # rewrite the stage's line in place
            self.stream.write("\r" + text.ljust(self.width) + ("\n" if final else ""))
            self.width = 0 if final else len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self.last = time.perf_counter()

    def start(self, label: str):
        """End the current stage's line and start the next one."""
        self.finish()
        self.number, self.label, self.started = self.number + 1, label, time.perf_counter()
        self._write(f"[{self.number}/{self.total}] {label}", final=False)

    def advance(self, detail: str):
        """Bring the current stage's line up to date (in a log: if ``LOG_EVERY`` has passed)."""
        if not self.number or (not self.terminal and time.perf_counter() - self.last < LOG_EVERY):
            return
        self._write(f"[{self.number}/{self.total}] {self.label}: {detail}", final=False)

    def finish(self):
        """End the current stage's line (on a terminal, with its time)."""
        if self.number and self.terminal and self.width:
            self._write(f"[{self.number}/{self.total}] {self.label}: done in "
                        f"{time.perf_counter() - self.started:.0f} s", final=True)

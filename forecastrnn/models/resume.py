"""Resumable training: Keras' ``BackupAndRestore`` plus the state it leaves out.

``keras.callbacks.BackupAndRestore`` saves the weights (with the optimizer's variables: step,
moments, learning rate) and the epoch after every epoch, and a restarted ``fit`` goes on from
there. It does not keep the counters of the other callbacks, so a resumed run would forget how
long early stopping has waited, which weights were best, and when the learning rate was last
halved; nor the history of the epochs before the interruption. :class:`ResumableTraining`
saves those, and the state of the dropout layers' random generators, beside Keras' files, so that a training killed after epoch ``k`` and started again
with the same ``checkpoint_dir`` ends with the model an uninterrupted run ends with (the
epoch order of the windows is a pure function of seed and epoch: ``make_dataset(epochs=...)``).

Only imported inside ``fit`` (it imports Keras).
"""

from __future__ import annotations

import json
import os

import keras
import numpy as np

# The counters of EarlyStopping (and ReduceLROnPlateau, when used) that decide what they do next.
_COUNTERS = ("wait", "best", "best_epoch", "stopped_epoch", "cooldown_counter")
STATE_FILE = "callbacks.json"
ARRAYS_FILE = "arrays.npz"


def first_epoch(checkpoint_dir) -> int:
    """The epoch a training with this checkpoint folder starts at (0 when there is none)."""
    path = os.path.join(os.fspath(checkpoint_dir), "training_metadata.json")
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as fh:
        return int(json.load(fh)["epoch"])


class ResumableTraining(keras.callbacks.BackupAndRestore):
    """``BackupAndRestore`` that also saves and restores ``watched`` callbacks' counters, the
    best weights of an ``EarlyStopping`` among them, the history of finished epochs and the
    random generators' states (dropout masks go on as they would have).

    Put it after the watched callbacks: it saves what they recorded for the epoch, and restores
    after they reset themselves in ``on_train_begin``. The folder belongs to one training; it is
    deleted when that training ends.
    """

    def __init__(self, checkpoint_dir, watched=()):
        super().__init__(os.fspath(checkpoint_dir))
        self.watched = list(watched)
        self.history: dict[str, list[float]] = {}

    def _path(self, name):
        return os.path.join(self.backup_dir, name)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if not os.path.exists(self._path(STATE_FILE)):
            return
        with open(self._path(STATE_FILE), encoding="utf-8") as fh:
            state = json.load(fh)
        self.history = state["history"]
        with np.load(self._path(ARRAYS_FILE), allow_pickle=False) as saved:
            for i, variable in enumerate(self._generators()):
                variable.assign(saved[f"seed{i}"])
            best = [saved[f"best{i}"] for i in range(sum(k.startswith("best") for k in saved.files))]
        for callback, counters in zip(self.watched, state["callbacks"]):
            vars(callback).update(counters)
            if best and hasattr(callback, "best_weights"):
                callback.best_weights = best

    def _generators(self):
        """The model's random-generator states: its variables that are not weights."""
        weights = {id(w) for w in self.model.weights}
        return [v for v in self.model.variables if id(v) not in weights]

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        super().on_epoch_end(epoch, logs)

    def _save_model(self):
        super()._save_model()
        counters = [{k: (float(v) if isinstance(v, (float, np.floating)) else v)
                     for k, v in vars(callback).items() if k in _COUNTERS} for callback in self.watched]
        best = next((c.best_weights for c in self.watched if getattr(c, "best_weights", None) is not None), [])
        arrays = {**{f"best{i}": w for i, w in enumerate(best)},
                  **{f"seed{i}": np.asarray(v) for i, v in enumerate(self._generators())}}
        _replace(self._path(ARRAYS_FILE), lambda tmp: np.savez(tmp, **arrays))
        _replace(self._path(STATE_FILE), lambda tmp: _write_json(tmp, {"history": self.history,
                                                                        "callbacks": counters}))


def _write_json(path, value):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(value, fh)


def _replace(path, write):
    """Write through a temporary file in the same folder, then rename: never half a file."""
    root, ext = os.path.splitext(path)
    tmp = f"{root}.tmp{ext}"  # keeps the extension, which np.savez would otherwise add
    write(tmp)
    os.replace(tmp, path)

"""A forecasting network's forward pass in NumPy, read from its ``.keras`` file without
TensorFlow.

Importing TensorFlow takes seconds; the pretrained model's zero-shot forecast of one series
takes milliseconds. So a network saved in the plain shape the builder gives one member
(window normalisation, stacked GRU layers, the dense forecast, window denormalisation: the
pretrained network's shape) can be run here instead, on the weights of its ``.keras`` archive
(read with ``h5py``, which Keras itself installs). It forecasts only: training, Monte-Carlo
dropout and exports load the Keras model. :func:`read_network` returns None for any other
shape, and the caller loads the Keras model; the tests hold the two to the same forecasts.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np

from forecastrnn.data.season import window_normalization

CHUNK = 4096  # windows run at once: memory stays bounded for any number of series


def _weights_name(class_name: str, seen: dict) -> str:
    """The name Keras gives a layer's group in the weights file: its class in snake case,
    ``_1``, ``_2`` ... after the first of a class in the same model."""
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)).lower()
    count = seen.get(name, 0)
    seen[name] = count + 1
    return name if count == 0 else f"{name}_{count}"


class NumpyNetwork:
    """The forward pass of one forecasting member: ``self(windows)`` maps windows ``(n, window,
    n_inputs)`` to forecasts ``(n, 1, horizon, n_targets)`` (one member), as the Keras model's
    ``predict`` does."""

    def __init__(self, normalization: dict, grus: list, dense: tuple, horizon: int, n_targets: int):
        self.targets = normalization["target_indices"]
        self.observed = normalization["observed_indices"]
        self.season_length = normalization["season_length"]
        self.grus, self.dense = grus, dense  # [(kernel, recurrent kernel, biases)], (kernel, bias)
        self.horizon, self.n_targets = horizon, n_targets

    def get_weights(self) -> list:
        """The weights in Keras' order (``get_weights`` of the model they were read from)."""
        return [w for layer in self.grus for w in layer] + list(self.dense)

    def __call__(self, windows) -> np.ndarray:
        return self._forward(np.asarray(windows, dtype="float32"))

    def forecast_starts(self, inputs, starts, window: int) -> np.ndarray:
        """``self`` on the windows of ``window`` rows of ``inputs`` at ``starts`` (the network
        core's layout), gathered :data:`CHUNK` at a time."""
        starts = np.asarray(starts, dtype="int64")
        parts = [self(inputs[starts[i:i + CHUNK, None] + np.arange(window)]) for i in range(0, len(starts), CHUNK)]
        return np.concatenate(parts) if parts else np.zeros((0, 1, self.horizon, self.n_targets), dtype="float32")

    def _forward(self, windows):
        n = len(windows)
        observed = None if self.observed is None else windows[..., self.observed] > 0.5
        z, stats = [], []
        for j, t in enumerate(self.targets):
            zj, s = window_normalization(windows[..., t], self.season_length,
                                         None if observed is None else observed[..., j])
            z.append(zj)
            stats.append(s)
        others = [i for i in range(windows.shape[-1]) if i not in self.targets]
        x = np.concatenate([np.stack(z, axis=-1).astype("float32"), windows[..., others]], axis=-1)
        for k, (kernel, recurrent, bias) in enumerate(self.grus):
            x = self._gru(x, kernel, recurrent, bias, sequences=k < len(self.grus) - 1)
        out = (x @ self.dense[0] + self.dense[1]).reshape(n, self.horizon, self.n_targets).astype("float64")
        for j, (level, scale, profile) in enumerate(stats):  # z * scale + level + s[h mod m]
            out[:, :, j] = out[:, :, j] * scale + level + profile[:, np.arange(self.horizon) % profile.shape[1]]
        return out[:, None].astype("float32")

    @staticmethod
    def _gru(x, kernel, recurrent, bias, sequences):
        """Keras' GRU (``reset_after=True``): gates z, r and the candidate, in that order;
        ``h = z h + (1 - z) candidate``."""
        units = recurrent.shape[0]
        steps = np.ascontiguousarray(x.transpose(1, 0, 2))  # (steps, n, inputs): one 2-D product for all
        inputs = (steps.reshape(-1, steps.shape[-1]) @ kernel).reshape(len(steps), len(x), -1)
        inputs += bias[0]
        inputs[..., :2 * units] += bias[1][:2 * units]  # the gates' recurrent bias too
        h = np.zeros((x.shape[0], units), dtype="float32")
        states = []
        for step in inputs:
            part = h @ recurrent
            gates = step[:, :2 * units] + part[:, :2 * units]
            gates *= 0.5  # the sigmoid, as (1 + tanh(x / 2)) / 2: no overflow for any x; z, then r
            np.tanh(gates, out=gates)
            gates *= 0.5
            gates += 0.5
            candidate = np.tanh(step[:, 2 * units:] + gates[:, units:] * (part[:, 2 * units:] + bias[1][2 * units:]))
            h = candidate + gates[:, :units] * (h - candidate)
            states.append(h)
        return np.stack(states, axis=1) if sequences else h


def _plain_member(config: dict) -> list | None:
    """The layer configs of the one member of a saved network when they are in the shape read
    here, else None."""
    layers = config.get("config", {}).get("layers", [])
    members = [layer for layer in layers if layer.get("class_name") == "Functional"]
    if config.get("class_name") != "Functional" or len(members) != 1 or len(layers) != 3:
        return None
    inner = members[0]["config"]["layers"]
    kinds = [layer["class_name"] for layer in inner]
    grus = [layer["config"] for layer in inner if layer["class_name"] == "GRU"]
    if kinds != ["InputLayer", "WindowNormalization", *["GRU"] * len(grus), "Dense", "Reshape",
                 "WindowDenormalization"] or not grus:
        return None
    plain_gru = all(c.get("reset_after", True) and c.get("activation") == "tanh" and c.get("use_bias", True)
                    and c.get("recurrent_activation") == "sigmoid" and not c.get("go_backwards")
                    and c["return_sequences"] == (i < len(grus) - 1) for i, c in enumerate(grus))
    dense, last = inner[-3]["config"], inner[-1]["config"]
    if not plain_gru or dense.get("activation") != "linear" or not dense.get("use_bias", True) \
            or last.get("trend") is not None:
        return None
    return inner


def read_network(file) -> NumpyNetwork | None:
    """The forward pass of the ``.keras`` file ``file`` in NumPy, or None when the network is
    not in the shape read here, the file is not a readable archive, or ``h5py`` is missing:
    then load it with Keras (which says what is wrong with a broken file)."""
    try:
        import h5py

        with zipfile.ZipFile(file) as archive:
            inner = _plain_member(json.loads(archive.read("config.json")))
            if inner is None:
                return None
            seen, groups = {}, {}
            for layer in inner:  # where each layer's weights are in the weights file
                groups[layer["config"]["name"]] = f"layers/functional/layers/{_weights_name(layer['class_name'], seen)}"
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as weights:
                def values(layer, part):
                    group = weights[f"{groups[layer['config']['name']]}/{part}"]
                    return tuple(np.asarray(group[str(i)], dtype="float32") for i in range(len(group)))

                grus = [values(layer, "cell/vars") for layer in inner if layer["class_name"] == "GRU"]
                dense = values(inner[-3], "vars")
    except (ImportError, OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    horizon, n_targets = inner[-2]["config"]["target_shape"]
    normalization = {key: inner[1]["config"][key] for key in ("target_indices", "observed_indices", "season_length")}
    return NumpyNetwork(normalization, grus, dense, int(horizon), int(n_targets))


__all__ = ["NumpyNetwork", "read_network"]

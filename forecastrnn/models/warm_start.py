"""Starting a forecaster's network from the pretrained one (``init="pretrained"``).

``RNNForecaster`` and ``GlobalRNNForecaster`` with ``init="pretrained"`` (or the folder of a
network written by :func:`forecastrnn.models.pretraining.pretrain`) take the pretrained
network's architecture and weights and train on from there: the same early stopping on
validation windows, fewer epochs by default (``FINE_TUNE_EPOCHS``), and the pretrained
weights are kept when no epoch beats them on the validation windows.

The pretrained network reads the target and two phase columns, zeros: it was pretrained on
seasonally adjusted series (``reads_adjusted``), as one without season. A forecaster started
from it (``settings_["init"]``) gives it the same zeros, so ``predict`` needs nothing more than
for any other model. The network's own normalisation is the pretrained one (window
normalisation, no seasonal indices), and it reads the raw series: the season is learnt in the
training from it.
"""

from __future__ import annotations

import json
import os

import numpy as np

from forecastrnn.defaults import AUTO

WEIGHTS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pretrained_weights")
INFO_FILE = "pretrained.json"
FINE_TUNE_EPOCHS = 10
# Settings the forecaster takes from the pretrained network, each with the values of its own
# that agree ("auto", or the pretrained value itself)
ARCHITECTURE = ("cell", "units", "layers", "bidirectional", "normalize", "anchor")


def source_path(init) -> str:
    """The folder of the network to start from: the shipped one for ``"pretrained"``."""
    path = WEIGHTS_DIR if isinstance(init, str) and init == "pretrained" else os.fspath(init)
    if not os.path.isfile(os.path.join(path, INFO_FILE)):
        raise ValueError(f"`init` must be 'pretrained' or a folder written by pretrain() (with {INFO_FILE}). "
                         f"Received: init={init!r}")
    return path


def load_source(init, network_class):
    """``(network, path)``: the pretrained network named by ``init``, loaded as
    ``network_class`` (``GlobalRNNForecaster``; given by the caller, which sits above the
    network core this module serves)."""
    path = source_path(init)
    with open(os.path.join(path, INFO_FILE), encoding="utf-8") as fh:
        json.load(fh)  # a readable info file: the folder is whole
    return network_class.load(os.path.join(path, "model")), os.path.abspath(path)


def start_source(init, default, network_class):
    """What a forecaster's ``fit`` hands to the core: None without ``init`` (``fit``'s, else
    the ``default`` parameter), else :func:`load_source` of it."""
    init = default if init is None else init
    return None if init is None else load_source(init, network_class)


def check_compatible(estimator, source, n_targets: int, features: list, known_future: list) -> None:
    """Raise a one-line ValueError when ``estimator`` asks for another network than ``source``,
    or ``source`` was not pretrained on seasonally adjusted series (by an earlier forecastrnn,
    on the raw series and the season's phase)."""
    s = source.settings_
    if not s.get("reads_adjusted"):
        raise ValueError("init needs a network pretrained on seasonally adjusted series (benchmarks/pretrain.py "
                         "since the seasonal adjustment); pretrain it again. Received: a network that reads the "
                         "season's phase")
    pretrained = {"cell": source.cell, "units": s["units"], "layers": source.layers,
                  "bidirectional": source.bidirectional, "normalize": s["normalize"], "anchor": s["anchor"]}
    def given(k):  # units as a one-layer list or tuple is the same request as the int
        value = getattr(estimator, k)
        return value[0] if k == "units" and isinstance(value, (list, tuple)) and len(value) == 1 else value

    clashes = {k: getattr(estimator, k) for k, v in pretrained.items() if given(k) not in (AUTO, v)}
    if clashes:
        raise ValueError(f"init={estimator.init!r} trains the pretrained network ({pretrained}); leave these "
                         f"settings at 'auto' or their pretrained values. Received: {clashes}")
    if n_targets != 1 or features or known_future or estimator.id_embedding:
        raise ValueError("The pretrained network reads one target and the season's phase only: no covariates, "
                         f"known-future columns or id embedding. Received: targets={n_targets}, "
                         f"features={features}, known_future={known_future}, id_embedding={estimator.id_embedding}")


def settings_from(source, estimator) -> dict:
    """The network settings a forecaster started from ``source`` trains with (``settings_``);
    its phase columns are zeros (the encoder adds them), as the network was pretrained on
    seasonally adjusted series (``reads_adjusted``, checked by :func:`check_compatible`)."""
    s = source.settings_
    return {"window": s["window"] if estimator.window == AUTO else estimator.window,
            "units": s["units"], "anchor": s["anchor"], "season_length": s["season_length"],
            "n_models": 1 if estimator.n_models == AUTO else estimator.n_models,
            "epochs": FINE_TUNE_EPOCHS if estimator.epochs == AUTO else estimator.epochs}


def copy_weights(source_model, model, horizon: int) -> None:
    """Set every member of ``model`` to the pretrained weights of ``source_model``'s first
    member. The forecast layer keeps the first ``horizon`` steps of the pretrained one; for a
    longer horizon the steps beyond repeat its last step (training takes them from there)."""
    def members(m):
        return [layer for layer in m.layers if layer.name.startswith("member_")]

    pretrained = members(source_model)[0]
    for member in members(model):
        for old, new in zip(pretrained.layers, member.layers):
            weights = old.get_weights()
            if old.name == "forecast":
                kernel, bias = weights
                steps = np.minimum(np.arange(horizon), kernel.shape[1] - 1)
                weights = [kernel[:, steps], bias[steps]]
            if [w.shape for w in weights] != [w.shape for w in new.get_weights()]:
                raise ValueError(f"The pretrained layer {old.name!r} does not fit this network. Expected weights "
                                 f"{[w.shape for w in new.get_weights()]}. Received: {[w.shape for w in weights]}")
            new.set_weights(weights)


__all__ = ["FINE_TUNE_EPOCHS", "INFO_FILE", "WEIGHTS_DIR", "check_compatible", "copy_weights", "load_source",
           "settings_from", "start_source"]

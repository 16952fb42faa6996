"""Pretraining the network of :mod:`forecastrnn.models.pretrained` (``benchmarks/pretrain.py``
builds the corpus and calls :func:`pretrain`).

The recipe (``NETWORK``): a :class:`~forecastrnn.models.global_forecaster.GlobalRNNForecaster`
reading each series seasonally adjusted (:func:`~forecastrnn.models.pretrained.seasonally_adjusted`,
as its zero-shot forecasts read them), window normalisation, correcting the window's last
value, 18 steps at once, MAE.
Every ``CALIBRATION_EVERY``-th series of the corpus is kept apart: never trained on, its last
rows forecast zero-shot give the interval scores per season length (:func:`interval_scores`).
"""

from __future__ import annotations

import json
import os

import numpy as np

from forecastrnn.models.pretrained import (INFO_FILE, MAX_HORIZON, PHASE, PretrainedForecaster, series_unit,
                                           training_frame, zero_shot_paths)

CALIBRATION_EVERY = 10  # every 10th series of the corpus is kept apart for the interval scores
NETWORK = dict(cell="gru", units=64, window=96, horizon=18, normalize="window", season_length=1, anchor="last",
               loss="mae", batch_size=512, n_models=1, dropout=0.0, calendar=None, interval_scale="series",
               patience=3, epochs=20, stride=2, random_state=0)


def usual_horizon(m: int) -> int:
    """The horizon usually asked of data with season ``m`` (M3's and M4's), at most ``MAX_HORIZON``."""
    return min(MAX_HORIZON, {1: 6, 4: 8, 7: 14, 12: 18, 24: 48, 52: 13}.get(m, 2 * m))


def interval_scores(network, series: dict, seasons: dict) -> dict:
    """Per season length (and ``"all"``): the absolute errors of the forecasts
    (:func:`zero_shot_paths`, as ``predict`` makes them: the network's weight chosen on the
    series of each season length, with its usual horizon) of the last
    ``usual_horizon(m)`` rows (at most half) of ``series``, in units of the MASE scale of the
    rows before them (:func:`~forecastrnn.models.pretrained.series_unit`); lists ``(n,
    MAX_HORIZON)``, None beyond each series' steps."""
    steps = {k: min(usual_horizon(seasons[k]), len(y) // 2) for k, y in series.items()}
    cut = {k: y[:-steps[k]] for k, y in series.items()}
    paths = {}
    for m in set(seasons[k] for k in cut):
        group = {k: y for k, y in cut.items() if seasons[k] == m}
        _, weight = zero_shot_paths(network, group, seasons, usual_horizon(m))
        paths.update(zero_shot_paths(network, group, seasons, MAX_HORIZON, weight)[0])
    errors = {}
    for key, y in cut.items():
        row = np.full(MAX_HORIZON, np.nan)
        row[:steps[key]] = np.abs(series[key][-steps[key]:] - paths[key][:steps[key]]) / series_unit(y, seasons[key])
        errors.setdefault(str(seasons[key]), []).append(row)
    scores = {m: np.stack(e) for m, e in errors.items()}
    scores["all"] = np.concatenate(list(scores.values()))
    return {m: [[None if v != v else round(float(v), 5) for v in r] for r in s] for m, s in scores.items()}


def calibration_keys(series: dict) -> set:
    """The series kept apart from the pretraining for the interval scores: every ``CALIBRATION_EVERY``-th."""
    return set(list(series)[::CALIBRATION_EVERY])


def rescore(path, series: dict, seasons: dict) -> dict:
    """Recompute the interval scores in ``path``'s info file from the same kept-apart series
    of the same corpus (``series`` as given to :func:`pretrain`), with the current zero-shot
    forecast; the weights are unchanged. Returns the new info."""
    model = PretrainedForecaster(path=path).fit()
    calibration = calibration_keys(series)
    info = {**model.info_, "scores": interval_scores(model.network_, {k: series[k] for k in series if k in calibration},
                                                     seasons)}
    with open(os.path.join(os.fspath(path), INFO_FILE), "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    return info


def pretrain(series: dict, seasons: dict, path, **settings) -> PretrainedForecaster:
    """Train the pretrained network on ``series`` (``{id: values}``, season lengths in
    ``seasons``) and write it to ``path`` (``model/`` and ``pretrained.json``).

    Every ``CALIBRATION_EVERY``-th series is kept apart: never trained on, its last rows
    forecast zero-shot give the interval scores (:func:`interval_scores`). ``settings``
    replace those of ``NETWORK``. ``benchmarks/pretrain.py`` builds the shipped one's corpus.
    """
    import time

    from forecastrnn.models.global_forecaster import GlobalRNNForecaster

    start = time.perf_counter()
    calibration = calibration_keys(series)
    # the network reads series as zero-shot gives them: seasonally adjusted, with no season
    history = training_frame({k: y for k, y in series.items() if k not in calibration}, seasons)
    network = GlobalRNNForecaster(**{**NETWORK, **settings}).fit(history, known_future=PHASE)
    network.settings_["reads_adjusted"] = True  # a forecaster started from it gives it no season phase (warm_start)
    seconds = time.perf_counter() - start
    scores = interval_scores(network, {k: series[k] for k in series if k in calibration}, seasons)
    # what the package needs of the network: no default histories (predict is always given
    # data) and a sample of its own calibration scores (those per season are in the info file)
    network.tails_ = network.tails_.take(0, 0)
    network.calibration_scores_ = network.calibration_scores_[::max(1, len(network.calibration_scores_) // 500)]
    path = os.fspath(path)
    network.save(os.path.join(path, "model"), overwrite=True)
    info = {"series": len(series), "rows": int(sum(len(y) for y in series.values())),
            "calibration_series": len(calibration), "settings": network.settings_,
            "epochs_trained": len(network.history_["loss"]), "training_seconds": round(seconds),
            "window": network.window_, "horizon": network.horizon, "max_horizon": MAX_HORIZON,
            "phase_columns": PHASE, "scores": scores}
    with open(os.path.join(path, INFO_FILE), "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    return PretrainedForecaster(path=path).fit()


__all__ = ["NETWORK", "interval_scores", "pretrain", "rescore", "usual_horizon"]

"""The pretrained recurrent forecaster: forecasts of any series with no training, and a head start for training.

One :class:`~forecastrnn.models.global_forecaster.GlobalRNNForecaster` trained by
``benchmarks/pretrain.py`` on a corpus of real series of every frequency (M3, M4 hourly, the
collection, ETTh1, airline passengers) and synthetic ones
(:mod:`forecastrnn.data.synthetic`). Its weights ship inside the package
(``forecastrnn/pretrained_weights/``) and load without any download.

The network reads no timestamps and no season: a series with a season (M4's seasonality test
on its season length, from the frequency) is seasonally adjusted first (classical
decomposition of its last ``SEASONS_READ`` seasons, as for Naive2 and Theta;
:func:`seasonally_adjusted`), the network forecasts the adjusted series, and the season is
put back on its forecast (:func:`component_paths`). It was pretrained on the corpus adjusted
the same way. Window normalisation makes its inputs level- and scale-free (it corrects the
last value of its window), so one network serves hourly, daily, monthly and yearly data
alike. (Its input also has the phase columns of the season, ``season_sin`` and
``season_cos``, zero for every series it reads; networks pretrained before the seasonal
adjustment read the phase there.)

The forecast blends the network's with damped-trend exponential smoothing of the same
adjusted series, the network's weight chosen on the data's own last rows
(:func:`zero_shot_paths`): on validation windows the blend beat both parts alone on M3's
short series, and the choice keeps the network alone where it is strong, on hourly data
(BENCHMARKS.md).
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pandas as pd

from sklearn.base import BaseEstimator

from forecastrnn.base import Forecaster, check_level, future_index
from forecastrnn.data.io import read_series, times_column
from forecastrnn.data.panel import ids_as, names_series, read_panel
from forecastrnn.data.season import (phase, positions_season, season_ahead, season_length_for, with_season,
                                     without_season)
from forecastrnn.models.base import NoTrainingWindow
from forecastrnn.models.calibration import conformal_quantile
from forecastrnn.models.warm_start import INFO_FILE, WEIGHTS_DIR

PHASE = ["season_sin", "season_cos"]
ID, VALUE = "unique_id", "y"


def network_frame(series: dict, season_lengths: dict, horizon: int):
    """The network's long input (``unique_id``, ``y``, phase columns; positions, no time) of
    ``series`` (``{id: values}``) and the phase of the ``horizon`` steps after each (its ``future``)."""
    history, future = [], []
    for key, y in series.items():
        m, n = int(season_lengths[key]), len(y)
        history.append(pd.DataFrame({ID: key, VALUE: np.asarray(y, dtype="float64"),
                                     **dict(zip(PHASE, phase(np.arange(n), m).T))}))
        future.append(pd.DataFrame({ID: key, **dict(zip(PHASE, phase(np.arange(n, n + horizon), m).T))}))
    return pd.concat(history, ignore_index=True), pd.concat(future, ignore_index=True)


def forecast_paths(network, series: dict, seasons: dict, horizon: int) -> dict:
    """``{id: (horizon,) point forecast}`` of every series: the network's ``network.horizon``
    steps, then again from the series extended by them, until ``horizon`` steps. The series
    go to the network's core as one stacked array (as ``predict`` lays out
    :func:`network_frame`, without reading a table)."""
    from forecastrnn.data.stack import Stack

    h, keys = network.horizon, list(series)
    current = [np.asarray(series[k], dtype="float64") for k in keys]
    m = [int(seasons[k]) for k in keys]
    paths = [np.empty(0) for _ in keys]
    while len(paths[0]) < horizon:
        lengths = np.array([len(y) for y in current], dtype="int64")
        values = np.concatenate([np.column_stack([y, phase(np.arange(len(y)), s)]) for y, s in zip(current, m)])
        index = pd.Index(np.concatenate([np.arange(n) for n in lengths]))
        future = np.stack([phase(np.arange(n, n + h), s) for n, s in zip(lengths, m)])
        stack = network._in_model_units(Stack(keys, lengths, values, index))
        point = network._forecast(stack, [[n] for n in lengths], future)[0][:, :, 0]
        paths = [np.concatenate([p, f]) for p, f in zip(paths, point)]
        current = [np.concatenate([y, f]) for y, f in zip(current, point)]
    return {k: p[:horizon] for k, p in zip(keys, paths)}


def seasonally_adjusted(series: dict, seasons: dict):
    """``(adjusted, found)``: each series divided by (multiplicative) or less (additive) its
    classical seasonal component where M4's seasonality test finds its season
    (:func:`forecastrnn.baselines.simple.seasonal_indices`, as Naive2 and Theta do; for a
    series of one to three seasons, too short for the test, the lag rule of
    :func:`~forecastrnn.data.season.is_seasonal`; missing values interpolated for the
    decomposition only), both read off the last
    :data:`SEASONS_READ` seasons of the series (all of a shorter one), the same indices
    before them; ``found[id]`` is ``(season component, kind)`` or None. The network reads
    every adjusted series as one without season."""
    from forecastrnn.baselines.simple import seasonal_indices

    adjusted, found = {}, {}
    for key, y in series.items():
        y, m = np.asarray(y, dtype="float64"), int(seasons[key])
        recent = y[-SEASONS_READ * m:]
        found[key] = seasonal_indices(recent, m, short=True) if m > 1 else None
        adjusted[key] = y
        if found[key] is not None:
            season, kind = found[key]
            season = season[(np.arange(len(y)) - (len(y) - len(recent))) % m]  # periodic: back to the start
            found[key] = season, kind
            adjusted[key] = without_season(y, season, kind)
    return adjusted, found


def training_frame(series: dict, seasons: dict) -> pd.DataFrame:
    """What the network trains on (pretraining and fine-tuning alike): :func:`network_frame`
    of the series seasonally adjusted (:func:`seasonally_adjusted`), as one without season."""
    adjusted, _ = seasonally_adjusted(series, seasons)
    return network_frame(adjusted, dict.fromkeys(adjusted, 1), 1)[0]


def component_paths(network, series: dict, seasons: dict, horizon: int):
    """``(network, smoothing)``, each ``{id: (horizon,) forecast}``: :func:`forecast_paths` of
    each series seasonally adjusted where it has a season (:func:`seasonally_adjusted`, read
    by the network as a series without season), and damped-trend exponential smoothing of the
    same adjusted series (:func:`~forecastrnn.baselines.smoothing.damped_trend_paths`); the
    season is put back on both. The network is pretrained (and fine-tuned) on series adjusted
    the same way: on validation windows this beat the network reading the raw series and the
    season's phase on every seasonal dataset (BENCHMARKS.md)."""
    from forecastrnn.baselines.smoothing import damped_trend_paths

    adjusted, found = seasonally_adjusted(series, seasons)
    network_paths = forecast_paths(network, adjusted, dict.fromkeys(adjusted, 1), horizon)
    smoothing_paths = dict(zip(adjusted, damped_trend_paths(list(adjusted.values()), horizon)))
    for key in adjusted:
        if found[key] is not None:
            season, kind = found[key]
            ahead = season_ahead(season, int(seasons[key]), horizon)
            for paths in (network_paths, smoothing_paths):
                paths[key] = with_season(paths[key], ahead, kind)
    return network_paths, smoothing_paths


def zero_shot_paths(network, series: dict, seasons: dict, horizon: int, network_weight="auto"):
    """``(paths, weight)``: the forecast (``{id: (horizon,) forecast}``), ``weight`` times the
    network's plus the rest times damped-trend smoothing (:func:`component_paths`), and that
    weight: ``network_weight``, or with ``"auto"`` the one of :data:`NETWORK_WEIGHTS` whose
    blend forecasts the data's own last rows best: each series' last ``horizon`` rows forecast
    from the rows before them (series with at least ``max(horizon, MIN_OWN_ROWS)`` of those),
    mean absolute error in units of the mean absolute step of those rows, over all the series
    (:data:`DEFAULT_WEIGHT` when no series is long enough). The series and those shorter
    copies are forecast in one call."""
    keys = list(series)
    cut = {}
    if network_weight == "auto":
        cut = {k: series[k][:len(series[k]) - horizon] for k in keys
               if len(series[k]) - horizon >= max(horizon, MIN_OWN_ROWS)}
    rows = [series[k] for k in keys] + list(cut.values())
    network_paths, smoothing_paths = component_paths(network, dict(enumerate(rows)),
                                                     dict(enumerate([seasons[k] for k in keys + list(cut)])), horizon)
    weight = DEFAULT_WEIGHT if network_weight == "auto" else float(network_weight)
    if cut:
        from forecastrnn.evaluation.metrics import mae, mase_scale

        errors = np.zeros(len(NETWORK_WEIGHTS))
        for i, (key, y) in enumerate(cut.items(), start=len(keys)):
            actual, step = series[key][len(y):], mase_scale(y)  # the mean absolute step of the rows before
            unit = step if step > 1e-12 else 1.0  # (NaN or flat: unscaled)
            for j, w in enumerate(NETWORK_WEIGHTS):
                error = mae(actual, w * network_paths[i] + (1 - w) * smoothing_paths[i]) / unit
                errors[j] += 0.0 if np.isnan(error) else error
        weight = NETWORK_WEIGHTS[int(np.argmin(errors))]
    return {k: weight * network_paths[i] + (1 - weight) * smoothing_paths[i] for i, k in enumerate(keys)}, weight


def series_unit(y, m: int = 1) -> float:
    """The unit of a series' interval scores: the mean absolute change between its observed
    values ``m`` steps apart (MASE's scale: a season's change for seasonal data, a step's
    otherwise; unlike the standard deviation, it does not grow with the length of a trending
    series); one step apart when the series is shorter than a season; 1 if none."""
    from forecastrnn.evaluation.metrics import mase_scale

    for lag in dict.fromkeys((int(m), 1)):
        scale = mase_scale(y, lag)
        if np.isfinite(scale) and scale > 1e-12:
            return float(scale)
    return 1.0


class PretrainedForecaster(Forecaster, BaseEstimator):
    """Zero-shot forecasts from the pretrained network (see the module docstring).

    ``fit`` trains nothing: it loads the network (``forecastrnn.pretrained()`` returns it
    loaded) and notes how to read the data, so the model fits in a backtest beside the others
    (its row: zero-shot forecasts from every origin). ``predict`` works on any series or long
    panel.

    Parameters
    ----------
    path : str or path, optional
        A folder written by :func:`forecastrnn.models.pretraining.pretrain` (default: the one shipped in the package).
    season_length : "auto" or int
        The season given to the network; ``"auto"``: from the frequency (1 without timestamps).
    fine_tune : bool
        ``fit`` trains the pretrained network further on the data (from its weights, at most
        ``epochs`` epochs, early stopping on each series' last rows as in any fit, the
        weights kept if no epoch beats them there, or, warned, if no series is long enough
        for a training window); its intervals take the wider of the own-row and the corpus'
        quantiles (see ``predict``). ``fine_tuned_`` says whether it trained.
    epochs : int
        Most epochs of the fine-tuning.
    network_weight : "auto" or float
        The forecast is this times the network's plus the rest times damped-trend exponential
        smoothing of the same seasonally adjusted series (:func:`component_paths`); 1: the
        network alone. ``"auto"`` (default): at every ``predict``, the one of
        :data:`NETWORK_WEIGHTS` that forecasts the data's own last ``horizon`` rows best
        (:func:`zero_shot_paths`; :data:`DEFAULT_WEIGHT` when no series is long enough).

    Attributes
    ----------
    network_ : GlobalRNNForecaster
        The pretrained network (positions, no timestamps; target ``y`` and the phase columns).
    info_ : dict
        What ``pretrained.json`` says: corpus, training, horizon, interval scores per season length.
    network_weight_ : float
        The network's weight in the last forecast.
    """

    supports_panels = True

    def __init__(self, path=None, season_length="auto", fine_tune=False, epochs=10, network_weight="auto"):
        self.path = path
        self.season_length = season_length
        self.fine_tune = fine_tune
        self.epochs = epochs
        self.network_weight = network_weight

    @property
    def name(self) -> str:
        return "pretrained"

    def fit(self, data=None, target=None, id_col=None, time_col="auto", features=None, known_future=None,
            **_ignored) -> "PretrainedForecaster":
        """Load the pretrained network; ``data`` is not trained on (``target``, ``id_col`` and
        ``time_col`` say how later calls read their data). Returns ``self``."""
        if features not in (None, [], target, [target]) or known_future:
            raise ValueError("The pretrained model reads its target only. "
                             f"Received: features={features!r}, known_future={known_future!r}")
        if self.season_length != "auto" and (isinstance(self.season_length, bool)
                                              or not isinstance(self.season_length, (int, np.integer))
                                              or self.season_length < 1):
            raise ValueError(f"`season_length` must be 'auto' or an int >= 1. Received: {self.season_length!r}")
        w = self.network_weight
        if w != "auto" and (isinstance(w, bool) or not isinstance(w, (int, float, np.number)) or not 0 <= w <= 1):
            raise ValueError(f"`network_weight` must be 'auto' or a number in [0, 1]. Received: {w!r}")
        path = WEIGHTS_DIR if self.path is None else os.fspath(self.path)
        info_file = os.path.join(path, INFO_FILE)
        if not os.path.isfile(info_file):
            raise FileNotFoundError(f"No pretrained model: expected {INFO_FILE} written by benchmarks/pretrain.py. "
                                    f"Received: {path!r}")
        from forecastrnn.models.global_forecaster import GlobalRNNForecaster

        with open(info_file, encoding="utf-8") as fh:
            self.info_ = json.load(fh)
        # zero-shot: the network's forward pass in NumPy, no TensorFlow to import (fine-tuning trains it in Keras)
        self.network_ = GlobalRNNForecaster.load(os.path.join(path, "model"), numpy=not self.fine_tune)
        self.reading_ = {"target": target, "id_col": id_col, "time_col": time_col}
        self.fine_tuned_ = False
        if self.fine_tune:
            if data is None:
                raise ValueError("fine_tune=True trains on `data`. Received: no data")
            self.network_, self.fine_tuned_ = self._fine_tuned(data)
        return self

    def _fine_tuned(self, data):
        """``(network, trained)``: a copy of the network trained further on the series of
        ``data`` from its weights, or the network itself (warned) when no series is long
        enough for a training window of its horizon."""
        series, seasons, _ = self._read(data)
        net = self.network_
        # the pretrained settings fixed (the refit copy's), with rows held back for early stopping again
        network = net._refit_clone().set_params(epochs=int(self.epochs), stride=1, verbose=0,
                                                validation_size=net.validation_size,
                                                calibration_size=net.calibration_size)
        network._init_from = self.network_.model_  # from its weights, kept unless an epoch beats them (warm_start)
        try:
            tuned = network.fit(training_frame(series, seasons), known_future=PHASE)  # as it was pretrained
        except NoTrainingWindow as exc:  # series too short to train on: the zero-shot forecaster
            warnings.warn(f"fine_tune=True kept the pretrained weights: {exc}", RuntimeWarning, stacklevel=3)
            return net, False
        return tuned, True

    def _check_fitted(self):
        if not hasattr(self, "network_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This PretrainedForecaster is not loaded yet: call fit() or use forecastrnn.pretrained()")

    @property
    def max_horizon(self) -> int:
        self._check_fitted()
        return int(self.info_["max_horizon"])

    def _read(self, data, id_col=None, time_col=None, target=None):
        """``(series, season lengths, frame info)`` of ``data``: one series or a long panel."""
        reading = getattr(self, "reading_", {})
        id_col = id_col or reading.get("id_col")
        time_col = time_col or reading.get("time_col") or "auto"
        target = target or reading.get("target")
        attrs = getattr(data, "attrs", {})
        long = id_col is not None or "id_col" in attrs or names_series(data)
        if long:
            panel = read_panel(data, id_col=id_col or attrs.get("id_col"), time_col=time_col, target=target)
            if len(panel.attrs["target"]) != 1:
                raise ValueError(f"The pretrained model forecasts one value column. Received: {panel.attrs['target']}")
            id_name, value = panel.attrs["id_col"], panel.attrs["target"][0]
            time_name = times_column(panel.attrs)  # timestamps, or numbered steps
            groups = dict(tuple(panel.groupby(id_name, sort=False)))
            series = {str(k): g[value].to_numpy(dtype="float64") for k, g in groups.items()}
            last = {str(k): (g[time_name].iloc[-1] if time_name else len(g) - 1) for k, g in groups.items()}
            freq, names = panel.attrs["freq"], (id_name, time_name or "ds", value, panel[id_name].dtype.kind)
        else:
            frame = read_series(data, target=target, time_col=time_col)
            if len(frame.attrs["target"]) != 1:
                raise ValueError(f"The pretrained model forecasts one value column. Received: {frame.attrs['target']}")
            value = frame.attrs["target"][0]
            series, freq, names = {"series": frame[value].to_numpy(dtype="float64")}, frame.attrs.get("freq"), None
            last = {"series": frame.index[-1]}  # a timestamp, or a position (which may keep the file's numbering)
        empty = [k for k, y in series.items() if not np.isfinite(y).any()]
        if empty:
            raise ValueError("Every series needs at least one observed value. Received: only missing values in "
                             + (f"series {', '.join(map(repr, empty[:5]))}" if long else f"column {value!r}"))
        if self.season_length != "auto":
            m = int(self.season_length)
        elif freq is not None:
            m = season_length_for(freq)
        else:  # positions: a panel tells its season (M4's files number their steps only), one series does not
            m = positions_season(series.values())
        return series, {k: m for k in series}, (long, freq, names, last, value)

    def _horizon(self, horizon, seasons: dict) -> int:
        """``horizon`` checked; None: one season of the data (``seasons``) ahead, 10 steps
        without a season, as ``forecastrnn fit`` forecasts, at most :attr:`max_horizon`."""
        if horizon is None:
            from forecastrnn.defaults import default_horizon

            return min(default_horizon(next(iter(seasons.values()), 1)), self.max_horizon)
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or not 1 <= horizon <= self.max_horizon:
            raise ValueError(f"`horizon` must be an int in [1, {self.max_horizon}] for the pretrained model. "
                             f"Received: horizon={horizon!r}")
        return int(horizon)

    def _paths(self, series: dict, seasons: dict, horizon: int, level):
        """``(point, lower, upper)`` arrays ``(n_series, horizon)`` (bounds None without ``level``)."""
        paths, self.network_weight_ = zero_shot_paths(self.network_, series, seasons, horizon, self.network_weight)
        point = np.stack([paths[k] for k in series])
        if level is None:
            return point, None, None
        quantile = self._own_quantile(series, seasons, horizon, level)
        self.intervals_ = "own rows" if quantile is not None else "corpus"
        if quantile is None or self.fine_tuned_:
            corpus = self._quantile(str(next(iter(seasons.values()))), level, horizon)
            # a fine-tuned network has trained on the data's rows, so their errors are too small
            # alone: it takes the wider of theirs and the corpus' of each step
            quantile = corpus if quantile is None else np.maximum(quantile, corpus)
            self.intervals_ = "corpus" if quantile is corpus else "own rows and corpus"
        width = quantile[None] * np.array([series_unit(y, seasons[k]) for k, y in series.items()])[:, None]
        return point, point - width, point + width

    def _own_quantile(self, series: dict, seasons: dict, horizon: int, level: float):
        """The conformal quantile of each step from the data's own recent rows: zero-shot
        forecasts of each series' last ``horizon`` rows from up to ``OWN_ORIGINS`` origins
        (``horizon`` apart, at least ``horizon`` rows before each), their errors in units of the
        rows before the origin. None when some step has too few scores for ``level``."""
        cut, actual = {}, {}
        for key, y in series.items():
            for j in range(OWN_ORIGINS):
                origin = len(y) - (j + 1) * horizon
                if origin < max(horizon, MIN_OWN_ROWS):
                    break
                cut[(key, j)] = y[:origin]
                actual[(key, j)] = y[origin:origin + horizon]
        needed = int(np.ceil(level / (1 - level) - 1e-9))
        if len(cut) < needed:
            return None
        names = {c: f"{i}" for i, c in enumerate(cut)}
        paths, _ = zero_shot_paths(self.network_, {names[c]: y for c, y in cut.items()},
                                   {names[c]: seasons[c[0]] for c in cut}, horizon, self.network_weight_)
        scores = np.stack([np.abs(actual[c] - paths[names[c]]) / series_unit(cut[c], seasons[c[0]]) for c in cut])
        return conformal_quantile(scores, level)

    def predict(self, data, horizon=None, level=None, id_col=None, time_col=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of every series of ``data``, with no training.

        Parameters
        ----------
        data : CSV path, DataFrame, Series or array
            One series (read by :func:`forecastrnn.read_series`) or a long panel (with the
            ``id_col`` given to ``fit``, or a ``unique_id`` column; read by
            :func:`forecastrnn.read_panel`), with timestamps or without.
        horizon : int, optional
            At most :attr:`max_horizon`; default: one season ahead (10 steps for data without
            a season: yearly data, positions), as ``forecastrnn fit``, at most
            :attr:`max_horizon`. Beyond the network's own horizon it forecasts again from the
            series extended by its forecast.
        level : float, optional
            Split-conformal interval, in units of each series' MASE scale (:func:`series_unit`): from the
            errors of the same zero-shot forecasts of the data's own last rows (up to
            ``OWN_ORIGINS`` origins per series) when they are enough for the level, else of
            held-out series of the pretraining corpus with the same season length
            (``intervals_`` says which). A fine-tuned model has trained on the data's rows, so
            their errors alone are too small: it takes the wider of the two quantiles at each
            step (``"own rows and corpus"``).
        id_col, time_col : str, optional
            How to read ``data`` (default: as given to ``fit``, else a ``unique_id`` column
            makes a panel and the time column is found).

        Returns
        -------
        pandas.DataFrame
            As :meth:`RNNForecaster.predict` for one series (indexed by the future
            timestamps or positions), as :meth:`GlobalRNNForecaster.predict` for a panel.
        """
        self._check_fitted()
        check_level(level)
        series, seasons, (long, freq, names, last, value) = self._read(data, id_col, time_col)
        horizon = self._horizon(horizon, seasons)
        point, lower, upper = self._paths(series, seasons, horizon, level)
        columns = {value: point}
        if level is not None:
            columns.update({f"{value}_lower": lower, f"{value}_upper": upper})
        if not long:
            return pd.DataFrame({c: v[0] for c, v in columns.items()}, index=future_index(last["series"], freq, horizon))
        id_name, time_name, _, id_kind = names
        keys = list(series)
        ahead = {t: np.asarray(future_index(t, freq, horizon)) for t in set(last.values())}  # once per end time
        times = np.concatenate([ahead[last[k]] for k in keys])
        ids = ids_as(np.repeat(np.asarray(keys, dtype=object), horizon), id_kind)
        return pd.DataFrame({id_name: ids, time_name: times,
                             **{c: v.ravel() for c, v in columns.items()}})

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of each series in ``data``, zero-shot.

        ``origins``: row positions (the forecast from ``o`` reads rows ``[0, o)`` only), the
        same for every series or a dict id -> positions. The ``i``-th origins of all the series
        are forecast together, as ``predict`` would forecast the panel cut there (the network's
        weight and the own-row intervals read nothing after them). Returns ``point``, ``lower``,
        ``upper`` of shape ``(n_origins, horizon, n_series)`` (NaN after a series' own
        origins; bounds None without ``level``), as :meth:`GlobalRNNForecaster.forecast_origins`.
        """
        self._check_fitted()
        check_level(level)
        series, seasons, _ = self._read(data)
        horizon = self._horizon(horizon, seasons)
        keys = list(series)
        column = {k: j for j, k in enumerate(keys)}
        starts = {k: list(origins[k] if isinstance(origins, dict) else origins) for k in keys}
        n_origins = max(len(o) for o in starts.values())
        arrays = [np.full((n_origins, horizon, len(keys)), np.nan) for _ in range(3)]
        for i in range(n_origins):  # the i-th origin of every series, forecast as predict would then
            cut = {k: series[k][:int(starts[k][i])] for k in keys if i < len(starts[k])}
            for full, a in zip(arrays, self._paths(cut, seasons, horizon, level)):
                if a is not None:
                    full[i][:, [column[k] for k in cut]] = a.T
        return arrays[0], *(a if level is not None else None for a in arrays[1:])

    def _quantile(self, m: str, level: float, horizon: int) -> np.ndarray:
        """Conformal quantile of each step's scores of season ``m``; a step with too few of them
        takes the quantile of every season's scores."""
        def quantile(key):
            scores = np.array(self.info_["scores"].get(key, []), dtype="float64").reshape(-1, self.max_horizon)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return conformal_quantile(scores[:, :horizon], level) if len(scores) else np.full(horizon, np.inf)

        q = quantile(m)
        return np.where(np.isfinite(q), q, quantile("all"))


MAX_HORIZON = 48
SEASONS_READ = 10  # the seasonal adjustment reads the last so many seasons of a series
NETWORK_WEIGHTS = (0.25, 0.5, 0.75, 1.0)  # network_weight="auto" chooses among them (zero_shot_paths) ...
DEFAULT_WEIGHT = 0.75  # ... or takes this when no series is long enough (chosen on short series, BENCHMARKS.md)
OWN_ORIGINS = 5  # intervals from the data's own rows: up to so many past origins per series ...
MIN_OWN_ROWS = 8  # ... each with at least so many rows before it


def pretrained(path=None) -> PretrainedForecaster:
    """The pretrained forecaster, loaded: the one shipped in the package, or the one in ``path``
    (written by :func:`forecastrnn.models.pretraining.pretrain`). ``predict`` works at once, with no training.

    Examples
    --------
    >>> import forecastrnn as frnn  # doctest: +SKIP
    >>> frnn.pretrained().predict("datasets/airline_passengers.csv", horizon=12, level=0.9)  # doctest: +SKIP
    """
    return PretrainedForecaster(path=path).fit()


__all__ = ["PretrainedForecaster", "component_paths", "forecast_paths", "network_frame", "phase", "pretrained",
           "seasonally_adjusted", "training_frame", "zero_shot_paths"]

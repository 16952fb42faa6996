"""``CombinationForecaster``: the network and the classical baselines, weighted on validation windows.

What wins forecasting competitions is rarely one model: FFORMA weighted the classical
methods per series, ES-RNN combined smoothing with a network, and the M3/M4 combinations of
exponential smoothing, ARIMA and Theta beat each of them alone. This forecaster holds out
the last ``validation_windows`` horizons of every series, fits every member on the rows
before them, scores each member's forecasts there, and turns the errors into weights per
series. The network is then retrained on all rows (``refit_network``); the baselines are refitted
on the rows before each forecast origin whenever they forecast.

The weights read validation rows only: the forecast from an origin combines members fitted
on the rows before that origin, with weights from rows before the first origin the
combination was asked about (in a backtest: rows before the test span).
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import time
import warnings
from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from forecastrnn.base import Forecaster
from forecastrnn.data.io import one_hot
from forecastrnn.data.panel import names_series
from forecastrnn.data.season import TREND_ANCHORS
from forecastrnn.data.windows import check_positive_int
from forecastrnn.persistence import (STATE_FILE, atomic_write_dir, frame_from_json, frame_to_json, read_state,
                                     versions, write_json)
from forecastrnn.progress import report

METHODS = ("inverse", "select", "mean", "median")
SERIES = "series"  # the key of a single series
SEARCHABLE = ("window", "target_transform", "anchor", "normalize", "loss")


def _validation_progress(message: str) -> None:
    """The inner panel backtest's progress, to the caller's stage line (:mod:`forecastrnn.progress`):
    how far the members' validation forecasts are, series by series."""
    if message[:1].isspace():
        report(f"its members on validation windows, {message.strip()}")


def member_weights(errors: np.ndarray, method: str) -> np.ndarray:
    """Weights ``(n_series, n_members)`` from validation errors of the same shape.

    ``inverse``: proportional to 1 / error (a member with zero error takes all the weight);
    ``select``: all on the member with the lowest error; ``mean`` / ``median``: equal
    weights (``median`` combines by the median instead). A member with no error (NaN) gets
    no weight; a row with no error at all gets equal weights.
    """
    errors = np.asarray(errors, dtype="float64")
    valid = np.isfinite(errors)
    if method in ("mean", "median"):
        weights = valid.astype("float64")
    elif method == "select":
        best = np.argmin(np.where(valid, errors, np.inf), axis=1)
        weights = np.eye(errors.shape[1])[best] * valid.any(axis=1, keepdims=True)
    elif method == "inverse":
        zero = valid & (errors <= 0)
        weights = np.where(zero.any(axis=1, keepdims=True), zero.astype("float64"),
                           np.where(valid, 1.0 / np.where(valid & (errors > 0), errors, 1.0), 0.0))
    else:
        raise ValueError(f"`method` must be one of {list(METHODS)}. Received: method={method!r}")
    total = weights.sum(axis=1, keepdims=True)
    return np.where(total > 0, weights / np.where(total > 0, total, 1.0), 1.0 / errors.shape[1])


def combine(forecasts: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Combine ``forecasts`` ``(n_members, ...)`` with ``weights`` ``(n_members,)``: the
    weighted mean, or the median of the members with weight for ``method="median"``."""
    keep = weights > 0
    if method == "median":
        return np.median(forecasts[keep], axis=0)
    return np.tensordot(weights[keep], forecasts[keep], axes=1)


def shared_out(weights: np.ndarray, usable: np.ndarray, otherwise: np.ndarray) -> np.ndarray:
    """``weights`` ``(n_members, n_series)`` with the weight of the members not ``usable`` for a
    series shared out over its usable ones in proportion; ``otherwise`` for a series whose
    weight lay on unusable members only."""
    kept = np.where(usable, weights, 0.0)
    total = kept.sum(axis=0)
    return np.where(total > 0, kept / np.where(total > 0, total, 1.0), otherwise)


def network_member(table: pd.DataFrame, chosen: list, configurations) -> pd.DataFrame:
    """The validation rows with the network ``configurations`` replaced by one member named
    ``network``: the median forecast of the ``chosen`` ones (each origin and step)."""
    nets = table[table.model.isin(chosen)]
    median = nets.groupby(["id", "origin", "step"], sort=False).agg(y_true=("y_true", "first"),
                                                                     y_pred=("y_pred", "median"))
    median = median.reset_index().assign(model="network")
    median["error"] = (median.y_true - median.y_pred).abs()
    return pd.concat([table[~table.model.isin(list(configurations))], median], ignore_index=True)


class CombinationForecaster(Forecaster, BaseEstimator):
    """The network and classical baselines combined with weights from validation windows.

    Parameters
    ----------
    network : forecaster or str, optional
        The recurrent member (unfitted; cloned). Default: ``GlobalRNNForecaster`` with this
        ``horizon`` and ``season_length`` and every other default (one series or a panel).
        In a backtest, the name of another model of the same backtest shares that model's
        fitted network (trained once; see ``fit``'s ``fitted_network``).
    baselines : sequence of str
        Names in :data:`forecastrnn.baselines.BASELINES` (default Theta and ETS, the pair
        measured on M3; ``"arima"`` adds a strong but slow member, e.g. 3 s per monthly series).
    method : {"inverse", "select", "mean", "median"}
        How validation errors become weights (:func:`member_weights`), per series.
    horizon : int, optional
        Steps to forecast (default: the network's).
    season_length : int, optional
        Season of the baselines and of the network (default: from the data's frequency).
    validation_windows : int
        Horizons held out at the end of each series to weigh the members. A series too short
        to spare them takes the panel's weights (from the mean scaled error of each member).
    refit_network : bool
        Retrain the network on all rows after the validation fit (``network.refit``);
        otherwise it forecasts with the weights' fit (trained on fewer rows).
    search : sequence of str
        Network settings tried on the validation windows when the network leaves them
        ``"auto"``: ``"window"`` (the rule's look-back, then 1, 2 and 3 horizons and 3 seasons)
        ``"target_transform"`` (when None: ``"log"`` too, for positive data), ``"anchor"``
        (``"theta"`` and ``"damped"``, the window's trend, where windows are normalised: several
        series), ``"normalize"`` (``"last"`` and ``"window"``) and ``"loss"`` (``"mse"`` and
        ``"mae"``); a value equal to what the rules chose is not trained twice. Other explicit
        values are never searched. The network member is the median of the ``top_k`` configurations with
        the lowest mean scaled validation error.
    time_budget : float, optional
        Seconds the search may take: the first configuration is always trained; another is
        tried only while the time spent so far plus one more configuration's training time
        (the slowest so far) fits. None: no search, the network as given.
    top_k : int
        Configurations in the network member's median.
    n_jobs : int
        Processes for the baselines, series by series.

    Attributes
    ----------
    network_ : the fitted network (the best configuration)
    networks_ : list, the fitted networks of the ``top_k`` configurations (best first)
    settings_ : dict, ``configurations``: each tried configuration's overrides and mean scaled
        validation error; ``chosen``: the ``top_k`` kept
    members_ : list of str, ``["network", *baselines]``
    weights_ : pandas.DataFrame, one row per series id (and ``"*"``: the panel's), one column per member
    validation_errors_ : pandas.DataFrame, each member's mean absolute scaled validation error per series
    """

    supports_panels = True
    supports_intervals = True
    name = "combination"
    _fitted_attr = "weights_"

    def __init__(self, network=None, baselines=("theta", "ets"), method="inverse", horizon=None,
                 season_length=None, validation_windows=1, refit_network=True, search=("window",), time_budget=None,
                 top_k=3, n_jobs=1):
        self.network = network
        self.baselines = baselines
        self.method = method
        self.horizon = horizon
        self.season_length = season_length
        self.validation_windows = validation_windows
        self.refit_network = refit_network
        self.search = search
        self.time_budget = time_budget
        self.top_k = top_k
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------- members
    @property
    def supports_covariates(self) -> bool:
        """Its network reads covariates (a network named by a backtest row: as that row does)."""
        return isinstance(self.network, str) or getattr(self.network, "supports_covariates", self.network is None)

    @property
    def min_history(self) -> int:
        """The held-out horizons plus the most rows any member needs before them."""
        network = 1 if isinstance(self.network, str) else getattr(self._network(), "min_history", 1)
        need = max([network, *(b.min_history for b in self._baselines(1).values())])
        return need + check_positive_int(self.validation_windows, "validation_windows") * self._horizon()

    def _horizon(self) -> int:
        if self.horizon is not None:
            return check_positive_int(self.horizon, "horizon")
        if self.network is None:
            raise ValueError("`horizon` is needed when no `network` is given. Received: horizon=None")
        return check_positive_int(self.network.horizon, "horizon")

    def _network(self):
        if isinstance(self.network, str):
            raise ValueError(f"`network` names a model of the same backtest ({self.network!r}), whose fitted network "
                             "the backtest passes to fit as `fitted_network`. Received: fit without one")
        if self.network is not None:
            return clone(self.network).set_params(horizon=self._horizon())
        from forecastrnn.models.global_forecaster import GlobalRNNForecaster

        return GlobalRNNForecaster(horizon=self._horizon(), season_length=self.season_length)

    def _baselines(self, season_length) -> dict:
        from forecastrnn.baselines import default_baselines

        names = [self.baselines] if isinstance(self.baselines, str) else list(self.baselines or [])
        baselines = default_baselines(names, self._horizon(), season_length)
        if len(baselines) != len(names):
            raise ValueError(f"`baselines` must be distinct names. Received: baselines={names}")
        if getattr(self, "known_future_", None) and "arima" in baselines:  # what the network reads, as regressors
            baselines["arima"].set_params(exog=list(self.known_future_))
        return baselines

    # ---------------------------------------------------------------- reading
    @staticmethod
    def _is_panel(data, id_col) -> bool:
        return id_col is not None or isinstance(data, (str, bytes)) or names_series(data)

    def _series(self, data) -> tuple[dict, str | None]:
        """``{key: frame}`` of ``data`` read as in ``fit``: the target, then the known-future
        columns (ARIMA's regressors), and the frequency."""
        a, known = self.read_args_, list(getattr(self, "known_future_", []))
        if not self.panel_:
            from forecastrnn.data.io import as_series

            frame = as_series(data, target=a["target"], features=known or None)
            return {SERIES: frame[frame.attrs["target"][:1] + one_hot(known, frame.columns)]}, frame.attrs.get("freq")
        from forecastrnn.data.panel import panel_series, read_panel

        panel = read_panel(data, id_col=a["id_col"], time_col=a["time_col"], target=a["target"], features=known or None)
        value = panel.attrs["target"][0]
        columns = {c: panel_series(panel, c) for c in [value, *one_hot(known, panel.columns)]}
        return ({k: pd.DataFrame({c: columns[c][k] for c in columns}) for k in columns[value]},
                panel.attrs["freq"])

    # --------------------------------------------------------------------- fit
    def fit(self, data, target=None, time_col="auto", id_col=None, features=None, known_future=None,
            callbacks=None, checkpoint_dir=None, fitted_network=None) -> "CombinationForecaster":
        """Weigh the members on the last ``validation_windows`` horizons of every series, then
        retrain the network on all rows (``refit_network``). Arguments as in ``GlobalRNNForecaster.fit``
        (one series: a DataFrame or Series with ``target``). Returns ``self``.

        ``fitted_network``: a network already fitted on exactly ``data`` (a backtest's own
        network row), used instead of training one. Its validation forecasts cover the rows
        it set apart for calibration (``unseen_rows``: never trained on, never scored by
        early stopping), so they are out of sample; a series without that many such rows
        takes the panel's weights, and when no series has them the network is trained
        again on the rows before the validation horizons, as without ``fitted_network``."""
        from forecastrnn.data.season import season_length_for
        from forecastrnn.evaluation.backtest import backtest, backtest_panel

        if self.method not in METHODS:
            raise ValueError(f"`method` must be one of {list(METHODS)}. Received: method={self.method!r}")
        k, h = check_positive_int(self.validation_windows, "validation_windows"), self._horizon()
        self.panel_ = self._is_panel(data, id_col)
        self.read_args_ = {"target": target, "time_col": time_col, "id_col": id_col}
        known = [known_future] if isinstance(known_future, str) else list(known_future or [])
        self.known_future_ = one_hot(known, data.columns) if isinstance(data, pd.DataFrame) else known
        self.history_, self.freq_ = self._series(data)
        self.known_future_ = list(next(iter(self.history_.values())).columns[1:])  # as read: a text column's indicators
        m = self.season_length or season_length_for(self.freq_)
        shared = None if fitted_network is None else self._unseen_forecasts(fitted_network, data, k, h)
        network = fitted_network if shared is not None else \
            self._network() if fitted_network is None else clone(fitted_network)
        if shared is None and network.get_params().get("season_length", m) in (None, "auto"):
            network.set_params(season_length=m)
        members = {"network": network, **self._baselines(m)}
        self.members_ = list(members)
        net_kwargs = {"callbacks": callbacks, "checkpoint_dir": checkpoint_dir}
        fit_kwargs = dict(id_col=id_col, time_col=time_col, target=target, features=features,
                          known_future=known_future) if self.panel_ else \
            {"target": target, **({"known_future": known_future} if known_future else {})}

        def inner_backtest(models):
            if self.panel_:
                out, fitted = backtest_panel(models, data, h, k, season_length=m, n_jobs=self.n_jobs,
                                             return_models=True, progress=_validation_progress, **fit_kwargs)
                out = out.rename(columns={out.attrs["id_col"]: "id"})  # ids keyed as history_ (numbers as text)
                return out.assign(id=out["id"].astype(str)), fitted, out.attrs["mase_scales"]
            out, fitted = backtest(models, data, h, k, level=None, n_jobs=self.n_jobs, return_models=True,
                                   season_length=m, known_future=known_future)
            return out.assign(id=SERIES), fitted, {SERIES: 1.0}

        need = max(getattr(network, "min_history", 1), *(b.min_history for b in members.values() if b is not network))
        if max(len(f) for f in self.history_.values()) < k * h + need:
            return self._fit_unweighed(network, data, fit_kwargs, net_kwargs, k * h + need, m, fitted=shared is not None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            if shared is None:
                table, fitted, scales = inner_backtest(members)
            else:  # the baselines' validation fits; the network's rows are the ones it never trained on
                table, fitted, scales = inner_backtest({n: b for n, b in members.items() if b is not network})
                shared = shared[shared.id.isin(set(table.id))]
                table = table[table.id.isin(set(shared.id))]  # a series the network cannot score: the panel's weights
                table, fitted["network"] = pd.concat([table, shared], ignore_index=True), network
            configurations = {"network": {}}
            slowest = time.perf_counter() - start
            positive = all(bool((f.iloc[:, 0].to_numpy() > 0).all()) for f in self.history_.values())
            for label, overrides in self._candidates(network, h, m, positive, len(self.history_))[1:]:
                if self.time_budget is None or time.perf_counter() - start + slowest > self.time_budget:
                    break
                chosen_by_rules = getattr(fitted["network"], "settings_", {})
                if all(chosen_by_rules.get(key, "?") == value for key, value in overrides.items()):
                    continue  # what the rules chose: tried already
                began = time.perf_counter()
                more, more_fitted, _ = inner_backtest({label: clone(network).set_params(**overrides)})
                table, configurations[label] = pd.concat([table, more], ignore_index=True), overrides
                fitted[label] = more_fitted[label]
                slowest = max(slowest, time.perf_counter() - began)
        for w in caught:  # the inner backtest's notes, said in this model's words
            if issubclass(w.category, RuntimeWarning) and "left out of the scores" in str(w.message):
                short = re.match(r"(\d+) series had fewer than (\d+) observed rows", str(w.message))
                which = f"{short[1]} series had fewer than {short[2]} observed rows before them" if short else \
                    "some series were too short for them"
                warnings.warn(f"The combination weighs its members on validation windows; {which}, so they take "
                              "the panel's weights", RuntimeWarning, stacklevel=2)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        table["error"] = (table.y_true - table.y_pred).abs()
        errors = table.groupby(["id", "model"], sort=False)["error"].mean().unstack("model")
        scale = pd.Series({key: scales.get(key, np.nan) for key in errors.index})
        mean_scaled = errors.div(scale, axis=0).replace([np.inf, -np.inf], np.nan).mean()
        ranked = sorted(configurations, key=lambda c: (mean_scaled[c], list(configurations).index(c)))
        chosen = ranked[:check_positive_int(self.top_k, "top_k")]
        table = network_member(table, chosen, configurations)
        mae = table.groupby(["id", "model"], sort=False)["error"].mean().unstack("model")[self.members_]
        scaled = mae.div(scale.reindex(mae.index), axis=0)
        panel_error = scaled.replace([np.inf, -np.inf], np.nan).mean().to_numpy()[None, :]
        weights = member_weights(np.vstack([mae.to_numpy(), panel_error]), self.method)
        self.validation_errors_ = scaled.set_axis([*map(str, mae.index)])
        self.weights_ = pd.DataFrame(weights, index=[*map(str, mae.index), "*"], columns=self.members_)
        self.season_length_ = m
        self.settings_ = {"configurations": {c: {"overrides": configurations[c], "error": float(mean_scaled[c])}
                                             for c in configurations},
                          "chosen": [configurations[c] for c in chosen]}
        self.networks_ = []
        for label in chosen:
            net = fitted[label]
            if net is fitted_network:  # trained on all rows of data already
                pass
            elif self.refit_network:
                net = net.refit(data, **net_kwargs, **(fit_kwargs if self.panel_ else {}))
            elif hasattr(net, "update"):  # it forecasts from the end of the data, not of its training rows
                net.update(data)
            self.networks_.append(net)
        self.network_ = self.networks_[0]
        return self

    def _unseen_forecasts(self, network, data, k: int, h: int):
        """Validation rows of the fitted ``network`` (``fit``'s ``fitted_network``): its forecasts of
        the last ``k`` horizons of each series whose calibration rows cover them; None when none does."""
        from forecastrnn.evaluation.backtest import tidy_rows

        lengths = [len(f) for f in self.history_.values()]
        unseen = network.unseen_rows(lengths) if hasattr(network, "unseen_rows") else np.zeros(len(lengths))
        if not (unseen >= k * h).any():
            return None
        origins = {key: n - k * h + h * np.arange(k) for key, n in zip(self.history_, lengths)}
        point = network.forecast_origins(data, origins if self.panel_ else origins[SERIES], h)[0]
        rows = []
        for j, (key, frame) in enumerate(self.history_.items()):
            if unseen[j] >= k * h:
                o = origins[key]
                actual = frame.iloc[:, :1].to_numpy()[o[:, None] + np.arange(h)]
                rows.append(tidy_rows("network", list(frame.columns[:1]), frame.index, o, h, actual,
                                      point[:len(o), :, j:j + 1]).assign(id=key))
        return pd.concat(rows, ignore_index=True)

    def _fit_unweighed(self, network, data, fit_kwargs, net_kwargs, need: int, m: int, fitted=False):
        """No series can hold out a validation horizon: equal weights, the network fitted on all
        rows (``fitted``: it is already)."""
        longest = max(len(f) for f in self.history_.values())
        warnings.warn(f"No series has the {need} rows that validation windows need (the longest has {longest}): "
                      "the combination weighs its members equally", RuntimeWarning, stacklevel=3)
        given = {k: v for k, v in net_kwargs.items() if v is not None}  # a baseline as network takes neither
        self.networks_ = [network if fitted else network.fit(data, **fit_kwargs, **given)]
        self.network_, self.season_length_ = self.networks_[0], m
        self.validation_errors_ = pd.DataFrame(columns=self.members_, dtype="float64")
        self.weights_ = pd.DataFrame([np.full(len(self.members_), 1 / len(self.members_))], index=["*"],
                                     columns=self.members_)
        self.settings_ = {"configurations": {"network": {"overrides": {}, "error": float("nan")}}, "chosen": [{}]}
        return self

    def _candidates(self, network, horizon: int, m: int, positive: bool, n_series: int) -> list[tuple[str, dict]]:
        """``(label, overrides)`` of the network configurations to try, the network as given first
        (``"log"`` only for positive data)."""
        names = [self.search] if isinstance(self.search, str) else list(self.search or [])
        unknown = [n for n in names if n not in SEARCHABLE]
        if unknown:
            raise ValueError(f"`search` must name settings among {list(SEARCHABLE)}. Received: {unknown}")
        params = network.get_params()
        window_normalized = params.get("normalize") == "window" or (params.get("normalize") == "auto"
                                                                    and n_series > 1)
        grid = {"window": sorted({horizon, 2 * horizon, 3 * horizon, *([3 * m] if m > 1 else [])}),
                "target_transform": ["log"] if positive else [],
                "anchor": list(TREND_ANCHORS),
                "normalize": ["last", "window"], "loss": ["mse", "mae"]}
        options = [[(n, v) for v in grid[n]] for n in names if params.get(n, "") in ("auto", None)]
        out = [("network", {})]
        for combo in itertools.product(*[[None, *o] for o in options]):
            overrides = dict(c for c in combo if c is not None)
            normalized = overrides.get("normalize", "window" if window_normalized else "last") == "window"
            if overrides.get("anchor") in TREND_ANCHORS and not normalized:
                continue  # a trend anchor reads the window's own statistics
            if overrides:
                out.append(("network[" + ",".join(f"{k}={v}" for k, v in overrides.items()) + "]", overrides))
        return out

    # ----------------------------------------------------------------- predict
    def _weights_of(self, key) -> np.ndarray:
        key = str(key)
        return self.weights_.loc[key if key in self.weights_.index else "*"].to_numpy()

    def _baseline_forecasts(self, series: dict, origins: dict, horizon: int, level, ahead=None) -> dict:
        """``{name: (point, lower, upper)}`` arrays ``(n_origins, horizon, n_series)``: each
        baseline fitted on the rows of each series before its first origin; NaN for a series
        with fewer observed rows there than the baseline needs (it is left out of that
        series' combination). ``ahead``: ``{key: frame}`` of the known-future columns of the
        steps after each series, for ARIMA's regressors (a forecast from the end of the data)."""
        from forecastrnn.evaluation.backtest import _one_series, _pad_origins
        from forecastrnn.parallel import map_chunks

        baselines = self._baselines(self.season_length_)
        items, reads = [], [k for k, b in baselines.items() if ahead and getattr(b, "exog", None)]
        for key, frame in series.items():
            first = np.asarray(origins[key])
            observed = int(frame.iloc[:first.min(initial=len(frame)), 0].notna().sum())
            fits = {k: b for k, b in baselines.items() if b.min_history <= observed}
            frame.attrs["target"] = list(frame.columns[:1])  # then the known-future columns, if any
            items.append((key, {k: b for k, b in fits.items() if k not in reads}, frame, first))
            if any(k in fits for k in reads):  # the regressors' rows after the data, the target missing there
                longer = pd.concat([frame, ahead[key].reindex(columns=frame.columns)])
                longer.attrs["target"] = list(frame.columns[:1])
                items.append((key, {k: fits[k] for k in reads if k in fits}, longer, first))
        done = map_chunks(partial(_one_series, horizon=horizon, level=level, refit=False), items, self.n_jobs, None)
        merged = {}
        for (key, *_), part in zip(items, done):
            merged.setdefault(key, {}).update(part)
        out = [merged[key] for key in series]
        n = max(len(o) for o in origins.values())
        absent = np.full((n, horizon, 1), np.nan)
        result = {}
        for name in baselines:
            parts = []
            for per_series in out:
                arrays = per_series[name][0] if name in per_series else (absent,) + (absent if level else None,) * 2
                parts.append([None if a is None else _pad_origins(a[..., 0], n) for a in arrays])
            result[name] = tuple(None if parts[0][i] is None else np.stack([p[i] for p in parts], axis=-1)
                                 for i in range(3))
        return result

    def forecast_members(self, data, origins, horizon=None, level=None) -> tuple[list, dict]:
        """Every member's forecasts from ``origins`` of each series in ``data`` (forms of
        :meth:`forecast_origins`): the series keys in data order and ``{member: (point,
        lower, upper)}`` with arrays ``(n_origins, horizon, n_series)``."""
        self._check_fitted()
        horizon = self._horizon() if horizon is None else check_positive_int(horizon, "horizon")
        series = self._series(data)[0]
        if isinstance(origins, dict):
            by_key = {str(k): list(v) for k, v in origins.items()}
            absent = [k for k in series if str(k) not in by_key]
            if absent:
                raise ValueError(f"`origins` must give origins for every series in the data. Received: none for "
                                 f"{absent[:3]}")
            mine = {k: by_key[str(k)] for k in series}
        else:
            mine = {k: list(origins) for k in series}
        outs = [net.forecast_origins(data, origins, horizon, level) for net in self.networks_]
        net = tuple(None if parts[0] is None else np.median(np.stack(parts), axis=0) for parts in zip(*outs))
        return list(series), {"network": net, **self._baseline_forecasts(series, mine, horizon, level)}

    def combine_members(self, keys, members: dict, method=None) -> tuple:
        """Combine :meth:`forecast_members` output with this fit's weights (``method``: another
        way of turning the same validation errors into weights, for comparisons)."""
        method = self.method if method is None else method
        weights = self.weights_ if method == self.method else pd.DataFrame(
            member_weights(self.validation_errors_.reindex(self.weights_.index).to_numpy(), method),
            index=self.weights_.index, columns=self.members_)
        if method != self.method:  # the panel row: from the mean scaled errors
            weights.loc["*"] = member_weights(self.validation_errors_.mean().to_numpy()[None, :], method)[0]
        w = np.stack([weights.loc[str(k) if str(k) in weights.index else "*"].to_numpy() for k in keys], axis=-1)
        # a member with no forecast for a series (a baseline it is too short for) gives its weight to the others
        available = np.stack([np.isfinite(members[name][0]).any(axis=(0, 1)) for name in self.members_])
        w = shared_out(w, available, available / np.maximum(available.sum(axis=0), 1))
        combined = []
        for part in range(3):
            if members["network"][part] is None:
                combined.append(None)
                continue
            stack = np.stack([members[name][part] for name in self.members_])  # (members, origins, h, series)
            # so does a member whose interval is infinite (too few calibration scores for the level)
            mine = w if part == 0 else shared_out(w, available & ~np.isinf(stack).any(axis=(1, 2)), w)
            combined.append(np.stack([combine(stack[..., j], mine[:, j], method) for j in range(stack.shape[-1])],
                                     axis=-1))
        return tuple(combined)

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of each series in ``data`` (forms
        of ``fit``; ``origins`` a sequence, or a dict id -> sequence for a panel).

        Returns ``point``, ``lower``, ``upper`` arrays ``(n_origins, horizon, n_series)``
        (the last two None without ``level``; series padded with NaN to the most origins):
        the members' forecasts combined with each series' weights (the panel's for a series
        not seen in ``fit``); the bounds are combined like the points (quantile averaging), over
        the members whose bounds are finite."""
        return self.combine_members(*self.forecast_members(data, origins, horizon, level))

    def predict(self, data=None, horizon=None, level=None, future=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after each series in ``data`` (default: where
        ``fit`` left each series), in the network's ``predict`` layout with the combined values.
        ``future``: the known-future values of a network fitted with ``known_future`` (its ``predict``)."""
        self._check_fitted()
        horizon = self._horizon() if horizon is None else check_positive_int(horizon, "horizon")
        series = self.history_ if data is None else self._series(data)[0]
        if data is None and not hasattr(self.network_, "update"):
            data = self.history_[SERIES].iloc[:, :1]  # a one-series model without a stored origin (a baseline)
        given = {} if future is None else {"future": future}  # a baseline as network takes none
        outs = [net.predict(data, horizon=horizon, level=level, **given) for net in self.networks_]
        out = outs[0].copy()  # the networks' median, in the layout they share
        numeric = [c for c in out.columns if pd.api.types.is_float_dtype(out[c])]
        out[numeric] = np.median(np.stack([o[numeric].to_numpy() for o in outs]), axis=0)
        long = getattr(self.network_, "supports_panels", False)
        value = self.network_.columns_[2] if long else out.columns[0]
        j = pd.factorize(out[self.network_.columns_[0]])[0] if long else np.zeros(len(out), dtype=int)
        step = out.groupby(self.network_.columns_[0], sort=False).cumcount().to_numpy() if long else np.arange(len(out))
        network = []
        for suffix in ("", "_lower", "_upper"):
            if value + suffix not in out:
                network.append(None)
                continue
            a = np.full((1, horizon, len(series)), np.nan)
            a[0, step, j] = out[value + suffix].to_numpy()
            network.append(a)
        ahead = self._ahead(series, future, horizon) if self.known_future_ and future is not None else None
        members = {"network": tuple(network), **self._baseline_forecasts(
            series, {k: [len(f)] for k, f in series.items()}, horizon, level, ahead)}
        combined = self.combine_members(list(series), members)
        for suffix, a in zip(("", "_lower", "_upper"), combined):
            if a is not None:
                out[value + suffix] = a[0, step, j]
        return out

    def _ahead(self, series: dict, future, horizon: int) -> dict:
        """``{key: frame}`` of the known-future columns of the ``horizon`` steps after each
        series, from ``future`` matched as the network's ``predict`` matches it (which checked it)."""
        from forecastrnn.base import future_index
        from forecastrnn.data.io import _input_columns, _to_frame

        table = future if isinstance(future, pd.DataFrame) else _to_frame(future)[0]
        id_name, time_name = self.network_.columns_[:2]
        if time_name not in table.columns and isinstance(table.index, pd.DatetimeIndex):
            table = table.rename_axis(time_name).reset_index()
        out = {}
        for key, frame in series.items():
            rows = table[table[id_name].astype(str) == str(key)] if id_name in table.columns else table
            index = future_index(frame.index[-1], self.freq_, horizon)
            if self.freq_ is not None and time_name in rows.columns:
                rows = rows.set_index(pd.DatetimeIndex(pd.to_datetime(rows[time_name]))).reindex(index)
            else:
                rows = rows.iloc[:horizon].set_axis(index[:min(len(rows), horizon)])
            out[key] = _input_columns(rows, self.known_future_)  # a text column: its indicators
        return out

    def refit(self, data, **fit_kwargs) -> "CombinationForecaster":
        """A copy whose network is retrained on all rows of ``data`` (``network.refit``), with
        this fit's weights: the model to deploy after a backtest. Returns the new forecaster."""
        self._check_fitted()
        new = copy.copy(self)
        new.networks_ = [net.refit(data, **fit_kwargs) for net in self.networks_]
        new.network_, new.history_ = new.networks_[0], self._series(data)[0]
        return new

    def update(self, data) -> "CombinationForecaster":
        """Make the end of each series in ``data`` the default forecast origin (no retraining;
        the baselines refit on it when they forecast). Returns ``self``."""
        self._check_fitted()
        for net in self.networks_:
            net.update(data)
        self.history_ = {**self.history_, **self._series(data)[0]}
        return self

    # -------------------------------------------------------------- save / load
    _format_version = 1

    def save(self, path, overwrite=False) -> str:
        """Write the networks to ``path/network_<i>`` and the weights, settings and histories the
        baselines refit on to ``path/state.json``, atomically."""
        self._check_fitted()

        def write(tmp):
            for i, net in enumerate(self.networks_):
                net.save(os.path.join(tmp, f"network_{i}"))
            write_json(os.path.join(tmp, STATE_FILE), {
                "format": "forecastrnn.CombinationForecaster", "format_version": self._format_version,
                "network": type(self.network_).__name__, "n_networks": len(self.networks_), "versions": versions(),
                "settings": self.settings_,
                "params": {k: v for k, v in self.get_params(deep=False).items() if k != "network"},
                "members": self.members_, "season_length": self.season_length_, "panel": self.panel_,
                "read_args": self.read_args_, "known_future": self.known_future_,
                "weights": {"index": list(self.weights_.index), "values": self.weights_.to_numpy().tolist()},
                "errors": {"index": list(self.validation_errors_.index),
                           "values": np.where(np.isfinite(self.validation_errors_), self.validation_errors_,
                                              None).tolist()},
                "history": {"keys": [str(k) for k in self.history_],
                            "frames": [frame_to_json(f) for f in self.history_.values()],
                            "freq": self.freq_}})

        return atomic_write_dir(path, overwrite, write)

    @classmethod
    def load(cls, path) -> "CombinationForecaster":
        """Restore a combination written by :meth:`save`."""
        import forecastrnn

        state = read_state(path, "forecastrnn.CombinationForecaster", cls._format_version, with_model=False)
        kind = getattr(forecastrnn, str(state["network"]), None)
        if not isinstance(kind, type) or not hasattr(kind, "load"):
            raise ValueError(f"Corrupt combination state in {os.fspath(path)!r}: expected a forecastrnn network "
                             f"class. Received: {state['network']!r}")
        self = cls(**state["params"])
        self.networks_ = [kind.load(os.path.join(os.fspath(path), f"network_{i}")) for i in range(int(state["n_networks"]))]
        self.network_, self.network, self.members_ = self.networks_[0], clone(self.networks_[0]), list(state["members"])
        self.settings_ = state["settings"]
        self.season_length_, self.panel_, self.read_args_ = state["season_length"], state["panel"], state["read_args"]
        self.known_future_ = list(state.get("known_future", []))  # none in runs saved before it was kept
        self.weights_ = pd.DataFrame(state["weights"]["values"], index=state["weights"]["index"], columns=self.members_)
        errors = np.array(state["errors"]["values"], dtype="float64").reshape(-1, len(self.members_))
        self.validation_errors_ = pd.DataFrame(errors, index=state["errors"]["index"], columns=self.members_)
        self.freq_ = state["history"]["freq"]
        self.history_ = {k: frame_from_json(f, self.freq_)
                         for k, f in zip(state["history"]["keys"], state["history"]["frames"])}
        return self

    def describe(self) -> str:
        """One line: the members, their mean weight over series and the chosen network settings."""
        mean = self.weights_.drop(index="*").mean() if len(self.weights_) > 1 else self.weights_.iloc[0]
        tried = self.settings_["configurations"]
        search = "" if len(tried) == 1 else (
            f"; network: median of {len(self.networks_)} of {len(tried)} configurations tried on validation ("
            + ", ".join(f"{c} {v['error']:.3f}" for c, v in tried.items()) + ")")
        return (f"combination ({self.method} of validation errors, {self.validation_windows} window(s)): "
                + ", ".join(f"{k} {v:.2f}" for k, v in mean.items()) + search)


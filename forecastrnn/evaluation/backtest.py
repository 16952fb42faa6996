"""Rolling-origin backtests: every model forecasts every series from the same origins.

One engine for one series and for many: :func:`backtest` is :func:`backtest_panel` on a
panel of one (that one series may have several targets).

Origins are placed over the end of each series: with ``n`` rows the first origin is
``n - (horizon + step * (n_windows - 1))`` and the others follow every ``step`` rows, so the
test span is ``horizon + step * (n_windows - 1)`` rows. Models that fit one series (the
baselines, ``RNNForecaster``) are fitted on the rows before a series' first origin (or, with
``refit=k``, again before every k-th origin), series by series, on local processes or a Dask
cluster (:mod:`forecastrnn.parallel`); a panel model (``supports_panels``,
``GlobalRNNForecaster``) is fitted once on every series cut at its first origin. Each
forecast reads only the rows before its origin.

Ragged panels: an origin needs ``min_history`` rows before it for every model (the most any
of them needs, at least 1). A series too short for some of its origins is scored on those it
has; one too short for any is left out of the scores (and of the fits), and a warning counts
both.
"""

from __future__ import annotations

import os
import warnings
from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import clone

from forecastrnn.data.io import as_series, one_hot, times_column
from forecastrnn.data.panel import ids_as, panel_series, read_panel
from forecastrnn.data.season import season_length_for
from forecastrnn.data.windows import check_positive_int
from forecastrnn.evaluation.metrics import mase_scale
from forecastrnn.models.base import MIN_INPUT_ROWS


def origins_for(n_rows: int, horizon: int, n_windows: int, step: int) -> np.ndarray:
    """Row positions of the backtest origins (see the module docstring)."""
    for name, value in (("horizon", horizon), ("n_windows", n_windows), ("step", step)):
        check_positive_int(value, name)
    span = horizon + step * (n_windows - 1)
    if span >= n_rows:
        raise ValueError(f"The backtest needs horizon + step * (n_windows - 1) = {span} test rows "
                         f"plus training rows before them. Received: {n_rows} rows")
    return n_rows - span + step * np.arange(n_windows)


def _model_name(model) -> str:
    return getattr(model, "name", type(model).__name__.lower())


def _as_named(models) -> dict:
    if isinstance(models, dict):
        return dict(models)
    if not isinstance(models, (list, tuple)):
        models = [models]
    named = {}
    for model in models:
        name = _model_name(model)
        if name in named:
            raise ValueError(f"Model names must be unique; pass a dict to name them. Received: two "
                             f"models named {name!r}")
        named[name] = model
    return named


def check_capabilities(name, model, n_train, level) -> None:
    """What ``backtest`` asks of a model, read from its capability attributes
    (``forecastrnn.base``), with one clear error before any model is trained; ``n_train``:
    the rows before the first origin (None: not checked here)."""
    if level is not None and not getattr(model, "supports_intervals", True):
        raise ValueError(f"Model {name!r} forecasts points only (supports_intervals=False). "
                         f"Received: level={level}; pass level=None")
    need = getattr(model, "min_history", 1)
    if n_train is not None and n_train < need:
        raise ValueError(f"Model {name!r} needs at least {need} training rows (min_history). "
                         f"Received: {n_train} rows before the first origin")
    if not callable(getattr(model, "forecast_origins", None)):
        raise ValueError(f"Model {name!r} cannot forecast from past origins (no forecast_origins), so "
                         f"the backtest cannot score it. Received: {type(model).__name__}")


def checkpoint_folder(model, name, checkpoint_dir):
    """Where model ``name`` backs up its training in a backtest: ``checkpoint_dir/name``, or
    None when no folder is given or the model cannot resume (``supports_checkpoints``)."""
    if checkpoint_dir is None or not getattr(model, "supports_checkpoints", False):
        return None
    return os.path.join(os.fspath(checkpoint_dir), name)


def _run_model(model, frame, origins, horizon, level, refit, fit_kwargs, checkpoint_dir=None):
    """Fit (a clone of) one model on one series and forecast from every origin; arrays
    ``(n, h, T)`` and the last fitted model. ``checkpoint_dir``: each fit's resumable
    training in its own subfolder."""
    every = len(origins) if not refit else (1 if refit is True else check_positive_int(refit, "refit"))
    parts = []
    for first in range(0, len(origins), every):
        chunk = origins[first:first + every]
        resume = {} if checkpoint_dir is None else {"checkpoint_dir": os.path.join(checkpoint_dir, f"fit_{first}")}
        fitted = clone(model).fit(frame.iloc[:chunk[0]], **fit_kwargs, **resume)
        parts.append(fitted.forecast_origins(frame, chunk, horizon=horizon, level=level))
    stack = [np.concatenate([p[i] for p in parts]) if parts[0][i] is not None else None for i in range(3)]
    return stack, fitted


def _one_series(item, horizon, level, refit, keep_fitted=False):
    """Models on one series (for :func:`forecastrnn.parallel.map_chunks`): ``{name: (forecasts,
    fitted)}``, the fitted model only when ``keep_fitted`` (a panel's would travel back for nothing)."""
    key, models, frame, origins = item
    out = {}
    for name, model in models.items():
        try:
            forecasts, fitted = _run_model(model, frame, origins, horizon, level, refit,
                                           {"target": frame.attrs["target"]})
            out[name] = (forecasts, fitted if keep_fitted else None)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"Series {key!r}, model {name!r}: {exc}") from None
    return out


def tidy_rows(name, targets, index, origins, horizon, actual, point, lower=None, upper=None) -> pd.DataFrame:
    """One model's forecasts as backtest rows: one per origin, step and target.

    ``actual``, ``point``, ``lower``, ``upper``: arrays ``(n_origins, horizon, n_targets)``
    (the last two may be None); ``index``: the series' time index.
    """
    steps = np.arange(horizon)
    parts = []
    for j, t in enumerate(targets):
        parts.append(pd.DataFrame({
            "model": name, "target": t,
            "origin": np.repeat(index[origins - 1], horizon),
            "time": index[(origins[:, None] + steps[None, :]).ravel()],
            "step": np.tile(steps + 1, len(origins)),
            "y_true": actual[..., j].ravel(), "y_pred": point[..., j].ravel(),
            "lower": np.nan if lower is None else lower[..., j].ravel(),
            "upper": np.nan if upper is None else upper[..., j].ravel(),
        }))
    return pd.concat(parts, ignore_index=True)


def _plan(series: dict, horizon, n_windows, step, need: int) -> tuple[dict, int, int]:
    """Each series' origins that have ``need`` observed rows (every target given) before
    them; how many series lost some origins and how many lost all (and are left out: a
    series of missing values too)."""
    origins, clipped, left_out = {}, 0, 0
    for key, frame in series.items():
        span = horizon + step * (n_windows - 1)
        mine = len(frame) - span + step * np.arange(n_windows)
        targets = frame[frame.attrs.get("target") or list(frame.columns)]
        observed = np.concatenate([[0], np.cumsum(targets.notna().all(axis=1).to_numpy())])  # before each row
        kept = mine[observed[np.clip(mine, 0, len(frame))] >= need]
        if not kept.size:
            left_out += 1
            continue
        clipped += kept.size < mine.size
        origins[key] = kept
    return origins, clipped, left_out


def _shorter_horizon(rows: int, need: int, horizon: int, step: int, n_windows: int, panel_models: bool) -> int:
    """The longest horizon below ``horizon`` with which a series of ``rows`` rows has its
    first origin after ``need`` rows (and, for the panel models, after a window's input row
    and one horizon of targets to train on); 0 when none has. ``step`` equal to ``horizon``
    means origins one horizon apart, at the shorter horizon too."""
    for h in range(horizon - 1, 0, -1):
        first = rows - h - (h if step == horizon else step) * (n_windows - 1)
        if first >= max(need, MIN_INPUT_ROWS + h if panel_models else 0):
            return h
    return 0


def _backtest(named, series: dict, fit_panel, horizon, n_windows, step, level, refit, n_jobs, client, progress,
              checkpoint_dir, covariates=None):
    """The engine of :func:`backtest` and :func:`backtest_panel`.

    ``series``: ``{key: read_series frame}`` (its targets); ``fit_panel(origins)`` returns the
    data and reading arguments of the panel models, every series cut at its first origin;
    ``covariates`` (``features``, ``known_future``) go to the fits of the networks, the
    models with ``supports_covariates`` (not to the pretrained model, which reads its target).
    Returns the tidy table (with an ``id`` column), the fitted models and the origins.
    """
    for name in named:
        check_capabilities(name, named[name], None, level)  # the history is planned below
    local = {k: m for k, m in named.items() if not getattr(m, "supports_panels", False)}
    need = max([1, *(getattr(m, "min_history", 1) for m in local.values())])
    origins, clipped, left_out = _plan(series, horizon, n_windows, step, need)
    if len(series) == 1 and (clipped or left_out):
        longest = max(len(f) for f in series.values()) - horizon - step * (n_windows - 1)
        name = max(local, key=lambda k: getattr(local[k], "min_history", 1))
        check_capabilities(name, local[name], longest, level)
    global_models = [n for n in named if n not in local]
    trains = MIN_INPUT_ROWS + horizon if global_models else 0  # a global model's one window: a row, then its targets
    if not origins or max(int(o[0]) for o in origins.values()) < trains:  # found before any model runs
        lengths = sorted(len(f) for f in series.values())
        fits = _shorter_horizon(lengths[len(lengths) // 2], need, horizon, step, n_windows, bool(global_models))
        hungriest = max(local, key=lambda k: getattr(local[k], "min_history", 1), default=None)
        hint = f"; horizon={fits} tests half of them" if fits else \
            f"; no horizon is short enough for {hungriest!r}" if hungriest else ""
        if not fits:  # nothing to backtest on: the pretrained model forecasts series this short, untrained
            hint += "; forecastrnn.pretrained() (CLI: forecastrnn predict pretrained --data FILE) forecasts them"
        what = f"{need} rows (min_history)" if not origins else \
            f"{trains} rows for {global_models[0]!r} to train on (a window of {horizon} targets after {MIN_INPUT_ROWS})"
        raise ValueError(f"No series has {what} before its first origin with horizon={horizon}. "
                         f"Received: series of {lengths[0]}..{lengths[-1]} rows{hint}")
    if clipped or left_out:
        warnings.warn(f"{left_out} series had fewer than {need} observed rows (the most min_history of the models) "
                      f"before every origin: left out of the scores; {clipped} more were scored on the origins they "
                      "have",
                      RuntimeWarning, stacklevel=3)
    kept = {k: series[k] for k in origins}
    from forecastrnn.baselines import _Baseline

    def reads(model) -> dict:
        return covariates or {} if getattr(model, "supports_covariates", False) else {}

    results, fitted_models = {}, {}  # (key, name) -> (point, lower, upper); name -> fitted
    baselines = {n: m for n, m in local.items() if isinstance(m, _Baseline)}
    if baselines:
        from forecastrnn.parallel import map_chunks

        if progress is not None:
            where = f"n_jobs={n_jobs}" if client is None else "on the Dask cluster"
            progress(f"backtesting {', '.join(baselines)}" + (f": series by series ({where})" if len(kept) > 1 else ""))
        one = partial(_one_series, horizon=horizon, level=level, refit=refit, keep_fitted=len(kept) == 1)
        if len(kept) == 1:  # one series: the baselines side by side
            key, frame = next(iter(kept.items()))
            items = [(key, {n: m}, frame, origins[key]) for n, m in baselines.items()]
            out = {n: r[n] for r in map_chunks(one, items, n_jobs, client, chunk_size=1) for n in r}
            results.update({(key, n): r[0] for n, r in out.items()})
            fitted_models.update({n: r[1] for n, r in out.items()})
        else:
            say = None if progress is None else (lambda done, n: progress(f"  {done}/{n} series"))
            out = map_chunks(one, [(k, baselines, f, origins[k]) for k, f in kept.items()], n_jobs, client,
                             progress=say)
            results.update({(k, n): r[n][0] for k, r in zip(kept, out) for n in baselines})
    for name, model in named.items():
        if name in baselines:
            continue
        if progress is not None:
            progress(f"training and backtesting {name}" + (f": one model for all {len(kept)} series"
                                                           if name not in local and len(kept) > 1 else ""))
        folder = checkpoint_folder(model, name, checkpoint_dir)
        if name in local:  # a network of one series, here (TensorFlow uses the cores)
            for key, frame in kept.items():
                results[key, name], fitted_models[name] = _run_model(
                    model, frame, origins[key], horizon, level, refit,
                    {"target": frame.attrs["target"], **reads(model)}, None if folder is None else folder if len(kept) == 1 else os.path.join(folder, str(key)))
            continue
        if refit:
            raise ValueError(f"A panel model is fitted once. Received: refit={refit!r} with model {name!r}")
        data, fit_kwargs, history = fit_panel(origins)
        resume = {} if folder is None else {"checkpoint_dir": folder}
        fitted = fitted_models[name] = clone(model).fit(data, **fit_kwargs, **reads(model), **resume,
                                                        **_shared_network(name, model, named, fitted_models, kept))
        reused = _members_forecasts(fitted, model, named, fitted_models, results, kept, origins)
        if reused is not None:  # a combination of rows of this backtest: combined, not forecast again
            point, lower, upper = fitted.combine_members(list(kept), reused)
        else:
            point, lower, upper = fitted.forecast_origins(history, origins if len(kept) > 1 else
                                                          list(origins.values())[0], horizon, level)
        for j, key in enumerate(kept):
            n = len(origins[key])
            results[key, name] = [None if a is None else a[:n, :, j:j + 1] for a in (point, lower, upper)]
    tables = []
    for key, frame in kept.items():
        targets, o = frame.attrs["target"], origins[key]
        actual = frame[targets].to_numpy()[o[:, None] + np.arange(horizon)]
        for name in named:
            tables.append(tidy_rows(name, targets, frame.index, o, horizon, actual, *results[key, name])
                          .assign(id=key))
    return pd.concat(tables, ignore_index=True), fitted_models, origins


def _shared_network(name, model, named, fitted_models, kept) -> dict:
    """``{"fitted_network": ...}`` for a model whose ``network`` names another model of the
    backtest (a combination sharing the network row's training), else ``{}``."""
    shared = getattr(model, "network", None)
    if not isinstance(shared, str):
        return {}
    if shared not in fitted_models:
        raise ValueError(f"Model {name!r} shares the network of model {shared!r}, which must come before it in the "
                         f"backtest. Received: models {list(named)}")
    if not getattr(named[shared], "supports_panels", False) and len(kept) > 1:
        raise ValueError(f"Model {name!r} can share the network of {shared!r} only if it is one model for all "
                         f"series. Received: {type(named[shared]).__name__} fitted series by series")
    return {"fitted_network": fitted_models[shared]}


def _members_forecasts(fitted, model, named, fitted_models, results, kept, origins):
    """The backtest's own forecasts of every member of a combination that shares a network row
    (``{member: (point, lower, upper)}``, arrays ``(n_origins, horizon, n_series)``), when its
    members are that network alone and baselines of the backtest with the same settings; else None."""
    shared = getattr(model, "network", None)
    if not isinstance(shared, str) or getattr(fitted, "networks_", None) != [fitted_models[shared]]:
        return None
    sources = {m: shared if m == "network" else m for m in fitted.members_}
    own = fitted._baselines(fitted.season_length_)
    if any(m != "network" and (m not in named or named[m].get_params() != own[m].get_params()) for m in sources):
        return None
    n = max(len(origins[key]) for key in kept)
    members = {}
    for member, source in sources.items():
        parts = [results[key, source] for key in kept]
        members[member] = tuple(None if parts[0][i] is None else
                                np.stack([_pad_origins(p[i][..., 0], n) for p in parts], axis=-1) for i in range(3))
    return members


def _pad_origins(a: np.ndarray, n: int) -> np.ndarray:
    """``a`` ``(k, horizon)`` padded with NaN rows to ``(n, horizon)``."""
    return np.concatenate([a, np.full((n - len(a),) + a.shape[1:], np.nan)]) if len(a) < n else a


def backtest(models, data, horizon, n_windows=10, step=None, level=0.9, refit=False, target=None,
             n_jobs=1, progress=None, return_models=False, id_col=None, checkpoint_dir=None, client=None,
             season_length=None, known_future=None):
    """Rolling-origin evaluation of several models on exactly the same origins of one series.

    With ``id_col`` the data is a long-format panel and the call is :func:`backtest_panel`.

    Parameters
    ----------
    models : forecaster, list of forecasters or dict name -> forecaster
        Unfitted models with ``fit(data)`` and ``forecast_origins(...)``: ``RNNForecaster``,
        ``GlobalRNNForecaster`` and the baselines. Each is cloned and fitted on the rows before
        the first origin. Their capability attributes are checked first (:func:`check_capabilities`).
    data : CSV path, DataFrame, Series or array
    horizon : int
        Steps forecast from every origin.
    n_windows : int
        Number of origins.
    step : int, optional
        Rows between origins (default: ``horizon``, non-overlapping test windows).
    level : float or None
        Interval level (None: no intervals).
    refit : bool or int
        False: fit once; True: refit before every origin; k: refit before every k-th origin.
    target : str or list, optional
    n_jobs : int
        Run the baselines in parallel processes (joblib).
    client : dask.distributed.Client or str, optional
        Run them on this Dask cluster instead (:func:`forecastrnn.parallel.map_chunks`).
    progress : callable, optional
        Called as ``progress(message)`` before each model runs.
    return_models : bool
        Also return the dict of fitted networks (fitted before the last refit).
    id_col : str, optional
        The series id column of long-format data (see above).
    checkpoint_dir : str or path, optional
        The networks' trainings (``supports_checkpoints``) back up there, one subfolder per
        model and fit: a backtest run again after an interruption resumes the training it was in.
    season_length : int, optional
        The season of the MASE scale, kept in ``attrs`` (default: from the frequency).
    known_future : list of str, optional
        Columns of ``data`` known ahead (promotions, holidays): the networks read their values
        at the steps they forecast (``RNNForecaster.fit``); the other models read the target.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per model, origin, step and target with columns ``model``, ``target``,
        ``origin`` (time of the last observation used), ``time``, ``step``, ``y_true``,
        ``y_pred``, ``lower``, ``upper``.
    """
    if id_col is not None:
        if refit:
            raise ValueError(f"A panel backtest fits every model once. Received: refit={refit!r}")
        return backtest_panel(models, data, horizon, n_windows, step, id_col=id_col, target=target, level=level,
                              n_jobs=n_jobs, progress=progress, return_models=return_models,
                              checkpoint_dir=checkpoint_dir, client=client, season_length=season_length,
                              known_future=known_future)
    frame = as_series(data, target=target)
    text = [c for c in known_future or [] if one_hot([c], frame.columns) == [c] and c not in frame.columns]
    if text:
        frame = as_series(data, target=target, features=[*frame.attrs["features"], *text])
    step = horizon if step is None else step
    origins_for(len(frame), horizon, n_windows, step)  # the plan's own error first
    targets = frame.attrs["target"]

    def fit_panel(origins):
        return frame.iloc[:int(origins["series"][0])], {"target": targets}, frame

    table, fitted, origins = _backtest(_as_named(models), {"series": frame}, fit_panel, horizon, n_windows, step,
                                       level, refit, n_jobs, client, progress, checkpoint_dir,
                                       {"known_future": list(known_future)} if known_future else None)
    table = table.drop(columns="id")
    table.attrs.update(first_origin=int(origins["series"][0]), targets=targets,
                       season_length=season_length or season_length_for(frame.attrs.get("freq")))
    return (table, fitted) if return_models else table


def backtest_panel(models, data, horizon, n_windows=1, step=None, id_col=None, time_col="auto", target=None,
                   features=None, known_future=None, level=None, season_length=None, n_jobs=1, progress=None,
                   return_models=False, checkpoint_dir=None, client=None):
    """Rolling-origin evaluation of several models on every series of a panel.

    Parameters
    ----------
    models : forecaster, list or dict name -> forecaster
    data : long-format DataFrame, CSV or Parquet path (:func:`forecastrnn.read_panel`)
    horizon, n_windows, step : see :func:`backtest`
    id_col, time_col, target : see :func:`forecastrnn.read_panel` (one target)
    features, known_future : list of str, optional
        Covariates of the networks (``supports_covariates``, see ``GlobalRNNForecaster.fit``);
        the baselines and the pretrained model read the target only.
    level : float, optional
        Interval level (every model must support intervals).
    season_length : int, optional
        The season of the MASE scale (default: from the frequency; give it for data without
        timestamps, e.g. 24 for M4 hourly).
    n_jobs : int
        Processes for the series-by-series baselines.
    client : dask.distributed.Client or str, optional
        Run the series-by-series baselines on this Dask cluster instead, in chunks of series
        (:func:`forecastrnn.parallel.map_chunks`); the results are those of a serial run.
    progress : callable, optional
        ``progress(message)`` before each model, and as the series-by-series models advance.
    return_models : bool
        Also return the fitted networks (panel models fitted on every series cut at its first origin).
    checkpoint_dir : str or path, optional
        Resumable training of the networks, in a subfolder per model (``backtest``).

    Returns
    -------
    pandas.DataFrame (and a dict name -> fitted network with ``return_models``)
        The columns of ``backtest`` with the series id first.
        ``attrs``: ``id_col``, ``season_length``, and per series ``train_rows`` (before its
        first origin) and ``mase_scales`` (their in-sample seasonal naive MAE), both keyed by
        the series ids as text (``"3"`` for store 3).
    """
    covariates = list(features or []) + list(known_future or [])
    panel = read_panel(data, id_col=id_col, time_col=time_col, target=target, features=covariates or None)
    if len(panel.attrs["target"]) != 1:
        raise ValueError(f"A panel backtest scores one target. Received: target={panel.attrs['target']}")
    value, id_name = panel.attrs["target"][0], panel.attrs["id_col"]
    known = {c: panel_series(panel, c) for c in one_hot(list(known_future or []), panel.columns)}  # ARIMA's regressors
    series = {}
    for key, s in panel_series(panel, value).items():
        series[key] = frame = s.to_frame(value).assign(**{c: known[c][key] for c in known})
        frame.attrs.update(target=[value], features=[value, *known], freq=panel.attrs["freq"])
    step = horizon if step is None else step
    ids = panel[id_name].astype(str)
    position = panel.groupby(id_name, sort=False).cumcount().to_numpy()

    def fit_panel(origins):
        first = ids.map({key: int(o[0]) for key, o in origins.items()}).to_numpy()  # NaN: left out
        columns = dict(id_col=id_name, time_col=times_column(panel.attrs), target=value)
        kept = ids.isin(list(origins)).to_numpy()
        return panel[kept & (position < np.nan_to_num(first, nan=0))], columns, panel[kept]

    table, fitted, origins = _backtest(_as_named(models), series, fit_panel, horizon, n_windows, step, level, False,
                                       n_jobs, client, progress, checkpoint_dir,
                                       dict(features=features, known_future=known_future))
    table = table.rename(columns={"id": id_name})
    table[id_name] = ids_as(table[id_name], panel[id_name].dtype.kind)  # as the data names them (store 3, not '3')
    table = table[[id_name] + [c for c in table.columns if c != id_name]]
    m = season_length or season_length_for(panel.attrs["freq"])
    table.attrs.update(id_col=id_name, season_length=m, level=level,
                       train_rows={key: int(o[0]) for key, o in origins.items()},
                       mase_scales={key: mase_scale(series[key][value].to_numpy()[:int(o[0])], m)
                                    for key, o in origins.items()})
    return (table, fitted) if return_models else table

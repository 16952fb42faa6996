"""Forecast metrics, the rolling-origin backtest and the comparison table.

Metrics (in original units; pairs with a missing value are left out; an undefined value,
such as MASE on a flat training series, is NaN with a warning, never an exception)
--------------------------------------------------------------------------------
``mae``  mean |y - f|;  ``rmse``  sqrt(mean (y - f)^2);  ``mape``  100 mean |y - f| / |y|;
``smape``  200 mean |y - f| / (|y| + |f|) (M4);  ``mase``  mae / mean |y_t - y_{t-m}| over the
training series (M4: scaled by the in-sample seasonal naive error);  ``coverage``  share of
``lower <= y <= upper``;  ``width``  mean ``upper - lower``;  ``pinball``  quantile loss.

Backtest
--------
Origins are placed over the end of the series: with ``n`` rows the first origin is
``n - (horizon + step * (n_windows - 1))`` and the others follow every ``step`` rows, so the
test span is ``horizon + step * (n_windows - 1)`` rows. Every model is fitted once on the rows
before the first origin (or, with ``refit=k``, again on the rows before every k-th origin) and
forecasts from exactly the same origins, each forecast reading only the rows before its origin.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone

from forecastrnn.base import check_level
from forecastrnn.data.io import as_series
from forecastrnn.data.windows import check_positive_int


def _pairs(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype="float64"), np.asarray(y_pred, dtype="float64")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape. Received: "
                         f"{y_true.shape} and {y_pred.shape}")
    ok = ~(np.isnan(y_true) | np.isnan(y_pred))
    return y_true[ok], y_pred[ok]


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    t, p = _pairs(y_true, y_pred)
    return _mean(np.abs(t - p))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    t, p = _pairs(y_true, y_pred)
    return float(np.sqrt(_mean((t - p) ** 2)))


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error in % (pairs with ``y_true == 0`` are left out)."""
    t, p = _pairs(y_true, y_pred)
    nz = t != 0
    return 100 * _mean(np.abs(t[nz] - p[nz]) / np.abs(t[nz]))


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE in % as in M4: ``200 mean |y - f| / (|y| + |f|)`` (0/0 counts as 0)."""
    t, p = _pairs(y_true, y_pred)
    denom = np.abs(t) + np.abs(p)
    return 200 * _mean(np.divide(np.abs(t - p), denom, out=np.zeros_like(denom), where=denom > 0))


def mase_scale(y_train, season_length: int = 1) -> float:
    """In-sample seasonal naive MAE: mean |y_t - y_{t-m}| over the training series."""
    y = np.asarray(y_train, dtype="float64")
    m = season_length if len(y) > season_length else 1
    return _mean(np.abs(y[m:] - y[:-m])[~np.isnan(y[m:] - y[:-m])])


def scaled_error(error: float, scale: float) -> float:
    """``error / scale``; NaN with a warning when the scale is zero or undefined (a flat or
    too short training series has no in-sample naive error to scale by)."""
    if not scale > 0:
        warnings.warn(f"MASE is undefined: the in-sample seasonal naive error of the training series "
                      f"is {scale} (a flat or too short series); reporting NaN", RuntimeWarning, stacklevel=3)
        return float("nan")
    return error / scale


def mase(y_true, y_pred, y_train, season_length: int = 1) -> float:
    """Mean absolute scaled error (M4 definition); NaN with a warning when the training
    series has no in-sample seasonal naive error (see :func:`scaled_error`)."""
    return scaled_error(mae(y_true, y_pred), mase_scale(y_train, season_length))


def coverage(y_true, lower, upper) -> float:
    """Share of actual values inside ``[lower, upper]``."""
    y, lo, up = (np.asarray(a, dtype="float64") for a in (y_true, lower, upper))
    ok = ~(np.isnan(y) | np.isnan(lo) | np.isnan(up))
    return _mean(((y >= lo) & (y <= up))[ok])


def interval_width(lower, upper) -> float:
    """Mean width ``upper - lower``."""
    lo, up = _pairs(lower, upper)
    return _mean(up - lo)


def interval_score(y_true, lower, upper, level: float = 0.95) -> float:
    """Mean interval score: ``(u - l) + 2/a (l - y)[y < l] + 2/a (y - u)[y > u]``, ``a = 1 - level``
    (width plus a penalty for every miss; lower is better)."""
    check_level(level)
    y, lo, up = (np.asarray(a, dtype="float64") for a in (y_true, lower, upper))
    a = 1.0 - level
    score = (up - lo) + 2 / a * np.clip(lo - y, 0, None) + 2 / a * np.clip(y - up, 0, None)
    return _mean(score[~np.isnan(score)])


def msis(y_true, lower, upper, y_train, season_length: int = 1, level: float = 0.95) -> float:
    """Mean scaled interval score (M4): :func:`interval_score` over the MASE scale of ``y_train``."""
    return scaled_error(interval_score(y_true, lower, upper, level), mase_scale(y_train, season_length))


def pinball(y_true, y_quantile, quantile: float) -> float:
    """Pinball (quantile) loss of a forecast of the ``quantile`` quantile."""
    t, q = _pairs(y_true, y_quantile)
    diff = t - q
    return _mean(np.maximum(quantile * diff, (quantile - 1) * diff))


# ----------------------------------------------------------------------- backtest
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


def check_capabilities(name, model, n_train: int, level) -> None:
    """What ``backtest`` asks of a model, read from its capability attributes
    (``forecastrnn.base``), with one clear error before any model is trained."""
    if level is not None and not getattr(model, "supports_intervals", True):
        raise ValueError(f"Model {name!r} forecasts points only (supports_intervals=False). "
                         f"Received: level={level}; pass level=None")
    need = getattr(model, "min_history", 1)
    if n_train < need:
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
    """Fit (a clone of) one model and forecast from every origin; arrays (n, h, T).
    ``checkpoint_dir``: each fit's resumable training in its own subfolder."""
    every = len(origins) if not refit else (1 if refit is True else check_positive_int(refit, "refit"))
    parts = []
    for first in range(0, len(origins), every):
        chunk = origins[first:first + every]
        resume = {} if checkpoint_dir is None else {"checkpoint_dir": os.path.join(checkpoint_dir, f"fit_{first}")}
        fitted = clone(model).fit(frame.iloc[:chunk[0]], **fit_kwargs, **resume)
        parts.append(fitted.forecast_origins(frame, chunk, horizon=horizon, level=level))
    stack = [np.concatenate([p[i] for p in parts]) if parts[0][i] is not None else None for i in range(3)]
    return stack, fitted


def backtest(models, data, horizon, n_windows=10, step=None, level=0.9, refit=False, target=None,
             n_jobs=1, progress=None, return_models=False, id_col=None, checkpoint_dir=None, client=None):
    """Rolling-origin evaluation of several models on exactly the same origins.

    With ``id_col`` the data is a long-format panel and the call is
    :func:`forecastrnn.backtest_panel` (every series from the same origins, ``refit`` unused).

    Parameters
    ----------
    models : forecaster, list of forecasters or dict name -> forecaster
        Unfitted models with ``fit(data)`` and ``forecast_origins(...)``: ``RNNForecaster``
        and the baselines. Each is cloned and fitted on the rows before the first origin.
        Their capability attributes are checked first (:func:`check_capabilities`).
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
        Run models that are not neural networks in parallel processes (joblib).
    client : dask.distributed.Client or str, optional
        Run them on this Dask cluster instead (:func:`forecastrnn.parallel.map_chunks`).
    progress : callable, optional
        Called as ``progress(name)`` before each model runs.
    return_models : bool
        Also return the dict of fitted models (fitted before the last refit).
    id_col : str, optional
        The series id column of long-format data (see above).
    checkpoint_dir : str or path, optional
        The networks' trainings (``supports_checkpoints``) back up there, one subfolder per
        model and fit: a backtest run again after an interruption resumes the training it was in.

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
        from forecastrnn.panel_evaluation import backtest_panel

        return backtest_panel(models, data, horizon, n_windows, step, id_col=id_col, target=target, level=level,
                              n_jobs=n_jobs, progress=progress, return_models=return_models,
                              checkpoint_dir=checkpoint_dir, client=client)
    frame = as_series(data, target=target)
    targets = frame.attrs["target"]
    step = horizon if step is None else step
    origins = origins_for(len(frame), horizon, n_windows, step)
    named = _as_named(models)
    for name, model in named.items():
        check_capabilities(name, model, int(origins[0]), level)
    fit_kwargs = {"target": targets}

    def run(name, model):
        if progress is not None:
            progress(name)
        return _run_model(model, frame, origins, horizon, level, refit, fit_kwargs,
                          checkpoint_folder(model, name, checkpoint_dir))

    # Baselines may run in parallel processes; networks stay here (TensorFlow uses the cores).
    from forecastrnn.baselines import _Baseline

    baselines = {k: m for k, m in named.items() if isinstance(m, _Baseline)}
    results = {}
    if (n_jobs != 1 or client is not None) and len(baselines) > 1:
        from functools import partial

        from forecastrnn.parallel import map_chunks

        if progress is not None:
            where = f"n_jobs={n_jobs}" if client is None else "on the Dask cluster"
            progress(", ".join(baselines) + f" (in parallel, {where})")
        one = partial(_run_model, frame=frame, origins=origins, horizon=horizon, level=level, refit=refit,
                      fit_kwargs=fit_kwargs)
        results.update(zip(baselines, map_chunks(one, baselines.values(), n_jobs, client, chunk_size=1)))
    results.update({k: run(k, m) for k, m in named.items() if k not in results})

    y = frame[targets].to_numpy()
    actual = y[origins[:, None] + np.arange(horizon)[None, :]]  # (n_windows, horizon, n_targets)
    table = pd.concat([tidy_rows(name, targets, frame.index, origins, horizon, actual, *results[name][0])
                       for name in named], ignore_index=True)
    table.attrs.update(first_origin=int(origins[0]), season_length=_season(frame), targets=targets)
    if return_models:
        return table, {k: results[k][1] for k in named}
    return table


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


def _season(frame) -> int:
    from forecastrnn.baselines import season_length_for

    return season_length_for(frame.attrs.get("freq"))


def summarize(table: pd.DataFrame, train, season_length: int | None = None, reference="naive") -> pd.DataFrame:
    """Summary of a backtest: one row per model, sorted by MASE.

    Parameters
    ----------
    table : DataFrame from :func:`backtest`
    train : DataFrame or array
        The training rows (before the first origin) of the target(s), for the MASE scale.
    season_length : int, optional
        MASE season (default: from the backtest's frequency).
    reference : str
        Model whose MAE defines ``skill_%`` = ``100 * (1 - mae / mae_reference)``.

    Returns
    -------
    pandas.DataFrame
        Index ``model``; columns ``mae``, ``rmse``, ``smape``, ``mase``, ``coverage``,
        ``width``, ``skill_%``.
    """
    m = table.attrs.get("season_length", 1) if season_length is None else season_length
    train = train if isinstance(train, pd.DataFrame) else pd.DataFrame(np.asarray(train).reshape(len(train), -1))
    scales = {t: mase_scale(train[t] if t in train else train.iloc[:, i], m)
              for i, t in enumerate(table["target"].unique())}
    rows = {}
    for name, part in table.groupby("model", sort=False):
        per_target = []
        for t, p in part.groupby("target", sort=False):
            per_target.append({
                "mae": mae(p.y_true, p.y_pred), "rmse": rmse(p.y_true, p.y_pred),
                "smape": smape(p.y_true, p.y_pred), "mase": scaled_error(mae(p.y_true, p.y_pred), scales[t]),
                "coverage": coverage(p.y_true, p.lower, p.upper), "width": interval_width(p.lower, p.upper)})
        rows[name] = pd.DataFrame(per_target).mean()
    summary = pd.DataFrame(rows).T
    summary.index.name = "model"
    if reference in summary.index and summary.loc[reference, "mae"] > 0:
        summary["skill_%"] = 100 * (1 - summary["mae"] / summary.loc[reference, "mae"])
    else:
        summary["skill_%"] = np.nan
    return summary.sort_values("mase")


def default_baselines(names=("naive", "seasonal_naive", "arima", "ets", "theta"), horizon=1,
                      season_length=None) -> dict:
    """Baseline instances by name (``forecastrnn.baselines.BASELINES``): naive,
    seasonal_naive (or seasonal-naive), drift, naive2, arima, ets, theta. ``season_length``
    is given to those that take one (default: from the data's frequency)."""
    from forecastrnn.baselines import BASELINES

    out = {}
    for name in names:
        key = name.replace("-", "_").lower()
        if key not in BASELINES:
            raise ValueError(f"Baselines must be among {sorted(BASELINES)}. Received: {name!r}")
        out[key] = BASELINES[key](horizon=horizon)
        if season_length is not None and "season_length" in out[key].get_params():
            out[key].set_params(season_length=season_length)
    return out


def compare(data, models=None, baselines=("naive", "seasonal_naive", "arima", "ets", "theta"), horizon=24,
            n_windows=10, step=None, level=0.9, refit=False, target=None, n_jobs=1,
            progress=None, return_backtest=False, id_col=None):
    """Backtest RNN model(s) and baselines on the same origins and summarise.

    With ``id_col`` the data is a long-format panel: the default model is one
    ``GlobalRNNForecaster``, ``naive2`` is added (the reference of OWA), and the summary is
    :func:`forecastrnn.summarize_panel`'s (means over series).

    Parameters
    ----------
    data : CSV path, DataFrame, Series or array
    models : RNNForecaster, list or dict, optional
        Recurrent model(s) (default: one GRU with the given ``horizon``).
    baselines : sequence of str
        Names from :func:`default_baselines` (``skill_%`` needs ``"naive"`` among them).
    horizon, n_windows, step, level, refit, target, n_jobs, progress : see :func:`backtest`.
    return_backtest : bool
        Also return the tidy backtest table.

    Returns
    -------
    pandas.DataFrame
        :func:`summarize` output (and the backtest table when asked).

    Examples
    --------
    >>> from forecastrnn import RNNForecaster, compare, load_dataset  # doctest: +SKIP
    >>> print(compare(load_dataset("airline"), RNNForecaster(window=24, horizon=12),
    ...               horizon=12, n_windows=3))  # doctest: +SKIP
    """
    if models is None:
        from forecastrnn.models.forecaster import RNNForecaster
        from forecastrnn.models.global_forecaster import GlobalRNNForecaster

        models = (RNNForecaster if id_col is None else GlobalRNNForecaster)(horizon=horizon)
    named = _as_named(models)
    clash = sorted(set(named) & {*baselines, "naive2"})
    if clash:
        raise ValueError(f"Model names must differ from the baselines' {sorted({*baselines, 'naive2'})}. Received: "
                         f"a model named {clash[0]!r}; pass a dict with another name")
    for name, model in named.items():
        if getattr(model, "horizon", horizon) < horizon:
            raise ValueError(f"Model {name!r} forecasts {model.horizon} steps. Received: horizon={horizon}")
    if id_col is not None:
        from forecastrnn.panel_evaluation import summarize_panel

        named.update(default_baselines(list(dict.fromkeys([*baselines, "naive2"])), horizon))
        table = backtest(named, data, horizon, n_windows, step, level, refit, target=target, n_jobs=n_jobs,
                         progress=progress, id_col=id_col)
        summary = summarize_panel(table)[0]
        return (summary, table) if return_backtest else summary
    frame = as_series(data, target=target)
    named.update(default_baselines(baselines, horizon))
    table = backtest(named, frame, horizon, n_windows, step, level, refit, n_jobs=n_jobs,
                     progress=progress)
    train = frame.iloc[: table.attrs["first_origin"]][frame.attrs["target"]]
    summary = summarize(table, train)
    return (summary, table) if return_backtest else summary

"""Panel backtests: every series and every model forecast from the same origins.

Origins are placed over the end of *each* series as in :func:`forecastrnn.evaluation.backtest`
(the last ``horizon + step * (n_windows - 1)`` rows of every series are its test span), so
ragged series are fine. Models that fit one series (the baselines, ``RNNForecaster``) are
backtested series by series, exactly as ``backtest`` does for one series, in chunks of series
on local processes or a Dask cluster (:mod:`forecastrnn.parallel`); a panel model (``supports_panels``, ``GlobalRNNForecaster``) is fitted once
on every series cut at its first origin and forecasts every series from the same origins.

The summary has one row per model: mean sMAPE and mean MASE over series (M4's aggregates),
OWA against ``naive2`` when it was run (``0.5 (sMAPE / sMAPE_naive2 + MASE / MASE_naive2)``),
and the share of series on which the model's MASE beats seasonal naive's.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import clone

from forecastrnn.data.panel import panel_series, read_panel
from forecastrnn.data.season import season_length_for
from forecastrnn.evaluation import (_as_named, backtest, check_capabilities, checkpoint_folder, interval_score, mae,
                                    mase_scale, origins_for, scaled_error, smape, tidy_rows)


def backtest_panel(models, data, horizon, n_windows=1, step=None, id_col=None, time_col="auto", target=None,
                   features=None, known_future=None, level=None, season_length=None, n_jobs=1, progress=None,
                   return_models=False, checkpoint_dir=None, client=None):
    """Rolling-origin evaluation of several models on every series of a panel.

    Parameters
    ----------
    models : forecaster, list or dict name -> forecaster
    data : long-format DataFrame, CSV or Parquet path (:func:`forecastrnn.read_panel`)
    horizon, n_windows, step : see :func:`forecastrnn.evaluation.backtest`
    id_col, time_col, target : see :func:`forecastrnn.read_panel` (one target)
    features, known_future : list of str, optional
        Covariates of the panel models (see ``GlobalRNNForecaster.fit``); the series-by-series
        models read the target only.
    level : float, optional
        Interval level (every model must support intervals).
    season_length : int, optional
        The season of the MASE scale (default: from the frequency; give it for data without
        timestamps, e.g. 24 for M4 hourly).
    n_jobs : int
        Processes for the series-by-series models.
    client : dask.distributed.Client or str, optional
        Run the series-by-series models on this Dask cluster instead, in chunks of series
        (:func:`forecastrnn.parallel.map_chunks`); the results are those of a serial run.
    progress : callable, optional
        ``progress(message)`` before each model, and as the series-by-series models advance.
    return_models : bool
        Also return the fitted panel models (fitted on every series cut at its first origin).
    checkpoint_dir : str or path, optional
        Resumable training of the panel networks, in a subfolder per model (``backtest``).

    Returns
    -------
    pandas.DataFrame (and a dict name -> fitted panel model with ``return_models``)
        The columns of ``backtest`` with the series id first.
        ``attrs``: ``id_col``, ``season_length``, and per series ``train_rows`` (before its
        first origin) and ``mase_scales`` (their in-sample seasonal naive MAE).
    """
    covariates = list(features or []) + list(known_future or [])
    panel = read_panel(data, id_col=id_col, time_col=time_col, target=target, features=covariates or None)
    if len(panel.attrs["target"]) != 1:
        raise ValueError(f"A panel backtest scores one target. Received: target={panel.attrs['target']}")
    value, id_name = panel.attrs["target"][0], panel.attrs["id_col"]
    series = panel_series(panel, value)
    step = horizon if step is None else step
    origins = {}
    for key, s in series.items():
        try:
            origins[key] = origins_for(len(s), horizon, n_windows, step)
        except ValueError as exc:
            raise ValueError(f"Series {key!r}: {exc}") from None
    named = _as_named(models)
    panel_models = {k: m for k, m in named.items() if getattr(m, "supports_panels", False)}
    local = {k: m for k, m in named.items() if k not in panel_models}
    for name, model in named.items():
        check_capabilities(name, model, min(int(o[0]) for o in origins.values()), level)
    tables = []
    if local:
        from forecastrnn.parallel import map_chunks

        if progress is not None:
            where = f"n_jobs={n_jobs}" if client is None else "on the Dask cluster"
            progress(f"{', '.join(local)}: series by series ({where})")
        say = None if progress is None or len(series) == 1 else (lambda done, n: progress(f"  {done}/{n} series"))
        one = partial(_one_series, models=local, horizon=horizon, n_windows=n_windows, step=step, level=level)
        parts = map_chunks(one, [(key, s.to_frame(value)) for key, s in series.items()], n_jobs, client,
                           progress=say)
        tables.extend(part.assign(**{id_name: key}) for key, part in zip(series, parts))
    if panel_models:
        ids = panel[id_name].astype(str)
        position = panel.groupby(id_name, sort=False).cumcount().to_numpy()
        first = ids.map({key: int(o[0]) for key, o in origins.items()}).to_numpy()
        columns = dict(id_col=id_name, time_col=panel.attrs["time_col"], target=value,
                       features=features, known_future=known_future)
    fitted_models = {}
    for name, model in panel_models.items():
        if progress is not None:
            progress(f"{name}: one model for all {len(series)} series")
        folder = checkpoint_folder(model, name, checkpoint_dir)
        resume = {} if folder is None else {"checkpoint_dir": folder}
        fitted = fitted_models[name] = clone(model).fit(panel[position < first], **columns, **resume)
        point, lower, upper = fitted.forecast_origins(panel, origins, horizon, level)
        for j, (key, s) in enumerate(series.items()):
            actual = s.to_numpy()[origins[key][:, None] + np.arange(horizon)][..., None]
            bounds = (None, None) if lower is None else (lower[..., j:j + 1], upper[..., j:j + 1])
            rows = tidy_rows(name, [value], s.index, origins[key], horizon, actual, point[..., j:j + 1], *bounds)
            tables.append(rows.assign(**{id_name: key}))
    table = pd.concat(tables, ignore_index=True)
    table = table[[id_name] + [c for c in table.columns if c != id_name]]
    m = season_length or season_length_for(panel.attrs["freq"])
    table.attrs.update(id_col=id_name, season_length=m, level=level,
                       train_rows={key: int(o[0]) for key, o in origins.items()},
                       mase_scales={key: mase_scale(series[key].to_numpy()[:int(o[0])], m)
                                    for key, o in origins.items()})
    return (table, fitted_models) if return_models else table


def _one_series(item, models, horizon, n_windows, step, level):
    key, frame = item
    try:
        return backtest(models, frame, horizon, n_windows, step, level=level)  # clones each model
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"Series {key!r}: {exc}") from None


def summarize_panel(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-series metrics and their aggregate over series, from :func:`backtest_panel`.

    Returns
    -------
    summary : pandas.DataFrame
        Index ``model`` (sorted by mean MASE); columns ``smape``, ``mase`` (means over series),
        ``owa`` (against ``naive2``, NaN without it), ``beats_seasonal_naive_%`` (share of
        series with a lower MASE than seasonal naive, NaN without it), ``n_series``.
    by_series : pandas.DataFrame
        One row per series and model: ``smape``, ``mase``.

    With intervals in the table, ``summary`` also has ``coverage`` (the share of actual
    values inside the intervals, over all series, origins and steps) and ``msis`` (M4's mean
    scaled interval score at the table's level, mean over series), and ``by_series`` has ``msis``.
    """
    id_name, scales = table.attrs["id_col"], table.attrs["mase_scales"]
    level, rows = table.attrs.get("level"), []
    for (key, name), part in table.groupby([id_name, "model"], sort=False):
        rows.append({id_name: key, "model": name, "smape": smape(part.y_true, part.y_pred),
                     "mase": scaled_error(mae(part.y_true, part.y_pred), scales[key])})
        if level is not None:
            rows[-1]["msis"] = scaled_error(interval_score(part.y_true, part.lower, part.upper, level), scales[key])
    by_series = pd.DataFrame(rows)
    summary = by_series.groupby("model", sort=False)[["smape", "mase"]].mean()
    summary["owa"] = (0.5 * (summary.smape / summary.loc["naive2", "smape"] + summary.mase / summary.loc["naive2", "mase"])
                      if "naive2" in summary.index else np.nan)
    if "seasonal_naive" in summary.index:
        wide = by_series.pivot(index=id_name, columns="model", values="mase")
        summary["beats_seasonal_naive_%"] = 100 * wide.lt(wide["seasonal_naive"], axis=0).mean()
    else:
        summary["beats_seasonal_naive_%"] = np.nan
    if table["lower"].notna().any():
        inside = (table.y_true >= table.lower) & (table.y_true <= table.upper)
        summary["coverage"] = inside[table.y_true.notna()].groupby(table.model).mean()
        summary["msis"] = by_series.groupby("model", sort=False)["msis"].mean()
    summary["n_series"] = by_series.groupby("model", sort=False)[id_name].nunique()
    return summary.sort_values("mase"), by_series

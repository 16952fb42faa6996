"""Summaries of backtests and the comparison table: every model's metrics on the same origins.

:func:`summarize` scores one series (one row per model); :func:`summarize_panel` scores a
panel the M4 way (mean sMAPE and MASE over series, OWA against ``naive2``, and the share of
series on which each model beats seasonal naive); :func:`compare` backtests the networks and
the baselines and summarises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastrnn.baselines import default_baselines
from forecastrnn.data.io import as_series
from forecastrnn.evaluation.backtest import _as_named, backtest
from forecastrnn.evaluation.metrics import coverage, interval_score, interval_width, mae, mase_scale, rmse, scaled_error, smape


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
                     "mase": scaled_error(mae(part.y_true, part.y_pred), scales[str(key)])})
        if level is not None:
            rows[-1]["msis"] = scaled_error(interval_score(part.y_true, part.lower, part.upper, level), scales[str(key)])
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


def compare(data, models=None, baselines=("naive", "seasonal_naive", "arima", "ets", "theta"), horizon=24,
            n_windows=10, step=None, level=0.9, refit=False, target=None, n_jobs=1,
            progress=None, return_backtest=False, id_col=None, season_length=None, combination=True):
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
    id_col : str, optional
        The series id column of long-format data.
    season_length : int, optional
        The season of the baselines, of the default network and of MASE (default: from the
        frequency).
    return_backtest : bool
        Also return the tidy backtest table.
    combination : bool
        With one recurrent model (and no ``refit``), also backtest ``combination``: a
        ``CombinationForecaster`` of that network (the same training) and the baselines
        (except naive2), weighed on a validation horizon before the test span.

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

        models = (RNNForecaster if id_col is None else GlobalRNNForecaster)(
            horizon=horizon, season_length=season_length or "auto")
    named = _as_named(models)
    clash = sorted(set(named) & {*baselines, "naive2"})
    if clash:
        raise ValueError(f"Model names must differ from the baselines' {sorted({*baselines, 'naive2'})}. Received: "
                         f"a model named {clash[0]!r}; pass a dict with another name")
    for name, model in named.items():
        if getattr(model, "horizon", horizon) < horizon:
            raise ValueError(f"Model {name!r} forecasts {model.horizon} steps. Received: horizon={horizon}")
    baseline_models = default_baselines(baselines, horizon, season_length)
    network = next(iter(named.values())) if len(named) == 1 else None
    if combination and not refit and hasattr(network, "_fit_chunks"):  # one recurrent network
        from forecastrnn.models.combination import CombinationForecaster

        # It shares the network row's training (its name), weighed on rows that network never saw.
        named["combination"] = CombinationForecaster(network=next(iter(named)),
                                                     baselines=[b for b in baseline_models if b != "naive2"],
                                                     horizon=horizon, season_length=season_length, n_jobs=n_jobs)
    if id_col is not None:
        named.update(default_baselines(list(dict.fromkeys([*baselines, "naive2"])), horizon, season_length))
        table = backtest(named, data, horizon, n_windows, step, level, refit, target=target, n_jobs=n_jobs,
                         progress=progress, id_col=id_col, season_length=season_length)
        summary = summarize_panel(table)[0]
        return (summary, table) if return_backtest else summary
    frame = as_series(data, target=target)
    named.update(baseline_models)
    table = backtest(named, frame, horizon, n_windows, step, level, refit, n_jobs=n_jobs,
                     progress=progress, season_length=season_length)
    train = frame.iloc[: table.attrs["first_origin"]][frame.attrs["target"]]
    summary = summarize(table, train)
    return (summary, table) if return_backtest else summary

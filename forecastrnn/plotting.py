"""Matplotlib figures: forecasts against actual values with intervals, and learning curves.

Each function returns the ``matplotlib.figure.Figure`` and, given ``path``, saves it (PNG).
Figures are made with ``matplotlib.figure.Figure`` directly, not through ``pyplot``: the
calling process keeps its backend (an analyst's ``plt.show()`` still works), no figure is
registered with pyplot (nothing to close, nothing accumulates), and no screen is needed.
A notebook shows a returned figure as usual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _figure(nrows=1, figsize=(11, 4.5)):
    """A figure outside pyplot and the list of its ``nrows`` axes, one above the other."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, list(fig.subplots(nrows, 1, squeeze=False)[:, 0])


def _colors():
    import matplotlib

    return matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]


def _save(fig, path):
    if path is not None:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig


def plot_forecast(history: pd.Series, backtest: pd.DataFrame | None = None,
                  forecast: pd.DataFrame | None = None, models=None, tail: int = 500, path=None):
    """History tail, backtest forecasts against the actual values, and the future forecast.

    Parameters
    ----------
    history : pandas.Series
        The target's observed values (time index).
    backtest : DataFrame, optional
        Tidy table from :func:`forecastrnn.evaluation.backtest` for this target.
    forecast : DataFrame, optional
        Future forecast with columns ``<target>``, ``<target>_lower``, ``<target>_upper``.
    models : list of str, optional
        Backtest models to draw (default: all).
    tail : int
        Number of final history points shown.
    path : str, optional
        Where to save the PNG.
    """
    fig, (ax,) = _figure(figsize=(11, 4.5))
    name = history.name or "y"
    shown = history.iloc[-tail:]
    ax.plot(shown.index, shown.to_numpy(), color="black", lw=1, label=f"{name} (actual)")
    if backtest is not None and len(backtest):
        colors = _colors()
        for i, (model, part) in enumerate(backtest.groupby("model", sort=False)):
            if models is not None and model not in models:
                continue
            color = colors[i % len(colors)]
            for j, (_, window) in enumerate(part.groupby("origin")):
                ax.plot(window.time, window.y_pred, color=color, lw=1.2,
                        label=f"{model} (test forecasts)" if j == 0 else None)
                if i == 0 and window.lower.notna().all():
                    ax.fill_between(window.time, _finite(window.lower), _finite(window.upper), color=color, alpha=0.15,
                                    label=f"{model} interval" if j == 0 else None)
    if forecast is not None:
        ax.plot(forecast.index, forecast[name], color="tab:red", lw=1.8, label="future forecast")
        if f"{name}_lower" in forecast:
            ax.fill_between(forecast.index, _finite(forecast[f"{name}_lower"]), _finite(forecast[f"{name}_upper"]),
                            color="tab:red", alpha=0.2, label="future interval")
    # Keep the data in view even when an interval is very wide.
    low, high = float(np.nanmin(shown)), float(np.nanmax(shown))
    pad = 0.5 * (high - low or 1.0)
    bottom, top = ax.get_ylim()
    ax.set_ylim(max(bottom, low - pad), min(top, high + pad))
    ax.set_title(f"{name}: test forecasts and future forecast")
    ax.set_ylabel(str(name))
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    return _save(fig, path)


def plot_training(history: dict, path=None):
    """Training and validation loss per epoch (``RNNForecaster.history_``)."""
    fig, (ax,) = _figure(figsize=(6, 4))
    for key in ("loss", "val_loss"):
        if key in history:
            ax.plot(range(1, len(history[key]) + 1), history[key], marker="o", ms=3,
                    label="training" if key == "loss" else "validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (scaled units)")
    ax.set_title("Learning curves")
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, path)


def pick_series(by_series: pd.DataFrame, model: str, id_col: str) -> dict:
    """The best, median and worst series of ``model`` by MASE: ``{label: id}`` (from
    :func:`forecastrnn.summarize_panel`'s ``by_series``)."""
    mine = by_series[by_series.model == model].dropna(subset=["mase"]).sort_values("mase")
    if mine.empty:
        return {}
    ids = mine[id_col].tolist()
    return dict(zip(("best", "median", "worst"), (ids[0], ids[len(ids) // 2], ids[-1])))


def plot_panel(series: dict, backtest: pd.DataFrame, by_series: pd.DataFrame, model: str, tail: int = 300,
               path=None):
    """A grid of a few series (best, median and worst by ``model``'s MASE) with every model's
    test forecasts against the actual values.

    Parameters
    ----------
    series : dict of id -> pandas.Series
        Each series' observed values.
    backtest : DataFrame
        Tidy table of :func:`forecastrnn.backtest_panel`.
    by_series : DataFrame
        Per-series metrics of :func:`forecastrnn.summarize_panel`.
    model : str
        Model that ranks the series.
    """
    id_col = backtest.attrs.get("id_col", backtest.columns[0])
    picked = pick_series(by_series, model, id_col)
    fig, axes = _figure(max(len(picked), 1), figsize=(11, 3.2 * max(len(picked), 1)))
    colors = _colors()
    for ax, (label, key) in zip(axes, picked.items()):
        mine = backtest[backtest[id_col].astype(str) == str(key)]
        first = mine.time.min()
        shown = series[key] if key in series else series[str(key)]  # numeric ids: the series are keyed as text
        shown = shown[shown.index >= shown.index[max(0, shown.index.get_loc(first) - tail)]] if first in shown.index \
            else shown.iloc[-tail:]
        ax.plot(shown.index, shown.to_numpy(), color="black", lw=1, label="actual")
        for i, (name, part) in enumerate(mine.groupby("model", sort=False)):
            for j, (_, window) in enumerate(part.groupby("origin")):
                ax.plot(window.time, window.y_pred, color=colors[i % len(colors)], lw=1.2,
                        label=name if j == 0 else None)
        mase = by_series[(by_series[id_col].astype(str) == str(key)) & (by_series.model == model)].mase
        ax.set_title(f"{label} series for {model}: {key} (MASE {float(mase.iloc[0]):.3f})", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=7, ncol=4)
    fig.tight_layout()
    return _save(fig, path)


def plot_mase_distribution(by_series: pd.DataFrame, path=None):
    """Box plot of the per-series MASE of every model (log scale), best median first."""
    table = by_series.dropna(subset=["mase"])
    order = table.groupby("model").mase.median().sort_values().index.tolist()
    fig, (ax,) = _figure(figsize=(max(6, 1.2 * len(order)), 4.5))
    ax.boxplot([table[table.model == m].mase.clip(lower=1e-3) for m in order], showfliers=True)
    ax.set_xticks(range(1, len(order) + 1), order, rotation=20)
    ax.set_yscale("log")
    ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_ylabel("MASE per series (log scale)")
    ax.set_title(f"Per-series MASE over {table.iloc[:, 0].nunique()} series")
    ax.grid(alpha=0.3, axis="y")
    return _save(fig, path)


def _finite(values):
    """Infinite interval bounds (too few calibration scores for the level) are left unshaded."""
    values = np.asarray(values, dtype="float64")
    return np.where(np.isfinite(values), values, np.nan)

"""Plots: every function draws, saves a PNG, and leaves the caller's matplotlib alone."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from forecastrnn import plotting


@pytest.fixture
def caller_backend():
    """The calling process uses pyplot with its own backend, as an analyst's script does."""
    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    plt.switch_backend("svg")
    plt.close("all")
    yield plt
    plt.close("all")
    plt.switch_backend(before)


def _backtest(times, ids=None):
    rows = []
    for model in ("gru", "naive"):
        for key in ids or [None]:
            for t, v in zip(times, np.arange(len(times), dtype=float)):
                row = dict(model=model, origin=times[0], time=t, y=v, y_pred=v + 1, lower=v, upper=v + 2,
                           target="y")
                if key is not None:
                    row["unique_id"] = key
                rows.append(row)
    return pd.DataFrame(rows)


def test_every_plot_saves_and_leaves_backend_and_pyplot_untouched(tmp_path, caller_backend):
    plt = caller_backend
    times = pd.date_range("2024-01-01", periods=40, freq="h")
    history = pd.Series(np.sin(np.arange(40.0)), index=times, name="y")
    future = pd.DataFrame({"y": 1.0, "y_lower": 0.0, "y_upper": 2.0},
                          index=pd.date_range(times[-1] + pd.Timedelta("1h"), periods=5, freq="h"))
    ids = ["a", "b", "c"]
    panel_bt = _backtest(times[-6:], ids)
    panel_bt.attrs["id_col"] = "unique_id"
    by_series = pd.DataFrame([dict(unique_id=k, model=m, mase=0.5 + i) for i, k in enumerate(ids)
                              for m in ("gru", "naive")])
    figures = {
        "forecast": plotting.plot_forecast(history, _backtest(times[-6:]), future, path=tmp_path / "f.png"),
        "training": plotting.plot_training({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}, path=tmp_path / "t.png"),
        "panel": plotting.plot_panel({k: history for k in ids}, panel_bt, by_series, "gru",
                                     path=tmp_path / "p.png"),
        "mase": plotting.plot_mase_distribution(by_series, path=tmp_path / "m.png"),
    }
    for name, fig in figures.items():
        assert isinstance(fig, matplotlib.figure.Figure), name
        assert fig.axes, name
    for png in ("f", "t", "p", "m"):
        assert (tmp_path / f"{png}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert matplotlib.get_backend() == "svg"  # not switched to Agg behind the caller's back
    assert plt.get_fignums() == []  # nothing registered with pyplot, so nothing left open

"""Panel backtests: the same origins for every series and model, aggregates as M4 computes them."""

import numpy as np
import pandas as pd
import pytest

from forecastrnn import GlobalRNNForecaster
from forecastrnn.baselines import Naive2Forecaster, NaiveForecaster, SeasonalNaiveForecaster
from forecastrnn.evaluation import backtest, compare
from forecastrnn.evaluation import backtest_panel, summarize_panel


def panel(n=150, ids=("a", "b", "c")):
    rng = np.random.default_rng(1)
    parts = []
    for k, key in enumerate(ids):
        t = np.arange(n + 10 * k)  # ragged lengths, one end time
        ds = pd.date_range(end="2024-03-01", periods=len(t), freq="h")
        parts.append(pd.DataFrame({"unique_id": key, "ds": ds,
                                   "y": 50 + 5 * k + 3 * np.sin(2 * np.pi * t / 24) + rng.standard_normal(len(t))}))
    return pd.concat(parts, ignore_index=True)


def test_panel_backtest_of_baselines_equals_their_series_one_by_one_and_aggregates():
    data = panel()
    models = [NaiveForecaster(), SeasonalNaiveForecaster(), Naive2Forecaster()]
    table = backtest_panel(models, data, horizon=6, n_windows=2, n_jobs=2)
    for key, group in data.groupby("unique_id"):
        alone = backtest(models, group.drop(columns="unique_id"), horizon=6, n_windows=2, level=None)
        mine = table[table.unique_id == key].drop(columns="unique_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
    # every model is scored on the same rows of every series
    rows = table.groupby("model")[["unique_id", "time"]].apply(lambda p: tuple(map(tuple, p.to_numpy())))
    assert rows.nunique() == 1
    summary, by_series = summarize_panel(table)
    assert summary.loc["naive2", "owa"] == pytest.approx(1.0)
    assert summary.loc["seasonal_naive", "beats_seasonal_naive_%"] == 0
    assert (summary.n_series == 3).all() and len(by_series) == 9
    # MASE of naive on series 'a', by hand
    y = data[data.unique_id == "a"].y.to_numpy()
    origins = np.array([len(y) - 12, len(y) - 6])
    errors = np.abs(y[origins[:, None] + np.arange(6)] - y[origins - 1][:, None])
    train = y[:origins[0]]
    expected = errors.mean() / np.abs(train[24:] - train[:-24]).mean()
    got = by_series[(by_series.unique_id == "a") & (by_series.model == "naive")].mase.iloc[0]
    assert got == pytest.approx(expected)
    # backtest and compare take panels with id_col, with intervals
    pd.testing.assert_frame_equal(backtest(models, data, 6, 2, level=None, id_col="unique_id"), table)
    with_level, table_90 = compare(data, {"sn": SeasonalNaiveForecaster(horizon=6)}, baselines=("naive",),
                                   horizon=6, n_windows=2, id_col="unique_id", return_backtest=True)
    assert set(with_level.index) == {"sn", "naive", "naive2"} and with_level.coverage.between(0, 1).all()
    assert table_90.lower.notna().all()
    # M4's MSIS at the table's level: width plus 2/alpha times every miss, over the MASE scale
    part = table_90[(table_90.unique_id == "a") & (table_90.model == "naive")]
    score = ((part.upper - part.lower) + 20 * (part.lower - part.y_true).clip(lower=0)
             + 20 * (part.y_true - part.upper).clip(lower=0)).mean()
    msis_by_series = summarize_panel(table_90)[1].set_index(["unique_id", "model"]).msis
    assert msis_by_series["a", "naive"] == pytest.approx(score / table_90.attrs["mase_scales"]["a"])
    assert with_level.loc["naive", "msis"] == pytest.approx(msis_by_series[:, "naive"].mean())
    np.testing.assert_allclose(with_level.loc["naive", "mase"], summary.loc["naive", "mase"])


def test_short_series_are_scored_on_the_origins_they_have_or_left_out_with_a_note(monkeypatch):
    data = pd.concat([panel(), panel(n=8, ids=("tiny",)), panel(n=40, ids=("young",))])
    with pytest.warns(RuntimeWarning, match="1 series had fewer than 25 observed rows .* left out of the scores; 1 more"):
        table = backtest_panel([NaiveForecaster(), SeasonalNaiveForecaster(season_length=24)], data, horizon=6,
                               n_windows=4)
    assert "tiny" not in set(table.unique_id)  # 8 rows: no origin with 25 rows before it
    young = table[(table.unique_id == "young") & (table.model == "naive")]
    assert young.origin.nunique() == 2  # origins at rows 16, 22, 28, 34: those from 25 on
    assert table[table.unique_id == "a"].origin.nunique() == 4
    # no series long enough: the error says which horizon would test half of them, or which model needs more
    short = pd.concat([panel(n=8, ids=("p",)), panel(n=12, ids=("q",)), panel(n=14, ids=("r",))])
    with pytest.raises(ValueError, match=r"No series has 25 rows \(min_history\) before its first origin with "
                                         r"horizon=6\. Received: series of 8\.\.14 rows; no horizon is short "
                                         r"enough for 'seasonal_naive'; forecastrnn\.pretrained\(\) \(CLI: forecastrnn "
                                         r"predict pretrained --data FILE\) forecasts them"):
        backtest_panel([NaiveForecaster(), SeasonalNaiveForecaster(season_length=24)], short, horizon=6)
    with pytest.raises(ValueError, match=r"with horizon=13\. Received: series of 8\.\.14 rows; horizon=10 tests half"):
        backtest_panel([NaiveForecaster()], short, horizon=13)
    # a global network needs a window of horizon targets after a row before the first origin:
    # told before any model runs (the baselines would have had their rows)
    ran = []  # the backtest clones its models: the class's fit is watched
    fit = NaiveForecaster.fit
    monkeypatch.setattr(NaiveForecaster, "fit", lambda self, *a, **k: ran.append(1) or fit(self, *a, **k))
    naive = NaiveForecaster()
    with pytest.raises(ValueError, match=r"No series has 8 rows for 'gru' to train on \(a window of 7 targets after 1\) "
                                         r"before its first origin with horizon=7\. Received: series of 8\.\.14 "
                                         r"rows; horizon=5 tests half"):
        backtest_panel({"naive": naive, "gru": GlobalRNNForecaster(horizon=7)}, short, horizon=7)
    assert not ran
    from forecastrnn.evaluation.backtest import _shorter_horizon

    # 9 rows, baselines needing 4: horizon 5 leaves them 4; a global network also needs h + 1 rows to train on
    assert _shorter_horizon(9, 4, 10, 10, 1, panel_models=False) == 5
    assert _shorter_horizon(9, 4, 10, 10, 1, panel_models=True) == 4
    assert _shorter_horizon(9, 4, 10, 10, 2, panel_models=False) == 2  # two origins a horizon apart
    assert _shorter_horizon(3, 4, 10, 10, 1, panel_models=False) == 0


@pytest.mark.slow
def test_global_model_in_a_panel_backtest_never_sees_its_origins_or_after():
    data = pd.concat([panel(), panel(n=20, ids=("short",))], ignore_index=True)
    model = GlobalRNNForecaster(units=4, window=24, horizon=6, epochs=1, n_models=1, verbose=0, jit_compile=False,
                                random_state=0)
    table = backtest_panel({"global": model, "naive": NaiveForecaster()}, data, horizon=6, n_windows=2)
    assert set(table.model) == {"global", "naive"} and table.y_pred.notna().all()
    assert set(table.unique_id) == {"a", "b", "c", "short"}  # 20 rows: padded windows, still scored
    position = data.groupby("unique_id").cumcount(ascending=False)  # rows from the end
    rank = table.groupby("unique_id").origin.rank(method="dense")
    for last, n_kept in ((12, 1), (6, 2)):  # from exactly the first, then the second origin on: rows change
        changed = data.copy()
        changed.loc[position < last, "y"] += 100.0
        again = backtest_panel({"global": model}, changed, horizon=6, n_windows=2)
        kept = (table.model == "global") & (rank <= n_kept)
        mine = again.set_index(["unique_id", "origin", "step"]).y_pred
        theirs = table[kept].set_index(["unique_id", "origin", "step"]).y_pred
        np.testing.assert_allclose(mine.loc[theirs.index], theirs, rtol=1e-5)


def test_compare_and_backtest_of_a_panel_take_a_season_length():
    data = panel()
    summary, table = compare(data, {"sn": SeasonalNaiveForecaster(horizon=6)}, baselines=("seasonal_naive",),
                             horizon=6, n_windows=2, id_col="unique_id", season_length=12, return_backtest=True)
    assert table.attrs["season_length"] == 12
    y = data[data.unique_id == "a"].y.to_numpy()
    first = len(y) - 12
    assert table.attrs["mase_scales"]["a"] == pytest.approx(np.abs(y[12:first] - y[:first - 12]).mean())
    # the seasonal naive baseline got the season too: it repeats the value 12 steps before
    rows = table[(table.model == "seasonal_naive") & (table.unique_id == "a")]
    np.testing.assert_allclose(rows.y_pred.to_numpy()[:6], y[first - 12:first - 6])

"""Per-series work on joblib processes and on a Dask cluster: the serial results, in order."""

import os
import signal

import numpy as np
import pandas as pd
import pytest

from forecastrnn.parallel import chunk_sizes, map_chunks


def square(x):
    return x * x


def fail_on_three(x):
    if x == 3:
        raise ValueError("Series 3: bad")
    return x


def test_map_chunks_keeps_order_and_reports_progress_on_every_local_engine():
    seen = []
    assert map_chunks(square, range(23), progress=lambda d, n: seen.append((d, n))) == [x * x for x in range(23)]
    assert seen[-1] == (23, 23) and len(seen) == 8  # chunks of 3: progress about every 10 %
    assert map_chunks(square, range(23), n_jobs=2) == [x * x for x in range(23)]
    assert map_chunks(square, range(5), chunk_size=2) == [0, 1, 4, 9, 16]
    assert map_chunks(square, []) == []
    with pytest.raises(ValueError, match="Series 3: bad"):
        map_chunks(fail_on_three, range(5), n_jobs=2)
    with pytest.raises(ValueError, match="`n_jobs` must be a positive int or -1. Received: n_jobs=0"):
        map_chunks(square, range(3), n_jobs=0)
    with pytest.raises(ValueError, match="`chunk_size` must be a positive int"):
        map_chunks(square, range(3), chunk_size=0)


@pytest.mark.parametrize("n_items,n_workers", [(1, 2), (52, 2), (414, 2), (1_000_000, 8)])
def test_chunks_shrink_to_single_items_in_few_tasks(n_items, n_workers):
    sizes = chunk_sizes(n_items, n_workers)
    assert sum(sizes) == n_items and sizes[-1] == 1 and sizes == sorted(sizes, reverse=True)
    assert sizes[0] <= -(-n_items // (2 * n_workers))  # no worker gets more than half its share at once
    assert len(sizes) <= 2 * n_workers * (np.log(n_items) + 1)  # one task per chunk, not per item


def long_panel(n_series=12, n=120, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.concat([pd.DataFrame({"unique_id": f"s{i:02d}", "ds": pd.date_range("2010-01-01", periods=n, freq="MS"),
                                    "y": 10 + (i + 1) * np.sin(2 * np.pi * t / 12) + rng.standard_normal(n)})
                      for i in range(n_series)], ignore_index=True)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local, distributed.Client(local) as client:
        yield client


@pytest.mark.slow
def test_a_panel_backtest_on_a_dask_cluster_equals_the_serial_one_even_when_a_worker_dies(cluster):
    from forecastrnn import backtest_panel
    from forecastrnn.baselines import ARIMAForecaster, NaiveForecaster, SeasonalNaiveForecaster

    models = {"naive": NaiveForecaster(), "seasonal_naive": SeasonalNaiveForecaster(season_length=12),
              "arima": ARIMAForecaster(order=(1, 0, 1), seasonal_order=(0, 1, 1, 12))}
    data = long_panel()
    serial = backtest_panel(models, data, horizon=6, n_windows=2, season_length=12)
    on_dask = backtest_panel(models, data, horizon=6, n_windows=2, season_length=12, client=cluster)
    pd.testing.assert_frame_equal(on_dask, serial)

    pids = cluster.run(os.getpid)  # {worker address: process id}
    killed = []

    def kill_one_worker(message):  # when the first chunk is in, the other worker is mid-task
        if "series" in message and "/" in message and not killed:
            victim = next(iter(pids.values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    survived = backtest_panel(models, data, horizon=6, n_windows=2, season_length=12, client=cluster,
                              progress=kill_one_worker)
    assert killed
    pd.testing.assert_frame_equal(survived, serial)  # every series exactly once, the same numbers
    assert survived.groupby(["unique_id", "model"]).size().eq(2 * 6).all()


@pytest.mark.slow
def test_a_scheduler_address_connects_and_a_wrong_one_is_one_clear_error(cluster):
    address = cluster.scheduler.address
    assert map_chunks(square, range(10), client=address) == [x * x for x in range(10)]
    with pytest.raises(ValueError, match="Could not reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        map_chunks(square, range(3), client="tcp://127.0.0.1:9")
    with pytest.raises(TypeError, match="`client` must be a dask.distributed.Client"):
        map_chunks(square, range(3), client=5)

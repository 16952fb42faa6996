import numpy as np
import pytest

from forecastrnn.data import WindowSpec, make_dataset, sliding_windows


@pytest.mark.parametrize("n, window, horizon, stride, expected", [
    (10, 3, 2, 1, 6), (10, 3, 2, 2, 3), (10, 3, 2, 3, 2), (10, 5, 5, 1, 1), (10, 6, 5, 1, 0),
    (100, 24, 12, 7, 10),
])
def test_count_formula(n, window, horizon, stride, expected):
    spec = WindowSpec(window, horizon, stride)
    assert spec.n_windows(n) == expected
    assert len(spec.starts(n)) == expected


@pytest.mark.parametrize("window, horizon, stride", [(3, 2, 1), (4, 1, 2), (2, 3, 3)])
def test_first_and_last_windows_exact(window, horizon, stride):
    n = 12
    series = np.arange(n, dtype=float)[:, None]
    spec = WindowSpec(window, horizon, stride)
    x, y = sliding_windows(series, series, spec)
    k = spec.n_windows(n)
    assert x.shape == (k, window, 1) and y.shape == (k, horizon, 1)
    np.testing.assert_array_equal(x[0, :, 0], np.arange(window))
    np.testing.assert_array_equal(y[0, :, 0], np.arange(window, window + horizon))
    last = (k - 1) * stride
    np.testing.assert_array_equal(x[-1, :, 0], np.arange(last, last + window))
    np.testing.assert_array_equal(y[-1, :, 0], np.arange(last + window, last + window + horizon))
    assert np.shares_memory(x, series)  # a view, not a copy


def test_no_window_sees_its_future():
    series = np.arange(50, dtype=float)[:, None]
    for spec in (WindowSpec(5, 3), WindowSpec(7, 1, 2), WindowSpec(1, 10, 4)):
        x, y = sliding_windows(series, series, spec)
        assert (x.max(axis=(1, 2)) < y.min(axis=(1, 2))).all()
        # Each target starts exactly one step after its inputs end.
        np.testing.assert_array_equal(y[:, 0, 0], x[:, -1, 0] + 1)


def test_lazy_dataset_matches_numpy_windows_and_skips_nan_targets():
    n = 20
    features = np.stack([np.arange(n), 100 + np.arange(n)], axis=1).astype(float)
    targets = np.arange(n, dtype=float)[:, None]
    targets[12] = np.nan
    spec = WindowSpec(4, 2)
    starts = spec.starts(n, targets)
    # Windows whose targets (rows s+4, s+5) include row 12 are starts 7 and 8.
    assert 7 not in starts and 8 not in starts and len(starts) == spec.n_windows(n) - 2
    batches = list(make_dataset(features, targets, spec, batch_size=5))
    x = np.concatenate([b[0].numpy() for b in batches])
    y = np.concatenate([b[1].numpy() for b in batches])
    assert x.shape == (len(starts), 4, 2) and y.shape == (len(starts), 2, 1)
    ref_x, ref_y = sliding_windows(features, targets, spec)
    np.testing.assert_array_equal(x, ref_x[starts])
    np.testing.assert_array_equal(y, ref_y[starts])
    assert not np.isnan(y).any()


def test_shuffle_reshuffles_each_epoch_with_a_seed():
    series = np.arange(200, dtype=float)
    spec = WindowSpec(3, 1)
    ds = make_dataset(series, series, spec, batch_size=500, shuffle=True, seed=1)
    first, second = ([int(v) for v in b[1].numpy().ravel()] for b in (next(iter(ds)), next(iter(ds))))
    assert sorted(first) == sorted(second) == list(range(3, 200))
    assert first != second
    again = make_dataset(series, series, spec, batch_size=500, shuffle=True, seed=1)
    assert [int(v) for v in next(iter(again))[1].numpy().ravel()] == first


def test_target_range_keeps_targets_inside_a_piece():
    spec = WindowSpec(5, 2)
    starts = spec.starts(30, first_target=20, end=26)
    targets_rows = starts[:, None] + np.arange(5, 7)
    assert targets_rows.min() == 20 and targets_rows.max() == 25


@pytest.mark.parametrize("kwargs, name", [
    (dict(window=0, horizon=1), "window"), (dict(window=3, horizon=0), "horizon"),
    (dict(window=3, horizon=1, stride=0), "stride"), (dict(window=-2, horizon=1), "window"),
])
def test_non_positive_sizes_raise(kwargs, name):
    with pytest.raises(ValueError, match=rf"`{name}` must be a positive integer. Received: {name}="):
        WindowSpec(**kwargs)


def test_wrong_types_and_short_series():
    with pytest.raises(TypeError, match="window=2.5"):
        WindowSpec(2.5, 1)
    with pytest.raises(ValueError, match=r"at least window \+ horizon = 8 rows. Received: 5 rows"):
        sliding_windows(np.arange(5.0), np.arange(5.0), WindowSpec(5, 3))

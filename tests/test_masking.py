import numpy as np
import pytest

from forecastrnn.data import (add_missing_indicators, length_batches, missing_columns, pad_sequences,
                              sequence_mask)
from forecastrnn.data.masking import carried_forward


def test_missing_indicators():
    values = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 4.0]])
    cols = missing_columns(values)
    assert cols.tolist() == [0, 1]
    out = add_missing_indicators(values, cols, fill_value=0.0)
    np.testing.assert_array_equal(out, [[1, 0, 3, 1, 0], [0, 2, 4, 0, 1]])


def test_carried_forward_stays_inside_each_series():
    values = np.array([[np.nan, 1], [1, np.nan], [np.nan, np.nan], [np.nan, 2], [5, np.nan]])
    out = carried_forward(values, starts=np.array([0, 0, 0, 3, 3]))  # two series: rows 0-2 and 3-4
    np.testing.assert_array_equal(out, [[np.nan, 1], [1, 1], [1, 1], [np.nan, 2], [5, 2]])


def test_pad_post_and_truncate_keeps_the_end_by_default():
    padded, mask = pad_sequences([[1, 2, 3, 4], [5, 6]], maxlen=3)
    np.testing.assert_array_equal(padded, [[2, 3, 4], [5, 6, 0]])
    np.testing.assert_array_equal(mask, [[True, True, True], [True, True, False]])
    padded, _ = pad_sequences([[1, 2, 3, 4]], maxlen=3, truncating="post")
    np.testing.assert_array_equal(padded, [[1, 2, 3]])
    padded, mask = pad_sequences([[7]], maxlen=3, padding="pre")
    np.testing.assert_array_equal(padded, [[0, 0, 7]])
    np.testing.assert_array_equal(mask, [[False, False, True]])


def test_sequence_mask_matches_post_padding():
    _, mask = pad_sequences([[1, 2], [3], [4, 5, 6]])
    np.testing.assert_array_equal(sequence_mask([2, 1, 3], 3), mask)


def test_pad_errors():
    with pytest.raises(ValueError, match="`padding` must be 'pre' or 'post'. Received: padding='mid'"):
        pad_sequences([[1]], padding="mid")
    with pytest.raises(ValueError, match="maxlen=0"):
        pad_sequences([[1]], maxlen=0)


def test_length_batches_cover_every_row_once_and_keep_every_token():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 50, 103)
    ids, _ = pad_sequences([rng.integers(1, 9, k) for k in lengths], maxlen=40)
    ids[5] = 0                                       # an empty row
    pre, _ = pad_sequences([[7, 8]], maxlen=40, padding="pre")
    ids = np.vstack([ids, pre])
    for shuffle in (False, True):
        batches = length_batches(ids, 16, shuffle=shuffle, rng=np.random.default_rng(1))
        rows = np.concatenate([r for r, _ in batches])
        assert sorted(rows.tolist()) == list(range(len(ids)))
        assert all(len(r) <= 16 for r, _ in batches)
        for r, end in batches:
            assert 1 <= end <= 40 and not ids[r, end:].any()       # nothing but padding is cut
            assert end == max(1, max(np.flatnonzero(row).max() + 1 if row.any() else 0 for row in ids[r]))
    ends = [end for _, end in length_batches(ids, 16)]
    assert ends == sorted(ends) and ends[-1] == 40                 # pre-padded row kept whole


def test_length_batches_shuffle_is_reproducible_and_changes_per_epoch():
    ids, _ = pad_sequences([[1] * k for k in range(1, 201)], maxlen=200)
    rng = np.random.default_rng(3)
    first, second = (length_batches(ids, 10, shuffle=True, rng=rng) for _ in range(2))
    again = length_batches(ids, 10, shuffle=True, rng=np.random.default_rng(3))
    assert [r.tolist() for r, _ in first] == [r.tolist() for r, _ in again]
    assert [r.tolist() for r, _ in first] != [r.tolist() for r, _ in second]
    # batches hold similar lengths: jitter is at most a tenth of the width (20 steps)
    assert max(np.ptp(r) for r, _ in first) <= 2 * 20 + 10
    with pytest.raises(ValueError, match="2-D array"):
        length_batches(np.ones(3), 2)

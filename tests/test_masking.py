import numpy as np
import pytest

from forecastrnn.data import add_missing_indicators, missing_columns, pad_sequences, sequence_mask


def test_missing_indicators():
    values = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 4.0]])
    cols = missing_columns(values)
    assert cols.tolist() == [0, 1]
    out = add_missing_indicators(values, cols, fill_value=0.0)
    np.testing.assert_array_equal(out, [[1, 0, 3, 1, 0], [0, 2, 4, 0, 1]])


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

import numpy as np
import pandas as pd
import pytest

from forecastrnn.data import infer_frequency, read_series


def test_csv_detects_time_column_and_frequency(write_csv):
    path = write_csv("when,a,b\n2020-01-01,1,10\n2020-01-02,2,20\n2020-01-03,3,30\n")
    frame = read_series(path)
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.attrs["time_col"] == "when"
    assert frame.attrs["freq"] == "D"
    assert frame.attrs["target"] == ["b"]  # last numeric column
    assert frame.attrs["features"] == ["a", "b"]
    assert frame.index.freq == "D"
    np.testing.assert_array_equal(frame["b"].to_numpy(), [10, 20, 30])


def test_gaps_become_nan_rows_at_the_right_timestamps():
    raw = pd.DataFrame({"ts": ["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 04:00",
                               "2020-01-01 05:00"], "v": [1.0, 2.0, 5.0, 6.0]})
    frame = read_series(raw)
    assert frame.attrs["n_gaps"] == 2
    assert frame.attrs["n_missing"] == 2
    assert len(frame) == 6
    missing = frame.index[frame["v"].isna()]
    assert list(missing) == [pd.Timestamp("2020-01-01 02:00"), pd.Timestamp("2020-01-01 03:00")]
    assert frame.loc["2020-01-01 04:00", "v"] == 5.0


def test_monthly_calendar_frequency_with_a_gap():
    raw = pd.DataFrame({"month": ["1949-01", "1949-02", "1949-03", "1949-05", "1949-06"],
                        "passengers": [1, 2, 3, 5, 6]})
    frame = read_series(raw)
    assert frame.attrs["freq"] == "MS"
    assert frame.attrs["n_gaps"] == 1
    assert np.isnan(frame.loc["1949-04-01", "passengers"])


def test_integer_index_without_time_column():
    frame = read_series(pd.DataFrame({"rate": [1.0, 1.1, 1.2, 1.3]}))
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.attrs["time_col"] is None and frame.attrs["freq"] is None


def test_series_array_and_datetime_index_inputs(hourly_frame):
    from_series = read_series(hourly_frame["load"])
    assert from_series.attrs["freq"] == "h" and from_series.attrs["target"] == ["load"]
    from_frame = read_series(hourly_frame, target="load")
    assert list(from_frame.columns) == ["temp", "load"]
    from_array = read_series(np.arange(5.0))
    assert list(from_array.columns) == ["y"] and len(from_array) == 5


def test_features_selects_inputs_and_always_keeps_target():
    raw = pd.DataFrame({"date": pd.date_range("2020", periods=4, freq="D").astype(str),
                        "name": list("abcd"), "x": [1, 2, 3, 4], "y": [5, 6, 7, 8]})
    frame = read_series(raw, target="y", features=["x"])
    assert list(frame.columns) == ["x", "y"]
    assert frame.attrs["features"] == ["x", "y"]


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("date,value\n", "header but no data rows"),
    ("date,name\n2020-01-01,a\n2020-01-02,b\n2020-01-03,c\n", "non-numeric column"),
    ("date,value\nnot a date,1\n2020-01-02,2\n2020-01-03,3\n", "'not a date' at row 0"),
    ("date,value\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", "duplicate timestamp 2020-01-01"),
    ("date,value\n2020-01-03,1\n2020-01-02,2\n2020-01-04,3\n", "strictly increasing"),
])
def test_bad_csv_raises_clear_value_error(write_csv, text, message):
    with pytest.raises(ValueError, match=message):
        read_series(write_csv(text))


def test_duplicate_and_decreasing_name_the_rows(write_csv):
    with pytest.raises(ValueError, match=r"rows 1 and 2"):
        read_series(write_csv("date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n"))
    with pytest.raises(ValueError, match=r"at row 2 after .* at row 1"):
        read_series(write_csv("date,v\n2020-01-01,1\n2020-01-03,2\n2020-01-02,3\n"))


def test_no_numeric_column(write_csv):
    with pytest.raises(ValueError, match="non-numeric column.*'name'"):
        read_series(write_csv("name\na\nb\n"))


def test_unknown_target_and_time_col(write_csv):
    path = write_csv("date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n")
    with pytest.raises(ValueError, match=r"`target` must name columns.*Received: 'nope'"):
        read_series(path, target="nope")
    with pytest.raises(ValueError, match=r"`time_col` must name a column.*Received: time_col='t'"):
        read_series(path, time_col="t")


def test_missing_file_and_bad_type(tmp_path):
    with pytest.raises(ValueError, match="not found.*missing.csv"):
        read_series(tmp_path / "missing.csv")
    with pytest.raises(TypeError, match="Received: int"):
        read_series(42)


def test_irregular_timestamps_are_an_error():
    index = pd.DatetimeIndex(["2020-01-01 00:00", "2020-01-01 00:07", "2020-01-01 01:00",
                              "2020-01-01 01:31"])
    with pytest.raises(ValueError, match="regular grid"):
        infer_frequency(index)


def test_as_series_reuses_prepared_frames_only_when_they_still_fit(hourly_frame):
    from forecastrnn.data.io import as_series

    frame = read_series(hourly_frame, target="load")
    assert as_series(frame) is frame
    selected = frame[["load"]]  # keeps the attrs of the two-column frame
    again = as_series(selected)
    assert again is not selected and again.attrs["features"] == ["load"]
    assert as_series(frame, target="temp").attrs["target"] == ["temp"]

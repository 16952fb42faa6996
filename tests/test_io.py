import warnings

import numpy as np
import pandas as pd
import pytest

from forecastrnn.data import infer_frequency, read_panel, read_series
from forecastrnn.data.season import season_length_for


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
    # without `target`, the last numeric column is forecast, as documented (it was the last of
    # `features`: `--features promo,temp` forecast the temperature instead of the sales)
    raw = raw.assign(promo=[0, 1, 0, 1], temp=[9.5, 10.0, 11.5, 9.0], sales=[50.0, 61, 52, 60])
    frame = read_series(raw, features=["promo", "temp"])
    assert frame.attrs["target"] == ["sales"] and frame.attrs["features"] == ["promo", "temp", "sales"]
    assert read_series(raw, features=["name"]).attrs["target"] == ["sales"]  # a one-hot text column only


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("date,value\n", "header but no data rows"),
    ("date,name\n2020-01-01,a\n2020-01-02,b\n2020-01-03,c\n", "non-numeric column"),
    ("date,value\nnot a date,1\n2020-01-02,2\n2020-01-03,3\n", "'not a date' at row 0"),
    ("date,value\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", "duplicate timestamp 2020-01-01"),
    ("date,value\n2020-01-03,1\n2020-01-02,2\n2020-01-03,3\n", "duplicate timestamp 2020-01-03 .* rows 0 and 2"),
])
def test_bad_csv_raises_clear_value_error(write_csv, text, message):
    with pytest.raises(ValueError, match=message):
        read_series(write_csv(text))


@pytest.mark.parametrize("text, target", [
    ("Monat;Umsatz;Kunden\n2019-01;1.004,77;12\n2019-02;998,5;-\n2019-03;1.010;14\n", "Umsatz"),  # a German sheet
    ("month\tsales\tcustomers\n2019-01\t1004.77\t12\n2019-02\t998.5\t\n2019-03\t1010\t14\n", "sales"),
    ("month|sales|customers\n2019-01|1004.77|12\n2019-02|998.5|\n2019-03|1010|14\n", "sales"),
])
def test_semicolon_tab_and_bar_delimited_files_read_like_comma_ones(write_csv, text, target):
    frame = read_series(write_csv(text), target=target)
    assert frame.attrs["freq"] == "MS" and len(frame) == 3
    np.testing.assert_allclose(frame.iloc[:, 0], [1004.77, 998.5, 1010.0])
    np.testing.assert_allclose(frame.iloc[:, 1], [12, np.nan, 14])


def test_delimiters_inside_text_or_quotes_do_not_mislead_the_reader(write_csv):
    frame = read_series(write_csv('date,note,v\n2020-01-01,a;b,1.5\n2020-01-02,"c;d",2.5\n2020-01-03,e,3\n'))
    np.testing.assert_allclose(frame["v"], [1.5, 2.5, 3.0])
    # a comma file's quoted "1,5" stays text: a thousands separator there, not a decimal comma
    with pytest.raises(ValueError, match="non-numeric"):
        read_series(write_csv('date,v\n2020-01-01,"1,5"\n2020-01-02,"2,5"\n'), target="v")


def test_a_decimal_comma_in_a_comma_file_is_an_error_not_a_shifted_column(write_csv):
    # pandas would read the part before the comma as an unnamed index and go on with the decimals
    with pytest.raises(ValueError, match=r"as many fields as the header \(1, delimiter ','\)\. Received: a row of 2"):
        read_series(write_csv("y\n1,5\n2,5\n3,5\n"))


def test_compressed_csv_is_sniffed_too(tmp_path):
    import gzip

    with gzip.open(tmp_path / "data.csv.gz", "wt") as f:
        f.write("date;v\n2020-01-01;1,5\n2020-01-02;2,5\n2020-01-03;3\n")
    np.testing.assert_allclose(read_series(tmp_path / "data.csv.gz")["v"], [1.5, 2.5, 3.0])


def test_duplicates_name_the_rows_and_rows_out_of_order_are_sorted_and_said(write_csv):
    with pytest.raises(ValueError, match=r"rows 1 and 2"):
        read_series(write_csv("date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n"))
    with pytest.warns(RuntimeWarning, match="not in time order: read sorted by time"):
        frame = read_series(write_csv("date,v,x\n2020-01-01,1,10\n2020-01-03,3,30\n2020-01-02,2,20\n2020-01-05,5,50\n"))
    assert frame.index.tolist() == list(pd.date_range("2020-01-01", periods=5, freq="D"))
    np.testing.assert_array_equal(frame["v"], [1, 2, 3, np.nan, 5])  # each value stays with its time
    np.testing.assert_array_equal(frame["x"], [10, 20, 30, np.nan, 50])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rows in order: nothing said
        read_series(write_csv("date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n"))


def test_the_hour_a_clock_is_set_back_for_daylight_saving_time_is_averaged(write_csv):
    # a logger in local wall time: 01:00-01:59 written twice in November, 02:00 skipped in March
    wall = pd.date_range("2023-03-11", "2023-11-06", freq="30min", tz="America/New_York").tz_localize(None)
    text = "ts,kw,site\n" + "".join(f"{t:%Y-%m-%d %H:%M},{i},A\n" for i, t in enumerate(wall))
    with pytest.warns(RuntimeWarning, match=r"2 timestamp\(s\) written twice in the hour a clock is set back for "
                                            r"daylight saving time \(2023-11-05 01:00\): the two rows of each averaged"):
        frame = read_series(write_csv(text), target="kw")
    assert frame.attrs["freq"] == "30min" and frame.attrs["n_gaps"] == 2  # March's missing hour: two NaN rows
    twice = wall[wall.duplicated(keep=False)]
    i = np.flatnonzero(wall == twice[0])  # 01:00 at rows i[0] and i[1]: one row of their mean
    assert frame.loc[twice[0], "kw"] == (i[0] + i[1]) / 2 and frame.index.is_unique
    for text in ("date,v\n2023-11-05 10:00,1\n2023-11-05 10:00,2\n2023-11-05 11:00,3\n",  # not at night
                 "date,v\n2023-11-04,1\n2023-11-05,2\n2023-11-05,3\n2023-11-06,4\n"):  # daily: a real duplicate
        with pytest.raises(ValueError, match="Timestamps must be unique"):
            read_series(write_csv(text))


def test_rows_of_opening_hours_only_are_said_with_how_to_read_them_as_steps(write_csv):
    hours = pd.date_range("2024-01-01", periods=24 * 20, freq="h")
    shop = hours[(hours.hour >= 8) & (hours.hour < 18)]  # open 08:00-18:00, every day
    text = "ts,sales\n" + "".join(f"{t:%Y-%m-%d %H:%M},{i % 7}\n" for i, t in enumerate(shop))
    with pytest.warns(RuntimeWarning, match=r"266 of 466 rows are gaps on the 'h' grid: the data has rows only from "
                                            r"08:00 to 17:00 \(opening hours\?\).*--time-col none --season-length 10"):
        read_series(write_csv(text))
    steps = read_series(write_csv(text), time_col=None)  # the open hours as consecutive steps
    assert len(steps) == len(shop) and steps.attrs["freq"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # half the hours lost, at any time of day: not opening hours
        kept = hours[np.random.default_rng(0).random(len(hours)) < 0.5]
        assert read_series(write_csv("ts,v\n" + "".join(f"{t:%Y-%m-%d %H:%M},1\n" for t in kept))).attrs["n_gaps"] > 200


def test_the_day_and_the_time_of_day_in_two_columns_are_one_timestamp(write_csv):
    text = "Date;Time;Global_active_power\n16/12/2006;17:24:00;4.216\n16/12/2006;17:25:00;5.36\n" \
           "16/12/2006;17:26:00;?\n16/12/2006;17:27:00;5.388\n"
    frame = read_series(write_csv(text))
    assert frame.attrs["freq"] == "min" and frame.attrs["time_col"] == "Date+Time"
    assert frame.index[0] == pd.Timestamp("2006-12-16 17:24") and frame.columns.tolist() == ["Global_active_power"]
    assert "from the columns Date, Time" in frame.attrs["time_read"]
    swapped = read_series(pd.read_csv(write_csv(text), sep=";", na_values="?")[["Time", "Date", "Global_active_power"]])
    assert swapped.index.equals(frame.index)


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


# Messy real-world files (issue 20): each case failed or was read wrongly before.

POLLUTION = ("No,year,month,day,hour,pm2.5,TEMP,cbwd\n"
             "1,2010,1,1,0,NA,-11,NW\n2,2010,1,1,1,?,-12,NW\n3,2010,1,1,2,129,-11,cv\n"
             "4,2010,1,1,3,148,-14,\n5,2010,1,1,4,159,-12,SE\n")


def test_date_parts_in_columns_are_one_timestamp_and_text_columns_are_left_out(write_csv):
    frame = read_series(write_csv(POLLUTION), target="pm2.5")
    assert frame.attrs["time_col"] == "year+month+day+hour" and frame.attrs["freq"] == "h"
    assert frame.index[0] == pd.Timestamp("2010-01-01 00:00") and frame.index[-1] == pd.Timestamp("2010-01-01 04:00")
    assert frame.attrs["features"] == ["pm2.5", "TEMP"]  # "No" numbers the rows; cbwd is text
    assert frame.attrs["left_out"] == ["No", "cbwd"]
    assert frame["pm2.5"].isna().tolist() == [True, True, False, False, False]  # "NA" and "?"


def test_a_text_column_named_in_features_is_one_hot_encoded_and_read_back_by_name(write_csv):
    frame = read_series(write_csv(POLLUTION), target="pm2.5", features=["pm2.5", "cbwd"])
    assert frame.attrs["features"] == ["pm2.5", "cbwd=NW", "cbwd=SE", "cbwd=cv"]
    assert frame["cbwd=NW"].tolist()[:3] == [1.0, 1.0, 0.0]
    assert frame.iloc[3][["cbwd=NW", "cbwd=SE", "cbwd=cv"]].isna().all()  # a missing category
    again = read_series(write_csv(POLLUTION), target="pm2.5", features=["pm2.5", "cbwd=SE"])  # a model's names
    assert again.attrs["features"] == ["pm2.5", "cbwd=SE"]
    reread = read_series(frame, target="pm2.5", features=["pm2.5", "cbwd"])  # a frame read before: its indicators
    assert reread.attrs["features"] == ["pm2.5", "cbwd=NW", "cbwd=SE", "cbwd=cv"]
    np.testing.assert_array_equal(again["cbwd=SE"].to_numpy(), [0.0, 0.0, 0.0, np.nan, 1.0])


def test_summary_rows_at_the_end_are_left_out_and_said_but_a_series_named_total_is_data(write_csv, tmp_path):
    months = pd.date_range("2020-01-01", periods=12, freq="MS").strftime("%Y-%m-%d")
    body = "".join(f"{m},{1000 + i}\n" for i, m in enumerate(months))
    frame = read_series(write_csv("date,sales\n" + body + 'Total,"12,066"\nAverage,1005.5\n'))
    assert len(frame) == 12 and frame.attrs["freq"] == "MS" and frame["sales"].iloc[-1] == 1011
    assert "(the summary row(s) at the end left out: 'Total', 'Average')" in frame.attrs["source"]
    rows = [(s, d, 10.0 + i) for s in ("north", "Total") for i, d in enumerate(months)]
    long = "store,date,sales\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)
    assert read_panel(write_csv(long), id_col="store").attrs["n_series"] == 2  # an aggregate series, dated
    summed = read_panel(write_csv(long + "Grand total,,1234\n"), id_col="store")
    assert summed.attrs["n_series"] == 2 and len(summed) == 24 and "'Grand total'" in summed.attrs["source"]


@pytest.mark.parametrize("labels, freq, first, said", [
    ([f"FY{2019 + i // 4} Q{i % 4 + 1}" for i in range(12)], "QS-JAN", "2019-01-01", "fiscal quarters"),
    ([f"Q{i % 4 + 1} FY {2019 + i // 4}" for i in range(12)], "QS-JAN", "2019-01-01", "fiscal quarters"),
    ([f"FY{2000 + i}" for i in range(12)], "YS-JAN", "2000-01-01", "fiscal years"),
])
def test_fiscal_year_labels_are_read_as_the_periods_they_name(write_csv, labels, freq, first, said):
    frame = read_series(write_csv("Fiscal Period,revenue\n" + "".join(f"{x},{100 + i}\n" for i, x in enumerate(labels))))
    assert frame.attrs["freq"] == freq and frame.index[0] == pd.Timestamp(first)  # was: positions, no season
    assert frame.attrs["time_read"].startswith(said)


def test_a_yes_no_column_named_in_features_is_one_0_1_input(write_csv):
    text = "date,sales,IsHoliday,open\n" + "".join(
        f"2024-01-0{d},{10 + d},{flag},{opened}\n" for d, flag, opened in
        [(1, "True", "TRUE"), (2, "False", ""), (3, "False", "false"), (4, "True", "True")])
    frame = read_series(write_csv(text), target="sales", features=["sales", "IsHoliday", "open"])
    assert frame.attrs["features"] == ["sales", "IsHoliday", "open"]  # not IsHoliday=False, IsHoliday=True
    assert frame["IsHoliday"].tolist() == [1.0, 0.0, 0.0, 1.0]
    np.testing.assert_array_equal(frame["open"].to_numpy(), [1.0, np.nan, 0.0, 1.0])  # a missing cell stays missing
    assert read_series(write_csv(text)).attrs["target"] == ["sales"]  # a flag is never the column forecast
    typed = frame.assign(promo=pd.Series(["True", None, "false", "TRUE"], index=frame.index, dtype="str"))
    np.testing.assert_array_equal(read_series(typed, target="sales", features=["sales", "promo"])["promo"].to_numpy(),
                                  [1.0, np.nan, 0.0, 1.0])  # pandas' text dtype too


def test_a_header_line_repeated_inside_the_file_is_left_out_and_said(write_csv):
    rows = [f"2020-01-{d:02d},{d}" for d in range(1, 21)]
    frame = read_series(write_csv("date,sales\n" + "\n".join(rows[:10]) + "\ndate,sales\n" + "\n".join(rows[10:])))
    assert len(frame) == 20 and frame.attrs["freq"] == "D" and frame["sales"].iloc[-1] == 20
    assert "(the header line repeated inside the file left out, 1 time(s))" in frame.attrs["source"]


@pytest.mark.parametrize("text, freq, first", [
    ("year,week,v\n2020,1,1\n2020,2,2\n2020,3,3\n", "W-MON", "2019-12-30"),
    ("year,quarter,v\n2020,1,1\n2020,2,2\n2020,3,3\n2020,4,4\n", "QS-JAN", "2020-01-01"),
    ("Year,v\n1885,1\n1886,2\n1887,3\n", "YS-JAN", "1885-01-01"),
])
def test_other_date_parts(write_csv, text, freq, first):
    frame = read_series(write_csv(text))
    assert frame.attrs["freq"] == freq and frame.index[0] == pd.Timestamp(first)
    assert frame.attrs["features"] == ["v"]


def test_impossible_date_parts_name_the_row(write_csv):
    with pytest.raises(ValueError, match=r"must form valid dates. Received: year=2021, month=2, day=30 at row 1"):
        read_series(write_csv("year,month,day,v\n2021,2,28,1\n2021,2,30,2\n2021,3,1,3\n"))


def test_a_numeric_column_named_like_time_never_hijacks_the_time_axis(write_csv):
    frame = read_series(write_csv("month,sales\n1,10\n2,11\n3,12\n1,13\n"))
    assert isinstance(frame.index, pd.RangeIndex) and frame.attrs["features"] == ["month", "sales"]
    assert frame.attrs["target"] == ["sales"]


def test_time_col_none_reads_rows_as_positions(write_csv):
    frame = read_series(write_csv("date,v\n2020-01-01,1\n2020-01-05,2\n2020-01-02,3\n"), time_col=None)
    assert isinstance(frame.index, pd.RangeIndex) and frame.attrs["time_col"] is None
    assert frame["v"].tolist() == [1.0, 2.0, 3.0] and frame.attrs["left_out"] == ["date"]
    with pytest.raises(ValueError, match="`time_col` must name a column of the data, 'auto' or None"):
        read_series(write_csv("date,v\n2020-01-01,1\n"), time_col="when")


@pytest.mark.parametrize("values, freq, first, reading", [
    (["1-11", "1-12", "2-01", "2-02"], "MS", "2001-11-01", "year-month (%y-%m)"),  # month-day is irregular
    (["12-11", "12-12", "13-01"], "MS", "2012-11-01", "year-month (%y-%m)"),  # no month 13
    (["13/01/2020", "14/01/2020", "15/01/2020"], "D", "2020-01-13", "day first"),  # a day over 12 settles it
    (["01/13/2020", "01/14/2020", "01/15/2020"], "D", "2020-01-13", "month first"),
    (["01/02/2020", "02/02/2020", "03/02/2020"], "D", "2020-02-01", "day first"),  # the only regular reading
])
def test_dates_written_as_numbers_are_read_only_when_one_reading_fits(values, freq, first, reading):
    frame = read_series(pd.DataFrame({"Month": values, "v": range(len(values))}))
    assert frame.attrs["freq"] == freq and frame.index[0] == pd.Timestamp(first)
    assert frame.attrs["time_read"] == reading


def test_ambiguous_number_dates_are_refused_until_date_format_settles_them():
    raw = pd.DataFrame({"date": [f"01/{m:02d}/2020" for m in range(1, 7)], "v": range(6)})  # daily or monthly?
    with pytest.raises(ValueError, match=r"order is ambiguous \(month first or day first\).*--date-format"):
        read_series(raw)
    frame = read_series(raw, date_format="%d/%m/%Y")
    assert frame.attrs["freq"] == "MS" and frame.index[-1] == pd.Timestamp("2020-06-01")
    assert read_series(raw, date_format="%m/%d/%Y").attrs["freq"] == "D"
    with pytest.raises(ValueError, match=r"parseable dates with date_format='%Y-%m-%d'. Received: '01/01/2020'"):
        read_series(raw, date_format="%Y-%m-%d")
    padded = read_series(pd.DataFrame({"m": ["1-01", "1-02", "1-03"], "v": [1, 2, 3]}), date_format="%y-%m")
    assert padded.index[0] == pd.Timestamp("2001-01-01")


def test_time_zones_are_kept_in_wall_time_across_daylight_saving():
    days = pd.date_range("2021-03-25", periods=6, freq="D", tz="Europe/Berlin")  # clocks go forward on the 28th
    frame = read_series(pd.DataFrame({"v": np.arange(6.0)}, index=days))
    assert frame.attrs["freq"] == "D" and frame.index[3] == pd.Timestamp("2021-03-28")
    assert frame.attrs["time_read"] == "local wall time"
    text = pd.DataFrame({"date": [d.isoformat() for d in days], "v": np.arange(6.0)})  # +01:00 then +02:00
    assert read_series(text).attrs["freq"] == "D"
    hours = pd.date_range("2021-10-31 00:00", periods=6, freq="h", tz="Europe/Berlin")  # 02:00 twice
    hourly = read_series(pd.DataFrame({"v": np.arange(6.0)}, index=hours))
    assert hourly.attrs["freq"] == "h" and hourly.attrs["time_read"] == "UTC" and len(hourly) == 6


def test_duplicate_column_names_are_refused():
    with pytest.raises(ValueError, match="Column names must be unique. Received: 'v' more than once"):
        read_series(pd.DataFrame([[1, 2], [3, 4], [5, 6]], columns=["v", " v"]))


def test_two_timestamps_keep_the_frequency_their_index_carries():
    # a panel's series of 2 rows reaches the baselines as a Series whose index carries the panel's
    # frequency: too few timestamps to infer one, so the index's own is taken (it stopped the forecast)
    two = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-07", periods=2, freq="W-SUN"))
    frame = read_series(two)
    assert frame.attrs["freq"] == "W-SUN" and len(frame) == 2
    with pytest.raises(ValueError, match="At least 3 timestamps are needed to infer a frequency. Received: 2"):
        read_series(pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-07", "2024-01-14"])))


def test_windows_encoded_text_is_read_and_binary_files_are_refused(tmp_path):
    # what a spreadsheet saves on a German Windows: cp1252 text, semicolons, decimal commas
    (tmp_path / "sheet.csv").write_bytes("Datum;Menge (€);Größe\n2020-01-01;1,5;7\n2020-01-02;2,5;8\n"
                                         "2020-01-03;3;9\n".encode("cp1252"))
    frame = read_series(tmp_path / "sheet.csv", target="Menge (€)")
    np.testing.assert_allclose(frame["Menge (€)"], [1.5, 2.5, 3.0])
    assert list(frame.columns) == ["Menge (€)", "Größe"]  # the header decoded as written
    (tmp_path / "book.bin").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(ValueError, match=r"a text file \(UTF-8, cp1252 or Latin-1\)\. Received: binary data"):
        read_series(tmp_path / "book.bin")
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(ValueError, match=r"Expected a CSV or Parquet file\. Received: 'book.xlsx', an Excel workbook"):
        read_series(tmp_path / "book.xlsx")
    (tmp_path / "data.json").write_text('{"a":{"0":1,"1":2}}')  # read as a CSV header without rows before
    with pytest.raises(ValueError, match=r"Received: 'data.json', a JSON file; read it with pandas"):
        read_series(tmp_path / "data.json")


@pytest.mark.parametrize("values, expected", [
    (['"1,234"', '"2,345.5"', "17"], [1234.0, 2345.5, 17.0]),  # commas between thousands
    (["5%", "6.5 %", ""], [5.0, 6.5, np.nan]),  # percents stay in percent
    (["$1.50", "$2.50", "-$3.00"], [1.5, 2.5, -3.0]),
    (["A1", "B2", "C3"], None),  # labels stay text
])
def test_numbers_written_with_separators_or_signs_are_numbers(write_csv, values, expected):
    path = write_csv("date,v,k\n" + "".join(f"2020-01-0{i + 1},{v},{i}\n" for i, v in enumerate(values)))
    if expected is None:
        with pytest.raises(ValueError, match=r"Target columns must be numeric\. Received: non-numeric column\(s\) \['v'\]"):
            read_series(path, target="v")
    else:
        np.testing.assert_allclose(read_series(path, target="v")["v"], expected)


@pytest.mark.parametrize("labels, freq, first, reading", [
    (["2020-W52", "2020-W53", "2021-W01"], "W-MON", "2020-12-21", "ISO weeks"),
    (["2020W01-3", "2020W02-3", "2020W03-3"], "W-WED", "2020-01-01", "ISO weeks"),
    (["2020 Q3", "2020 Q4", "2021 Q1"], "QS-JAN", "2020-07-01", "quarters"),
    (["Q3 2020", "Q4 2020", "Q1 2021"], "QS-JAN", "2020-07-01", "quarters"),
    (["2020-Q3", "2020-Q4", "2021-Q1"], "QS-JAN", "2020-07-01", "quarters"),
    (["2019M11", "2019M12", "2020M01"], "MS", "2019-11-01", "months written 2020M01"),  # IMF, Eurostat, Stata
    (["2019m11", "2019m12", "2020m1"], "MS", "2019-11-01", "months written 2020M01"),
    (["1995:11", "1995:12", "1996:01"], "MS", "1995-11-01", "months written 1995:01"),  # gretl, RATS
    (["1995:3", "1995:4", "1996:1"], "QS-JAN", "1995-07-01", "quarters written 1995:1"),
    # Excel's mmm-yy: pandas read 'Jan-10' as January 10th of year 1
    (["Nov-09", "Dec-09", "Jan-10"], "MS", "2009-11-01", "months written Jan-10 (two-digit years: 1969-2068)"),
    (["Nov 98", "Dec 98", "Jan 99"], "MS", "1998-11-01", "months written Jan-10 (two-digit years: 1969-2068)"),
    (["Sept'01", "Oct'01", "Nov'01"], "MS", "2001-09-01", "months written Jan-10 (two-digit years: 1969-2068)"),
])
def test_iso_weeks_and_quarter_labels_are_time(write_csv, labels, freq, first, reading):
    # a column of ISO weeks was read as text and the rows as positions, with no season
    frame = read_series(write_csv("period,v\n" + "".join(f"{t},{i}\n" for i, t in enumerate(labels))))
    assert frame.attrs["freq"] == freq and frame.index[0] == pd.Timestamp(first)
    assert frame.attrs["time_read"] == reading
    with pytest.raises(ValueError, match=r"Time column 'week' must hold parseable dates\. Received: '2020-W54' at row 0"):
        read_series(write_csv("week,v\n2020-W54,1\n2021-W01,2\n"))


@pytest.mark.parametrize("text, line", [
    ("Monthly sales of product X\nSource: company records, 2024\n\nmonth,sales\n2020-01,10\n2020-02,12\n2020-03,11\n", 4),
    ("# generated by a logger\n# units: kWh\nmonth,sales\n2020-01,10\n2020-02,12\n2020-03,11\n", 3),
    ("Sales by month\nmonth;sales\n2020-01;10\n2020-02;12\n2020-03;11\n", 2),
])
def test_lines_before_the_table_are_skipped_and_said(write_csv, text, line):
    frame = read_series(write_csv(text))
    assert frame.attrs["source"] == f"data.csv (the table from line {line})"
    assert frame.attrs["freq"] == "MS" and frame["sales"].tolist() == [10, 12, 11]


def test_a_row_of_units_under_the_header_is_left_out_and_said(write_csv):
    # it made every column text: the year became the value forecast and 'output' was left out
    frame = read_series(write_csv("year,output,price\n,tonnes,EUR/t\n2000,100,5.5\n2001,102,5.25\n2002,104,6\n"))
    assert frame.attrs["source"] == "data.csv (the row of units under the header left out: tonnes, EUR/t)"
    assert frame.attrs["freq"] == "YS-JAN" and frame["price"].tolist() == [5.5, 5.25, 6.0]
    assert frame["output"].tolist() == [100, 102, 104]
    # a first row of text beside a date, or of missing values only, is data
    assert len(read_series(write_csv("date,v,kind\n2020-01-01,1,a\n2020-01-02,2,b\n2020-01-03,3,c\n"))) == 3


def test_months_dated_on_a_later_day_are_read_as_months(write_csv):
    # monthly readings on the 15th were refused: 28, 30 and 31 days apart lie on no grid
    days = pd.date_range("2020-01-01", periods=6, freq="MS") + pd.Timedelta(days=14)
    frame = read_series(pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "v": np.arange(6.0)}))
    assert frame.attrs["freq"] == "MS" and frame.index[0] == pd.Timestamp("2020-01-01")
    assert frame.attrs["time_read"] == "dated on day 15 of each month: read as the months' first days"
    assert read_series(pd.Series(np.arange(6.0), index=days)).attrs["freq"] == "MS"  # a dated index too
    quarters = pd.date_range("2020-02-01", periods=5, freq="QS-FEB") + pd.Timedelta(days=9)
    panel = read_panel(pd.DataFrame({"unique_id": np.repeat(["a", "b"], 5), "ds": np.tile(quarters, 2),
                                     "y": np.arange(10.0)}))
    assert panel.attrs["freq"] == "QS-FEB" and panel.ds.iloc[0] == pd.Timestamp("2020-02-01")
    daily = pd.date_range("2020-01-10", periods=6, freq="D")  # not one day of each month: as it is
    assert read_series(pd.Series(np.arange(6.0), index=daily)).index[0] == daily[0]


def test_business_days_with_holidays_are_business_days():
    days = pd.bdate_range("2024-01-01", periods=60)
    raw = pd.DataFrame({"date": days.delete([11, 40]), "close": np.arange(58.0)})  # two holidays
    frame = read_series(raw)
    assert frame.attrs["freq"] == "B" and frame.attrs["n_gaps"] == 2  # not days with every weekend missing
    weeks = pd.date_range("2024-01-01", periods=20, freq="W-MON").delete(5)  # Mondays only: weekly
    assert read_series(pd.DataFrame({"date": weeks, "v": np.arange(19.0)})).attrs["freq"] == "W-MON"


def test_semi_monthly_dates_are_semi_monthly():
    # the 1st and 15th of each month (payroll, fortnightly reports) were refused: "regular grid"
    for freq in ("SMS", "SME"):  # the 1st and 15th; the 15th and the month's last day
        days = pd.date_range("2020-01-01", periods=30, freq=freq)
        frame = read_series(pd.DataFrame({"date": days.delete(5).astype(str), "v": np.arange(29.0)}))
        assert frame.attrs["freq"] == freq and frame.attrs["n_gaps"] == 1 and season_length_for(freq) == 24


def test_a_delimiter_ending_every_line_adds_no_column(write_csv):
    # its unnamed, empty column was the last numeric one: the target, all missing
    frame = read_series(write_csv("date,v,\n2020-01-01,1,\n2020-01-02,2,\n2020-01-03,3,\n"))
    assert list(frame.columns) == ["v"] and frame.attrs["target"] == ["v"]


def test_a_file_without_header_line_keeps_its_first_row(write_csv):
    # pandas takes the first line for names: the first value became the column's name and was lost
    frame = read_series(write_csv("112\n118\n132\n129\n"))
    assert frame.attrs["source"] == "data.csv (no header line: columns y)"
    assert frame["y"].tolist() == [112, 118, 132, 129]
    frame = read_series(write_csv("2020-01-01,112\n2020-01-02,118\n2020-01-03,132\n"))
    assert frame.attrs["time_col"] == "time" and frame.attrs["freq"] == "D" and frame["y"].tolist() == [112, 118, 132]
    # pandas' names of unnamed columns (0, 1 ...) are a header, as pandas wrote them
    assert list(read_series(write_csv("0,1\n5,6\n7,8\n9,10\n")).columns) == ["0", "1"]


def test_periods_and_dates_written_in_the_index_are_the_time_axis():
    # statsmodels' datasets come with a PeriodIndex: read as positions, the monthly season was lost
    monthly = read_series(pd.Series(np.arange(24.0), index=pd.period_range("2020-01", periods=24, freq="M")))
    assert monthly.attrs["freq"] == "MS" and monthly.index[0] == pd.Timestamp("2020-01-01")
    column = read_series(pd.DataFrame({"q": pd.period_range("2020Q1", periods=8, freq="Q"), "y": np.arange(8.0)}))
    assert column.attrs["freq"] == "QS-JAN" and column.attrs["time_col"] == "q"
    text = read_series(pd.Series([1.0, 2.0, 3.0], index=["2020-01-01", "2020-01-02", "2020-01-03"]))
    assert text.attrs["freq"] == "D" and text.index[-1] == pd.Timestamp("2020-01-03")
    assert read_series(pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])).attrs["freq"] is None  # names, not times


def test_a_table_of_years_by_months_or_quarters_is_one_series(write_csv):
    # as statistics offices publish it: only December was forecast, as a yearly series
    text = ("Year,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,Annual\n"
            "2020,,,3,4,5,6,7,8,9,10,11,12,75\n2021,13,14,15,16,17,18,19,20,21,22,23,24,222\n"
            "2022,25,26,,28,,,,,,,,,\n")
    frame = read_series(write_csv(text))
    assert frame.attrs["freq"] == "MS" and frame.attrs["target"] == ["value"] and frame.attrs["time_col"] == "month"
    assert frame.index[0] == pd.Timestamp("2020-03-01") and frame.index[-1] == pd.Timestamp("2022-04-01")
    assert frame["value"].iloc[:3].tolist() == [3, 4, 5] and frame["value"].isna().sum() == 1  # March 2022
    assert "years by months ('Year' and 12 columns)" in frame.attrs["time_read"] and "['Annual'] left out" in \
        frame.attrs["time_read"]
    quarters = read_series(pd.DataFrame({"yr": [2019, 2020], "Q1": [1.0, 5], "Qtr 2": [2.0, 6], "quarter3": [3.0, 7],
                                         "Q4": [4.0, 8]}))
    assert quarters.attrs["freq"] == "QS-JAN" and quarters["value"].tolist() == list(range(1, 9))
    full = read_series(write_csv("year,January,February,March,April,May,June,July,August,September,October,November,"
                                 "December\n2001" + ",1" * 12 + "\n2002" + ",2" * 12 + "\n"))
    assert len(full) == 24 and full.attrs["freq"] == "MS"
    # not such a table: months missing or out of order, years not one apart, a column named
    assert read_series(write_csv("Year,Sales,Q1\n2001,1,2\n2002,3,4\n2003,5,6\n")).attrs["target"] == ["Q1"]
    assert read_series(write_csv("Year,Q2,Q1,Q3,Q4\n2001,1,2,3,4\n2002,1,2,3,4\n2003,1,2,3,4\n")).attrs["freq"] == "YS-JAN"
    assert read_series(write_csv("Year,Q1,Q2,Q3,Q4\n2001,1,2,3,4\n2003,1,2,3,4\n2004,1,2,3,4\n")).attrs["n_gaps"] == 1
    named = read_series(write_csv(text), target="Dec")  # the columns as they are
    assert named.attrs["target"] == ["Dec"] and named.attrs["freq"] == "YS-JAN"


def test_month_names_beside_a_year_and_dates_written_without_separators(write_csv):
    # "Jan" in a column named Month was read as a date of year 1: not increasing, refused
    text = "Year,Month,Sales\n" + "".join(f"{2020 + i // 12},{m},{i}\n" for i, m in
                                          enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept",
                                                     "Oct", "Nov", "December"] * 2))
    frame = read_series(write_csv(text))
    assert frame.attrs["freq"] == "MS" and frame.index[8] == pd.Timestamp("2020-09-01") and len(frame) == 24
    # 20200131 and 202001 were numbers: the rows read as positions, the dates an input column
    days = read_series(write_csv("date,y\n20200130,1\n20200131,2\n20200201,3\n20200203,4\n"))
    assert days.attrs["freq"] == "D" and days.attrs["n_gaps"] == 1 and days.attrs["time_read"] == "dates written YYYYMMDD"
    months = read_series(write_csv("period,y\n201911,1\n201912,2\n202001,3\n"))
    assert months.attrs["freq"] == "MS" and months.index[-1] == pd.Timestamp("2020-01-01")
    # numbers that are not such dates stay numbers: 00 is no month, nor 32 a day, and dates go forward
    for values in ("20200100,20200101,20200102", "20200131,20200132,20200133", "20200103,20200102,20200101"):
        frame = read_series(write_csv("code,y\n" + "".join(f"{v},{i}\n" for i, v in enumerate(values.split(",")))))
        assert frame.attrs["time_col"] is None and frame.attrs["features"] == ["code", "y"], values


def test_dates_without_a_year_are_refused_not_read_in_year_one(write_csv):
    # pandas dates '10-Jan' in year 1: the forecast came out dated 0001-01-13
    with pytest.raises(ValueError, match=r"Time column 'day' must hold dates with a year\. Received: '10-Jan' at "
                                         r"row 0, read as year 1; pass `date_format`"):
        read_series(write_csv("day,v\n10-Jan,1\n11-Jan,2\n12-Jan,3\n"))
    old = read_series(write_csv("date,temp\n1659-01,3.0\n1659-02,4.0\n1659-03,5.0\n"))  # a long history: read
    assert old.attrs["freq"] == "MS" and old.index[0].year == 1659
    # days written 'Jan 30', 'Jan 31', 'Feb 01' are not months of 2030, 2031, 2001 (Excel's mmm-yy)
    with pytest.raises(ValueError, match=r"must hold dates with a year\. Received: 'Jan 30' at row 0"):
        read_series(write_csv("day,v\nJan 30,1\nJan 31,2\nFeb 01,3\nFeb 02,4\n"))


def test_spreadsheet_serial_dates_in_a_date_column_are_timestamps(write_csv):
    # a date column saved without its format (43831 = 2020-01-01) was left out, the rows positions
    months = pd.date_range("2020-01-01", periods=5, freq="MS")
    serial = (months - pd.Timestamp("1899-12-30")).days
    frame = read_series(write_csv("Date,sales\n" + "".join(f"{d},{i}\n" for i, d in enumerate(serial))))
    assert frame.attrs["freq"] == "MS" and frame.index[0] == months[0] and frame.attrs["features"] == ["sales"]
    assert frame.attrs["time_read"] == "spreadsheet serial dates (days since 1899-12-30)"
    noon = read_series(write_csv("date,v\n43831.5,1\n43832.5,2\n43833.5,3\n"))  # a fraction: the time of day
    assert noon.attrs["freq"] == "D" and noon.index[0] == pd.Timestamp("2020-01-01 12:00")
    counted = read_series(write_csv("time,v\n20001,1\n20002,2\n20003,3\n"))  # `time` counting steps: positions
    assert counted.attrs["time_col"] is None and list(counted.index) == [20001, 20002, 20003]
    other = read_series(write_csv("price,v\n43831,1\n43832,2\n43833,3\n"))  # another name: numbers
    assert other.attrs["time_col"] is None and other.attrs["features"] == ["price", "v"]


def test_a_loggers_jittered_times_are_rounded_to_their_grid(write_csv):
    # 10:00:03, 11:00:01, 11:59:58 ... were refused: "Timestamps must lie on a regular grid"
    hours = pd.date_range("2024-01-01", periods=48, freq="h")
    jitter = pd.to_timedelta(np.tile([3, 1, -2, 0], 12), unit="s")
    frame = read_series(pd.DataFrame({"timestamp": (hours + jitter).astype(str), "temp": np.arange(48.0)}))
    assert frame.attrs["freq"] == "h" and (frame.index == hours).all() and frame["temp"].tolist() == list(range(48))
    assert frame.attrs["time_read"] == "times up to 3 s off the 1 h grid: rounded to it"
    quarter_hours = pd.date_range("2024-01-01", periods=20, freq="15min")
    panel = read_panel(pd.DataFrame({"unique_id": np.repeat(["a", "b"], 20),
                                     "ds": np.tile(quarter_hours + pd.to_timedelta(np.tile([-20, 15], 10), unit="s"), 2),
                                     "y": np.arange(40.0)}))
    assert panel.attrs["freq"] == "15min" and panel.ds.iloc[1] == quarter_hours[1]
    # the same second off every day (end-of-day stamps) is a regular grid: kept as it is
    late = pd.date_range("2024-01-01 23:59:59", periods=5, freq="D")
    assert read_series(pd.DataFrame({"date": late, "v": np.arange(5.0)})).index[0] == late[0]
    # times far off any grid stay irregular, and are refused as before
    with pytest.raises(ValueError, match="Timestamps must lie on a regular grid"):
        read_series(pd.DataFrame({"date": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:20", "2024-01-01 11:00",
                                                          "2024-01-01 11:50"]), "v": np.arange(4.0)}))


def test_unix_times_in_a_time_column_are_timestamps(write_csv):
    # a sensor's `timestamp` of seconds since 1970 was an input column, the rows positions
    hourly = read_series(write_csv("timestamp,temp\n1577836800,1.5\n1577840400,2.5\n1577847600,3.5\n"))
    assert hourly.attrs["freq"] == "h" and hourly.attrs["n_gaps"] == 1 and hourly.attrs["features"] == ["temp"]
    assert hourly.index[0] == pd.Timestamp("2020-01-01") and hourly.attrs["time_read"] == "Unix time in seconds (UTC)"
    millis = read_series(write_csv("time,v\n1577836800000,1\n1577836860000,2\n1577836920000,3\n"))
    assert millis.attrs["freq"] == "min" and millis.attrs["time_read"] == "Unix time in milliseconds (UTC)"
    seconds = read_series(write_csv("time,v\n1577836800,1\n1577836801,2\n1577836802,3\n"))  # counts by one: still time
    assert seconds.attrs["freq"] == "s" and seconds.index[-1] == pd.Timestamp("2020-01-01 00:00:02")
    # numbers in that range in a column not named like a time stay numbers
    other = read_series(write_csv("population,v\n1577836800,1\n1577840400,2\n1577844000,3\n"))
    assert other.attrs["time_col"] is None and other.attrs["features"] == ["population", "v"]
    text = "sensor,timestamp,v\n" + "".join(f"{k},{1577836800 + 600 * t},{t}\n" for k in "ab" for t in range(6))
    panel = read_panel(write_csv(text), id_col="sensor")
    assert panel.attrs["freq"] == "10min" and panel.timestamp.iloc[-1] == pd.Timestamp("2020-01-01 00:50")


def test_steps_numbered_one_by_one_are_positions_that_keep_their_numbering(write_csv):
    # ds = 1, 2, 3 ... (long-format files often number the steps) was read as an input of the
    # networks, and a panel's saved model then refused it as a time column at predict
    frame = read_series(write_csv("ds,y\n" + "".join(f"{t},{t * 1.5}\n" for t in range(1, 11))))
    assert frame.attrs["features"] == ["y"] and frame.attrs["time_col"] is None
    assert list(frame.index) == list(range(1, 11)) and frame.attrs["time_read"] == "as positions numbered by 'ds'"
    named = read_series(write_csv("t,y\n5,1\n6,2\n7,3\n"), time_col="t")  # named: the same
    with pytest.raises(ValueError, match="3 timestamps"):  # one date written YYYYMMDD stays a date, not a step
        read_series(write_csv("date,y\n20200131,1\n"))
    assert named.index[0] == 5 and named.attrs["features"] == ["y"]
    text = "unique_id,ds,y\n" + "".join(f"{k},{t},{t + i}\n" for i, k in enumerate("ab") for t in range(1, 8 + 4 * i))
    panel = read_panel(write_csv(text))
    assert list(panel.columns) == ["unique_id", "ds", "y"] and panel.attrs["time_col"] is None
    assert panel.attrs["features"] == ["y"] and panel.ds.dtype == "int64"
    gapped = read_panel(write_csv(text.replace("\nb,3,", "\nb,30,")))  # the longest not one by one: an input
    assert gapped.attrs["features"] == ["ds", "y"]
    with pytest.raises(ValueError, match=r"^Every series must number its steps .* series 'a' not numbered one by one, series 'b' numbered by 'ds'$"):
        read_panel(write_csv(text.replace("\na,3,", "\na,30,")))  # the longest numbered, another not
    assert panel.attrs["n_series"] == 2 and len(panel) == 7 + 11
    # steps that are not one apart, or columns named otherwise, stay inputs as before
    for text in ("ds,y\n2,1\n4,2\n6,3\n", "count,y\n1,1\n2,2\n3,3\n"):
        assert len(read_series(write_csv(text)).attrs["features"]) == 2, text

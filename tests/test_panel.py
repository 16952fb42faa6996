"""Long-format panels: reading, validation with errors naming the series, and the global model on them."""

import numpy as np
import pandas as pd
import pytest

from forecastrnn import GlobalRNNForecaster, read_panel, read_series
from forecastrnn.data import panel_series


def long_panel(n=200, ids=("s1", "s2", "s3"), freq="h"):
    rng = np.random.default_rng(0)
    parts = []
    for k, key in enumerate(ids):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(hours=5 * k)  # ragged starts
        t = np.arange(n - 7 * k)
        parts.append(pd.DataFrame({"unique_id": key, "ds": pd.date_range(start, periods=len(t), freq=freq),
                                   "y": (k + 1) * 10 + np.sin(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(len(t))}))
    return pd.concat(parts, ignore_index=True)


def test_read_panel_validates_every_series_and_keeps_ids_and_times(tmp_path):
    data = long_panel()
    shuffled_ids = pd.concat([data[data.unique_id == "s2"], data[data.unique_id == "s1"], data[data.unique_id == "s3"]])
    path = tmp_path / "panel.csv"
    shuffled_ids.drop(index=[5, 6]).to_csv(path, index=False)  # two hours missing in s1
    panel = read_panel(path)
    assert panel.attrs["n_series"] == 3 and panel.attrs["freq"] == "h" and panel.attrs["n_gaps"] == 2
    assert panel.unique_id.unique().tolist() == ["s2", "s1", "s3"]  # order of first appearance
    s1 = panel[panel.unique_id == "s1"]
    assert s1.y.isna().sum() == 2 and len(s1) == 200
    assert pd.Timestamp(s1.ds.iloc[0]) == pd.Timestamp("2024-01-01")
    series = panel_series(panel, "y")
    assert list(series) == ["s2", "s1", "s3"] and series["s3"].index[0] == pd.Timestamp("2024-01-01 10:00")
    assert series["s3"].index.freqstr == "h"
    # Parquet reads the same
    data.to_parquet(tmp_path / "panel.parquet")
    pd.testing.assert_frame_equal(read_panel(tmp_path / "panel.parquet"), read_panel(data))
    (tmp_path / "broken.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="Could not read .*broken.parquet' as Parquet"):
        read_panel(tmp_path / "broken.parquet")
    # other names through the options
    renamed = data.rename(columns={"unique_id": "store", "ds": "date", "y": "sales"})
    other = read_panel(renamed, id_col="store", target="sales")
    assert other.attrs["target"] == ["sales"] and other.attrs["time_col"] == "date"


def test_zero_padded_ids_keep_their_zeros_and_plain_numbers_stay_numbers(tmp_path):
    days = pd.date_range("2024-01-01", periods=20, freq="D").strftime("%Y-%m-%d")
    for name, stores in (("padded", ("001", "002", "010")), ("plain", ("1", "2", "10"))):
        rows = "".join(f"{store},{d},{i}\n" for store in stores for i, d in enumerate(days))
        (tmp_path / f"{name}.csv").write_text("store,date,sales\n" + rows)
    padded = read_panel(tmp_path / "padded.csv", id_col="store")
    assert list(padded.store.unique()) == ["001", "002", "010"]  # read as numbers they joined back to nothing
    assert list(read_panel(tmp_path / "plain.csv", id_col="store").store.unique()) == [1, 2, 10]


def test_bad_panels_give_one_error_naming_the_series():
    data = long_panel()
    with pytest.raises(ValueError, match=r"expected 'unique_id' \(`id_col`, CLI --id-col\)"):
        read_panel(data.drop(columns="unique_id"))
    duplicated = pd.concat([data, data[(data.unique_id == "s2")].iloc[[3]]]).sort_values(["unique_id", "ds"])
    with pytest.raises(ValueError, match=r"Series 's2': Timestamps must be unique"):
        read_panel(duplicated)
    daily = long_panel(ids=("d1",), freq="D")
    with pytest.raises(ValueError, match=r"one frequency. Received: 'h' for series 's1' and 'D' for series 'd1'"):
        read_panel(pd.concat([data, daily]))
    missing_id = data.copy()
    missing_id.loc[7, "unique_id"] = None
    with pytest.raises(ValueError, match="missing id at row 7"):
        read_panel(missing_id)
    tiny = pd.DataFrame({"unique_id": ["x", "x"], "ds": ["2024-01-01", "2024-01-02"], "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"Series 'x': at least 3 timestamps"):
        read_panel(tiny)
    short = read_panel(pd.concat([data, tiny.assign(ds=["2024-01-01 00:00", "2024-01-01 01:00"])]))
    assert short.attrs["n_series"] == 4  # a short series is read on the others' grid


def test_autogluon_names_and_rows_in_any_order_read_as_the_sorted_panel(tmp_path):
    data = long_panel(n=60)
    other = data.assign(unique_id=data.unique_id.str[1:].astype(int)).rename(
        columns={"unique_id": "item_id", "ds": "timestamp", "y": "target"})  # AutoGluon's names, numeric ids
    with pytest.warns(RuntimeWarning) as said:
        panel = read_panel(other.sample(frac=1, random_state=0))
    assert [str(w.message) for w in said] == ["the rows were not in time order: read sorted by time"]  # once
    expected = read_panel(other)
    pd.testing.assert_frame_equal(panel.set_index(["item_id", "timestamp"]).sort_index(),
                                  expected.set_index(["item_id", "timestamp"]).sort_index())
    assert panel.attrs["id_col"] == "item_id" and panel.attrs["target"] == ["target"]
    with pytest.raises(ValueError, match=r"column 'item_id' repeats\): .*--id-col item_id"):
        read_series(other)  # the single-series reader points to the id column, numeric or not
    other.to_csv(tmp_path / "ag.csv", index=False)
    from click.testing import CliRunner

    from forecastrnn.cli import cli

    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "ag.csv"), "--horizon", "2"])
    assert result.exit_code == 0, result.output
    assert "Note: column 'item_id' names the series" in result.output
    assert result.output.count("item_id,timestamp,target,") == 1 and result.output.count("\n3,") == 2


def test_an_id_column_of_any_name_is_found_when_the_times_repeat(tmp_path):
    from click.testing import CliRunner

    from forecastrnn.cli import cli
    from forecastrnn.data.panel import panel_id_of

    stores = long_panel(ids=("1", "2", "3")).rename(columns={"unique_id": "store", "ds": "date", "y": "sales"})
    stores.assign(promo=stores.index % 2).to_csv(tmp_path / "stores.csv", index=False)
    assert panel_id_of(tmp_path / "stores.csv") == "store"  # the 0/1 promotion flag repeats under a time: not it
    stores.assign(region=stores.store.map({"1": "n", "2": "s", "3": "e"})).to_csv(tmp_path / "two.csv", index=False)
    assert panel_id_of(tmp_path / "two.csv") is None  # two candidates: not guessed
    long_panel(ids=("a",)).drop(columns="unique_id").to_csv(tmp_path / "one.csv", index=False)  # times do not repeat
    assert panel_id_of(tmp_path / "one.csv") is None
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "stores.csv"), "--horizon", "2"])
    assert result.exit_code == 0 and "Note: column 'store' names the series" in result.output, result.output


def test_an_id_column_is_found_under_year_numbers_and_after_a_long_first_series(tmp_path):
    from forecastrnn.data.panel import ID_PEEK_ROWS, panel_id_of

    years = pd.DataFrame({"country": np.repeat(["A", "B", "C"], 12), "year": np.tile(np.arange(2012, 2024), 3),
                          "gdp": np.arange(36.0) + 0.5})
    years.to_csv(tmp_path / "years.csv", index=False)  # the time in a date part (year): it repeats under no country
    assert panel_id_of(tmp_path / "years.csv") == "country"
    n = ID_PEEK_ROWS + 16  # every series longer than the rows peeked at: the first rows are one series
    sensors = pd.DataFrame({"sensor": np.repeat(["s0", "s1"], n), "time": np.tile(pd.date_range(
        "2023-03-01", periods=n, freq="15min"), 2), "temp": np.arange(2.0 * n) + 0.5})
    sensors.to_csv(tmp_path / "sensors.csv", index=False)
    assert panel_id_of(tmp_path / "sensors.csv") == "sensor"
    sensors[sensors.sensor == "s0"].to_csv(tmp_path / "one.csv", index=False)  # one long series with a text column
    assert panel_id_of(tmp_path / "one.csv") is None
    panel = read_panel(tmp_path / "sensors.csv", id_col=panel_id_of(tmp_path / "sensors.csv"))
    assert panel.groupby("sensor").size().tolist() == [n, n]


def test_series_named_by_two_columns_are_a_panel(tmp_path):
    # a store's sales of one product family (Favorita, M5): no one column names a series
    from click.testing import CliRunner

    from forecastrnn.cli import cli
    from forecastrnn.data.panel import panel_id_of

    days = pd.date_range("2024-01-01", periods=30, freq="D")
    data = pd.DataFrame({"date": np.repeat(days, 4), "store": np.tile([1, 1, 2, 2], 30),
                         "family": np.tile(["A", "B", "A", "B"], 30), "sales": np.arange(120.0)})
    data.to_csv(tmp_path / "sales.csv", index=False)
    with pytest.raises(ValueError, match=r"columns 'store' and 'family' together repeat\): read it with "
                                         r"forecastrnn.read_panel\(\.\.\., id_col=\['store', 'family'\]\) or CLI "
                                         r"--id-col store,family"):
        read_series(data)
    assert panel_id_of(tmp_path / "sales.csv") == "store,family"
    for id_col in (["store", "family"], "store,family", "store+family"):
        panel = read_panel(data, id_col=id_col)
        assert panel.attrs["id_col"] == "store+family" and list(panel.columns) == ["store+family", "date", "sales"]
        assert panel["store+family"].unique().tolist() == ["1/A", "1/B", "2/A", "2/B"]
        assert panel[panel["store+family"] == "2/B"].sales.tolist() == list(np.arange(3.0, 120, 4))
    assert read_panel(panel, id_col="store,family").equals(panel)  # a panel read before reads the same
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "sales.csv"), "--horizon", "2"])
    assert result.exit_code == 0, result.output
    assert "Note: columns 'store' and 'family' together name the series" in result.output
    assert "store+family,date,sales" in result.output and "\n2/B,2024-01-31," in result.output


TSF = """# the Monash forecasting archive's format
@relation sales
@attribute series_name string
@attribute state string
@attribute start_timestamp date
@frequency {frequency}
@horizon 2
@missing true
@data
T1:VIC:2020-01-01 00-00-00:1,2,3,4,5,6
T2:NSW:2020-04-01 00-00-00:10,?,12,13
"""


@pytest.mark.parametrize("frequency, freq, last", [("monthly", "MS", "2020-06-01"), ("quarterly", "QS-JAN", "2021-04-01"),
                                                   ("half_hourly", "30min", "2020-01-01 02:30"),
                                                   ("10_minutes", "10min", "2020-01-01 00:50")])
def test_a_tsf_file_of_the_monash_archive_is_a_panel(tmp_path, frequency, freq, last):
    (tmp_path / "sales.tsf").write_text(TSF.format(frequency=frequency))
    panel = read_panel(tmp_path / "sales.tsf")
    assert panel.attrs["freq"] == freq and panel.attrs["n_series"] == 2 and list(panel.columns) == ["unique_id", "ds", "y"]
    assert panel.attrs["source"] == f"sales.tsf (a .tsf file of the Monash archive: 2 series, {frequency})"
    t1, t2 = panel[panel.unique_id == "T1"], panel[panel.unique_id == "T2"]
    assert t1.ds.iloc[-1] == pd.Timestamp(last) and t1.y.tolist() == [1, 2, 3, 4, 5, 6]
    assert np.isnan(t2.y.iloc[1]) and t2.y.iloc[-1] == 13  # '?' is missing


def test_a_tsf_file_without_start_times_numbers_its_steps_and_a_broken_one_is_refused(tmp_path):
    from click.testing import CliRunner

    from forecastrnn.cli import cli

    text = TSF.format(frequency="yearly").replace("@attribute start_timestamp date\n", "")
    (tmp_path / "years.tsf").write_text(text.replace(":2020-01-01 00-00-00", "").replace(":2020-04-01 00-00-00", ""))
    panel = read_panel(tmp_path / "years.tsf")
    assert panel.attrs["freq"] is None and panel[panel.unique_id == "T2"].ds.tolist() == [1, 2, 3, 4]
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "years.tsf"), "--horizon", "2"])
    assert result.exit_code == 0 and "T1,7," in result.output and "T2,5," in result.output, result.output
    (tmp_path / "bad.tsf").write_text(TSF.format(frequency="monthly").replace("T2:NSW:", "T2:"))
    with pytest.raises(ValueError, match=r"expected 3 attribute\(s\) and the values, separated by ':', on every line "
                                         r"after @data\. Received: 3 field\(s\) on line 11"):
        read_panel(tmp_path / "bad.tsf")


def test_long_format_given_to_the_single_series_reader_says_what_to_do():
    with pytest.raises(ValueError, match=r"long format \(column 'unique_id' repeats\): read it with "
                                         r"forecastrnn.read_panel\(..., id_col='unique_id'\)"):
        read_series(long_panel())
    # store numbers, beside a 0/1 promotion flag that repeats under the same time too
    stores = long_panel(ids=("1", "2")).assign(promo=lambda d: d.index % 2, unique_id=lambda d: d.unique_id.astype(int))
    with pytest.raises(ValueError, match=r"column 'store' repeats\): .*--id-col store$"):
        read_series(stores.rename(columns={"unique_id": "store"}))


@pytest.mark.slow
def test_global_model_on_long_data_equals_the_dict_path_and_keeps_timestamps(tmp_path):
    data = long_panel()
    params = dict(units=4, window=24, horizon=6, epochs=2, n_models=1, verbose=0, jit_compile=False,
                  random_state=0)
    model = GlobalRNNForecaster(**params).fit(data.rename(columns={"y": "load"}), target="load")
    as_dict = {key: g.set_index(pd.DatetimeIndex(g.ds, freq="h"))["y"] for key, g in data.groupby("unique_id")}
    forecast = model.predict()
    reference = GlobalRNNForecaster(**params).fit(as_dict).predict()
    assert list(forecast.columns) == ["unique_id", "ds", "load"]
    np.testing.assert_allclose(forecast["load"], reference["y"], rtol=1e-6)
    for key, group in data.groupby("unique_id"):
        future = pd.date_range(group.ds.iloc[-1], periods=7, freq="h")[1:]
        assert forecast.loc[forecast.unique_id == key, "ds"].tolist() == future.tolist()
    # a series never seen, and update moving the origins forward
    new = long_panel(ids=("fresh",)).rename(columns={"y": "load"})
    assert model.predict(new).unique_id.unique().tolist() == ["fresh"]
    later = data[data.unique_id == "s1"].iloc[:-24].rename(columns={"y": "load"})
    model.update(later)
    moved = model.predict()
    first = moved[moved.unique_id == "s1"].ds.iloc[0]
    assert first == later.ds.iloc[-1] + pd.Timedelta(hours=1)
    loaded = GlobalRNNForecaster.load(model.save(tmp_path / "g"))
    pd.testing.assert_frame_equal(loaded.predict(), moved)
    with pytest.raises(ValueError, match="training frequency"):
        model.predict(long_panel(ids=("d",), freq="D").rename(columns={"y": "load"}))


def test_a_panel_numbering_its_steps_is_read_as_positions_in_fit_and_predict():
    # unique_id, ds = 1, 2, 3 ..., y: ds was a network input, and predict(data) refused it as a time column
    data = long_panel().drop(columns="ds")
    numbered = data.assign(ds=data.groupby("unique_id").cumcount() + 1)[["unique_id", "ds", "y"]]
    params = dict(units=4, window=12, horizon=3, epochs=1, n_models=1, verbose=0, random_state=0)
    model = GlobalRNNForecaster(**params).fit(numbered)
    assert model.features_ == [] and model.freq_ is None
    forecast, positions = model.predict(numbered), GlobalRNNForecaster(**params).fit(data).predict(data)
    np.testing.assert_array_equal(forecast.y, positions.y)  # the same model; the steps keep the file's numbers
    first = numbered.unique_id.iloc[0]
    assert (forecast.ds == positions.ds + 1).all() and forecast.ds.iloc[0] == numbered.ds[numbered.unique_id == first].max() + 1
    assert panel_series(read_panel(numbered), "y")[first].index[0] == 1


def test_fast_path_equals_the_series_by_series_reading():
    """Regular panels are read column-wise; the result is what reading each series gives."""
    data = long_panel()
    interleaved = data.iloc[np.argsort(data.groupby("unique_id").cumcount().to_numpy(), kind="stable")]
    fast = read_panel(interleaved)
    parts = []
    for key in ("s1", "s2", "s3"):
        one = read_series(data[data.unique_id == key].drop(columns="unique_id"), target="y")
        parts.append(one.reset_index().rename(columns={"index": "ds"}).assign(unique_id=key))
    expected = pd.concat(parts, ignore_index=True)[["unique_id", "ds", "y"]]
    pd.testing.assert_frame_equal(fast, expected, check_dtype=False)
    assert fast.attrs["freq"] == "h" and fast.attrs["n_series"] == 3 and fast.attrs["n_gaps"] == 0
    gapped = data.drop(index=[5])  # one gap: the series-by-series path inserts its row
    slow = read_panel(gapped)
    assert len(slow) == len(data) and slow.attrs["n_gaps"] == 1 and np.isnan(slow.y.iloc[5])
    pd.testing.assert_frame_equal(slow.drop(index=[5]).reset_index(drop=True),
                                  fast.drop(index=[5]).reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("freq", ["MS", "ME", "QS-JAN", "YS", "W-SUN", "B"])
def test_calendar_frequencies_read_at_column_speed_as_series_by_series(freq, monkeypatch):
    import forecastrnn.data.panel as panel_module

    long = pd.DataFrame({"unique_id": np.repeat(["a", "b", "c"], [30, 24, 5]),
                         "ds": np.r_[pd.date_range("2001-03-01", periods=30, freq=freq),
                                     pd.date_range("1999-01-01", periods=24, freq=freq),
                                     pd.date_range("2005-06-01", periods=5, freq=freq)],
                         "y": np.arange(59.0)})
    args = (long, "test", "unique_id", "auto", "y", None, None, None)
    assert panel_module._read_regular(*args) is not None  # the whole-column path took it
    fast = read_panel(long)
    monkeypatch.setattr(panel_module, "_read_regular", lambda *a: None)
    pd.testing.assert_frame_equal(fast, read_panel(long))
    off = long.assign(ds=long.ds + pd.Timedelta(hours=1))  # off the grid: series by series
    monkeypatch.undo()
    assert panel_module._read_regular(off, *args[1:]) is None


def test_ids_and_times_kept_in_the_index_are_read_as_columns():
    # df.set_index(["unique_id", "ds"]) was refused; a ds index was read as positions, with no frequency
    df = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 10), "y": np.arange(20.0),
                       "ds": list(pd.date_range("2024-01-01", periods=10, freq="D")) * 2})
    for data in (df.set_index(["unique_id", "ds"]), df.set_index("unique_id"), df.set_index("ds")):
        panel = read_panel(data)
        assert panel.attrs["freq"] == "D" and panel.attrs["n_series"] == 2 and panel.attrs["time_col"] == "ds"
        assert panel.y.tolist() == list(np.arange(20.0))


def test_one_series_per_row_as_the_m3_and_m4_files_hold_them_is_a_panel(tmp_path):
    from click.testing import CliRunner

    from forecastrnn.cli import cli
    from forecastrnn.data.panel import names_series

    # M4's layout: ids in V1, values in V2, V3 ...; a shorter series ends in empty cells
    rng = np.random.default_rng(0)
    lengths = {"H1": 30, "H2": 24, "H3": 27}
    rows = [[key] + list(100 + 10 * np.sin(2 * np.pi * np.arange(n) / 6) + rng.standard_normal(n)) + [None] * (30 - n)
            for key, n in lengths.items()]
    m4 = pd.DataFrame(rows, columns=[f"V{i}" for i in range(1, 32)])
    m4.to_csv(tmp_path / "m4.csv", index=False)
    panel = read_panel(tmp_path / "m4.csv")
    assert panel.attrs["id_col"] == "V1" and panel.attrs["n_series"] == 3 and panel.attrs["n_gaps"] == 0
    assert panel.groupby("V1", sort=False).size().to_dict() == lengths
    assert panel[panel.V1 == "H2"]["ds"].tolist() == list(range(1, 25))
    np.testing.assert_allclose(panel[panel.V1 == "H3"]["y"], rows[2][1:28])
    assert "one series per row: ids in 'V1', values in columns V2 .. V31" in panel.attrs["source"]
    assert names_series(m4) and names_series(tmp_path / "m4.csv")
    m4.to_parquet(tmp_path / "m4.parquet", index=False)
    assert names_series(tmp_path / "m4.parquet") and read_panel(tmp_path / "m4.parquet").attrs["n_series"] == 3
    with pytest.raises(ValueError, match=r"one series per row .*read it with forecastrnn.read_panel"):
        read_series(tmp_path / "m4.csv")
    # M3's layout: metadata columns, then values under the headers 1, 2, 3 ...
    m3 = pd.DataFrame([["N1", 12, 4, "MICRO", 1990, *range(10, 22)], ["N2", 10, 4, "MACRO", 1985, *range(5, 15), None, None]],
                      columns=["Series", "N", "NF", "Category", "Starting Year", *map(str, range(1, 13))])
    read = read_panel(m3)
    assert read.attrs["id_col"] == "Series" and read.groupby("Series").size().tolist() == [12, 10]
    assert "['N', 'NF', 'Category', 'Starting Year'] not read" in read.attrs["source"]
    # tables that only look alike stay as they were: columns of stores under dates, years by month numbers
    stores = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=5).astype(str),
                           **{str(i): rng.standard_normal(5) for i in range(1, 11)}})
    assert not names_series(stores) and read_series(stores).attrs["freq"] == "D"
    years = pd.DataFrame({"Year": [2020, 2021], **{str(i): [1.0 * i, 2.0 * i] for i in range(1, 13)}})
    assert not names_series(years)
    lags = long_panel(n=30).assign(**{f"lag_{i}": float(i) for i in range(1, 11)})  # long data with numbered inputs
    assert read_panel(lags, id_col="unique_id").attrs["features"][:3] == ["y", "lag_1", "lag_2"]
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "m4.csv"), "--horizon", "2",
                                      "--season-length", "6"])
    assert result.exit_code == 0, result.output
    assert "Note: column 'V1' names the series" in result.output and "H2,25," in result.output


def test_a_wide_file_of_one_series_per_column_reads_as_a_panel_with_wide(tmp_path):
    from click.testing import CliRunner

    from forecastrnn.cli import cli
    from forecastrnn.data.panel import columns_to_long

    days = pd.date_range("2024-01-01", periods=40, freq="D")
    wide = pd.DataFrame({"date": days.astype(str), "north": np.r_[[np.nan] * 5, np.arange(35.0)],
                         "south": np.arange(40.0) * 2, "note": "x"})
    wide.to_csv(tmp_path / "wide.csv", index=False)
    with pytest.warns(RuntimeWarning, match=r"\['note'\] not read"):
        long = columns_to_long(tmp_path / "wide.csv")
    panel = read_panel(long)
    assert panel.attrs["n_series"] == 2 and panel.attrs["freq"] == "D"
    north = panel[panel.unique_id == "north"]
    assert len(north) == 35 and north.date.iloc[0] == days[5]  # from its first value: the empty rows before are not part
    assert "wide.csv (one series per column)" in panel.attrs["source"]
    result = CliRunner().invoke(cli, ["predict", "pretrained", "--data", str(tmp_path / "wide.csv"), "--wide",
                                      "--horizon", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.count("north,2024-02-1") == 3 and result.output.count("south,") == 3
    both = CliRunner().invoke(cli, ["backtest", str(tmp_path / "wide.csv"), "--wide", "--id-col", "date"])
    assert both.exit_code == 1 and "--id-col and --target do not apply" in both.output

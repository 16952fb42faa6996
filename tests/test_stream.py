"""Panels bigger than memory: Parquet read in chunks of whole series, windows gathered block by block."""

import numpy as np
import pandas as pd
import pytest

from forecastrnn import GlobalRNNForecaster, read_panel
from forecastrnn.data.stack import stacked_window_starts
from forecastrnn.data.stream import ParquetPanel
from forecastrnn.data.windows import WindowSpec, make_dataset, stream_batches

pytest.importorskip("pyarrow")

FAST = dict(horizon=6, window=24, units=4, epochs=1, batch_size=16, random_state=0, verbose=0, jit_compile=False,
            n_models=1)


def panel_frame(n_series=12, gap=False):
    """Series of different lengths and levels; with ``gap``, one series misses a row."""
    rng = np.random.default_rng(1)
    parts = []
    for i in range(n_series):
        n = 60 + 3 * i
        t = np.arange(n)
        parts.append(pd.DataFrame({
            "store": f"s{i:02d}", "date": pd.date_range("2024-03-01", periods=n, freq="h"),
            "sales": 5 + i + (1 + i / 5) * np.sin(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(n),
            "temp": rng.standard_normal(n)}))
    frame = pd.concat(parts, ignore_index=True)
    return frame.drop(index=70).reset_index(drop=True) if gap else frame


def write(frame, path, row_group_size=97):
    frame.to_parquet(path, row_group_size=row_group_size)  # row groups cut series in the middle
    return path


def test_chunks_hold_whole_series_and_equal_the_in_memory_reading(tmp_path):
    frame = panel_frame(gap=True)
    source = ParquetPanel(write(frame, tmp_path / "p.parquet"), id_col="store", chunk_rows=150)
    settled = source.settle("sales", ["temp"])
    assert settled["time_col"] == "date" and settled["freq"] == "h"
    chunks = list(source.chunks(settled))
    assert len(chunks) > 3 and source.count_rows() == len(frame)
    ids = [set(c.store) for c in chunks]
    assert all(not (a & b) for i, a in enumerate(ids) for b in ids[i + 1:])  # no series in two chunks
    whole = read_panel(frame, id_col="store", target="sales", features=["sales", "temp"])
    streamed = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(streamed, whole[streamed.columns])
    assert streamed.sales.isna().sum() == 1  # the gap is a NaN row, as in memory


def test_a_partitioned_folder_streams_like_one_file(tmp_path):
    frame = panel_frame()
    folder = tmp_path / "parts"
    folder.mkdir()
    write(frame.iloc[:300], folder / "a.parquet")
    write(frame.iloc[300:], folder / "b.parquet")  # a series cut across the two files
    one = ParquetPanel(write(frame, tmp_path / "one.parquet"), id_col="store", chunk_rows=200)
    many = ParquetPanel(folder, id_col="store", chunk_rows=200)
    settled = one.settle("sales")
    pd.testing.assert_frame_equal(pd.concat(one.chunks(settled), ignore_index=True),
                                  pd.concat(many.chunks(settled), ignore_index=True))


def test_stream_batches_cross_blocks_and_count_exactly():
    spec = WindowSpec(3, 2)
    rows = np.arange(40, dtype="float64")[:, None]
    whole = make_dataset(rows, rows, spec, batch_size=4)
    expected_x = np.concatenate([x for x, _ in whole.as_numpy_iterator()])
    blocks = [(rows[:17], rows[:17], spec.starts(17)), (rows[17:], rows[17:], spec.starts(23))]
    batches = list(stream_batches(blocks, spec, 4))
    n = len(spec.starts(17)) + len(spec.starts(23))
    assert len(batches) == -(-n // 4) and all(len(x) == 4 for x, _ in batches[:-1])
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    assert (x[:, 1:, 0] - x[:, :-1, 0] == 1).all() and (y[:, 0, 0] == x[:, -1, 0] + 1).all()  # never across blocks
    assert len(x) == len(expected_x) - 4  # the 4 windows that would cross rows 16|17 are not made
    shuffled = [np.concatenate([b[0] for b in stream_batches(blocks, spec, 4, shuffle=True, seed=[7, e])])
                for e in (0, 0, 1)]
    np.testing.assert_array_equal(shuffled[0], shuffled[1])  # a pure function of (seed, epoch)
    assert not np.array_equal(shuffled[0], shuffled[2])
    np.testing.assert_array_equal(np.sort(shuffled[2][:, 0, 0]), np.sort(x[:, 0, 0]))  # the same windows


def test_streamed_fit_sees_the_in_memory_windows_and_statistics(tmp_path, monkeypatch):
    import forecastrnn.models.core as module

    frame = panel_frame(gap=True)
    seen = {}
    real = module.make_stream_dataset

    def spy(blocks, spec, *args, **kwargs):
        seen.setdefault("train" if kwargs.get("shuffle") else "val", (blocks, spec))
        return real(blocks, spec, *args, **kwargs)

    monkeypatch.setattr(module, "make_stream_dataset", spy)
    kw = dict(id_col="store", time_col="date", target="sales", features=["temp"])
    memory = GlobalRNNForecaster(**FAST).fit(frame, **kw)
    streamed = GlobalRNNForecaster(**FAST).fit(
        ParquetPanel(write(frame, tmp_path / "p.parquet"), id_col="store", chunk_rows=150),
        target="sales", features=["temp"])
    assert streamed.n_windows_ == memory.n_windows_ and streamed.columns_ == memory.columns_
    assert streamed.indicator_columns_ == memory.indicator_columns_ == [0, 1]  # the gap: both missing
    np.testing.assert_allclose(streamed.scalers_.scale, memory.scalers_.scale)
    np.testing.assert_allclose(streamed.scalers_.offset, memory.scalers_.offset)
    assert streamed.tails_.keys == memory.tails_.keys
    np.testing.assert_array_equal(streamed.tails_.values, memory.tails_.values)
    assert streamed.tails_.index.equals(memory.tails_.index)
    assert streamed.calibration_scores_.shape == memory.calibration_scores_.shape
    # the windows the stream yields, in storage order, are exactly the in-memory ones
    stack = memory._read(frame)
    scale, offset = memory._coefficients(stack, stack.lengths)
    inputs, targets, blocks = memory._layout(stack, scale, offset, np.arange(1, len(stack.keys) + 1))
    n_train, n_val, _ = memory._held_out(stack.lengths)
    spec = memory._spec()
    for part, name in ((0, "train"), (1, "val")):
        starts = stacked_window_starts(spec, targets, blocks, stack.lengths, n_train, n_val)[part]
        x, y = (np.concatenate(a) for a in zip(*make_dataset(inputs, targets, spec, starts, 16).as_numpy_iterator()))
        blocks_of, stream_spec = seen[name]
        sx, sy = (np.concatenate(a) for a in zip(*stream_batches(blocks_of(0), stream_spec, 16)))
        np.testing.assert_array_equal(sx, x)
        np.testing.assert_array_equal(sy, y)
    forecast = streamed.predict(level=0.9)
    assert len(forecast) == 12 * 6 and np.isfinite(forecast[["sales", "sales_lower", "sales_upper"]]).all().all()
    assert list(forecast.columns[:3]) == ["store", "date", "sales"]


def test_streamed_fit_is_reproducible_saves_and_loads(tmp_path):
    source = ParquetPanel(write(panel_frame(), tmp_path / "p.parquet"), id_col="store", chunk_rows=200)
    one = GlobalRNNForecaster(**FAST).fit(source, target="sales")
    two = GlobalRNNForecaster(**FAST).fit(source, target="sales")
    pd.testing.assert_frame_equal(one.predict(), two.predict())
    one.save(tmp_path / "model")
    loaded = GlobalRNNForecaster.load(tmp_path / "model")
    pd.testing.assert_frame_equal(loaded.predict(level=0.8), one.predict(level=0.8))
    assert loaded.scalers_["s03"].to_dict() == one.scalers_["s03"].to_dict()


def test_a_streamed_log_model_reads_every_chunk_in_log_units(tmp_path):
    frame = panel_frame()
    settings = {**FAST, "target_transform": "log", "interval_scale": "window"}
    memory = GlobalRNNForecaster(**settings).fit(frame, id_col="store", time_col="date", target="sales")
    streamed = GlobalRNNForecaster(**settings).fit(
        ParquetPanel(write(frame, tmp_path / "p.parquet"), id_col="store", chunk_rows=150), target="sales")
    np.testing.assert_allclose(streamed.scalers_.scale, memory.scalers_.scale)
    np.testing.assert_allclose(streamed.scalers_.offset, memory.scalers_.offset)
    np.testing.assert_array_equal(streamed.tails_.values, memory.tails_.values)
    last = frame.groupby("store").sales.last().to_numpy()
    np.testing.assert_allclose(np.exp(streamed.tails_.values[np.cumsum(streamed.tails_.lengths) - 1, 0]), last)
    forecast = streamed.predict(level=0.9)
    assert (forecast.sales_lower > 0).all() and (forecast.sales_lower < forecast.sales).all()
    assert (forecast.sales < forecast.sales_upper).all()


def test_unsorted_or_missing_parquet_is_one_clear_error(tmp_path):
    frame = panel_frame(n_series=4)
    shuffled = pd.concat([frame.iloc[:30], frame.iloc[60:], frame.iloc[30:60]], ignore_index=True)
    source = ParquetPanel(write(shuffled, tmp_path / "p.parquet"), id_col="store", chunk_rows=50)
    with pytest.raises(ValueError, match="'s00' is stored in two places.*sort it by id, then time"):
        GlobalRNNForecaster(**FAST).fit(source, target="sales")
    with pytest.raises(ValueError, match="Parquet data not found"):
        GlobalRNNForecaster(**FAST).fit(ParquetPanel(tmp_path / "nothing.parquet"))
    with pytest.raises(ValueError, match="pass `id_col` and `time_col` to it"):
        GlobalRNNForecaster(**FAST).fit(source, id_col="store")


def test_forecasts_in_bounded_pieces_equal_one_pass(monkeypatch):
    import forecastrnn.models.core as module

    frame = panel_frame()
    model = GlobalRNNForecaster(**FAST).fit(frame, id_col="store", target="sales")
    whole = model.predict(level=0.9)
    monkeypatch.setattr(module, "FORECAST_ROWS", 40)  # one series (24 + 6 rows) per piece
    pieces = list(model.tails_.groups(40, extra_rows=6))
    assert len(pieces) == 12 and pieces[0] == (0, 1)
    pd.testing.assert_frame_equal(model.predict(level=0.9), whole, rtol=1e-6)
    origins = {k: [40, 50] for k in model.tails_.keys}
    monkeypatch.setattr(module, "FORECAST_ROWS", 10**6)
    one = model.forecast_origins(frame, origins)[0]
    monkeypatch.setattr(module, "FORECAST_ROWS", 150)
    np.testing.assert_allclose(model.forecast_origins(frame, origins)[0], one, rtol=1e-6)


def test_a_streamed_panel_refuses_columns_it_would_read_differently_per_chunk(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 30), "year": 2000, "month": 1,
                          "day": np.tile(np.arange(1, 31), 2), "y": np.arange(60.0), "wind": "NW"})
    frame.to_parquet(tmp_path / "parts.parquet")
    with pytest.raises(ValueError, match="Received: 'year\\+month\\+day' \\(date parts or a text column"):
        ParquetPanel(tmp_path / "parts.parquet").settle()
    frame.assign(ds=pd.date_range("2000-01-01", periods=60, freq="D")).drop(columns=["year", "month", "day"]) \
        .to_parquet(tmp_path / "text.parquet")
    with pytest.raises(ValueError, match="Received: 'wind'"):
        ParquetPanel(tmp_path / "text.parquet").settle(features=["wind"])

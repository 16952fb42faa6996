"""Fuzzing the readers: whatever a file or frame holds, ``read_series`` and ``read_panel``
either return a valid frame or raise ValueError/TypeError with a one-line message."""

import os
import tempfile

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecastrnn.data import read_panel, read_series

FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = ["date", "month", "year", "day", "hour", "week", "quarter", "time", "ds", "No", "y", "value", "id",
         "unique_id", "x", ""]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m", "%y-%m", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z",
                "%d.%m.%y", "%Y"]
TOKENS = ["NA", "?", "", "-", "nan", "inf", "-inf", "abc", "1-01", "13-02", "2020-02-30", "1e400", "TRUE",
          "2021-03-28T02:30:00+01:00", "0x1F", "1,5", "\"a,b\"", "  7 ", "NW", "2020-W05"]


def cell(draw):
    kind = draw(st.sampled_from(["int", "float", "token", "date", "text"]))
    if kind == "int":
        return str(draw(st.integers(-5, 3000)))
    if kind == "float":
        return repr(draw(st.floats(allow_nan=True, allow_infinity=True, width=32)))
    if kind == "token":
        return draw(st.sampled_from(TOKENS))
    if kind == "date":
        day = draw(st.datetimes(min_value=pd.Timestamp("1700-01-01").to_pydatetime(),
                                max_value=pd.Timestamp("2200-01-01").to_pydatetime()))
        return day.strftime(draw(st.sampled_from(DATE_FORMATS)))
    return draw(st.text(alphabet="ab1-:/. ", max_size=6))


@st.composite
def csv_texts(draw):
    n_cols = draw(st.integers(1, 5))
    header = [draw(st.sampled_from(NAMES)) for _ in range(n_cols)]
    # Columns of one kind (as real files have) or mixed cells.
    regular = draw(st.booleans())
    rows = []
    n_rows = draw(st.integers(0, 14))
    if regular:
        start = draw(st.sampled_from(["2020-01-01", "1999-12-31 22:00", "2021-03-26"]))
        freq = draw(st.sampled_from(["D", "h", "MS", "W", "min"]))
        dates = pd.date_range(start, periods=n_rows, freq=freq, tz=draw(st.sampled_from([None, "Europe/Berlin"])))
        fmt = draw(st.sampled_from(DATE_FORMATS + ["iso"]))
        for i, stamp in enumerate(dates):
            first = stamp.isoformat() if fmt == "iso" else stamp.strftime(fmt)
            rows.append([first] + [cell(draw) if draw(st.integers(0, 9)) == 0 else str(i * (k + 1))
                                   for k in range(n_cols - 1)])
    else:
        rows = [[cell(draw) for _ in range(n_cols)] for _ in range(n_rows)]
    sep = draw(st.sampled_from([",", ",", ";"]))
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


COUNTS = {"inputs": 0, "read": 0, "refused": 0}


def outcome(read, source, **kwargs):
    COUNTS["inputs"] += 1
    try:
        frame = read(source, **kwargs)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert message.strip() and "\n" not in message.strip(), repr(message)
        COUNTS["refused"] += 1
        return
    COUNTS["read"] += 1
    assert len(frame) > 0
    values = frame[frame.attrs["features"]]
    assert all(dtype == np.float64 for dtype in values.dtypes), values.dtypes
    assert set(frame.attrs["target"]) <= set(frame.attrs["features"])
    if "id_col" not in frame.attrs:
        assert frame.index.is_unique and frame.index.is_monotonic_increasing
        if isinstance(frame.index, pd.DatetimeIndex):
            assert frame.index.freq is not None and frame.index.tz is None


def with_file(data: bytes, check):
    fd, path = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        check(path)
    finally:
        os.remove(path)


@FAST
@given(st.binary(max_size=400))
def fuzz_random_bytes(data):
    with_file(data, lambda path: outcome(read_series, path))


@FAST
@given(csv_texts())
def fuzz_csv_shapes(text):
    with_file(text.encode(), lambda path: outcome(read_series, path))


@FAST
@given(csv_texts(), st.sampled_from([None, "auto"]), st.sampled_from([None, "%Y-%m-%d", "%y-%m"]))
def fuzz_time_options(text, time_col, date_format):
    with_file(text.encode(), lambda path: outcome(read_series, path, time_col=time_col, date_format=date_format))


@FAST
@given(st.lists(st.one_of(st.integers(-3, 3), st.floats(allow_nan=True, width=32), st.text(max_size=3),
                          st.booleans(), st.none()), min_size=0, max_size=12),
       st.sampled_from(["y", "month", "date", "year"]))
def fuzz_frames_of_any_type(values, name):
    frame = pd.DataFrame({name: pd.Series(values, dtype=object), "v": range(len(values))})
    outcome(read_series, frame)


@FAST
@given(csv_texts(), st.sampled_from(["id", "unique_id", "y"]))
def fuzz_panels(text, id_col):
    with_file(text.encode(), lambda path: outcome(read_panel, path, id_col=id_col))


def test_readers_read_or_refuse_in_one_line(record_property):
    for fuzz in (fuzz_random_bytes, fuzz_csv_shapes, fuzz_time_options, fuzz_frames_of_any_type, fuzz_panels):
        fuzz()
    record_property("fuzz_counts", dict(COUNTS))
    assert COUNTS["read"] > 50 and COUNTS["refused"] > 50, COUNTS  # both outcomes are exercised

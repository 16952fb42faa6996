"""Read a CSV file, DataFrame, Series or array into a clean, regular, validated frame.

Everything downstream (splits, scalers, windows, models, baselines) takes the frame that
:func:`read_series` returns, so the checks live here once:

* the time column is found (or given), parsed, and becomes a ``DatetimeIndex``;
* timestamps must be unique; rows out of time order are sorted, and a warning says so;
* the frequency is inferred and the frame is put on a regular grid, gaps becoming NaN rows;
* the target(s) and input features are chosen and must be numeric.

What was understood is kept in ``frame.attrs`` (see :func:`read_series`).
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import itertools
import logging
import lzma
import os
import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd

from forecastrnn.defaults import AUTO  # time_col="auto": find the time axis; None: the data has none

logger = logging.getLogger("forecastrnn")

# Text columns with these names are taken for the time column when ``time_col="auto"``.
TIME_COLUMN_NAMES = ("date", "datetime", "timestamp", "time", "ds", "month", "period", "day")
# Numeric columns with these names holding 20,000 to 80,000 are spreadsheet serial dates (43831 is
# 2020-01-01); not ``time`` or ``period``, which often count steps.
EXCEL_DATE_NAMES = ("date", "datetime", "timestamp", "ds", "day")
# Whole-number columns that spell the time in parts, longest first (``year`` alone: yearly).
DATE_PARTS = (("year", "month", "day", "hour", "minute"), ("year", "month", "day", "hour"),
              ("year", "month", "day"), ("year", "month"), ("year", "quarter"), ("year", "week"), ("year",))
# Whole-number columns with these names that count the steps one by one (``ds`` = 1, 2, 3 ...,
# as long-format files often number them) are the rows' positions, not an input.
STEP_COLUMN_NAMES = ("ds", "time", "t", "step", "timestep", "time_idx", "period", "date", "timestamp")
NUMBERED = "as positions numbered by "  # how such a column was read (``time_read``), then its name
# Numeric columns with these names that just number the rows are left out of the inputs.
ROW_COUNTER_NAMES = ("no", "no.", "index", "id", "row", "unnamed: 0", "")
SERIES_ID_NAMES = ("unique_id", "item_id", "series_id")  # the id column of long data (nixtla, AutoGluon ...)
ROWS_SORTED = "the rows were not in time order: read sorted by time"
# Cells read as missing besides pandas' own markers ("", "NA", "N/A", "NaN", "null", "#N/A" ...).
MISSING_MARKERS = ["?", "-", "--", ".", "na", "none", "missing", "nil", "NAN"]
# Dates written as numbers only, whose order (day or month first, year or month) is ambiguous.
_NUMBER_DATE = r"^\s*(\d{1,2})([-/.])(\d{1,2})(?:\2(\d{2}|\d{4}))?(?=$|[ T])"
_CLOCK = r"\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*"
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})\s*$"
# Field delimiters a CSV file may use; the one that splits its first lines evenly is taken.
DELIMITERS = (",", ";", "\t", "|")
# Numbers written as text: with commas between thousands ("1,234.5", read in comma-delimited
# files) or a decimal comma and maybe dots between thousands ("1.234,5", in other files),
# after currency signs, percent signs and spaces are taken away ("$1,234", "5 %").
_THOUSANDS_COMMA = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?")
_SIGNS = r"[\s$€£¥%]"
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
# Text encodings tried in turn: UTF-8, then Windows' Western one (what spreadsheets save
# there), then Latin-1, which reads any byte.
ENCODINGS = ("utf-8", "cp1252", "latin-1")
_NOT_CSV = {".json": "a JSON file", ".jsonl": "a JSON file", ".ndjson": "a JSON file", ".xlsx": "an Excel workbook",
            ".xls": "an Excel workbook", ".ods": "a spreadsheet", ".feather": "a Feather file", ".h5": "an HDF5 file",
            ".pkl": "a pickle", ".xml": "an XML file"}  # files that are not text tables: refused by their name
MAX_PREAMBLE = 10  # lines before a CSV table's header (a title, a source, comments) that are skipped
# A table of years by months or quarters (a row per year, a column per month: how many
# statistics offices publish) is read as one series: its columns in calendar order.
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_QUARTER_COLUMN = re.compile(r"^q(?:tr|uarter)?\s*([1-4])$")


def _one_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _to_frame(source, text_columns=()) -> tuple[pd.DataFrame, str]:
    """Turn any accepted source into a raw DataFrame and a short name for messages (a CSV
    file's ``text_columns`` read as text: ids written ``001``)."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.exists(path):
            raise ValueError(f"Data file not found. Expected an existing CSV file. Received: {path!r}")
        if os.path.isdir(path):
            raise ValueError(f"Expected a CSV file, not a directory. Received: {path!r}")
        if path.lower().endswith((".parquet", ".pq")):
            return _read_parquet(path), os.path.basename(path)
        if _is_tsf(path):
            frame = _read_tsf(path)
            what = ", ".join(filter(None, [f"{frame['unique_id'].nunique()} series", frame.attrs["tsf_frequency"]]))
            return frame, f"{os.path.basename(path)} (a .tsf file of the Monash archive: {what})"
        other = next((kind for suffix, kind in _NOT_CSV.items() if path.lower().endswith(suffix)), None)
        if other is not None:
            raise ValueError(f"Expected a CSV or Parquet file. Received: {os.path.basename(path)!r}, {other}; "
                             "read it with pandas and pass the DataFrame (API), or save it as CSV")
        frame = _read_csv(path, text_columns)
        line, units, totals = frame.attrs.pop("header_line"), frame.attrs.pop("units"), frame.attrs.pop("totals")
        repeats = frame.attrs.pop("repeated_headers")
        said = " (no header line: columns " + ", ".join(map(str, frame.columns)) + ")" if line == 0 else \
            f" (the table from line {line})" if line > 1 else ""
        said += f" (the row of units under the header left out: {units})" if units else ""
        said += f" (the summary row(s) at the end left out: {totals})" if totals else ""
        said += f" (the header line repeated inside the file left out, {repeats} time(s))" if repeats else ""
        return frame, os.path.basename(path) + said
    if isinstance(source, pd.DataFrame):  # named by the file it was read from, when it says so
        return source.copy(), str(source.attrs.get("source", "DataFrame"))
    if isinstance(source, pd.Series):
        return source.to_frame(name=source.name if source.name is not None else "y"), "Series"
    if isinstance(source, (np.ndarray, list)):
        values = np.asarray(source)
        if values.ndim == 1:
            return pd.DataFrame({"y": values}), "array"
        if values.ndim == 2:
            return pd.DataFrame(values, columns=[f"x{i}" for i in range(values.shape[1])]), "array"
        raise ValueError(f"An array source must be 1-D or 2-D (time x columns). Received: shape={values.shape}")
    raise TypeError(
        "`source` must be a CSV path, pandas DataFrame/Series or numpy array. "
        f"Received: {type(source).__name__}")


def _first_lines(path: str, n: int = 50) -> list:
    """The first ``n`` whole lines of a (maybe compressed) text file; none when it cannot be read."""
    opener = _OPENERS.get(os.path.splitext(path)[1].lower(), open)
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            return list(itertools.islice(f, n))
    except (OSError, EOFError, ValueError, lzma.LZMAError):
        return []


def _table_fields(lines: list, delimiter: str) -> int:
    """How many fields ``delimiter`` splits every non-blank line of ``lines`` into (the header
    and at least one row); 0 when they differ, or when that is fewer than two."""
    counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
    return counts[0] if len(counts) > 1 and counts[0] > 1 and len(set(counts)) == 1 else 0


def sniff_layout(lines: list) -> tuple[str, int]:
    """The delimiter and the header's line number: the delimiter that splits the header and
    every following sample line into the same number (at least two) of fields, the most
    fields if several do. The header is the first line unless lines before the table stop
    that: then it is the first line after a blank or ``#`` line from which the rest splits
    evenly, else the first line after lines of fewer fields (a title). ``(",", 0)`` when
    nothing splits evenly."""
    def best(start):
        fields = {d: _table_fields(lines[start:], d) for d in DELIMITERS}
        d = max(DELIMITERS, key=lambda k: fields[k])  # the first of the most fields
        return d, fields[d]

    delimiter, fields = best(0)
    if fields or not lines:
        return delimiter, 0
    head = range(1, min(len(lines) - 1, MAX_PREAMBLE + 1))
    after_breaks = [i for i in head if not lines[i - 1].strip() or lines[i - 1].lstrip().startswith("#")]
    for i in after_breaks + [i for i in head if i not in after_breaks]:
        delimiter, fields = best(i)
        titles = all(len(row) < fields for row in csv.reader(lines[:i], delimiter=delimiter) if row)
        names = next(csv.reader(lines[i:i + 1], delimiter=delimiter), [])
        numbers = any(re.fullmatch(r"\s*[+-]?[\d.,]+\s*", name) for name in names)  # a row of data, not names
        if fields and (i in after_breaks or titles) and not numbers:
            return delimiter, i
    return ",", 0


def _is_tsf(path: str) -> bool:
    name = os.path.basename(path).lower()
    return name.endswith(".tsf") or any(name.endswith(".tsf" + suffix) for suffix in _OPENERS)


# The Monash archive's frequencies: calendar steps (kept on the start's day of the month) or fixed ones.
_TSF_MONTHS = {"yearly": 12, "quarterly": 3, "monthly": 1}
_TSF_STEPS = {"weekly": "7D", "daily": "1D", "hourly": "1h", "half_hourly": "30min", "minutely": "1min"}
_TSF_UNITS = {"seconds": "s", "minutes": "min", "hours": "h", "days": "D"}


def _read_tsf(path: str, max_series: int | None = None) -> pd.DataFrame:
    """A file of the Monash forecasting archive (``.tsf``: ``@attribute`` lines, ``@frequency``,
    then after ``@data`` one series a line, ``name:start:v1,v2,...``, ``?`` for a missing
    value) as long data: ``unique_id``, ``ds`` (from each series' start timestamp and the
    frequency, when the file has both; else steps numbered 1, 2, 3 ...), ``y``; other
    attributes are not read. ``attrs["tsf_frequency"]``: the file's frequency (or None)."""
    attributes, frequency, rows = [], None, []
    with _OPENERS.get(os.path.splitext(path)[1].lower(), open)(path, "rt", encoding="utf-8", errors="replace") as fh:
        data = False
        for number, line in enumerate(fh, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not data:
                words = line.split()
                key = words[0].lower()
                if key == "@attribute" and len(words) >= 3:
                    attributes.append((words[1], words[2].lower()))
                elif key == "@frequency" and len(words) >= 2:
                    frequency = words[1].lower()
                data = key == "@data"
                continue
            fields = line.split(":")
            if len(fields) != len(attributes) + 1:
                raise ValueError(f"Could not read {path!r} as a .tsf file: expected {len(attributes)} attribute(s) "
                                 f"and the values, separated by ':', on every line after @data. Received: "
                                 f"{len(fields)} field(s) on line {number}")
            rows.append(fields)
            if max_series is not None and len(rows) >= max_series:
                break
    if not rows:
        raise ValueError(f"Could not read {path!r} as a .tsf file: expected series after an @data line. Received: none")
    names = [a for a, _ in attributes]
    id_at = names.index("series_name") if "series_name" in names else 0
    start_at = next((i for i, (_, kind) in enumerate(attributes) if kind == "date"), None)
    step = _tsf_step(frequency)
    parts = []
    for fields in rows:
        y = pd.to_numeric(pd.Series(fields[-1].split(",")).str.strip().replace("?", np.nan), errors="coerce")
        part = {"unique_id": fields[id_at].strip()}
        if start_at is not None and step is not None:
            start = pd.Timestamp(pd.to_datetime(fields[start_at].strip(), format="%Y-%m-%d %H-%M-%S"))
            part["ds"] = pd.date_range(start, periods=len(y), freq=step)
        else:
            part["ds"] = np.arange(1, len(y) + 1)
        parts.append(pd.DataFrame({**part, "y": y.to_numpy(dtype="float64")}))
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs["tsf_frequency"] = frequency
    return frame


def _tsf_step(frequency: str | None):
    """The step of a .tsf frequency (``monthly``, ``half_hourly``, ``10_minutes`` ...), or None."""
    if frequency in _TSF_MONTHS:
        return pd.DateOffset(months=_TSF_MONTHS[frequency])
    if frequency in _TSF_STEPS:
        return pd.Timedelta(_TSF_STEPS[frequency])
    match = re.fullmatch(r"(\d+)_(seconds|minutes|hours|days)", frequency or "")
    return pd.Timedelta(f"{match.group(1)}{_TSF_UNITS[match.group(2)]}") if match else None


def peek_columns(path) -> list:
    """The column names of a CSV or Parquet file, read from its header alone ([] when that
    cannot be read: the full read says why)."""
    path = os.fspath(path)
    if _is_tsf(path):
        return ["unique_id", "ds", "y"]
    if path.lower().endswith((".parquet", ".pq")):
        try:
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        except (ImportError, OSError, ValueError):
            return []
    lines = _first_lines(path)
    delimiter, header = sniff_layout(lines)
    return [name.strip() for name in next(csv.reader(lines[header:header + 1], delimiter=delimiter), [])]


def peek_frame(path, rows: int = 50) -> pd.DataFrame:
    """The first ``rows`` data rows of a CSV or Parquet file (an empty frame when they cannot
    be read: the full read says why)."""
    path = os.fspath(path)
    if _is_tsf(path):
        try:
            return _read_tsf(path, max_series=rows).head(rows)
        except (OSError, ValueError):
            return pd.DataFrame()
    if path.lower().endswith((".parquet", ".pq")):
        try:
            import pyarrow.parquet as pq

            return next(pq.ParquetFile(path).iter_batches(batch_size=rows)).to_pandas()
        except (ImportError, OSError, ValueError, StopIteration):
            return pd.DataFrame()
    lines = _first_lines(path, rows + MAX_PREAMBLE + 1)
    delimiter, header = sniff_layout(lines)
    try:
        return pd.read_csv(io.StringIO("".join(lines[header:header + rows + 1])), sep=delimiter,
                           skipinitialspace=True, na_values=MISSING_MARKERS, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return pd.DataFrame()


_NUMBERED_NAME = re.compile(r"^(\D*?)(\d+)$")
MIN_ROW_STEPS = 8  # numbered value columns that make a table of one series per row


def rows_layout(frame: pd.DataFrame, id_col=None) -> tuple[str, list] | None:
    """``(id column, value columns)`` of a table holding one series per row, as the M3 and
    M4 competitions' files do: a column of ids (text, one per row, not dates; ``id_col`` when
    given) and the values in numeric columns numbered one by one (``1, 2, 3 ...`` or ``V2,
    V3 ...``, at least 8), shorter series ending in empty cells; None for any other table."""
    run, best = [], []
    for column in frame.columns:
        match = _NUMBERED_NAME.match(str(column).strip())
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        if match and numeric and run and match[1] == run[-1][1] and int(match[2]) == run[-1][2] + 1:
            run.append((column, match[1], int(match[2])))
        else:
            run = [(column, match[1], int(match[2]))] if match and numeric else []
        best = run if len(run) > len(best) else best
    if len(best) < MIN_ROW_STEPS or len(frame) == 0:
        return None
    steps = [c for c, _, _ in best]
    if id_col is not None:
        given = id_col in frame.columns and id_col not in steps and frame[id_col].is_unique  # long data repeats ids
        return (id_col, steps) if given else None
    ids = [c for c in frame.columns if c not in steps and not pd.api.types.is_numeric_dtype(frame[c])
           and frame[c].notna().all() and frame[c].is_unique and not _looks_like_times(frame[c])]
    return (ids[0], steps) if ids else None


def rows_to_long(frame: pd.DataFrame, id_col, steps: list) -> pd.DataFrame:
    """A table of one series per row (:func:`rows_layout`) as long data: ``id_col``, ``ds``
    (the steps 1, 2, 3 ... of each series) and ``y``, each series up to its last value (the
    empty cells after it are not part of it; empty cells before it are gaps)."""
    values = frame[steps].to_numpy(dtype="float64")
    seen = np.isfinite(values)
    lengths = np.where(seen.any(axis=1), values.shape[1] - np.argmax(seen[:, ::-1], axis=1), 0)
    keep = np.arange(values.shape[1]) < lengths[:, None]
    return pd.DataFrame({id_col: np.repeat(frame[id_col].to_numpy(), lengths),
                         "ds": np.concatenate([np.arange(1, n + 1) for n in lengths]),
                         "y": values[keep]})


def _numbers_in_text(frame: pd.DataFrame, delimiter: str) -> pd.DataFrame:
    """Text columns whose every value is a number with separators, a currency or a percent
    sign become numbers (``"1,234.5"``, ``"$3.50"``, ``"5%"`` -> 5; a decimal comma where
    the fields are not delimited by commas: ``"1.234,5"``)."""
    pattern, thousands = (_THOUSANDS_COMMA, ",") if delimiter == "," else (_DECIMAL_COMMA, ".")
    for name in frame.select_dtypes(exclude=["number", "bool", "datetime"]).columns:
        text = frame[name].dropna().astype(str)
        if text.empty or not pattern.fullmatch(re.sub(_SIGNS, "", text.iloc[0])):
            continue  # ids, dates, labels: one look at the first value
        bare = text.str.replace(_SIGNS, "", regex=True)
        if (bare.str.contains(",") | (bare != text)).any() and bare.str.fullmatch(pattern).all():
            bare = frame[name].astype(str).str.replace(_SIGNS, "", regex=True).str.replace(thousands, "", regex=False)
            frame[name] = pd.to_numeric(bare.str.replace(",", ".", regex=False).where(frame[name].notna()))
    return frame


def _read_csv(path: str, text_columns=()) -> pd.DataFrame:
    """A CSV file delimited by commas, semicolons, tabs or bars, numbers written as text read
    (:func:`_numbers_in_text`), a row of units under the header left out (:func:`_units_row`);
    a row with more fields than the header is an error, not an index. ``text_columns`` are
    read as text (ids written ``001``)."""
    lines = _first_lines(path)
    if any("\x00" in line for line in lines):  # never in CSV text
        raise ValueError(f"Could not parse {path!r} as CSV: expected a text file (UTF-8, cp1252 or Latin-1). "
                         "Received: binary data (a spreadsheet? save it as CSV)")
    delimiter, header = sniff_layout(lines)
    first = next(csv.reader(lines[header:header + 1], delimiter=delimiter), [])
    names = _data_names(first)
    frame, caught = _csv_frame(path, delimiter, header, names, text_columns)
    units = None
    if names is None and _units_row(frame):  # read again without it: the columns' types as the data's
        units = ", ".join(str(v) for v in frame.iloc[0].dropna())
        frame, caught = _csv_frame(path, delimiter, [*range(header), header + 1], names, text_columns)
    if any("does not match length of data" in str(w.message) for w in caught):
        most = max((len(row) for row in csv.reader(lines[header:], delimiter=delimiter)), default=0)
        received = f"a row of {most} fields" if most > len(frame.columns) else "longer rows"
        raise ValueError(f"Could not parse {path!r} as CSV: expected every row to have as many fields as the "
                         f"header ({len(frame.columns)}, delimiter {delimiter!r}). Received: {received}")
    repeated = _header_rows(frame)  # files exported in parts and joined: the header again inside
    if repeated.any():
        frame = frame[~repeated].reset_index(drop=True)
        for name in frame.select_dtypes(exclude=["number", "bool", "datetime"]).columns:
            numbers = pd.to_numeric(frame[name], errors="coerce")
            if numbers.notna().sum() == frame[name].notna().sum():
                frame[name] = numbers
    frame = _numbers_in_text(frame, delimiter)
    totals = _summary_rows(frame)
    frame = frame.iloc[:len(frame) - len(totals)]
    # a delimiter at the end of every line: an unnamed column of nothing, not data
    frame = frame.drop(columns=[c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()])
    frame.attrs["header_line"] = 0 if names else header + 1
    frame.attrs["units"], frame.attrs["totals"] = units, ", ".join(map(repr, totals))
    frame.attrs["repeated_headers"] = int(repeated.sum())
    return frame


def _csv_frame(path: str, delimiter: str, skip, names, text_columns=()) -> tuple[pd.DataFrame, list]:
    """``(frame, parser warnings)`` of the CSV file after the ``skip`` lines (a number, or
    which), in the first of :data:`ENCODINGS` that reads it."""
    for encoding in ENCODINGS:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                frame = pd.read_csv(path, sep=delimiter, skipinitialspace=True, na_values=MISSING_MARKERS,
                                    index_col=False, encoding=encoding, skiprows=skip,
                                    header=None if names else "infer", names=names,
                                    dtype={c: str for c in text_columns} or None)
            return frame, caught
        except UnicodeDecodeError:  # the next encoding; Latin-1 reads any byte
            continue
        except pd.errors.EmptyDataError:
            raise ValueError(f"The CSV file is empty: expected a header line and data rows. Received: {path!r}")
        except (pd.errors.ParserError, ValueError, OverflowError) as exc:
            raise ValueError(f"Could not parse {path!r} as CSV: {_one_line(exc)}") from None
    raise AssertionError("Latin-1 reads any byte")


def zero_padded(path, column: str) -> bool:
    """Whether the CSV file's ``column`` writes codes with leading zeros (``001``, ``0042``) in
    its first lines: ids, which read as numbers would lose them."""
    path = os.fspath(path)
    lines = [] if path.lower().endswith((".parquet", ".pq")) or _is_tsf(path) else _first_lines(path)
    if not lines:
        return False
    delimiter, header = sniff_layout(lines)
    rows = list(csv.reader(lines[header:], delimiter=delimiter))
    names = [n.strip() for n in rows[0]] if rows else []
    if column not in names:
        return False
    i = names.index(column)
    return any(len(r) > i and re.fullmatch(r"\s*0\d+\s*", r[i]) for r in rows[1:])


def _header_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows repeat the header line (every cell its column's name)."""
    if frame.empty or any(str(c).startswith("Unnamed: ") for c in frame.columns):
        return np.zeros(len(frame), dtype=bool)
    same = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        same &= (frame[name].astype(str).str.strip() == str(name).strip()).to_numpy()
        if not same.any():
            break
    return same


_SUMMARY = re.compile(r"(grand |sub-?)?(total|sum|average|mean|avg|overall)s?:?", re.IGNORECASE)


def _summary_rows(frame: pd.DataFrame) -> list:
    """The labels of the (at most three) rows at the end of a spreadsheet export that sum or
    average the table: ``Total``, ``Grand total``, ``Average`` in the first column and only
    numbers or empty cells beside it (no date: a series named "Total" is data)."""
    if len(frame) < 6 or frame.columns.empty:
        return []
    labels = []
    for _, row in frame.iloc[:-4:-1].iterrows():
        label, rest = row.iloc[0], row.iloc[1:].dropna()
        if not (isinstance(label, str) and _SUMMARY.fullmatch(label.strip())) \
                or not all(isinstance(v, (int, float, np.number)) for v in rest):
            break
        labels.append(label.strip())
    return labels[::-1]


def _units_row(frame: pd.DataFrame) -> bool:
    """Whether the first row under the header names units (``tonnes``, ``EUR``, ``%``): text
    in every filled cell, no number or date among them, and some column holding numbers in
    every other row."""
    if len(frame) < 3:
        return False
    first = frame.iloc[0].dropna()
    if first.empty or any(_is_number_text(v) or _looks_like_times(pd.Series([str(v)])) for v in first):
        return False
    below = frame.iloc[1:]
    return any(below[c].notna().any() and pd.to_numeric(below[c].dropna(), errors="coerce").notna().all()
               for c in first.index)


def _is_number_text(value) -> bool:
    try:
        float(str(value).replace(",", ".").strip())
    except ValueError:
        return False
    return True


def _data_names(fields: list) -> list | None:
    """Column names for a file whose first line is data, not names (numbers, and maybe a date
    first: ``112`` or ``2020-01-01,112``): ``time`` for a date, ``y`` for the last column,
    ``column_<i>`` for others; None when the line holds names (``0,1,2``, as pandas writes
    unnamed columns, are names)."""
    if [f.strip() for f in fields] in ([str(i) for i in range(start, start + len(fields))] for start in (0, 1)):
        return None  # pandas' default names of unnamed columns (0, 1, 2 ...): a header
    numbers = [bool(re.fullmatch(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", f)) for f in fields]
    dates = [not n and _looks_like_times(pd.Series([f])) for f, n in zip(fields, numbers)]
    if not fields or not any(numbers) or not all(n or d for n, d in zip(numbers, dates)) or sum(dates) > 1:
        return None
    return ["time" if d else "y" if i == len(fields) - 1 else f"column_{i + 1}" for i, d in enumerate(dates)]


def _read_parquet(path: str) -> pd.DataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ValueError(f"Reading Parquet needs pyarrow. Received: {path!r}; install it with "
                         "pip install 'forecastrnn[parquet]'") from None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"Could not read {path!r} as Parquet: {_one_line(exc)}") from None


def _wall_time(index: pd.DatetimeIndex, utc: pd.DatetimeIndex | None = None) -> tuple[pd.DatetimeIndex, str | None]:
    """Time-zone-aware timestamps as local wall time (a day stays a day across a daylight-saving
    change), or as UTC when wall time repeats an hour (hourly data when clocks go back)."""
    if index.tz is None and utc is None:
        return index, None
    wall = index.tz_localize(None) if index.tz is not None else index
    if not wall.has_duplicates:
        return wall, "local wall time"
    return (utc if utc is not None else index.tz_convert("UTC")).tz_localize(None), "UTC"


def _pad(text: pd.Series) -> pd.Series:
    """Single digits zero-padded ("1-01" -> "01-01"): strptime's %y, %m, %d want two."""
    return text.str.replace(r"(?<!\d)(\d)(?!\d)", r"0\g<1>", regex=True)


def _number_dates(text: pd.Series, name: str) -> tuple[pd.DatetimeIndex, str] | None:
    """Dates written as numbers only ("1-01", "03/04/2020"): the one reading the values allow (a
    field over 12 is a day or a year) or, when several do, the one that gives a regular,
    gap-free grid. None when the values are not of that kind; an error when still ambiguous."""
    if not text.head(20).str.match(_NUMBER_DATE).all():  # the common case, at the cost of 20 values
        return None
    parts = text.str.extract(_NUMBER_DATE)
    if parts[0].isna().any() or parts[3].notna().any() != parts[3].notna().all():
        return None
    first, second, sep = parts[0].astype(int), parts[2].astype(int), parts[1].iloc[0]
    if parts[3].notna().all():
        readings = {"month first": (lambda: pd.to_datetime(text, format="mixed", dayfirst=False), first.max() <= 12),
                    "day first": (lambda: pd.to_datetime(text, format="mixed", dayfirst=True), second.max() <= 12)}
    else:
        readings = {f"year-month (%y{sep}%m)": (lambda: pd.to_datetime(_pad(text), format=f"%y{sep}%m"),
                                               second.max() <= 12),
                    f"month-day (%m{sep}%d)": (lambda: pd.to_datetime(_pad(text), format=f"%m{sep}%d"),
                                               first.max() <= 12)}
    fits = {}
    for label, (parse, possible) in readings.items():
        if not possible:
            continue
        try:
            index = pd.DatetimeIndex(parse())
        except (ValueError, TypeError, OverflowError):
            continue
        fits[label] = index
    if len(fits) > 1:
        fits = {label: index for label, index in fits.items()
                if index.is_monotonic_increasing and _pandas_infer_freq(index) is not None}
    if len(fits) == 1:
        return next(iter(fits.values())), next(iter(fits))
    raise ValueError(f"Time column {name!r} holds dates written as numbers only, such as {text.iloc[0]!r}, whose "
                     f"order is ambiguous ({' or '.join(readings)}). Received: no single reading gives a regular "
                     "grid; pass `date_format` (CLI --date-format), e.g. '%d/%m/%Y' or '%y-%m'")


def _parse_times(values: pd.Series, name: str, date_format: str | None = None) -> tuple[pd.DatetimeIndex, str | None]:
    """Parse a column into timestamps and say how, when it is not plain (``"local wall time"``,
    ``"year-month (%y-%m)"`` ...). Any unparseable value is an error naming it; dates written
    as numbers only are never read by guesswork; time-zone-aware ones become wall time;
    months dated on one later day of the month are their first days (:func:`_on_month_starts`),
    a logger's jittered times are rounded to their clock grid (:func:`_on_clock_grid`)."""
    return _on_grid(*_parse_written_times(values, name, date_format))


def _on_grid(index: pd.DatetimeIndex, how: str | None) -> tuple[pd.DatetimeIndex, str | None]:
    return _on_clock_grid(*_on_month_starts(index, how))


def _span(nanoseconds) -> str:
    """A duration as people write it: ``4 s``, ``15 min``, ``1 h``, ``1 day``."""
    for size, unit in ((86400, "day"), (3600, "h"), (60, "min"), (1, "s")):
        if nanoseconds >= size * 10 ** 9 or unit == "s":
            return f"{nanoseconds / (size * 10 ** 9):.3g} {unit}"


# Clock steps a logger's jittered timestamps are rounded to, longest first (:func:`_on_clock_grid`).
_CLOCK_STEPS = ("1D", "12h", "8h", "6h", "4h", "3h", "2h", "1h", "30min", "20min", "15min", "10min", "5min", "2min",
                "1min", "30s", "20s", "15s", "10s", "5s", "2s", "1s")


def _on_clock_grid(index: pd.DatetimeIndex, how: str | None) -> tuple[pd.DatetimeIndex, str | None]:
    """Timestamps off a clock grid by varying amounts of at most a tenth of its step (a
    logger's jitter: ``10:00:03``, ``11:00:01``, ``11:59:58``), rounded to the longest such
    step's grid, and said; others as they are (on a grid, or all off it by the same amount,
    as ``23:59:59`` every day: a regular grid already)."""
    if len(index) < 3 or index.hasnans:
        return index, how
    values, tick = index.asi8, pd.Timedelta(1, unit=index.unit).value  # in the index's unit (1659 has no ns)
    apart = np.abs(np.diff(values))  # in the rows' order: a step apart, within a series
    for step in _CLOCK_STEPS:
        unit = pd.Timedelta(step).value // tick
        offset = (values + unit // 2) % unit - unit // 2  # signed: from the nearest grid point
        if np.abs(offset).max() > unit // 10 or np.median(apart) < unit // 2:  # (seconds near whole minutes)
            continue
        if (offset == offset[0]).all() or (np.diff(values - offset) == 0).sum() > (apart == 0).sum():
            return index, how  # on a grid already, or rounding would make two rows one
        said = f"times up to {_span(np.abs(offset).max() * tick)} off the {_span(unit * tick)} grid: rounded to it"
        rounded = pd.DatetimeIndex((values - offset).astype(f"datetime64[{index.unit}]"), name=index.name)
        rounded = rounded.tz_localize("UTC").tz_convert(index.tz) if index.tz else rounded
        return rounded, said if how is None else f"{how}; {said}"
    return index, how


def _on_month_starts(index: pd.DatetimeIndex, how: str | None) -> tuple[pd.DatetimeIndex, str | None]:
    """Timestamps a month or more apart, all at midnight on the same day ``d`` (2 to 28) of
    their months (monthly readings on the 15th), moved to their months' first days, which
    lie on pandas' calendar grids (``MS``, ``QS``, ``YS``), and said; others as they are."""
    if len(index) < 3 or index.hasnans or not (index == index.normalize()).all():
        return index, how
    d = int(index.day[0])
    unique = np.unique(index.to_numpy())
    if not 1 < d <= 28 or not (index.day == d).all() or len(np.unique(index.year * 12 + index.month)) < len(unique):
        return index, how
    said = f"dated on day {d} of each month: read as the months' first days"
    return index - pd.Timedelta(days=d - 1), said if how is None else f"{how}; {said}"


def _parse_written_times(values: pd.Series, name: str, date_format: str | None = None):
    if pd.api.types.is_datetime64_any_dtype(values):
        return _wall_time(pd.DatetimeIndex(values))
    if isinstance(values.dtype, pd.PeriodDtype):  # periods: their first instants
        return pd.DatetimeIndex(values.dt.to_timestamp()), None
    compact = _number_times(values) or _excel_days(values)
    if compact is not None:
        return compact
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(
            f"Time column {name!r} must hold dates or timestamps. "
            f"Received: numeric values such as {values.iloc[0]!r}; date parts in columns named year, month, "
            "day, hour (or year+week, year+quarter) are read without `time_col`; `time_col=None` "
            "(CLI --time-col none) reads rows as positions"
        )
    text = values.astype(str).str.strip().where(values.notna(), None)
    if date_format is None and _ISO_DATE.match(str(text.iloc[0])):  # the common case, parsed in one pass
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        if not parsed.isna().any():
            return _wall_time(pd.DatetimeIndex(parsed))
    utc = None
    labels = _period_labels(text) if date_format is None and text.notna().all() else None
    if labels is not None:
        parsed = labels[0]
    elif date_format is not None:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        if parsed.isna().any():
            parsed = parsed.fillna(pd.to_datetime(_pad(text), format=date_format, errors="coerce"))
    else:
        numeric = _number_dates(text, name) if text.notna().all() else None
        if numeric is not None:
            return numeric
        try:
            parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        except (ValueError, TypeError):  # several UTC offsets (a daylight-saving change)
            parsed = pd.to_datetime(text.str.replace(_OFFSET, "", regex=True), errors="coerce", format="mixed")
            utc = pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", format="mixed", utc=True))
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        how = f" with date_format={date_format!r}" if date_format else ""
        cell = "an empty cell" if pd.isna(values.iloc[row]) else repr(values.iloc[row])
        raise ValueError(f"Time column {name!r} must hold parseable dates{how}. Received: {cell} at row {row}")
    early = (parsed.dt.year < 100).to_numpy()  # a label without a year ("10-Jan", "Mar 5"), which pandas
    if early.any():  # dates in year 1 (history from 1659 is read as it is)
        row = int(np.argmax(early))
        raise ValueError(f"Time column {name!r} must hold dates with a year. Received: {values.iloc[row]!r} at row "
                         f"{row}, read as year {parsed.iloc[row].year}; pass `date_format` (CLI --date-format), "
                         "e.g. '%d-%b-%Y'")
    return (pd.DatetimeIndex(parsed), labels[1]) if labels else _wall_time(pd.DatetimeIndex(parsed), utc)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2}(?:[ T]\d{2}(?::\d{2}){1,2}(?:\.\d+)?)?)?$")  # 1949-01, 2020-01-05 10:00
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})(?:-?([1-7]))?$", re.IGNORECASE)
_QUARTER = re.compile(r"^(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))$", re.IGNORECASE)
_MONTH_LABEL = re.compile(r"^(\d{4})\s*-?M(0?[1-9]|1[0-2])$", re.IGNORECASE)  # 2020M01: IMF, Eurostat, Stata
_FISCAL = re.compile(r"\bFY\s*'?(?=\d{4}\b)", re.IGNORECASE)  # FY2020, FY 2020: a fiscal year's label
_COLON_PERIOD = re.compile(r"^(\d{4}):(\d{1,2})$")  # 1995:01 (months), 1995:1 (quarters): gretl's, RATS' way
_MONTH_YY = re.compile(r"^([A-Za-z]{3,9})\.?\s*[-/ ']?\s*(\d{2})$")  # Jan-10: Excel's month format (mmm-yy)


def _period_labels(text: pd.Series) -> tuple[pd.Series, str] | None:
    """:func:`_calendar_labels`, and the same written as fiscal years (``FY2020``, ``FY2020
    Q1``, ``Q3 FY 2019``: a company's reports), read as the calendar years they name (the
    fiscal year's own start month is not in the label; the season is the same)."""
    values = text.dropna().astype(str)
    if values.empty or not values.str.contains(_FISCAL).all():
        return _calendar_labels(text)
    plain = text.where(text.isna(), text.astype(str).str.replace(_FISCAL, "", regex=True).str.strip())
    if plain.dropna().str.fullmatch(r"\d{4}").all():
        stamps = pd.to_datetime(plain, format="%Y", errors="coerce")
        return stamps, "fiscal years FY2020, read as calendar years"
    found = _calendar_labels(plain)
    return None if found is None else (found[0], f"fiscal {found[1]} (FY2020 read as the calendar year)")


def _calendar_labels(text: pd.Series) -> tuple[pd.Series, str] | None:
    """Labels pandas does not parse, every value alike: ISO weeks (``2020-W01``, read as their
    Monday or the given weekday) and quarters written with a space, hyphen or the quarter first
    (``2020 Q1``, ``2020-Q1``, ``Q1 2020``, read as the quarter's first day), months written
    ``2020M01`` (statistics offices' and Stata's way) or ``1995:01`` and quarters ``1995:1``
    (gretl's and RATS'), months with two-digit years (``Jan-10``, ``Sep 98``: Excel's
    ``mmm-yy``, which pandas reads as a day of January in year 1), each read as its first day."""
    values = text.dropna().astype(str).str.strip()
    if values.empty or not any(p.match(values.iloc[0]) for p in (_ISO_WEEK, _QUARTER, _MONTH_LABEL, _COLON_PERIOD,
                                                                  _MONTH_YY)):
        return None  # most columns: one look at the first value
    weeks = values.str.extract(_ISO_WEEK)
    if weeks[0].notna().all():
        days = weeks[2].fillna("1")
        stamps = pd.to_datetime(weeks[0] + "-W" + weeks[1].str.zfill(2) + "-" + days, format="%G-W%V-%u",
                                errors="coerce")
        return stamps.reindex(text.index), "ISO weeks"
    quarters = values.str.extract(_QUARTER)
    if (quarters[0].notna() | quarters[3].notna()).all():
        labels = quarters[0].fillna(quarters[3]) + "Q" + quarters[1].fillna(quarters[2])
        stamps = pd.Series(pd.PeriodIndex(labels, freq="Q").to_timestamp(), index=values.index)
        return stamps.reindex(text.index), "quarters"
    months = values.str.extract(_MONTH_LABEL)
    if months[0].notna().all():
        stamps = pd.to_datetime(months[0] + "-" + months[1].str.zfill(2), format="%Y-%m", errors="coerce")
        return stamps.reindex(text.index), "months written 2020M01"
    periods = values.str.extract(_COLON_PERIOD)
    if periods[0].notna().all():
        number = periods[1].astype(int)
        quarterly = (periods[1].str.len() == 1).all() and number.max() <= 4  # 1995:1 .. 1995:4; months: 1995:01
        if 1 <= number.min() and number.max() <= (4 if quarterly else 12):
            month = (number - 1) * 3 + 1 if quarterly else number
            stamps = pd.to_datetime(periods[0] + "-" + month.astype(str).str.zfill(2), format="%Y-%m")
            return stamps.reindex(text.index), "quarters written 1995:1" if quarterly else "months written 1995:01"
    months = values.str.extract(_MONTH_YY)
    if months[0].notna().all():
        found = {name: _season_column(name) for name in months[0].unique()}
        position = months[0].map({name: k and k[1] for name, k in found.items()}).to_numpy()
        days = len(set(position)) > 1 and (position[1:] == position[:-1]).any()  # Jan 30, Jan 31, Feb 01: days
        if all(k is not None and k[0] == 12 for k in found.values()) and not days:
            # two-digit years as strptime's %y reads them: 69-99 are 1969-1999, 00-68 are 2000-2068
            month = months[0].map({name: f"{k[1] + 1:02d}" for name, k in found.items()})
            stamps = pd.to_datetime(months[1] + "-" + month, format="%y-%m")
            return stamps.reindex(text.index), "months written Jan-10 (two-digit years: 1969-2068)"
    return None


def _compact_dates(values: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """Dates written as whole numbers without separators, ``20200131`` (``YYYYMMDD``) or
    ``202001`` (``YYYYMM``), every one valid and each after the one before; else None."""
    if not _whole_numbers(values) or values.empty:
        return None
    numbers = values.to_numpy(dtype="int64")
    for digits, fmt, label in ((8, "%Y%m%d", "YYYYMMDD"), (6, "%Y%m", "YYYYMM")):
        if 10 ** (digits - 1) <= numbers[0] < 3 * 10 ** (digits - 1):  # one look at the first value
            stamps = pd.to_datetime(pd.Series(numbers).astype(str), format=fmt, errors="coerce")
            if stamps.notna().all() and (np.diff(stamps.to_numpy().astype("int64")) > 0).all():
                return pd.DatetimeIndex(stamps), f"dates written {label}"
    return None


def _epoch_times(values: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """Unix times: whole numbers of seconds (from 1973 to 2100) or milliseconds since
    1970-01-01 UTC, as sensors and logs write them; else None."""
    if not _whole_numbers(values) or values.empty:
        return None
    numbers = values.to_numpy(dtype="int64")
    for low, unit, label in ((10 ** 8, "s", "seconds"), (10 ** 11, "ms", "milliseconds")):
        if (numbers >= low).all() and (numbers < 42 * low).all():
            return pd.DatetimeIndex(pd.to_datetime(numbers, unit=unit)), f"Unix time in {label} (UTC)"
    return None


def _excel_days(values: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """Spreadsheet serial dates: days since 1899-12-30 from 20,000 to 80,000 (1954 to 2119; a
    fraction is the time of day), what a date column becomes when a spreadsheet saves it
    without its date format; else None."""
    if not _is_numeric(values) or values.empty or values.isna().any():
        return None
    days = values.to_numpy(dtype="float64")
    if not ((days >= 20000) & (days < 80000)).all():
        return None
    stamps = pd.Timestamp("1899-12-30") + pd.to_timedelta(np.round(days * 86400), unit="s")
    return pd.DatetimeIndex(stamps), "spreadsheet serial dates (days since 1899-12-30)"


def _number_times(values: pd.Series) -> tuple[pd.DatetimeIndex, str] | None:
    """Times written as whole numbers: compact dates (``20200131``), else Unix times."""
    return _compact_dates(values) or _epoch_times(values)


def _month_numbers(values: pd.Series) -> np.ndarray | None:
    """1..12 for a text column of month names (``Jan``, ``January``, ``Sept``), else None."""
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)) or values.empty \
            or _season_column(values.iloc[0]) is None or values.isna().any():  # most columns: one look at the first
        return None
    names = values.astype(str)
    found = {v: _season_column(v) for v in names.unique()}
    if any(k is None or k[0] != 12 for k in found.values()):
        return None
    return names.map({v: k[1] + 1 for v, k in found.items()}).to_numpy(dtype="int64")


def _looks_like_times(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values) or isinstance(values.dtype, pd.PeriodDtype):
        return True
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return False
    sample = values.dropna().astype(str).head(20)
    if sample.empty or not sample.str.contains(r"\d").all():
        return False
    if _period_labels(sample) is not None:
        return True
    try:
        parsed = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True)
    except (ValueError, TypeError, OverflowError):
        return False
    return bool(parsed.notna().all())


def _whole_numbers(values: pd.Series) -> bool:
    if not _is_numeric(values) or values.isna().any():
        return False
    numbers = values.to_numpy(dtype="float64")
    return bool(np.isfinite(numbers).all() and (numbers == np.round(numbers)).all())


def _date_parts(frame: pd.DataFrame) -> list | None:
    """The whole-number columns that spell the time in parts (``year, month, day, hour`` ...),
    or None."""
    names = {}
    for column in frame.columns:
        names.setdefault(str(column).strip().lower(), column)

    def spelled(part):  # whole numbers, or the names of months
        return part in names and (_whole_numbers(frame[names[part]])
                                  or part == "month" and _month_numbers(frame[names[part]]) is not None)

    for parts in DATE_PARTS:
        if all(spelled(p) for p in parts):
            return [names[p] for p in parts]
    return None


def _assemble_dates(frame: pd.DataFrame, columns: list) -> pd.DatetimeIndex:
    """Timestamps from date-part columns; an impossible date is an error naming its row."""
    parts = {str(c).strip().lower(): frame[c].to_numpy(dtype="int64") if _is_numeric(frame[c])
             else _month_numbers(frame[c]) for c in columns}
    year = parts["year"]
    if "week" in parts:  # ISO weeks: the Monday of each
        text = pd.Series([f"{y:04d}-W{w:02d}-1" for y, w in zip(year, parts["week"])])
        stamps = pd.to_datetime(text, format="%G-W%V-%u", errors="coerce")
    else:
        quarter = parts.get("quarter")
        month = parts.get("month", 1) if quarter is None else \
            np.where((quarter >= 1) & (quarter <= 4), (quarter - 1) * 3 + 1, 13)  # month 13: refused below
        fields = pd.DataFrame({"year": year, "month": month, "day": parts.get("day", 1),
                               "hour": parts.get("hour", 0), "minute": parts.get("minute", 0)})
        try:
            stamps = pd.to_datetime(fields, errors="coerce")
        except (ValueError, OverflowError):
            stamps = pd.Series(pd.NaT, index=fields.index)
    bad = stamps.isna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        spelled = ", ".join(f"{c}={frame[c].iloc[row]}" for c in columns)
        raise ValueError(f"Date-part columns {list(columns)} must form valid dates. Received: {spelled} at row {row}")
    return pd.DatetimeIndex(stamps)


def _detect_time_column(frame: pd.DataFrame) -> str | None:
    """A text or date column named like a time column (not one of month names: a date part),
    else the first text column that parses as dates, else the first of whole numbers that are
    dates written without separators (``20200131``, ``202001``), else a column named like a
    time holding Unix times, else one named like a date holding spreadsheet serial dates
    (``43831``: :func:`_excel_days`). Other numeric columns are never taken (a ``month`` or ``day``
    number is a date part or a feature, not a timestamp)."""
    for column in frame.columns:
        if str(column).strip().lower() in TIME_COLUMN_NAMES and not pd.api.types.is_numeric_dtype(frame[column]) \
                and _month_numbers(frame[column]) is None:  # month names: a date part beside a year
            return column
    for column in frame.columns:
        if _looks_like_times(frame[column]):
            return column
    for column in frame.columns:
        if _compact_dates(frame[column]) is not None:
            return column
    for column in frame.columns:
        if str(column).strip().lower() in TIME_COLUMN_NAMES and _epoch_times(frame[column]) is not None:
            return column
    for column in frame.columns:
        if str(column).strip().lower() in EXCEL_DATE_NAMES and _excel_days(frame[column]) is not None:
            return column
    return None


def _season_column(name: str) -> tuple[int, int] | None:
    """``(steps a year, position)`` of a month (``Jan``, ``January``, ``Sept``) or quarter
    (``Q1``, ``Qtr 2``, ``Quarter 3``) column name, else None."""
    text = str(name).strip().lower().rstrip(".")
    for i, month in enumerate(_MONTHS):
        if len(text) >= 3 and month.startswith(text):
            return 12, i
    quarter = _QUARTER_COLUMN.match(text)
    return (4, int(quarter.group(1)) - 1) if quarter else None


def _calendar_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, str] | None:
    """A table of years by months or quarters as one series (``value``, indexed by the first
    day of each month or quarter; the rows before the first value and after the last left
    out), and what was read; None for any other table. The years: a column named ``year``
    or the first column, whole numbers one apart; every other column is a month (12, in
    calendar order) or a quarter (4), except numeric totals (``Annual``, ``Total`` ...), left
    out and named."""
    names = {str(c).strip().lower(): c for c in frame.columns}
    year = names.get("year", names.get("yr", frame.columns[0]))
    found = {c: k for c in frame.columns if c != year and (k := _season_column(c)) is not None}
    m = max((k[0] for k in found.values()), default=0)
    if not found or list(found.values()) != [(m, i) for i in range(m)]:  # every month (quarter), in order
        return None
    years, others = frame[year], [c for c in frame.columns if c != year and c not in found]
    if not (_whole_numbers(years) and years.between(1000, 2999).all()
            and (np.diff(years.to_numpy(dtype="int64")) == 1).all()) \
            or any(not _is_numeric(frame[c]) for c in [*found, *others]):
        return None
    values = frame[list(found)].to_numpy(dtype="float64").ravel()  # year by year, in calendar order
    start = pd.Timestamp(year=int(years.iloc[0]), month=1, day=1)
    index = pd.date_range(start, periods=len(values), freq="MS" if m == 12 else "QS-JAN",
                          name="month" if m == 12 else "quarter")
    seen = np.flatnonzero(~np.isnan(values))
    if not seen.size:
        return None
    keep = slice(seen[0], seen[-1] + 1)
    how = (f"a table of years by {'months' if m == 12 else 'quarters'} ({year!r} and {len(found)} columns), read as "
           "one series 'value'" + (f"; column(s) {others} left out" if others else ""))
    return pd.DataFrame({"value": values[keep]}, index=index[keep]), how


def _time_axis(frame: pd.DataFrame, time_col, date_format) -> tuple[pd.DataFrame, pd.Index, str | None, str | None]:
    """Settle the time axis: (frame without the time column(s), index, name of the time, how
    it was read when that is worth saying). Steps numbered one by one give positions that
    keep the numbering, and no time name (:func:`numbered_by` says which column it was)."""
    if time_col is None:  # no time: rows are positions
        return frame.reset_index(drop=True), pd.RangeIndex(len(frame)), None, None
    if isinstance(frame.index, pd.PeriodIndex) and time_col == AUTO:  # periods (statsmodels' data): their starts
        frame = frame.set_axis(frame.index.to_timestamp().rename(frame.index.name), axis=0)
    if isinstance(frame.index, pd.DatetimeIndex) and time_col == AUTO:
        index, how = _on_grid(*_wall_time(frame.index))
        return frame, index, frame.index.name or "index", how
    if time_col != AUTO and time_col not in frame.columns:
        raise ValueError(f"`time_col` must name a column of the data, 'auto' or None. Received: "
                         f"time_col={time_col!r}; columns are {list(frame.columns)}")
    name = time_col if time_col != AUTO else _detect_time_column(frame)
    if name is None:
        counter = _step_counter(frame, [c for c in frame.columns if str(c).strip().lower() in STEP_COLUMN_NAMES])
    else:  # one named (a column of dates written as whole numbers is dates, even a single row)
        counter = _step_counter(frame, [name] if time_col != AUTO and _number_times(frame[name]) is None else [])
    if counter is not None:  # steps numbered 1, 2, 3 ...: positions that keep the file's numbering
        first = int(frame[counter].iloc[0])
        return (frame.drop(columns=[counter]), pd.RangeIndex(first, first + len(frame)), None,
                f"{NUMBERED}{counter!r}")
    pair = _date_and_clock(frame, name) if name is not None and time_col == AUTO else None
    if pair is not None:  # the day in one column, the time of day in another (Date, Time = 17:24:00)
        text = frame[pair[0]].astype(str).str.strip() + " " + frame[pair[1]].astype(str).str.strip()
        index, _ = _parse_times(text.where(frame[list(pair)].notna().all(axis=1)), "+".join(pair), date_format)
        return frame.drop(columns=list(pair)), index, "+".join(pair), f"from the columns {pair[0]}, {pair[1]}"
    if name is not None:
        index, how = _parse_times(frame[name], name, date_format)
        return frame.drop(columns=[name]), index, name, how
    parts = _date_parts(frame)
    if parts is not None:
        return (frame.drop(columns=parts), _assemble_dates(frame, parts), "+".join(map(str, parts)),
                f"from the columns {', '.join(map(str, parts))}")
    if time_col == AUTO and not pd.api.types.is_numeric_dtype(frame.index) and _looks_like_times(
            labels := frame.index.to_series()):  # dates written as the index's text
        index, how = _parse_times(labels, frame.index.name or "index", date_format)
        return frame, index, frame.index.name or "index", how
    # Keep a unit-step integer index (e.g. a slice of an earlier frame), else number rows.
    keep = isinstance(frame.index, pd.RangeIndex) and frame.index.step == 1
    return frame, frame.index if keep else pd.RangeIndex(len(frame)), None, None


def _is_clock(values: pd.Series) -> bool:
    """Whether a text column holds times of day only (``17:24``, ``17:24:00``)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return False
    text = values.dropna().astype(str)
    if text.empty or not re.fullmatch(_CLOCK, text.iloc[0]):  # most columns: one look at the first value
        return False
    return bool(text.str.fullmatch(_CLOCK).all())


def _date_and_clock(frame: pd.DataFrame, name) -> tuple | None:
    """``(date column, clock column)`` when the detected time column ``name`` is one of a
    pair that writes the day and the time of day apart, else None."""
    clocks = [c for c in frame.columns if _is_clock(frame[c])]
    if not clocks:
        return None
    if name in clocks:  # the clock was found first: its day is another column
        days = [c for c in frame.columns if c not in clocks and _looks_like_times(frame[c])]
        name = days[0] if days else None
    if name is None or frame[name].astype(str).str.contains(":").any():  # the day column has its own times
        return None
    return name, clocks[0]


def numbered_by(attrs: dict) -> str | None:
    """The column that numbered the steps of a frame read by ``read_series`` or ``read_panel``
    (``ds`` = 1, 2, 3 ...), from its ``attrs``; None when it has timestamps or plain positions."""
    how = attrs.get("time_read") or ""
    return how[len(NUMBERED) + 1:-1] if how.startswith(NUMBERED) else None


def times_column(attrs: dict) -> str | None:
    """The column a frame read by ``read_series`` or ``read_panel`` keeps its times in: its
    timestamps' column, or the column numbering its steps (:func:`numbered_by`); None for
    plain positions."""
    return attrs.get("time_col") or numbered_by(attrs)


def _step_counter(frame: pd.DataFrame, names: list) -> str | None:
    """The first of ``names`` whose column holds whole numbers one apart (1, 2, 3 ...), else None."""
    for name in names:
        values = frame[name]
        if len(values) and _whole_numbers(values) and (np.diff(values.to_numpy(dtype="float64")) == 1).all():
            return name
    return None


def _note_open_hours(index: pd.DatetimeIndex, grid: pd.DatetimeIndex, n_gaps: int) -> None:
    """Warn when most of a sub-daily grid is gaps because the rows cover only some hours of
    each day (a shop's or a call centre's opening hours), and say how to read the open hours
    as consecutive steps instead."""
    step = grid[1] - grid[0] if len(grid) > 1 else None
    if step is None or step >= pd.Timedelta(days=1) or n_gaps <= len(grid) / 3:
        return
    minutes = np.unique(index.hour * 60 + index.minute)
    if (minutes[-1] - minutes[0]) / 1440 > 0.75:
        return
    per_day = pd.Timedelta(minutes=int(minutes[-1] - minutes[0])) // step + 1
    warnings.warn(f"{n_gaps} of {len(grid)} rows are gaps on the {grid.freqstr!r} grid: the data has rows only "
                  f"from {minutes[0] // 60:02d}:{minutes[0] % 60:02d} to {minutes[-1] // 60:02d}:{minutes[-1] % 60:02d} "
                  f"(opening hours?), and the forecast covers every step of the day. To forecast the open hours as "
                  f"consecutive steps, read the rows without time (CLI: --time-col none --season-length {per_day}; "
                  "API: time_col=None)",
                  RuntimeWarning, stacklevel=4)


def _clock_set_back(index) -> bool:
    """Whether the repeated timestamps of ``index`` are those of a clock set back an hour
    for daylight saving time, in local wall time: steps of an hour or less, each repeated
    timestamp twice, all within one clock hour between 23:00 and 02:59 on one day of each
    year at most."""
    if not isinstance(index, pd.DatetimeIndex) or index.tz is not None:
        return False
    steps = index.unique().sort_values().to_series().diff().dropna()  # (the index's unit may be s, ms ...)
    repeated = index[index.duplicated(keep=False)]
    if steps.empty or steps.median() > pd.Timedelta(hours=1) or repeated.value_counts().max() != 2:
        return False
    hours = repeated.floor("h").unique()
    return bool(np.isin(hours.hour, [23, 0, 1, 2]).all() and not hours.year.duplicated().any())


def _in_time_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its rows in time order. Rows written out of order (a database export,
    a shuffled table) are sorted, and a warning says so; a duplicate timestamp is an error
    naming both rows, unless it is one of the hour a clock is set back for daylight saving
    time (:func:`_clock_set_back`): the two rows are then averaged, and a warning says so."""
    index = frame.index
    twice = index.duplicated()
    if twice.any() and _clock_set_back(index):
        hours = ", ".join(f"{t:%Y-%m-%d %H}:00" for t in index[twice].floor("h").unique())
        warnings.warn(f"{int(twice.sum())} timestamp(s) written twice in the hour a clock is set back for "
                      f"daylight saving time ({hours}): the two rows of each averaged", RuntimeWarning, stacklevel=3)
        numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        grouped = frame.groupby(level=0, sort=False)
        frame = pd.concat([grouped[numeric].mean(), grouped[[c for c in frame.columns if c not in numeric]].first()],
                          axis=1)[list(frame.columns)].rename_axis(index.name)
        index, twice = frame.index, np.zeros(len(frame), dtype=bool)
    if twice.any():
        row = int(twice.argmax())
        first = int(np.flatnonzero(index == index[row])[0])
        raise ValueError(f"Timestamps must be unique. Received: duplicate timestamp {index[row]} "
                         f"at rows {first} and {row}")
    if index.is_monotonic_increasing:
        return frame
    warnings.warn(ROWS_SORTED, RuntimeWarning, stacklevel=3)
    return frame.iloc[np.argsort(index.to_numpy(), kind="stable")]


def _repeating_ids(frame: pd.DataFrame) -> list:
    """Columns that could name the series of long data (``frame`` indexed by its times): a
    column named like a series id (``unique_id``, ``item_id``, ``series_id``), else text or
    whole-number columns with repeated values under which no time repeats (``store`` = 1, 2 ...),
    else pairs of them, named ``a,b`` (``store_nbr,family``: a store's sales of one family)."""
    named = [c for c in frame.columns if str(c).strip().lower() in SERIES_ID_NAMES]
    if named:
        return named
    times = pd.Series(frame.index, index=frame.index)
    candidates = [c for c in frame.columns if (not pd.api.types.is_numeric_dtype(frame[c]) or _whole_numbers(frame[c]))
                  and frame[c].nunique() < len(frame)]

    def names_series(*columns):
        return not pd.MultiIndex.from_arrays([*(frame[c] for c in columns), times]).has_duplicates

    singles = [c for c in candidates if names_series(c)]
    if singles:
        return singles
    paired = candidates[:MAX_PAIRED]
    return [f"{a},{b}" for i, a in enumerate(paired) for b in paired[i + 1:] if names_series(a, b)]


MAX_PAIRED = 8  # columns tried in pairs as the ids of long data (28 pairs)


def _pandas_infer_freq(index: pd.DatetimeIndex) -> str | None:
    """``pandas.infer_freq`` as a frequency string across pandas versions (2.x returns a
    string, later versions an offset and a FutureWarning about the change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq).freqstr


def _grid(index: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """The regular ``freq`` grid from ``index``'s first timestamp to its last: ``index`` itself
    when it has no gaps (pandas infers ``freq`` from it; for months ten times faster than
    generating the grid), else the generated grid."""
    if len(index) >= 3 and _pandas_infer_freq(index) == freq:
        grid = index.copy()
        grid.freq = freq  # checked by pandas
        return grid
    return pd.date_range(index[0], index[-1], freq=freq, name=index.name)


def infer_frequency(index: pd.DatetimeIndex) -> str:
    """Infer the regular frequency of ``index``, tolerating gaps.

    ``pandas.infer_freq`` needs a gap-free index; when it fails, the frequency that most
    triples of consecutive timestamps agree on is taken (this also finds calendar
    frequencies such as month starts, whose steps vary in days).

    Raises
    ------
    ValueError
        If fewer than 3 timestamps are given or no frequency fits.
    """
    if len(index) < 3:
        raise ValueError(f"At least 3 timestamps are needed to infer a frequency. Received: {len(index)}")
    freq = _pandas_infer_freq(index)
    if freq is not None:
        return freq
    positions = np.unique(np.linspace(0, len(index) - 3, num=min(len(index) - 2, 400)).astype(int))
    votes = Counter()
    for i in positions:
        try:
            votes[_pandas_infer_freq(index[i : i + 3])] += 1
        except ValueError:
            continue
    votes.pop(None, None)
    smallest_step = pd.tseries.frequencies.to_offset(pd.Timedelta(np.diff(index.values).min()))
    candidates = [f for f, _ in votes.most_common(3)] + [smallest_step.freqstr]
    if candidates[0] == "D" and (index.dayofweek < 5).all() and index[-1] - index[0] >= pd.Timedelta(days=14):
        candidates.insert(0, "B")  # days that are never a weekend (and not all the same one): business days
    if (index == index.normalize()).all():  # semi-monthly (pandas infers neither): the 1st and 15th, the 15th and last
        candidates += ["SMS"] if set(index.day) == {1, 15} else \
            ["SME"] if (index.day == 15).any() and ((index.day == 15) | index.is_month_end).all() else []
    for freq in candidates:
        grid = pd.date_range(index[0], index[-1], freq=freq)
        if index.isin(grid).all():
            return freq
    raise ValueError(
        "Timestamps must lie on a regular grid (gaps are fine). "
        f"Received: irregular steps such as {index[1] - index[0]} and {index[-1] - index[-2]}; "
        "pass `freq` explicitly"
    )


def _as_list(value, name: str) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"`{name}` must be a column name or a list of names. Received: {value!r}")
    if not items:
        raise ValueError(f"`{name}` must name at least one column. Received: {name}={value!r}")
    return items


def read_series(source, target=None, time_col=AUTO, features=None, freq=None,
                expected_freq=None, date_format=None) -> pd.DataFrame:
    """Read time series data into a validated frame on a regular time grid.

    Parameters
    ----------
    source : str, os.PathLike, pandas.DataFrame, pandas.Series or numpy.ndarray
        A CSV file with a header line, or data already in memory. A DataFrame with a
        ``DatetimeIndex`` uses that index as its time axis. Besides pandas' missing markers
        (empty, ``NA``, ``NaN``, ``null`` ...), CSV cells ``?``, ``-``, ``--``, ``.``,
        ``missing`` are read as missing.
    target : str or list of str, optional
        Column(s) to forecast. Default: the last numeric column.
    time_col : str or None, default "auto"
        Column holding the timestamps. ``"auto"``: a text column named like ``date``,
        ``month`` or ``timestamp``, else the first text column that parses as dates, else
        whole-number date parts named ``year, month, day, hour`` (also ``year, week`` for
        ISO weeks, ``year, quarter``, ``year`` alone), assembled into one timestamp. A
        table of years by months or quarters (``Year, Jan, ..., Dec``; ``Q1 ... Q4``) is
        read as one series ``value`` when neither ``target`` nor ``features`` is given.
        ``None``: the data has no time; rows are numbered ``0..n-1``. Time-zone-aware
        timestamps are kept in local wall time (a day stays a day across a daylight-saving
        change; UTC when wall time repeats an hour).
    features : list of str, optional
        Input columns. Default: every numeric column; text columns are left out (named in
        ``attrs["left_out"]``). A text (categorical) column named here is one-hot encoded
        into ``<column>=<value>`` columns, one per value (sorted); such a name given alone
        reads that one indicator, so a fitted model reads new data the same way. The
        target's own history is always an input, so targets are added when missing.
    freq : str, optional
        Frequency alias (``"h"``, ``"D"``, ``"MS"`` ...). Default: inferred.
    expected_freq : str, optional
        The frequency the data must have (a fitted model's, when it reads new history): a
        different inferred frequency is an error, and data with fewer than 3 timestamps,
        too few to infer one, is taken to have it (or its ``DatetimeIndex``'s own ``freq``).
    date_format : str, optional
        ``strftime`` format of the time column, e.g. ``"%d/%m/%Y"``. Needed only when dates
        written as numbers alone are ambiguous (``"1-01"``: year-month or month-day?) and
        their values do not settle it; single digits are zero-padded before parsing.
    Returns
    -------
    pandas.DataFrame
        Shape ``(n_steps, n_columns)`` with the input columns in file order, indexed by a
        regular ``DatetimeIndex`` (missing steps inserted as NaN rows) or a ``RangeIndex``.
        ``frame.attrs`` records what was understood: ``target`` (list), ``features`` (list,
        all input columns), ``time_col``, ``time_read`` (how the time was read when that
        is worth saying, e.g. ``"local wall time"``), ``freq``, ``n_gaps`` (inserted rows),
        ``n_missing`` (NaN cells after regularisation), ``left_out`` (text columns not
        read) and ``source``.

    Raises
    ------
    ValueError
        Empty data, no numeric column, unknown columns, a non-numeric target, unparseable
        or ambiguous, duplicate timestamps, an irregular time grid.
    TypeError
        An unsupported ``source`` type.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = read_series(pd.DataFrame({"month": ["1949-01", "1949-02", "1949-03", "1949-05"],
    ...                                   "passengers": [112, 118, 132, 121]}))
    >>> frame.attrs["time_col"], frame.attrs["freq"], frame.attrs["target"], frame.attrs["n_gaps"]
    ('month', 'MS', ['passengers'], 1)
    >>> frame["passengers"].tolist()  # the missing April is a NaN row
    [112.0, 118.0, 132.0, nan, 121.0]
    """
    frame, name = _to_frame(source)
    # an index that carries its frequency (a panel's series) keeps it when too short to infer
    own_freq = getattr(getattr(source, "index", None), "freqstr", None)
    if frame.shape[1] == 0:
        raise ValueError(f"The data must have at least one column. Received: no columns in {name}")
    if len(frame) == 0:
        raise ValueError(f"The data has a header but no data rows. Received: 0 rows in {name} "
                         f"(columns {list(frame.columns)})")
    frame.columns = [str(c).strip() for c in frame.columns]
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise ValueError(f"Column names must be unique. Received: {repeated[0]!r} more than once in {name}")
    layout = rows_layout(frame) if time_col == AUTO else None
    if layout is not None:
        raise ValueError(f"Expected one series in rows of time. Received: one series per row in {name} (ids in "
                         f"{layout[0]!r}, values in columns {layout[1][0]} .. {layout[1][-1]}): read it with "
                         "forecastrnn.read_panel (the CLI reads it as a panel)")
    table = _calendar_table(frame) if time_col == AUTO and target is None and features is None else None
    if table is not None:
        frame = table[0]
    frame, index, detected, how = _time_axis(frame, time_col, date_format)
    frame.index, how = index, table[1] if table is not None else how
    try:
        frame = _in_time_order(frame)
    except ValueError as exc:
        ids = _repeating_ids(frame)
        if not ids:
            raise
        pair = "," in str(ids[0])
        which = f"columns {' and '.join(map(repr, ids[0].split(',')))} together repeat" if pair else \
            f"column {ids[0]!r} repeats"
        api = repr(ids[0].split(",")) if pair else repr(ids[0])
        raise ValueError(f"{exc}. The data looks like several series in long format ({which}): read it "
                         f"with forecastrnn.read_panel(..., id_col={api}) or CLI --id-col {ids[0]}") from None

    # Columns.
    numeric = [c for c in frame.columns if _is_numeric(frame[c])]
    targets = _as_list(target, "target")
    wanted = _as_list(features, "features")
    wanted = None if wanted is None else one_hot(wanted, frame.columns)  # a frame read before: its indicators
    unknown = [c for c in targets or [] if c not in frame.columns]
    unknown += [c for c in wanted or [] if c not in frame.columns and _indicator_of(c, frame) is None]
    if unknown:
        label = "target" if targets and unknown[0] in targets else "features"
        raise ValueError(f"`{label}` must name columns of the data. Received: {unknown[0]!r}; "
                         f"columns are {list(frame.columns)}")
    bad = [c for c in targets or [] if c not in numeric]
    if bad:
        raise ValueError(f"Target columns must be numeric. Received: non-numeric column(s) {bad}")
    left_out = []
    if wanted is None:
        left_out = [c for c in frame.columns if c not in numeric or _row_counter(frame[c], c)]
        numeric = [c for c in numeric if c not in left_out]
        if not numeric:
            raise ValueError(f"The data must have at least one numeric column to forecast. Received: only "
                             f"non-numeric column(s) {list(frame.columns)}")
        wanted = numeric
    if targets is None:  # the last numeric column, whether or not `features` names it
        candidates = [c for c in numeric if c not in left_out and not _row_counter(frame[c], c)]
        if not candidates:
            raise ValueError(f"The data must have at least one numeric column. Received: columns {wanted}")
        targets = [candidates[-1]]
    frame = _input_columns(frame, [c for c in frame.columns if c in wanted or c in targets]
                           + [c for c in wanted if c not in frame.columns])
    columns = list(frame.columns)

    # Regular grid.
    n_gaps = 0
    inferred = None
    if isinstance(frame.index, pd.DatetimeIndex):
        known = expected_freq or own_freq
        inferred = freq or (known if known and len(frame.index) < 3 else infer_frequency(frame.index))
        grid = _grid(frame.index, inferred)
        if not frame.index.isin(grid).all():
            raise ValueError(f"Timestamps must lie on the {inferred!r} grid. Received: "
                             f"{frame.index[~frame.index.isin(grid)][0]} off the grid")
        n_gaps = len(grid) - len(frame)
        _note_open_hours(frame.index, grid, n_gaps)
        frame = frame.reindex(grid)
        frame.index.freq = grid.freq
    if expected_freq is not None and inferred != expected_freq:
        raise ValueError(f"The history must have the training frequency {expected_freq!r}. "
                         f"Received: frequency {inferred!r}")
    frame.index.name = detected if detected is not None else None

    frame.attrs.update(
        target=list(targets),
        features=columns,
        time_col=detected,
        time_read=how,
        freq=inferred,
        n_gaps=int(n_gaps),
        n_missing=int(frame.isna().to_numpy().sum()),
        left_out=left_out,
        source=name,
    )
    logger.info(describe(frame))
    return frame


def _row_counter(values: pd.Series, name: str) -> bool:
    """A column that only numbers the rows (``No``, ``index``, ``Unnamed: 0`` = 0..n-1 or 1..n)."""
    if str(name).strip().lower() not in ROW_COUNTER_NAMES or not _whole_numbers(values):
        return False
    numbers = values.to_numpy(dtype="float64")
    return bool((np.diff(numbers) == 1).all() and numbers[0] in (0, 1))


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _flag(values: pd.Series) -> pd.Series | None:
    """A yes/no column (bool, or the text True/False with missing cells) as one 0/1 float
    column, else None: a holiday flag is one input, not two indicators."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        text = values.astype(str).str.strip().str.lower().where(values.notna())
        if text.notna().any() and text.dropna().isin(["true", "false"]).all():
            return text.map({"true": 1.0, "false": 0.0})
    return None


def _indicator_of(name: str, frame: pd.DataFrame) -> tuple[str, str] | None:
    """``(column, value)`` when ``name`` is a one-hot column ``<column>=<value>`` of a text column."""
    column, sep, value = str(name).partition("=")
    if sep and column in frame.columns and not _is_numeric(frame[column]):
        return column, value
    return None


def one_hot_names(frame: pd.DataFrame, names) -> list | None:
    """``names`` with each text column of ``frame`` replaced by its ``<column>=<value>``
    indicator names (values of the whole frame, sorted): a panel's series then all get the
    same columns, whatever values each of them holds."""
    if names is None:
        return None
    out = []
    for name in [names] if isinstance(names, str) else names:
        if name in frame.columns and not _is_numeric(frame[name]) and _flag(frame[name]) is None:
            out += [f"{name}={v}" for v in _text_values(frame[name])]
        else:  # a number, or a text column encoded already (a frame read before)
            out += one_hot([name], frame.columns)
    return out


def one_hot(names: list, columns, seen=None) -> list:
    """``names`` with the name of a text column that ``columns`` hold one-hot encoded replaced
    by its ``<column>=<value>`` columns (with ``seen``, a frame: only the values that occur
    in it); other names as they are."""
    out = []
    for n in names:
        found = [] if n in columns else [c for c in columns if str(c).startswith(f"{n}=")]
        out += [c for c in found if seen is None or bool(seen[c].to_numpy().any())] if found else [n]
    return out


def _input_columns(frame: pd.DataFrame, names: list) -> pd.DataFrame:
    """The named columns as float64: numbers as they are, a yes/no column as 0/1
    (:func:`_flag`), a text column as one 0/1 column per value (``<column>=<value>``), a
    ``<column>=<value>`` name as that one indicator; a missing text cell is missing in every
    indicator."""
    out = {}
    for name in names:
        if name in frame.columns and _is_numeric(frame[name]):
            out[name] = frame[name].astype("float64")
            continue
        flag = _flag(frame[name]) if name in frame.columns else None
        if flag is not None:
            out[name] = flag
            continue
        column, value = (name, None) if name in frame.columns else _indicator_of(name, frame)
        text = frame[column].astype(str).where(frame[column].notna())
        for v in _text_values(frame[column]) if value is None else [value]:
            out[f"{column}={v}"] = (text == v).astype("float64").where(text.notna())
    return pd.DataFrame(out, index=frame.index)


def _text_values(values: pd.Series) -> list:
    """The distinct values of a text column, as text, sorted: the order of its indicator columns."""
    return sorted(values.dropna().astype(str).unique())


def as_series(data, target=None, time_col=AUTO, features=None) -> pd.DataFrame:
    """``data`` itself when it already came from :func:`read_series` and nothing else is
    asked, else ``read_series(data, ...)``: lets the API pass prepared frames around."""
    # A column selection keeps the attrs of the frame it came from: check they still fit.
    if (isinstance(data, pd.DataFrame) and data.attrs.get("features") == list(data.columns)
            and time_col == AUTO and features is None and target in (None, data.attrs.get("target"))):
        return data
    return read_series(data, target=target, time_col=time_col, features=features)


def describe(frame: pd.DataFrame) -> str:
    """One line that says what :func:`read_series` understood."""
    a = frame.attrs
    span = f"{frame.index[0]} .. {frame.index[-1]}" if len(frame) else "empty"
    time = f"time column {a.get('time_col')!r}" if a.get("time_col") else "no time column"
    if a.get("time_read"):
        time += f" ({a['time_read']})"
    left_out = (f", column(s) {a['left_out']} left out (text, or row numbers; name a text column in "
                "features to one-hot encode it)") if a.get("left_out") else ""
    return (f"{a.get('source', 'data')}: {len(frame)} rows ({span}), {time}, "
            f"frequency {a.get('freq')}, target {a.get('target')}, "
            f"{len(a.get('features', []))} input column(s), {a.get('n_gaps', 0)} gap row(s) "
            f"inserted, {a.get('n_missing', 0)} missing value(s){left_out}")

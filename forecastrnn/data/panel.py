"""Panels: many series of one frequency in long format, one row per (series, time).

The convention of statsforecast/neuralforecast works with no options: an id column
``unique_id``, a time column ``ds`` and the target ``y``; other names are given with
``id_col``, ``time_col`` and ``target``. Every series is validated exactly as
:func:`~forecastrnn.data.io.read_series` validates one (parsed timestamps, no duplicates,
rows out of time order sorted and said once, gaps inserted as NaN rows), and an error names
the series it is about. All series must share one frequency; their starts and ends may differ.
"""

from __future__ import annotations

import contextlib
import os
import warnings

import numpy as np
import pandas as pd

from forecastrnn.data.io import (ROWS_SORTED, SERIES_ID_NAMES, _assemble_dates, _date_parts, _detect_time_column,
                                 _is_numeric, _parse_times, _repeating_ids, _to_frame, numbered_by,
                                 one_hot_names, peek_columns, peek_frame, read_series, rows_layout, rows_to_long,
                                 zero_padded)
from forecastrnn.data.season import calendar_steps
from forecastrnn.defaults import AUTO

ID_COL = "unique_id"
TARGET = "y"


def read_panel(source, id_col=None, time_col=AUTO, target=None, features=None, freq=None,
               date_format=None) -> pd.DataFrame:
    """Read long-format data (CSV or Parquet path, or a DataFrame) into a validated panel.

    A table of one series per row, as the M3 and M4 competitions publish theirs (an id
    column, then the values in columns numbered ``V2, V3 ...`` or ``1, 2, 3 ...``), is read
    too: each row a series, its steps numbered 1, 2, 3 ... (:func:`rows_to_long`). A wide
    table of one series per column is read through :func:`columns_to_long`.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        One row per series and time step. ``.parquet`` / ``.pq`` files need pyarrow
        (``pip install 'forecastrnn[parquet]'``).
    id_col : str or list of str, optional
        Column naming the series. Default: ``unique_id``, or ``item_id`` / ``series_id``
        (AutoGluon's and others' name) when the data has that column and no ``unique_id``.
        Several columns that together name a series (``["store_nbr", "family"]``, or
        ``"store_nbr,family"``) become one id column ``store_nbr+family`` of ids ``1/AUTOMOTIVE``.
    time_col : str or None, default "auto"
        Detected as in ``read_series`` (``ds``, ``date``, ``timestamp``, date parts ...);
        ``None``: no time, rows are positions.
    target : str or list of str, optional
        Default: ``y`` when there is such a column, else the last numeric column.
    features : list of str, optional
        Input columns (default: every numeric column), as in ``read_series``.
    freq : str, optional
        Frequency alias; default: inferred from the series, which must agree.
    date_format : str, optional
        As in ``read_series``, for dates whose writing is ambiguous.

    Returns
    -------
    pandas.DataFrame
        Columns ``id_col``, the time column (if any), then the input columns; series in the
        order they first appear, each on its regular grid (gaps as NaN rows). ``attrs``:
        ``id_col``, ``time_col``, ``target``, ``features``, ``freq``, ``n_series``, ``n_gaps``,
        ``source``, ``time_read`` (how the time was read; steps numbered 1, 2, 3 ... in a
        column such as ``ds`` are kept in it as the series' positions, not an input).

    Raises
    ------
    ValueError
        No id column, missing ids, mixed frequencies, or any ``read_series`` error, prefixed
        with ``Series '<id>':``.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"unique_id": ["a", "a", "a", "b", "b", "b"],
    ...                      "ds": ["2024-01-01", "2024-01-02", "2024-01-04"] + ["2024-01-02", "2024-01-03", "2024-01-04"],
    ...                      "y": [1.0, 2.0, 4.0, 10.0, 11.0, 12.0]})
    >>> panel = read_panel(long)
    >>> panel.attrs["n_series"], panel.attrs["freq"], panel.attrs["n_gaps"]
    (2, 'D', 1)
    >>> panel[panel.unique_id == "a"].y.tolist()
    [1.0, 2.0, nan, 4.0]
    """
    with _said_once():
        return _read_panel(source, id_col, time_col, target, features, freq, date_format)


@contextlib.contextmanager
def _said_once():
    """Warnings of the series' reads (rows sorted ...) said once for the panel, not once a series."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for message, category in dict.fromkeys((str(w.message), w.category) for w in caught):
        warnings.warn(message, category, stacklevel=4)


def _padded_ids(source, id_col) -> list:
    """``[id column]`` when a CSV file writes its series ids with leading zeros (store ``001``):
    read as text they keep them, so forecasts join back to the data; else ``[]``."""
    if not isinstance(source, (str, os.PathLike)) or not (id_col is None or isinstance(id_col, str)):
        return []
    name = series_id_column(peek_columns(source)) if id_col is None else id_col
    return [name] if name and zero_padded(source, name) else []


def _read_panel(source, id_col, time_col, target, features, freq, date_format):
    raw, name = _to_frame(source, _padded_ids(source, id_col))
    levels = [n for n, level in enumerate(raw.index.names) if level not in raw.columns]
    if levels and (isinstance(raw.index, (pd.MultiIndex, pd.DatetimeIndex)) or raw.index.name is not None):
        raw = raw.reset_index(levels)  # ids and times kept in the index (df.set_index(["unique_id", "ds"]))
    raw.columns = [str(c).strip() for c in raw.columns]
    if len(raw) == 0:
        raise ValueError(f"The data has a header but no data rows. Received: 0 rows in {name} "
                         f"(columns {list(raw.columns)})")
    layout = rows_layout(raw, id_col) if id_col is not None or series_id_column(raw.columns) is None else None
    if layout is not None:  # one series per row (the M3 and M4 files): long data, steps numbered 1, 2, 3 ...
        left = [c for c in raw.columns if c != layout[0] and c not in layout[1]]
        raw, id_col = rows_to_long(raw, *layout), layout[0]
        name += (f" (one series per row: ids in {id_col!r}, values in columns {layout[1][0]} .. {layout[1][-1]}"
                 + (f"; {left} not read" if left else "") + ")")
    id_col = (series_id_column(raw.columns) or ID_COL) if id_col is None else _id_column(raw, id_col)
    if id_col not in raw.columns:
        raise ValueError(f"A panel needs a column naming the series: expected {id_col!r} "
                         f"(`id_col`, CLI --id-col). Received: columns {list(raw.columns)}")
    missing = raw[id_col].isna().to_numpy()
    if missing.any():
        raise ValueError(f"Every row needs a series id in {id_col!r}. Received: a missing id at row "
                         f"{int(missing.argmax())}")
    if target is None and TARGET in raw.columns:
        target = TARGET
    features = one_hot_names(raw, features)  # one set of indicator columns for every series
    fast = _read_regular(raw, name, id_col, time_col, target, features, freq, date_format)
    if fast is not None:
        return fast
    groups = {key: group.drop(columns=[id_col]).reset_index(drop=True)
              for key, group in raw.groupby(id_col, sort=False)}

    def read(key, group, step):
        try:
            return read_series(group, target=target, time_col=time_col, features=features, freq=step,
                               date_format=date_format)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"Series {key!r}: {exc}") from None

    frames, short = {}, []
    for key, group in groups.items():
        if freq is None and len(group) < 3:  # too short to infer: read on the others' grid
            short.append(key)
        else:
            frames[key] = read(key, group, freq)
    freqs = {key: f.attrs["freq"] for key, f in frames.items() if f.attrs["freq"] is not None}
    seen = {}  # one series per distinct frequency ("24h" and "D" are the same step)
    for key, f in freqs.items():
        seen.setdefault(freq_step(f), (f, key))
    if len(seen) > 1:
        (f1, k1), (f2, k2) = list(seen.values())[:2]
        raise ValueError(f"All series of a panel must share one frequency. Received: {f1!r} for series "
                         f"{k1!r} and {f2!r} for series {k2!r}")
    # The name pandas gives a gap-free series ("D", not the "24h" read from a gapped one).
    named = [f for key, f in freqs.items() if frames[key].attrs["n_gaps"] == 0] or list(freqs.values())
    common = freq or (named[0] if named else None)
    if short and common is None and any(_has_times(groups[k], time_col) for k in short):
        raise ValueError(f"Series {short[0]!r}: at least 3 timestamps are needed to infer a frequency, "
                         "and no other series gives one. Received: "
                         f"{len(groups[short[0]])} row(s); pass `freq`")
    for key in short:
        frames[key] = read(key, groups[key], common)
    frames = {key: frames[key] for key in groups}  # first-appearance order

    first = next(iter(frames.values()))
    time_name, numbered = first.attrs["time_col"], numbered_by(first.attrs)
    for key, frame in frames.items():
        if numbered_by(frame.attrs) != numbered:
            said = [f"numbered by {n!r}" if (n := numbered_by(f.attrs)) else "not numbered one by one"
                    for f in (frame, first)]
            raise ValueError("Every series must number its steps 1, 2, 3 ... in the same column, or none. Received: "
                             f"series {next(iter(frames))!r} {said[1]}, series {key!r} {said[0]}")
    columns = list(first.columns)
    for key, frame in frames.items():
        if list(frame.columns) != columns:
            raise ValueError(f"Series {key!r}: every series must have the same columns. Received: "
                             f"{list(frame.columns)} against {columns}")
    parts = []
    for key, frame in frames.items():
        part = frame.reset_index(drop=time_name is None and numbered is None)
        if time_name is not None or numbered is not None:
            part = part.rename(columns={part.columns[0]: time_name or numbered})
        part.insert(0, id_col, key)
        parts.append(part)
    panel = pd.concat(parts, ignore_index=True)
    panel.attrs.update(id_col=id_col, time_col=time_name, target=list(first.attrs["target"]),
                       features=columns, freq=common, n_series=len(frames),
                       n_gaps=int(sum(f.attrs["n_gaps"] for f in frames.values())), source=name,
                       time_read=first.attrs.get("time_read"))
    return panel


def _read_regular(raw, name, id_col, time_col, target, features, freq, date_format):
    """The common case at the speed of whole columns, or None to take the series-by-series path.

    One series (the longest) is read by ``read_series``, which settles the columns, the time
    column and the frequency; the panel is then accepted as is when every column it reads
    is numeric, the times parse, and inside every series each step is exactly one frequency
    step (a fixed length, or one step of a calendar frequency's grid, months ...; so: no gap,
    duplicate or decreasing time to report or repair). Anything
    else goes to the series-by-series path, which gives the exact error or inserts the gaps.
    """
    codes, uniques = pd.factorize(raw[id_col], sort=False)  # ids in first-appearance order
    counts = np.bincount(codes)
    probe = raw[codes == int(np.argmax(counts))].drop(columns=[id_col]).reset_index(drop=True)
    try:
        first = read_series(probe, target=target, time_col=time_col, features=features, freq=freq,
                            date_format=date_format)
    except (ValueError, TypeError):
        return None
    a = first.attrs
    numbered = numbered_by(a)
    if (a["n_gaps"] or a["time_col"] not in (None, *raw.columns)  # date parts: assembled series by series
            or any(c not in raw.columns or not (_is_numeric(raw[c]) or pd.api.types.is_bool_dtype(raw[c]))
                   for c in a["features"])):
        return None
    order = np.argsort(codes, kind="stable")  # series in first-appearance order, rows in file order
    same = codes[order][1:] == codes[order][:-1]
    panel = raw.iloc[order].reset_index(drop=True)
    if numbered is not None:  # steps numbered 1, 2, 3 ... in every series, or read series by series
        steps = np.diff(panel[numbered].to_numpy(dtype="float64"))
        if not (np.isfinite(steps[same]).all() and (steps[same] == 1).all()) \
                or not (panel[numbered] == panel[numbered].round()).all():
            return None
        panel[numbered] = panel[numbered].astype("int64")
    if a["time_col"] is not None:
        try:
            times = _parse_times(panel[a["time_col"]], a["time_col"], date_format)[0]
        except (ValueError, TypeError):
            return None  # a bad time: reported series by series
        if times.isna().any():
            return None
        stamps = times.as_unit("ns").asi8
        if (np.diff(stamps)[same] < 0).any():  # rows out of time order: sorted within each series
            by_time = np.lexsort((stamps, codes[order]))
            panel, times = panel.iloc[by_time].reset_index(drop=True), times[by_time]
            warnings.warn(ROWS_SORTED, RuntimeWarning, stacklevel=2)
        offset = pd.tseries.frequencies.to_offset(a["freq"])
        try:  # a fixed step: every step within a series is exactly one
            steps, one = np.diff(times.as_unit("ns").asi8), pd.Timedelta(offset).value
        except (ValueError, TypeError):  # a calendar step (months ...): one step on its grid
            numbers, on_grid = calendar_steps(times, offset)
            if not on_grid.all():
                return None
            steps, one = np.diff(numbers), 1
        if steps[same].size and not (steps[same] == one).all():
            return None
        panel[a["time_col"]] = times
    panel = panel[[id_col] + [c for c in (a["time_col"], numbered) if c] + a["features"]]
    panel[a["features"]] = panel[a["features"]].astype("float64")
    panel.attrs.update(id_col=id_col, time_col=a["time_col"], target=list(a["target"]), features=list(a["features"]),
                       freq=a["freq"], n_series=len(uniques), n_gaps=0, source=name, time_read=a.get("time_read"))
    return panel


def columns_to_long(source, time_col=AUTO, date_format=None) -> pd.DataFrame:
    """A wide table, a time column and then one numeric column per series (stores, sensors,
    clients), as long data for :func:`read_panel`: ``unique_id`` (the column's name), the
    time (positions ``ds`` without one) and ``y``; each series from its first value to its
    last (the empty rows before and after it are not part of it)."""
    frame = read_series(source, time_col=time_col, date_format=date_format)
    if frame.attrs["left_out"]:
        warnings.warn(f"{frame.attrs['left_out']} not read: only numeric columns are series", RuntimeWarning,
                      stacklevel=2)
    time = frame.attrs["time_col"] or "ds"
    names = frame.attrs["features"]
    parts = []
    for name in names:
        seen = np.flatnonzero(frame[name].notna().to_numpy())
        if seen.size:
            part = frame[name].iloc[seen[0]:seen[-1] + 1]
            parts.append(pd.DataFrame({ID_COL: name, time: part.index, TARGET: part.to_numpy(dtype="float64")}))
    if not parts:
        raise ValueError(f"Every column has only missing values. Received: columns {names}")
    long = pd.concat(parts, ignore_index=True)
    long.attrs["source"] = f"{frame.attrs['source']} (one series per column)"
    return long


def freq_step(freq: str):
    """A comparable key of a frequency: its fixed length, or its name for calendar steps."""
    offset = pd.tseries.frequencies.to_offset(freq)
    try:
        return pd.Timedelta(offset)
    except (ValueError, TypeError):
        return offset.freqstr


def _has_times(group: pd.DataFrame, time_col) -> bool:
    if time_col != AUTO:
        return time_col is not None
    return _detect_time_column(group) is not None or _date_parts(group) is not None


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple))


def _id_names(id_col) -> list:
    """``id_col`` as a list of names: a list as it is, text split at commas and ``+``."""
    return [str(c).strip() for c in id_col] if _is_list(id_col) else \
        [n.strip() for n in str(id_col).replace("+", ",").split(",")]


def id_parts(id_col, columns) -> list | None:
    """The columns that together name each series when ``id_col`` is several: a list of
    column names, or their names joined by commas or ``+`` (``store_nbr,family``, as the
    CLI's ``--id-col`` takes them; ``store_nbr+family``, the column they become), each a
    column of ``columns``; None for one column (or names that are not all columns)."""
    columns = [str(c) for c in columns]
    if id_col is None or (not _is_list(id_col) and str(id_col) in columns):
        return None
    names = _id_names(id_col)
    return names if len(names) > 1 and all(n in columns for n in names) else None


def _id_column(raw: pd.DataFrame, id_col) -> str:
    """The name of ``raw``'s id column for ``id_col`` as given: one column, or several
    (:func:`id_parts`) joined into one (:func:`_joined_ids`, or already joined)."""
    if not _is_list(id_col) and str(id_col) in raw.columns:
        return str(id_col)
    names = _id_names(id_col)
    if "+".join(names) in raw.columns:  # read before: the joined column
        return "+".join(names)
    parts = id_parts(names, raw.columns)
    return _joined_ids(raw, parts) if parts else ",".join(names)


def _joined_ids(raw: pd.DataFrame, parts: list) -> str:
    """Replace the columns ``parts`` of ``raw`` (in place) by one id column, first, named
    ``a+b`` and holding ``<a>/<b>`` (store 1's AUTOMOTIVE sales: ``1/AUTOMOTIVE``); its name."""
    name = "+".join(parts)
    values = raw[parts[0]].astype(str).str.cat([raw[p].astype(str) for p in parts[1:]], sep="/")
    values = values.where(raw[parts].notna().all(axis=1))  # a missing part: a missing id
    raw.drop(columns=parts, inplace=True)
    raw.insert(0, name, values)
    return name


def series_id_column(columns) -> str | None:
    """The first of ``columns`` named as long data names its series (``unique_id``, then
    ``item_id``, ``series_id``; any case), else None."""
    named = {str(c).strip().lower(): c for c in reversed(list(columns))}
    return next((named[n] for n in SERIES_ID_NAMES if n in named), None)


def names_series(data, id_col=None) -> bool:
    """Whether ``data`` (a DataFrame, or a CSV or Parquet path) holds a column, or an index
    level (``df.set_index(["unique_id", "ds"])``), naming the series: ``id_col``, or one named
    as :func:`series_id_column` says; or one series per row (:func:`rows_layout`: the M3 and M4
    files). :func:`read_panel` reads all of them."""
    if isinstance(data, (str, os.PathLike)):
        if id_col is None:
            return panel_id_of(data) is not None
        columns = peek_columns(data)
        return str(id_col) in columns or id_parts(id_col, columns) is not None
    if not isinstance(data, pd.DataFrame):
        return False
    names = (*data.columns, *data.index.names)
    if id_col:
        present = [n for n in names if n is not None]
        return (not _is_list(id_col) and id_col in names) or id_parts(id_col, present) is not None
    return series_id_column(n for n in names if n is not None) is not None or rows_layout(data) is not None


def panel_id_of(path) -> str | None:
    """The column naming the series of a CSV or Parquet file, told from its header and first
    rows: a series id by name (:func:`series_id_column`), the ids of one series per row, or
    the one column under which the repeated times do not repeat (``store``). When the first
    rows are all one long series, the whole file tells, if some column could name series."""
    found = series_id_column(peek_columns(path))
    if found is not None:
        return found
    layout = rows_layout(peek_frame(path))  # 50 rows: M4's daily file has 9,920 columns
    if layout is not None:
        return layout[0]
    peek = peek_frame(path, ID_PEEK_ROWS)
    timed = _timed(peek)
    if timed is not None and timed[0].is_unique and len(peek) == ID_PEEK_ROWS and _repeating_ids(timed[1]):
        peek = _to_frame(path)[0]  # sensors of 2,016 rows each, one after another
    return long_id_column(peek)


ID_PEEK_ROWS = 2000  # rows read to tell how a file names its series


def _timed(frame: pd.DataFrame) -> tuple[pd.DatetimeIndex, pd.DataFrame] | None:
    """``(times, the other columns indexed by them)`` of a frame whose time is one column or
    date parts (``year``), as :func:`read_series` finds it; None when there is none that parses."""
    name = _detect_time_column(frame)
    columns = [name] if name is not None else _date_parts(frame)
    if not columns:
        return None
    try:
        times = _parse_times(frame[name], name)[0] if name is not None else _assemble_dates(frame, columns)
    except (ValueError, TypeError):
        return None
    return times, frame.drop(columns=columns).set_axis(times, axis=0)


def long_id_column(frame: pd.DataFrame) -> str | None:
    """The id column of long data named otherwise than :func:`series_id_column` knows: when
    the time (a column, or date parts) repeats, the only text or whole-number column under
    which no time repeats (``date, store, sales``; ``country, year, gdp``); None when there
    is none or more than one."""
    timed = _timed(frame)
    if timed is None or timed[0].is_unique:
        return None
    ids = _repeating_ids(timed[1])
    return ids[0] if len(ids) == 1 else None


def ids_as(ids, kind) -> np.ndarray:
    """Series ids (text, as forecastrnn keys its series) back as the numbers they were read
    as, when ``kind`` (the NumPy dtype kind of the data's id column) is ``"i"``, ``"u"`` or
    ``"f"``, so that a forecast merges with the data it came from; as they are otherwise."""
    ids = np.asarray(ids, dtype=object)
    if kind not in ("i", "u", "f"):
        return ids
    try:
        numbers = pd.to_numeric(pd.Series(ids))
    except (ValueError, TypeError):  # a new series named otherwise
        return ids
    return numbers.to_numpy(dtype="float64" if kind == "f" else "int64")


def panel_series(panel: pd.DataFrame, column: str) -> dict:
    """``{id: pandas.Series}`` of one column of a panel, each indexed by its time (or position)."""
    id_col, time_col = panel.attrs["id_col"], panel.attrs["time_col"]
    out = {}
    for key, group in panel.groupby(id_col, sort=False):
        values = group[column].to_numpy(dtype="float64")
        if time_col is None:
            numbered = numbered_by(panel.attrs)
            first = int(group[numbered].iloc[0]) if numbered else 0  # positions keep the file's numbering
            out[str(key)] = pd.Series(values, index=pd.RangeIndex(first, first + len(values)))
        else:
            index = pd.DatetimeIndex(group[time_col], freq=panel.attrs["freq"])
            out[str(key)] = pd.Series(values, index=index)
    return out


__all__ = ["ID_COL", "TARGET", "columns_to_long", "freq_step", "ids_as", "names_series", "panel_id_of", "panel_series",
           "read_panel", "series_id_column"]

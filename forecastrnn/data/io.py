"""Read a CSV file, DataFrame, Series or array into a clean, regular, validated frame.

Everything downstream (splits, scalers, windows, models, baselines) takes the frame that
:func:`read_series` returns, so the checks live here once:

* the time column is found (or given), parsed, and becomes a ``DatetimeIndex``;
* timestamps must be strictly increasing: nothing is sorted silently;
* the frequency is inferred and the frame is put on a regular grid, gaps becoming NaN rows;
* the target(s) and input features are chosen and must be numeric.

What was understood is kept in ``frame.attrs`` (see :func:`read_series`).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections import Counter

import numpy as np
import pandas as pd

logger = logging.getLogger("forecastrnn")

# Column names that are taken for the time column when no ``time_col`` is given.
TIME_COLUMN_NAMES = ("date", "datetime", "timestamp", "time", "ds", "month", "period", "day")


def _to_frame(source) -> tuple[pd.DataFrame, str]:
    """Turn any accepted source into a raw DataFrame and a short name for messages."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.exists(path):
            raise ValueError(f"Data file not found. Expected an existing CSV file. Received: {path!r}")
        if os.path.isdir(path):
            raise ValueError(f"Expected a CSV file, not a directory. Received: {path!r}")
        if path.lower().endswith((".parquet", ".pq")):
            return _read_parquet(path), os.path.basename(path)
        try:
            frame = pd.read_csv(path, skipinitialspace=True)
        except pd.errors.EmptyDataError:
            raise ValueError(f"The CSV file is empty: expected a header line and data rows. Received: {path!r}")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"Could not parse {path!r} as CSV: {detail}")
        return frame, os.path.basename(path)
    if isinstance(source, pd.DataFrame):
        return source.copy(), "DataFrame"
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


def _read_parquet(path: str) -> pd.DataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ValueError(f"Reading Parquet needs pyarrow. Received: {path!r}; install it with "
                         "pip install 'forecastrnn[parquet]'") from None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"Could not read {path!r} as Parquet: {detail}") from None


def _parse_times(values: pd.Series, name: str) -> pd.DatetimeIndex:
    """Parse a column into timestamps; any unparseable value is an error naming it."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
    else:
        if pd.api.types.is_numeric_dtype(values):
            raise ValueError(
                f"Time column {name!r} must hold dates or timestamps. "
                f"Received: numeric values such as {values.iloc[0]!r}"
            )
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(
            f"Time column {name!r} must hold parseable dates. "
            f"Received: {values.iloc[row]!r} at row {row}"
        )
    index = pd.DatetimeIndex(parsed)
    if index.tz is not None:
        index = index.tz_convert(None)
    return index


def _looks_like_times(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return False
    sample = values.dropna().astype(str).head(20)
    if sample.empty:
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().all())


def _detect_time_column(frame: pd.DataFrame) -> str | None:
    """A column named like a time column, else the first string column that parses as dates."""
    for column in frame.columns:
        if str(column).strip().lower() in TIME_COLUMN_NAMES:
            return column
    for column in frame.columns:
        if _looks_like_times(frame[column]):
            return column
    return None


def _check_increasing(index: pd.Index) -> None:
    """Duplicate or decreasing timestamps are errors naming the first offending rows."""
    values = index.asi8 if isinstance(index, pd.DatetimeIndex) else np.asarray(index)
    steps = np.diff(values)
    bad = np.flatnonzero(steps <= 0)
    if bad.size == 0:
        return
    row = int(bad[0]) + 1
    if steps[bad[0]] == 0:
        raise ValueError(
            f"Timestamps must be unique. Received: duplicate timestamp {index[row]} "
            f"at rows {row - 1} and {row}"
        )
    raise ValueError(
        "Timestamps must be strictly increasing (forecastrnn never sorts silently). "
        f"Received: {index[row]} at row {row} after {index[row - 1]} at row {row - 1}"
    )


def _pandas_infer_freq(index: pd.DatetimeIndex) -> str | None:
    """``pandas.infer_freq`` as a frequency string across pandas versions (2.x returns a
    string, later versions an offset and a FutureWarning about the change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq).freqstr


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
    for freq in [f for f, _ in votes.most_common(3)] + [smallest_step.freqstr]:
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


def read_series(source, target=None, time_col=None, features=None, freq=None,
                expected_freq=None) -> pd.DataFrame:
    """Read time series data into a validated frame on a regular time grid.

    Parameters
    ----------
    source : str, os.PathLike, pandas.DataFrame, pandas.Series or numpy.ndarray
        A CSV file with a header line, or data already in memory. A DataFrame with a
        ``DatetimeIndex`` uses that index as its time axis.
    target : str or list of str, optional
        Column(s) to forecast. Default: the last numeric column.
    time_col : str, optional
        Column holding the timestamps. Default: detected (a column named like ``date`` or
        ``timestamp``, else the first text column that parses as dates). With no time
        column at all the frame gets a plain integer index ``0..n-1``.
    features : list of str, optional
        Input columns. Default: every numeric column. The target's own history is always an
        input, so targets are added to ``features`` when missing. Non-numeric columns are an
        error unless left out by passing ``features``.
    freq : str, optional
        Frequency alias (``"h"``, ``"D"``, ``"MS"`` ...). Default: inferred.
    expected_freq : str, optional
        The frequency the data must have (a fitted model's, when it reads new history): a
        different inferred frequency is an error, and data with fewer than 3 timestamps,
        too few to infer one, is taken to have it.

    Returns
    -------
    pandas.DataFrame
        Shape ``(n_steps, n_columns)`` with the input columns in file order, indexed by a
        regular ``DatetimeIndex`` (missing steps inserted as NaN rows) or a ``RangeIndex``.
        ``frame.attrs`` records what was understood: ``target`` (list), ``features`` (list,
        all input columns), ``time_col``, ``freq``, ``n_gaps`` (inserted rows) and
        ``n_missing`` (NaN cells after regularisation), ``source``.

    Raises
    ------
    ValueError
        Empty data, no numeric column, unknown or non-numeric columns, unparseable,
        duplicate or decreasing timestamps, an irregular time grid.
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
    if frame.shape[1] == 0:
        raise ValueError(f"The data must have at least one column. Received: no columns in {name}")
    if len(frame) == 0:
        raise ValueError(f"The data has a header but no data rows. Received: 0 rows in {name} "
              f"(columns {list(frame.columns)})")
    frame.columns = [str(c).strip() for c in frame.columns]

    # Time axis.
    if time_col is not None:
        if time_col not in frame.columns:
            raise ValueError(f"`time_col` must name a column of the data. Received: time_col={time_col!r}; "
                  f"columns are {list(frame.columns)}")
        detected = time_col
    elif isinstance(frame.index, pd.DatetimeIndex):
        detected = frame.index.name or "index"
    else:
        detected = _detect_time_column(frame)
    if detected is None:
        # Keep a unit-step integer index (e.g. a slice of an earlier frame), else number rows.
        keep = isinstance(frame.index, pd.RangeIndex) and frame.index.step == 1
        index = frame.index if keep else pd.RangeIndex(len(frame))
    elif isinstance(frame.index, pd.DatetimeIndex) and time_col is None:
        index = frame.index.tz_convert(None) if frame.index.tz is not None else frame.index
    else:
        index = _parse_times(frame[detected], detected)
        frame = frame.drop(columns=[detected])
    frame.index = index
    try:
        _check_increasing(index)
    except ValueError as exc:
        ids = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])
               and frame[c].nunique() < len(frame)]
        if not ids:
            raise
        raise ValueError(f"{exc}. The data looks like several series in long format (column {ids[0]!r} "
                         f"repeats): read it with forecastrnn.read_panel(..., id_col={ids[0]!r}) or CLI "
                         f"--id-col {ids[0]}") from None

    # Columns.
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    targets = _as_list(target, "target")
    wanted = _as_list(features, "features")
    for label, names in (("target", targets), ("features", wanted)):
        unknown = [c for c in names or [] if c not in frame.columns]
        if unknown:
            raise ValueError(f"`{label}` must name columns of the data. Received: {unknown[0]!r}; "
                  f"columns are {list(frame.columns)}")
    if wanted is None:
        other = [c for c in frame.columns if c not in numeric]
        if other:
            raise ValueError(f"All feature columns must be numeric. Received: non-numeric column(s) {other} "
                  "(pass `features` to leave them out, or `time_col` if one holds the time)")
        if not numeric:
            raise ValueError(f"The data must have at least one numeric column. Received: columns "
                  f"{list(frame.columns)}")
        wanted = numeric
    if targets is None:
        candidates = [c for c in wanted if c in numeric]
        if not candidates:
            raise ValueError(f"The data must have at least one numeric column. Received: columns {wanted}")
        targets = [candidates[-1]]
    columns = [c for c in frame.columns if c in wanted or c in targets]
    bad = [c for c in columns if c not in numeric]
    if bad:
        raise ValueError(f"Target and feature columns must be numeric. Received: non-numeric column(s) {bad}")
    frame = frame[columns].astype("float64")

    # Regular grid.
    n_gaps = 0
    inferred = None
    if isinstance(frame.index, pd.DatetimeIndex):
        few = expected_freq is not None and len(frame.index) < 3
        inferred = freq or (expected_freq if few else infer_frequency(frame.index))
        grid = pd.date_range(frame.index[0], frame.index[-1], freq=inferred, name=frame.index.name)
        if not frame.index.isin(grid).all():
            raise ValueError(f"Timestamps must lie on the {inferred!r} grid. Received: "
                  f"{frame.index[~frame.index.isin(grid)][0]} off the grid")
        n_gaps = len(grid) - len(frame)
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
        freq=inferred,
        n_gaps=int(n_gaps),
        n_missing=int(frame.isna().to_numpy().sum()),
        source=name,
    )
    logger.info(describe(frame))
    return frame


def as_series(data, target=None, time_col=None, features=None) -> pd.DataFrame:
    """``data`` itself when it already came from :func:`read_series` and nothing else is
    asked, else ``read_series(data, ...)``: lets the API pass prepared frames around."""
    # A column selection keeps the attrs of the frame it came from: check they still fit.
    if (isinstance(data, pd.DataFrame) and data.attrs.get("features") == list(data.columns)
            and time_col is None and features is None and target in (None, data.attrs.get("target"))):
        return data
    return read_series(data, target=target, time_col=time_col, features=features)


def describe(frame: pd.DataFrame) -> str:
    """One line that says what :func:`read_series` understood."""
    a = frame.attrs
    span = f"{frame.index[0]} .. {frame.index[-1]}" if len(frame) else "empty"
    time = f"time column {a.get('time_col')!r}" if a.get("time_col") else "no time column"
    return (f"{a.get('source', 'data')}: {len(frame)} rows ({span}), {time}, "
            f"frequency {a.get('freq')}, target {a.get('target')}, "
            f"{len(a.get('features', []))} input column(s), {a.get('n_gaps', 0)} gap row(s) "
            f"inserted, {a.get('n_missing', 0)} missing value(s)")

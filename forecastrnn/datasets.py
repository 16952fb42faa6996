"""Bundled datasets.

The CSV files live in the repository's top-level ``datasets/`` folder. They are found in
this order:

1. the folder named by the environment variable ``FORECASTRNN_DATASETS``;
2. ``datasets/`` next to the package (a checkout or an editable install);
3. ``<sys.prefix>/share/forecastrnn/datasets`` (a regular ``pip install``, which copies
   the files there through ``setup.cfg``'s ``data_files``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from forecastrnn.data.io import read_series

# name -> (file, target, description)
BUNDLED = {
    "etth1": ("ETTh1.csv", "OT",
              "Electricity transformer temperature, hourly, 7 columns (Zhou et al., AAAI 2021; CC BY-ND 4.0)"),
    "airline": ("airline_passengers.csv", "passengers",
                "Monthly international airline passengers 1949-1960 (Box & Jenkins; public domain)"),
}


def datasets_dir() -> Path:
    """The folder holding the bundled CSV files (see the module docstring for the order)."""
    candidates = [Path(os.environ["FORECASTRNN_DATASETS"])] if os.environ.get("FORECASTRNN_DATASETS") else []
    candidates += [Path(__file__).resolve().parent.parent / "datasets",
                   Path(sys.prefix) / "share" / "forecastrnn" / "datasets"]
    for folder in candidates:
        if (folder / BUNDLED["etth1"][0]).is_file():
            return folder
    raise FileNotFoundError("Bundled datasets not found. Expected one of: "
                            + ", ".join(str(c) for c in candidates)
                            + ". Set FORECASTRNN_DATASETS to the folder holding ETTh1.csv")


def _entry(name: str):
    key = str(name).lower().removesuffix(".csv").replace("_passengers", "")
    if key not in BUNDLED:
        raise ValueError(f"`name` must be one of {sorted(BUNDLED)}. Received: name={name!r}")
    return BUNDLED[key]


def dataset_path(name: str) -> Path:
    """Path of a bundled dataset's CSV file, e.g. ``dataset_path("etth1")``."""
    return datasets_dir() / _entry(name)[0]


def load_dataset(name: str) -> pd.DataFrame:
    """Load a bundled dataset through :func:`forecastrnn.data.read_series`.

    Parameters
    ----------
    name : {"etth1", "airline"}

    Returns
    -------
    pandas.DataFrame
        Regular frame with a DatetimeIndex; ``attrs["target"]`` is the usual target.

    Examples
    --------
    >>> load_dataset("airline").shape  # doctest: +SKIP
    (144, 1)
    """
    file, target, _ = _entry(name)
    return read_series(datasets_dir() / file, target=target)


def list_datasets() -> pd.DataFrame:
    """One row per bundled dataset: name, path, rows, frequency, target, columns, description."""
    rows = []
    for name, (file, target, description) in BUNDLED.items():
        frame = load_dataset(name)
        rows.append({"name": name, "path": str(datasets_dir() / file), "rows": len(frame),
                     "frequency": frame.attrs["freq"], "target": target,
                     "columns": len(frame.columns), "description": description})
    return pd.DataFrame(rows)

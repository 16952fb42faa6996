"""Bundled datasets and the IMDB review loader.

The CSV files live in the repository's top-level ``datasets/`` folder. They are found in
this order:

1. the folder named by the environment variable ``FORECASTRNN_DATASETS``;
2. ``datasets/`` next to the package (a checkout or an editable install);
3. ``<sys.prefix>/share/forecastrnn/datasets`` (a regular ``pip install``, which copies
   the files there through ``setup.cfg``'s ``data_files``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tarfile
from pathlib import Path

import numpy as np
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


# --------------------------------------------------------------------------- IMDB
# Keras' IMDB conventions: 0 = padding, 1 = start of review, 2 = out of vocabulary, and a
# word of frequency rank r (1 = most frequent) gets the id r + 3.
PAD, START, OOV, INDEX_FROM = 0, 1, 2, 3
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-case words of a raw review, as the Keras IMDB word index spells them.

    HTML line breaks (``<br />``) become spaces; a token is a run of letters and digits,
    with inner apostrophes kept (``don't``, ``hold's``); all other punctuation separates.
    """
    return _TOKEN.findall(text.lower().replace("<br />", " "))


def load_word_index(path=None) -> dict:
    """The Keras IMDB word index ``{word: frequency rank}``.

    ``path`` (or ``$FORECASTRNN_IMDB_WORD_INDEX``) names ``imdb_word_index.json``; without
    either, Keras downloads it (needs the internet or its cache).
    """
    path = path or os.environ.get("FORECASTRNN_IMDB_WORD_INDEX")
    if path is None:
        from forecastrnn._tf import tensorflow

        tensorflow()
        import keras

        return keras.datasets.imdb.get_word_index()
    if not os.path.isfile(path):
        raise FileNotFoundError(f"IMDB word index not found. Expected imdb_word_index.json. Received: {path!r}")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def encode_reviews(texts, word_index: dict, num_words: int = 10000) -> list[np.ndarray]:
    """Token ids of raw reviews with the Keras conventions (start=1, oov=2, rank + 3, ids < num_words)."""
    encoded = []
    for text in texts:
        ids = [word_index.get(w, -1) + INDEX_FROM for w in tokenize(text)]
        encoded.append(np.array([START] + [i if INDEX_FROM <= i < num_words else OOV for i in ids],
                                dtype="int32"))
    return encoded


def _read_acl_reviews(source: str):
    """{"train": [(text, label)], "test": [...]} from an aclImdb folder or .tar.gz archive.

    The archive is streamed member by member: nothing is extracted to disk.
    """
    pattern = re.compile(r"(?:^|/)(train|test)/(pos|neg)/[^/]+\.txt$")
    reviews = {"train": [], "test": []}
    if os.path.isdir(source):
        root = Path(source)
        if not (root / "train").is_dir() and (root / "aclImdb").is_dir():
            root = root / "aclImdb"
        for split in ("train", "test"):
            for label, name in ((1, "pos"), (0, "neg")):
                folder = root / split / name
                if not folder.is_dir():
                    raise ValueError(f"An aclImdb folder must hold train/pos, train/neg, test/pos and "
                                     f"test/neg. Received: {str(root)!r} without {split}/{name}")
                for file in sorted(folder.glob("*.txt")):
                    reviews[split].append((file.read_text(encoding="utf-8", errors="replace"), label))
        return reviews
    try:
        archive = tarfile.open(source, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise ValueError(f"Expected an aclImdb folder, a .tar.gz archive of it, or imdb.npz. "
                         f"Received: {source!r} ({exc})") from None
    with archive:
        for member in archive:
            match = pattern.search(member.name)
            if member.isfile() and match:
                text = archive.extractfile(member).read().decode("utf-8", errors="replace")
                reviews[match.group(1)].append((text, int(match.group(2) == "pos")))
    if not reviews["train"] or not reviews["test"]:
        raise ValueError(f"The archive must hold aclImdb/train|test/pos|neg/*.txt reviews. "
                         f"Received: {source!r} with {len(reviews['train'])} train and "
                         f"{len(reviews['test'])} test reviews")
    return reviews


def load_imdb(num_words: int = 10000, maxlen: int | None = 500, source=None, word_index=None,
              padding: str = "post", truncating: str = "pre", max_samples: int | None = None,
              seed: int = 113):
    """IMDB reviews as padded token id arrays with binary labels (1 = positive).

    Parameters
    ----------
    num_words : int
        Keep the ``num_words - 3`` most frequent words; rarer ones become the OOV id 2.
    maxlen : int or None
        Pad/truncate every review to this length (None: the longest review).
    source : str, optional
        ``imdb.npz`` (Keras' file, read through ``keras.datasets.imdb.load_data``), an
        ``aclImdb`` folder, or the ``aclImdb_v1.tar.gz`` archive (read without extracting).
        Default: ``$FORECASTRNN_IMDB``, else Keras' download (needs the internet or its cache).
    word_index : str, optional
        ``imdb_word_index.json`` for aclImdb sources. Default:
        ``$FORECASTRNN_IMDB_WORD_INDEX``, else a file of that name beside ``source``, else
        Keras' download.
    padding : {"post", "pre"}
        Post-padding (default) keeps masks right-padded, so cuDNN stays usable.
    truncating : {"pre", "post"}
        ``"pre"`` keeps the end of long reviews (Keras' default), ``"post"`` the start.
    max_samples : int, optional
        Keep this many reviews of each split (after a seeded shuffle), for quick runs.
    seed : int
        Shuffle seed (Keras uses 113).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x`` int32 arrays of shape ``(n, maxlen)``, ``y`` int arrays of shape ``(n,)``.
    """
    from forecastrnn.data.masking import pad_sequences

    source = source or os.environ.get("FORECASTRNN_IMDB")
    rng = np.random.default_rng(seed)
    if source is None or str(source).endswith(".npz"):
        from forecastrnn._tf import tensorflow

        tensorflow()
        import keras

        path = "imdb.npz" if source is None else os.path.abspath(source)
        if source is not None and not os.path.isfile(path):
            raise FileNotFoundError(f"IMDB file not found. Expected Keras' imdb.npz. Received: {source!r}")
        (xa, ya), (xb, yb) = keras.datasets.imdb.load_data(path=path, num_words=num_words, seed=seed)
        splits = {"train": (list(xa), np.asarray(ya)), "test": (list(xb), np.asarray(yb))}
    else:
        source = os.fspath(source)
        if not os.path.exists(source):
            raise FileNotFoundError(f"IMDB data not found. Expected an aclImdb folder or archive. "
                                    f"Received: {source!r}")
        beside = os.path.join(os.path.dirname(os.path.abspath(source)), "imdb_word_index.json")
        index = load_word_index(word_index or os.environ.get("FORECASTRNN_IMDB_WORD_INDEX")
                                or (beside if os.path.isfile(beside) else None))
        splits = {}
        for split, items in _read_acl_reviews(source).items():
            order = rng.permutation(len(items))
            splits[split] = (encode_reviews([items[i][0] for i in order], index, num_words),
                             np.array([items[i][1] for i in order], dtype="int64"))
    out = []
    for split in ("train", "test"):
        x, y = splits[split]
        if max_samples is not None:
            x, y = x[:max_samples], y[:max_samples]
        padded, _ = pad_sequences(x, maxlen=maxlen, padding=padding, truncating=truncating)
        out.append((padded, np.asarray(y, dtype="int64")))
    return tuple(out)

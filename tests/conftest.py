import contextlib
import io
import os
import runpy
import sys
from unittest import mock

import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def run_script(path, *args, cwd=None) -> str:
    """Run ``python path args`` in this process (a new one would import TensorFlow again, 6 s
    of CPU a script), from ``cwd`` (default: the script's folder) with the script's folder
    first on ``sys.path`` as Python puts it; return what it printed. It must exit with 0."""
    printed = io.StringIO()
    argv = [str(path), *map(str, args)]
    folder = os.path.dirname(argv[0])
    with contextlib.chdir(cwd or folder), mock.patch.object(sys, "argv", argv), \
            mock.patch.object(sys, "path", [folder, *sys.path]), contextlib.redirect_stdout(printed):
        try:
            runpy.run_path(argv[0], run_name="__main__")
        except SystemExit as exc:
            assert exc.code in (None, 0), f"{argv[0]} exited with {exc.code!r}: {printed.getvalue()[-3000:]}"
    return printed.getvalue()


@pytest.fixture
def hourly_frame():
    """Three weeks of a noisy daily sine, hourly, with one extra feature."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2021-01-01", periods=24 * 21, freq="h", name="time")
    t = np.arange(len(index))
    y = 10 + np.sin(2 * np.pi * t / 24) + 0.1 * rng.standard_normal(len(t))
    return pd.DataFrame({"temp": np.cos(2 * np.pi * t / 24), "load": y}, index=index)


@pytest.fixture(scope="session")
def tiny_pretrained(tmp_path_factory):
    """A pretrained model (``pretrain``'s folder) of 60 synthetic series, tiny and briefly trained."""
    from forecastrnn.data.synthetic import synthetic_panel
    from forecastrnn.models.pretraining import pretrain

    panel = synthetic_panel(60, season_lengths=(1, 12, 24), lengths=(60, 200), seed=3)
    series = {k: g.y.to_numpy() for k, g in panel.groupby("unique_id", sort=False)}
    seasons = {k: int(g.season_length.iloc[0]) for k, g in panel.groupby("unique_id", sort=False)}
    path = tmp_path_factory.mktemp("pretrained")
    pretrain(series, seasons, path, units=4, window=24, epochs=1, verbose=0)
    return path


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a temporary folder and return its path."""
    def write(text, name="data.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


POSITIVE = ["a wonderful film, great acting and a great story", "I loved it<br />great fun",
            "wonderful wonderful movie, loved the cast", "great direction and a wonderful score"]
NEGATIVE = ["a terrible film, awful acting and a boring story", "I hated it<br />boring mess",
            "awful awful movie, hated the cast", "boring direction and a terrible score"]
WORDS = ["the", "a", "and", "film", "movie", "great", "wonderful", "terrible", "awful", "boring",
         "loved", "hated", "acting", "story", "i", "it", "cast", "fun", "mess", "direction",
         "score", "of", "was", "this"]


@pytest.fixture
def imdb_tree(tmp_path):
    """A tiny aclImdb folder, its .tar.gz archive and a word index beside them."""
    import json
    import tarfile

    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for label, texts in (("pos", POSITIVE), ("neg", NEGATIVE)):
            folder = root / split / label
            folder.mkdir(parents=True)
            for i, text in enumerate(texts * 3):
                (folder / f"{i}_{8 if label == 'pos' else 2}.txt").write_text(text)
    (tmp_path / "imdb_word_index.json").write_text(json.dumps({w: i + 1 for i, w in enumerate(WORDS)}))
    archive = tmp_path / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="aclImdb")
    return {"folder": root, "archive": archive, "word_index": tmp_path / "imdb_word_index.json"}


def pytest_terminal_summary(terminalreporter):
    """Print how many inputs the reader fuzz test tried (its report carries the counts, also
    from an xdist worker)."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for key, value in getattr(report, "user_properties", []):
            if key == "fuzz_counts":
                terminalreporter.write_line(f"reader fuzz test: {value['inputs']} inputs tried, {value['read']} "
                                            f"read to valid frames, {value['refused']} refused with a one-line error")

"""The documentation is tested: every Python example of README.md and docs/ runs, the site
builds with ``mkdocs build --strict``, and the README's figures match their script's results."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def examples(page: Path) -> list:
    return PYTHON.findall(page.read_text(encoding="utf-8"))


def write_sales(path: Path) -> None:
    """``sales.csv`` of the examples: three stores, 120 days of sales, temperature and promotions."""
    rng = np.random.default_rng(0)
    parts = []
    for i, store in enumerate(["north", "south", "east"]):
        t = np.arange(120)
        promo = (rng.random(120) < 0.1).astype(int)
        parts.append(pd.DataFrame({
            "store": store, "date": pd.date_range("2024-01-01", periods=120, freq="D").strftime("%Y-%m-%d"),
            "sales": 100 + 20 * i + 10 * np.sin(2 * np.pi * t / 7) + 15 * promo + rng.normal(0, 3, 120),
            "temp": 10 + 5 * np.sin(2 * np.pi * t / 365) + rng.normal(0, 1, 120), "promo": promo}))
    pd.concat(parts).to_csv(path, index=False)


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if examples(p)], ids=lambda p: p.name)
def test_every_python_example_runs(page, tmp_path, monkeypatch, imdb_tree):
    """The page's examples run in order in one namespace, in a folder holding the files they
    name (``sales.csv``, a tiny ``aclImdb_v1.tar.gz`` and its word index). Keras trains each
    network for 2 epochs at most: what is tested is that every line runs (the benchmarks
    score what the examples' settings reach)."""
    import keras
    import matplotlib

    matplotlib.use("Agg")
    fit = keras.Model.fit
    monkeypatch.setattr(keras.Model, "fit", lambda self, *args, **kwargs: fit(
        self, *args, **{**kwargs, "epochs": min(kwargs.get("epochs", 1), 2)}))
    write_sales(tmp_path / "sales.csv")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{page.stem}"}
    for i, code in enumerate(examples(page)):
        exec(compile(code, f"{page.name} (example {i + 1})", "exec"), namespace)


def test_the_site_builds_strictly(tmp_path):
    """Broken links, missing pages or API references that do not resolve fail the build."""
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "api" / "index.html").is_file()
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "RNNForecaster" in api and "backtest_panel" in api  # the reference was generated


def test_readme_is_a_front_page_in_step_with_its_script():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert len(lines) <= 150, len(lines)
    commands = [line for line in lines[:20] if line.startswith("pip install")]
    assert commands == ['pip install -e . && forecastrnn fit datasets/ETTh1.csv --target OT',
                        'pip install -e ".[test]" && pytest']
    for target in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / target).is_file(), target
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "readme_tables.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "gru" in readme.split("<!-- readme_tables: main_command -->")[1]  # the block is filled


def test_readme_tables_finds_a_stale_block(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import readme_tables
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    results = readme_tables.load_results()
    page = tmp_path / "page.md"
    page.write_text("intro\n<!-- readme_tables: main_command -->\nold table\n<!-- /readme_tables -->\nend\n")
    monkeypatch.setattr(readme_tables, "FILES", [page])
    assert len(readme_tables.stale_files(results)) == 1
    readme_tables.write(results)
    assert readme_tables.stale_files(results) == []
    text = page.read_text()
    assert text.startswith("intro\n") and text.endswith("<!-- /readme_tables -->\nend\n")
    assert results["table"][0] in text


BASH = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)


def shell_commands():
    """``(page, command)`` of every shell line of the docs that runs forecastrnn or a script of the repo."""
    import shlex

    for page in PAGES:
        for block in BASH.findall(page.read_text(encoding="utf-8")):
            for line in block.splitlines():
                for part in line.split("  #")[0].split("&&"):
                    words = shlex.split(part)
                    if words[:1] == ["forecastrnn"] or words[:2] and words[0] == "python" and "/" in words[1]:
                        yield page.name, words


def test_every_documented_command_parses_and_every_script_exists():
    """The CLI lines of the docs are parsed by the real CLI (options, choices, ranges: a
    renamed option fails here); the scripts they run exist. Running them is other tests' job
    (the main command: tests/test_benchmarks.py; the CLI: tests/test_cli.py)."""
    from forecastrnn.cli import cli

    seen = 0
    for page, words in shell_commands():
        seen += 1
        if words[0] == "python":
            assert (ROOT / words[1]).is_file(), (page, words)
            continue
        command = cli.get_command(None, words[1])
        assert command is not None, (page, words)
        command.make_context(words[1], words[2:]).close()  # a bad option or value raises here
    assert seen >= 15, seen

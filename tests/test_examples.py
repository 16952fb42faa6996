"""Every example script runs end to end on tiny data (few samples, one epoch)."""

from pathlib import Path

import pytest
from conftest import run_script

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.slow


def run(script, *args):
    return run_script(EXAMPLES / script, *args, cwd=EXAMPLES.parent)  # as `python examples/<script>` runs


@pytest.mark.parametrize("script", ["imdb_lstm.py", "imdb_gru.py", "imdb_simplernn.py",
                                    "imdb_bidirectional_lstm.py", "imdb_masking.py"])
def test_imdb_examples(script, imdb_tree):
    adversarial = ["--adversarial", "0.3"] if script == "imdb_lstm.py" else []
    out = run(script, "--data", imdb_tree["archive"], "--epochs", "1", "--max-samples", "16",
              "--maxlen", "20", *adversarial)
    assert "test accuracy:" in out
    assert out.count("positive (") + out.count("negative (") == 2
    if script == "imdb_masking.py":  # full-width batches: the padding reaches the network
        line = out.split("largest difference: ")[1].splitlines()[0]
        masked, unmasked = float(line.split()[0]), float(line.split("), ")[1].split()[0])
        assert masked < 1e-5 and unmasked > 10 * masked + 1e-6, line


def test_numpy_rnn():
    assert "agree to float tolerance" in run("numpy_rnn.py")


def test_forecast_etth1_quick():
    out = run("forecast_etth1.py", "--quick")
    assert "gru" in out and "arima" in out and "best by MASE" in out


def test_airline_arima_vs_gru(tmp_path):
    out = run("airline_arima_vs_gru.py", "--quick", "--plot", tmp_path / "airline.png")
    assert "arima" in out and (tmp_path / "airline.png").stat().st_size > 10000

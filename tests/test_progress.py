"""Stage lines: rewritten in place on a terminal, throttled in a log, fed by the training loop."""

import io

from forecastrnn import progress
from forecastrnn.progress import Stages, reporting


def test_a_terminal_sees_one_line_per_stage_rewritten_in_place():
    out = io.StringIO()
    stages = Stages(2, stream=out, terminal=True)
    stages.start("training gru")
    stages.advance("epoch 7/20, about 40 s left")
    stages.start("writing")
    stages.finish()
    text = out.getvalue()
    assert text.count("\n") == 2  # one finished line per stage
    assert "\r[1/2] training gru: epoch 7/20, about 40 s left" in text
    assert "\r[1/2] training gru: done in 0 s" in text and text.endswith("[2/2] writing: done in 0 s\n")


def test_a_log_gets_the_stage_line_and_progress_at_most_every_log_every_seconds(monkeypatch):
    out = io.StringIO()
    stages = Stages(3, stream=out, terminal=False)
    stages.advance("before any stage")  # nothing to advance
    stages.start("backtesting naive")
    stages.advance("1/10 series")  # too soon after the stage line
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    stages.advance("2/10 series")
    stages.finish()
    assert out.getvalue().splitlines() == ["[1/3] backtesting naive", "[1/3] backtesting naive: 2/10 series"]
    quiet = io.StringIO()
    Stages(1, stream=quiet, quiet=True).start("anything")
    assert quiet.getvalue() == ""


def test_training_reports_epochs_only_to_an_installed_reporter():
    assert progress.epoch_callback(3) is None
    said = []
    with reporting(said.append):
        callback = progress.epoch_callback(3)
        callback.on_train_begin()
        callback.on_epoch_end(0)
        callback.on_epoch_end(2)
    assert progress.epoch_callback(3) is None  # the block restored the previous reporter
    assert said[0] == "epoch 0/3" and said[1].startswith("epoch 1/3, about ") and said[2] == "epoch 3/3"
    assert progress.about(40) == "about 40 s left" and progress.about(300) == "about 5 min left"

"""Where the main command's time goes: ``forecastrnn fit datasets/ETTh1.csv --target OT``, stage by stage.

Runs the command as a user does (a fresh process, stdout unbuffered) and timestamps every line
it prints as it arrives. The stages are the command's own numbered stage lines (``[2/5] ...``,
the first line of each number; later ones only say how far it is): the time from one to the
next is the first one's. Startup is from the process start to the
first line (imports, reading and checking the file); the last stage runs until the process
exits (retraining, run directory, plots, forecast).

    python benchmarks/bench_main_command.py [--quick] [--args "--no-combination --epochs 5"]

``--quick``: the first 1,500 rows of ETTh1, 1 epoch, one network, 2 test windows, three quick baselines (a smoke run).
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

from _common import machine

STAGE = re.compile(r"^\[(\d+)/\d+\] ([^:]*)")


def stage_times(command, env) -> tuple[list[tuple[str, float]], float, int, list[str]]:
    """``([(stage, seconds), ...], total seconds, exit code, printed lines)`` of one run of ``command``."""
    start = time.perf_counter()
    marks, seen, lines = [], set(), []  # (label, arrival time), the stage numbers seen, the output
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as proc:
        for line in proc.stdout:
            now = time.perf_counter()
            lines.append(line.rstrip("\n"))
            if not marks:
                marks.append(("startup: imports, reading and checking the file", start))
            found = STAGE.match(line.strip())
            if found and found.group(1) not in seen:  # a stage's later lines say how far it is
                seen.add(found.group(1))
                marks.append((found.group(2)[:70], now))
        code = proc.wait()
    end = time.perf_counter()
    stages = [(label, (marks[i + 1][1] if i + 1 < len(marks) else end) - t) for i, (label, t) in enumerate(marks)]
    return stages, end - start, code, lines


def main_command(quick=False, extra=()) -> dict:
    """Run the main command (``quick``: the first 1,500 rows, 1 epoch, one network, 2 test windows, three
    quick baselines) and
    return its stage times, total, exit code and printed lines."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.path.join(root, "datasets", "ETTh1.csv")
    with tempfile.TemporaryDirectory() as tmp:
        extra = list(extra)
        if quick:
            import pandas as pd

            data = os.path.join(tmp, "etth1_head.csv")
            pd.read_csv(os.path.join(root, "datasets", "ETTh1.csv"), nrows=1500).to_csv(data, index=False)
            extra = ["--epochs", "1", "--n-models", "1", "--n-windows", "2",
                     "--baselines", "naive,seasonal-naive,ets", *extra]
        command = [sys.executable, "-m", "forecastrnn.cli", "fit", data, "--target", "OT",
                   "--out", os.path.join(tmp, "run"), *extra]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
        stages, total, code, lines = stage_times(command, env)
    shown = "forecastrnn fit " + ("datasets/ETTh1.csv" if not quick else data) + " --target OT " + " ".join(extra)
    return {"command": shown.strip(), "stages": stages, "total": total, "code": code, "lines": lines}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,500 rows, 1 epoch, one network, 2 test windows")
    parser.add_argument("--args", default="", help="more options for forecastrnn fit, quoted")
    args = parser.parse_args()
    print(machine())
    run = main_command(args.quick, shlex.split(args.args))
    print(run["command"])
    for label, seconds in run["stages"]:
        print(f"  {seconds:7.1f} s  {label}")
    print(f"  {run['total']:7.1f} s  total (exit code {run['code']})")
    if run["code"]:
        raise SystemExit(f"the command failed with exit code {run['code']}")


if __name__ == "__main__":
    main()

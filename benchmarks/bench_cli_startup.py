"""Start-up time of ``forecastrnn --help`` and the whole of ``forecastrnn predict pretrained``
(a zero-shot forecast: neither imports TensorFlow), median of runs.

    python benchmarks/bench_cli_startup.py [--quick] [--runs 10]
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "airline_passengers.csv")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    exe = shutil.which("forecastrnn")
    base = [exe] if exe else [sys.executable, "-m", "forecastrnn.cli"]
    for words, target in ((["--help"], " (target < 0.5 s)"),
                          (["predict", "pretrained", "--data", DATA, "--horizon", "12"], "")):
        times = []
        for _ in range(3 if args.quick else args.runs):
            start = time.perf_counter()
            subprocess.run(base + words, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        times.sort()
        shown = " ".join(os.path.basename(w) if w == DATA else w for w in words)
        print(f"forecastrnn {shown}: median {times[len(times) // 2]:.3f} s, min {times[0]:.3f} s over {len(times)} "
              f"runs{target}", flush=True)


if __name__ == "__main__":
    main()

"""Start-up time of ``forecastrnn --help`` (TensorFlow is not imported), median of runs.

    python benchmarks/bench_cli_startup.py [--quick] [--runs 10]
"""

import argparse
import shutil
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    exe = shutil.which("forecastrnn")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "forecastrnn.cli", "--help"]
    times = []
    for _ in range(3 if args.quick else args.runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"{' '.join(cmd[-2:]) if not exe else 'forecastrnn --help'}: median {times[len(times) // 2]:.3f} s, "
          f"min {times[0]:.3f} s over {len(times)} runs (target < 0.5 s)")


if __name__ == "__main__":
    main()

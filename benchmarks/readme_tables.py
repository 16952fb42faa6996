"""The README's and the docs' main-command figures, written by a script and never by hand.

Runs the main command (``forecastrnn fit datasets/ETTh1.csv --target OT``) as a user does,
keeps what it printed and how long each stage took in ``benchmarks/results/main_command.json``,
and rewrites every block between ``<!-- readme_tables: main_command -->`` and
``<!-- /readme_tables -->`` in README.md and docs/ from that file.

    python benchmarks/readme_tables.py            # run the command, store the results, rewrite the blocks
    python benchmarks/readme_tables.py --write    # rewrite the blocks from the stored results
    python benchmarks/readme_tables.py --check    # exit 1 if a block differs from the stored results
    python benchmarks/readme_tables.py --quick    # a smoke run (1,500 rows, 1 epoch): prints, stores nothing

``tests/test_docs.py`` runs ``--check``, so a block edited by hand, or results stored without
rewriting the blocks, fail the suite.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results", "main_command.json")
FILES = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "docs", "getting-started.md")]
BLOCK = re.compile(r"(<!-- readme_tables: (\w+) -->\n)(.*?)(<!-- /readme_tables -->)", re.DOTALL)


def table_lines(lines: list) -> list:
    """The comparison table the command printed: its title line to the last model row."""
    start = next(i for i, line in enumerate(lines) if line.startswith("Backtest over"))
    end = start + 1
    while end < len(lines) and lines[end].strip() and not lines[end].startswith("["):
        end += 1
    return lines[start:end]


def short(label: str) -> str:
    """A stage's name in a few words: ``"training and backtesting gru"`` -> ``"gru"``."""
    label = label.split(":")[0].split(" (")[0]
    for prefix, name in (("startup", "start-up"), ("backtesting ", "baselines"), ("training and backtesting ", None),
                         ("retraining", "retraining"), ("forecasting and writing", "writing the run")):
        if label.startswith(prefix):
            return name or label[len(prefix):]
    return label


def main_command_block(results: dict) -> str:
    """The Markdown of the ``main_command`` block: the table and what the run took."""
    rows = {line.split()[0]: line.split() for line in results["table"][3:]}
    mase = {name: float(row[4]) for name, row in rows.items()}
    best = min((n for n in mase if n not in ("gru", "combination")), key=mase.get)
    stages = ", ".join(f"{short(label)} {seconds:.0f} s" for label, seconds in results["stages"])
    return ("```text\n" + "\n".join(results["table"]) + "\n```\n\n"
            f"The GRU's MASE is {mase['gru']:.3f} against {mase[best]:.3f} for the best baseline ({best}); the "
            f"combination's {mase['combination']:.3f}. The whole command took {results['total']:.0f} s on "
            f"{results['machine'].split(', Python')[0]} ({results['date']}): {stages}. Written by "
            "`benchmarks/readme_tables.py` from `benchmarks/results/main_command.json`.\n")


BUILDERS = {"main_command": main_command_block}


def rewritten(text: str, results: dict) -> str:
    return BLOCK.sub(lambda m: m.group(1) + BUILDERS[m.group(2)](results) + m.group(4), text)


def stale_files(results: dict) -> list:
    """The files whose blocks differ from what ``results`` gives."""
    out = []
    for path in FILES:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if rewritten(text, results) != text:
            out.append(os.path.relpath(path, ROOT))
    return out


def write(results: dict) -> None:
    for path in FILES:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        new = rewritten(text, results)
        if new != text:
            tmp = f"{path}.tmp-{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(new)
            os.replace(tmp, path)
            print(f"rewrote {os.path.relpath(path, ROOT)}")


def load_results() -> dict:
    with open(RESULTS, encoding="utf-8") as fh:
        return json.load(fh)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the blocks from the stored results")
    mode.add_argument("--check", action="store_true", help="exit 1 if a block is out of step")
    mode.add_argument("--quick", action="store_true", help="a smoke run: print the block, store nothing")
    args = parser.parse_args()
    if args.check:
        stale = stale_files(load_results())
        if stale:
            raise SystemExit(f"out of step with {os.path.relpath(RESULTS, ROOT)}: {', '.join(stale)}; "
                             "run python benchmarks/readme_tables.py --write")
        print("README and docs are in step with the stored results")
        return
    if args.write:
        write(load_results())
        return
    sys.path.insert(0, HERE)
    from _common import machine
    from bench_main_command import main_command

    run = main_command(quick=args.quick)
    if run["code"]:
        raise SystemExit(f"the main command failed with exit code {run['code']}")
    import time

    results = {"command": run["command"], "machine": machine(), "date": time.strftime("%Y-%m-%d"),
               "total": round(run["total"], 1), "stages": [[label, round(s, 1)] for label, s in run["stages"]],
               "table": table_lines(run["lines"])}
    print(main_command_block(results))
    if args.quick:
        return
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=2)
        fh.write("\n")
    write(results)


if __name__ == "__main__":
    main()

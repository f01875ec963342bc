"""What `--stats` costs: the same run with and without it, file to file.

    .venv/bin/python benchmarks/bench_stats.py [--runs 5]

For every corpus of ../shared/corpus over 10 MB and three chains (the peers' four steps, the
default preset, the search preset): `arabic-norm [--stats] CHAIN FILE > OUT`, alternating, median
of `--runs` rounds after a warm-up round. Issue 13's target: --stats at most 1.3x the run
without it. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
RESULTS = HERE / "results"
CLI = str(Path(sys.executable).parent / "arabic-norm")
CHAINS = {
    "diacritics tatweel alef ya": ["diacritics", "tatweel", "alef", "ya"],
    "--preset default": ["--preset", "default"],
    "--preset search": ["--preset", "search"],
}
MIN_SIZE = 10_000_000


def timed(command: list[str], target: Path) -> float:
    target.unlink(missing_ok=True)
    os.sync()
    start = time.perf_counter()
    with open(target, "wb") as out:
        subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (median reported)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / "stats-out.txt"
    files = [p for p in sorted(CORPUS.glob("*.txt")) if not p.name.endswith("LICENSE.txt")]
    print("| corpus | chain | median s | with --stats s | ratio | target (1.3x) |")
    print("|---|---|---:|---:|---:|---|")
    for path in (p for p in files if p.stat().st_size >= MIN_SIZE):
        for label, chain in CHAINS.items():
            commands = {"plain": [CLI, *chain, str(path)], "stats": [CLI, "--stats", *chain, str(path)]}
            times: dict[str, list[float]] = {k: [] for k in commands}
            for round_ in range(args.runs + 1):
                order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
                for kind in order:
                    elapsed = timed(commands[kind], target)
                    if round_:
                        times[kind].append(elapsed)
            plain, stats = statistics.median(times["plain"]), statistics.median(times["stats"])
            verdict = "met" if stats <= 1.3 * plain else "MISSED"
            print(
                f"| {path.name} | {label} | {plain:.2f} | {stats:.2f} | {stats / plain:.2f}x | {verdict} |", flush=True
            )
    target.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

"""Piped text: `cat FILE | arabic-norm CHAIN > OUT` against `arabic-norm CHAIN FILE > OUT`.

    .venv/bin/python benchmarks/bench_pipe.py [--runs 7]

The shell user's way in (`cat x.txt | arabic-norm diacritics alef ya | sort | uniq -c`): the same
corpora as bench_peers.py (every file of ../shared/corpus over 10 MB), `--no-protect diacritics
tatweel alef ya`, the command of the environment this script runs in (or `--cli`). Also timed: `cat FILE >
OUT` through a shell, the floor of any pipe. Runs alternate, after a warm-up round; the script
prints the medians and the ratio of the piped run to the run reading the file. Before timing, the
piped output is compared with the file's, byte for byte. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
RESULTS = HERE / "results"
MIN_SIZE = 10_000_000
CLI = str(Path(sys.executable).parent / "arabic-norm")
CHAIN = "--no-protect diacritics tatweel alef ya"


def commands(source: Path, cli: str) -> dict[str, tuple[str, Path]]:
    """name -> (shell command, the file it writes)."""
    src, cli = shlex.quote(str(source)), shlex.quote(cli)
    reads = {
        "cat FILE > OUT": f"cat {src}",
        "arabic-norm FILE > OUT": f"{cli} {CHAIN} {src}",
        "cat FILE | arabic-norm > OUT": f"cat {src} | {cli} {CHAIN}",
    }
    named = {}
    for i, (name, read) in enumerate(reads.items()):
        out = RESULTS / f"pipe-{i}.out"
        named[name] = (f"{read} > {shlex.quote(str(out))}", out)
    return named


def timed(command: str, out: Path) -> float:
    out.unlink(missing_ok=True)
    os.sync()  # nothing of the previous run left to write back
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    subprocess.run(["sh", "-c", command], check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (median reported)")
    parser.add_argument("--cli", default=CLI, help="the arabic-norm command to time (default: this environment's)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    files = sorted(p for p in CORPUS.glob("*.txt") if not p.name.endswith(".LICENSE.txt"))
    print("| corpus | command | median s | vs arabic-norm FILE |")
    print("|---|---|---:|---:|")
    for source in (p for p in files if p.stat().st_size >= MIN_SIZE):
        named = commands(source, args.cli)
        for command, out in named.values():  # warm-up, and the outputs compared
            timed(command, out)
        if not filecmp.cmp(named["arabic-norm FILE > OUT"][1], named["cat FILE | arabic-norm > OUT"][1], shallow=False):
            raise SystemExit(f"{source.name}: the piped output differs from the file's")
        times: dict[str, list[float]] = {name: [] for name in named}
        for _ in range(args.runs):
            for name, (command, out) in named.items():
                times[name].append(timed(command, out))
        medians = {name: statistics.median(t) for name, t in times.items()}
        for name, median in medians.items():
            ratio = median / medians["arabic-norm FILE > OUT"]
            print(f"| {source.name} | `{name}` | {median:.3f} | {ratio:.2f}x |", flush=True)
        for _, out in named.values():
            out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

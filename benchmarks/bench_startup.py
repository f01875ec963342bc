"""Start-up time of `echo نص | arabic-norm` against `python -c "import click"`.

    .venv/bin/python benchmarks/bench_startup.py [--runs 30]

Both commands run as subprocesses of the same interpreter's environment, alternating, after warm-up
runs; the script prints the median wall time of each and their ratio (target: at most 1.5x).
Bytecode caching is switched on for the children (PYTHONDONTWRITEBYTECODE removed), as it is for an
installed package: without .pyc files every run would compile arabic_norm from source, while click's
.pyc files were written by pip at install time. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TARGET = 1.5


def timed(cmd: list[str], stdin: bytes, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, input=stdin, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each command (at least 10)")
    args = parser.parse_args()
    runs = max(args.runs, 10)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    ours = [str(BIN / "arabic-norm")]
    click = [sys.executable, "-c", "import click"]
    text = "نص\n".encode()

    out = subprocess.run(ours, input=text, capture_output=True, env=env, check=True).stdout
    assert out == text, out  # nothing to change in this word: the same bytes come back
    for _ in range(3):  # warm up: .pyc files written, file system caches filled
        timed(ours, text, env)
        timed(click, b"", env)

    times_ours, times_click = [], []
    for _ in range(runs):
        times_ours.append(timed(ours, text, env))
        times_click.append(timed(click, b"", env))
    ours_ms = statistics.median(times_ours) * 1000
    click_ms = statistics.median(times_click) * 1000
    ratio = ours_ms / click_ms
    print(f"echo نص | arabic-norm      median {ours_ms:6.1f} ms over {runs} runs")
    print(f'python -c "import click"   median {click_ms:6.1f} ms over {runs} runs')
    verdict = "within" if ratio <= TARGET else "over"
    print(f"ratio {ratio:.2f}x ({verdict} the {TARGET}x target)")


if __name__ == "__main__":
    main()

"""Peak memory on a 1 GB input, in every output mode (issue 4: under 100 MiB).

    .venv/bin/python benchmarks/bench_memory.py [--size-mb 1000]

The input is the Tashkeela corpus repeated up to the size (written to benchmarks/results/, not
committed), plus one line of 200 MB without a line break, so that the cut inside a long line is
exercised too. Each mode runs once, under a fresh wrapper process whose RUSAGE_CHILDREN ru_maxrss
is the peak RSS of the command or of any of its descendants (for -j, the largest of the parent and
its workers). --diff is left out: on an input where every line changes, the diff is bigger than
the input and its cost is difflib's, not the streaming's. Not a test: it takes a few minutes and
about 4 GB of disk.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "cls_tashkeela_classical.txt"
RESULTS = HERE / "results"
CLI = str(Path(sys.executable).parent / "arabic-norm")
CHAIN = ["diacritics", "tatweel", "alef", "ya"]
LIMIT_MIB = 100


def make_input(path: Path, size: int) -> None:
    if path.exists() and path.stat().st_size >= size:
        return
    corpus = CORPUS.read_bytes()
    long_line = " ".join(["كَتَبَ"] * 17_000_000).encode() + b"\n"  # about 200 MB, one line
    with open(path, "wb") as f:
        f.write(long_line)
        while f.tell() < size:
            f.write(corpus)


def measure(command: list[str], out_path: Path | None) -> tuple[float, int]:
    """Run `command` in a fresh wrapper process so that only its own tree counts."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "out = open(sys.argv[1], 'wb') if sys.argv[1] != '-' else subprocess.DEVNULL\n"
        "t = time.perf_counter()\n"
        "rc = subprocess.run(sys.argv[2:], stdout=out).returncode\n"
        "print(rc, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, str(out_path) if out_path else "-", *command],
        capture_output=True,
        text=True,
        check=True,
    )
    rc, seconds, kib = done.stdout.split()
    if int(rc) not in (0, 1):
        raise SystemExit(f"failed ({rc}): {' '.join(command)}\n{done.stderr}")
    return float(seconds), int(kib) // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1000)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    source = RESULTS / "memory_input.txt"
    make_input(source, args.size_mb * 1000 * 1000)
    size_mb = source.stat().st_size / 1e6
    work = RESULTS / "memory_work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    in_place = work / "in_place.txt"
    shutil.copyfile(source, in_place)
    modes = {
        "stdout": ([CLI, *CHAIN, str(source)], work / "stdout.txt"),
        "stdout, -j 2": ([CLI, "-j", "2", *CHAIN, str(source)], work / "stdout_j2.txt"),
        "stdin to stdout": (["sh", "-c", f"{CLI} {' '.join(CHAIN)} < {source}"], work / "stdin.txt"),
        "-o FILE": ([CLI, "-o", str(work / "o.txt"), *CHAIN, str(source)], None),
        "-o FILE, -j 2": ([CLI, "-j", "2", "-o", str(work / "o2.txt"), *CHAIN, str(source)], None),
        "-o FILE.gz": ([CLI, "-o", str(work / "o.txt.gz"), *CHAIN, str(source)], None),
        "--output-dir": ([CLI, "--output-dir", str(work / "dir"), *CHAIN, str(source)], None),
        "-i (in place)": ([CLI, "-i", *CHAIN, str(in_place)], None),
        "--check": ([CLI, "--check", *CHAIN, str(source)], None),
    }
    print(f"input: {source.name}, {size_mb:.0f} MB (one line of 200 MB, then Tashkeela repeated)")
    print(f"{'mode':20s} {'seconds':>8s} {'peak RSS MiB':>13s}")
    worst = 0
    for label, (command, out_path) in modes.items():
        seconds, mib = measure(command, out_path)
        worst = max(worst, mib)
        print(f"{label:20s} {seconds:8.1f} {mib:13d}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"largest peak RSS: {worst} MiB (target: under {LIMIT_MIB} MiB)")
    return 0 if worst < LIMIT_MIB else 1


if __name__ == "__main__":
    sys.exit(main())

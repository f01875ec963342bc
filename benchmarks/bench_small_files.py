"""Many small files: `--check`, `-i` and `--output-dir` over 3,000 files of 2-20 KB, this tree
against another checkout of arabic-norm (the code before a change), in the same run.

    .venv/bin/python benchmarks/bench_small_files.py --base /tmp/base13s [--runs 3] [--files 3000]

The files are cut, at line ends, from the corpora in ../shared/corpus (pieces of 2-20 KB, spread
over ten directories); every third one is normalized first with the default preset, so that some
files change and some do not. They are written to a temporary directory and deleted at the end
(the corpora are never copied anywhere else).

Each tree runs as `python -m arabic_norm` with its directory first on sys.path (see LAUNCH; a
checkout older than `arabic_norm/__main__.py`, such as 2e1d90a, the code issue 13 measured, runs
`arabic_norm.cli.entry`), default preset, `-q`, with `-j 1` and `-j 2`; runs alternate between
the two trees and the script prints medians and the ratio base/this (above 1: this tree is
faster). A third column, the floor, does what the file system must do for each mode in a bare
Python loop (see FLOOR): this/floor is what the tool adds to it. `-i` rewrites a fresh copy of the
files on every run and `--output-dir` writes into an empty directory; copying and deleting are not
timed.
Not a test: timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CORPUS = HERE.parent / "shared" / "corpus"
SOURCES = (
    "msa_hindawi_public_domain_books.txt",
    "cls_tashkeela_classical.txt",
    "dia_arsarcasm_v2_tweets.txt",
    "msa_ud_arabic_pud_sentences.txt",
    "cls_aliosm_tashkeela_test.txt",
)
MODES = ("check", "in-place", "output-dir")
# The floor: what any tool doing the job must do to the file system, in a bare Python loop in its
# own process (no normalizing, no click): check reads every file; in-place writes each file that
# changes (the list is argv[3]) to a temporary file beside it, fsyncs it, renames it over the
# file, then fsyncs each directory, as -i does; output-dir writes every file into the mirrored
# tree through a temporary file and a rename, as --output-dir does (no fsync).
FLOOR = """
import os, sys
mode, root, arg = sys.argv[1:4]
for directory, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            data = f.read()
        if mode == "check" or (mode == "in-place" and path not in CHANGING):
            continue
        target = path if mode == "in-place" else os.path.join(arg, os.path.relpath(path, root))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = os.path.join(os.path.dirname(target), ".floor-" + name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        if mode == "in-place":
            os.fsync(fd)
        os.close(fd)
        os.replace(tmp, target)
if mode == "in-place":
    for directory, _, _ in os.walk(root):
        fd = os.open(directory, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
"""


def generate(dest: Path, count: int, seed: int = 13) -> int:
    """`count` files of 2-20 KB cut at line ends from the corpora; returns their total size."""
    sys.path.insert(0, str(HERE))
    from arabic_norm.pipeline import Pipeline

    normalize = Pipeline.preset("default").normalize_block
    rng = random.Random(seed)
    texts = []
    for name in SOURCES:
        with open(CORPUS / name, "rb") as f:
            texts.append(f.read(4 << 20))
    total = 0
    for i in range(count):
        text = texts[i % len(texts)]
        size = rng.randint(2 << 10, 20 << 10)
        start = text.find(b"\n", rng.randrange(0, len(text) - size - 1)) + 1
        end = text.find(b"\n", start + size - 1)
        piece = text[start : end + 1 if end >= 0 else len(text)]
        if i % 3 == 0:
            piece = normalize(piece)
        directory = dest / f"d{i % 10}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"f{i:05d}.txt").write_bytes(piece)
        total += len(piece)
    return total


# Runs `python -m arabic_norm` from the tree given first: an editable install of this tree would
# otherwise answer `import arabic_norm` before PYTHONPATH is searched.
TREE_FIRST = (
    "import sys, runpy, importlib.util; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
    "sys.path.insert(0, sys.argv.pop(1)); "
)
LAUNCH = (
    TREE_FIRST + "runpy.run_module('arabic_norm', run_name='__main__', alter_sys=True) "
    "if importlib.util.find_spec('arabic_norm.__main__') "
    "else __import__('arabic_norm.cli', fromlist=['entry']).entry()"  # (checkouts before __main__.py)
)


def command(tree: Path | None, mode: str, jobs: int, files: Path, out: Path) -> list[str]:
    if tree is None:  # the floor
        changing = files.parent / "changing.txt"
        setup = f"CHANGING = set(open({str(changing)!r}, encoding='utf-8').read().splitlines())\n"
        arg = str(out) if mode == "output-dir" else str(files)
        return [sys.executable, "-c", setup + FLOOR, mode, str(files), arg]
    flags = {"check": ["--check"], "in-place": ["-i"], "output-dir": ["--output-dir", str(out)]}[mode]
    return [sys.executable, "-c", LAUNCH, str(tree), "-q", "-j", str(jobs), *flags, str(files)]


def list_changing(files: Path, copy: Path) -> None:
    """The files the default preset changes, as they are named in the copy -i rewrites (for the floor)."""
    from arabic_norm.pipeline import Pipeline

    normalize = Pipeline.preset("default").normalize_block
    changing = [
        str(copy / p.relative_to(files))
        for p in sorted(files.rglob("*.txt"))
        if normalize(data := p.read_bytes()) != data
    ]
    (files.parent / "changing.txt").write_text("\n".join(changing) + "\n", encoding="utf-8")


def timed(tree: Path | None, mode: str, jobs: int, files: Path, work: Path) -> float:
    """One run in `work` (prepared first: a fresh copy for -i, no output directory for --output-dir)."""
    target, out = files, work / "out"
    shutil.rmtree(out, ignore_errors=True)
    if mode == "in-place":
        target = work / "copy"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(files, target)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(["sync"], check=False)  # dirty pages of the copy are not this run's work
    start = time.perf_counter()
    done = subprocess.run(command(tree, mode, jobs, target, out), env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # --check exits 1: some files would change
        raise SystemExit(f"{tree} {mode} -j {jobs} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def which_code(tree: Path) -> str:
    """The directory `arabic_norm` is imported from when launched as `command` launches it."""
    code = TREE_FIRST + "import arabic_norm, os; print(os.path.dirname(os.path.dirname(arabic_norm.__file__)))"
    return subprocess.run([sys.executable, "-c", code, str(tree)], capture_output=True, text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, type=Path, help="another checkout of arabic-norm (e.g. main)")
    parser.add_argument(
        "--this", type=Path, default=HERE, help="the checkout to time against --base (default: this one)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each tree, mode and -j")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    parser.add_argument("--jobs", default="1,2", help="comma-separated -j values")
    args = parser.parse_args()
    trees: dict[str, Path | None] = {"base": args.base.resolve(), "this": args.this.resolve()}
    for label, tree in trees.items():  # each tree really runs its own code
        found = Path(which_code(tree).strip()).resolve()
        if found != tree:
            raise SystemExit(f"{label}: PYTHONPATH={tree} imports arabic_norm from {found}")

    with tempfile.TemporaryDirectory(prefix="bench-small-") as tmp:
        tmp = Path(tmp)
        files = tmp / "files"
        total = generate(files, args.files)
        list_changing(files, tmp / "copy")
        trees["floor"] = None
        for tree in trees.values():  # warm-up: .pyc files written, files in the page cache
            timed(tree, "check", 1, files, tmp)
        print(f"{args.files} files, {total / 1e6:.1f} MB, default preset; medians of {args.runs} alternating runs")
        print("floor: the same reads, writes, fsyncs and renames in a bare Python loop (FLOOR), one process")
        header = (
            f"{'mode':<12} {'-j':>2} {'base s':>8} {'this s':>8} {'floor s':>8} {'base/this':>10} {'this/floor':>11}"
        )
        print(header)
        for mode in args.modes.split(","):
            for jobs in (int(j) for j in args.jobs.split(",")):
                times = {label: [] for label in trees}
                for _ in range(args.runs):
                    for label, tree in trees.items():
                        times[label].append(timed(tree, mode, jobs, files, tmp))
                base, this, floor = (statistics.median(times[label]) for label in trees)
                seconds = f"{base:8.2f} {this:8.2f} {floor:8.2f}"
                print(f"{mode:<12} {jobs:>2} {seconds} {base / this:9.2f}x {this / floor:10.2f}x", flush=True)


if __name__ == "__main__":
    main()

"""-j N over many small files: files travel to the workers in batches (one task per batch, not per
file), and the run is the -j 1 run, byte for byte: the files written, the messages on stderr, in
the same order, and the exit code.

The command runs in this process (`main`) with `ProcessPoolExecutor.submit` wrapped to count the
tasks sent to workers, and with small batches (BATCH_ITEMS) so that a few dozen files make several.
"""

from __future__ import annotations

import gzip
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from arabic_norm.cli import writeback
from arabic_norm.cli.command import main
from arabic_norm.stream import pool
from arabic_norm.stream.pool import batches, map_ordered

CHAIN = ["diacritics", "tatweel", "alef", "ya"]
CHANGES = "السَّلَامُ عَلَيْكُمْ يا أحمـــد\n".encode()
UNCHANGED = "السلام عليكم يا احمد\n".encode()
ARCHIVE = gzip.compress(CHANGES * 50, mtime=0)
JSONL = b'{"t": "\xd9\x83\xd9\x8e\xd8\xaa\xd9\x8e\xd8\xa8\xd9\x8e"}\nnot json\n'  # كَتَبَ, then a malformed line


@pytest.fixture
def tasks(monkeypatch) -> list[int]:
    """Batches of at most 8 files; the returned list grows by one for each task sent to a worker."""
    sent: list[int] = []
    submit = ProcessPoolExecutor.submit

    def counted(self, fn, *args, **kwargs):
        sent.append(1)
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", counted)
    monkeypatch.setattr(pool, "BATCH_ITEMS", 8)
    return sent


def many_files(root: Path) -> list[str]:
    """40 small files over three directories: changed, unchanged, bad UTF-8, a good and a truncated
    archive, a Markdown file (its code protected); and a missing path among them. Paths in order."""
    paths = []
    for i in range(40):
        kind = i % 8
        name, data = f"f{i:02d}.txt", CHANGES * (i + 1) if kind in (0, 1, 2) else UNCHANGED * (i + 1)
        if kind == 3:
            data = CHANGES + b"\xff\xfe broken\n"  # invalid UTF-8: an input error naming this file
        elif kind == 4:
            name, data = f"f{i:02d}.txt.gz", ARCHIVE
        elif kind == 5 and i == 13:
            name, data = f"f{i:02d}.txt.gz", ARCHIVE[:-9]  # cut short
        elif kind == 6:
            name, data = f"f{i:02d}.md", CHANGES + b"`" + CHANGES.strip() + b"`\n"
        path = root / f"d{i % 3}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(str(path))
    paths.insert(17, str(root / "missing.txt"))
    return paths


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(args: list[str], capfd) -> tuple[int, str]:
    code = main(["-v", *args])
    return code, capfd.readouterr().err


@pytest.mark.parametrize("mode", ["check", "in-place", "output-dir"])
def test_jobs_2_over_many_small_files_is_the_jobs_1_run_in_batches(tmp_path, tasks, capfd, mode):
    """40 files (8 a batch) with -j 2: 5 tasks, not 40; the same files written, the same messages in
    the same order (a bad file, a truncated archive and a missing path reported where they come,
    the other files still done), the same exit code as -j 1."""
    src = tmp_path / "src"
    paths = many_files(src)
    results = {}
    for jobs in ("1", "2"):
        work = tmp_path / f"j{jobs}"
        shutil.copytree(src, work / "src")
        mine = [p.replace(str(src), str(work / "src")) for p in paths]
        option = {"check": ["--check"], "in-place": ["-i"], "output-dir": ["--output-dir", str(work / "out")]}[mode]
        tasks.clear()
        code, err = run(["-j", jobs, *option, *CHAIN, *mine], capfd)
        results[jobs] = code, err.replace(str(work), "WORK"), tree_bytes(work), len(tasks)
    code, err, files, sent = results["2"]
    assert (code, err, files) == results["1"][:3]
    assert sent == 5 and results["1"][3] == 0  # 40 files in batches of 8; -j 1 starts no worker
    assert code == 3  # input errors: the bad file and the truncated archive (and the missing path)
    assert err.index("f03.txt") < err.index("f13.txt.gz") < err.index("missing.txt") < err.index("f19.txt")
    assert "truncated" in err and "invalid UTF-8" in err
    if mode != "check":
        where = "out/" if mode == "output-dir" else "src/"
        written = [name for name in files if name.endswith("f00.txt") and name.startswith(where)]
        assert [files[name] for name in written] == [UNCHANGED]
        assert files["src/d1/f13.txt.gz"] == ARCHIVE[:-9]  # left untouched


def test_messages_written_by_workers_come_out_in_input_order(tmp_path, tasks, capfd):
    """JSON Lines files with a malformed line skipped (--on-error skip), normalized by workers: each
    file's "line 2 ... skipped" message comes just before that file is reported, in input order,
    as with -j 1 (a worker writing stderr itself would interleave them as the workers finish)."""
    paths = []
    for i in range(24):
        path = tmp_path / f"r{i:02d}.jsonl"
        path.write_bytes(JSONL)
        paths.append(str(path))
    out = {}
    for jobs in ("1", "2"):
        tasks.clear()
        code, err = run(["-j", jobs, "--check", "--field", "t", "--on-error", "skip", *CHAIN, *paths], capfd)
        out[jobs] = code, err, len(tasks)
    assert out["2"][:2] == out["1"][:2] and out["2"][2] == 3
    lines = [line for line in out["2"][1].splitlines() if "line 2" in line]
    assert [line.split(":")[1].strip() for line in lines] == paths


def test_a_single_batch_runs_without_workers(tmp_path, tasks, capfd):
    """Files that all fit in one batch (here 8) are normalized here: starting workers would cost
    more than the work."""
    paths = []
    for i in range(8):
        path = tmp_path / f"f{i}.txt"
        path.write_bytes(CHANGES)
        paths.append(str(path))
    code, _ = run(["-j", "2", "-i", *CHAIN, *paths], capfd)
    assert code == 0 and not tasks
    assert all(Path(p).read_bytes() == UNCHANGED for p in paths)


def test_batches_keep_the_order_and_close_at_the_weight_or_the_count():
    sizes = [300, 300, 500, 2000, 10, 10, 10, 10, 10]
    assert list(batches(sizes, int, max_weight=1000, max_items=3)) == [[300, 300, 500], [2000], [10, 10, 10], [10, 10]]
    assert list(batches([], int)) == []


def _double_or_fail(n: int, factor: int) -> int:
    if n == 7:
        raise ValueError(f"no {n}")
    return n * factor


def test_map_ordered_in_batches_keeps_the_order_and_each_items_error(monkeypatch):
    """An error in one item of a batch is that item's; `shared` reaches every call."""
    monkeypatch.setattr(pool, "BATCH_ITEMS", 4)
    outcomes = list(map_ordered(_double_or_fail, range(20), jobs=2, shared=(3,), weight=lambda n: 1))
    assert [o.value for o in outcomes] == [n * 3 if n != 7 else None for n in range(20)]
    assert "no 7" in str(outcomes[7].error)


def test_a_stop_while_a_temporary_file_is_being_created_removes_it(tmp_path, monkeypatch):
    """Ctrl-C on -j 2 -i over many small files: the workers spend much of their time creating
    temporary files (a slow open on a busy disk), and a worker stopped right as the open returned
    left its `.arabic-norm-tmp-*` file behind (made, not yet recorded). The stop handler
    (remove_temporary_files) is run here exactly then: nothing is left."""
    real_open = os.open

    def open_then_stopped(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if os.path.basename(path).startswith(writeback.TEMP_PREFIX):
            writeback.remove_temporary_files()  # what SIGTERM runs in a worker, at this moment
        return fd

    monkeypatch.setattr(os, "open", open_then_stopped)
    writeback._temp_beside(str(tmp_path / "a.txt"))
    assert list(tmp_path.iterdir()) == []


def _upper_or_die(name: str) -> str:
    if name == "die":
        os._exit(3)
    return name.upper()


def test_a_worker_dying_in_a_batch_is_reported_for_its_items(monkeypatch):
    """A worker killed in the middle of a batch (out of memory...): each item of that batch is a
    WorkerError naming the item, never a silent gap (a batch still running in the other worker
    may fail with it: the pool is broken; which ones depends on timing, so only these are checked)."""
    monkeypatch.setattr(pool, "BATCH_ITEMS", 2)
    items = ["a", "b", "c", "d", "e", "die", "f", "g"]
    outcomes = list(map_ordered(_upper_or_die, items, jobs=2, weight=lambda n: 1, describe=lambda n: f"file {n}"))
    assert [o.item for o in outcomes] == items
    assert isinstance(outcomes[4].error, pool.WorkerError) and "file e" in str(outcomes[4].error)
    assert isinstance(outcomes[5].error, pool.WorkerError) and "file die" in str(outcomes[5].error)

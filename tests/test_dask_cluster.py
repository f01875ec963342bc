"""arabic_norm.dask and `arabic-norm --dask` on a real distributed.LocalCluster with worker processes.

The reference is the command itself: `arabic-norm -j 1 --output-dir` over the same tree. The tree
holds the samples and the files that break careless copies: CRLF with a BOM, CR only, no final
newline, gzip, nested directories, a hidden directory, a binary file, a file with bad UTF-8.
"""

from __future__ import annotations

import glob
import gzip
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from arabic_norm import Pipeline  # noqa: E402
from arabic_norm.dask import normalize_bag, normalize_dataframe, normalize_files  # noqa: E402

from .conftest import SAMPLES  # noqa: E402

COMMAND = Path(sys.executable).parent / "arabic-norm"
INCLUDE = ("*.txt", "*.md", "*.txt.gz")
DEFAULT = Pipeline.preset("default")
# bad-utf8.txt: "أحمد\n" (9 bytes), then "ok \xff here": 0xFF at byte 12 of the file, on line 2
BAD_UTF8 = "line 2, byte offset 12: invalid UTF-8 byte(s) ff (invalid start byte)"


def arabic_norm(*args, cwd, env=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {})}
    env.pop("NO_COLOR", None)
    return subprocess.run([str(COMMAND), *map(str, args)], capture_output=True, cwd=cwd, env=env)


def inputs(tree: Path) -> list[str]:
    return [str(tree / "corpus"), str(tree / "extra.txt")]


def include_args() -> list[str]:
    return [a for g in INCLUDE for a in ("--include", g)]


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file below `root` (hidden ones too: a leftover temporary file must show) by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A work directory with `corpus/` (a tree) and `extra.txt` (a file named on its own)."""
    root = tmp_path_factory.mktemp("dask")
    (root / ".git").mkdir()  # stops the configuration search here
    corpus = root / "corpus"
    shutil.copytree(SAMPLES, corpus / "samples", ignore=shutil.ignore_patterns("expected", "*.md"))
    tricky = corpus / "tricky"
    tricky.mkdir()
    (tricky / "crlf-bom.txt").write_bytes("\ufeffأحمد\r\nمُصْطَفَى\r\n".encode())
    (tricky / "cr-only.txt").write_bytes("كتـــاب\rإلى\r".encode())
    (tricky / "no-final-newline.txt").write_bytes("“إسلام”\nآمال".encode())
    (tricky / "unchanged.txt").write_bytes("كتاب\n".encode())
    (tricky / "deep" / "er").mkdir(parents=True)
    (tricky / "deep" / "er" / "notes.md").write_bytes("السَّلَامُ عَلَيْكُمْ\n".encode())
    (tricky / "deep" / "packed.txt.gz").write_bytes(gzip.compress("مُصْطَفَى\r\nأحمد".encode()))
    (tricky / "binary.txt").write_bytes(b"\x00\x01 not text")
    (tricky / "bad-utf8.txt").write_bytes("أحمد\n".encode() + b"ok \xff here\n")
    (corpus / ".hidden").mkdir()
    (corpus / ".hidden" / "skip.txt").write_bytes("أحمد\n".encode())
    (root / "extra.txt").write_bytes("إلى مُوسَى".encode())
    return root


@pytest.fixture(scope="module")
def reference(tree) -> dict[str, bytes]:
    """What `arabic-norm -j 1 --output-dir` writes for corpus/ and extra.txt."""
    done = arabic_norm("-j", "1", *include_args(), "--output-dir", "ref", "corpus", "extra.txt", cwd=tree)
    assert done.returncode == 3, done.stderr  # the file with bad UTF-8
    assert b"bad-utf8.txt" in done.stderr
    written = tree_bytes(tree / "ref")
    shutil.rmtree(tree / "ref")
    return written


def test_the_reference_is_normalized_and_byte_exact(reference):
    # Written by hand, so that a reference that copied its input could not pass.
    assert reference["tricky/crlf-bom.txt"] == "\ufeffاحمد\r\nمصطفي\r\n".encode()
    assert reference["tricky/cr-only.txt"] == "كتاب\rالي\r".encode()
    assert reference["tricky/no-final-newline.txt"] == '"اسلام"\nامال'.encode()
    assert gzip.decompress(reference["tricky/deep/packed.txt.gz"]) == "مصطفي\r\nاحمد".encode()
    assert reference["extra.txt"] == "الي موسي".encode()
    assert "tricky/binary.txt" not in reference and "tricky/bad-utf8.txt" not in reference
    assert not any(name.startswith(".hidden") for name in reference)


def test_files_on_the_cluster_are_byte_identical_to_the_command(client, tree, reference):
    out = tree / "out-api"
    summary = normalize_files(inputs(tree), str(out), DEFAULT, client, include=INCLUDE)
    assert tree_bytes(out) == reference
    statuses = {Path(f.source).name: f.status for f in summary.files}
    assert statuses["crlf-bom.txt"] == "changed" and statuses["unchanged.txt"] == "unchanged"
    assert statuses["binary.txt"] == "skipped"
    # an error names the file, and where in it
    assert [str(e) for e in summary.errors] == [f"{tree / 'corpus/tricky/bad-utf8.txt'}: {BAD_UTF8}"]
    assert not summary.ok


def test_globs_expand_as_a_shell_would_for_the_command(client, tree):
    names = sorted(glob.glob(str(tree / "corpus" / "tricky" / "*.txt")))
    done = arabic_norm("--output-dir", "ref-glob", *names, cwd=tree)
    assert done.returncode == 3  # bad-utf8.txt
    summary = normalize_files(str(tree / "corpus" / "tricky" / "*.txt"), str(tree / "out-glob"), DEFAULT, client)
    assert tree_bytes(tree / "out-glob") == tree_bytes(tree / "ref-glob")
    assert len(summary.files) == len(names)
    # named by the glob, binary.txt is processed (NUL is valid text), as when named on the command line
    assert "binary.txt" in tree_bytes(tree / "out-glob")


def test_a_missing_path_is_an_error_naming_it(client, tree):
    paths = [str(tree / "extra.txt"), str(tree / "no-such.txt")]
    summary = normalize_files(paths, str(tree / "out-missing"), DEFAULT, client)
    assert [str(e) for e in summary.errors] == [f"{tree / 'no-such.txt'}: no such file or directory"]
    assert [f.status for f in summary.files] == ["changed", "error"]


# --- a worker killed in the middle of writing -----------------------------------------------------
def _die_while_writing_once(marker: str) -> None:
    """Installed in each worker: the first file written anywhere writes a part of its output into
    the temporary file, names that file in `marker`, and kills its own worker process."""
    from arabic_norm.cli import writeback as files

    original = files._write_pairs

    def write_pairs(pairs, f):
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return original(pairs, f)
        os.write(fd, f.name.encode())
        os.close(fd)
        _, after = next(iter(pairs))
        f.write(after[: len(after) // 2])
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    files._write_pairs = write_pairs
    files._original_write_pairs = original


def _restore_writing() -> None:
    from arabic_norm.cli import writeback as files

    files._write_pairs = getattr(files, "_original_write_pairs", files._write_pairs)


def test_a_worker_killed_mid_write_is_retried_and_nothing_is_corrupted(client, tree, reference):
    marker = tree / "killed"
    pids_before = set(client.run(os.getpid).values())
    client.run(_die_while_writing_once, str(marker))
    try:
        out = tree / "out-killed"
        summary = normalize_files(inputs(tree), str(out), DEFAULT, client, include=INCLUDE)
    finally:
        client.run(_restore_writing)
    partial = Path(marker.read_text())
    assert out in partial.parents  # the killed attempt was writing there
    assert set(client.run(os.getpid).values()) != pids_before  # a worker process really died
    # every output complete, the half-written temporary file gone
    assert tree_bytes(out) == reference
    assert not partial.exists()
    assert [Path(e.source).name for e in summary.errors] == ["bad-utf8.txt"]


# --- the command ------------------------------------------------------------------------------------
def test_the_command_runs_files_on_the_cluster(client, tree, reference):
    address = client.scheduler.address
    done = arabic_norm(
        "--dask", address, "-v", *include_args(), "--output-dir", "out-cli", "corpus", "extra.txt", cwd=tree
    )
    assert done.returncode == 3, done.stderr  # an input error: bad-utf8.txt
    assert b"bad-utf8.txt: line 2" in done.stderr
    assert tree_bytes(tree / "out-cli") == reference


def test_the_command_exits_0_when_every_file_is_fine(client, tree):
    done = arabic_norm("--dask", client.scheduler.address, "--output-dir", "out-ok", "extra.txt", cwd=tree)
    assert done.returncode == 0, done.stderr
    assert (tree / "out-ok" / "extra.txt").read_bytes() == "الي موسي".encode()


@pytest.mark.parametrize(
    "args",
    [
        ["--dask", "tcp://127.0.0.1:1", "extra.txt"],  # writes to stdout
        ["--dask", "tcp://127.0.0.1:1", "-i", "extra.txt"],
        ["--dask", "tcp://127.0.0.1:1", "--check", "extra.txt"],
        ["--dask", "tcp://127.0.0.1:1", "-o", "x.txt", "extra.txt"],
        ["--dask", "tcp://127.0.0.1:1", "-j", "2", "--output-dir", "o", "extra.txt"],
    ],
)
def test_dask_with_another_output_mode_is_a_usage_error(tree, args):
    done = arabic_norm(*args, cwd=tree)
    assert done.returncode == 2
    assert b"--dask" in done.stderr
    assert not (tree / "o").exists() and not (tree / "x.txt").exists()


def test_an_unreachable_scheduler_is_a_usage_error(tree):
    env = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    done = arabic_norm("--dask", "tcp://127.0.0.1:1", "--output-dir", "o", "extra.txt", cwd=tree, env=env)
    assert done.returncode == 2
    assert b"cannot reach the scheduler" in done.stderr
    assert not (tree / "o").exists()


# --- fsspec URLs ------------------------------------------------------------------------------------
def test_file_urls_are_local_paths(client, tree, reference):
    url = (tree / "corpus").as_uri()
    summary = normalize_files([url], (tree / "out-url").as_uri(), DEFAULT, client, include=INCLUDE)
    expected = {k: v for k, v in reference.items() if k != "extra.txt"}
    assert tree_bytes(tree / "out-url") == expected
    assert len(summary.errors) == 1


def test_memory_urls_in_and_out(tree, reference):
    # memory:// lives in one process: an in-process cluster (threads), so the workers share it
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for name, data in tree_bytes(tree / "corpus").items():
        memory.pipe(f"/dask-in/{name}", data)
    with (
        distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0", silence_logs=40) as cluster,
        distributed.Client(cluster) as local,
    ):
        summary = normalize_files("memory://dask-in", "memory://dask-out", DEFAULT, local, include=INCLUDE)
    written = {path.removeprefix("/dask-out/"): memory.cat(path) for path in memory.find("/dask-out")}
    memory.rm("/dask-in", recursive=True)
    memory.rm("/dask-out", recursive=True)
    assert written == {k: v for k, v in reference.items() if k != "extra.txt"}
    assert [str(e) for e in summary.errors] == [f"memory://dask-in/tricky/bad-utf8.txt: {BAD_UTF8}"]


# --- refused before anything runs -------------------------------------------------------------------
def test_two_inputs_mirrored_to_one_output_are_refused(tree):
    with pytest.raises(ValueError, match="would both be written"):
        normalize_files([str(tree / "extra.txt")] * 2, str(tree / "o"), DEFAULT, client=object())


def test_stdin_is_refused(tree):
    with pytest.raises(ValueError, match="stdin"):
        normalize_files(["-"], str(tree / "o"), DEFAULT, client=object())


# --- bags and dataframes ----------------------------------------------------------------------------
LINES = ["كَتَبَ", "إلى", "مـــوسى", "abc", "\ufeffأحمد", ""] * 20


def test_normalize_bag_on_the_cluster(client):
    import dask.bag as db

    bag = db.from_sequence(LINES, npartitions=4)
    assert normalize_bag(bag, DEFAULT).compute() == [DEFAULT(x) for x in LINES]


def test_normalize_dataframe_on_the_cluster(client):
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame({"text": LINES + [None], "title": ["إلى"] * (len(LINES) + 1), "n": range(len(LINES) + 1)})
    frame = frame.astype({"text": object, "title": object})
    ddf = dd.from_pandas(frame, npartitions=3)
    got = normalize_dataframe(ddf, ["text", "title"], DEFAULT).compute()
    assert got["text"].tolist()[:-1] == [DEFAULT(x) for x in LINES]
    assert pd.isna(got["text"].tolist()[-1])  # missing stays missing (dask may store it as pd.NA)
    assert got["title"].tolist() == ["الي"] * (len(LINES) + 1)
    assert got["n"].tolist() == list(range(len(LINES) + 1))
    with pytest.raises(ValueError, match="no such column"):
        normalize_dataframe(ddf, "nope", DEFAULT)


def test_the_rest_of_the_package_never_imports_dask():
    code = (
        "import sys, arabic_norm, arabic_norm.cli, arabic_norm.cli.process, arabic_norm.pandas; "
        "import arabic_norm.stream.pool; "
        "loaded = [m for m in ('arabic_norm.dask', 'dask', 'distributed') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the README recipe ------------------------------------------------------------------------------
def readme_dask_recipe() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    (recipe,) = [b for b in blocks if "arabic_norm.dask" in b]
    return "\n".join(line.removeprefix("  ") for line in recipe.splitlines()) + "\n"


def test_the_readme_recipe_runs_as_a_script(tmp_path):
    import pandas as pd

    (tmp_path / ".git").mkdir()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes("\ufeffأحمد\r\nمُصْطَفَى".encode())
    (corpus / "b.txt").write_bytes("كتـــاب\n".encode())
    (corpus / "c.txt").write_bytes("إلى\n".encode())
    (tmp_path / "tweets").mkdir()
    pd.DataFrame({"text": ["أحمد", "مُصْطَفَى"], "id": [1, 2]}).to_parquet(tmp_path / "tweets" / "part.0.parquet")
    (tmp_path / "recipe.py").write_text(readme_dask_recipe(), encoding="utf-8")
    done = subprocess.run([sys.executable, "recipe.py"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == ["3 files written to clean/ (3 changed), 0 errors"]
    reference = arabic_norm("--preset", "search", "--output-dir", "ref", "corpus", cwd=tmp_path)
    assert reference.returncode == 0, reference.stderr
    assert tree_bytes(tmp_path / "clean") == tree_bytes(tmp_path / "ref")
    search = Pipeline.preset("search")
    lines = b"".join(p.read_bytes() for p in sorted((tmp_path / "clean-lines").glob("*.txt"))).decode()
    # read_text reads text mode (CRLF becomes LF) and to_textfiles ends the last line of a.txt too:
    # a bag of lines does not keep files byte for byte (normalize_files does)
    assert lines == "".join(search(x) + "\n" for x in ["\ufeffأحمد", "مُصْطَفَى", "كتـــاب", "إلى"])
    tweets = pd.read_parquet(tmp_path / "tweets-clean")
    assert tweets["text"].tolist() == [search("أحمد"), search("مُصْطَفَى")]
    assert tweets["id"].tolist() == [1, 2]

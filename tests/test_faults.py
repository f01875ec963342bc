"""The faults the tool survives, one test each: the fault, then the guarantee.

Real processes, real archives cut short by the real compressors' output, real FIFOs, real
signals. Read top to bottom, this is the list of what can go wrong around a run and what the user
gets instead of a lost file or a hang.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

from arabic_norm.errors import CorruptCompressedInput
from arabic_norm.stream.compression import open_compressed

CLI = str(Path(sys.executable).parent / "arabic-norm")
CHAIN = ["diacritics", "tatweel", "alef", "ya"]
LINE = "السَّلَامُ عَلَيْكُمْ يا أحمـــد، إِلَى مُوسَى 😀\n"
LINE_OUT = "السلام عليكم يا احمد، الي موسي 😀\n"
# Varied text (so that every compressor writes many blocks), and what the chain makes of it.
TEXT = "".join(f"{n} {LINE}" for n in range(20_000)).encode()
TEXT_OUT = "".join(f"{n} {LINE_OUT}" for n in range(20_000)).encode()

# suffix: (command-line compressor, the same format from Python when the tool is not installed)
COMPRESSORS = {
    ".gz": ("gzip", gzip.compress),
    ".bz2": ("bzip2", bz2.compress),
    ".xz": ("xz", lzma.compress),
    ".zst": ("zstd", lambda data: zstandard.ZstdCompressor().compress(data)),
}
FORMAT = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}


def compress(data: bytes, suffix: str) -> bytes:
    """`data` compressed by the real tool (`gzip -c` ...), or by Python's module without it."""
    tool, fallback = COMPRESSORS[suffix]
    if shutil.which(tool):
        return subprocess.run([tool, "-c", "-q"], input=data, capture_output=True, check=True).stdout
    return fallback(data)


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("timeout", 120)
    return subprocess.run([CLI, *args], capture_output=True, **kwargs)


def zstd_accepts(data: bytes) -> bytes | None:
    """What zstandard's own streaming reader makes of `data`, or None if it sees the damage."""
    import io

    try:
        return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True).read()
    except zstandard.ZstdError:
        return None


# --- compressed input: complete, or an input error ---------------------------------------------
@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_archive_cut_short_is_an_error_naming_the_file(tmp_path, suffix):
    """Fault: a compressed file cut short (a download that stopped), at many places.
    Guarantee: reading it raises CorruptCompressedInput (an OSError) naming the file and saying
    "truncated or corrupt <format>"; never a partial text taken as the whole."""
    whole = compress(TEXT, suffix)
    path = tmp_path / f"cut.txt{suffix}"
    for cut in (10, len(whole) // 3, len(whole) // 2, len(whole) - 5, len(whole) - 1):
        path.write_bytes(whole[:cut])
        with pytest.raises(CorruptCompressedInput) as caught, open_compressed(path) as f:
            while f.read(1 << 16):
                pass
        assert caught.value.filename == str(path)
        assert f"truncated or corrupt {FORMAT[suffix]} data" in str(caught.value)
        assert isinstance(caught.value, OSError)


def utf8(data: bytes | None) -> bool:
    try:
        return data is not None and bool(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def test_zstd_cut_on_a_character_boundary_is_refused(tmp_path):
    """Fault: a .zst cut where the text decoded so far is valid UTF-8, which zstandard's own reader
    takes as the whole stream. Guarantee: exit 3 naming the file, and -i leaves it as it was (it
    used to be rewritten as a valid archive of the first part, exit 0)."""
    whole = compress(TEXT, ".zst")
    cut = next(n for n in range(len(whole) - 1, 0, -1) if utf8(got := zstd_accepts(whole[:n])) and got != TEXT)
    path = tmp_path / "x.txt.zst"
    path.write_bytes(whole[:cut])
    done = run("-i", *CHAIN, str(path))
    assert done.returncode == 3, done.stderr
    assert f"{path}: truncated or corrupt zstd data" in done.stderr.decode()
    assert path.read_bytes() == whole[:cut]


DECOMPRESS = {
    ".gz": gzip.decompress,
    ".bz2": bz2.decompress,
    ".xz": lzma.decompress,
    ".zst": lambda data: zstd_accepts(data),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("suffix", list(COMPRESSORS))
def test_archive_cut_short_among_several_files(tmp_path, suffix, jobs):
    """Fault: one truncated archive among several files given to -i (also cut where a character
    is split in two). Guarantee: exit 3, an error naming it as truncated (never blamed on UTF-8, no
    `Aborted!`, no traceback), the archive untouched, and every other file still normalized."""
    whole = compress(TEXT, suffix)
    for cut in (len(whole) // 2 + 1, len(whole) - 1):
        before = tmp_path / f"a-{cut}.txt"
        after = tmp_path / f"c-{cut}.txt{suffix}"
        broken = tmp_path / f"b-{cut}.txt{suffix}"
        before.write_text(LINE * 3, encoding="utf-8")
        after.write_bytes(whole)
        broken.write_bytes(whole[:cut])
        done = run("-j", jobs, "-i", *CHAIN, str(before), str(broken), str(after))
        err = done.stderr.decode()
        assert done.returncode == 3, err
        assert f"{broken}: truncated or corrupt {FORMAT[suffix]} data" in err
        assert "UTF-8" not in err and "Aborted" not in err and "Traceback" not in err
        assert broken.read_bytes() == whole[:cut]
        assert before.read_text(encoding="utf-8") == LINE_OUT * 3
        assert DECOMPRESS[suffix](after.read_bytes()) == TEXT_OUT


# --- JSON Lines and CSV: odd but real records --------------------------------------------------
DEEP = 100_000


def test_jsonl_line_nested_100000_levels(tmp_path):
    """Fault: a JSON Lines line nested 100,000 levels deep (valid, or cut short). Guarantee: no
    RecursionError: the valid line is scanned and its field normalized, the other one is a
    malformed line (input error naming line 3, or copied unchanged with --on-error skip)."""
    path = tmp_path / "deep.jsonl"
    valid = '{"a": ' + "[" * DEEP + "]" * DEEP + ', "text": "كَتَبَ"}\n'
    nested_text = "[" * DEEP + '"كَتَبَ"' + "]" * DEEP + "\n"
    broken = '{"text": ' + "[" * DEEP + "\n"
    path.write_text(valid + nested_text + broken, encoding="utf-8")
    done = run("--field", "text", "diacritics", str(path))
    assert done.returncode == 3
    assert b"line 3" in done.stderr and b"Traceback" not in done.stderr
    skipped = run("--on-error", "skip", "--field", "text", "diacritics", str(path))
    assert skipped.returncode == 0, skipped.stderr
    want = valid.replace("كَتَبَ", "كتب") + nested_text + broken  # `text` is a key of the first only
    assert skipped.stdout.decode() == want
    assert b"line 3" in skipped.stderr


def test_jsonl_lone_surrogate_escape(tmp_path):
    """Fault: a JSONL value holding a lone surrogate escape (`"\\ud83d"`, an emoji cut in half in a
    tweet dump). Guarantee: with --on-error fail an input error naming the line (exit 3, no
    traceback); with skip the line is copied unchanged and the others are normalized."""
    path = tmp_path / "tweets.jsonl"
    lines = ['{"text": "كَتَبَ"}\n', '{"text": "كَتَبَ \\ud83d"}\n', '{"text": "كَتَبَ \\ud83d\\ude00"}\n']
    path.write_text("".join(lines), encoding="utf-8")
    done = run("--field", "text", "diacritics", str(path))
    assert done.returncode == 3
    assert b"line 2" in done.stderr and b"lone surrogate" in done.stderr and b"Traceback" not in done.stderr
    skipped = run("--on-error", "skip", "--field", "text", "diacritics", str(path))
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.decode() == '{"text": "كتب"}\n' + lines[1] + '{"text": "كتب 😀"}\n'
    assert b"line 2" in skipped.stderr


def test_jsonl_and_csv_with_a_leading_bom(tmp_path):
    """Fault: JSON Lines and CSV exported on Windows, with a leading UTF-8 BOM. Guarantee: the first
    record is read like the others, and the BOM is kept as it was."""
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + '{"text": "كَتَبَ"}\n{"text": "قَرَأَ"}\n'.encode())
    done = run("--field", "text", "diacritics", str(jsonl))
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"\xef\xbb\xbf" + '{"text": "كتب"}\n{"text": "قرأ"}\n'.encode()
    table = tmp_path / "export.csv"
    table.write_bytes(b"\xef\xbb\xbf" + "text,n\r\nكَتَبَ,1\r\n".encode())
    done = run("--column", "text", "diacritics", str(table))
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"\xef\xbb\xbf" + "text,n\r\nكتب,1\r\n".encode()


# --- directory walks ----------------------------------------------------------------------------
def test_directory_tree_1100_levels_deep(tmp_path):
    """Fault: a tree 1,100 directories deep. Guarantee: walked like any other (no RecursionError):
    the file at the bottom is found and normalized."""
    import os

    deep = tmp_path / "tree"
    os.makedirs(deep)
    fd = os.open(deep, os.O_RDONLY)
    try:  # relative to a directory descriptor: the full path outgrows PATH_MAX
        path = ""
        for _ in range(1100):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
            path += "d/"
        leaf = os.open("leaf.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, LINE.encode())
        os.close(leaf)
    finally:
        os.close(fd)
    from arabic_norm.cli.discover import Source, discover

    try:
        found = [s for s in discover([str(deep)]) if isinstance(s, Source)]
        assert [s.relative for s in found] == [path + "leaf.txt"]
        done = run("--check", *CHAIN, "tree", cwd=tmp_path)
        assert done.returncode == 1, done.stderr  # the leaf would change
        assert b"Traceback" not in done.stderr
    finally:  # pytest's own clean-up of tmp_path recurses, and would fail on this tree
        subprocess.run(["rm", "-rf", str(deep)], check=True)


def test_fifo_socket_and_device_found_in_a_walk_are_skipped(tmp_path):
    """Fault: a FIFO named *.txt (and a socket, and a link to a device) inside a directory given to
    -i. Guarantee: none is opened (no hang: nothing writes to the FIFO), each is reported as
    skipped, and the regular files are normalized."""
    import os
    import socket

    os.mkfifo(tmp_path / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.txt"))
    (tmp_path / "null.txt").symlink_to("/dev/null")
    (tmp_path / "real.txt").write_text(LINE, encoding="utf-8")
    try:
        done = run("-i", *CHAIN, str(tmp_path), timeout=60)
    finally:
        sock.close()
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "pipe.txt: FIFO, not a regular file, skipped" in err
    assert "sock.txt: socket, not a regular file, skipped" in err
    assert "null.txt: device, not a regular file, skipped" in err
    assert (tmp_path / "real.txt").read_text(encoding="utf-8") == LINE_OUT


def test_gitignore_is_respected_in_recursive_runs(tmp_path):
    """Fault: a repository whose .gitignore lists build outputs and vendored text. Guarantee: a
    recursive run leaves ignored files alone (negation, directory-only, anchored and `**` patterns,
    a nested .gitignore, one in the repository above the directory given), and --no-gitignore
    takes them all."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitignore").write_text("corpus/generated/\n", encoding="utf-8")
    corpus = repo / "corpus"
    files = {
        "keep.txt": False,
        "build/out.txt": True,  # build/ (directory only)
        "notes/build": False,  # a file named build: `build/` is for directories
        "drafts/a.txt": True,  # *.txt under drafts/ ...
        "drafts/important.txt": False,  # ... but !important.txt
        "root.tmp.txt": True,  # /root.tmp.txt, anchored
        "sub/root.tmp.txt": False,  # not at the .gitignore's directory
        "x/y/vendor/z.txt": True,  # **/vendor
        "deep/logs/a/b/c.txt": True,  # deep/logs/**
        "generated/g.txt": True,  # from the repository's .gitignore above
        "nested/local.txt": True,  # nested/.gitignore: local.txt
        "nested/other.txt": False,
    }
    for name in files:
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(LINE, encoding="utf-8")
    (corpus / ".gitignore").write_text(
        "# build outputs\nbuild/\ndrafts/*.txt\n!drafts/important.txt\n/root.tmp.txt\n**/vendor\ndeep/logs/**\n",
        encoding="utf-8",
    )
    (corpus / "nested" / ".gitignore").write_text("local.txt\n", encoding="utf-8")
    include = ["--include", "*.txt", "--include", "build"]
    assert run("-i", *include, *CHAIN, str(corpus)).returncode == 0
    for name, ignored in files.items():
        assert (corpus / name).read_text(encoding="utf-8") == (LINE if ignored else LINE_OUT), name
    assert run("-i", "--no-gitignore", *include, *CHAIN, str(corpus)).returncode == 0
    for name in files:
        assert (corpus / name).read_text(encoding="utf-8") == LINE_OUT, name


# --- worker processes ---------------------------------------------------------------------------
def children(pid: int) -> set[int]:
    """Live (not zombie) child processes of `pid`, from /proc."""
    import os

    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(entry))
    return found


def alive(pids: set[int]) -> set[int]:

    left = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rpartition(")")[2].split()[0] != "Z":
                    left.add(pid)
        except OSError:
            pass
    return left


def wait_for(condition, seconds: float = 30.0):
    """Poll `condition()` until it is true or `seconds` pass; return its last value."""
    import time

    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("source", ["pipe", "file"])
@pytest.mark.parametrize("engine", ["kernel", "fallback"])
def test_workers_die_with_their_parent(tmp_path, source, engine):
    """Fault: kill -9 of arabic-norm -j 2 while its workers are busy (a pool reading blocks from a
    pipe; or workers writing a big file's ranges to a stdout nobody reads). Guarantee: no worker is
    left running, whether the compiled kernel asks for the signal or ctypes does (fallback)."""
    import os
    import signal

    big = tmp_path / "big.txt"
    big.write_bytes(LINE.encode() * 200_000)  # 17 MB: many ranges, more than a pipe holds
    args = [CLI, "-j", "2", *CHAIN] + ([str(big)] if source == "file" else [])
    # From a pipe, the output goes to /dev/null and stdin stays open: the pool waits for more.
    # From a file, the output goes to a pipe nobody reads: the workers wait to write.
    stdout = subprocess.DEVNULL if source == "pipe" else subprocess.PIPE
    env = {**os.environ, "ARABIC_NORM_NO_KERNEL": "1" if engine == "fallback" else "0"}
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    workers: set[int] = set()
    try:
        if source == "pipe":
            process.stdin.write(LINE.encode() * 40_000)  # 3.4 MB: several blocks
            process.stdin.flush()
        workers = wait_for(lambda: children(process.pid) if len(children(process.pid)) >= 2 else set())
        assert len(workers) >= 2
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert wait_for(lambda: not alive(workers)), f"workers still running: {alive(workers)}"
    finally:
        for pid in alive(workers | children(process.pid)):  # whatever is left, not to hang the run
            os.kill(pid, signal.SIGKILL)
        for stream in (process.stdout, process.stdin):
            if stream is not None:
                stream.close()


COUNT_FORKS = """
import os, sys
forks = [0]
os.register_at_fork(after_in_parent=lambda: forks.__setitem__(0, forks[0] + 1))
from arabic_norm.cli import main
try:
    main(sys.argv[1:])
finally:
    sys.stdout.flush()
    print(forks[0], file=sys.stderr)
"""


@pytest.mark.parametrize("mode", ["stdout", "in-place", "stdin", "check"])
def test_jobs_start_no_more_workers_than_pieces_of_work(tmp_path, mode):
    """Fault: -j 200 on a 60-byte file (it forked 200 workers, 4.4 GB). Guarantee: at most one
    process per piece of work: none for one small file or one small stdin, one per file for two."""
    small = tmp_path / "small.txt"
    small.write_text("السَّلَامُ عَلَيْكُمْ يا أحمد\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("إِلَى مُوسَى\n", encoding="utf-8")
    options, paths = {
        "stdout": ([], [str(small)]),
        "in-place": (["-i"], [str(small)]),
        "stdin": ([], []),
        "check": (["--check"], [str(small), str(other)]),
    }[mode]
    done = subprocess.run(
        [sys.executable, "-c", COUNT_FORKS, "-j", "200", *options, *CHAIN, *paths],
        input=small.read_bytes(),
        capture_output=True,
        timeout=120,
    )
    forks = int(done.stderr.decode().split()[-1])
    assert forks <= (2 if mode == "check" else 1), done.stderr

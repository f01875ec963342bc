"""Faults around writing files and signals, one test each: the fault, then the guarantee.

Real processes (the installed `arabic-norm`), real signals sent as a terminal or a supervisor
sends them, real FIFOs, devices and renames. Read top to bottom, the list of what the tool survives:

Signals
- Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while the command waits for
  stdin, as soon as it has started on a large file, in the middle of that file, and while `-i`
  commits, in every mode (stdout, `-o FILE`, `-i`, `--output-dir`, `--check`) with `-j 1` and
  `-j 2`: exit 130, the one line `arabic-norm: interrupted` on stderr, no traceback, no process of
  the run left, no temporary file left, the input whole (its old text or its new text, never a mix).
- Ctrl-C while the command starts (click, rich and the engine loading, before the command's own
  handler is in place): the same exit 130 and one line.
- SIGTERM (`kill PID`, a supervisor stopping a job) during `-i` or `--output-dir` on a large file:
  exit 143, the one line `arabic-norm: terminated`, the temporary file removed, the input untouched.
- kill -9 during `-i`: at most a `.arabic-norm-tmp-PID-...` file beside the input, which the next run
  over that directory removes (and says so); also with a 240-byte file name (NAME_MAX is 255).

Files changing underneath
- An editor saves (writes a new file, renames it over the path) while `-i` reads the old one: the
  file is not rewritten (exit 3, a message), the editor's file stays as the editor wrote it.

Outputs that are not plain new files
- `-o FIFO` writes into the FIFO (a reader gets the text; the FIFO stays); `-o /dev/null` as root
  keeps the device; `-o` onto an existing file keeps that file's own permission bits; a new `-o`
  file gets the umask's permissions, never more open than the input's (no executable bit copied).

What `-i` keeps
- owner, group, permission bits and extended attributes; as root, a file owned by another user
  stays that user's; hard links and links leading out of the tree are refused.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).parent / "arabic-norm")
LINE = "السَّلَامُ عَلَيْكُمْ\n"
LINE_OUT = "السلام عليكم\n"
TEMP = ".arabic-norm-tmp-"
BIG_LINES = 3_000_000  # 120 MB: long enough to be caught in the middle by a signal
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


# --- helpers: processes of a run, its files ----------------------------------------------------
@pytest.fixture(scope="module")
def big_text(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_bytes(LINE.encode() * BIG_LINES)
    return path


def start(args, stdin=subprocess.DEVNULL) -> subprocess.Popen:
    """The command in a process group of its own, as a shell runs a foreground job."""
    return subprocess.Popen(
        [CLI, *args], stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rpartition(")")[2].split()  # state, ppid, pgrp, ...


def group(pgid: int) -> set[int]:
    """The live (not zombie) processes of process group `pgid`."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                fields = _stat_fields(int(entry))
                if fields[0] != "Z" and int(fields[2]) == pgid:
                    found.add(int(entry))
    return found


def wait_for(condition, seconds: float = 30.0):
    """Poll `condition()` until it is true or `seconds` pass (a guard against hangs, not a timing)."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.001)
    return value


def handlers_installed(pid: int) -> bool:
    """Whether the command has installed its SIGTERM handler (its start-up is over)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        caught = next(int(line.split()[1], 16) for line in f if line.startswith("SigCgt:"))
        return bool(caught & (1 << (signal.SIGTERM - 1)))
    return False


def has_open(pgid: int, path: Path) -> bool:
    """Whether a process of the group has `path` open."""
    real = os.path.realpath(path)
    for pid in group(pgid):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == real:
                        return True
    return False


def temporaries(*directories: Path) -> list[str]:
    return [name for d in directories if d.exists() for name in os.listdir(d) if TEMP in name]


@contextlib.contextmanager
def stopped(pgid: int):
    """The whole group stopped (SIGSTOP) while the block runs: a moment that stays put."""
    os.killpg(pgid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pgid, signal.SIGCONT)


def ends_with_one_line(process: subprocess.Popen, code: int, line: str) -> None:
    """The run ends with `code` and exactly `line` on stderr (no traceback), and no process of
    its group is left (workers die with their parent)."""
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err.decode()) == (code, line + "\n")
    assert wait_for(lambda: not group(process.pid)), f"left running: {group(process.pid)}"


# --- signals ------------------------------------------------------------------------------------
MODES = {  # mode: (options, (directories the mode writes in, relative to tmp_path))
    "stdout": ([], ()),
    "-o FILE": (["-o", "{tmp}/out/result.txt"], ("out",)),
    "-i": (["-i"], ()),
    "--output-dir": (["--output-dir", "{tmp}/out"], ("out",)),
    "--check": (["--check"], ()),
}


def mode_args(mode: str, tmp_path: Path) -> list[str]:
    return [a.format(tmp=tmp_path) for a in MODES[mode][0]]


def written_dirs(mode: str, tmp_path: Path) -> list[Path]:
    return [tmp_path, *(tmp_path / d for d in MODES[mode][1])]


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("mode", ["stdout", "-o FILE", "--check"])
def test_ctrl_c_while_waiting_for_stdin(tmp_path, mode, jobs):
    """Fault: Ctrl-C while the command waits for its first byte of stdin (a pipe left open).
    Guarantee: exit 130, one line, nothing left (-o's temporary file included)."""
    (tmp_path / "out").mkdir()
    process = start(["-j", jobs, *mode_args(mode, tmp_path), "diacritics"], stdin=subprocess.PIPE)
    assert wait_for(lambda: handlers_installed(process.pid))
    os.killpg(process.pid, signal.SIGINT)
    ends_with_one_line(process, 130, "arabic-norm: interrupted")
    process.stdin.close()
    assert temporaries(*written_dirs(mode, tmp_path)) == []


@linux_only
@pytest.mark.parametrize("delay", [0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.15])
def test_ctrl_c_while_the_command_starts(tmp_path, delay):
    """Fault: Ctrl-C `delay` seconds after the command's first line of code (arabic_norm/console.py
    catches SIGTERM from then on), while click, rich and the engine are still loading.
    Guarantee: exit 130, one line, no traceback, as at any later moment."""
    process = start(["-j", "2", "-o", str(tmp_path / "out.txt"), "diacritics"], stdin=subprocess.PIPE)
    assert wait_for(lambda: handlers_installed(process.pid))
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)
    ends_with_one_line(process, 130, "arabic-norm: interrupted")
    process.stdin.close()
    assert temporaries(tmp_path) == []


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("mode", ["stdout", "--check"])
def test_ctrl_c_in_the_middle_of_stdin(tmp_path, mode, jobs):
    """Fault: Ctrl-C after 4 MB of stdin, with more to come. Guarantee: exit 130, one line."""
    process = start(["-j", jobs, *mode_args(mode, tmp_path), "diacritics"], stdin=subprocess.PIPE)
    process.stdin.write(LINE.encode() * 100_000)
    process.stdin.flush()
    os.killpg(process.pid, signal.SIGINT)
    ends_with_one_line(process, 130, "arabic-norm: interrupted")
    process.stdin.close()


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("moment", ["at the start", "in the middle"])
@pytest.mark.parametrize("mode", list(MODES))
def test_ctrl_c_on_a_large_file(tmp_path, big_text, mode, moment, jobs):
    """Fault: Ctrl-C as soon as the command has started on a 120 MB file, or in the middle of it
    (the group stopped while the file is open and, for the modes that write a file, while its
    temporary file exists). Guarantee: exit 130, one line, no process and no temporary file
    left, the input's old text."""
    path = tmp_path / "big.txt"
    shutil.copyfile(big_text, path)
    process = start(["-j", jobs, *mode_args(mode, tmp_path), "diacritics", str(path)])
    writes_file = mode in ("-i", "-o FILE", "--output-dir")
    if moment == "at the start":
        assert wait_for(lambda: handlers_installed(process.pid))
        os.killpg(process.pid, signal.SIGINT)
    else:

        def reading() -> bool:  # the input open and, for a mode writing a file, its temporary file there
            return has_open(process.pid, path) and (not writes_file or bool(temporaries(*written_dirs(mode, tmp_path))))

        assert wait_for(reading)
        with stopped(process.pid):
            assert reading(), "the run ended before the signal: make the file larger"
            os.killpg(process.pid, signal.SIGINT)
    ends_with_one_line(process, 130, "arabic-norm: interrupted")
    assert temporaries(*written_dirs(mode, tmp_path)) == []
    assert os.path.getsize(path) == os.path.getsize(big_text)
    assert path.read_bytes() == big_text.read_bytes()


@linux_only
@pytest.mark.parametrize("mode", ["-i", "--output-dir"])
def test_ctrl_c_while_workers_write_several_files(tmp_path, big_text, mode):
    """Fault: Ctrl-C while -j 2 has two worker processes each writing one 120 MB file's temporary
    file. Guarantee: exit 130, one line, both workers gone with their temporary files, each input
    whole: its old text, or its new text if a worker's rename came before its SIGTERM."""
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in paths:
        shutil.copyfile(big_text, path)
    process = start(["-j", "2", *mode_args(mode, tmp_path), "diacritics", *map(str, paths)])
    assert wait_for(lambda: len(temporaries(*written_dirs(mode, tmp_path))) == 2)
    with stopped(process.pid):
        assert len(temporaries(*written_dirs(mode, tmp_path))) == 2, "the run ended before the signal"
        os.killpg(process.pid, signal.SIGINT)
    ends_with_one_line(process, 130, "arabic-norm: interrupted")
    assert temporaries(*written_dirs(mode, tmp_path)) == []
    for path in paths:
        assert path.read_bytes() in (big_text.read_bytes(), LINE_OUT.encode() * BIG_LINES)


# Runs the command with os.replace wrapped: Ctrl-C reaches the group just before (or just after)
# the temporary file is renamed over the input; the sleep lets the handler run right there.
AT_COMMIT = """
import os, signal, sys, time
real_replace, when = os.replace, sys.argv.pop(1)
def replace(src, dst):
    if when == "after":
        real_replace(src, dst)
    if ".arabic-norm-tmp-" in os.fspath(src):
        os.killpg(0, signal.SIGINT)
        time.sleep(30)
    if when == "before":
        real_replace(src, dst)
os.replace = replace
from arabic_norm.cli import entry
entry()
"""


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("when", ["before", "after"])
def test_ctrl_c_while_in_place_commits(tmp_path, when, jobs):
    """Fault: Ctrl-C at the rename that commits -i (just before it, just after it). Guarantee:
    exit 130, one line, the file holds its whole old text or its whole new text, no temporary
    file left."""
    path = tmp_path / "a.txt"
    path.write_text(LINE * 1000, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", AT_COMMIT, when, "-j", jobs, "-i", "diacritics", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    ends_with_one_line(process, 130, "arabic-norm: interrupted")
    assert path.read_text(encoding="utf-8") == (LINE if when == "before" else LINE_OUT) * 1000
    assert temporaries(tmp_path) == []


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("mode", ["-i", "--output-dir"])
def test_sigterm_in_the_middle_of_a_large_file(tmp_path, big_text, mode, jobs):
    """Fault: SIGTERM to the command (not its workers) while it writes a 120 MB file's temporary
    file. Guarantee: exit 143 (128 + 15), `arabic-norm: terminated`, the temporary file removed,
    the input untouched, no worker left."""
    path = tmp_path / "big.txt"
    shutil.copyfile(big_text, path)
    process = start(["-j", jobs, *mode_args(mode, tmp_path), "diacritics", str(path)])
    assert wait_for(lambda: temporaries(*written_dirs(mode, tmp_path)))
    with stopped(process.pid):
        assert temporaries(*written_dirs(mode, tmp_path)), "the run ended before the signal"
        os.kill(process.pid, signal.SIGTERM)
    ends_with_one_line(process, 143, "arabic-norm: terminated")
    assert temporaries(*written_dirs(mode, tmp_path)) == []
    assert path.read_bytes() == big_text.read_bytes()


@linux_only
@pytest.mark.parametrize("name", ["big.txt", "كتاب" * 30 + ".txt"], ids=["short name", "240-byte name"])
def test_kill_9_during_in_place_leaves_a_named_temporary_the_next_run_removes(tmp_path, big_text, name):
    """Fault: kill -9 while -i writes a 120 MB file. Guarantee: the input keeps its old text;
    at most one file is left beside it, named `.arabic-norm-tmp-PID-...` (within NAME_MAX even
    for a 240-byte name); the next -i over the directory removes it and says so on stderr, even
    when the file itself no longer needs rewriting."""
    path = tmp_path / name
    shutil.copyfile(big_text, path)
    process = start(["-i", "diacritics", str(tmp_path)])
    assert wait_for(lambda: temporaries(tmp_path))
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    left = temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(TEMP), left
    assert len(os.fsencode(left[0])) <= 255
    assert path.read_bytes() == big_text.read_bytes()
    path.write_text(LINE_OUT, encoding="utf-8")  # meanwhile normalized by other means
    again = subprocess.run([CLI, "-i", "diacritics", str(tmp_path)], capture_output=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert f"removed {tmp_path / left[0]}, a temporary file left by an interrupted run" in again.stderr.decode()
    assert sorted(os.listdir(tmp_path)) == [name]


# --- files changing underneath ------------------------------------------------------------------
@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_editor_saves_while_in_place_reads(tmp_path, big_text, jobs):
    """Fault: while -i reads a 120 MB file, an editor saves it (writes a new file, renames it over
    the path). Guarantee: the old file's text is not committed over the editor's (nor a mix of
    the two): exit 3, a message saying the file was replaced, the editor's file as written, no
    temporary file left."""
    path = tmp_path / "big.txt"
    shutil.copyfile(big_text, path)
    saved = "نص جديد كتبه المحرر\n" * 10
    process = start(["-j", jobs, "-i", "diacritics", str(path)])
    assert wait_for(lambda: has_open(process.pid, path))
    with stopped(process.pid):
        assert has_open(process.pid, path), "the run ended before the editor saved"
        (tmp_path / "big.txt~").write_text(saved, encoding="utf-8")
        os.rename(tmp_path / "big.txt~", path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 3, err
    assert "changed while it was being read" in err.decode()
    assert path.read_text(encoding="utf-8") == saved
    assert temporaries(tmp_path) == []


# --- outputs that are not plain new files ----------------------------------------------------
def test_output_into_a_fifo(tmp_path):
    """Fault: -o names a FIFO (a pipe to another program). Guarantee: the text is written into
    it (a reader gets it) and the FIFO is still there afterwards, not replaced by a file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = subprocess.run([CLI, "-o", str(fifo), "diacritics"], input=LINE.encode(), capture_output=True, timeout=60)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert received == [LINE_OUT.encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root could replace /dev/null (runs as root in CI)")
def test_output_to_dev_null_as_root_keeps_the_device():
    """Fault: -o /dev/null as root. Guarantee: written into, the device node is not replaced."""
    done = subprocess.run([CLI, "-o", "/dev/null", "diacritics"], input=LINE.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert Path("/dev/null").is_char_device()


def test_output_onto_an_existing_file_keeps_its_own_permissions(tmp_path):
    """Fault: -o onto an existing 0600 file from an executable 0755 input. Guarantee: the output
    keeps its own bits (0600): the input's are not copied onto it."""
    source, target = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text(LINE, encoding="utf-8")
    source.chmod(0o755)
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    done = subprocess.run([CLI, "-o", str(target), "diacritics", str(source)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == LINE_OUT
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("input_mode", "expected"),
    [(0o755, 0o640), (0o644, 0o640), (0o600, 0o600)],
    ids=["executable input", "readable input", "private input"],
)
def test_new_output_file_gets_the_umask_permissions(tmp_path, input_mode, expected):
    """Fault: -o and --output-dir creating files from inputs with other bits. Guarantee: a new
    output file gets what the umask gives a new file (0666 & ~umask, here 0640), never an
    executable bit, and never more open than the input (a private input stays private)."""
    source = tmp_path / "in.txt"
    source.write_text(LINE, encoding="utf-8")
    source.chmod(input_mode)
    for args, made in (
        (["-o", str(tmp_path / "new.txt")], tmp_path / "new.txt"),
        (["--output-dir", str(tmp_path / "out")], tmp_path / "out" / "in.txt"),
    ):
        done = subprocess.run(
            [CLI, *args, "diacritics", str(source)],
            capture_output=True,
            timeout=60,
            preexec_fn=lambda: os.umask(0o027),
        )
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(made.stat().st_mode) == expected, args


# --- what -i keeps ------------------------------------------------------------------------------
def test_in_place_keeps_mode_and_extended_attributes(tmp_path):
    """Fault: -i rewrites a file (a new inode) with unusual bits and a user.* extended attribute.
    Guarantee: the new file has the same permission bits, owner, group and attributes."""
    path = tmp_path / "a.txt"
    path.write_text(LINE, encoding="utf-8")
    path.chmod(0o751)
    try:
        os.setxattr(path, "user.origin", "مكتبة".encode())
    except OSError as e:
        pytest.skip(f"this file system takes no user.* extended attributes: {e}")
    before = path.stat()
    done = subprocess.run([CLI, "-i", "diacritics", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    after = path.stat()
    assert path.read_text(encoding="utf-8") == LINE_OUT
    assert after.st_ino != before.st_ino  # really a new file, renamed into place
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (0o751, before.st_uid, before.st_gid)
    assert os.getxattr(path, "user.origin") == "مكتبة".encode()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user (runs as root in CI)")
def test_in_place_as_root_keeps_another_users_file_theirs(tmp_path):
    """Fault: -i as root (containers, CI) on a file owned by uid 1234, gid 5678. Guarantee: the
    rewritten file is still theirs, not root's (the user can still write it)."""
    path = tmp_path / "a.txt"
    path.write_text(LINE, encoding="utf-8")
    os.chown(path, 1234, 5678)
    path.chmod(0o640)
    done = subprocess.run([CLI, "-i", "diacritics", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    after = path.stat()
    assert path.read_text(encoding="utf-8") == LINE_OUT
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (1234, 5678, 0o640)


def test_long_arabic_file_name_in_place_and_output_dir(tmp_path):
    """Fault: a 120-letter Arabic file name (240+ bytes). Guarantee: -i and --output-dir write it
    (their temporary names fit NAME_MAX) and leave no temporary file."""
    path = tmp_path / ("كتاب" * 30 + ".txt")
    path.write_text(LINE, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([CLI, "--output-dir", str(out), "diacritics", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (out / path.name).read_text(encoding="utf-8") == LINE_OUT
    done = subprocess.run([CLI, "-i", "diacritics", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == LINE_OUT
    assert sorted(os.listdir(tmp_path)) == sorted([path.name, "out"])
    assert os.listdir(out) == [path.name]


def test_in_place_refuses_hard_links_and_links_out_of_the_tree(tmp_path):
    """Fault: -i DIR where one file has a second hard link and another is a symbolic link to a
    file outside DIR. Guarantee: the hard-linked file is refused (exit 3, untouched, link kept);
    the link out of the tree is skipped with a message naming it, its target untouched."""
    tree, outside = tmp_path / "tree", tmp_path / "outside.txt"
    tree.mkdir()
    outside.write_text(LINE, encoding="utf-8")
    (tree / "out.txt").symlink_to(outside)
    (tree / "linked.txt").write_text(LINE, encoding="utf-8")
    os.link(tree / "linked.txt", tmp_path / "other-name.txt")
    done = subprocess.run([CLI, "-i", "diacritics", str(tree)], capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 3, err
    assert "hard links" in err and "out.txt: symbolic link to" in err
    assert outside.read_text(encoding="utf-8") == LINE
    assert (tree / "linked.txt").read_text(encoding="utf-8") == LINE
    assert os.stat(tree / "linked.txt").st_nlink == 2

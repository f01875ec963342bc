"""Output meant for people, and the diff meant for patch: the installed command in real processes.

- `--diff` to a pipe is plain and exact: `patch -p1` and `git apply` take it for any size (hunks
  anywhere, across block edges) and any file name; on a terminal (or FORCE_COLOR) it is coloured
  with the changed characters highlighted and invisible characters named.
- `--list-steps` reads at 80 columns; `--list-steps --plain` is one line per step.
- the progress bar stays on one line; forced off a terminal it writes no escape codes.
- `--check -v` names the first changed line of each file.
"""

from __future__ import annotations

import io
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_norm import Pipeline
from arabic_norm.cli.diff import write_diff
from arabic_norm.steps import STEPS

COMMAND = Path(sys.executable).parent / "arabic-norm"
ESC = b"\x1b["
PLAIN_ENV = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}


def run(*args: str, input: bytes | None = None, env: dict | None = None, cwd=None):
    return subprocess.run(
        [str(COMMAND), *args], input=input, capture_output=True, env=env or PLAIN_ENV, cwd=cwd, timeout=120
    )


def run_on_terminal(*args: str, cwd, columns: int = 80, env: dict | None = None) -> bytes:
    """Run with stdout and stderr on a pseudo-terminal of `columns` columns; what it showed."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environment = {**(env or PLAIN_ENV), "COLUMNS": str(columns), "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [str(COMMAND), *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=cwd, env=environment
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not data:
            break
        shown += data
    proc.wait(timeout=120)
    os.close(leader)
    return shown


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # stops the config search here
    monkeypatch.chdir(tmp_path)
    return tmp_path


needs_patch = pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def big_text() -> str:
    """Over 1 MiB of lines with an alef with hamza (which `alef` changes) on the first line, the
    last line (no final newline), lines scattered through the text, and the lines around every
    multiple of 64 KiB: wherever the input is cut into blocks, a hunk spans the cut."""
    lines = [f"سطر رقم {i} من نص طويل بلا تغيير\n" for i in range(40_000)]
    changed = {0, 1, 2, 7, 12, 13, 39_999} | set(range(100, 40_000, 997))
    offset = 0
    for i, line in enumerate(lines):
        size = len(line.encode())
        if (offset + size) // (64 << 10) != offset // (64 << 10):  # crosses a multiple of 64 KiB
            changed |= {i - 4, i - 1, i, i + 2, i + 5}
        offset += size
    for i in sorted(changed):
        lines[i] = lines[i].replace("سطر", "أسطر")
    lines[-1] = lines[-1].rstrip("\n")
    return "".join(lines)


def expected_alef(text: str) -> str:
    return text.replace("أ", "ا")  # the only hamza form in big_text


def apply_both_ways(cwd: Path, name: str, diff: bytes, expected: bytes) -> None:
    """`git apply --check`, then `patch -p1`: the file ends up as `expected`."""
    subprocess.run(["git", "apply", "--check", "-"], input=diff, cwd=cwd, check=True)
    subprocess.run(["patch", "-p1", "--quiet", "--binary"], input=diff, cwd=cwd, check=True)
    assert (cwd / name).read_bytes() == expected


# --- --diff: exact for patch ---------------------------------------------------------------------------------
@needs_patch
@needs_git
def test_diff_of_a_file_over_a_mebibyte_applies_with_patch_and_git_apply(cwd):
    text = big_text()
    data = text.encode()
    assert len(data) > 1 << 20
    (cwd / "big.txt").write_bytes(data)
    done = run("--diff", "alef", "big.txt", cwd=cwd)
    assert done.returncode == 1, done.stderr
    assert ESC not in done.stdout
    apply_both_ways(cwd, "big.txt", done.stdout, expected_alef(text).encode())


@pytest.mark.skipif(shutil.which("diff") is None, reason="needs GNU diff")
def test_diff_hunks_are_those_of_gnu_diff(cwd):
    # The same hunks as `diff -u` (3 lines of context, changes within 6 lines joined), from a
    # file, from stdin and with -j 2 ...
    text = big_text()
    (cwd / "big.txt").write_bytes(text.encode())
    (cwd / "want.txt").write_bytes(expected_alef(text).encode())
    gnu = subprocess.run(["diff", "-u", "big.txt", "want.txt"], capture_output=True, cwd=cwd).stdout
    gnu_hunks = gnu.split(b"\n", 2)[2]
    for args, input in ((("big.txt",), None), (("-j", "2", "big.txt"), None), (("-",), text.encode())):
        done = run("--diff", *args, "alef", input=input, cwd=cwd)
        assert done.stdout.split(b"\n", 2)[2] == gnu_hunks, args
    # ... and whatever the size of the blocks the text comes in
    pipeline = Pipeline.parse("alef")
    for block_size in (4096, 65536, 1 << 18):
        out = io.BytesIO()
        pairs = pipeline.iter_pairs(io.BytesIO(text.encode()).read, block_size=block_size)
        assert write_diff(pairs, "big.txt", out, colour=False)
        assert out.getvalue().split(b"\n", 2)[2] == gnu_hunks, block_size


ODD_NAMES = [
    "with space.txt",
    "new\nline.txt",
    'quote"and\\backslash.txt',
    "tab\there.txt",
    "كتاب عن الأدب العربي.txt",
]


@needs_patch
@needs_git
@pytest.mark.parametrize("name", ODD_NAMES)
def test_diff_header_of_an_odd_file_name_applies(cwd, name):
    (cwd / name).write_bytes("أ\nب\n".encode())
    done = run("--diff", "alef", name, cwd=cwd)
    assert done.returncode == 1
    header = done.stdout.split(b"\n@@")[0]
    assert header.count(b"\n") == 1  # two header lines, whatever the name holds
    apply_both_ways(cwd, name, done.stdout, "ا\nب\n".encode())


def test_a_name_with_a_newline_is_quoted_as_git_quotes_it(cwd):
    (cwd / "a\nb.txt").write_bytes("أ\n".encode())
    head = run("--diff", "alef", "a\nb.txt", cwd=cwd).stdout.split(b"@@")[0]
    assert head == b'--- "a/a\\nb.txt"\n+++ "b/a\\nb.txt"\n'


def test_every_step_keeps_the_number_of_lines(cwd):
    # The one-pass diff compares line i of the output with line i of the input: no step joins
    # or splits lines (a block that did would still be diffed correctly, by difflib).
    sample = "أَحمـد «قال» \u200f\u00a0 ٱلسَّمَٰوَٰتِ\r\nx\u2028y\u0085z\t \n\n\ufeffﻻ ١٢٣ ي ى ة ه\r"
    for name in STEPS:
        if STEPS[name].extra:
            continue
        done = run(name, input=sample.encode())
        assert done.returncode == 0, (name, done.stderr)
        assert done.stdout.count(b"\n") == sample.count("\n"), name


# --- --diff: for a person ------------------------------------------------------------------------------------
def test_diff_to_a_pipe_has_no_colour_codes_and_names_no_characters(cwd):
    (cwd / "t.txt").write_bytes("قال\u200f \u00a0نعم\n".encode())
    done = run("--diff", "invisible", "whitespace", "t.txt", cwd=cwd)
    assert done.stdout == "--- a/t.txt\n+++ b/t.txt\n@@ -1 +1 @@\n-قال\u200f \u00a0نعم\n+قال نعم\n".encode()


def test_diff_for_a_person_is_coloured_and_names_invisible_characters(cwd):
    (cwd / "t.txt").write_bytes("سطر\nقال\u200f \u00a0نعم\n".encode())
    done = run("--diff", "invisible", "whitespace", "t.txt", cwd=cwd, env={**PLAIN_ENV, "FORCE_COLOR": "1"})
    out = done.stdout.decode()
    assert "\x1b[1m--- a/t.txt" in out  # the header bold
    removed = next(line for line in out.splitlines() if line.startswith("\x1b[31m-"))
    added = next(line for line in out.splitlines() if line.startswith("\x1b[32m+"))
    # the RLM, the space and the NBSP went: named, in reverse video on the removed line only
    assert "ل\x1b[7m<U+200F RLM>\x1b[27m \x1b[7m<U+00A0 NBSP>\x1b[27mن" in removed
    assert "<U+" not in added and "قال" in added and "نعم" in added
    assert " سطر" in out  # a context line as it is


def test_diff_on_a_terminal_is_coloured_and_no_color_turns_it_off(cwd):
    (cwd / "t.txt").write_bytes("أحمد\n".encode())
    shown = run_on_terminal("--diff", "alef", "t.txt", cwd=cwd)
    assert b"\x1b[31m-" in shown and b"\x1b[32m+" in shown
    assert "\x1b[7mأ\x1b[27m".encode() in shown  # the changed character highlighted
    plain = run_on_terminal("--diff", "alef", "t.txt", cwd=cwd, env={**PLAIN_ENV, "NO_COLOR": "1"})
    assert ESC not in plain and "-أحمد".encode() in plain


# --- --list-steps --------------------------------------------------------------------------------------------
def test_list_steps_reads_at_80_columns_off_a_terminal(cwd):
    done = run("--list-steps")
    assert done.returncode == 0
    lines = done.stdout.decode().splitlines()
    assert ESC not in done.stdout
    assert max(map(len, lines)) <= 80
    assert not [line for line in lines if line != line.rstrip()]  # no padding
    for name, step in STEPS.items():
        assert name in lines, name  # a block per step, its name on a line of its own
        # the summary is words to find (grep), not a table cell cut into 14-character pieces
        first_words = " ".join(step.summary.split()[:4])
        assert any(first_words in line for line in lines), name
        for option in step.options:
            assert any(line.strip().startswith(option.usage) for line in lines), option.usage


def test_list_steps_plain_is_one_line_per_step(cwd):
    done = run("--list-steps", "--plain")
    lines = done.stdout.decode().splitlines()
    assert [line.split("\t")[0] for line in lines] == list(STEPS)
    assert all(line.count("\t") == 1 for line in lines)
    assert f"diacritics\t{STEPS['diacritics'].summary}" in lines


def test_list_steps_on_a_narrow_terminal_wraps_to_its_width(cwd):
    shown = run_on_terminal("--list-steps", cwd=cwd, columns=60)
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.decode()).replace("\r\n", "\n")
    assert "\x1b[1mdiacritics" in shown.decode()  # step names bold on a terminal
    assert max(len(line) for line in text.splitlines()) <= 60


# --- progress ------------------------------------------------------------------------------------------------
LONG_NAME = "كتاب_" + "طويل_جدا_" * 8 + ".txt"


def test_progress_bar_stays_on_one_line_with_a_long_file_name(cwd):
    (cwd / LONG_NAME).write_bytes("أحمد\n".encode() * 50_000)
    shown = run_on_terminal("--progress", "-o", "out.txt", LONG_NAME, cwd=cwd).decode()
    assert "…" in shown  # the name was cut to fit
    frames = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown).split("\r")
    drawn = [frame for frame in frames if "[1/1]" in frame]
    assert drawn
    for frame in drawn:
        assert "\n" not in frame.rstrip("\n") and len(frame.rstrip("\n")) <= 80, frame


def test_forced_progress_into_a_log_file_writes_no_escape_codes(cwd):
    (cwd / "in.txt").write_bytes("أحمد\n".encode() * 1000)
    logged = run("--progress", "-o", "out.txt", "in.txt", cwd=cwd)
    assert logged.returncode == 0
    assert ESC not in logged.stderr
    assert b"[1/1] in.txt" in logged.stderr and b"bytes" in logged.stderr
    coloured = run("--progress", "-o", "out.txt", "in.txt", cwd=cwd, env={**PLAIN_ENV, "FORCE_COLOR": "1"})
    assert ESC in coloured.stderr  # FORCE_COLOR asks for the bar itself


def test_messages_are_coloured_only_on_a_terminal_or_with_force_color(cwd):
    (cwd / "t.txt").write_bytes("أ\n".encode())
    assert ESC not in run("--check", "t.txt", cwd=cwd).stderr
    assert ESC in run("--check", "t.txt", cwd=cwd, env={**PLAIN_ENV, "FORCE_COLOR": "1"}).stderr
    assert ESC in run_on_terminal("--check", "t.txt", cwd=cwd)
    assert ESC not in run_on_terminal("--check", "t.txt", cwd=cwd, env={**PLAIN_ENV, "NO_COLOR": "1"})


# --- --check -v ----------------------------------------------------------------------------------------------
def test_check_verbose_names_the_first_changed_line_of_each_file(cwd):
    (cwd / "a.txt").write_bytes("سطر\nسطر\nأحمد\nإسلام\n".encode())
    # the first change far into the file: past the first blocks of any reader
    (cwd / "b.txt").write_bytes("سطر\n".encode() * 300_000 + "أ\n".encode())
    (cwd / "clean.txt").write_bytes("سطر\n".encode())
    for jobs in ("1", "2"):
        done = run("-j", jobs, "--check", "-v", "alef", "a.txt", "b.txt", "clean.txt", cwd=cwd)
        assert done.returncode == 1
        said = done.stderr.decode()
        assert "would change: a.txt:3\n" in said and "would change: b.txt:300001\n" in said, jobs
    quiet = run("--check", "alef", "a.txt", "b.txt", cwd=cwd).stderr.decode()
    assert "would change: a.txt\n" in quiet and "would change: b.txt\n" in quiet  # as before, without -v


def test_check_verbose_line_from_stdin(cwd):
    done = run("--check", "-v", "alef", input="x\ny\nأ\n".encode(), cwd=cwd)
    assert "would change: <stdin>:3" in done.stderr.decode()

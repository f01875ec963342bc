"""The faults around the command line the tool survives, one test each: the fault, then the guarantee.

Streams as cron, daemons and shells hand them over (stdout closed, full, a pipe closed by its
reader, the same file on both sides), locales that cannot encode Arabic, and configuration files
that say nothing or carry a BOM. Real processes of the installed command, real descriptors: each
command runs under `sh -c` so that the shell does the redirection exactly as a user's shell would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_norm.cli.report import EXIT_CODES

CLI = str(Path(sys.executable).parent / "arabic-norm")
TEXT = "السَّلَامُ عَلَيْكُمْ يا أحمـــد\n"
TEXT_OUT = "السلام عليكم يا احمد\n"  # what the chain below makes of TEXT
CHAIN = "diacritics tatweel alef ya"
README = Path(__file__).resolve().parent.parent / "README.md"


def shell(script: str, cwd: Path, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run `script` with `sh`; `$A` is the installed command."""
    environ = {**os.environ, "A": CLI, **(env or {})}
    return subprocess.run(["sh", "-c", script], cwd=cwd, env=environ, capture_output=True, timeout=120, **kwargs)


@pytest.fixture
def text(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in result.stderr, result.stderr.decode()


# --- stdout closed, full, or not where it seems -------------------------------------------------
@pytest.mark.parametrize(
    ("flags", "inputs", "expected_code", "written"),
    [
        ("-i", "a.txt b.txt", 0, "a.txt"),
        ("--check", "a.txt b.txt", 1, None),
        ("-j 2 --check", "a.txt b.txt", 1, None),
        ("-o out.txt", "a.txt", 0, "out.txt"),
        ("--output-dir clean", "a.txt b.txt", 0, "clean/a.txt"),
        ("-j 2 -i", "a.txt b.txt", 0, "b.txt"),
    ],
)
def test_closed_stdout_in_modes_that_do_not_write_it(tmp_path, text, flags, inputs, expected_code, written):
    """Fault: stdout closed (`>&-`, as cron and daemons start programs) in a mode that writes no
    text to it. Guarantee: the run works as with stdout open (files written, exit code as usual);
    nothing crashes on the missing stream."""
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    result = shell(f"$A {flags} {CHAIN} {inputs} >&-", tmp_path)
    no_traceback(result)
    assert result.returncode == expected_code, result.stderr.decode()
    if written:
        assert (tmp_path / written).read_text(encoding="utf-8") == TEXT_OUT


@pytest.mark.parametrize("flags", ["", "--diff", "-o -", "-o /dev/stdout", "--list-steps", "--explain"])
def test_closed_stdout_in_modes_that_need_it(tmp_path, text, flags):
    """Fault: stdout closed when the text (or the diff, the step list) has to go there.
    Guarantee: a usage error (exit 2) saying stdout is closed, before anything is read; no
    traceback, and no file created in its place."""
    before = sorted(os.listdir(tmp_path))
    result = shell(f"$A {flags} {CHAIN} a.txt >&-", tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    assert b"stdout is closed" in result.stderr
    assert sorted(os.listdir(tmp_path)) == before


def test_output_dev_stdout_onto_a_pipe(tmp_path, text):
    """Fault: `-o /dev/stdout` when stdout is a pipe (its path is a /proc/PID/fd link to no file).
    Guarantee: the text is written into the pipe, exit 0 (nothing is renamed over the link)."""
    result = shell(f"$A -o /dev/stdout {CHAIN} a.txt | cat", tmp_path)
    no_traceback(result)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == TEXT_OUT


def test_output_dev_stdout_onto_a_file_appends(tmp_path, text):
    """Fault: `-o /dev/stdout` with stdout redirected in append mode (`>> log`).
    Guarantee: the text is written through the descriptor the shell opened: appended, the old
    content kept."""
    (tmp_path / "log").write_text("old\n", encoding="utf-8")
    result = shell(f"$A -o /dev/stdout {CHAIN} a.txt >> log", tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "log").read_text(encoding="utf-8") == "old\n" + TEXT_OUT


@pytest.mark.parametrize("flags", ["", "--diff", "-j 2", "--list-steps", "--explain", "--help"])
def test_full_disk_through_stdout_blames_the_output(tmp_path, text, flags):
    """Fault: stdout redirected to a full disk (/dev/full: every write fails with ENOSPC).
    Guarantee: exit 3 with `<stdout>: No space left on device`: the output is named, never the
    input file, which is fine; no traceback."""
    big = tmp_path / "big.txt"
    big.write_text(TEXT * 100_000, encoding="utf-8")  # over 2 MiB: with -j 2 the workers write
    result = shell(f"$A {flags} {CHAIN} big.txt > /dev/full", tmp_path)
    no_traceback(result)
    assert result.returncode == 3, result.stderr.decode()
    assert b"<stdout>: No space left on device" in result.stderr
    assert b"big.txt" not in result.stderr


# --- exit codes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["$A {chain} big.txt", "$A -j 2 {chain} big.txt", "$A {chain} < big.txt"])
def test_closed_pipe_exits_like_a_unix_filter(tmp_path, how):
    """Fault: the reader of stdout goes away early (`arabic-norm big.txt | head -1`).
    Guarantee: exit 141 (128 + SIGPIPE, what the shell reports for cat), quietly: nothing on
    stderr, never 1 ("would change")."""
    (tmp_path / "big.txt").write_text(TEXT * 200_000, encoding="utf-8")
    command = how.format(chain=CHAIN)
    result = subprocess.run(  # bash: pipefail gives the exit status of the command, not of head
        ["bash", "-c", f"set -o pipefail; {command} | head -1"],
        cwd=tmp_path,
        env={**os.environ, "A": CLI},
        capture_output=True,
        timeout=120,
    )
    assert result.stdout.decode() == TEXT_OUT
    assert result.returncode == 141, result.stderr.decode()
    assert result.stderr == b""


@pytest.mark.parametrize(
    "script",
    [
        "$A {chain} < a.txt >> a.txt",
        "$A {chain} a.txt >> a.txt",
        "$A {chain} . >> a.txt",
        "$A -o a.txt {chain} < a.txt",
    ],
)
def test_input_that_is_also_the_output_is_refused(tmp_path, text, script):
    """Fault: the input is the output (`arabic-norm < f >> f`, or a file named, or found in a
    directory, that stdout appends to; or stdin that is the -o file): the run would read its own
    output until the disk is full. Guarantee: a usage error (exit 2) naming the clash, before
    anything is read or written: the file is unchanged."""
    result = shell(script.format(chain=CHAIN), tmp_path)
    no_traceback(result)
    assert result.returncode == 2, result.stderr.decode()
    assert b"the run would read its own output" in result.stderr or b"that is stdin" in result.stderr
    assert text.read_text(encoding="utf-8") == TEXT


def test_every_exit_code_is_documented_in_help_and_readme(tmp_path):
    """Fault: an exit code a script cannot interpret. Guarantee: every code the command uses is
    in `--help` and in the README's exit-code table."""
    result = shell("$A --help", tmp_path)
    readme = README.read_text(encoding="utf-8")
    for code, _ in EXIT_CODES:
        assert f"\n  {code}  " in result.stdout.decode(), code
        assert f"\n| {code} | " in readme, code


# --- locales that cannot encode Arabic -----------------------------------------------------------
ENCODINGS = [{"PYTHONIOENCODING": "latin-1"}, {"LC_ALL": "C"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}, {"LANG": "C"}]


@pytest.mark.parametrize("env", ENCODINGS, ids=lambda e: " ".join(f"{k}={v}" for k, v in e.items()))
@pytest.mark.parametrize("flags", ["--help", "--list-steps", "--explain", "ya --help"])
def test_help_and_listings_under_a_non_utf8_locale(tmp_path, env, flags):
    """Fault: an environment whose encoding cannot hold Arabic (PYTHONIOENCODING=latin-1,
    LC_ALL=C), as in minimal containers and cron. Guarantee: --help, --list-steps, --explain and a
    step's --help print, in UTF-8 (the encoding of the text the tool writes), exit 0."""
    result = shell(f"$A {flags}", tmp_path, env=env)
    no_traceback(result)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")  # strict: the bytes are UTF-8
    if flags == "--explain":
        assert "السلام" in out
    else:
        assert out.strip()


@pytest.mark.parametrize("env", ENCODINGS, ids=lambda e: " ".join(f"{k}={v}" for k, v in e.items()))
def test_error_messages_under_a_non_utf8_locale(tmp_path, env):
    """Fault: error messages with Arabic or undecodable file names under a locale that cannot
    encode them. Guarantee: the message is printed (the name's own bytes), exit 3, no traceback."""
    name = os.fsencode("كتاب-\udcff.txt")  # an Arabic name with a byte that is not UTF-8
    (tmp_path / os.fsdecode(name)).write_bytes(b"\xff\xfe bad\n")
    result = subprocess.run(
        [CLI, "--check", os.fsdecode(name)],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
    )
    no_traceback(result)
    assert result.returncode == 3
    assert name in result.stderr


# --- configuration ------------------------------------------------------------------------------
def test_empty_steps_in_configuration_is_an_error(tmp_path, text):
    """Fault: `steps = ""` in the configuration (a template left unfilled). Guarantee: a
    configuration error (exit 2) naming the file and the key, not a run that silently does
    nothing."""
    for value in ('""', '"  "', "[]"):
        (tmp_path / ".arabic-norm.toml").write_text(f"steps = {value}\n", encoding="utf-8")
        result = shell("$A --check a.txt", tmp_path)
        assert result.returncode == 2, value
        assert b".arabic-norm.toml" in result.stderr and b"'steps' is empty" in result.stderr


def test_empty_exclude_in_configuration_excludes_nothing(tmp_path):
    """Fault: `exclude = []` in the configuration. Guarantee: nothing is excluded (hidden files
    are taken too), not a silent fall-back to the default excludes; `include = []`, which would
    take nothing, is a configuration error (exit 2)."""
    tree = tmp_path / "d"
    tree.mkdir()
    (tree / ".hidden.txt").write_text(TEXT, encoding="utf-8")
    (tree / "seen.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / ".arabic-norm.toml").write_text("exclude = []\n", encoding="utf-8")
    result = shell("$A --check d", tmp_path)
    assert result.returncode == 1
    assert b"d/.hidden.txt" in result.stderr and b"d/seen.txt" in result.stderr
    (tmp_path / ".arabic-norm.toml").write_text("include = []\n", encoding="utf-8")
    result = shell("$A --check d", tmp_path)
    assert result.returncode == 2 and b"'include' is empty" in result.stderr


def test_configuration_with_a_bom_is_read(tmp_path, text):
    """Fault: a configuration file saved with a UTF-8 BOM (Windows editors). Guarantee: it is
    read like the same file without the BOM (here: only `ya` runs, so nothing else changes)."""
    (tmp_path / ".arabic-norm.toml").write_bytes(b'\xef\xbb\xbfsteps = "ya"\n')
    (tmp_path / "ya.txt").write_text("على\n", encoding="utf-8")
    (tmp_path / "alef.txt").write_text("أحمد\n", encoding="utf-8")
    result = shell("$A --check ya.txt alef.txt", tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    assert b"would change: ya.txt" in result.stderr
    assert b"alef.txt" not in result.stderr.replace(b"1 unchanged", b"")

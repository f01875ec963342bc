"""The installed `arabic-norm` command on real files and pipes, byte for byte.

Each test runs the entry point of the virtual environment the tests run in (`pip install -e .`
puts it next to the interpreter). Expected bytes are written out by hand: the default preset is
diacritics, tatweel, alef, ya, quotes.
"""

from __future__ import annotations

import os
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = Path(sys.executable).parent / "arabic-norm"

# (input line, the same line after the default preset), no line endings.
LINES = [
    ("السَّلَامُ عَلَيْكُمْ", "السلام عليكم"),  # diacritics
    ("أحمد وإسلام وآمال", "احمد واسلام وامال"),  # alef
    ("مُصْطَفَى", "مصطفي"),  # diacritics, then ya
    (
        "“quoted” café 漢字 👨\u200d👩\u200d👧 a\x00b",
        '"quoted" café 漢字 👨\u200d👩\u200d👧 a\x00b',
    ),  # quotes; the rest kept
    ("", ""),  # an empty line
    ("كتـــاب", "كتاب"),  # tatweel
]
BOM = "\ufeff"


def compose(lines: list[str], endings: list[str], bom: bool) -> bytes:
    return ((BOM if bom else "") + "".join(line + end for line, end in zip(lines, endings, strict=True))).encode()


# name -> (line endings, one per line ("" for the last: no final newline), leading BOM)
CASES = {
    "lf": (["\n"] * 6, False),
    "crlf-bom": (["\r\n"] * 6, True),
    "cr-no-final-newline": (["\r"] * 5 + [""], False),
    "mixed-bom-no-final-newline": (["\r\n", "\n", "\r", "\n", "\r\n", ""], True),
}


def case(name: str) -> tuple[bytes, bytes]:
    endings, bom = CASES[name]
    return compose([a for a, _ in LINES], endings, bom), compose([b for _, b in LINES], endings, bom)


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # stops the config search here
    monkeypatch.chdir(tmp_path)
    assert COMMAND.exists(), f"{COMMAND} missing: run `pip install -e .` in this environment"
    return tmp_path


def arabic_norm(*args, input: bytes | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run([str(COMMAND), *map(str, args)], input=input, capture_output=True, env=env, **kwargs)


# --- the examples of the issue ---------------------------------------------------------------------
def test_stdin_to_stdout(cwd):
    done = arabic_norm("diacritics", input="السَّلَامُ عَلَيْكُمْ\n".encode())
    assert done.returncode == 0
    assert done.stdout == "السلام عليكم\n".encode()
    assert done.stderr == b""


def test_chain_with_options_from_redirected_file(cwd):
    (cwd / "in.txt").write_bytes("السَّلَامُ عَلَيْكُمْ يا مُصْطَفَى أحمـــد\n".encode())
    with open(cwd / "in.txt", "rb") as f:
        done = arabic_norm("diacritics", "--keep", "shadda", "tatweel", "alef", "ya", stdin=f)
    assert done.stdout == "السّلام عليكم يا مصطفي احمد\n".encode()


def test_pre_commit_style_arguments(cwd):
    (cwd / "f1.txt").write_bytes("أَحمد\n".encode())
    (cwd / "f2.txt").write_bytes("إِسلام\n".encode())
    done = arabic_norm("--in-place", "diacritics", "alef", "f1.txt", "f2.txt")
    assert done.returncode == 0
    assert (cwd / "f1.txt").read_bytes() == "احمد\n".encode()
    assert (cwd / "f2.txt").read_bytes() == "اسلام\n".encode()
    assert arabic_norm("--check", "f1.txt").returncode == 0


# --- every output mode gives the same bytes ----------------------------------------------------------
@pytest.mark.parametrize("name", list(CASES))
def test_all_modes_give_identical_bytes(cwd, name):
    data, expected = case(name)
    _all_modes_give(cwd, data, expected)


def test_all_modes_give_identical_bytes_on_input_of_several_blocks(cwd):
    # 3 MiB: several 1 MiB blocks, and big enough for the engine's numpy path.
    data, expected = case("mixed-bom-no-final-newline")
    body, body_expected = case("crlf-bom")
    body, body_expected = body[3:], body_expected[3:]
    n = (3 << 20) // len(body)
    _all_modes_give(cwd, body * n + data, body_expected * n + expected)


def _all_modes_give(cwd: Path, data: bytes, expected: bytes) -> None:
    (cwd / "in.txt").write_bytes(data)
    results = {}
    results["stdin"] = arabic_norm(input=data).stdout
    results["file to stdout"] = arabic_norm("in.txt").stdout
    assert arabic_norm("-o", "out.txt", "in.txt").returncode == 0
    results["-o"] = (cwd / "out.txt").read_bytes()
    assert arabic_norm("-o", "stdin-out.txt", input=data).returncode == 0
    results["stdin to -o"] = (cwd / "stdin-out.txt").read_bytes()
    assert arabic_norm("--output-dir", "outdir", "in.txt").returncode == 0
    results["--output-dir"] = (cwd / "outdir" / "in.txt").read_bytes()
    (cwd / "work.txt").write_bytes(data)
    assert arabic_norm("-i", "work.txt").returncode == 0
    results["-i"] = (cwd / "work.txt").read_bytes()
    for mode, out in results.items():
        assert out == expected, mode
    assert (cwd / "in.txt").read_bytes() == data  # the input itself untouched


def test_stdin_streams_line_by_line(cwd):
    """Each line comes out before the next goes in (a pipe that is never closed would hang)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen([str(COMMAND), "alef"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        for word, expected in (("أحمد", "احمد"), ("إسلام", "اسلام")):
            proc.stdin.write(f"{word}\n".encode())
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)  # a guard against hanging, not a timing
            assert ready, "no output for a complete line while stdin is still open"
            assert proc.stdout.readline() == f"{expected}\n".encode()
    finally:
        proc.stdin.close()
        proc.wait()
    assert proc.returncode == 0


# --- in place -------------------------------------------------------------------------------------------
def test_in_place_keeps_permissions_and_leaves_no_temporary_file(cwd):
    path = cwd / "a.txt"
    path.write_bytes("أ\n".encode())
    path.chmod(0o640)
    inode = path.stat().st_ino
    assert arabic_norm("-i", "a.txt").returncode == 0
    assert path.read_bytes() == "ا\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert sorted(p.name for p in cwd.iterdir()) == [".git", "a.txt"]


def test_in_place_never_rewrites_a_file_that_would_not_change(cwd):
    path = cwd / "clean.txt"
    path.write_bytes("احمد\r\n".encode())
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = path.stat()
    done = arabic_norm("-i", "clean.txt")
    assert done.returncode == 0
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_in_place_change_after_the_first_block_keeps_the_unchanged_start(cwd):
    clean = "احمد وسلام\n".encode() * ((2 << 20) // 20)  # over 2 MiB already normalized
    path = cwd / "big.txt"
    path.write_bytes(clean + "أخيرا".encode())
    assert arabic_norm("-i", "big.txt").returncode == 0
    assert path.read_bytes() == clean + "اخيرا".encode()


def test_in_place_writes_through_a_symlink(cwd):
    (cwd / "real.txt").write_bytes("أ\n".encode())
    (cwd / "link.txt").symlink_to("real.txt")
    assert arabic_norm("-i", "link.txt").returncode == 0
    assert (cwd / "link.txt").is_symlink()
    assert (cwd / "real.txt").read_bytes() == "ا\n".encode()


# --- bad input --------------------------------------------------------------------------------------------
def test_invalid_utf8_leaves_the_file_untouched_and_the_others_are_processed(cwd):
    bad = b"\xd8\xa3\n\xd8\xa7\xc3(\n"  # line 2: ا then an invalid sequence at byte offset 5
    (cwd / "bad.txt").write_bytes(bad)
    os.utime(cwd / "bad.txt", ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    (cwd / "good.txt").write_bytes("أ\n".encode())
    done = arabic_norm("-i", "bad.txt", "good.txt")
    assert done.returncode == 3
    assert b"bad.txt: line 2, byte offset 5: invalid UTF-8 byte(s) c3" in done.stderr
    assert (cwd / "bad.txt").read_bytes() == bad
    assert (cwd / "bad.txt").stat().st_mtime_ns == 1_000_000_000_000_000_000
    assert (cwd / "good.txt").read_bytes() == "ا\n".encode()
    assert sorted(p.name for p in cwd.iterdir()) == [".git", "bad.txt", "good.txt"]


def test_surrogateescape_passes_bad_bytes_through(cwd):
    data = b"\xd8\xa3\xff\xfe\n\x80\xd8\xa5"  # أ, two bad bytes, newline, a bad byte, إ
    expected = b"\xd8\xa7\xff\xfe\n\x80\xd8\xa7"
    done = arabic_norm("--errors", "surrogateescape", "alef", input=data)
    assert done.returncode == 0
    assert done.stdout == expected
    (cwd / "a.txt").write_bytes(data)
    assert arabic_norm("--errors", "surrogateescape", "-i", "alef", "a.txt").returncode == 0
    assert (cwd / "a.txt").read_bytes() == expected


def test_missing_and_unreadable_paths_are_named_and_the_rest_processed(cwd):
    (cwd / "ok.txt").write_bytes("أ\n".encode())
    (cwd / "dangling.txt").symlink_to("nowhere.txt")
    done = arabic_norm("missing.txt", "dangling.txt", "ok.txt")
    assert done.returncode == 3
    assert b"missing.txt: no such file or directory" in done.stderr
    assert b"dangling.txt" in done.stderr
    assert done.stdout == "ا\n".encode()


def test_a_file_that_fails_while_read_is_an_input_error_and_the_others_go_on(cwd):
    """/proc/self/mem opens but fails on read (EIO) for every user, root included: the error
    names the file, exit code 3, and the next file is still normalized."""
    (cwd / "ok.txt").write_text("أ\n", encoding="utf-8")
    done = arabic_norm("/proc/self/mem", "ok.txt")
    assert done.returncode == 3
    assert b"/proc/self/mem: Input/output error" in done.stderr
    assert b"Traceback" not in done.stderr
    assert done.stdout == "ا\n".encode()


# --- directories ------------------------------------------------------------------------------------------
def make_tree(root: Path) -> None:
    for relative in (
        "a.txt",
        "sub/b.md",
        "sub/deeper/c.txt",
        ".hidden/d.txt",
        "node_modules/e.txt",
        "data.json",
        "notes.txt.bak",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes("أ\n".encode())
    (root / "clean.txt").write_bytes("ا\n".encode())


def test_check_recurses_with_the_default_globs(cwd):
    make_tree(cwd / "corpus")
    done = arabic_norm("--check", "corpus")
    assert done.returncode == 1
    listed = [line.split(": ", 1)[1] for line in done.stderr.decode().splitlines() if line.startswith("would change")]
    assert listed == ["corpus/a.txt", "corpus/sub/b.md", "corpus/sub/deeper/c.txt"]
    assert (cwd / "corpus" / "a.txt").read_bytes() == "أ\n".encode()  # nothing written


def test_include_and_exclude_replace_the_defaults(cwd):
    make_tree(cwd / "corpus")
    # (--as-text: a JSON file is otherwise refused without --field, see test_cli_repo.py)
    done = arabic_norm(
        "--include", "*.json", "--include", "*.md", "--exclude", "deeper", "--as-text", "--check", "corpus"
    )
    listed = [line.split(": ", 1)[1] for line in done.stderr.decode().splitlines() if line.startswith("would change")]
    assert listed == ["corpus/data.json", "corpus/sub/b.md"]


def test_output_dir_mirrors_the_tree_and_skips_itself(cwd):
    make_tree(cwd / "corpus")
    for _ in range(2):  # the second run must not pick up the first run's output inside the input tree
        done = arabic_norm("--output-dir", "corpus/clean", "corpus")
        assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(cwd / "corpus" / "clean")) for p in (cwd / "corpus" / "clean").rglob("*"))
    assert written == ["a.txt", "clean.txt", "sub", "sub/b.md", "sub/deeper", "sub/deeper/c.txt"]
    assert (cwd / "corpus" / "clean" / "sub" / "deeper" / "c.txt").read_bytes() == "ا\n".encode()


def test_diff_is_unified_and_writes_nothing(cwd):
    (cwd / "a.txt").write_bytes("أ\nب\n".encode())
    (cwd / "c.txt").write_bytes("\ufeffأ\r\nx".encode())
    (cwd / "clean.txt").write_bytes(b"x\n")
    done = arabic_norm("--diff", "alef", "a.txt", "clean.txt", "c.txt")
    assert done.returncode == 1
    assert done.stdout.decode() == (
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-أ\n+ا\n ب\n"
        "--- a/c.txt\n+++ b/c.txt\n@@ -1,2 +1,2 @@\n-\ufeffأ\r\n+\ufeffا\r\n x\n\\ No newline at end of file\n"
    )
    assert (cwd / "a.txt").read_bytes() == "أ\nب\n".encode()
    assert arabic_norm("--diff", "clean.txt").returncode == 0


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
def test_diff_applies_with_patch(cwd):
    data, expected = case("mixed-bom-no-final-newline")
    (cwd / "t.txt").write_bytes(data)
    diff = arabic_norm("--diff", "t.txt").stdout
    subprocess.run(["patch", "-p1", "--quiet", "--binary"], input=diff, cwd=cwd, check=True)
    assert (cwd / "t.txt").read_bytes() == expected


def test_explicitly_named_files_ignore_the_include_globs(cwd):
    (cwd / "notes.rst.bak").write_bytes("أ\n".encode())
    assert arabic_norm("notes.rst.bak").stdout == "ا\n".encode()


def test_force_exclude_applies_the_globs_to_named_files(cwd):
    # pre-commit names every file: with --force-exclude the configuration's globs still decide
    (cwd / "pyproject.toml").write_text('[tool.arabic-norm]\nexclude = [".*", "drafts"]\n', encoding="utf-8")
    (cwd / "drafts").mkdir()
    (cwd / ".github").mkdir()
    files = ["a.txt", "drafts/d.txt", ".github/n.md", "x.json", "code.py", "sub/b.md"]
    (cwd / "sub").mkdir()
    for name in files:
        (cwd / name).write_bytes("«أ»\n".encode())
    done = arabic_norm("--force-exclude", "-i", *files, "./drafts/d.txt")
    assert done.returncode == 0, done.stderr
    changed = {name for name in files if (cwd / name).read_bytes() != "«أ»\n".encode()}
    assert changed == {"a.txt", "sub/b.md"}
    assert (cwd / "a.txt").read_bytes() == b'"\xd8\xa7"\n'  # the default preset: quotes, alef


def test_force_exclude_with_every_file_excluded_reads_no_stdin(cwd):
    (cwd / "x.json").write_bytes(b'{"t": "\xc2\xab"}\n')
    done = arabic_norm("--force-exclude", "--check", "x.json", input="إ".encode(), timeout=30)
    assert done.returncode == 0 and done.stdout == b"", done.stderr


# --- progress ----------------------------------------------------------------------------------------------
def test_progress_bar_goes_to_stderr_only_when_asked_off_a_terminal(cwd):
    (cwd / "in.txt").write_bytes("أ\n".encode())
    quiet = arabic_norm("in.txt")  # stderr is a pipe here: no bar by default
    assert quiet.stderr == b""
    shown = arabic_norm("--progress", "in.txt")
    assert shown.stdout == "ا\n".encode()
    assert b"[1/1] in.txt" in shown.stderr and b"bytes" in shown.stderr


# --- start-up ----------------------------------------------------------------------------------------------
def imported_modules(*args: str, input: bytes = b"", **extra_env: str) -> set[str]:
    env = {**os.environ, **extra_env, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run([str(COMMAND), *args], input=input, capture_output=True, env=env, check=True)
    names = set()
    for line in done.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_startup_imports_neither_numpy_nor_rich(cwd):
    modules = imported_modules(input="نص\n".encode())
    assert "click" in modules and "arabic_norm" in modules  # the detector sees imports at all
    assert "numpy" not in modules
    assert "rich" not in modules


def test_the_import_detector_does_see_rich_when_a_run_needs_it(cwd):
    """--stats draws its table with rich for a terminal (here: FORCE_COLOR); off a terminal it
    writes plain lines and imports no rich either."""
    assert "rich" in imported_modules("--stats", input="نص\n".encode(), FORCE_COLOR="1")
    assert "rich" not in imported_modules("--stats", input="نص\n".encode(), FORCE_COLOR="")

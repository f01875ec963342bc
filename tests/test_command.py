"""The command as a function and as a module: `main(argv) -> int` never raises SystemExit, and
`python -m arabic_norm` is the same command; the output flags choose one WriteBack."""

from __future__ import annotations

import subprocess
import sys

import pytest

from arabic_norm import __version__
from arabic_norm.cli import main
from arabic_norm.cli.writeback import WriteBack, choose
from arabic_norm.errors import UsageError


def test_main_returns_the_exit_code_instead_of_exiting(tmp_path, capsys):
    text = tmp_path / "x.txt"
    text.write_text("أحمد\n", encoding="utf-8")
    assert main(["--check", str(text)]) == 1  # would change (أ -> ا)
    assert main(["--check", "ya", str(text)]) == 0  # nothing for ya to do
    assert main(["--no-such-option"]) == 2
    assert main(["--check", str(tmp_path / "missing.txt")]) == 3
    capsys.readouterr()


def test_python_dash_m_runs_the_command():
    done = subprocess.run([sys.executable, "-m", "arabic_norm", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout == f"arabic-norm {__version__}\n"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({}, (WriteBack.STDOUT, None)),
        ({"in_place": True}, (WriteBack.IN_PLACE, "-i/--in-place")),
        ({"check": True}, (WriteBack.CHECK, "--check")),
        ({"check": True, "diff": True}, (WriteBack.DIFF, "--diff")),  # the diff is written, the exit code tells
        ({"output": "out.txt"}, (WriteBack.OUTPUT, "-o/--output")),
        ({"output": "-"}, (WriteBack.STDOUT, "-o/--output")),
        ({"output_dir": "clean"}, (WriteBack.OUTPUT, "--output-dir")),
    ],
)
def test_the_flags_choose_one_write_back(flags, expected):
    given = {"in_place": False, "check": False, "diff": False, "output": None, "output_dir": None} | flags
    assert choose(**given) == expected


def test_two_write_backs_at_once_are_refused_naming_both():
    with pytest.raises(UsageError, match=r"^-i/--in-place and --output-dir cannot be used together$"):
        choose(in_place=True, check=False, diff=False, output=None, output_dir="clean")


def test_jobs_with_fields_on_one_file_is_refused_not_ignored(tmp_path, capsys):
    records = tmp_path / "r.jsonl"
    records.write_text('{"t": "أحمد"}\n', encoding="utf-8")
    assert main(["-j", "2", "--field", "t", str(records)]) == 2
    assert "-j with --field/--column" in capsys.readouterr().err


def test_jobs_with_fields_over_several_files_runs_one_file_per_worker(tmp_path, capsys):
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text('{"t": "أحمد", "n": "أ"}\n', encoding="utf-8")
    assert main(["-j", "2", "-i", "--field", "t", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")]) == 0
    for name in ("a.jsonl", "b.jsonl"):
        assert (tmp_path / name).read_text(encoding="utf-8") == '{"t": "احمد", "n": "أ"}\n'
    capsys.readouterr()

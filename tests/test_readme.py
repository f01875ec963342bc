"""Every shell and Python example in README.md runs as written, and prints what the README says.

- A ```python block runs statement by statement (a block with `if __name__ == "__main__":` runs as
  a script of its own, as a user would save it). A statement followed by a comment that is a Python
  literal (`p("السَّلَامُ")  # 'السّلام'`) must evaluate to that literal.
- A ```sh block runs line by line with bash, in a directory holding the files the examples name,
  with this environment's `arabic-norm` first on PATH. A line must exit 0, or 1 where that means
  "would change" (--check, --diff); a trailing comment in Arabic is the output the line must print.
- Only a block preceded by `<!-- not run: REASON -->` is left out (installs, which need the network
  or would rebuild environments); each such block is reported as skipped with its reason.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(
    r"(?:<!-- not run: (?P<reason>[^>]*?) -->\n)?(?P<indent>[ ]*)```(?P<lang>sh|python)\n(?P<body>.*?)\n[ ]*```", re.S
)
BIN = str(Path(sys.executable).parent)


def blocks() -> list:
    found = []
    for m in BLOCK.finditer(README):
        body = "\n".join(line.removeprefix(m["indent"]) for line in m["body"].split("\n"))
        line = README.count("\n", 0, m.start("body"))
        marks = [pytest.mark.skip(reason=f"README says not run: {m['reason']}")] if m["reason"] else []
        found.append(pytest.param(m["lang"], body, id=f"{m['lang']}-line-{line}", marks=marks))
    return found


BLOCKS = blocks()


def test_the_readme_has_examples_of_both_kinds():
    langs = [p.values[0] for p in BLOCKS]
    assert langs.count("sh") >= 4 and langs.count("python") >= 3


# --- the files the examples name ------------------------------------------------------------------
SAMPLE = "السَّلَامُ عَلَيْكُمْ يا أحمـــد «مرحبا» https://ar.wikipedia.org/wiki/أحمد_شوقي\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    for name in ["x.txt", "in.txt", "notes.txt", "a.txt", "b.txt", "big.txt", "corpus.txt"]:
        (tmp_path / name).write_text(SAMPLE * 3, encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    for name in ["one.txt", "two.txt"]:
        (tmp_path / "corpus" / name).write_text(SAMPLE * 2, encoding="utf-8")
    (tmp_path / "tweets").mkdir()
    import pandas as pd

    pd.DataFrame({"text": [SAMPLE, "أحمد"]}).to_parquet(tmp_path / "tweets" / "part.parquet")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PYTHONDONTWRITEBYTECODE")}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


# --- running them ---------------------------------------------------------------------------------
def run_python(body: str, where: Path) -> None:
    if '__name__ == "__main__"' in body:  # as the user would: a script of its own
        script = where / "example.py"
        script.write_text(body, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)], cwd=where, env=environment(), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return
    lines = body.split("\n")
    namespace: dict = {"__name__": "readme_example"}
    for statement in ast.parse(body).body:
        code = ast.get_source_segment(body, statement)
        comment = lines[statement.end_lineno - 1].partition(code.split("\n")[-1])[2].strip()
        expected = literal(comment.removeprefix("#").strip()) if comment.startswith("#") else None
        if isinstance(statement, ast.Expr) and expected is not None:
            got = eval(compile(ast.Expression(statement.value), "README.md", "eval"), namespace)
            assert got == expected[0], f"{code}: README says {expected[0]!r}, got {got!r}"
        else:
            exec(compile(ast.Module([statement], []), "README.md", "exec"), namespace)


def literal(text: str) -> tuple | None:
    """(value,) when `text` is a Python literal, else None (a comment in words)."""
    try:
        return (ast.literal_eval(text),)
    except (ValueError, SyntaxError):
        return None


ARABIC = re.compile(r"[\u0600-\u06ff]")


def run_sh(body: str, where: Path) -> None:
    for line in body.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        command, _, comment = line.partition("  #")
        done = subprocess.run(
            ["bash", "-c", "set -o pipefail; " + line], cwd=where, env=environment(), capture_output=True, timeout=300
        )
        assert done.returncode in (0, 1), f"{line}\n{done.stderr.decode()}"
        if done.returncode == 1:
            assert re.search(r"--(check|diff)\b", command), f"{line}: exit 1 without --check or --diff"
        expected = comment.strip()
        if ARABIC.search(expected) and not re.search(r"[A-Za-z]", expected):
            assert done.stdout.decode().strip() == expected, line


@pytest.mark.parametrize(("lang", "body"), BLOCKS)
def test_readme_example_runs(lang, body, workdir):
    assert shutil.which("bash"), "the shell examples need bash"
    (run_python if lang == "python" else run_sh)(body, workdir)

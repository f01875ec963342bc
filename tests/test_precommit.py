"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real pre-commit.

`pre-commit try-repo` installs this repository into a fresh environment and runs one of its hooks
on a temporary git repository, as a user's `.pre-commit-config.yaml` would. It installs the
repository's committed HEAD (passed as --ref so that every run shares one environment): commit
before running these tests locally. pre-commit itself comes from the test extra; installing the
hook environment needs the package index, like any pre-commit user.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from arabic_norm.cli.discover import DEFAULT_INCLUDE

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")

UNNORMALIZED = "السَّلَامُ عَلَيْكُمْ يا أحمـــد\n"
NORMALIZED = "السلام عليكم يا احمد\n"  # the default preset


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    assert PRE_COMMIT.exists(), f"{PRE_COMMIT} missing: install the test extra (pip install -e '.[test]')"
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def head() -> str:
    hooks = subprocess.run(
        ["git", "cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"], cwd=REPO, capture_output=True, check=False
    )
    assert hooks.returncode == 0, "commit .pre-commit-hooks.yaml first: try-repo installs the committed HEAD"
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def git_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(text.encode())
    subprocess.run(["git", "add", "."], cwd=path, check=True)
    return path


def try_repo(repo: Path, hook: str, home: Path, head: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), hook, "--ref", head, "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_fix_hook_rewrites_unnormalized_files(tmp_path, pre_commit_home, head):
    repo = git_repo(tmp_path / "repo", {"a.txt": UNNORMALIZED, "b.md": NORMALIZED})
    os.utime(repo / "b.md", ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    first = try_repo(repo, "arabic-norm", pre_commit_home, head)
    assert first.returncode == 1, first.stdout + first.stderr  # pre-commit fails when a hook modifies files
    assert "files were modified by this hook" in first.stdout
    assert (repo / "a.txt").read_bytes() == NORMALIZED.encode()
    assert (repo / "b.md").stat().st_mtime_ns == 1_000_000_000_000_000_000  # not rewritten
    second = try_repo(repo, "arabic-norm", pre_commit_home, head)
    assert second.returncode == 0, second.stdout + second.stderr


def test_fix_hook_reads_the_projects_config(tmp_path, pre_commit_home, head):
    config = '[tool.arabic-norm]\nsteps = "tatweel"\n'
    repo = git_repo(tmp_path / "repo", {"a.txt": UNNORMALIZED, "pyproject.toml": config})
    done = try_repo(repo, "arabic-norm", pre_commit_home, head)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (repo / "a.txt").read_bytes() == "السَّلَامُ عَلَيْكُمْ يا أحمد\n".encode()  # only tatweel removed
    assert (repo / "pyproject.toml").read_text() == config


def test_check_hook_fails_on_unnormalized_files_and_passes_on_normalized(tmp_path, pre_commit_home, head):
    dirty = git_repo(tmp_path / "dirty", {"a.txt": UNNORMALIZED, "b.txt": NORMALIZED})
    failed = try_repo(dirty, "arabic-norm-check", pre_commit_home, head)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "would change: a.txt" in failed.stdout
    assert "would change: b.txt" not in failed.stdout
    assert (dirty / "a.txt").read_bytes() == UNNORMALIZED.encode()  # a check writes nothing

    clean = git_repo(tmp_path / "clean", {"a.txt": NORMALIZED, "b.txt": NORMALIZED})
    passed = try_repo(clean, "arabic-norm-check", pre_commit_home, head)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_hooks_see_only_the_default_text_formats_and_force_the_globs():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["arabic-norm", "arabic-norm-check"]
    for hook in hooks:
        assert "--force-exclude" in hook["entry"].split()
        files = re.compile(hook["files"])
        for glob in DEFAULT_INCLUDE:  # the same formats as a run over a directory
            assert files.search("dir/name" + glob.removeprefix("*")), glob
        for name in ["data.json", "data.jsonl", "table.csv", "code.py", "notes.txt.bak", "README.MD"]:
            assert not files.search(name), name


def test_hooks_leave_json_code_and_excluded_files_alone(tmp_path, pre_commit_home, head):
    files = {
        "a.txt": UNNORMALIZED,
        "drafts/d.txt": UNNORMALIZED,
        "data.json": '{"text": "«أحمد»"}\n',
        "code.py": 'name = "إبراهيم"\n',
        "pyproject.toml": '[tool.arabic-norm]\nexclude = [".*", "drafts"]\n',
    }
    repo = git_repo(tmp_path / "repo", files)
    done = try_repo(repo, "arabic-norm", pre_commit_home, head)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (repo / "a.txt").read_text(encoding="utf-8") == NORMALIZED
    for name in ["drafts/d.txt", "data.json", "code.py"]:
        assert (repo / name).read_text(encoding="utf-8") == files[name], name

"""The command on a data repository, as a new user meets it (issue 10): a throwaway git repository
with a configuration, drafts, JSON, code and Markdown, run from inside it and from its parent, and
through the real pre-commit. Every run is a subprocess of the installed `arabic-norm`.

The repository's configuration is `steps = "tatweel alef"`, so a file with diacritics is
normalized for it but not for the default preset: which configuration a run used shows in its
answer.
"""

from __future__ import annotations

import bz2
import fnmatch
import gzip
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm.cli import command as arabic_norm_command
from arabic_norm.cli.discover import DEFAULT_INCLUDE, _matches
from arabic_norm.presets import PRESETS
from arabic_norm.steps import STEPS

from .test_precommit import git_repo, head, pre_commit_home, try_repo  # noqa: F401 (fixtures)

COMMAND = Path(sys.executable).parent / "arabic-norm"

CONFIG = '[tool.arabic-norm]\nsteps = "tatweel alef"\nexclude = [".*", "drafts"]\n'
WITH_DIACRITICS = "السَّلَامُ عَلَيْكُمْ\n"  # unchanged by tatweel + alef; the default preset drops the marks
LINK = "انظر https://ar.wikipedia.org/wiki/أحمد_شوقي\n"  # the alef step would change أ in the URL
MARKDOWN = '# دليل\n\n```python\nname = "إبراهيم"\n```\n\nاكتب `أحمد` هنا\n'  # alef would change إ and أ
DRAFT = "أحمـــد\n"  # not normalized, in an excluded directory
JSON_TEXT = '{"text": "«أحمد»"}\n'
CODE = 'name = "إبراهيم"\n'

FILES = {
    "pyproject.toml": CONFIG,
    "docs/b.txt": WITH_DIACRITICS,
    "docs/links.txt": LINK,
    "README.md": MARKDOWN,
    "drafts/d.txt": DRAFT,
    "data.json": JSON_TEXT,
    "code.py": CODE,
}


def arabic_norm(*args, cwd: Path, input: bytes | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [str(COMMAND), *map(str, args)], cwd=cwd, input=input, capture_output=True, env=env, check=False
    )


def out(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode()


def err(done: subprocess.CompletedProcess) -> str:
    return done.stderr.decode()


def snapshot(repo: Path) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in FILES}


@pytest.fixture
def repo(tmp_path) -> Path:
    assert COMMAND.exists(), f"{COMMAND} missing: run `pip install -e .` in this environment"
    return git_repo(tmp_path / "repo", FILES)


# --- configuration found from the paths ----------------------------------------------------------
def test_check_from_inside_and_from_the_parent_give_the_same_answer(repo):
    inside = arabic_norm("--check", ".", cwd=repo)
    parent = arabic_norm("--check", "repo", cwd=repo.parent)
    assert (inside.returncode, parent.returncode) == (0, 0), err(inside) + err(parent)
    assert "3 files already normalized" in err(inside)  # docs/b.txt, docs/links.txt, README.md
    assert "3 files already normalized" in err(parent)


def test_verbose_names_the_configuration_used(repo):
    parent = arabic_norm("-v", "--check", "repo", cwd=repo.parent)
    assert f"configuration: {repo / 'pyproject.toml'}" in err(parent)
    one_file = arabic_norm("-v", "--check", "repo/docs/b.txt", cwd=repo.parent)
    assert f"configuration: {repo / 'pyproject.toml'}" in err(one_file)


def test_verbose_says_when_there_is_no_configuration(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("احمد\n")
    done = arabic_norm("-v", "--check", "a.txt", cwd=tmp_path)
    assert "configuration: none found (searched from" in err(done)


def test_no_config_ignores_the_configuration(repo):
    done = arabic_norm("-v", "--no-config", "--check", "repo", cwd=repo.parent)
    assert done.returncode == 1  # the default preset: diacritics go, and the draft is no longer excluded
    assert "configuration: none (--no-config)" in err(done)
    assert "would change: repo/docs/b.txt" in err(done)
    assert "would change: repo/drafts/d.txt" in err(done)


def test_config_file_of_any_name_with_top_level_keys(repo):
    (repo.parent / "ci.toml").write_text('steps = "diacritics"\nexclude = ["drafts"]\n')
    done = arabic_norm("--config", "ci.toml", "--check", "repo", cwd=repo.parent)
    assert done.returncode == 1, err(done)
    assert "would change: repo/docs/b.txt" in err(done)  # diacritics: the file's marks
    assert "drafts" not in err(done)


def test_config_file_of_any_name_with_the_tool_table(repo):
    (repo.parent / "ci.toml").write_text('[tool.arabic-norm]\nsteps = "diacritics"\n')
    done = arabic_norm("--config", "ci.toml", "repo/docs/b.txt", cwd=repo.parent)
    assert out(done) == "السلام عليكم\n"


def test_stdin_uses_the_current_directory_or_stdin_filename(repo):
    inside = arabic_norm(cwd=repo / "docs", input=WITH_DIACRITICS.encode())
    assert out(inside) == WITH_DIACRITICS  # the repository's chain keeps diacritics
    named = arabic_norm("--stdin-filename", "repo/docs/x.txt", cwd=repo.parent, input=WITH_DIACRITICS.encode())
    assert out(named) == WITH_DIACRITICS
    (repo.parent / ".git").mkdir()  # the parent is a project of its own, without configuration
    outside = arabic_norm(cwd=repo.parent, input=WITH_DIACRITICS.encode())
    assert out(outside) == "السلام عليكم\n"  # the default preset


# --- protected spans on the command line ---------------------------------------------------------
def test_urls_and_markdown_code_are_protected_by_default(repo):
    done = arabic_norm("repo/docs/links.txt", "repo/README.md", cwd=repo.parent)
    assert out(done) == LINK + MARKDOWN


def test_no_protect_normalizes_everything(repo):
    done = arabic_norm("--no-protect", "repo/docs/links.txt", "repo/README.md", cwd=repo.parent)
    assert out(done) == LINK.replace("أ", "ا") + MARKDOWN.replace("إ", "ا").replace("أ", "ا")


def test_markdown_option_protects_code_in_any_file_and_on_stdin(tmp_path):
    (tmp_path / ".git").mkdir()
    text = "إلى `أحمد`\n```\nإبراهيم\n```\n"
    plain = arabic_norm("alef", cwd=tmp_path, input=text.encode())
    assert out(plain) == "الى `احمد`\n```\nابراهيم\n```\n"  # not Markdown: only URLs are protected
    forced = arabic_norm("--markdown", "alef", cwd=tmp_path, input=text.encode())
    assert out(forced) == "الى `أحمد`\n```\nإبراهيم\n```\n"
    named = arabic_norm("--stdin-filename", "notes.md", "alef", cwd=tmp_path, input=text.encode())
    assert out(named) == out(forced)
    (tmp_path / "notes.md.gz").write_bytes(gzip.compress(text.encode()))  # a compressed .md is Markdown too
    compressed = arabic_norm("alef", "notes.md.gz", cwd=tmp_path)
    assert out(compressed) == out(forced)


def test_protect_regex_repeatable_and_from_the_configuration(tmp_path):
    (tmp_path / ".git").mkdir()
    text = "أحمد ISBN-أ12 رقم-إ7\n"
    given = arabic_norm("--protect", r"ISBN-\w+", "--protect", r"رقم-\w+", "alef", cwd=tmp_path, input=text.encode())
    assert out(given) == "احمد ISBN-أ12 رقم-إ7\n"
    (tmp_path / "pyproject.toml").write_text('[tool.arabic-norm]\nsteps = "alef"\nprotect = ["ISBN-\\\\w+"]\n')
    configured = arabic_norm(cwd=tmp_path, input=text.encode())
    assert out(configured) == "احمد ISBN-أ12 رقم-ا7\n"
    both = arabic_norm("--protect", r"رقم-\w+", cwd=tmp_path, input=text.encode())
    assert out(both) == "احمد ISBN-أ12 رقم-إ7\n"  # the command line adds to the configuration's


def test_protect_false_in_the_configuration_turns_protection_off(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".arabic-norm.toml").write_text('steps = "alef"\nprotect = false\n')
    done = arabic_norm(cwd=tmp_path, input=LINK.encode())
    assert out(done) == LINK.replace("أ", "ا")


def test_a_bad_protect_regex_is_a_usage_error(tmp_path):
    (tmp_path / ".git").mkdir()
    done = arabic_norm("--protect", "(", cwd=tmp_path, input=b"x\n")
    assert done.returncode == 2
    assert "--protect" in err(done) and "'('" in err(done)
    (tmp_path / ".arabic-norm.toml").write_text('protect = ["[a-"]\n')
    configured = arabic_norm(cwd=tmp_path, input=b"x\n")
    assert configured.returncode == 2
    assert "protect" in err(configured) and ".arabic-norm.toml" in err(configured)


def test_field_and_column_values_get_the_same_protection(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.jsonl").write_text(json.dumps({"t": LINK.strip() + " إلى"}, ensure_ascii=False) + "\n")
    (tmp_path / "a.csv").write_text(f"t,n\n{LINK.strip()} إلى,1\n")
    jsonl = arabic_norm("--field", "t", "alef", "a.jsonl", cwd=tmp_path)
    assert json.loads(out(jsonl)) == {"t": LINK.strip() + " الى"}
    csv = arabic_norm("--column", "t", "alef", "a.csv", cwd=tmp_path)
    assert out(csv) == f"t,n\n{LINK.strip()} الى,1\n"
    unprotected = arabic_norm("--no-protect", "--column", "t", "alef", "a.csv", cwd=tmp_path)
    assert out(unprotected) == f"t,n\n{LINK.strip().replace('أ', 'ا')} الى,1\n"
    pattern = arabic_norm("--protect", "إلى", "--field", "t", "alef", "a.jsonl", cwd=tmp_path)
    assert json.loads(out(pattern)) == {"t": LINK.strip() + " إلى"}


# --- structured files are not normalized as text by mistake ---------------------------------------
def test_json_named_without_field_is_refused_and_left_untouched(repo):
    done = arabic_norm("-i", "data.json", cwd=repo)
    assert done.returncode == 3
    message = err(done)
    assert "data.json" in message and "--field" in message and "--as-text" in message
    assert (repo / "data.json").read_text() == JSON_TEXT


@pytest.mark.parametrize(("name", "option"), [("a.jsonl", "--field"), ("a.ndjson", "--field"), ("a.csv", "--column")])
def test_jsonl_and_csv_named_without_field_or_column_are_refused(tmp_path, name, option):
    (tmp_path / ".git").mkdir()
    (tmp_path / name).write_text("«أ»\n")
    done = arabic_norm("--check", name, cwd=tmp_path)
    assert done.returncode == 3
    assert name in err(done) and option in err(done) and "--as-text" in err(done)


def test_as_text_forces_a_json_file_through_as_text(repo):
    done = arabic_norm("--as-text", "--preset", "default", "data.json", cwd=repo)
    assert done.returncode == 0
    assert out(done) == '{"text": ""احمد""}\n'  # what --as-text asks for: the quoting is the user's call


def test_tsv_is_text_unless_the_chain_changes_tabs(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.tsv").write_text('أ\t"ب"\n')
    default = arabic_norm("--preset", "default", "a.tsv", cwd=tmp_path)
    assert out(default) == 'ا\t"ب"\n'  # no quoting in TSV: the quotes step cannot break a field
    search = arabic_norm("--preset", "search", "a.tsv", cwd=tmp_path)  # its whitespace step turns tabs to spaces
    assert search.returncode == 3
    assert "tabs" in err(search) and "--column" in err(search)


def test_stdin_named_as_json_is_refused(tmp_path):
    (tmp_path / ".git").mkdir()
    done = arabic_norm("--stdin-filename", "x.json", cwd=tmp_path, input=JSON_TEXT.encode())
    assert done.returncode == 3
    assert "x.json" in err(done) and "--field" in err(done)
    assert out(done) == ""


# --- no silent no-ops ----------------------------------------------------------------------------
def test_field_that_matched_nothing_is_said(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.jsonl").write_text('{"text": "أ"}\n{"text": "ب"}\n')
    done = arabic_norm("--check", "--field", "title", "a.jsonl", cwd=tmp_path)
    assert done.returncode == 0
    assert "a.jsonl: --field title matched no string value in 2 records" in err(done)
    matched = arabic_norm("--check", "--field", "text", "a.jsonl", cwd=tmp_path)
    assert "matched no" not in err(matched)


def test_compressed_variants_of_the_include_globs_are_found(tmp_path):
    (tmp_path / ".git").mkdir()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt.gz").write_bytes(gzip.compress("أ\n".encode()))
    (corpus / "b.md.bz2").write_bytes(bz2.compress("أ\n".encode()))
    (corpus / "c.txt.xz").write_bytes(lzma.compress("أ\n".encode()))
    (corpus / "d.json.gz").write_bytes(gzip.compress("أ\n".encode()))  # not in the include globs
    done = arabic_norm("--check", "corpus", cwd=tmp_path)
    assert done.returncode == 1
    listed = [line for line in err(done).splitlines() if line.startswith("would change")]
    assert listed == ["would change: corpus/a.txt.gz", "would change: corpus/b.md.bz2", "would change: corpus/c.txt.xz"]


def test_a_run_that_finds_no_files_says_which_globs_it_used(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.json").write_text("أ\n")
    done = arabic_norm("--check", "corpus", cwd=tmp_path)
    assert done.returncode == 0
    assert "no files found in corpus" in err(done)
    assert " ".join(DEFAULT_INCLUDE) in err(done)
    custom = arabic_norm("--check", "--include", "*.text", "corpus", cwd=tmp_path)
    assert "(include: *.text," in err(custom)


def test_explain_takes_its_sample_from_the_file(tmp_path):
    (tmp_path / ".git").mkdir()
    lines = [f"سطر{n} أحمـد\n" for n in range(1, 9)]
    (tmp_path / "notes.txt").write_text("".join(lines))
    done = arabic_norm("--explain", "tatweel", "notes.txt", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert "سطر1 أحمد" in out(done) and "سطر5 أحمد" in out(done)  # the first lines, after the step
    assert "سطر6" not in out(done)
    assert "السلام" not in out(done)  # not the built-in sample


@pytest.mark.parametrize(
    ("compress", "tool", "suffix"),
    [(gzip.compress, "zcat", "gz"), (bz2.compress, "bzcat", "bz2"), (lzma.compress, "xzcat", "xz")],
)
def test_compressed_stdin_is_recognised_and_says_what_to_do(tmp_path, compress, tool, suffix):
    (tmp_path / ".git").mkdir()
    done = arabic_norm(cwd=tmp_path, input=compress("أحمد\n".encode()))
    assert done.returncode == 3
    assert out(done) == ""
    assert f"{tool} FILE.{suffix} | arabic-norm" in err(done)
    assert "surrogateescape" not in err(done)


def test_text_that_starts_like_bzip2_is_still_text(tmp_path):
    (tmp_path / ".git").mkdir()
    done = arabic_norm("alef", cwd=tmp_path, input="BZh9 أ\n".encode())
    assert out(done) == "BZh9 ا\n"


# --- habits from black and ruff ------------------------------------------------------------------
def test_global_options_after_the_paths(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("أ\n")
    check = arabic_norm("a.txt", "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert "would change: a.txt" in err(check)
    in_place = arabic_norm("alef", "a.txt", "-i", cwd=tmp_path)
    assert in_place.returncode == 0
    assert (tmp_path / "a.txt").read_text() == "ا\n"
    with_value = arabic_norm("alef", "a.txt", "-o", "b.txt", cwd=tmp_path)
    assert with_value.returncode == 0 and (tmp_path / "b.txt").read_text() == "ا\n"


def test_double_dash_still_makes_paths_of_what_follows(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("أ\n")
    (tmp_path / "-i").write_text("إ\n")
    done = arabic_norm("alef", "a.txt", "--", "-i", cwd=tmp_path)
    assert done.returncode == 0
    assert out(done) == "ا\nا\n"  # both files to stdout, nothing in place
    assert (tmp_path / "a.txt").read_text() == "أ\n"


def test_a_preset_extended_by_steps(tmp_path):
    (tmp_path / ".git").mkdir()
    # search ends with whitespace; hamza --to hamza then turns the carrier ؤ into ء (search's own chain
    # has no hamza step, so without it ؤ stays)
    done = arabic_norm("--preset", "search", "hamza", "--to", "hamza", cwd=tmp_path, input="مؤمن\n".encode())
    assert out(done) == "مءمن\n"
    plain = arabic_norm("--preset", "search", cwd=tmp_path, input="مؤمن\n".encode())
    assert out(plain) == "مؤمن\n"


# --- shell completion ----------------------------------------------------------------------------
def completions(args: list[str], incomplete: str) -> list[tuple[str, str]]:
    complete = ShellComplete(arabic_norm_command, {}, "arabic-norm", "_ARABIC_NORM_COMPLETE")
    return [(item.type, item.value) for item in complete.get_completions(args, incomplete)]


def test_completion_of_steps_and_files():
    found = completions([], "dia")
    assert ("plain", "diacritics") in found
    assert ("file", "dia") in found  # and the shell completes file names
    assert {value for kind, value in completions([], "") if kind == "plain"} == set(STEPS)


def test_completion_of_presets():
    assert completions(["--preset"], "") == [("plain", name) for name in PRESETS]


def test_completion_of_step_options_and_their_values():
    options = completions(["hamza"], "--")
    assert options[0] == ("plain", "--to")  # the step's own options first
    assert ("plain", "--check") in options  # then the global ones
    assert completions(["hamza", "--to"], "") == [("plain", "letter"), ("plain", "hamza")]


def test_completion_after_the_paths_is_file_names_only(tmp_path):
    assert completions(["hamza", str(tmp_path)], "") == [("file", "")]
    assert completions(["--", "hamza"], "") == [("file", "")]


def test_completion_through_the_environment_variable(tmp_path):
    env = {**os.environ, "_ARABIC_NORM_COMPLETE": "bash_complete", "COMP_WORDS": "arabic-norm --preset se"}
    done = subprocess.run([str(COMMAND)], env={**env, "COMP_CWORD": "2"}, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["plain,search"]
    env["COMP_WORDS"] = "arabic-norm diacritics --k"
    done = subprocess.run([str(COMMAND)], env={**env, "COMP_CWORD": "2"}, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["plain,--keep"]
    source = subprocess.run(
        [str(COMMAND)], env={**os.environ, "_ARABIC_NORM_COMPLETE": "bash_source"}, capture_output=True, text=True
    )
    assert "_arabic_norm_completion" in source.stdout  # what `eval "$(...)"` in .bashrc installs


# --- the real pre-commit on the data repository ---------------------------------------------------
def test_pre_commit_hook_obeys_the_configuration_and_protects(repo, pre_commit_home, head):  # noqa: F811
    before = snapshot(repo)
    done = try_repo(repo, "arabic-norm", pre_commit_home, head)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(repo) == before  # the draft excluded, URL and Markdown code protected, JSON and code unseen
    check = try_repo(repo, "arabic-norm-check", pre_commit_home, head)
    assert check.returncode == 0, check.stdout + check.stderr


GLOB_CHARS = st.sampled_from(list("ab./*?[]!x-\n"))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=GLOB_CHARS, max_size=10),
    st.lists(st.text(alphabet=GLOB_CHARS, max_size=6), max_size=4),
)
def test_globs_match_as_fnmatchcase_matches_each(relative, patterns):
    """Include/exclude globs are tried as one expression: the file name or the relative path
    matches it exactly when it matches one of the globs by fnmatchcase."""
    name = relative.rpartition("/")[2]
    expected = any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)
    assert _matches(relative, patterns) == expected

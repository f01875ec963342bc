"""The command line, parsing and messages (click's CliRunner, in-process).

Byte-exact file and stream behaviour is in test_cli_files.py (subprocesses of the installed command).
Expected outputs below were worked out by hand from the step definitions in DESIGN.md.
"""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner

from arabic_norm.cli import command as main
from arabic_norm.presets import PRESETS
from arabic_norm.steps import STEPS

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    """An empty project directory (a .git marker stops the config search here)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(*args, input=None, color=False):
    return CliRunner().invoke(main, list(args), input=input, color=color, catch_exceptions=False)


# --- help, version, listing ----------------------------------------------------------------------
def test_help_shows_usage_steps_presets_and_exit_codes(cwd):
    result = run("--help")
    assert result.exit_code == 0
    assert "Usage: arabic-norm [GLOBAL OPTIONS] [STEP [STEP OPTIONS]]... [--] [PATH]..." in result.output
    for name in STEPS:
        assert re.search(rf"^  {re.escape(name)} ", result.output, re.M), name
    for name in PRESETS:
        assert re.search(rf"^  {re.escape(name)} ", result.output, re.M), name
    exit_codes = result.output.split("Exit codes:")[1]
    for code in "0123":
        assert re.search(rf"^  {code} +\S", exit_codes, re.M), code  # aligned with 141


def test_version(cwd):
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == "arabic-norm 0.1.0\n"


def test_step_help_is_generated_from_the_step_data(cwd):
    result = run("diacritics", "--help")
    assert result.exit_code == 0
    assert "Usage: arabic-norm [GLOBAL OPTIONS] diacritics" in result.output
    assert "--dagger-alef [remove|alef|modern|keep]" in result.output
    assert "--no-quranic" in result.output
    assert "[tanwin|vowels|shadda|sukun|extended]" in result.output
    assert "Decomposed hamza" in result.output  # the step's own help paragraph


def test_step_help_after_other_steps_and_options_describes_that_step(cwd):
    result = run("diacritics", "--keep", "shadda", "ya", "-h")
    assert result.exit_code == 0
    assert "Usage: arabic-norm [GLOBAL OPTIONS] ya" in result.output
    assert "--to [yeh|maksura]" in result.output


def test_list_steps_names_every_step_and_preset(cwd):
    result = run("--list-steps")
    assert result.exit_code == 0
    for name in [*STEPS, *PRESETS]:
        assert name in result.output, name
    assert "--dagger-alef remove|alef|modern|keep" in result.output


def test_explain_shows_the_resolved_chain_and_what_each_step_changes(cwd):
    result = run("--explain", "--preset", "default", "--sample", "أَحمـد")
    assert result.exit_code == 0
    assert result.output.startswith("chain: diacritics tatweel alef ya quotes\n")
    assert "'أَحمـد' -> 'أحمـد'" in result.output  # diacritics
    assert "'أحمـد' -> 'أحمد'" in result.output  # tatweel
    assert "'أحمد' -> 'احمد'" in result.output  # alef


def test_explain_search_preset_lists_its_steps(cwd):
    result = run("--explain", "--preset", "search")
    assert result.exit_code == 0
    assert result.output.startswith(f"chain: {PRESETS['search'].chain}\n")


# --- chaining ------------------------------------------------------------------------------------
def test_a_step_on_stdin(cwd):
    result = run("diacritics", input="السَّلَامُ عَلَيْكُمْ\n")
    assert result.exit_code == 0
    assert result.stdout == "السلام عليكم\n"


def test_step_options(cwd):
    assert run("diacritics", "--keep", "shadda", input="السَّلَامُ").stdout == "السّلام"
    assert run("diacritics", "--keep=shadda", input="السَّلَامُ").stdout == "السّلام"
    assert run("ya", "--to", "maksura", input="في\n").stdout == "فى\n"


def test_steps_run_in_the_order_given(cwd):
    # NFD splits أ into ا + hamza above; diacritics composes them back. The other way round the
    # decomposition is left as NFD made it.
    assert run("unicode", "--form", "NFD", "diacritics", input="أ").stdout == "\u0623"
    assert run("diacritics", "unicode", "--form", "NFD", input="أ").stdout == "\u0627\u0654"


def test_no_steps_means_the_default_preset(cwd):
    # default = diacritics tatweel alef ya quotes
    result = run(input="«أَحمـد» على\n")
    assert result.stdout == '"احمد" علي\n'


def test_preset_option(cwd):
    # search also folds teh marbuta and Arabic-Indic digits
    assert run("--preset", "search", input="مدرسة ١٢\n").stdout == "مدرسه 12\n"


# --- bad command lines -----------------------------------------------------------------------------
def test_unknown_step_is_a_usage_error_naming_the_closest_step(cwd):
    result = run("diacritcs", input="x")
    assert result.exit_code == 2
    assert "unknown step 'diacritcs' (did you mean 'diacritics'?)" in result.stderr
    assert result.stdout == ""


def test_unknown_step_option_names_the_closest_option(cwd):
    result = run("diacritics", "--kep", "shadda", input="x")
    assert result.exit_code == 2
    assert "diacritics: unknown option '--kep' (did you mean '--keep'?)" in result.stderr


def test_bad_option_value_names_the_closest_choice(cwd):
    result = run("diacritics", "--keep", "shada", input="x")
    assert result.exit_code == 2
    assert "invalid value 'shada' (did you mean 'shadda'?)" in result.stderr


def test_unknown_global_option_names_the_closest_option(cwd):
    result = run("--chek", input="x")
    assert result.exit_code == 2
    assert "No such option '--chek'" in result.stderr
    assert "'--check'" in result.stderr


def test_global_option_after_a_step_says_where_it_belongs(cwd):
    (cwd / "a.txt").write_text("x")
    result = run("diacritics", "--check", "a.txt")
    assert result.exit_code == 2
    assert "--check is a global option: put it before the steps" in result.stderr


def test_an_unknown_option_after_the_paths_is_a_usage_error(cwd):
    # (global options after the paths are accepted, as black's: see test_cli_repo.py)
    (cwd / "a.txt").write_text("x")
    result = run("diacritics", "a.txt", "--in-plac")
    assert result.exit_code == 2
    assert "--in-plac: options go before the steps and paths" in result.stderr
    assert (cwd / "a.txt").read_text() == "x"


def test_unknown_preset_names_the_closest(cwd):
    result = run("--preset", "serch", input="x")
    assert result.exit_code == 2
    assert "unknown preset 'serch' (did you mean 'search'?)" in result.stderr


def test_steps_after_a_preset_extend_it(cwd):
    # default (diacritics tatweel alef ya quotes) then hamza --to hamza: "أ" -> "ا" by alef first
    result = run("--preset", "default", "hamza", "--to", "hamza", input="مُؤْمِن أحمـد\n")
    assert result.exit_code == 0
    assert result.stdout == "مءمن احمد\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-i", "--check", "a.txt"], "-i/--in-place and --check cannot be used together"),
        (["-o", "b.txt", "--output-dir", "out", "a.txt"], "-o/--output and --output-dir cannot be used together"),
        (["-i"], "-i/--in-place needs paths"),
        (["-i", "-"], "cannot write back to stdin"),
        (["--output-dir", "out", "-"], "cannot write back to stdin"),
        (["-o", "b.txt", "a.txt", "a.txt"], "-o/--output takes one input"),
        (["-q", "-v", "a.txt"], "-q and -v cannot be used together"),
    ],
)
def test_conflicting_modes_are_usage_errors(cwd, args, message):
    (cwd / "a.txt").write_text("أ")
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert (cwd / "a.txt").read_text() == "أ"
    assert not (cwd / "b.txt").exists()


# --- steps versus paths -----------------------------------------------------------------------------
def test_first_word_that_is_not_a_step_begins_the_paths(cwd):
    (cwd / "notes.txt").write_text("أَ\n")
    (cwd / "alef").write_text("أ\n")  # a file named like a step, after the paths began: a path
    result = run("diacritics", "notes.txt", "alef")
    assert result.exit_code == 0
    assert result.stdout == "أ\n" + "أ\n"  # only diacritics ran, on both files


def test_step_name_that_is_also_a_path_is_ambiguous(cwd):
    (cwd / "alef").write_text("أ\n")
    result = run("alef")
    assert result.exit_code == 2
    assert "'alef' is both a step name and a path" in result.stderr
    assert "'./alef'" in result.stderr and "--" in result.stderr


def test_double_dash_forces_paths(cwd):
    (cwd / "alef").write_text("أَ\n")
    # before `--` words are steps, after it paths, so nothing is ambiguous
    assert run("alef", "--", "alef").stdout == "اَ\n"
    assert run("--", "alef").stdout == "ا\n"  # the default preset on the file `alef`


def test_dot_slash_names_the_file(cwd):
    (cwd / "alef").write_text("أَ\n")
    assert run("tatweel", "./alef").stdout == "أَ\n"


# --- configuration ------------------------------------------------------------------------------------
def test_config_steps_in_pyproject(cwd):
    (cwd / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.arabic-norm]\nsteps = "tatweel"\n')
    assert run(input="أحمـد\n").stdout == "أحمد\n"  # only tatweel, not the default's alef


def test_config_steps_as_a_list_with_options(cwd):
    (cwd / ".arabic-norm.toml").write_text('steps = ["diacritics --keep shadda", "alef"]\n')
    assert run(input="أَشَّ\n").stdout == "اشّ\n"


def test_config_preset(cwd):
    (cwd / "pyproject.toml").write_text('[tool.arabic-norm]\npreset = "search"\n')
    assert run(input="مدرسة\n").stdout == "مدرسه\n"


def test_nearest_config_wins_and_the_search_goes_upward(cwd, monkeypatch):
    (cwd / "pyproject.toml").write_text('[tool.arabic-norm]\nsteps = "tatweel"\n')
    sub = cwd / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert run(input="أحمـد\n").stdout == "أحمد\n"  # found two levels up
    (cwd / "a" / ".arabic-norm.toml").write_text('steps = "alef"\n')
    assert run(input="أحمـد\n").stdout == "احمـد\n"  # the nearer file


def test_pyproject_without_our_table_is_passed_over(cwd, monkeypatch):
    (cwd / "pyproject.toml").write_text('[tool.arabic-norm]\nsteps = "tatweel"\n')
    sub = cwd / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    monkeypatch.chdir(sub)
    assert run(input="أحمـد\n").stdout == "أحمد\n"


def test_config_option_names_the_file(cwd):
    (cwd / "pyproject.toml").write_text('[tool.arabic-norm]\nsteps = "tatweel"\n')
    (cwd / "other.toml").write_text('[tool.arabic-norm]\nsteps = "alef"\n')
    assert run("--config", "other.toml", input="أحمـد\n").stdout == "احمـد\n"


def test_command_line_beats_config(cwd):
    (cwd / "pyproject.toml").write_text('[tool.arabic-norm]\nsteps = "tatweel"\n')
    assert run("alef", input="أحمـد\n").stdout == "احمـد\n"
    assert run("--preset", "default", input="أحمـد\n").stdout == "احمد\n"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[tool.arabic-norm]\nstep = "alef"\n', "unknown key 'step' (did you mean 'steps'?)"),
        ('[tool.arabic-norm]\nsteps = "alef tatwel"\n', "unknown step 'tatwel' (did you mean 'tatweel'?)"),
        ('[tool.arabic-norm]\npreset = "defualt"\n', "unknown preset 'defualt' (did you mean 'default'?)"),
        ('[tool.arabic-norm]\nsteps = "alef"\npreset = "search"\n', "either 'steps' or 'preset'"),
        ("[tool.arabic-norm]\nsteps = 3\n", "'steps' must be a string"),
        ('[tool.arabic-norm]\ninclude = "*.txt"\nexclude = [1]\n', "'exclude' must be a list of glob patterns"),
        ("[tool.arabic-norm\n", "not valid TOML"),
    ],
)
def test_config_errors_are_usage_errors_that_name_the_file(cwd, toml, message):
    (cwd / "pyproject.toml").write_text(toml)
    result = run(input="x")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "pyproject.toml" in result.stderr
    assert result.stdout == ""


def test_config_include_and_exclude(cwd):
    (cwd / ".arabic-norm.toml").write_text('include = ["*.note"]\nexclude = ["skip*"]\n')
    (cwd / "d").mkdir()
    for name in ("a.note", "skip.note", "b.txt"):
        (cwd / "d" / name).write_text("أ\n")
    result = run("--check", "d")
    assert result.exit_code == 1
    assert "would change: d/a.note" in result.stderr
    assert "skip.note" not in result.stderr and "b.txt" not in result.stderr


# --- messages -----------------------------------------------------------------------------------------
def test_check_lists_files_on_stderr_and_exits_1(cwd):
    (cwd / "a.txt").write_text("أ\n")
    (cwd / "b.txt").write_text("ا\n")
    result = run("--check", "a.txt", "b.txt")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "would change: a.txt" in result.stderr
    assert "b.txt" not in result.stderr
    assert "1 file would change, 1 unchanged" in result.stderr
    assert run("--check", "b.txt").exit_code == 0


def test_quiet_and_verbose(cwd):
    (cwd / "a.txt").write_text("أ\n")
    (cwd / "b.txt").write_text("ا\n")
    assert run("-q", "--check", "a.txt", "b.txt").stderr == ""
    verbose = run("-v", "--check", "a.txt", "b.txt").stderr
    assert "would change: a.txt" in verbose and "unchanged: b.txt" in verbose


def test_in_place_reports_on_stderr_only(cwd):
    (cwd / "a.txt").write_text("أ\n")
    result = run("-i", "a.txt")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "normalized: a.txt" in result.stderr
    assert (cwd / "a.txt").read_text() == "ا\n"


def test_missing_path_is_named_and_the_others_still_processed(cwd):
    (cwd / "a.txt").write_text("أ\n")
    result = run("nope.txt", "a.txt")
    assert result.exit_code == 3
    assert "nope.txt: no such file or directory" in result.stderr
    assert result.stdout == "ا\n"


def test_invalid_utf8_names_file_line_and_offset(cwd):
    (cwd / "bad.txt").write_bytes(b"ok\n\xd8\xa3\xff\n")  # line 2: أ then a stray byte at offset 5
    result = run("bad.txt")
    assert result.exit_code == 3
    assert "bad.txt: line 2, byte offset 5: invalid UTF-8 byte(s) ff" in result.stderr
    assert "--errors surrogateescape" in result.stderr


def test_stats_table_counts_characters_per_step_on_stderr(cwd):
    # كِتَـــاب: kasra and fatha (2 diacritics), three tatweels
    result = run("--stats", "diacritics", "tatweel", "alef", input="كِتَـــاب\n")
    assert result.exit_code == 0
    assert result.stdout == "كتاب\n"
    rows = {line.split()[0]: line.split()[-1] for line in result.stderr.splitlines() if line.strip()}
    assert rows["diacritics"] == "2"
    assert rows["tatweel"] == "3"
    assert rows["alef"] == "0"
    assert "files changed: 1 of 1" in result.stderr


@pytest.mark.parametrize(
    "rows",
    [
        [("diacritics", "2"), ("tatweel", "3"), ("alef", "0")],
        [("teh-marbuta", "179,717"), ("diacritics", "9,276,437"), ("ya", "0")],
        [("a", "1")],
    ],
)
def test_stats_table_off_a_terminal_is_laid_out_as_rich_draws_it(capsys, rows):
    """Off a terminal the --stats table is plain lines (rich is not imported for it): the layout
    rich draws on a terminal, without its styles and trailing blanks."""
    from arabic_norm.cli import report

    report._rich_stats(rows, "files changed: 1 of 1")
    drawn = "".join(line.rstrip() + "\n" for line in capsys.readouterr().err.splitlines())
    assert report._plain_stats(rows, "files changed: 1 of 1") == drawn


def test_no_colour_when_not_a_terminal(cwd):
    result = run("nope.txt")
    assert "nope.txt" in result.stderr
    assert not ANSI.search(result.stderr)


def test_colour_on_a_terminal_unless_no_color(cwd, monkeypatch):
    coloured = run("nope.txt", color=True)  # CliRunner(color=True) behaves like a terminal
    assert ANSI.search(coloured.stderr)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run("nope.txt", color=True)
    assert "nope.txt" in plain.stderr
    assert not ANSI.search(plain.stderr)


def test_binary_file_found_by_recursion_is_skipped_with_a_message(cwd):
    (cwd / "d").mkdir()
    (cwd / "d" / "blob.txt").write_bytes(b"\xd8\xa3\x00\x01")
    (cwd / "d" / "text.txt").write_text("أ\n")
    result = run("-i", "d")
    assert result.exit_code == 0
    assert "d/blob.txt: binary file (NUL byte), skipped" in result.stderr
    assert (cwd / "d" / "blob.txt").read_bytes() == b"\xd8\xa3\x00\x01"
    assert (cwd / "d" / "text.txt").read_text() == "ا\n"


def test_output_refused_when_it_is_the_input(cwd):
    (cwd / "a.txt").write_text("أ\n")
    os.symlink("a.txt", cwd / "link.txt")
    for target in ("a.txt", "./a.txt", "link.txt"):
        result = run("-o", target, "a.txt")
        assert result.exit_code == 2, target
        assert "that is the input file" in result.stderr
    assert (cwd / "a.txt").read_text() == "أ\n"


def test_a_step_whose_extra_is_missing_is_a_usage_error_before_any_file_is_read(monkeypatch, tmp_path):
    import sys

    from arabic_norm.steps import camel

    camel.builtin_operations.cache_clear()
    for module in ("camel_tools", "camel_tools.utils", "camel_tools.utils.charmap"):
        monkeypatch.setitem(sys.modules, module, None)  # makes `import camel_tools` fail
    target = tmp_path / "a.txt"
    target.write_text("احمد\n", encoding="utf-8")
    try:
        result = run("-i", "arclean", str(target))
    finally:
        camel.builtin_operations.cache_clear()
    assert result.exit_code == 2
    assert "pip install --no-deps camel-tools==1.6.0" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "احمد\n"

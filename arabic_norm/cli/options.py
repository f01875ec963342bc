"""The global options of `arabic-norm`, declared once: `global_options` puts them on the command in
this order (the order of `--help`). Each option's help is the reference a user reads."""

from __future__ import annotations

import click

from .. import __version__
from .completion import complete_presets
from .discover import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from .report import PROGRESS_MIN_BYTES


def _globs_help(globs) -> str:
    return " ".join(globs)


OPTIONS = [
    click.option(
        "--preset",
        metavar="NAME",
        shell_complete=complete_presets,
        help="Run a named preset (see below); steps given after it are added to its chain.",
    ),
    click.option(
        "--lang",
        metavar="CODE",
        default="ar",
        help="Language of the text (ar, fa, ur, sd, ps, ckb, ug, kk, ky, ks): no step folds the letters distinct "
        "in it.",
    ),
    click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False),
        help="Read settings from this file (any name; keys at the top level or under [tool.arabic-norm]) instead "
        "of the nearest pyproject.toml / .arabic-norm.toml.",
    ),
    click.option("--no-config", is_flag=True, help="Ignore every configuration file."),
    click.option(
        "--stdin-filename",
        metavar="PATH",
        help="The file name stdin stands for: where the configuration is searched from, Markdown or JSON by its "
        "extension, the name in messages.",
    ),
    click.option(
        "-i", "--in-place", is_flag=True, help="Rewrite the files (only those that change; permissions kept)."
    ),
    click.option(
        "--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any would."
    ),
    click.option(
        "--diff", is_flag=True, help="Write nothing but a unified diff to stdout; exit 1 if anything would change."
    ),
    click.option(
        "-o", "--output", metavar="FILE", help="Write the result to FILE (one input only; FILE may not be that input)."
    ),
    click.option(
        "--output-dir", metavar="DIR", help="Write each result under DIR, mirroring the tree of each directory given."
    ),
    click.option(
        "--fsync",
        is_flag=True,
        help="With -o/--output-dir: flush each file to disk before it is renamed into place (slower); the "
        "files are then on disk when the command exits. -i always does.",
    ),
    click.option(
        "--include",
        multiple=True,
        metavar="GLOB",
        help=f"Files to take from directories (repeatable; replaces the default: {_globs_help(DEFAULT_INCLUDE)}).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Files and directories to skip in directories (repeatable; replaces the default: "
        f"{_globs_help(DEFAULT_EXCLUDE)}).",
    ),
    click.option(
        "--force-exclude",
        is_flag=True,
        help="Apply --include and --exclude (or the configuration's) to files named on the command line too "
        "(for pre-commit, which names every file).",
    ),
    click.option(
        "--no-gitignore",
        is_flag=True,
        help="In directories, also take the files that .gitignore files ignore (respected by default).",
    ),
    click.option(
        "--no-protect",
        is_flag=True,
        help="Normalize everything: no protected spans (by default URLs, e-mail addresses, `arabic-norm: off` "
        "regions, and in Markdown files fenced and inline code are left as they are).",
    ),
    click.option(
        "--markdown", is_flag=True, help="Protect Markdown code in every input, not only in .md/.markdown files."
    ),
    click.option(
        "--protect",
        "protect_patterns",
        multiple=True,
        metavar="REGEX",
        help="Also leave the matches of this regular expression (Python syntax, within a line) as they are "
        "(repeatable; added to the configuration's `protect`).",
    ),
    click.option(
        "--as-text",
        is_flag=True,
        help="Normalize JSON, JSON Lines and CSV files as plain text (refused without --field/--column otherwise: "
        "their quoting would break).",
    ),
    click.option(
        "--errors",
        type=click.Choice(["strict", "surrogateescape"]),
        help="Bytes that are not UTF-8: an error naming file, line and byte offset (strict, the default), "
        "or passed through unchanged (surrogateescape).",
    ),
    click.option("--list-steps", is_flag=True, help="Show every step and preset, then exit."),
    click.option("--plain", is_flag=True, help="With --list-steps: one line per step, NAME<TAB>summary."),
    click.option(
        "--explain",
        is_flag=True,
        help="Show the resolved pipeline and what each step changes in a sample (the first lines of the first PATH "
        "when one is given), then exit.",
    ),
    click.option("--sample", metavar="TEXT", help="The sample text for --explain."),
    click.option(
        "--stats", is_flag=True, help="Print a table of characters changed per step and files changed, on stderr."
    ),
    click.option(
        "--progress/--no-progress",
        default=None,
        help=f"Progress bar on stderr (default: on a terminal, for inputs over {PROGRESS_MIN_BYTES >> 20} MiB).",
    ),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        help="Worker processes (0: all cores): across files with -i, --check and --output-dir, otherwise across "
        "the blocks of each input. Output is byte-identical for any value.",
    ),
    click.option(
        "--dask",
        "dask_address",
        metavar="ADDRESS",
        help="With --output-dir: run each file as a task on the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://host:8786; needs the 'dask' extra). Output is byte-identical.",
    ),
    click.option(
        "--field",
        "fields",
        multiple=True,
        metavar="NAME",
        help="JSON Lines: normalize only this field's string values (repeatable; nested keys with dots, "
        "e.g. meta.title; a list applies to each element). Everything else is kept byte for byte.",
    ),
    click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="NAME",
        help="CSV (RFC 4180) or TSV (.tsv/.tab: tabs, no quoting): normalize only this column, named by the "
        "header (repeatable). Other columns and unchanged rows are kept byte for byte.",
    ),
    click.option(
        "--on-error",
        type=click.Choice(["fail", "skip"]),
        default="fail",
        show_default=True,
        help="A malformed JSONL line or CSV record: fail (an input error naming the line), or skip (copy it "
        "unchanged and report its line number).",
    ),
    click.option("-q", "--quiet", is_flag=True, help="Only report errors."),
    click.option("-v", "--verbose", is_flag=True, help="Also report unchanged and skipped files."),
    click.version_option(__version__, "--version", prog_name="arabic-norm", message="%(prog)s %(version)s"),
]


def global_options(command):
    """`command` with every option of OPTIONS, the first one first in `--help`."""
    for option in reversed(OPTIONS):
        command = option(command)
    return command

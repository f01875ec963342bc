"""The words after the global options: steps and their options (read by `chain.scan`, the
library's own scanner), then paths. Global options written after the paths are moved before the
steps first (`options_first`); usage errors name what was probably meant."""

from __future__ import annotations

import os

import click

from ..chain import StepSpec, closest, scan
from ..errors import ChainError, UsageError
from ..steps import STEPS, Step
from .listing import show_step_help
from .report import EXIT_OK
from .writeback import WriteBack

# Click consumes a `--` that comes before the first positional word; we need to know it was there.
DASHDASH = "\0--"


# --- global options after the paths ------------------------------------------------------------
def options_first(params, args: list[str]) -> list[str]:
    """`args` with the global options written after the paths moved before the steps, as black
    and ruff accept them (`arabic-norm a.txt --check`, `arabic-norm diacritics a.txt -i`). The
    paths begin where `chain.scan` stops reading steps; a `--` before them, or among them, keeps
    every word after it a path. Anything the scan refuses is left for the real parse to report."""
    takes_value = {}
    for p in params:
        if isinstance(p, click.Option):
            for flag in (*p.opts, *p.secondary_opts):
                takes_value[flag] = not p.is_flag and not p.count
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] not in ("-", "--"):
        flag, eq, _ = args[i].partition("=")
        i += 2 if takes_value.get(flag) and not eq else 1
    try:
        _, rest = scan(args[i:])
    except ChainError:
        return args
    head, moved, paths = args[: len(args) - len(rest)], [], []
    n = 0
    while n < len(rest):
        word = rest[n]
        if word == "--":
            paths += rest[n:]
            break
        flag, eq, _ = word.partition("=")
        if flag in takes_value:
            width = 2 if takes_value[flag] and not eq else 1
            moved += rest[n : n + width]
            n += width
        else:
            paths.append(word)
            n += 1
    return moved + head + paths if moved else args


# --- splitting steps from paths -----------------------------------------------------------------
def split_args(tokens: list[str], global_flags: set[str] = frozenset()) -> tuple[list[StepSpec], list[str], bool]:
    """Split what follows the global options into (the chain's steps, paths, paths forced by `--`).

    `chain.scan` reads the steps and their options (the library's own scanner); the first other
    word begins the paths. A step name that is also an existing path is refused as ambiguous
    unless `--` separates steps from paths; `STEP --help` shows the step's help.
    """
    has_separator = "--" in tokens

    def on_step(name: str) -> None:
        if not has_separator and os.path.exists(name):
            raise click.UsageError(
                f"{name!r} is both a step name and a path here. For the path write './{name}'; "
                f"or separate steps from paths with '--' (arabic-norm {name} -- {name})."
            )

    def on_unknown_option(step: Step, token: str) -> None:
        if token in ("-h", "--help"):
            show_step_help(step)
            raise click.exceptions.Exit(EXIT_OK)
        flag = token.partition("=")[0]
        if flag in global_flags:
            raise click.UsageError(
                f"{flag} is a global option: put it before the steps (arabic-norm {flag} ... {step.name} ...)"
            )

    specs, rest = scan(tokens, on_step, on_unknown_option)
    if "--" in rest:  # the words after it are paths, whatever they look like
        cut = rest.index("--")
        check_paths(rest[:cut], False)
        return specs, rest[:cut] + rest[cut + 1 :], True
    return specs, rest, False


def check_paths(paths: list[str], forced: bool) -> None:
    """Usage errors for path words that are really mistyped steps or misplaced options."""
    if forced:
        return
    for n, path in enumerate(paths):
        if os.path.lexists(path) or path == "-":
            continue
        if path.startswith("-"):
            raise click.UsageError(f"{path}: options go before the steps and paths")
        if n == 0 and not any(c in path for c in "./\\") and closest(path, STEPS):
            raise click.UsageError(f"unknown step {path!r}{closest(path, STEPS)}; see --list-steps")


def input_paths(paths: list[str], forced: bool, write_back: WriteBack, flag: str | None, output: str | None):
    """The paths to read (`-` for stdin when none is given); usage errors for impossible ones."""
    check_paths(paths, forced)
    writes_back = flag in ("-i/--in-place", "--output-dir")
    if not paths:
        if writes_back:
            raise UsageError(f"{flag} needs paths to files or directories")
        paths = ["-"]
    if "-" in paths and writes_back:
        raise UsageError(f"{flag} cannot write back to stdin ('-')")
    if write_back is WriteBack.OUTPUT and output is not None and (len(paths) > 1 or os.path.isdir(paths[0])):
        raise UsageError("-o/--output takes one input; use --output-dir for several files or a directory")
    return paths

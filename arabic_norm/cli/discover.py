"""Which inputs: the paths given, `-` for stdin, directories searched with include/exclude globs."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from typing import NamedTuple

# Files looked at when a directory is given. JSON, JSONL and CSV are not among them: the `quotes`
# step of the default preset writes `"`, which would break their quoting. Name them explicitly or
# with --include when the chain is safe for them.
DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.markdown", "*.rst", "*.org", "*.tsv", "*.srt", "*.vtt", "*.conllu")
# Skipped while recursing (matched against every file and directory name below the given
# directory, and against the path relative to it): hidden files and directories (.git, .venv, ...),
# and directories of installed or generated code.
DEFAULT_EXCLUDE = (".*", "node_modules", "__pycache__", "venv", "site-packages", "*.egg-info")


class Source(NamedTuple):
    """One input. `path` None is stdin; `relative` is where it goes under --output-dir."""

    path: str | None
    relative: str = ""
    found: bool = False  # found by recursing into a directory (binary files are then skipped)

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else self.path


class Missing(NamedTuple):
    """A path given on the command line that does not exist."""

    path: str


def _matches(relative: str, patterns: Iterable[str]) -> bool:
    name = relative.rpartition("/")[2]
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)


def discover(
    paths: Iterable[str],
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    skip: Iterable[str] = (),
) -> Iterator[Source | Missing]:
    """Sources for the given paths, in order: `-` is stdin, files as given, directories recursed
    (sorted, include/exclude applied, directories in `skip` left out)."""
    include, exclude = tuple(include), tuple(exclude)
    skip_real = {os.path.realpath(s) for s in skip}
    for path in paths:
        if path == "-":
            yield Source(None)
        elif os.path.isdir(path):
            yield from _walk(path, include, exclude, skip_real)
        elif os.path.exists(path):
            yield Source(path, os.path.basename(path))
        else:
            yield Missing(path)


def _walk(root: str, include, exclude, skip_real) -> Iterator[Source]:
    for directory, dirnames, filenames in os.walk(root):
        base = os.path.relpath(directory, root)
        base = "" if base == "." else base.replace(os.sep, "/") + "/"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not _matches(base + d, exclude) and os.path.realpath(os.path.join(directory, d)) not in skip_real
        )
        for name in sorted(filenames):
            relative = base + name
            if _matches(relative, include) and not _matches(relative, exclude):
                yield Source(os.path.join(directory, name), relative, found=True)

"""Which inputs: the paths given, `-` for stdin, directories searched with include/exclude globs."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..stream.compression import SUFFIXES as COMPRESSION_SUFFIXES

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
    stdin_filename: str | None = None  # for stdin: the file name it stands for (--stdin-filename)

    @property
    def name(self) -> str:
        if self.path is None:
            return f"<stdin: {self.stdin_filename}>" if self.stdin_filename else "<stdin>"
        return self.path

    @property
    def label(self) -> str | None:
        """The file name that says what the input is (Markdown, JSON...): the path, or for stdin
        the --stdin-filename (None without one)."""
        return self.path if self.path is not None else self.stdin_filename


class Missing(NamedTuple):
    """A path given on the command line that does not exist."""

    path: str


def _matches(relative: str, patterns: Iterable[str]) -> bool:
    """Whether the file name or the whole relative path matches one of the globs (fnmatchcase)."""
    anyof = _union(tuple(patterns))
    return anyof is not None and (anyof.match(relative.rpartition("/")[2]) or anyof.match(relative)) is not None


@functools.lru_cache(maxsize=64)
def _union(patterns: tuple[str, ...]) -> re.Pattern | None:
    """The globs as one expression (what fnmatchcase matches with each), so that a file costs
    two searches and not two per glob: over 3,000 small files the globs were a tenth of a run."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def plain_name(name: str) -> str:
    """`name` without a compression suffix (`a.md.gz` -> `a.md`)."""
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and "/" not in suffix and f".{suffix.lower()}" in COMPRESSION_SUFFIXES else name


def _included(relative: str, include: Iterable[str]) -> bool:
    """Whether `include` takes the file: its name, or its name without a compression suffix
    (`*.txt` takes `a.txt.gz`, `a.txt.bz2`, `a.txt.xz`, `a.txt.zst`)."""
    return _matches(relative, include) or _matches(plain_name(relative), include)


def discover(
    paths: Iterable[str],
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    skip: Iterable[str] = (),
    gitignore: bool = True,
    force_exclude: bool = False,
    stdin_filename: str | None = None,
) -> Iterator[Source | Missing]:
    """Sources for the given paths, in order: `-` is stdin, files as given, directories recursed
    (sorted, include/exclude applied, directories in `skip` left out, and with `gitignore` what
    the `.gitignore` files of the tree and of its repository ignore, see gitignore.py)."""
    include, exclude = tuple(include), tuple(exclude)
    skip_real = {os.path.realpath(s) for s in skip}
    for path in paths:
        if path == "-":
            yield Source(None, stdin_filename=stdin_filename)
        elif os.path.isdir(path):
            yield from _walk(path, include, exclude, skip_real, gitignore)
        elif os.path.exists(path):
            if not (force_exclude and named_file_excluded(path, include, exclude)):
                yield Source(path, os.path.basename(path))
        else:
            yield Missing(path)


def named_file_excluded(path: str, include: Iterable[str], exclude: Iterable[str]) -> bool:
    """Whether a file named on the command line is left out by the globs (`--force-exclude`, for
    pre-commit, which names every file): its path is taken relative to the current directory (as
    pre-commit gives it), each directory on it is checked against `exclude` as a recursive search
    would, and the file against `include` and `exclude`."""
    parts = [p for p in os.path.normpath(path).replace(os.sep, "/").split("/") if p not in ("", ".", "..")]
    if any(_matches("/".join(parts[:i]), exclude) for i in range(1, len(parts))):
        return True
    relative = "/".join(parts)
    return not _included(relative, include) or _matches(relative, exclude)


def _walk(root: str, include, exclude, skip_real, gitignore: bool = True) -> Iterator[Source]:
    """The files under `root`, like os.walk top-down with sorted names (a directory's files, then
    each subdirectory in turn; symbolic links to directories not followed), but with a stack of
    its own: a tree of any depth, no recursion limit. FIFOs, sockets and devices are yielded too
    (process_file skips them with a message, without opening them)."""
    from .gitignore import GitIgnore

    ignore = GitIgnore.for_root(root) if gitignore else None
    stack = [(root, "", ignore)]  # (directory, its path relative to root with "/", its .gitignores)
    while stack:
        directory, base, ignore = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:  # unreadable directory: as os.walk, nothing from it
            continue
        subdirs = []
        for entry in entries:
            relative = base + entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if ignore is not None and ignore(entry.path, is_dir):
                continue
            if is_dir:
                if entry.is_symlink() or _matches(relative, exclude):
                    continue
                if not skip_real or os.path.realpath(entry.path) not in skip_real:
                    subdirs.append((entry.path, relative + "/"))
            elif _included(relative, include) and not _matches(relative, exclude):
                yield Source(entry.path, relative, found=True)
        for path, relative in reversed(subdirs):
            stack.append((path, relative, ignore.entering(path) if ignore is not None else None))

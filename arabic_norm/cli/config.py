"""Project configuration: `[tool.arabic-norm]` in `pyproject.toml`, or `.arabic-norm.toml`.

The nearest file wins, searched upward from the common parent of the paths given (as black does;
for stdin the current directory, or the directory of --stdin-filename); the search stops at the
repository root (a directory holding `.git`) or at the file system root. In each directory
`.arabic-norm.toml` is looked at before `pyproject.toml`; a `pyproject.toml` without a
`[tool.arabic-norm]` table does not count and the search goes on. In `.arabic-norm.toml` the keys
may stand at the top level or under `[tool.arabic-norm]`; so may they in a file given with
`--config FILE`, whatever its name.

Keys (all optional):

    steps    = "diacritics --keep shadda tatweel alef"   # chain syntax, or a list of chain parts
    preset   = "search"                                   # instead of steps
    include  = ["*.txt", "*.md"]                          # globs for files found in directories
    exclude  = [".*", "drafts"]                           # globs for files and directories skipped
    errors   = "strict"                                   # or "surrogateescape"
    protect  = ["\\bISBN[- 0-9X]+"]                       # regexes left as they are; false: protect nothing
    markdown = true                                       # protect Markdown code in every file

Unknown keys, unknown steps and unknown presets are errors that name the closest valid name.
Command-line steps and options take precedence over the file.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import NamedTuple

from ..chain import closest, parse_chain
from ..errors import ChainError, ConfigError
from ..pipeline import Pipeline
from ..presets import PRESETS

FILENAMES = (".arabic-norm.toml", "pyproject.toml")
KEYS = ("steps", "preset", "include", "exclude", "errors", "protect", "markdown")
ERRORS_CHOICES = ("strict", "surrogateescape")


class Config(NamedTuple):
    """What a configuration file says. `path` is None when no file was found."""

    path: str | None = None
    steps: str | None = None
    preset: str | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    errors: str | None = None
    protect: tuple[str, ...] | bool | None = None  # patterns, or False: protect nothing
    markdown: bool | None = None

    def pipeline(self) -> Pipeline | None:
        """The pipeline the file asks for, or None when it names neither steps nor a preset."""
        if self.steps is not None:
            return Pipeline.parse(self.steps)
        if self.preset is not None:
            return Pipeline.preset(self.preset)
        return None


def _table(path: str, data: dict, top_level: bool = False) -> dict | None:
    """Our table in a parsed file, or None when the file has none. The top level counts in
    `.arabic-norm.toml`, and with `top_level` (a file named by --config) in any file but a
    pyproject.toml."""
    tool = data.get("tool", {})
    table = tool.get("arabic-norm") if isinstance(tool, dict) else None
    if table is not None:
        return table
    name = os.path.basename(path)
    if name == ".arabic-norm.toml" or (top_level and name != "pyproject.toml"):
        return data
    return None


def _read_toml(path: str) -> dict:
    import tomllib  # only when there is a file to read: keeps start-up lean

    try:
        with open(path, "rb") as f:
            data = f.read()
        # A leading UTF-8 BOM (Windows editors write one) is not TOML, but not content either.
        return tomllib.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 (byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None


def find_config(start: str | None = None) -> str | None:
    """The nearest configuration file from `start` (default: the current directory) upward.
    (Paths are strings: pathlib would add its imports to every start of the command.)"""
    directory = os.path.realpath(start or os.getcwd())
    while True:
        for name in FILENAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                if name == "pyproject.toml" and _table(candidate, _read_toml(candidate)) is None:
                    continue
                return candidate
        parent = os.path.dirname(directory)
        if os.path.exists(os.path.join(directory, ".git")) or parent == directory:
            return None
        directory = parent


def _globs(path: str, key: str, value, what: str = "glob patterns") -> tuple[str, ...]:
    """The globs of `include` or `exclude`. `exclude = []` means exclude nothing; `include = []`
    would take no file from any directory, so it is refused rather than silently doing nothing."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key!r} must be a list of {what}")
    if key == "include" and not value:
        raise ConfigError(f"{path}: 'include' is empty: no file would be taken from directories; remove the key")
    return tuple(value)


def parse_config(path: str, table: dict) -> Config:
    """Check a `[tool.arabic-norm]` table and turn it into a `Config` (the keys in this order: the
    first error found is the one reported)."""
    where = f"{path}: [tool.arabic-norm]" if os.path.basename(path) == "pyproject.toml" else path
    for key in table:
        if key not in KEYS:
            hint = closest(key, KEYS) or f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")
    steps = _steps(where, table.get("steps"))
    preset = _preset(where, table.get("preset"), steps)
    protect = _protect(path, where, table.get("protect"))
    markdown = table.get("markdown")
    if markdown is not None and not isinstance(markdown, bool):
        raise ConfigError(f"{where}: 'markdown' must be true or false")
    errors = table.get("errors")
    if errors is not None and errors not in ERRORS_CHOICES:
        raise ConfigError(
            f"{where}: 'errors' must be one of {', '.join(ERRORS_CHOICES)}{closest(str(errors), ERRORS_CHOICES)}"
        )
    return Config(
        path=path,
        steps=steps,
        preset=preset,
        include=_globs(path, "include", table["include"]) if "include" in table else None,
        exclude=_globs(path, "exclude", table["exclude"]) if "exclude" in table else None,
        errors=errors,
        protect=protect,
        markdown=markdown,
    )


def _steps(where: str, steps) -> str | None:
    """`steps`: a chain (a string, or a list of strings joined by spaces) that parses."""
    if steps is None:
        return None
    if isinstance(steps, list) and all(isinstance(s, str) for s in steps):
        steps = " ".join(steps)
    if not isinstance(steps, str):
        raise ConfigError(f"{where}: 'steps' must be a string in chain syntax or a list of strings")
    if not steps.strip():  # would silently run nothing: say so
        raise ConfigError(f"{where}: 'steps' is empty: name at least one step, or remove the key")
    try:
        parse_chain(shlex.split(steps))
    except (ChainError, ValueError) as e:
        raise ConfigError(f"{where}: steps: {e}") from None
    return steps


def _preset(where: str, preset, steps: str | None) -> str | None:
    """`preset`: a known preset's name, and no `steps` beside it."""
    if preset is None:
        return None
    if not isinstance(preset, str):
        raise ConfigError(f"{where}: 'preset' must be a string")
    if preset not in PRESETS:
        raise ConfigError(f"{where}: unknown preset {preset!r}{closest(preset, PRESETS)}")
    if steps is not None:
        raise ConfigError(f"{where}: give either 'steps' or 'preset', not both")
    return preset


def _protect(path: str, where: str, protect):
    """`protect`: false (protect nothing), or regular expressions to leave as they are."""
    if protect is None or protect is False:
        return protect
    protect = _globs(path, "protect", protect, "regular expressions")
    for pattern in protect:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ConfigError(f"{where}: protect: {pattern!r} is not a regular expression: {e}") from None
    return protect


def load_config(path: str | os.PathLike | None = None, start: str | None = None) -> Config:
    """Load `path` (a file named by --config), or when `path` is None the nearest configuration
    file from `start` (default: the current directory) upward; an empty Config if there is none."""
    named = path is not None
    if path is None:
        found = find_config(start)
        if found is None:
            return Config()
        path = found
    path = os.fspath(path)
    table = _table(path, _read_toml(path), top_level=named)
    if table is None:
        raise ConfigError(f"{path}: no [tool.arabic-norm] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.arabic-norm] must be a table")
    return parse_config(path, table)


def search_start(paths: list[str], stdin_filename: str | None = None) -> str:
    """Where the configuration search starts: the common parent of the paths given (a file
    counts as its directory), as black does; for stdin alone the directory of --stdin-filename,
    else the current directory."""
    dirs = []
    for p in paths:
        if p == "-":
            dirs.append(os.path.dirname(os.path.abspath(stdin_filename)) if stdin_filename else os.getcwd())
        else:
            dirs.append(os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)))
    if not dirs:
        return os.getcwd()
    try:
        return os.path.commonpath(dirs)
    except ValueError:  # paths on different drives (Windows)
        return os.getcwd()

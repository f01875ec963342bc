"""`.gitignore` files, read the way git reads them, for the directory walk (cli/discover.py).

    >>> import os, tempfile
    >>> corpus = tempfile.mkdtemp()                      # in no repository: its own .gitignore only
    >>> with open(os.path.join(corpus, ".gitignore"), "w") as f:
    ...     _ = f.write("build/\\n")
    >>> ignored = GitIgnore.for_root(corpus)             # .gitignore files from the repository top
    >>> ignored = ignored.entering(os.path.join(corpus, "sub"))  # ... and one more for each directory entered
    >>> ignored(os.path.join(corpus, "sub", "build"), is_dir=True), ignored(os.path.join(corpus, "build"), is_dir=False)
    (True, False)

The common syntax (gitignore(5)): blank lines and `#` comments; `!` re-includes; a trailing `/`
matches directories only; a pattern with a `/` at its start or in its middle is anchored to the
directory of its `.gitignore`, one without matches a name at any depth; `*`, `?`, `[...]` within a
name, `**` across directories (`**/x`, `x/**`, `a/**/b`); `\\` escapes. The last pattern that
matches decides, and a deeper `.gitignore` comes after the ones above it. As in git, a file inside
an ignored directory cannot be re-included (the walk does not enter that directory).

Implemented here rather than asking `git check-ignore`: the walk then needs no git program and no
repository (a corpus copied out of one keeps its `.gitignore`), costs no process per run, and gives
the same answer in CI. Not read: `.git/info/exclude` and the user's global excludes file (they
belong to one person's clone, not to the data).
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple


class Pattern(NamedTuple):
    regex: re.Pattern
    negated: bool
    dir_only: bool
    anchored: bool  # matched against the path relative to the .gitignore's directory


def _translate(glob: str) -> str:
    """The regular expression of a gitignore glob (no leading `!`, no trailing `/`)."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i) and (i == 0 or glob[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i) and (i == 0 or glob[i - 1] == "/") and i + 2 == len(glob):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[":
            j = glob.find("]", i + 2)
            if j < 0:
                out.append(re.escape("["))
                i += 1
                continue
            body = glob[i + 1 : j]
            if body[0] in "!^":
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def parse(text: str) -> list[Pattern]:
    """The patterns of one .gitignore file, in order."""
    patterns = []
    for line in text.splitlines():
        line = line.removeprefix("\ufeff")
        if not line or line.startswith("#"):
            continue
        stripped = line.rstrip(" ")  # trailing spaces go, unless escaped
        if stripped.endswith("\\") and len(stripped) < len(line):
            stripped += " "
        line = stripped
        negated = line.startswith("!")
        if negated or line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        try:
            regex = re.compile(_translate(line), re.DOTALL)
        except re.error:  # a pattern git would not match either
            continue
        patterns.append(Pattern(regex, negated, dir_only, anchored))
    return patterns


def _read(directory: str) -> list[Pattern]:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="surrogateescape") as f:
            return parse(f.read())
    except OSError:  # none, or unreadable: nothing ignored by it
        return []


def repository_top(directory: str) -> str | None:
    """The nearest directory at or above `directory` that holds `.git`, or None."""
    current = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class GitIgnore:
    """The .gitignore files that apply in one directory: (their directory, their patterns)."""

    def __init__(self, files: tuple[tuple[str, list[Pattern]], ...] = ()):
        self.files = files

    @classmethod
    def for_root(cls, root: str) -> GitIgnore:
        """The .gitignore files of `root` and of its parents up to the repository top (only `root`'s
        own when it is in no repository)."""
        root = os.path.abspath(root)
        top = repository_top(root) or root
        chain = [root]
        while chain[-1] != top:
            chain.append(os.path.dirname(chain[-1]))
        ignore = cls()
        for directory in reversed(chain):
            ignore = ignore.entering(directory)
        return ignore

    def entering(self, directory: str) -> GitIgnore:
        """These files and the `.gitignore` of `directory` (itself when it has none)."""
        patterns = _read(directory)
        if not patterns:
            return self
        return GitIgnore((*self.files, (os.path.abspath(directory), patterns)))

    def __call__(self, path: str, is_dir: bool) -> bool:
        """Whether `path` is ignored (the last matching pattern decides)."""
        path = os.path.abspath(path)
        ignored = False
        for base, patterns in self.files:
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if relative.startswith("../"):
                continue
            name = relative.rpartition("/")[2]
            for p in patterns:
                if p.dir_only and not is_dir:
                    continue
                if p.regex.fullmatch(relative if p.anchored else name):
                    ignored = not p.negated
        return ignored

"""--diff: a unified diff of what would change, in one pass and bounded memory, for any size.

Normalization never joins or splits lines, so line i of the output is line i of the input: the
(before, after) block pairs are compared line by line, and hunks with 3 lines of context come out
of one pass that keeps only a few lines of context (`Hunks`). A block whose output has another
number of lines than its input (no step does that today) is diffed on its own with difflib, which
is still a correct diff: the blocks of input and output correspond one to one, in order.

Written to a pipe or a file the diff is plain and exact (`patch -p1` and `git apply` take it).
Shown to a person (a terminal, or FORCE_COLOR) it is coloured, with the changed characters
highlighted and the invisible ones named: `<U+200F RLM>`. NO_COLOR turns colour off.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections import deque
from typing import BinaryIO

CONTEXT = 3
# A run of changed lines longer than this is written out before the run ends (memory stays flat);
# a hunk's lines are kept in memory up to HUNK_IN_MEMORY bytes, then in a temporary file.
RUN_BYTES = 1 << 20
HUNK_IN_MEMORY = 8 << 20


def wants_colour(out) -> bool:
    """Colour for a person: NO_COLOR never, FORCE_COLOR always, otherwise only on a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def write_diff(pairs, name: str, out: BinaryIO, errors: str = "strict", colour: bool | None = None) -> bool:
    """Write a unified diff (`--- a/NAME`, `+++ b/NAME`, git style) of what changes in the
    (before, after) block pairs of one input; returns whether anything changed.

    Lines end at LF, as diff and patch see them (a CR stays part of its line); the bytes are
    written as they are (`errors` only matters for the colours, which decode the text).
    """
    if colour is None:
        colour = wants_colour(out)
    hunks = Hunks(_ColourWriter(out, errors) if colour else out, header(name))
    carry_before = carry_after = b""
    for before, after in pairs:
        if before == after and not carry_before and not carry_after:
            cut = before.rfind(b"\n") + 1
            hunks.equal_lines(before[:cut])
            carry_before = carry_after = before[cut:]
            continue
        before, after = carry_before + before, carry_after + after
        cut_before, cut_after = before.rfind(b"\n") + 1, after.rfind(b"\n") + 1
        _compare(hunks, before[:cut_before], after[:cut_after])
        carry_before, carry_after = before[cut_before:], after[cut_after:]
    _compare(hunks, carry_before, carry_after)  # the last line, without a newline
    return hunks.finish()


def _lines(body: bytes) -> list[bytes]:
    """`body` as lines, each with its LF (the last one without, if `body` does not end in LF)."""
    lines = body.split(b"\n")
    last = lines.pop()
    lines = [line + b"\n" for line in lines]
    if last:
        lines.append(last)
    return lines


def _compare(hunks: Hunks, before: bytes, after: bytes) -> None:
    """Feed the lines of one stretch of input and its output to `hunks`."""
    if before == after:
        hunks.equal_lines(before)
        return
    old, new = _lines(before), _lines(after)
    if len(old) == len(new):  # line i of the output is line i of the input
        for a, b in zip(old, new, strict=True):
            if a == b:
                hunks.equal(a)
            else:
                hunks.change([a], [b])
        return
    from difflib import SequenceMatcher

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            for line in old[i1:i2]:
                hunks.equal(line)
        else:
            hunks.change(old[i1:i2], new[j1:j2])


# --- the header ---------------------------------------------------------------------------------
_ESCAPES = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f", 13: b"\\r", 34: b'\\"', 92: b"\\\\"}


def quote_path(path: bytes) -> bytes:
    """A path as git writes it in a diff header: as it is, or in double quotes with C escapes
    when it holds a control character, a double quote or a backslash.

    >>> quote_path(b"a/notes.txt"), quote_path(b'a/x\\n"y"')
    (b'a/notes.txt', b'"a/x\\\\n\\\\"y\\\\""')
    """
    if not any(c < 32 or c == 127 or c in (34, 92) for c in path):
        return path
    quoted = b"".join(_ESCAPES.get(c) or (b"\\%03o" % c if c < 32 or c == 127 else bytes((c,))) for c in path)
    return b'"' + quoted + b'"'


def header(name: str) -> bytes:
    """The `---`/`+++` lines; like git, a TAB ends a name with a space so that patch reads it whole."""
    raw = name.encode("utf-8", "surrogateescape")
    lines = []
    for mark, side in ((b"---", b"a/"), (b"+++", b"b/")):
        path = quote_path(side + raw)
        tab = b"\t" if b" " in path and not path.startswith(b'"') else b""
        lines.append(mark + b" " + path + tab + b"\n")
    return b"".join(lines)


def _range(start: int, length: int) -> str:
    """`start,length` of a hunk (start 0-based here; an empty range names the line before it)."""
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _line(mark: bytes, line: bytes) -> bytes:
    if line.endswith(b"\n"):
        return mark + line
    return mark + line + b"\n\\ No newline at end of file\n"


# --- hunks in one pass --------------------------------------------------------------------------
class Hunks:
    """Unified-diff hunks from a stream of equal and changed lines, with `context` lines around
    each change; changes closer than 2 * context lines share a hunk (as difflib groups them).

    Kept in memory: the last `context` equal lines (`before`), the equal lines since the last
    change in the open hunk (`gap`, at most 2 * context + 1), the run of changed lines not yet
    written (up to RUN_BYTES) and the open hunk (spilling to a temporary file past HUNK_IN_MEMORY).
    """

    def __init__(self, out, head: bytes, context: int = CONTEXT):
        self.out, self.head, self.context = out, head, context
        self.old_at = self.new_at = 0  # lines of input and output seen so far
        self.before: deque[bytes] = deque(maxlen=context)
        self.gap: list[bytes] = []
        self.run_old: list[bytes] = []
        self.run_new: list[bytes] = []
        self.run_bytes = 0
        self.hunk = None  # the open hunk's lines (a SpooledTemporaryFile)
        self.changed = False

    def equal(self, line: bytes) -> None:
        self._end_run()
        self.old_at += 1
        self.new_at += 1
        if self.hunk is None:
            self.before.append(line)
            return
        self.gap.append(line)
        if len(self.gap) > 2 * self.context:
            self._close()

    def equal_lines(self, body: bytes) -> None:
        """Equal whole lines in bulk: only the first lines (to end an open hunk) and the last
        `context` lines (to begin the next) are split out; the rest is only counted."""
        n = body.count(b"\n")
        keep = 3 * self.context + 1
        if n <= keep:
            for line in _lines(body):
                self.equal(line)
            return
        head = body.split(b"\n", 2 * self.context + 1)
        for line in head[:-1]:
            self.equal(line + b"\n")  # ends the open hunk, if any
        tail = head[-1].rsplit(b"\n", self.context + 1)[1:-1]
        skipped = n - (2 * self.context + 1) - len(tail)
        self.old_at += skipped
        self.new_at += skipped
        self.before.clear()
        for line in tail:
            self.equal(line + b"\n")

    def change(self, old: list[bytes], new: list[bytes]) -> None:
        if self.hunk is None:
            self.hunk = tempfile.SpooledTemporaryFile(max_size=HUNK_IN_MEMORY)  # noqa: SIM115 (closed in _close)
            self.hunk_old = self.old_at - len(self.before)
            self.hunk_new = self.new_at - len(self.before)
            self._write(b" ", self.before)
            self.before.clear()
        elif self.gap:
            self._write(b" ", self.gap)
            self.gap = []
        self.run_old += old
        self.run_new += new
        self.run_bytes += sum(map(len, old)) + sum(map(len, new))
        self.old_at += len(old)
        self.new_at += len(new)
        if self.run_bytes > RUN_BYTES:
            self._end_run()

    def finish(self) -> bool:
        self._end_run()
        if self.hunk is not None:
            self._close()
        if self.changed:
            self.out.flush()
        return self.changed

    def _write(self, mark: bytes, lines) -> None:
        self.hunk.write(b"".join(_line(mark, line) for line in lines))

    def _end_run(self) -> None:
        if self.run_old or self.run_new:
            self._write(b"-", self.run_old)
            self._write(b"+", self.run_new)
            self.run_old, self.run_new, self.run_bytes = [], [], 0

    def _close(self) -> None:
        """Write the open hunk with up to `context` lines of the gap after it; the last of the
        gap's lines are the context before the next hunk."""
        trailing, rest = self.gap[: self.context], self.gap[self.context :]
        self._write(b" ", trailing)
        old_len = self.old_at - len(rest) - self.hunk_old
        new_len = self.new_at - len(rest) - self.hunk_new
        if not self.changed:
            self.out.write(self.head)
            self.changed = True
        self.out.write(f"@@ -{_range(self.hunk_old, old_len)} +{_range(self.hunk_new, new_len)} @@\n".encode())
        self.hunk.seek(0)
        while chunk := self.hunk.read(1 << 20):
            self.out.write(chunk)
        self.hunk.close()
        self.hunk, self.gap = None, []
        self.before.clear()
        self.before.extend(rest)


# --- colours, for a person ----------------------------------------------------------------------
# Short names of the invisible characters a normalizer adds or removes; others by Unicode name.
SHORT_NAMES = {
    0x0009: "TAB",
    0x000D: "CR",
    0x00A0: "NBSP",
    0x00AD: "SHY",
    0x061C: "ALM",
    0x180E: "MVS",
    0x200B: "ZWSP",
    0x200C: "ZWNJ",
    0x200D: "ZWJ",
    0x200E: "LRM",
    0x200F: "RLM",
    0x2028: "LSEP",
    0x2029: "PSEP",
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x202F: "NNBSP",
    0x2060: "WJ",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
    0xFEFF: "BOM",
}
BOLD, CYAN, RED, GREEN, DIM, REVERSE, RESET = (f"\x1b[{n}m" for n in (1, 36, 31, 32, 2, 7, 0))


def shown(char: str) -> str:
    """A character as a person should see it in a changed line: invisible ones by name.

    >>> shown("\\u200f"), shown("\\u00a0"), shown("ب")
    ('<U+200F RLM>', '<U+00A0 NBSP>', 'ب')
    """
    cp = ord(char)
    if char == " " or char == "\n":
        return char
    if cp in SHORT_NAMES or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
        name = SHORT_NAMES.get(cp) or unicodedata.name(char, "")
        return f"<U+{cp:04X} {name}>" if name else f"<U+{cp:04X}>"
    return char


class _ColourWriter:
    """Takes the plain diff as `Hunks` writes it and writes it coloured: the header bold, hunk
    ranges cyan, removed lines red and added lines green, the characters that differ between
    a removed line and the added line paired with it in reverse video."""

    PAIRED_LINES = 1000  # longer runs of changes are coloured without pairing lines

    def __init__(self, out: BinaryIO, errors: str):
        self.out, self.errors = out, errors
        self.pending = b""
        self.header_lines = 2  # the first lines written are the `---`/`+++` header
        self.removed: list[str] = []
        self.added: list[str] = []

    def write(self, data: bytes) -> None:
        data = self.pending + data
        cut = data.rfind(b"\n") + 1
        self.pending = data[cut:]
        for line in data[:cut].decode("utf-8", self.errors).split("\n")[:-1]:
            self._line(line)

    def flush(self) -> None:
        self._flush_run()
        self.out.flush()

    def _emit(self, text: str) -> None:
        self.out.write(text.encode("utf-8", "surrogateescape"))

    def _line(self, line: str) -> None:
        mark = line[:1]
        if self.header_lines:
            self.header_lines -= 1
            self._emit(f"{BOLD}{line}{RESET}\n")
            return
        if mark in ("-", "+"):
            if mark == "-" and self.added:
                self._flush_run()
            (self.removed if mark == "-" else self.added).append(line[1:])
            if len(self.removed) + len(self.added) > self.PAIRED_LINES:
                self._flush_run()
            return
        self._flush_run()
        if line.startswith("@@"):
            self._emit(f"{CYAN}{line}{RESET}\n")
        elif line.startswith("\\"):
            self._emit(f"{DIM}{line}{RESET}\n")
        else:
            self._emit(line + "\n")

    def _flush_run(self) -> None:
        removed, added = self.removed, self.added
        self.removed, self.added = [], []
        if len(removed) == len(added):
            pairs = [_highlight(a, b) for a, b in zip(removed, added, strict=True)]
            old, new = [p[0] for p in pairs], [p[1] for p in pairs]
        else:
            old = ["".join(map(shown, a)) for a in removed]
            new = ["".join(map(shown, b)) for b in added]
        for text in old:
            self._emit(f"{RED}-{text}{RESET}\n")
        for text in new:
            self._emit(f"{GREEN}+{text}{RESET}\n")


def _highlight(a: str, b: str) -> tuple[str, str]:
    """Lines `a` and `b` with the characters that differ in reverse video, invisible ones named."""
    from difflib import SequenceMatcher

    old, new = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = "".join(map(shown, a[i1:i2])), "".join(map(shown, b[j1:j2]))
        if tag == "equal":
            old.append(left)
            new.append(right)
            continue
        if left:
            old.append(f"{REVERSE}{left}\x1b[27m")
        if right:
            new.append(f"{REVERSE}{right}\x1b[27m")
    return "".join(old), "".join(new)

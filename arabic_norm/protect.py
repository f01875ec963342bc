"""Protected spans: bytes the pipeline leaves exactly as they are.

    >>> from arabic_norm import Pipeline
    >>> Pipeline.parse("alef")("إلى https://ar.wikipedia.org/wiki/أحمد_شوقي")
    'الى https://ar.wikipedia.org/wiki/أحمد_شوقي'

What `Protect` protects (each can be switched off; `Pipeline(..., protect=None)` protects nothing):
- `urls`: URLs (`scheme://...`, `www....`) and e-mail addresses, in any text. A URL ends at
  whitespace, at an invisible format character, at a quote or angle bracket, and before closing
  punctuation that ends it (`.,:;!?` and their Arabic forms, a `)` or `]` it did not open).
- `markdown`: fenced code (``` or ~~~, the fence lines with their info string included) and inline
  code (a run of backticks to the next run of the same length on the same line). A fence counts at
  any indentation (CommonMark allows three spaces): normalizing blanks must not make or unmake one.
- `markers`: everything from the line of an `arabic-norm: off` marker to the line of the next
  `arabic-norm: on`, both included; a marker counts after `<!--`, `#` or `//`.
- `patterns`: the matches of the user's regular expressions, within one line.

The text around a protected span is normalized as if the span were one visible character that no
step touches (a private-use sentinel, swapped in and out): `"https://x"` still has a closing quote,
the blanks before a URL are not end-of-line blanks.

Fences and off regions span lines, hence blocks: `scan` is a small state machine over lines, and
`State` is what it carries from the end of one block to the start of the next. `whole_lines`
(splice.py) regroups blocks so that none ends inside a line (inline code, markers and user patterns may hold
spaces, where a block may otherwise be cut). A worker process given a block in the middle of an
input cannot know the state there without the text before it. Rather than scanning every input
first, the parallel paths ask `stateless(block)`: a block with no marker, no backtick or tilde
(Markdown) and no user pattern cannot open a region nor hold a span that crosses a cut, and
normalizes alone exactly as in sequence. From the first block that is not stateless the rest of
the input goes through `Pipeline.block_pairs` in one process (for a regular file the check is one
`find` per trigger over the whole file, at memory speed, before workers are chosen). Markers and
Markdown are rare in corpora, so the workers keep their speed where it matters.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import NamedTuple

from .engine.kernel import contains_any, find
from .errors import UndecodableInput
from .splice import apply, merge
from .steps.base import lazy_pattern
from .steps.record import field, record, replace

SENTINEL = "\ue000"  # stands for a protected span while the text around it is normalized
MARKDOWN_SUFFIXES = (".md", ".markdown")
STATELESS_WINDOW = 1 << 20  # file_stateless reads the file in windows of this size

_URL = lazy_pattern(rb"(?<![A-Za-z0-9+.\-])(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[^\s<>\"`]+")
_EMAIL = lazy_pattern(rb"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL_STOPS = frozenset("«»“”„‟‹›「」＂<>")  # never inside a URL (the ASCII ones are left out by _URL)
_URL_TRAILING = frozenset(".,:;!?'*،؛؟…")  # punctuation that ends a sentence, not a URL
_CLOSERS = {")": "(", "]": "["}
_INLINE_CODE = lazy_pattern(rb"(?<!`)(`+)(?!`)[^\r\n]*?(?<!`)\1(?!`)")
_FENCE = lazy_pattern(rb"[ \t]*(`{3,}|~{3,})([^\r\n]*)")
_MARKER = lazy_pattern(rb"(?:<!--|#|//)[ \t]*arabic-norm:[ \t]*(off|on)\b")
_EVENTS = lazy_pattern(rb"^[ \t]*(?:`{3,}|~{3,})|arabic-norm:", re.MULTILINE)


class State(NamedTuple):
    """Where the scanner is at a block edge: `mode` "text", "off" (inside an off region) or
    "fence" (inside fenced code opened by `fence`); `midline` when the block before ended inside a
    line (a fence counts only at the start of a line)."""

    mode: str = "text"
    fence: bytes = b""
    midline: bool = False


START = State()


@record
class Protect:
    """What to protect (see the module docstring). `patterns` are regular expressions (str)."""

    urls: bool = True
    markers: bool = True
    markdown: bool = False
    patterns: tuple[str, ...] = field(default=())

    def __post_init__(self):
        object.__setattr__(self, "patterns", tuple(self.patterns))
        for p in self.patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"protect pattern {p!r}: {e}") from None

    def for_file(self, name: str) -> Protect:
        """This protection, with Markdown on when `name` is a Markdown file."""
        markdown = name.lower().removesuffix(".gz").endswith(MARKDOWN_SUFFIXES)
        return replace(self, markdown=True) if markdown and not self.markdown else self

    @cached_property
    def _compiled(self) -> list[re.Pattern]:
        return [re.compile(p) for p in self.patterns]

    @cached_property
    def _triggers(self) -> tuple[bytes, ...]:
        """Bytes without which a block starting in text mode holds nothing to protect."""
        return (b"://", b"www.", b"@") * self.urls + (b"arabic-norm:",) * self.markers + (b"`", b"~~~") * self.markdown

    @cached_property
    def _text_triggers(self) -> re.Pattern | None:
        """`_triggers` as one expression over str (one search in C; None: there are none)."""
        return re.compile("|".join(re.escape(t.decode()) for t in self._triggers)) if self._triggers else None

    def may_protect(self, text: str) -> bool:
        """Whether the document `text` may hold a protected span (else it is normalized whole)."""
        if self.patterns:
            return True
        return self._text_triggers is not None and self._text_triggers.search(text) is not None

    def stateless(self, data) -> bool:
        """Whether `data` (bytes), as a block in the middle of an input, may be normalized alone:
        it can open no region and hold no span that a cut before a space could split."""
        return not self.patterns and not contains_any(data, self._stateful_triggers)

    @property
    def _stateful_triggers(self) -> tuple[bytes, ...]:
        return (b"arabic-norm:",) * self.markers + (b"`", b"~~~") * self.markdown

    def file_stateless(self, path: str) -> bool:
        """`stateless` for the whole file at `path` (workers may take any of its blocks), read in
        windows that overlap by a trigger's length less one, so that a trigger across two windows
        is whole in the second: constant memory (an mmap of the file put all of it in the
        process's RSS, 400 MiB for -j 2 on a 400 MB file)."""
        if self.patterns:
            return False
        overlap = max(map(len, self._stateful_triggers), default=1) - 1
        with open(path, "rb", buffering=0) as f:
            at = 0
            while window := os.pread(f.fileno(), STATELESS_WINDOW, at):
                if not self.stateless(window):
                    return False
                if len(window) < STATELESS_WINDOW:
                    return True
                at += len(window) - overlap
        return True

    # --- scanning --------------------------------------------------------------------------------
    def scan(self, data: bytes, state: State = START) -> tuple[list[tuple[int, int]], State]:
        """Protected byte ranges of `data` (sorted, merged) and the state at its end."""
        end_state = state._replace(midline=data[-1:] not in (b"\n", b"\r") if data else state.midline)
        if state.mode == "text" and not self.patterns and not contains_any(data, self._triggers):
            return [], end_state
        spans, mode, fence = [], state.mode, state.fence
        if mode != "text" or contains_any(data, (b"arabic-norm:",) * self.markers + (b"```", b"~~~") * self.markdown):
            spans, (mode, fence) = self._regions(data, state)
        if self.urls:
            spans += _urls(data) + _emails(data)
        if self.markdown and b"`" in data:
            spans += [m.span() for m in _INLINE_CODE.finditer(data)]
        if self.patterns:
            spans += _pattern_spans(data, self._compiled)
        return merge(spans), end_state._replace(mode=mode, fence=fence)

    def _regions(self, data: bytes, state: State) -> tuple[list[tuple[int, int]], tuple[str, bytes]]:
        """Off regions and fenced code: the lines that hold a marker or a fence are the only ones
        that change the state, so only those are looked at."""
        mode, fence = state.mode, state.fence
        spans, opened, seen_line = [], 0, -1
        for event in _EVENTS.finditer(data):
            start = _line_start(data, event.start())
            if start == seen_line:
                continue
            seen_line, end = start, _line_end(data, event.start())
            line = data[start:end]
            at_line_start = start > 0 or not state.midline
            if mode == "text":
                if self.markers and _marker(line) == b"off":
                    mode, opened = "off", start
                elif self.markdown and at_line_start and (run := _fence_open(line)):
                    mode, fence, opened = "fence", run, start
            elif mode == "off" and self.markers and _marker(line) == b"on":
                spans.append((opened, end))
                mode = "text"
            elif mode == "fence" and at_line_start and _fence_closes(line, fence):
                spans.append((opened, end))
                mode, fence = "text", b""
        if mode != "text":
            spans.append((opened, len(data)))  # the region goes on in the next block
        return spans, (mode, fence)

    # --- applying --------------------------------------------------------------------------------
    def run_block(self, data: bytes, state: State, run: Callable[[bytes, int], bytes]) -> tuple[bytes, State]:
        """Normalize `data` with `run(piece, offset of piece in data)` outside its protected spans.
        Returns `data` itself when nothing changes, and the state at its end."""
        spans, end_state = self.scan(data, state)
        if not spans:
            return run(data, 0), end_state
        try:
            return apply(data, spans, run, SENTINEL.encode()), end_state
        except UndecodableInput:
            run(data, 0)  # raises with the line and offset in `data` (the sentinels moved them)
            raise

    def run_text(self, text: str, run: Callable[[str], str]) -> str:
        """Normalize the whole document `text` with `run` outside its protected spans."""
        if not self.may_protect(text):
            return run(text)
        data = text.encode("utf-8", "surrogatepass")
        spans, _ = self.scan(data)
        if not spans:
            return run(text)
        pieces, prev = [], 0  # byte offsets -> str offsets
        for a, b in spans:
            pieces += [data[prev:a], data[a:b]]
            prev = b
        offsets, at = [], 0
        for piece in pieces:
            at += len(piece.decode("utf-8", "surrogatepass"))
            offsets.append(at)
        char_spans = list(zip(offsets[::2], offsets[1::2], strict=True))
        return apply(text, char_spans, lambda piece, _: run(piece), SENTINEL)


# --- the pieces of the scanner -------------------------------------------------------------------
# The regular expressions start where a `find` of their fixed part (`://`, `www.`, `@`) points:
# run over a whole block, they would try every position (several times slower on Arabic text).
_SCHEME_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-"
_LOCAL_CHARS = _SCHEME_CHARS + b"_%"
_LOOK_BACK = 64  # bytes before a needle searched at once for the start of its run of `chars`


def _run_start(data: bytes, at: int, chars: bytes) -> int:
    """Where the run of `chars` that ends at `at` starts (`at` when there is none)."""
    while True:
        window = data[max(0, at - _LOOK_BACK) : at]
        kept = len(window.rstrip(chars)) if chars else len(window)  # (rstrip: in C)
        at -= len(window) - kept
        if kept or at == 0:
            return at


def _found(data: bytes, needle: bytes, chars: bytes, pattern: re.Pattern) -> Iterator[re.Match]:
    """Matches of `pattern` starting at the run of `chars` that ends at each `needle`."""
    at = find(data, needle)
    while at >= 0:
        start = _run_start(data, at, chars)
        m = pattern.match(data, start)
        if m and m.end() > at:
            yield m
        at = find(data, needle, m.end() if m and m.end() > at else at + 1)


def _urls(data: bytes) -> list[tuple[int, int]]:
    spans = []
    for m in (*_found(data, b"://", _SCHEME_CHARS, _URL), *_found(data, b"www.", b"", _URL)):
        end = _url_end(m.group())
        if end is not None:
            spans.append((m.start(), m.start() + end))
    return spans


def _emails(data: bytes) -> list[tuple[int, int]]:
    return [m.span() for m in _found(data, b"@", _LOCAL_CHARS, _EMAIL)]


# Stops that `_URL` lets into a match and that are printable: every other stop (a Unicode blank,
# a format character) is not printable, which `str.isprintable` tells in one pass of C.
_PRINTABLE_STOP = lazy_pattern("[" + re.escape("".join(sorted(_URL_STOPS))) + "]")


def _url_end(found: bytes) -> int | None:
    """The length in bytes of the URL at the start of `found` (a match of `_URL`), or None when
    what is left is not one (neither a dot nor `://` in it)."""
    text = found.decode("utf-8", "surrogateescape")
    if text.isprintable():  # (nearly every URL: no blank, control or format character in it)
        stop = _PRINTABLE_STOP.search(text)
        cut = _trimmed(text[: stop.start()] if stop else text)
    else:
        cut = _url_text(text)
    if "." not in cut and "://" not in cut:
        return None
    return len(found) if cut is text else len(cut.encode("utf-8", "surrogateescape"))


def _url_text(text: str) -> str:
    """The URL at the start of `text` (a run without ASCII blanks or quotes), character by
    character: `_url_end` comes here only for text with a character that is not printable."""
    for i, c in enumerate(text):
        if c in _URL_STOPS or c.isspace() or unicodedata.category(c) == "Cf":
            text = text[:i]
            break
    return _trimmed(text)


def _trimmed(text: str) -> str:
    """`text` without the punctuation that ends a sentence after a URL, and without closing
    brackets it did not open (`text` itself when there are none)."""
    while text:
        last = text[-1]
        if last in _URL_TRAILING or (last in _CLOSERS and text.count(_CLOSERS[last]) < text.count(last)):
            text = text[:-1]
        else:
            break
    return text


def _pattern_spans(data: bytes, patterns: list[re.Pattern]) -> list[tuple[int, int]]:
    text = data.decode("utf-8", "surrogateescape")
    found = [m.span() for p in patterns for m in p.finditer(text) if "\n" not in m.group() and "\r" not in m.group()]
    if not found:
        return []
    bounds = sorted({i for span in found for i in span})
    to_byte, prev, at = {}, 0, 0
    for i in bounds:
        at += len(text[prev:i].encode("utf-8", "surrogateescape"))
        to_byte[i], prev = at, i
    return [(to_byte[a], to_byte[b]) for a, b in found]


def _line_start(data: bytes, pos: int) -> int:
    return max(data.rfind(b"\n", 0, pos), data.rfind(b"\r", 0, pos)) + 1


def _line_end(data: bytes, pos: int) -> int:
    ends = [i for i in (data.find(b"\n", pos), data.find(b"\r", pos)) if i >= 0]
    if not ends:
        return len(data)
    end = min(ends) + 1
    return end + 1 if data[end - 1 : end + 1] == b"\r\n" else end


def _marker(line: bytes) -> bytes | None:
    m = _MARKER.search(line)
    return m.group(1) if m else None


def _fence_open(line: bytes) -> bytes:
    m = _FENCE.match(line)
    if not m or (m.group(1)[:1] == b"`" and b"`" in m.group(2)):
        return b""
    return m.group(1)


def _fence_closes(line: bytes, fence: bytes) -> bool:
    m = _FENCE.match(line)
    return bool(m and m.group(1)[:1] == fence[:1] and len(m.group(1)) >= len(fence) and not m.group(2).strip())

"""Normalize chosen fields of JSON Lines, touching nothing else.

    >>> from arabic_norm import Pipeline
    >>> p = Pipeline.parse("diacritics")
    >>> normalize_json_line(p, '{"id": 7, "text": "كَتَبَ"}\\n', [("text",)])
    '{"id": 7, "text": "كتب"}\\n'

**What is preserved.** A line whose named fields do not change is written back byte for byte. When
a value does change, only the bytes of that value are replaced: the new value is *spliced* into the
original line at the position where the old one was, so keys, their order, spacing, number
spellings (`1.0`, `1e3`), escapes in other values and duplicate keys all stay exactly as they were.
`json.dumps` of the whole object is never used (it would change spacing, number spellings and, with
the default `ensure_ascii=True`, write every Arabic letter as `\\uXXXX`). The new JSON string is
written in the style of the old one: raw UTF-8 (`ensure_ascii=False`), unless the old value spelled
its non-ASCII characters as `\\u` escapes, in which case the new one does too. Within a changed
value, an optional escape such as `\\/` is written as `/`.

**Fields.** `--field text` names a top-level key; `--field meta.title` a nested one (a key
that contains a dot is written with a backslash: `--field 'a\\.b'`). When a path meets a list,
it applies to every element (`--field pages` normalizes every string of a list of strings;
`--field pages.body` the `body` of every object in a list). Only string values change; numbers,
booleans, null and missing keys are left alone. Blank lines are copied.

Malformed lines: see records.py.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.decoder import scanstring
from typing import BinaryIO

from ..errors import MalformedRecord, StructuredError
from .records import RecordStats, check_on_error


class UnwritableValue(ValueError):
    """A JSON string that would change but cannot be written back as UTF-8 (a lone surrogate)."""


def parse_field_path(name: str) -> tuple[str, ...]:
    r"""`"meta.title"` -> `("meta", "title")`; `"a\.b"` -> `("a.b",)`."""
    if not name:
        raise StructuredError("a field name cannot be empty")
    parts, current, i = [], [], 0
    while i < len(name):
        c = name[i]
        if c == "\\" and i + 1 < len(name) and name[i + 1] in ".\\":
            current.append(name[i + 1])
            i += 2
            continue
        if c == ".":
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    if any(not p for p in parts):
        raise StructuredError(f"invalid field name {name!r}: empty key between dots")
    return tuple(parts)


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_Paths = frozenset  # of tuples of remaining keys; () means "this value itself"


class _Bad(Exception):
    pass


def _ws(s: str, i: int) -> int:
    return _WS.match(s, i).end()


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _encode_like(new: str, old_token: str, old: str) -> str:
    """The JSON spelling of `new`, in the style of the original token `old_token` (value `old`).

    A value holding a lone surrogate escape (`"\\ud83d"`, half an emoji cut off) decodes to a str
    that cannot be written as UTF-8: such a value is refused (ValueError, a malformed line) rather
    than written back without it."""
    if _SURROGATE_ESCAPE.search(old_token) and any("\ud800" <= ch <= "\udfff" for ch in old):
        raise UnwritableValue("a string to normalize holds a lone surrogate escape (half a character)")
    ascii_style = old_token.isascii() and not old.isascii()
    return json.dumps(new, ensure_ascii=ascii_style)


def _walk(s: str, i: int, paths: frozenset, normalize, edits: list) -> int:
    """Scan the JSON value starting at s[i]; record (start, end, replacement) for every string on a
    target path whose normalized form differs. Returns the index after the value.

    Iterative (an explicit stack of open containers): a line nested 100,000 levels deep is scanned
    like any other, with no recursion limit. Scalars are read by the json module (`raw_decode`
    never recurses on them), strings by its `scanstring`."""
    stack: list[tuple[str, object]] = []  # (closing bracket, what applies to the members)
    while True:
        c = s[i : i + 1]
        if c == '"':
            i = _string(s, i, paths, normalize, edits)
        elif c in ("{", "["):
            i, paths, opened = _open(s, i, paths, stack)
            if opened:
                continue  # the first member's value is next
        elif c:
            i = _DECODER.raw_decode(s, i)[1]  # a number, true, false, null (never a container)
        else:
            raise _Bad
        i, paths = _after_value(s, i, stack)
        if paths is None:
            return i


def _open(s: str, i: int, paths: frozenset, stack: list):
    """The container opening at s[i]: empty -> (index after it, paths, False); else pushed on
    `stack` -> (where its first member's value starts, that value's paths, True)."""
    closer = "}" if s[i] == "{" else "]"
    i = _ws(s, i + 1)
    if s[i : i + 1] == closer:
        return i + 1, paths, False
    if closer == "]":
        stack.append(("]", paths))
        return i, paths, True
    wanted: dict[str, set] = {}
    for p in paths:
        if p:
            wanted.setdefault(p[0], set()).add(p[1:])
    stack.append(("}", wanted))
    i, paths = _member(s, i, wanted)
    return i, paths, True


def _string(s: str, i: int, paths: frozenset, normalize, edits: list) -> int:
    """The string at s[i]: an edit if it is on a target path and normalizing changes it."""
    value, end = scanstring(s, i + 1)
    if () in paths:
        new = normalize(value)
        if new != value:
            edits.append((i, end, _encode_like(new, s[i:end], value)))
    return end


def _after_value(s: str, i: int, stack: list) -> tuple[int, frozenset | None]:
    """After a complete value at s[:i]: close the containers it completes, then return where the
    next member's value starts and its paths; (index after the outermost value, None) when that
    value is complete."""
    while stack:
        i = _ws(s, i)
        closer, context = stack[-1]
        c = s[i : i + 1]
        if c == closer:
            stack.pop()
            i += 1
            continue
        if c != ",":
            raise _Bad
        i = _ws(s, i + 1)
        return _member(s, i, context) if closer == "}" else (i, context)
    return i, None


def _member(s: str, i: int, wanted: dict) -> tuple[int, frozenset]:
    """Read `"key":` of an object member at s[i]; return where its value starts and its paths."""
    if s[i : i + 1] != '"':
        raise _Bad
    key, i = scanstring(s, i + 1)
    i = _ws(s, i)
    if s[i : i + 1] != ":":
        raise _Bad
    return _ws(s, i + 1), frozenset(wanted.get(key, ()))


def normalize_json_line(pipeline: Callable[[str], str], line: str, paths: Sequence[tuple[str, ...]]) -> str:
    """Normalize the string values at `paths` in one JSON text (a JSONL line, with or without its
    line ending). Returns `line` itself when nothing changes; raises ValueError if it is not JSON."""
    edits: list[tuple[int, int, str]] = []
    try:
        start = _ws(line, 0)
        end = _walk(line, start, frozenset(paths), pipeline, edits)
        if _ws(line, end) != len(line):
            raise _Bad
    except _Bad:
        try:
            json.loads(line)  # raises the standard, precise message
        except RecursionError:  # nested too deeply for the json module's own message
            raise ValueError("not a JSON text") from None
        raise ValueError("not a JSON text") from None  # pragma: no cover (a scanner bug)
    if not edits:
        return line
    out, pos = [], 0
    for a, b, text in edits:
        out += [line[pos:a], text]
        pos = b
    out.append(line[pos:])
    return "".join(out)


def normalize_jsonl_lines(
    pipeline: Callable[[str], str],
    lines: Iterable[bytes],
    fields: Sequence[str],
    *,
    on_error: str = "fail",
    errors: str = "strict",
    first_line: int = 1,
    stats: RecordStats | None = None,
) -> Iterator[bytes]:
    """Normalize JSONL given as byte lines (each with its line ending); yields output lines."""
    check_on_error(on_error)
    paths = [parse_field_path(f) for f in fields]
    stats = RecordStats() if stats is None else stats
    for number, raw in enumerate(lines, first_line):
        # A leading BOM (Windows exports) is kept as it is, and the line read after it.
        bom = codecs.BOM_UTF8 if number == 1 and raw.startswith(codecs.BOM_UTF8) else b""
        if not raw[len(bom) :].strip():
            yield raw
            continue
        stats.records += 1
        try:
            try:
                text = raw[len(bom) :].decode("utf-8", errors)
            except UnicodeDecodeError as e:
                raise ValueError(f"invalid UTF-8 at byte {e.start} of the line ({e.reason})") from None
            new = normalize_json_line(pipeline, text, paths)
            out = raw if new is text else bom + new.encode("utf-8", errors)
        except ValueError as e:  # UnicodeEncodeError too
            reason = str(e) if isinstance(e, UnwritableValue) else f"not valid JSON: {e}"
            if on_error == "fail":
                raise MalformedRecord(number, reason) from None
            stats.malformed.append((number, reason))
            yield raw
            continue
        if out is not raw:
            stats.changed += 1
        yield out


def normalize_jsonl_block(
    pipeline, block: bytes, fields: Sequence[str], on_error: str = "fail", errors: str = "strict", first_line: int = 1
) -> tuple[bytes, RecordStats]:
    """Normalize a block of whole JSONL lines (for worker processes): (output, stats)."""
    stats = RecordStats()
    out = b"".join(
        normalize_jsonl_lines(
            pipeline, io.BytesIO(block), fields, on_error=on_error, errors=errors, first_line=first_line, stats=stats
        )
    )
    return out, stats


def iter_line_blocks(read: Callable[[int], bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Cut a byte stream into blocks of whole lines ending with `\\n` (the last may lack it).
    Unlike `stream.iter_blocks` this never cuts inside a line: JSON cannot be cut at a space."""
    buf = b""
    while chunk := read(size):
        buf = buf + chunk if buf else chunk
        if len(buf) < size:
            continue
        cut = buf.rfind(b"\n") + 1
        if cut:
            yield buf[:cut]
            buf = buf[cut:]
    if buf:
        yield buf


def normalize_jsonl(
    pipeline, source: BinaryIO, target: BinaryIO, fields: Sequence[str], *, on_error="fail", errors="strict"
) -> RecordStats:
    """Stream JSONL from `source` to `target` (binary files), one line in memory at a time."""
    stats = RecordStats()
    for out in normalize_jsonl_lines(pipeline, source, fields, on_error=on_error, errors=errors, stats=stats):
        target.write(out)
    return stats


def iter_jsonl(
    pipeline,
    read: Callable[[int], bytes],
    fields: Sequence[str],
    *,
    on_error: str = "fail",
    errors: str = "strict",
    block_size: int = 1 << 20,
    stats: RecordStats | None = None,
) -> Iterator[tuple[bytes, bytes]]:
    """(input block, output block) pairs of a JSONL stream, in blocks of whole lines."""
    check_on_error(on_error)
    for f in fields:
        parse_field_path(f)
    stats = RecordStats() if stats is None else stats
    lines = 0
    for block in iter_line_blocks(read, block_size):
        out, block_stats = normalize_jsonl_block(pipeline, block, fields, on_error, errors, lines + 1)
        stats.add(block_stats)
        lines += block.count(b"\n")
        yield block, out

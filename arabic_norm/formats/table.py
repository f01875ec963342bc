"""Normalize chosen fields of JSON Lines and chosen columns of CSV/TSV, touching nothing else.

    >>> from arabic_norm import Pipeline
    >>> p = Pipeline.parse("diacritics")
    >>> normalize_json_line(p, '{"id": 7, "text": "كَتَبَ"}\\n', [("text",)])
    '{"id": 7, "text": "كتب"}\\n'

**What is preserved.** A line (JSONL) or record (CSV) whose named values do not change is written
back byte for byte. When a value does change, only the bytes of that value are replaced: the new
value is *spliced* into the original line at the position where the old one was, so keys, their
order, spacing, number spellings (`1.0`, `1e3`), escapes in other values and duplicate keys all
stay exactly as they were. `json.dumps` of the whole object is never used (it would change spacing,
number spellings and, with the default `ensure_ascii=True`, write every Arabic letter as `\\uXXXX`).
The new JSON string is written in the style of the old one: raw UTF-8 (`ensure_ascii=False`),
unless the old value spelled its non-ASCII characters as `\\u` escapes, in which case the new one
does too. Within a changed value, an optional escape such as `\\/` is written as `/`.

**JSONL fields.** `--field text` names a top-level key; `--field meta.title` a nested one (a key
that contains a dot is written with a backslash: `--field 'a\\.b'`). When a path meets a list,
it applies to every element (`--field pages` normalizes every string of a list of strings;
`--field pages.body` the `body` of every object in a list). Only string values change; numbers,
booleans, null and missing keys are left alone. Blank lines are copied.

**CSV/TSV columns.** The first record is the header; `--column NAME` names a column of it (a name
that is not in the header is an error). `.csv` is RFC 4180 (comma, double quotes, quoted fields
may contain delimiters, quotes and newlines); `.tsv`/`.tab` are tab-separated without quoting (IANA
text/tab-separated-values: a quote is an ordinary character). Records are read with the `csv`
module, never cut at a newline inside a quoted field. A changed field keeps its quoting (quoted
stays quoted); an unquoted field is quoted only if its new value needs it. The header is never
changed.

**Malformed input** (a line that is not JSON, a CSV record with a stray quote, bytes that are not
UTF-8) is reported with its line number. `on_error="fail"` stops with `MalformedRecord`;
`on_error="skip"` copies the malformed line or record to the output unchanged, reports it and goes
on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import BinaryIO

from ..errors import MalformedRecord, StructuredError

ON_ERROR = ("skip", "fail")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
CSV_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}


class UnwritableValue(ValueError):
    """A JSON string that would change but cannot be written back as UTF-8 (a lone surrogate)."""


@dataclass
class RecordStats:
    """What a structured run did: records read, records changed, malformed ones (line, reason)."""

    records: int = 0
    changed: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: RecordStats) -> None:
        self.records += other.records
        self.changed += other.changed
        self.malformed += other.malformed


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


def format_of(name: str) -> str | None:
    """'jsonl', 'csv' or 'tsv' from a file name (after any compression suffix), else None."""
    lower = name.lower()
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
            break
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    for suffix, kind in CSV_SUFFIXES.items():
        if lower.endswith(suffix):
            return kind
    return None


def _check_on_error(on_error: str) -> None:
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")


# --- JSON Lines ---------------------------------------------------------------------------------
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
        if c == "{":
            i = _ws(s, i + 1)
            if s[i : i + 1] == "}":
                i += 1
            else:
                wanted: dict[str, set] = {}
                for p in paths:
                    if p:
                        wanted.setdefault(p[0], set()).add(p[1:])
                stack.append(("}", wanted))
                i, paths = _member(s, i, wanted)
                continue
        elif c == "[":
            i = _ws(s, i + 1)
            if s[i : i + 1] == "]":
                i += 1
            else:
                stack.append(("]", paths))
                continue
        elif c == '"':
            value, end = scanstring(s, i + 1)
            if () in paths:
                new = normalize(value)
                if new != value:
                    edits.append((i, end, _encode_like(new, s[i:end], value)))
            i = end
        elif c:
            i = _DECODER.raw_decode(s, i)[1]  # a number, true, false, null (never a container)
        else:
            raise _Bad
        # the value is complete: close the containers it completes, or go on to the next member
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
            if closer == "}":
                i, paths = _member(s, i, context)
            else:
                paths = context
            break
        else:
            return i


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
    _check_on_error(on_error)
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


# --- CSV / TSV ----------------------------------------------------------------------------------
def dialect_for(kind: str) -> dict:
    """csv.reader keyword arguments for 'csv' (RFC 4180) or 'tsv' (tabs, no quoting)."""
    if kind == "csv":
        return {"delimiter": ",", "quotechar": '"', "doublequote": True, "quoting": csv.QUOTE_MINIMAL, "strict": True}
    if kind == "tsv":
        return {"delimiter": "\t", "quoting": csv.QUOTE_NONE, "strict": True}
    raise ValueError(f"unknown table format {kind!r}")


def _terminator(raw: str) -> str:
    if raw.endswith("\r\n"):
        return "\r\n"
    if raw.endswith(("\n", "\r")):
        return raw[-1]
    return ""


def field_spans(body: str, delimiter: str, quotechar: str | None) -> list[tuple[int, int]]:
    """(start, end) of every field of one record (without its line ending), quotes included."""
    spans, i, n = [], 0, len(body)
    while True:
        if quotechar and body[i : i + 1] == quotechar:
            j = i + 1
            while True:
                j = body.index(quotechar, j)
                if body[j + 1 : j + 2] == quotechar:
                    j += 2
                    continue
                break
            end = j + 1
        else:
            k = body.find(delimiter, i)
            end = n if k < 0 else k
        spans.append((i, end))
        if end >= n:
            return spans
        i = end + 1


def _unquote(token: str, quotechar: str | None) -> str:
    if quotechar and token[:1] == quotechar:
        return token[1:-1].replace(quotechar * 2, quotechar)
    return token


def _quote(new: str, old_token: str, dialect: dict) -> str:
    q, d = dialect.get("quotechar"), dialect["delimiter"]
    if dialect["quoting"] == csv.QUOTE_NONE:
        if d in new or "\n" in new or "\r" in new:
            raise StructuredError(f"normalized value {new!r} contains a delimiter or line break (no quoting in TSV)")
        return new
    if old_token[:1] == q or any(c in new for c in (d, q, "\n", "\r")):
        return q + new.replace(q, q + q) + q
    return new


def rewrite_record(raw: str, row: list[str], changes: dict[int, str], dialect: dict) -> str:
    """`raw` (one record as read, with its line ending) with the fields in `changes` replaced."""
    end = _terminator(raw)
    body = raw[: len(raw) - len(end)]
    q = dialect.get("quotechar") if dialect["quoting"] != csv.QUOTE_NONE else None
    spans = field_spans(body, dialect["delimiter"], q)
    if len(spans) != len(row) or any(_unquote(body[a:b], q) != v for (a, b), v in zip(spans, row, strict=True)):
        # Not expected for the dialects above; re-serialize the record rather than guess.
        buf = io.StringIO()
        writer_options = {k: v for k, v in dialect.items() if k != "strict"}
        csv.writer(buf, lineterminator=end, **writer_options).writerow([changes.get(i, v) for i, v in enumerate(row)])
        return buf.getvalue()
    out, pos = [], 0
    for i, (a, b) in enumerate(spans):
        if i in changes:
            out += [body[pos:a], _quote(changes[i], body[a:b], dialect)]
            pos = b
    out.append(raw[pos:])
    return "".join(out)


class _RawReader(io.RawIOBase):
    """A raw binary file over a `read(n)` function (to give `csv` a text stream)."""

    def __init__(self, read: Callable[[int], bytes]):
        self._read, self._pending = read, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._pending:
            self._pending = self._read(len(buffer))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def iter_table(
    pipeline: Callable[[str], str],
    read: Callable[[int], bytes],
    columns: Sequence[str],
    *,
    kind: str = "csv",
    on_error: str = "fail",
    errors: str = "strict",
    stats: RecordStats | None = None,
) -> Iterator[tuple[bytes, bytes]]:
    """(input bytes, output bytes) of every record of a CSV/TSV stream (a leading BOM is a pair of
    its own), normalizing the named columns. The outputs joined are the normalized file."""
    _check_on_error(on_error)
    if not columns:
        raise StructuredError("no column given")
    dialect = dialect_for(kind)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    text = io.TextIOWrapper(io.BufferedReader(_RawReader(read)), encoding="utf-8", errors=errors, newline="")
    stats = RecordStats() if stats is None else stats
    lines_read = 0
    consumed: list[str] = []
    bom = False

    def feed() -> Iterator[str]:
        nonlocal lines_read, bom
        try:
            for line in text:
                if lines_read == 0 and line.startswith("\ufeff"):
                    bom, line = True, line[1:]
                lines_read += 1
                consumed.append(line)
                yield line
        except UnicodeDecodeError as e:
            raise MalformedRecord(lines_read + 1, f"invalid UTF-8 ({e.reason})") from None

    def take() -> bytes:
        raw = "".join(consumed).encode("utf-8", errors)
        consumed.clear()
        return raw

    reader = csv.reader(feed(), **dialect)
    indexes: list[int] | None = None
    while True:
        first_line = lines_read + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            if on_error == "fail":
                raise MalformedRecord(first_line, f"bad CSV record: {e}") from None
            stats.malformed.append((first_line, f"bad CSV record: {e}"))
            if bom:
                yield codecs.BOM_UTF8, codecs.BOM_UTF8
                bom = False
            raw = take()
            yield raw, raw
            continue
        if bom:
            yield codecs.BOM_UTF8, codecs.BOM_UTF8
            bom = False
        raw_text = "".join(consumed)
        raw = take()
        if not row:
            yield raw, raw
            continue
        if indexes is None:  # the header
            indexes = [i for i, name in enumerate(row) if name in columns]
            missing = [c for c in columns if c not in row]
            if missing:
                raise StructuredError(f"column(s) {', '.join(map(repr, missing))} not in the header {row}")
            yield raw, raw
            continue
        stats.records += 1
        changes = {}
        for i in indexes:
            if i < len(row):
                new = pipeline(row[i])
                if new != row[i]:
                    changes[i] = new
        if changes:
            stats.changed += 1
            yield raw, rewrite_record(raw_text, row, changes, dialect).encode("utf-8", errors)
        else:
            yield raw, raw


def normalize_table(
    pipeline: Callable[[str], str],
    source: BinaryIO,
    target: BinaryIO,
    columns: Sequence[str],
    *,
    kind: str = "csv",
    on_error: str = "fail",
    errors: str = "strict",
) -> RecordStats:
    """Stream a CSV/TSV file from `source` to `target` (binary), normalizing the named columns."""
    stats = RecordStats()
    for _, out in iter_table(pipeline, source.read, columns, kind=kind, on_error=on_error, errors=errors, stats=stats):
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
    _check_on_error(on_error)
    for f in fields:
        parse_field_path(f)
    stats = RecordStats() if stats is None else stats
    lines = 0
    for block in iter_line_blocks(read, block_size):
        out, block_stats = normalize_jsonl_block(pipeline, block, fields, on_error, errors, lines + 1)
        stats.add(block_stats)
        lines += block.count(b"\n")
        yield block, out

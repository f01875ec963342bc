"""Normalize chosen columns of CSV/TSV, touching nothing else.

**CSV/TSV columns.** The first record is the header; `--column NAME` names a column of it (a name
that is not in the header is an error). `.csv` is RFC 4180 (comma, double quotes, quoted fields
may contain delimiters, quotes and newlines); `.tsv`/`.tab` are tab-separated without quoting (IANA
text/tab-separated-values: a quote is an ordinary character). Records are read with the `csv`
module, never cut at a newline inside a quoted field. A changed field keeps its quoting (quoted
stays quoted); an unquoted field is quoted only if its new value needs it. The header is never
changed.

A record whose named columns do not change is written back byte for byte; in a changed one only
the changed fields' bytes are replaced. Malformed records: see records.py.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from ..errors import MalformedRecord, StructuredError
from .records import RecordStats, check_on_error


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


class _Records:
    """The records of a CSV/TSV byte stream, each with the exact text it was read from: `next_row`
    reads one; then `leading_bom` yields the BOM of the file once, as a pair of its own, and
    `take` gives the record's text (as bytes) and forgets it."""

    def __init__(self, read: Callable[[int], bytes], dialect: dict, errors: str):
        self.text = io.TextIOWrapper(io.BufferedReader(_RawReader(read)), encoding="utf-8", errors=errors, newline="")
        self.errors = errors
        self.lines_read = 0
        self.consumed: list[str] = []
        self.bom = False
        self.reader = csv.reader(self._feed(), **dialect)

    def _feed(self) -> Iterator[str]:
        try:
            for line in self.text:
                if self.lines_read == 0 and line.startswith("\ufeff"):
                    self.bom, line = True, line[1:]
                self.lines_read += 1
                self.consumed.append(line)
                yield line
        except UnicodeDecodeError as e:
            raise MalformedRecord(self.lines_read + 1, f"invalid UTF-8 ({e.reason})") from None

    def next_row(self) -> list[str]:
        """The next record's fields; StopIteration at the end, csv.Error for a malformed one."""
        return next(self.reader)

    def leading_bom(self) -> Iterator[tuple[bytes, bytes]]:
        if self.bom:
            self.bom = False
            yield codecs.BOM_UTF8, codecs.BOM_UTF8

    def take(self) -> tuple[str, bytes]:
        text = "".join(self.consumed)
        self.consumed.clear()
        return text, text.encode("utf-8", self.errors)


def _header_indexes(row: list[str], columns: Sequence[str]) -> list[int]:
    """The indexes of `columns` in the header `row`; an error naming the columns it lacks."""
    missing = [c for c in columns if c not in row]
    if missing:
        raise StructuredError(f"column(s) {', '.join(map(repr, missing))} not in the header {row}")
    return [i for i, name in enumerate(row) if name in columns]


def _changed_fields(pipeline: Callable[[str], str], row: list[str], indexes: list[int]) -> dict[int, str]:
    """{index: new value} of the named fields that normalizing changes (a short row lacks some)."""
    changes = {}
    for i in indexes:
        if i < len(row):
            new = pipeline(row[i])
            if new != row[i]:
                changes[i] = new
    return changes


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
    check_on_error(on_error)
    if not columns:
        raise StructuredError("no column given")
    dialect = dialect_for(kind)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    records = _Records(read, dialect, errors)
    stats = RecordStats() if stats is None else stats
    indexes: list[int] | None = None
    while True:
        first_line = records.lines_read + 1
        try:
            row = records.next_row()
        except StopIteration:
            return
        except csv.Error as e:
            if on_error == "fail":
                raise MalformedRecord(first_line, f"bad CSV record: {e}") from None
            stats.malformed.append((first_line, f"bad CSV record: {e}"))
            row = None  # copied unchanged
        yield from records.leading_bom()
        raw_text, raw = records.take()
        if not row or indexes is None:  # malformed, blank, or the header: copied as it is
            if row and indexes is None:
                indexes = _header_indexes(row, columns)
            yield raw, raw
            continue
        stats.records += 1
        changes = _changed_fields(pipeline, row, indexes)
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

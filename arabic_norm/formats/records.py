"""What the record formats (formats/jsonl.py: JSON Lines fields; formats/table.py: CSV/TSV
columns) share: the file-name suffixes that choose them, `on_error`, and `RecordStats`.

**Malformed input** (a line that is not JSON, a CSV record with a stray quote, bytes that are not
UTF-8) is reported with its line number. `on_error="fail"` stops with `MalformedRecord`;
`on_error="skip"` copies the malformed line or record to the output unchanged, reports it and goes
on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..stream.compression import SUFFIXES as COMPRESSED_SUFFIXES

ON_ERROR = ("skip", "fail")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
CSV_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}


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


def format_of(name: str) -> str | None:
    """'jsonl', 'csv' or 'tsv' from a file name (after any compression suffix), else None."""
    lower = name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
            break
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    for suffix, kind in CSV_SUFFIXES.items():
        if lower.endswith(suffix):
            return kind
    return None


def check_on_error(on_error: str) -> None:
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")

"""One input from its source to its sink.

    process_file: open once -> pairs_for (JSONL / table / blocks / byte ranges) -> SINKS[mode]

Everything streams in line-aligned blocks (see stream/blocks.py), so memory stays flat whatever the
size of the input; `process_file` is the unit handed to worker processes and returns a FileResult.
Where the pairs go is in writeback.py, which inputs in discover.py, many inputs in many.py.
"""

from __future__ import annotations

import functools
import os
import stat
import sys
from collections.abc import Callable
from typing import BinaryIO, NamedTuple

from ..errors import InputError, UndecodableInput
from ..pipeline import Pipeline
from ..stream.blocks import BLOCK_SIZE, FILE_BLOCK_SIZE, file_blocks, lines_counted_in
from ..stream.compression import is_compressed, open_compressed

# Imported here, not when -j first needs it: importing it between opening an input and reading it
# by path (file_pairs) would widen the moment in which an editor's save goes unnoticed.
from ..stream.parallel import WORKER_BLOCK_SIZE, file_pairs, parallel_pairs
from .atomic import write_file
from .discover import Source, plain_name
from .stdin import compressed_kind, compressed_stdin_message, stdin_head, stdin_reader
from .streams import WRITE_ERRNOS, OutputError
from .writeback import SINKS, WriteBack
from .writeback import refusal as in_place_refusal

# A file found by recursion whose first bytes hold a NUL byte is binary and skipped (as git and
# grep decide). Files named on the command line are always processed: NUL is valid text.
BINARY_SNIFF = 8192


def _prepend(head: bytes, read: Callable[[int], bytes]) -> Callable[[int], bytes]:
    pending = [head] if head else []

    def read_more(n: int) -> bytes:
        return pending.pop() if pending else read(n)

    return read_more


# --- one input ----------------------------------------------------------------------------------
class Settings(NamedTuple):
    """How `process_file` treats every input (picklable, for worker processes)."""

    mode: str = WriteBack.STDOUT  # a WriteBack (its value when given as a string)
    errors: str = "strict"
    block_size: int = BLOCK_SIZE
    stats: bool = False
    jobs: int = 1  # worker processes for the blocks of this input (stream/parallel.py)
    fields: tuple[str, ...] = ()  # JSONL: normalize only these fields (formats/)
    columns: tuple[str, ...] = ()  # CSV/TSV: normalize only these columns
    on_error: str = "fail"  # malformed JSONL line / CSV record: skip (copy unchanged, report) | fail
    as_text: bool = False  # JSON, JSONL and CSV files normalized as plain text (else refused)
    fsync: bool = False  # -o/--output-dir: each new file reaches the disk before its rename (--fsync)


class FileResult:
    """What happened to one input (picklable, for worker processes).

    status: unchanged | changed | skipped | error; `message` says why for the last two; `counts`
    is characters changed per step (with --stats); `bytes_read` the input size.
    """

    __slots__ = ("bytes_read", "counts", "line", "message", "source", "status")

    def __init__(self, source: str, status: str = "unchanged", message: str = "", counts=None, bytes_read: int = 0):
        self.source, self.status, self.message = source, status, message
        self.counts: dict[str, int] = counts if counts is not None else {}
        self.bytes_read = bytes_read
        self.line = 0  # with --check: the first line that would change (1-based), 0 if unknown

    def __repr__(self) -> str:
        return f"FileResult({self.source!r}, {self.status!r}, {self.message!r})"

    @property
    def changed(self) -> bool:
        return self.status == "changed"


class Tally:
    """Bytes read (and with --stats, characters changed per step) as the blocks of one input go by."""

    def __init__(self, on_block: Callable[[int], None] | None):
        self.on_block, self.bytes_read, self.counts = on_block, 0, {}

    def read(self, n: int) -> None:
        self.bytes_read += n
        if self.on_block is not None:
            self.on_block(n)

    def observe(self, pairs, pipeline: Pipeline, settings: Settings):
        for before, after in pairs:
            # (per-step counts of JSONL/CSV records would count the fields left alone too: not given)
            if settings.stats and after != before and not (settings.fields or settings.columns):
                from ..stats import step_counter  # counts on the compiled maps, without re-running steps

                for name, n in step_counter(pipeline).counts_of(before, settings.errors).items():
                    self.counts[name] = self.counts.get(name, 0) + n
            self.read(len(before))
            yield before, after

    def result(self, source: Source, status: str, message: str = "") -> FileResult:
        return FileResult(source.name, status, message, self.counts, self.bytes_read)


class LeftAlone(Exception):
    """The input is left as it is before any of it is normalized: `status` (skipped | error) and
    the `message` of its result."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def process_file(
    pipeline: Pipeline,
    source: Source,
    target: str | None,
    settings: Settings,
    out: BinaryIO | None = None,
    on_block: Callable[[int], None] | None = None,
) -> FileResult:
    """Normalize one input according to `settings.mode`.

    `target` is the output file for mode "output" (ignored otherwise); `out` the stream for modes
    "stdout" and "diff" (default: standard output). Input errors (unreadable, undecodable) are
    returned as status "error" with a message naming the file; the file is then left untouched.
    """
    tally = Tally(on_block)
    if refusal := structured_refusal(source.label, settings, pipeline):
        return tally.result(source, "error", refusal)
    pipeline = for_file(pipeline, source.label)
    if out is None and settings.mode in (WriteBack.STDOUT, WriteBack.DIFF):
        out = sys.stdout.buffer
    try:
        if source.path is None:
            changed = _from_stdin(pipeline, source, target, settings, out, tally)
        else:
            changed = _from_file(pipeline, source, target, settings, out, tally)
    except LeftAlone as e:
        return tally.result(source, e.status, e.message)
    except UndecodableInput as e:
        return tally.result(source, "error", f"line {e.line}, byte offset {e.offset}: {e.reason}")
    except (BrokenPipeError, OutputError):  # the output failed: the run stops (see streams.py)
        raise
    except OSError as e:  # unreadable, or failing while read (e.g. EIO)
        return tally.result(source, "error", _read_error(e, source, settings))
    except InputError as e:  # malformed JSONL/CSV, a missing column, corrupt .xz/.zst, a failed worker
        return tally.result(source, "error", str(e))
    result = tally.result(source, "changed" if changed else "unchanged")
    if not isinstance(changed, bool):  # the check sink says which line changes first
        result.line = changed
    return result


def _from_stdin(pipeline, source: Source, target, settings: Settings, out, tally: Tally) -> bool | int:
    read = stdin_reader()
    head = stdin_head(read, settings.block_size)
    if kind := compressed_kind(head):
        raise LeftAlone("error", compressed_stdin_message(kind))
    return _normalize(pipeline, source, _prepend(head, read), None, target, settings, out, tally)


def _from_file(pipeline, source: Source, target, settings: Settings, out, tally: Tally) -> bool | int:
    """The file at `source.path`, opened once: -i rewrites it through this same descriptor."""
    if source.found and (kind := _special_kind(source.path)):  # never opened: it could block
        raise LeftAlone("skipped", f"{kind}, not a regular file, skipped")
    if why := in_place_refusal(source, settings.mode):  # -i: a FIFO, a link leading out of the tree
        raise LeftAlone("skipped" if source.found else "error", why)
    with open_compressed(source.path, "rb") as f:
        if settings.mode == WriteBack.IN_PLACE:
            out = f  # the in-place sink copies unchanged blocks through this same descriptor
        read = getattr(f, "read1", f.read)
        if source.found:
            head = f.read(BINARY_SNIFF)
            if b"\0" in head:
                raise LeftAlone("skipped", "binary file (NUL byte), skipped")
            read = _prepend(head, read)
        fd = None if is_compressed(source.path) else f.fileno()
        return _normalize(pipeline, source, read, fd, target, settings, out, tally)


def _read_error(e: OSError, source: Source, settings: Settings) -> str:
    """The message for an input that could not be read; a worker's failing write to stdout is
    the output's failure (OutputError: the run stops)."""
    if settings.mode == WriteBack.STDOUT and e.errno in WRITE_ERRNOS:  # a worker writing stdout
        raise OutputError(e) from None
    message = e.strerror or str(e)
    if e.filename and e.filename != source.path:
        message += f": {e.filename}"
    return message


# Files whose quoting a text chain breaks (the `quotes` step writes `"`): refused without
# --field/--column/--as-text. TSV (.tsv/.tab) stays text, as in the default include: it has no
# quoting (a `"` is an ordinary character there), so only a chain that changes tabs can break it
# (`whitespace` turns them into spaces): refused then, with the same message.
STRUCTURED = {
    ".json": "JSON",
    ".jsonl": "JSON Lines",
    ".ndjson": "JSON Lines",
    ".jsonlines": "JSON Lines",
    ".csv": "CSV",
    ".tsv": "TSV",
    ".tab": "TSV",
}
_TABS = "ا\tب\t\tج\t"


def structured_refusal(name: str | None, settings: Settings, pipeline: Pipeline) -> str:
    """Why a JSON, JSON Lines or CSV file (or a TSV file, with a chain that changes tabs) may not
    be normalized as text ("" when it may)."""
    if name is None or settings.as_text or settings.fields or settings.columns:
        return ""
    kind = STRUCTURED.get(os.path.splitext(plain_name(name))[1].lower())
    if kind is None or (kind == "TSV" and pipeline(_TABS) == _TABS):
        return ""
    why = "this chain changes its tabs" if kind == "TSV" else "normalized as text its quoting would break"
    option = "--field NAME (JSON Lines: one document a line)" if kind.startswith("JSON") else "--column NAME"
    return (
        f"a {kind} file: {why}; give {option} to normalize only those values, "
        "or --as-text to normalize it as plain text anyway"
    )


@functools.lru_cache(maxsize=16)
def _with_protect(pipeline: Pipeline, protect) -> Pipeline:
    return Pipeline(pipeline.specs, protect)


def for_file(pipeline: Pipeline, name: str | None) -> Pipeline:
    """The pipeline for the input `name`: Markdown code protected in a Markdown file (.md,
    .markdown, also compressed), see Protect.for_file."""
    if pipeline.protect is None or name is None:
        return pipeline
    protect = pipeline.protect.for_file(plain_name(name))
    return pipeline if protect is pipeline.protect else _with_protect(pipeline, protect)


def _normalize(pipeline, source: Source, read, fd: int | None, target, settings: Settings, out, tally: Tally) -> bool:
    """Source -> pairs -> sink; returns whether the text changed. `read` reads the opened input,
    `fd` is its descriptor when it is an uncompressed file."""
    seekable = _seekable(source)
    if _workers_write(seekable, target, settings, out):
        return _workers_writing(pipeline, source, target, settings, out, tally)
    sink = SINKS.get(settings.mode)
    if sink is None:
        raise ValueError(f"unknown mode {settings.mode!r}")
    pairs = pairs_for(pipeline, source, read, fd if seekable else None, settings)
    return sink(tally.observe(pairs, pipeline, settings), source, target, out, settings)


def pairs_for(pipeline: Pipeline, source: Source, read, fd: int | None, settings: Settings):
    """The (input, output) block pairs of one input, from the one reader that fits it: JSONL
    records (--field), table records (--column), byte ranges normalized by workers (-j), byte
    ranges of a regular file (`fd`, already open: os.pread, no copying), or blocks of a stream."""
    if settings.fields or settings.columns:
        return _record_pairs(pipeline, source, read, settings)
    if settings.jobs != 1:
        size = max(settings.block_size, WORKER_BLOCK_SIZE)
        if source.path is not None and not is_compressed(source.path):  # workers read their ranges
            return file_pairs(pipeline, source.path, settings.errors, size, jobs=settings.jobs, fd=fd)
        return parallel_pairs(pipeline, read, settings.errors, size, jobs=settings.jobs, name=source.name)
    # --diff cuts its hunks at the edges of chunks regrouped from these blocks: it reads a file in
    # the same blocks as stdin, so that a file and the same bytes piped in give the same diff.
    if fd is not None and settings.mode != WriteBack.DIFF:
        return _file_pairs(_runner(pipeline, settings), fd, settings.errors, max(settings.block_size, FILE_BLOCK_SIZE))
    return _runner(pipeline, settings).iter_pairs(read, settings.errors, settings.block_size)


def _runner(pipeline: Pipeline, settings: Settings):
    """What normalizes the blocks: the pipeline, or with --stats its StepCounter (the same output;
    it counts while the kernel maps, or notes which rules had nothing to do: see stats/)."""
    if not settings.stats:
        return pipeline
    from ..stats import step_counter

    return step_counter(pipeline)


def _record_pairs(pipeline, source, read, settings):
    """(input, output) pairs for --field (JSONL) or --column (CSV/TSV); malformed records skipped
    with --on-error skip are reported on stderr with their line numbers."""
    from ..formats.jsonl import iter_jsonl
    from ..formats.records import RecordStats, format_of
    from ..formats.table import iter_table

    stats = RecordStats()
    if settings.fields:
        values = 0

        def counted(text: str) -> str:  # called for each string value at a field: counts matches
            nonlocal values
            values += 1
            return pipeline(text)

        yield from iter_jsonl(
            counted, read, settings.fields, on_error=settings.on_error, errors=settings.errors, stats=stats
        )
        if not values and stats.records:
            fields = ", ".join(settings.fields)
            sys.stderr.write(
                f"arabic-norm: {source.name}: --field {fields} matched no string value in "
                f"{stats.records} record{'s' if stats.records != 1 else ''} (nothing normalized)\n"
            )
    else:
        kind = "tsv" if format_of(source.name) == "tsv" else "csv"
        yield from iter_table(
            pipeline, read, settings.columns, kind=kind, on_error=settings.on_error, errors=settings.errors, stats=stats
        )
    for line, reason in stats.malformed:
        sys.stderr.write(f"arabic-norm: {source.name}: line {line}: {reason} (skipped, copied unchanged)\n")


def _workers_write(seekable: bool, target, settings, out) -> bool:
    """Whether worker processes write the output themselves (`stream.ring.write_file_ordered`): -j on
    a plain input file, to stdout or to an uncompressed -o file, without per-step --stats."""
    if settings.jobs == 1 or settings.stats or settings.fields or settings.columns or not seekable:
        return False
    if settings.mode == WriteBack.OUTPUT:
        return not is_compressed(target)
    if settings.mode != WriteBack.STDOUT:
        return False
    try:
        out.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError too
        return False
    return True


def _file_pairs(pipeline, fd: int, errors: str, block_size: int):
    with lines_counted_in(fd):
        yield from pipeline.block_pairs(file_blocks(fd, block_size, pipeline.cut_pair), errors)


def _special_kind(path: str) -> str | None:
    """'FIFO', 'socket', 'device' for such a file (what it leads to, for a symbolic link), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # opening it reports the error
    for test, kind in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device")):
        if test(mode):
            return kind
    return "device" if stat.S_ISBLK(mode) else None


def _seekable(source) -> bool:
    """Whether the input is a plain regular file, read by byte range (`stream.file_blocks`)."""
    return source.path is not None and not is_compressed(source.path) and os.path.isfile(source.path)


def _workers_writing(pipeline, source: Source, target, settings: Settings, out, tally: Tally) -> bool:
    from ..stream.ring import write_file_ordered

    def write_into(f: BinaryIO) -> bool:
        f.flush()  # the workers write to the descriptor, after whatever is buffered
        size = max(settings.block_size, WORKER_BLOCK_SIZE)
        return write_file_ordered(
            pipeline, source.path, f.fileno(), settings.errors, size, jobs=settings.jobs, progress=tally.read
        )

    if settings.mode == WriteBack.STDOUT:
        return write_into(out)
    return write_file(write_into, source, target, sync=settings.fsync)

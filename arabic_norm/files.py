"""Files for the command line: finding them, reading them, and writing the results.

Everything streams in line-aligned blocks (see stream.py), so memory stays flat whatever the size of
the input. All I/O goes through `open_input` and `open_output` (the place to add compressed formats)
and all work on one input happens in `process_file` (the unit to hand to worker processes).

Output modes (`Settings.mode`):

- "stdout": normalized bytes to a stream as each block is ready (pipes stream line by line);
- "output": to a target file (-o, --output-dir), written beside it first and renamed into place;
- "in-place": a temporary file beside the original, fsync, rename; permission bits kept; created
  only once a block actually changes, so a file that would not change is never rewritten;
- "check": nothing is written, the result says whether the file would change;
- "diff": a unified diff of what would change, to a stream; nothing else is written.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, NamedTuple

from .pipeline import Pipeline
from .stream import BLOCK_SIZE, FILE_BLOCK_SIZE, UndecodableInput, file_blocks, lines_counted_in, ready_reader

# Files looked at when a directory is given. JSON, JSONL and CSV are not among them: the `quotes`
# step of the default preset writes `"`, which would break their quoting. Name them explicitly or
# with --include when the chain is safe for them.
DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.markdown", "*.rst", "*.org", "*.tsv", "*.srt", "*.vtt", "*.conllu")
# Skipped while recursing (matched against every file and directory name below the given
# directory, and against the path relative to it): hidden files and directories (.git, .venv, ...),
# and directories of installed or generated code.
DEFAULT_EXCLUDE = (".*", "node_modules", "__pycache__", "venv", "site-packages", "*.egg-info")
# A file found by recursion whose first bytes hold a NUL byte is binary and skipped (as git and
# grep decide). Files named on the command line are always processed: NUL is valid text.
BINARY_SNIFF = 8192


# --- finding files ------------------------------------------------------------------------------
class Source(NamedTuple):
    """One input. `path` None is stdin; `relative` is where it goes under --output-dir."""

    path: str | None
    relative: str = ""
    found: bool = False  # found by recursing into a directory (binary files are then skipped)

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else self.path


class Missing(NamedTuple):
    """A path given on the command line that does not exist."""

    path: str


def _matches(relative: str, patterns: Iterable[str]) -> bool:
    name = relative.rpartition("/")[2]
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)


def discover(
    paths: Iterable[str],
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    skip: Iterable[str] = (),
    force_exclude: bool = False,
) -> Iterator[Source | Missing]:
    """Sources for the given paths, in order: `-` is stdin, files as given, directories recursed
    (sorted, include/exclude applied, directories in `skip` left out). With `force_exclude` a file
    named in `paths` is taken only if include/exclude would take it (see `named_file_excluded`)."""
    include, exclude = tuple(include), tuple(exclude)
    skip_real = {os.path.realpath(s) for s in skip}
    for path in paths:
        if path == "-":
            yield Source(None)
        elif os.path.isdir(path):
            yield from _walk(path, include, exclude, skip_real)
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
    return not _matches(relative, include) or _matches(relative, exclude)


def _walk(root: str, include, exclude, skip_real) -> Iterator[Source]:
    for directory, dirnames, filenames in os.walk(root):
        base = os.path.relpath(directory, root)
        base = "" if base == "." else base.replace(os.sep, "/") + "/"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not _matches(base + d, exclude) and os.path.realpath(os.path.join(directory, d)) not in skip_real
        )
        for name in sorted(filenames):
            relative = base + name
            if _matches(relative, include) and not _matches(relative, exclude):
                yield Source(os.path.join(directory, name), relative, found=True)


# --- reading and writing ------------------------------------------------------------------------
COMPRESSED = (".gz", ".bz2", ".xz", ".zst")


def is_compressed(path: str) -> bool:
    return path.lower().endswith(COMPRESSED)


def open_input(path: str) -> BinaryIO:
    """Open an input file for binary reading, decompressing `.gz .bz2 .xz .zst` by extension."""
    if is_compressed(path):
        from .compression import open_compressed

        return open_compressed(path, "rb")
    return open(path, "rb")


def open_output(path: str) -> BinaryIO:
    """Open an output file for binary writing, compressing `.gz .bz2 .xz .zst` by extension (a
    temporary file beside the target ends with the target's name, so it is compressed alike)."""
    if is_compressed(path):
        from .compression import open_compressed

        return open_compressed(path, "wb")
    return open(path, "wb")


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _prepend(head: bytes, read: Callable[[int], bytes]) -> Callable[[int], bytes]:
    pending = [head] if head else []

    def read_more(n: int) -> bytes:
        return pending.pop() if pending else read(n)

    return read_more


def _temp_beside(target: str) -> str:
    """Reserve a temporary name in the target's directory that ends like the target."""
    import tempfile

    directory, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(prefix=".arabic-norm-", suffix="-" + name, dir=directory or ".")
    os.close(fd)
    return tmp


def _commit(tmp: str, target: str, mode: int | None) -> None:
    """Make the closed temporary file durable and move it over `target` atomically."""
    if mode is not None:
        os.chmod(tmp, mode)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    try:  # make the rename itself durable
        dfd = os.open(os.path.dirname(target) or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# --- one input ----------------------------------------------------------------------------------
class Settings(NamedTuple):
    """How `process_file` treats every input (picklable, for worker processes)."""

    mode: str = "stdout"  # stdout | output | in-place | check | diff
    errors: str = "strict"
    block_size: int = BLOCK_SIZE
    stats: bool = False
    jobs: int = 1  # worker processes for the blocks of this input (parallel.py)
    fields: tuple[str, ...] = ()  # JSONL: normalize only these fields (structured.py)
    columns: tuple[str, ...] = ()  # CSV/TSV: normalize only these columns
    on_error: str = "fail"  # malformed JSONL line / CSV record: skip (copy unchanged, report) | fail


class FileResult:
    """What happened to one input (picklable, for worker processes).

    status: unchanged | changed | skipped | error; `message` says why for the last two; `counts`
    is characters changed per step (with --stats); `bytes_read` the input size.
    """

    __slots__ = ("bytes_read", "counts", "message", "source", "status")

    def __init__(self, source: str, status: str = "unchanged", message: str = "", counts=None, bytes_read: int = 0):
        self.source, self.status, self.message = source, status, message
        self.counts: dict[str, int] = counts if counts is not None else {}
        self.bytes_read = bytes_read

    def __repr__(self) -> str:
        return f"FileResult({self.source!r}, {self.status!r}, {self.message!r})"

    @property
    def changed(self) -> bool:
        return self.status == "changed"


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
    result = FileResult(source.name)
    if out is None and settings.mode in ("stdout", "diff"):
        out = sys.stdout.buffer
    try:
        if source.path is None:
            stdin = sys.stdin.buffer
            read = getattr(stdin, "read1", stdin.read)
            with contextlib.suppress(AttributeError, OSError, ValueError):  # no descriptor (tests)
                read = ready_reader(read, stdin.fileno())
            _run(pipeline, source, read, target, settings, out, on_block, result)
        else:
            with open_input(source.path) as f:
                read = getattr(f, "read1", f.read)
                if source.found:
                    head = f.read(BINARY_SNIFF)
                    if b"\0" in head:
                        result.status, result.message = "skipped", "binary file (NUL byte), skipped"
                        return result
                    read = _prepend(head, read)
                _run(pipeline, source, read, target, settings, out, on_block, result)
    except UndecodableInput as e:
        result.status = "error"
        result.message = f"line {e.line}, byte offset {e.offset}: {e.reason}"
    except BrokenPipeError:
        raise
    except OSError as e:  # unreadable, or failing while read (e.g. EIO)
        result.status = "error"
        result.message = e.strerror or str(e)
        if e.filename and e.filename != source.path:
            result.message += f": {e.filename}"
    except Exception as e:
        if not _optional_layer_error(e):
            raise
        result.status = "error"
        result.message = str(e)
    return result


def _optional_layer_error(e: Exception) -> bool:
    """An input error of the layers loaded only when used: malformed JSONL/CSV, a missing column,
    `.zst` without zstandard, corrupt `.xz`/`.zst` data (corrupt `.gz`/`.bz2` raise OSError), a
    failed worker."""
    for module, names in (
        ("arabic_norm.structured", ("MalformedRecord", "StructuredError")),
        ("arabic_norm.compression", ("MissingCompressionSupport",)),
        ("arabic_norm.parallel", ("WorkerError",)),
        ("lzma", ("LZMAError",)),
        ("zstandard", ("ZstdError",)),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(e, tuple(getattr(loaded, n) for n in names)):
            return True
    return False


def _structured_pairs(pipeline, source, read, settings):
    """(input, output) pairs for --field (JSONL) or --column (CSV/TSV); malformed records skipped
    with --on-error skip are reported on stderr with their line numbers."""
    from .structured import RecordStats, format_of, iter_jsonl, iter_table

    stats = RecordStats()
    if settings.fields:
        yield from iter_jsonl(
            pipeline, read, settings.fields, on_error=settings.on_error, errors=settings.errors, stats=stats
        )
    else:
        kind = "tsv" if format_of(source.name) == "tsv" else "csv"
        yield from iter_table(
            pipeline, read, settings.columns, kind=kind, on_error=settings.on_error, errors=settings.errors, stats=stats
        )
    for line, reason in stats.malformed:
        sys.stderr.write(f"arabic-norm: {source.name}: line {line}: {reason} (skipped, copied unchanged)\n")


def _workers_write(seekable: bool, target, settings, out) -> bool:
    """Whether worker processes write the output themselves (`ordered.write_file_ordered`): -j on
    a plain input file, to stdout or to an uncompressed -o file, without per-step --stats."""
    if settings.jobs == 1 or settings.stats or settings.fields or settings.columns or not seekable:
        return False
    if settings.mode == "output":
        return not is_compressed(target)
    if settings.mode != "stdout":
        return False
    try:
        out.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError too
        return False
    return True


def _file_pairs(pipeline, path: str, errors: str, block_size: int):
    with open(path, "rb") as f, lines_counted_in(f.fileno()):
        yield from pipeline.block_pairs(file_blocks(f.fileno(), block_size), errors)


def _seekable(source) -> bool:
    """Whether the input is a plain regular file, read by byte range (`stream.file_blocks`)."""
    return source.path is not None and not is_compressed(source.path) and os.path.isfile(source.path)


def _run_workers_writing(pipeline, source, target, settings, out, on_block, result) -> None:
    from .ordered import write_file_ordered
    from .parallel import WORKER_BLOCK_SIZE

    def progress(n: int) -> None:
        result.bytes_read += n
        if on_block is not None:
            on_block(n)

    def write_into(f: BinaryIO) -> bool:
        f.flush()  # the workers write to the descriptor, after whatever is buffered
        size = max(settings.block_size, WORKER_BLOCK_SIZE)
        return write_file_ordered(
            pipeline, source.path, f.fileno(), settings.errors, size, jobs=settings.jobs, progress=progress
        )

    changed = write_into(out) if settings.mode == "stdout" else _write_file(write_into, source, target)
    if changed:
        result.status = "changed"


def _run(pipeline, source, read, target, settings, out, on_block, result) -> None:
    seekable = _seekable(source)
    if _workers_write(seekable, target, settings, out):
        _run_workers_writing(pipeline, source, target, settings, out, on_block, result)
        return
    if settings.fields or settings.columns:
        pairs = _structured_pairs(pipeline, source, read, settings)
    elif settings.jobs != 1:
        from .parallel import WORKER_BLOCK_SIZE, file_pairs, parallel_pairs

        size = max(settings.block_size, WORKER_BLOCK_SIZE)
        if source.path is not None and not is_compressed(source.path):  # workers read their ranges
            pairs = file_pairs(pipeline, source.path, settings.errors, size, jobs=settings.jobs)
        else:
            pairs = parallel_pairs(pipeline, read, settings.errors, size, jobs=settings.jobs, name=source.name)
    elif seekable and settings.mode != "diff":
        pairs = _file_pairs(pipeline, source.path, settings.errors, max(settings.block_size, FILE_BLOCK_SIZE))
    else:
        pairs = pipeline.iter_pairs(read, settings.errors, settings.block_size)
    pairs = _observed(pairs, pipeline, settings, on_block, result)
    mode = settings.mode
    if mode == "stdout":
        changed = False
        for before, after in pairs:
            changed = changed or after != before
            out.write(after)
            out.flush()
    elif mode == "check":
        changed = False
        for before, after in pairs:
            changed = changed or after != before
    elif mode == "diff":
        changed = write_diff(pairs, source.name, out, settings.errors, chunk=settings.block_size)
    elif mode == "output":
        changed = _write_file(lambda f: _write_pairs(pairs, f), source, target)
    elif mode == "in-place":
        changed = _write_in_place(pairs, source.path)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    if changed:
        result.status = "changed"


def _observed(pairs, pipeline, settings, on_block, result):
    """Count bytes (and with --stats, characters changed per step) as blocks go by."""
    for before, after in pairs:
        result.bytes_read += len(before)
        # (per-step counts of JSONL/CSV records would count the fields left alone too: not given)
        if settings.stats and after != before and not (settings.fields or settings.columns):
            _, counts = pipeline.step_counts(before.decode("utf-8", settings.errors))
            for name, n in counts:
                result.counts[name] = result.counts.get(name, 0) + n
        if on_block is not None:
            on_block(len(before))
        yield before, after


def _write_pairs(pairs, f: BinaryIO) -> bool:
    changed = False
    for before, after in pairs:
        changed = changed or after != before
        f.write(after)
    return changed


def _write_file(write_into: Callable[[BinaryIO], bool], source: Source, target: str) -> bool:
    """Write `target` atomically: `write_into(f)` fills a temporary file beside it (and says
    whether the text changed), which is then made durable and renamed over `target`."""
    target = os.path.realpath(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = _temp_beside(target)
    try:
        with open_output(tmp) as f:
            changed = write_into(f)
        mode = stat.S_IMODE(os.stat(source.path).st_mode) if source.path else _default_mode()
        _commit(tmp, target, mode)
    except BaseException:
        _discard(tmp)
        raise
    return changed


def _write_in_place(pairs, path: str) -> bool:
    real = os.path.realpath(path)
    tmp = None
    unchanged_bytes = 0
    try:
        f = None
        for before, after in pairs:
            if f is None:
                if after == before:
                    unchanged_bytes += len(before)
                    continue
                tmp = _temp_beside(real)
                f = open_output(tmp)
                _copy_prefix(path, unchanged_bytes, f)
            f.write(after)
        if f is None:
            return False  # nothing would change: the file is not touched at all
        f.close()
        _commit(tmp, real, stat.S_IMODE(os.stat(real).st_mode))
        return True
    except BaseException:
        if f is not None:
            f.close()
        _discard(tmp)
        raise


def _copy_prefix(path: str, size: int, f: BinaryIO) -> None:
    """Copy the first `size` bytes of `path` (blocks that did not change) into `f`."""
    with open_input(path) as src:
        while size > 0:
            chunk = src.read(min(size, BLOCK_SIZE))
            if not chunk:
                raise OSError(f"{path} changed while being read")
            f.write(chunk)
            size -= len(chunk)


# --- diffs --------------------------------------------------------------------------------------
def _split_lines(text: str) -> list[str]:
    """Lines ending at LF (as diff and patch see them: CR stays part of the line)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _range(start: int, length: int) -> str:
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _regrouped(pairs, size: int):
    """Join consecutive (before, after) blocks into chunks of at least `size` input bytes."""
    before, after, n = [], [], 0
    for b, a in pairs:
        before.append(b)
        after.append(a)
        n += len(b)
        if n >= size:
            yield b"".join(before), b"".join(after)
            before, after, n = [], [], 0
    if before:
        yield b"".join(before), b"".join(after)


def write_diff(
    pairs, name: str, out: BinaryIO, errors: str = "strict", context: int = 3, chunk: int = BLOCK_SIZE
) -> bool:
    """Write a unified diff (`--- a/NAME`, `+++ b/NAME`, git style) of what changes.

    Blocks are regrouped into chunks of about `chunk` bytes and each chunk is diffed on its own,
    with its line numbers offset by the lines before it: memory stays flat, and only a hunk that
    meets a chunk edge (in inputs over `chunk` bytes) shows less context. Lines end at LF, as
    diff and patch see them. Returns whether anything changed.
    """
    from difflib import SequenceMatcher

    old_base = new_base = 0
    header = False
    for before, after in _regrouped(pairs, chunk):
        if after != before:
            a = _split_lines(before.decode("utf-8", errors))
            b = _split_lines(after.decode("utf-8", errors))
            for group in SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
                if not header:
                    out.write(f"--- a/{name}\n+++ b/{name}\n".encode("utf-8", "surrogateescape"))
                    header = True
                first, last = group[0], group[-1]
                i1, i2, j1, j2 = first[1], last[2], first[3], last[4]
                lines = [f"@@ -{_range(old_base + i1, i2 - i1)} +{_range(new_base + j1, j2 - j1)} @@\n"]
                for tag, ai1, ai2, bj1, bj2 in group:
                    if tag == "equal":
                        lines += [" " + line for line in a[ai1:ai2]]
                        continue
                    lines += ["-" + line for line in a[ai1:ai2]]
                    lines += ["+" + line for line in b[bj1:bj2]]
                text = "".join(
                    line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
                )
                out.write(text.encode("utf-8", "surrogateescape"))
        old_base += before.count(b"\n")
        new_base += after.count(b"\n")
    if header:
        out.flush()
    return header

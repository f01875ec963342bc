"""-j for one regular file written to a file descriptor: workers that write their own output.

    >>> import os, tempfile
    >>> from arabic_norm import Pipeline
    >>> path = os.path.join(tempfile.mkdtemp(), "big.txt")
    >>> with open(path, "w", encoding="utf-8") as f:
    ...     _ = f.write("كِتَابٌ\\n" * 1000)
    >>> with open(path + ".out", "wb") as out:            # or sys.stdout.fileno()
    ...     write_file_ordered(Pipeline.parse("diacritics"), path, out.fileno(), jobs=2)
    True
    >>> open(path + ".out", encoding="utf-8").read() == "كتاب\\n" * 1000
    True

The parent cuts the file into ranges (`stream.file_ranges`) and forks `jobs` workers; worker w
takes ranges w, w + jobs, w + 2*jobs, ... A worker normalizes its range, then waits for the
*token*: the workers form a ring of pipes, and the token (one byte) goes from the writer of range i
to the writer of range i + 1. So the output is written in input order, byte-identical to -j 1,
straight from the worker to `out_fd` (a file or a pipe): it never crosses a process boundary, and
the parent only reads small reports (a range done, whether it changed; or an error).

Failures are never swallowed. A worker that fails waits for its turn (so that everything before
the failing range is written, as with -j 1), reports the error pickled, and sends STOP round the
ring instead of the token: no later range is written. A worker that dies is noticed by the parent
(its report pipe closes without a goodbye), which sends STOP itself. The parent raises the error
of the earliest failing range, naming the file (and, for bytes that are not UTF-8, the line).

Needs `os.fork` (the workers inherit the compiled pipeline, the input and the output); elsewhere
the caller uses `parallel.file_pairs`.
"""

from __future__ import annotations

import os
import pickle
import selectors
import struct
from collections.abc import Callable
from typing import Any

from ..errors import WorkerError, portable, raise_from_worker
from .blocks import BOM, FILE_BLOCK_SIZE, Block, file_ranges, lines_counted_in
from .parallel import stateless_file
from .workers import die_with_parent, resolve_jobs

GO, STOP = b"g", b"s"
DONE = struct.Struct("<cQQ?")  # b"d", range start, range length, changed
ERROR = struct.Struct("<cQQ")  # b"e", range start, length of the pickled error that follows
BYE = b"x"  # the worker is finished (its pipe closing without this means it died)


def can_fork() -> bool:
    return hasattr(os, "fork")


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exactly(fd: int, n: int) -> bytes:
    """n bytes from a pipe, or fewer at end of file."""
    parts, got = [], 0
    while got < n:
        chunk = os.read(fd, n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def write_file_ordered(
    pipeline,
    path: str,
    out_fd: int,
    errors: str = "strict",
    block_size: int = FILE_BLOCK_SIZE,
    *,
    jobs: int = 2,
    progress: Callable[[int], Any] | None = None,
) -> bool:
    """Normalize the regular file at `path` into `out_fd` with `jobs` worker processes; return
    whether anything changed. `progress(n)` is called with the input bytes of each range done."""
    jobs = resolve_jobs(jobs)
    with open(path, "rb") as f:
        fd = f.fileno()
        start = len(BOM) if os.pread(fd, len(BOM), 0) == BOM else 0
        if start:  # the leading BOM is passed through as it is
            write_all(out_fd, BOM)
            if progress:
                progress(start)
        ranges = list(file_ranges(fd, os.fstat(fd).st_size, block_size, start, pipeline.cut_pair))
        with lines_counted_in(fd):
            if jobs == 1 or len(ranges) < 2 or not can_fork() or not stateless_file(pipeline, path):
                return _write_in_turn(pipeline, fd, ranges, out_fd, errors, progress)
            pipeline.prepare()  # compiled, numpy imported, tables built: the workers inherit it all
            return _run_workers(pipeline, path, fd, ranges, out_fd, errors, min(jobs, len(ranges)), progress)


def _write_in_turn(pipeline, fd, ranges, out_fd, errors, progress) -> bool:
    """One process: the same ranges, in order (the protection state carried, see protect.py)."""
    changed = False
    blocks = (Block(_read_range(fd, a, b), a, 0) for a, b in ranges)
    for block, out in pipeline.block_pairs(blocks, errors):
        write_all(out_fd, out)
        changed = changed or out is not block
        if progress:
            progress(len(block))
    return changed


def _read_range(fd: int, a: int, b: int) -> bytes:
    block = os.pread(fd, b - a, a)
    if len(block) != b - a:
        raise OSError(f"the file changed while it was being read (byte {a})")
    return block


# --- worker side --------------------------------------------------------------------------------
def _work(pipeline, fd, ranges, out_fd, errors, token_in: int, token_out: int, report: int) -> None:
    for a, b in ranges:
        try:
            block = _read_range(fd, a, b)
            out = pipeline.normalize_block(block, errors, a, 0)
        except BaseException as e:
            os.read(token_in, 1)  # wait for the turn: the ranges before this one are written first
            _report_error(report, a, e)
            os.write(token_out, STOP)
            return
        if os.read(token_in, 1) != GO:  # an earlier range failed: write nothing more
            os.write(token_out, STOP)
            return
        try:
            write_all(out_fd, out)
        except BaseException as e:
            _report_error(report, a, e)
            os.write(token_out, STOP)
            return
        os.write(token_out, GO)
        os.write(report, DONE.pack(b"d", a, b - a, out is not block))


def _report_error(report: int, a: int, error: BaseException) -> None:
    data = pickle.dumps(portable(error))
    write_all(report, ERROR.pack(b"e", a, len(data)) + data)


# --- parent side --------------------------------------------------------------------------------
def _run_workers(pipeline, path, fd, ranges, out_fd, errors, jobs, progress) -> bool:
    ring = [os.pipe() for _ in range(jobs)]  # worker w reads the token from ring[w]
    reports: dict[int, int] = {}  # report pipe -> pid
    parent = os.getpid()
    try:
        for w in range(jobs):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                code = 0
                try:
                    die_with_parent(parent)
                    os.close(read_end)
                    token_out = ring[(w + 1) % jobs][1]
                    _work(pipeline, fd, ranges[w::jobs], out_fd, errors, ring[w][0], token_out, write_end)
                    os.write(write_end, BYE)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(write_end)
            reports[read_end] = pid
        os.write(ring[0][1], GO)
        return _collect(path, reports, ring, progress)
    finally:
        for read_end, write_end in ring:
            os.close(read_end)
            os.close(write_end)


def _collect(path: str, reports: dict[int, int], ring, progress) -> bool:
    """Read the workers' reports until every worker has said goodbye (or died); raise the error
    of the earliest failing range."""
    changed, failures = False, []  # failures: (range start, error)
    selector = selectors.DefaultSelector()
    for read_end in reports:
        selector.register(read_end, selectors.EVENT_READ)
    try:
        while selector.get_map():
            for key, _ in selector.select():
                kind = read_exactly(key.fd, 1)
                if kind in (b"d", b"e"):
                    block_changed = _read_report(key.fd, kind, failures, progress)
                    changed = changed or block_changed
                else:
                    selector.unregister(key.fd)
                    _reap(key.fd, kind, reports[key.fd], ring, failures)
    except BaseException:
        for _, write_end in ring:  # e.g. Ctrl-C: the workers stop after their current range
            os.write(write_end, STOP)
        for read_end in list(selector.get_map()):
            os.close(read_end)
            os.waitpid(reports[read_end], 0)
        raise
    finally:
        selector.close()
    if failures:
        a, error = min(failures, key=lambda f: f[0])
        raise_from_worker(path if a == float("inf") else f"{path} (block at byte {a})", error)
    return changed


def _read_report(read_end: int, kind: bytes, failures: list, progress) -> bool:
    """The rest of a worker's report on one range: done (whether it changed; its size to
    `progress`) or failed (its error added to `failures`)."""
    if kind == b"d":
        _, _, n, block_changed = DONE.unpack(kind + read_exactly(read_end, DONE.size - 1))
        if progress:
            progress(n)
        return block_changed
    _, a, size = ERROR.unpack(kind + read_exactly(read_end, ERROR.size - 1))
    failures.append((a, pickle.loads(read_exactly(read_end, size))))
    return False


def _reap(read_end: int, kind: bytes, pid: int, ring, failures: list) -> None:
    """A worker said goodbye, or its pipe closed without one (it died: every worker is told to
    stop): close its pipe and wait for it; an exit status other than 0 is a failure."""
    if kind != BYE:
        failures.append((float("inf"), WorkerError("worker", "a worker process died")))
        for _, write_end in ring:
            os.write(write_end, STOP)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if status and kind == BYE:
        failures.append((float("inf"), WorkerError("worker", f"a worker exited with status {status}")))

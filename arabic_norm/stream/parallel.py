"""-j on one input: its blocks normalized in worker processes, in order.

    >>> import io
    >>> from arabic_norm import Pipeline
    >>> out = io.BytesIO()
    >>> normalize_stream(Pipeline.parse("tatweel"), io.BytesIO("كتـــاب\\n".encode()).read, out.write, jobs=2)
    >>> print(out.getvalue().decode(), end="")
    كتاب

The output is byte-identical to `-j 1`, and at most `2 * jobs` blocks are in flight, so memory
stays flat whatever the input size: the reader waits for the oldest block to be written before it
reads another. A regular file is not read by the parent: the workers read their own byte ranges
(`file_pairs`), and only the blocks that changed travel back. A block in which a protected region
could open (protect.py `stateless`) and everything after it are normalized here, in order.

(One regular file written to a file descriptor has a faster path of its own, ring.py: the workers
write their output themselves. The workers themselves: workers.py.)
"""

from __future__ import annotations

import itertools
import os
import stat
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import portable
from ..protect import State
from .blocks import BOM, FILE_BLOCK_SIZE, file_ranges, lines_counted_in, positioned_blocks
from .workers import WORKER_STATE, resolve_jobs, start_pool, task_result

if TYPE_CHECKING:
    from concurrent.futures import Future

# Work sent to a worker costs a round trip between processes: workers get file-sized blocks.
WORKER_BLOCK_SIZE = FILE_BLOCK_SIZE


# --- worker side: one block, or one byte range of a file -----------------------------------------
def _run_block(block: bytes, errors: str, offset: int, lines: int) -> tuple[bool, Any]:
    try:
        return True, WORKER_STATE["pipeline"].normalize_block(block, errors, offset, lines)
    except BaseException as e:
        return False, portable(e)


def _normalize_range(path: str, start: int, end: int, errors: str, identity: tuple[int, int]) -> tuple[bytes, bytes]:
    """The block [start, end) of the file at `path`, read by this worker, and its normalized bytes.
    The path must still name the file the parent has open (`identity`: device and inode), or
    the worker would read an editor's new file while the parent reads the old one."""
    fds = WORKER_STATE.setdefault("fds", {})
    if (path, identity) not in fds:
        fd = os.open(path, os.O_RDONLY)
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != identity:
            os.close(fd)
            raise OSError(f"{path} changed while it was being read (replaced)")
        fds[path, identity] = fd
    block = os.pread(fds[path, identity], end - start, start)
    if len(block) != end - start:
        raise OSError(f"{path} changed while it was being read")
    return block, WORKER_STATE["pipeline"].normalize_block(block, errors, start, 0)


def _run_range(path: str, start: int, end: int, errors: str, identity: tuple[int, int]) -> tuple[bool, Any]:
    try:
        block, out = _normalize_range(path, start, end, errors, identity)
        return True, None if out is block else out  # an unchanged block does not travel back
    except BaseException as e:
        return False, portable(e)


def _pread_reader(fd: int) -> Callable[[int], bytes]:
    """read(n) over `fd` from its start, by os.pread: the descriptor's own offset is left alone."""
    at = 0

    def read(n: int) -> bytes:
        nonlocal at
        data = os.pread(fd, n, at)
        at += len(data)
        return data

    return read


# --- parent side --------------------------------------------------------------------------------
def normalize_stream(
    pipeline,
    read: Callable[[int], bytes],
    write: Callable[[bytes], Any],
    *,
    jobs: int = 1,
    errors: str = "strict",
    block_size: int = WORKER_BLOCK_SIZE,
    name: str = "<stdin>",
    progress: Callable[[int], Any] | None = None,
) -> None:
    """Normalize the byte stream `read` into `write`, with `jobs` processes (0: all cores).

    Output is byte-identical to `pipeline.iter_normalized(read, errors, block_size)` for every
    `jobs`. `progress(n)` is called with the number of input bytes consumed after each block.
    """
    for before, out in parallel_pairs(pipeline, read, errors, block_size, jobs=jobs, name=name):
        write(out)
        if progress:
            progress(len(before))


def normalize_file(
    pipeline,
    path: str,
    write: Callable[[bytes], Any],
    *,
    jobs: int = 1,
    errors: str = "strict",
    block_size: int = WORKER_BLOCK_SIZE,
    progress: Callable[[int], Any] | None = None,
) -> None:
    """Normalize the file at `path` into `write`, with `jobs` processes (see `file_pairs`)."""
    for before, out in file_pairs(pipeline, path, errors, block_size, jobs=jobs):
        write(out)
        if progress:
            progress(len(before))


def file_pairs(
    pipeline,
    path: str,
    errors: str = "strict",
    block_size: int = WORKER_BLOCK_SIZE,
    *,
    jobs: int = 2,
    fd: int | None = None,
) -> Iterator[tuple[bytes, bytes]]:
    """(input block, output block) pairs for the file at `path`, like `parallel_pairs`; but for a
    regular (uncompressed) file the workers read their own ranges (`os.pread`), so only the output
    of blocks that changed crosses the process boundary. `fd`: the file already open (read here
    through it, never through the path again; the workers check that the path still names it)."""
    if fd is None:
        with open(path, "rb") as f:
            yield from file_pairs(pipeline, path, errors, block_size, jobs=jobs, fd=f.fileno())
        return
    jobs = resolve_jobs(jobs)
    st = os.fstat(fd)
    read = _pread_reader(fd)
    if not stat.S_ISREG(st.st_mode) or not stateless_file(pipeline, path):
        yield from parallel_pairs(pipeline, read, errors, block_size, jobs=jobs, name=path)
        return
    if jobs == 1 or st.st_size <= block_size:  # one range: no worker to start
        yield from pipeline.iter_pairs(read, errors, block_size)
        return
    yield from _range_pairs(pipeline, path, fd, st, errors, block_size, jobs)


def _range_pairs(pipeline, path: str, fd: int, st: os.stat_result, errors: str, block_size: int, jobs: int):
    """`file_pairs` of a regular file: its byte ranges normalized by `jobs` workers, in order."""
    jobs = min(jobs, -(-st.st_size // block_size))  # no more workers than ranges
    identity = (st.st_dev, st.st_ino)
    start = 0
    if os.pread(fd, len(BOM), 0) == BOM:
        yield BOM, BOM
        start = len(BOM)
    in_flight: deque[tuple[Future, int, int]] = deque()

    def oldest() -> tuple[bytes, bytes]:
        future, a, b = in_flight.popleft()
        with lines_counted_in(fd):  # the worker could not count the lines before its range
            out = task_result(future, f"{path} (block at byte {a})")
        before = os.pread(fd, b - a, a)
        return before, before if out is None else out

    with start_pool(jobs, pipeline) as pool:
        try:
            for a, b in file_ranges(fd, st.st_size, block_size, start, pipeline.cut_pair):
                in_flight.append((pool.submit(_run_range, path, a, b, errors, identity), a, b))
                while len(in_flight) >= 2 * jobs:
                    yield oldest()
            while in_flight:
                yield oldest()
        finally:
            for future, _, _ in in_flight:
                future.cancel()


def stateless_file(pipeline, path: str) -> bool:
    """Whether worker processes may normalize the blocks of the file at `path` each alone (no
    protected region can open in it, see protect.py)."""
    return pipeline.protect is None or pipeline.protect.file_stateless(path)


def parallel_pairs(
    pipeline,
    read: Callable[[int], bytes],
    errors: str = "strict",
    block_size: int = WORKER_BLOCK_SIZE,
    *,
    jobs: int = 2,
    name: str = "<stdin>",
) -> Iterator[tuple[bytes, bytes]]:
    """(input block, output block) pairs, in order, exactly as `Pipeline.iter_pairs` yields
    them, the blocks normalized in `jobs` worker processes (at most `2 * jobs` in flight)."""
    jobs = resolve_jobs(jobs)
    if jobs == 1:
        yield from pipeline.iter_pairs(read, errors, block_size)
        return
    blocks = positioned_blocks(read, block_size, pipeline.cut_pair)
    first: list = []  # read ahead up to `jobs` blocks: no more workers than blocks
    for block in blocks:
        if block.verbatim:  # the leading BOM: first, so nothing is in flight yet
            yield block.data, block.data
            continue
        first.append(block)
        if len(first) == jobs:
            break
    if len(first) < 2:  # the whole input is one block: no worker to start
        yield from pipeline.block_pairs(first, errors)
        return
    in_flight: deque[tuple[Future, int, bytes]] = deque()
    protect, midline = pipeline.protect, False
    with start_pool(min(jobs, len(first)), pipeline) as pool:
        try:
            rest = itertools.chain(first, blocks)
            for block in rest:
                if protect is not None and not protect.stateless(block.data):  # the rest in turn
                    while in_flight:
                        future, at, before = in_flight.popleft()
                        yield before, task_result(future, f"{name} (block at byte {at})")
                    yield from pipeline.block_pairs(itertools.chain([block], rest), errors, State(midline=midline))
                    return
                midline = block.data[-1:] not in (b"\n", b"\r")
                future = pool.submit(_run_block, block.data, errors, block.offset, block.lines)
                in_flight.append((future, block.offset, block.data))
                while len(in_flight) >= 2 * jobs:
                    future, at, before = in_flight.popleft()
                    yield before, task_result(future, f"{name} (block at byte {at})")
            while in_flight:
                future, at, before = in_flight.popleft()
                yield before, task_result(future, f"{name} (block at byte {at})")
        finally:
            for future, _, _ in in_flight:
                future.cancel()

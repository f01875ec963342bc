"""All cores: across the blocks of one big stream, and across many files.

    >>> normalize_stream(pipeline, src.read, dst.write, jobs=2)          # one big file or stdin
    >>> for outcome in map_ordered(process, files, jobs=4, shared=(pipeline,), weight=size):
    ...     outcome.result()                    # raises the worker's error; files sent in batches

Both keep the order of the input (the output of `-j 4` is byte-identical to `-j 1`) and keep a
bounded number of tasks in flight (`2 * jobs`), so memory stays flat whatever the input size: the
reader waits for the oldest block to be written before it reads another.

(One regular file written to stdout has a faster path of its own, ordered.py: the workers write
their output themselves.)

Workers are a `concurrent.futures.ProcessPoolExecutor`. The pipeline is sent once per worker (it
pickles as its specification and is compiled in the worker). An exception raised in a worker is
re-raised in the parent as the same type when it can cross the process boundary
(`UndecodableInput`, `MalformedRecord`, `OSError`...), otherwise as `WorkerError`; either way it
names the file that was being worked on and carries the worker's traceback. A worker that dies
(killed, out of memory) is reported the same way, never ignored.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UndecodableInput, WorkerError, portable, raise_from_worker
from ..protect import State
from .blocks import BOM, FILE_BLOCK_SIZE, file_ranges, lines_counted_in, positioned_blocks

if TYPE_CHECKING:  # concurrent.futures is imported when a pool is made (start-up time of the CLI)
    from concurrent.futures import Future, ProcessPoolExecutor

# Work sent to a worker costs a round trip between processes: workers get file-sized blocks.
WORKER_BLOCK_SIZE = FILE_BLOCK_SIZE


def resolve_jobs(jobs: int | None) -> int:
    """`-j` value -> number of processes: 0 (or None) means every core."""
    if jobs is None or jobs == 0:
        try:
            return len(os.sched_getaffinity(0))
        except (AttributeError, OSError):  # pragma: no cover (not Linux)
            return os.cpu_count() or 1
    if jobs < 0:
        raise ValueError(f"--jobs must be 0 (all cores) or a positive number, not {jobs}")
    return jobs


# --- worker side --------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}
PR_SET_PDEATHSIG = 1  # linux/prctl.h


# Called in a worker that is stopped (SIGTERM, which it also gets when its parent dies) before it
# exits: the command registers the removal of its temporary files here (cli/signals.py).
ON_STOP: list[Callable[[], Any]] = []


def _stopped(signum: int, frame) -> None:
    for hook in ON_STOP:
        with contextlib.suppress(Exception):  # ending anyway; the next run removes what is left
            hook()
    os._exit(128 + signum)


def die_with_parent(parent: int) -> None:
    """Make this worker process end when its parent does, however the parent ends (kill -9
    included): on Linux the kernel sends it SIGTERM (prctl PR_SET_PDEATHSIG), on which it runs
    `ON_STOP` and exits; a parent already gone before that (its pid is no longer our parent's)
    ends the worker at once. Ctrl-C reaches the whole process group: a worker ignores SIGINT and
    lets the parent decide (a worker interrupted inside a pool's queue lock hung the parent)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stopped)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover (no prctl)
            pass
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(pipeline, parent: int | None = None, shared: tuple = ()) -> None:
    if parent is not None:
        die_with_parent(parent)
    _STATE["pipeline"] = pipeline
    _STATE["shared"] = shared  # map_ordered's arguments common to every item: sent once per worker
    if pipeline is not None:
        _ = pipeline.passes  # compile once per worker


def in_worker() -> bool:
    """Whether this process is a worker of one of these pools (its initializer ran)."""
    return "shared" in _STATE


def _run_block(block: bytes, errors: str, offset: int, lines: int) -> tuple[bool, Any]:
    try:
        return True, _STATE["pipeline"].normalize_block(block, errors, offset, lines)
    except BaseException as e:
        return False, portable(e)


def _normalize_range(path: str, start: int, end: int, errors: str) -> tuple[bytes, bytes]:
    fds = _STATE.setdefault("fds", {})
    if path not in fds:
        fds[path] = os.open(path, os.O_RDONLY)
    block = os.pread(fds[path], end - start, start)
    if len(block) != end - start:
        raise OSError(f"{path} changed while it was being read")
    return block, _STATE["pipeline"].normalize_block(block, errors, start, 0)


def _run_range(path: str, start: int, end: int, errors: str) -> tuple[bool, Any]:
    try:
        block, out = _normalize_range(path, start, end, errors)
        return True, None if out is block else out  # an unchanged block does not travel back
    except BaseException as e:
        return False, portable(e)


def _run_call(fn: Callable, item: Any) -> tuple[bool, Any]:
    try:
        return True, fn(item, *_STATE.get("shared", ()))
    except BaseException as e:
        return False, portable(e)


def _run_batch(fn: Callable, items: list) -> list[tuple[bool, Any]]:
    """A batch of map_ordered's items in one task: one round trip for them all, each item's error
    its own (the others still run)."""
    return [_run_call(fn, item) for item in items]


# --- parent side --------------------------------------------------------------------------------
def _executor(jobs: int, pipeline=None, shared: tuple = ()) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    if pipeline is not None:
        pipeline.prepare()  # before the workers fork: they inherit the tables
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(pipeline, os.getpid(), shared))


def _result(future: Future, where: str):
    from concurrent.futures.process import BrokenProcessPool

    try:
        ok, value = future.result()
    except BrokenProcessPool as e:
        raise WorkerError(where, f"a worker process died ({e})") from e
    if not ok:
        raise_from_worker(where, value)
    return value


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
    pipeline, path: str, errors: str = "strict", block_size: int = WORKER_BLOCK_SIZE, *, jobs: int = 2
) -> Iterator[tuple[bytes, bytes]]:
    """(input block, output block) pairs for the file at `path`, like `parallel_pairs`; but for a
    regular (uncompressed) file the workers read their own ranges (`os.pread`), so only the output
    of blocks that changed crosses the process boundary."""
    jobs = resolve_jobs(jobs)
    with open(path, "rb") as f:
        fd = f.fileno()
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not stateless_file(pipeline, path):
            yield from parallel_pairs(pipeline, f.read, errors, block_size, jobs=jobs, name=path)
            return
        if jobs == 1 or st.st_size <= block_size:  # one range: no worker to start
            yield from pipeline.iter_pairs(f.read, errors, block_size)
            return
        jobs = min(jobs, -(-st.st_size // block_size))  # no more workers than ranges
        start = 0
        if os.pread(fd, len(BOM), 0) == BOM:
            yield BOM, BOM
            start = len(BOM)
        in_flight: deque[tuple[Future, int, int]] = deque()

        def oldest() -> tuple[bytes, bytes]:
            future, a, b = in_flight.popleft()
            with lines_counted_in(fd):  # the worker could not count the lines before its range
                out = _result(future, f"{path} (block at byte {a})")
            before = os.pread(fd, b - a, a)
            return before, before if out is None else out

        with _executor(jobs, pipeline) as pool:
            try:
                for a, b in file_ranges(fd, st.st_size, block_size, start, pipeline.cut_pair):
                    in_flight.append((pool.submit(_run_range, path, a, b, errors), a, b))
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
    with _executor(min(jobs, len(first)), pipeline) as pool:
        try:
            rest = itertools.chain(first, blocks)
            for block in rest:
                if protect is not None and not protect.stateless(block.data):  # the rest in turn
                    while in_flight:
                        future, at, before = in_flight.popleft()
                        yield before, _result(future, f"{name} (block at byte {at})")
                    yield from pipeline.block_pairs(itertools.chain([block], rest), errors, State(midline=midline))
                    return
                midline = block.data[-1:] not in (b"\n", b"\r")
                future = pool.submit(_run_block, block.data, errors, block.offset, block.lines)
                in_flight.append((future, block.offset, block.data))
                while len(in_flight) >= 2 * jobs:
                    future, at, before = in_flight.popleft()
                    yield before, _result(future, f"{name} (block at byte {at})")
            while in_flight:
                future, at, before = in_flight.popleft()
                yield before, _result(future, f"{name} (block at byte {at})")
        finally:
            for future, _, _ in in_flight:
                future.cancel()


@dataclass
class Outcome:
    """The result of one task of `map_ordered`: `value`, or the `error` it raised."""

    item: Any
    value: Any = None
    error: BaseException | None = None

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


# Many small files: each task carries a batch of them, so that the round trip between processes
# (and a worker's wake-up) is paid per batch, not per file. A batch closes when its files reach
# BATCH_BYTES or BATCH_ITEMS; a run whose items all fit in one batch runs here, with no worker.
BATCH_BYTES = 1 << 20
BATCH_ITEMS = 256


def batches(items: Iterable, weight: Callable[[Any], int], max_weight: int = 0, max_items: int = 0) -> Iterator[list]:
    """`items` cut, in order, into consecutive batches of at most `max_items` (default BATCH_ITEMS),
    each closed as soon as its `weight` reaches `max_weight` (default BATCH_BYTES; an item heavier
    than that is a batch of its own). Lazily: an item is weighed when its batch is made."""
    max_weight, max_items = max_weight or BATCH_BYTES, max_items or BATCH_ITEMS
    group: list = []
    total = 0
    for item in items:
        group.append(item)
        total += weight(item)
        if total >= max_weight or len(group) >= max_items:
            yield group
            group, total = [], 0
    if group:
        yield group


def map_ordered(
    fn: Callable[..., Any],
    items: Iterable[Any],
    *,
    jobs: int = 1,
    describe: Callable[[Any], str] = str,
    pipeline=None,
    shared: tuple = (),
    weight: Callable[[Any], int] | None = None,
) -> Iterator[Outcome]:
    """Run `fn(item, *shared)` for every item in `jobs` processes; yield an `Outcome` per item, in order.

    `fn` must be a module-level function (it is pickled). An error is not raised here but handed
    back as `outcome.error` (so the caller can report it and go on with the other items, then exit
    with the right code); `outcome.result()` raises it. Errors that cannot cross the process
    boundary, and dead workers, become `WorkerError` naming `describe(item)`. `pipeline`, if given,
    is compiled once per worker before the first task; `shared` is sent once to each worker (not
    with every item). With `weight` (an item's size in bytes), items travel in `batches`: one task
    per batch, no more workers than batches, and none at all for a single batch.
    """
    items = list(items)
    groups = batches(items, weight) if weight is not None else ([item] for item in items)
    first = list(itertools.islice(groups, resolve_jobs(jobs)))  # read ahead: no more workers than tasks
    jobs = len(first)
    if jobs <= 1:  # one task (or none): no worker to start
        yield from _map_here(fn, items, shared)
        return
    in_flight: deque[tuple[list, Future]] = deque()
    with _executor(jobs, pipeline, shared) as pool:
        try:
            for group in itertools.chain(first, groups):
                in_flight.append((group, pool.submit(_run_batch, fn, group)))
                while len(in_flight) >= 2 * jobs:
                    yield from _drain(in_flight, describe)
            while in_flight:
                yield from _drain(in_flight, describe)
        except BaseException:
            for _, future in in_flight:
                future.cancel()
            raise


def _map_here(fn: Callable[..., Any], items: list, shared: tuple) -> Iterator[Outcome]:
    """`map_ordered` in this process: the same outcomes, no worker."""
    for item in items:
        try:
            yield Outcome(item, fn(item, *shared))
        except Exception as e:
            yield Outcome(item, error=e)


def _drain(in_flight: deque, describe: Callable[[Any], str]) -> Iterator[Outcome]:
    """The outcomes of the oldest batch in flight, in order."""
    from concurrent.futures.process import BrokenProcessPool

    group, future = in_flight.popleft()
    try:
        results = future.result()
    except Exception as e:  # the worker died (or its results could not travel back): the batch failed
        why = f"a worker process died ({e})" if isinstance(e, BrokenProcessPool) else f"{type(e).__name__}: {e}"
        for item in group:
            yield Outcome(item, error=WorkerError(describe(item), why))
        return
    for item, (ok, value) in zip(group, results, strict=True):
        yield _outcome(item, ok, value, describe)


def _outcome(item, ok: bool, value, describe: Callable[[Any], str]) -> Outcome:
    """One item's outcome from a worker: its value, or its error as raised here."""
    if ok:
        return Outcome(item, value)
    try:
        raise_from_worker(describe(item), value)
    except Exception as e:  # input errors as they are, anything else a WorkerError naming the item
        if isinstance(e, (UndecodableInput, OSError, ValueError)) and not isinstance(e, WorkerError):
            return Outcome(item, error=e)
        return Outcome(item, error=e if isinstance(e, WorkerError) else WorkerError(describe(item), str(e)))
    raise AssertionError("raise_from_worker returned")  # pragma: no cover

"""-j on many items (files): `map_ordered` runs a function on each in worker processes, sending
them in batches, and yields their outcomes in input order.

    >>> [o.value for o in map_ordered(abs, [-1, 2, -3], jobs=2, weight=lambda n: 1)]
    [1, 2, 3]
    >>> list(map_ordered(int, ["1", "x"], jobs=2, weight=len))[1].error
    ValueError("invalid literal for int() with base 10: 'x'")

(Both run here: all their items fit in one batch, and one task starts no worker; with more, the
same outcomes come from the workers.) An item's error is its own outcome, never raised: the caller reports it and goes
on with the others. At most `2 * jobs` batches are in flight. The worker processes themselves:
workers.py; the blocks of one input across workers: parallel.py.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UndecodableInput, WorkerError, portable, raise_from_worker
from .parallel import normalize_file, normalize_stream
from .workers import WORKER_STATE, resolve_jobs, start_pool

if TYPE_CHECKING:
    from concurrent.futures import Future

# Tests and benchmarks import these from here (where they were before parallel.py and workers.py).
__all__ = [
    "BATCH_BYTES",
    "BATCH_ITEMS",
    "Outcome",
    "WorkerError",
    "batches",
    "map_ordered",
    "normalize_file",
    "normalize_stream",
    "resolve_jobs",
]


def _run_call(fn: Callable, item: Any) -> tuple[bool, Any]:
    try:
        return True, fn(item, *WORKER_STATE.get("shared", ()))
    except BaseException as e:
        return False, portable(e)


def _run_batch(fn: Callable, items: list) -> list[tuple[bool, Any]]:
    """A batch of map_ordered's items in one task: one round trip for them all, each item's error
    its own (the others still run)."""
    return [_run_call(fn, item) for item in items]


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
    with start_pool(jobs, pipeline, shared) as pool:
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

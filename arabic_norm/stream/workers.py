"""Worker processes for -j: how many, how each starts and stops, how a task's result or error
comes back to the parent.

    >>> resolve_jobs(3)
    3

Workers are a `concurrent.futures.ProcessPoolExecutor` (`start_pool`). The pipeline is sent once
per worker (it pickles as its specification and is compiled in the worker), and so are the
arguments every task shares. A task returns (True, value) or (False, error): an exception raised in
a worker is re-raised in the parent (`task_result`) as the same type when it can cross the process
boundary (`UndecodableInput`, `MalformedRecord`, `OSError`...), otherwise as `WorkerError`; either
way it names what was being worked on and carries the worker's traceback. A worker that dies
(killed, out of memory) is reported the same way, never ignored. A worker ends with its parent.

What runs in the workers: parallel.py (the blocks of one input), pool.py (`map_ordered`, many items).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..engine import kernel
from ..errors import WorkerError, raise_from_worker

if TYPE_CHECKING:  # concurrent.futures is imported when a pool is made (start-up time of the CLI)
    from concurrent.futures import Future, ProcessPoolExecutor


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
# What a worker holds for its tasks: "pipeline" (compiled once), "shared" (map_ordered's arguments
# common to every item), "fds" (parallel.py: the files whose ranges it reads).
WORKER_STATE: dict[str, Any] = {}
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
    if sys.platform.startswith("linux") and not kernel.parent_death_signal(signal.SIGTERM):
        try:  # without the compiled kernel
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover (no prctl)
            pass
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(pipeline, parent: int | None = None, shared: tuple = ()) -> None:
    if parent is not None:
        die_with_parent(parent)
    WORKER_STATE["pipeline"] = pipeline
    WORKER_STATE["shared"] = shared  # map_ordered's arguments common to every item: sent once per worker
    if pipeline is not None:
        _ = pipeline.passes  # compile once per worker


def in_worker() -> bool:
    """Whether this process is a worker of one of these pools (its initializer ran)."""
    return "shared" in WORKER_STATE


# --- parent side --------------------------------------------------------------------------------
def start_pool(jobs: int, pipeline=None, shared: tuple = ()) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    if pipeline is not None:
        pipeline.prepare()  # before the workers fork: they inherit the tables
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(pipeline, os.getpid(), shared))


def task_result(future: Future, where: str):
    from concurrent.futures.process import BrokenProcessPool

    try:
        ok, value = future.result()
    except BrokenProcessPool as e:
        raise WorkerError(where, f"a worker process died ({e})") from e
    if not ok:
        raise_from_worker(where, value)
    return value

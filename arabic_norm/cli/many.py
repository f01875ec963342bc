"""Many inputs: one after another here (`-j` then splits each file into blocks), across worker
processes with `-j N` (files in batches, results reported in input order, as with -j 1), or one
task per file on a Dask cluster (--dask); and at the end of the run, one fsync per directory that
files were renamed into (`sync_written`). One input: process.py.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ..errors import UsageError
from ..pipeline import Pipeline
from .atomic import real_path, sync_directories
from .discover import Missing, Source
from .process import FileResult, Settings, process_file
from .streams import StdoutWriter
from .writeback import WriteBack

# The modes that write nothing to stdout: with -j and several files, files in batches to worker processes.
ACROSS_FILES = (WriteBack.OUTPUT, WriteBack.IN_PLACE, WriteBack.CHECK)


def process_all(pipeline: Pipeline, sources, targets: dict, settings: Settings, report, bar=None) -> None:
    """Every input in order, each result handed to `report.add` (a path that does not exist to
    `report.missing`). With -j N, in the modes that write nothing to stdout, and several files: the
    files in batches to worker processes; otherwise one file after another here (-j then splits
    each file)."""
    files = [s for s in sources if isinstance(s, Source)]
    if settings.jobs > 1 and settings.mode in ACROSS_FILES and len(files) > 1:
        _process_across_files(pipeline, sources, targets, settings, report, bar)
        return
    if settings.jobs > 1 and (settings.fields or settings.columns):
        raise UsageError(
            "-j with --field/--column: records are not split across workers; -j runs one file per worker "
            "with several files and -i, --check or --output-dir"
        )
    out = StdoutWriter(sys.stdout.buffer) if settings.mode in (WriteBack.STDOUT, WriteBack.DIFF) else None
    n = 0
    for item in sources:
        if isinstance(item, Missing):
            report.missing(item.path)
            continue
        n += 1
        if bar:
            bar.file(item.name, n, len(files))
        on_block = bar.advance if bar else None
        report.add(process_file(pipeline, item, targets.get(item), settings, out=out, on_block=on_block))


def process_on_dask(address: str, pipeline: Pipeline, sources, targets: dict, settings: Settings, report) -> None:
    """--dask: one task per file on the cluster at `address` (arabic_norm.dask), results reported
    in input order, as `process_all` reports them."""
    try:
        from distributed import Client

        from ..dask import run_tasks
    except ImportError as e:
        raise UsageError(f"--dask needs dask and distributed (pip install dask distributed): {e}") from None
    try:
        client = Client(address)
    except (OSError, ValueError, TypeError) as e:
        raise UsageError(f"--dask {address}: cannot reach the scheduler: {e}") from None
    with client:
        tasks = [(pipeline, s, targets[s], settings) for s in sources if isinstance(s, Source)]
        done = iter(run_tasks(client, tasks))
    for item in sources:
        if isinstance(item, Missing):
            report.missing(item.path)
        else:
            report.add(next(done))


def _process_batched(item, pipeline: Pipeline, settings: Settings) -> tuple[FileResult, str]:
    """One file of a batch: its result and, in a worker process, what it wrote to stderr
    (malformed records skipped...), which the parent writes just before reporting it, so that
    messages come out in input order whichever worker ran the file. (Here, in the parent, stderr
    is left alone: a progress bar draws on it meanwhile.) Module level: it is pickled."""
    import io

    from ..stream.workers import in_worker

    source, target = item
    if not in_worker():
        return process_file(pipeline, source, target, settings), ""
    messages = io.StringIO()
    with contextlib.redirect_stderr(messages):
        result = process_file(pipeline, source, target, settings)
    return result, messages.getvalue()


def _size(item) -> int:
    """A file's weight in a batch: its size on disk (0 when it cannot be read: it is reported then)."""
    try:
        return os.stat(item[0].path).st_size
    except (OSError, TypeError):
        return 0


def _process_across_files(pipeline: Pipeline, sources, targets: dict, settings: Settings, report, bar) -> None:
    """-j N over many files: small files in batches (stream/pool.py `batches`: one task per batch,
    the pipeline and settings sent once to each worker), a big file alone in its task; results
    and messages reported in input order, exactly as with -j 1."""
    from ..stream.pool import map_ordered

    files = [s for s in sources if isinstance(s, Source)]
    items = [(s, targets.get(s)) for s in files]
    shared = (pipeline, settings._replace(jobs=1))  # one worker per file: its blocks are not split
    outcomes = map_ordered(
        _process_batched,
        items,
        jobs=settings.jobs,
        describe=lambda item: item[0].name,
        pipeline=pipeline,
        shared=shared,
        weight=_size,
    )
    n = 0
    with contextlib.closing(outcomes):  # the pool is shut down even if a missing path comes last
        for item in sources:
            if isinstance(item, Missing):
                report.missing(item.path)
                continue
            outcome = next(outcomes)
            n += 1
            if outcome.error is not None:
                result = FileResult(item.name, "error", str(outcome.error))
            else:
                result, messages = outcome.value
                if messages:
                    sys.stderr.write(messages)
            if bar:
                bar.file(item.name, n, len(files))
                bar.advance(result.bytes_read)
            report.add(result)


def sync_written(results, targets: dict, settings: Settings) -> None:
    """At the end of a run, fsync once each directory a file was renamed into: with -i always (the
    rewritten files are then durable when the command returns), with -o/--output-dir only with
    --fsync (with the directories above, which --output-dir may have created)."""
    if settings.mode == WriteBack.IN_PLACE:
        paths = [r.source for r in results if r.changed]
    elif settings.mode == WriteBack.OUTPUT and settings.fsync:
        target_of = {s.name: t for s, t in targets.items()}
        paths = [target_of[r.source] for r in results if r.status in ("changed", "unchanged") and r.source in target_of]
    else:
        return
    directories = set()
    for path in paths:
        directory = os.path.dirname(real_path(path))
        while directory not in directories:
            directories.add(directory)
            if settings.mode == WriteBack.IN_PLACE:
                break
            directory = os.path.dirname(directory)
    sync_directories(directories)

"""Ctrl-C (SIGINT) and SIGTERM in the command: stop at once, cleanly.

The parent process removes the temporary files it has not committed, writes one line on stderr
(`arabic-norm: interrupted`) and exits 128 + the signal's number (130, 143), from wherever it is:
the handler ends the process itself (`os._exit`) instead of raising KeyboardInterrupt, so no
traceback is printed and nothing waits for a pool's queue or for a worker to finish its block.
Worker processes ignore SIGINT (Ctrl-C reaches the whole process group; the parent decides) and
end on SIGTERM, which they also get when their parent dies (see stream/workers.py `die_with_parent`),
removing their own temporary files first. A file being replaced is therefore either the complete
old or the complete new file, and at most a `.arabic-norm-tmp-*` file is left, by kill -9 only
(the next run writing in that directory removes it).
"""

from __future__ import annotations

import contextlib
import os
import signal

from ..stream import workers
from .writeback import remove_temporary_files

MESSAGES = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


def _stop(signum: int, frame) -> None:
    remove_temporary_files()
    with contextlib.suppress(OSError):  # stderr closed: the exit status says it
        os.write(2, f"arabic-norm: {MESSAGES.get(signum, 'stopped')}\n".encode())
    os._exit(128 + signum)


def install() -> None:
    """Handle SIGINT and SIGTERM as above, in this (the parent) process; and have worker processes
    remove their temporary files when they are stopped."""
    for signum in MESSAGES:
        signal.signal(signum, _stop)
    if remove_temporary_files not in workers.ON_STOP:
        workers.ON_STOP.append(remove_temporary_files)

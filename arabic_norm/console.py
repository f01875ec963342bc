"""The `arabic-norm` console script and `python -m arabic_norm`: the first code the command runs.

Ctrl-C must end the command with exit 130 and one line on stderr from its very first moment, but
the command's own handler (cli/signals.py) can only be installed once click, rich and the engine
are imported, a tenth of a second or more. Until then this one holds: nothing has been read or
written yet, so there is nothing to clean up and the process just ends.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal


def _stop_early(signum: int, frame) -> None:
    with contextlib.suppress(OSError):  # stderr closed: the exit status says it
        os.write(2, b"arabic-norm: interrupted\n" if signum == signal.SIGINT else b"arabic-norm: terminated\n")
    os._exit(128 + signum)


def entry() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_early)
    # The imports below make tens of thousands of objects and no garbage, yet they set off a dozen
    # collections that scan them all (4% of a plain run's start, callgrind): collect after them,
    # with what they made frozen (never scanned again).
    gc.disable()
    from .cli.command import entry as command_entry

    gc.freeze()
    gc.enable()
    command_entry()

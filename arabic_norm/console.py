"""The `arabic-norm` console script and `python -m arabic_norm`: the first code the command runs.

Ctrl-C must end the command with exit 130 and one line on stderr from its very first moment, but
the command's own handler (cli/signals.py) can only be installed once click, rich and the engine
are imported, a tenth of a second or more. Until then this one holds: nothing has been read or
written yet, so there is nothing to clean up and the process just ends.
"""

from __future__ import annotations

import contextlib
import os
import signal


def _stop_early(signum: int, frame) -> None:
    with contextlib.suppress(OSError):  # stderr closed: the exit status says it
        os.write(2, b"arabic-norm: interrupted\n" if signum == signal.SIGINT else b"arabic-norm: terminated\n")
    os._exit(128 + signum)


def entry() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_early)
    from .cli.command import entry as command_entry

    command_entry()

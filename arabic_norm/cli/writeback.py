"""Where the normalized text goes: the `WriteBack` mode, chosen from the five output flags, and
one sink per mode (`SINKS`), each taking the (input, output) block pairs of one input.

One table (`FLAGS`) says which flag selects which mode; at most one may be given (`--check` with
`--diff` is `--diff`: the diff is written and the exit code tells whether anything would change).

- stdout: normalized bytes to a stream as each block is ready (pipes stream line by line);
- output: to a target file (-o, --output-dir), written beside it first and renamed into place
  (a FIFO, a device or another non-regular file is written into, never replaced; fsync first
  only with --fsync: see atomic.py, which writes files for this sink and the next);
- in-place: read through one descriptor; a temporary file beside the original, fsync, rename;
  owner, group, mode and extended attributes kept; created only once a block actually changes,
  so a file that would not change is never rewritten; the directories renamed into are fsynced
  once each at the end of the run (`sync_directories`);
- check: nothing is written, the sink says whether the file would change;
- diff: a unified diff of what would change, to a stream; nothing else is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
from enum import StrEnum
from typing import BinaryIO

from ..errors import UsageError
from ..stream.blocks import count_lines

# Re-exported (`x as x`): tests/test_jobs_batches.py reaches the temporary files here, their old home.
from .atomic import TEMP_PREFIX as TEMP_PREFIX
from .atomic import _temp_beside as _temp_beside
from .atomic import real_path, sweep_stale, write_file, write_in_place
from .atomic import remove_temporary_files as remove_temporary_files


class WriteBack(StrEnum):
    """The output mode. A StrEnum: `Settings.mode` travels to worker processes as its value."""

    STDOUT = "stdout"  # normalized bytes to standard output (also `-o -`)
    CHECK = "check"  # nothing written; exit 1 if any input would change
    DIFF = "diff"  # a unified diff to standard output; nothing else written
    IN_PLACE = "in-place"  # each file rewritten (only if it changes), atomically
    OUTPUT = "output"  # each input to its own target file (-o FILE, --output-dir DIR)

    @property
    def reports_change(self) -> bool:
        """True for the modes whose exit code says whether anything would change."""
        return self in (WriteBack.CHECK, WriteBack.DIFF)


# (flag as the messages name it, the mode it selects), in the order conflicts are reported.
FLAGS = (
    ("-i/--in-place", WriteBack.IN_PLACE),
    ("--check", WriteBack.CHECK),
    ("--diff", WriteBack.DIFF),
    ("-o/--output", WriteBack.OUTPUT),
    ("--output-dir", WriteBack.OUTPUT),
)


def choose(
    *, in_place: bool, check: bool, diff: bool, output: str | None, output_dir: str | None
) -> tuple[WriteBack, str | None]:
    """(the mode, the flag that chose it or None) from the flags; two flags at once: UsageError.

    >>> choose(in_place=False, check=True, diff=True, output=None, output_dir=None)
    (<WriteBack.DIFF: 'diff'>, '--diff')
    >>> choose(in_place=False, check=False, diff=False, output="-", output_dir=None)
    (<WriteBack.STDOUT: 'stdout'>, '-o/--output')
    """
    given = (in_place, check and not diff, diff, output is not None, output_dir is not None)
    chosen = [(flag, mode) for (flag, mode), on in zip(FLAGS, given, strict=True) if on]
    if len(chosen) > 1:
        raise UsageError(f"{chosen[0][0]} and {chosen[1][0]} cannot be used together")
    if not chosen:
        return WriteBack.STDOUT, None
    flag, mode = chosen[0]
    if output == "-":
        mode = WriteBack.STDOUT
    return mode, flag


# --- one sink per mode: (pairs, source, target, out, settings) -> whether the text changed -------
def to_stream(pairs, source, target, out: BinaryIO, settings) -> bool:
    changed = False
    for before, after in pairs:
        changed = changed or after != before
        out.write(after)
        out.flush()
    return changed


def check_only(pairs, source, target, out, settings) -> int:
    """The number of the first line that would change (1-based, so true when anything would
    change), or 0; every pair is still read (for --stats and the progress bar)."""
    first = 0
    line = 1
    for before, after in pairs:
        if not first:
            if after != before:
                first = line + before.count(b"\n", 0, _common_prefix(before, after))
            else:
                line += count_lines(before)
    return first


def _common_prefix(a: bytes, b: bytes) -> int:
    """The length of the longest common prefix of `a` and `b` (a binary search of C compares)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def diff_to_stream(pairs, source, target, out: BinaryIO, settings) -> bool:
    from .diff import write_diff  # one pass, bounded memory, coloured only for a person

    return write_diff(pairs, source.name, out, settings.errors)


def to_file(pairs, source, target: str, out, settings) -> bool:
    return write_file(lambda f: _write_pairs(pairs, f), source, target, sync=settings.fsync)


def in_place(pairs, source, target, opened, settings) -> bool:
    """-i: `opened` is the input as process_file opened it (the one descriptor it is read through)."""
    return write_in_place(pairs, source.path, opened)


SINKS = {
    WriteBack.STDOUT: to_stream,
    WriteBack.CHECK: check_only,
    WriteBack.DIFF: diff_to_stream,
    WriteBack.OUTPUT: to_file,
    WriteBack.IN_PLACE: in_place,
}


# (Looked up here at each call: tests/test_dask_cluster.py replaces it to kill a worker mid-write.)
def _write_pairs(pairs, f: BinaryIO) -> bool:
    changed = False
    for before, after in pairs:
        changed = changed or after != before
        f.write(after)
    return changed


# --- -i: one descriptor from start to end ---------------------------------------------------------
def refusal(source, mode: str) -> str | None:
    """Why `-i` will not rewrite `source` (checked before it is opened), or None.

    A FIFO, socket or device cannot be replaced by a new file (and opening a FIFO could block);
    a file found in a directory that is a symbolic link leading out of that directory is not
    followed (a checked-out repository could otherwise make `-i` rewrite any file the user can
    write). A link inside the tree is followed: its target is rewritten and the link kept."""
    if mode != WriteBack.IN_PLACE or source.path is None:
        return None
    # What a killed run left beside this file goes now, even if this file is not rewritten.
    sweep_stale(os.path.dirname(real_path(source.path)))
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.stat(source.path).st_mode):
            return "not a regular file (a FIFO, socket or device): cannot be rewritten in place"
    if source.found and os.path.islink(source.path):
        root = source.path[: len(source.path) - len(source.relative)] or "."
        real, real_root = os.path.realpath(source.path), os.path.realpath(root)
        if os.path.commonpath([real, real_root]) != real_root:
            return f"symbolic link to {real}, outside {root}: not followed, skipped"
    return None

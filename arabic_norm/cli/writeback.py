"""Where the normalized text goes: the `WriteBack` mode, chosen from the five output flags, and
one sink per mode (`SINKS`), each taking the (input, output) block pairs of one input.

One table (`FLAGS`) says which flag selects which mode; at most one may be given (`--check` with
`--diff` is `--diff`: the diff is written and the exit code tells whether anything would change).

- stdout: normalized bytes to a stream as each block is ready (pipes stream line by line);
- output: to a target file (-o, --output-dir), written beside it first and renamed into place
  (fsync first only with --fsync: see `_commit`);
- in-place: a temporary file beside the original, fsync, rename; permission bits kept; created
  only once a block actually changes, so a file that would not change is never rewritten;
  the directories renamed into are fsynced once each at the end of the run (`sync_directories`);
- check: nothing is written, the sink says whether the file would change;
- diff: a unified diff of what would change, to a stream; nothing else is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from enum import StrEnum
from typing import BinaryIO

from ..errors import UsageError
from ..stream.blocks import BLOCK_SIZE
from ..stream.compression import open_compressed


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


def check_only(pairs, source, target, out, settings) -> bool:
    changed = False
    for before, after in pairs:
        changed = changed or after != before
    return changed


def diff_to_stream(pairs, source, target, out: BinaryIO, settings) -> bool:
    return write_diff(pairs, source.name, out, settings.errors, chunk=settings.block_size)


def to_file(pairs, source, target: str, out, settings) -> bool:
    return write_file(lambda f: _write_pairs(pairs, f), source, target, sync=settings.fsync)


def in_place(pairs, source, target, out, settings) -> bool:
    return _write_in_place(pairs, source.path)


SINKS = {
    WriteBack.STDOUT: to_stream,
    WriteBack.CHECK: check_only,
    WriteBack.DIFF: diff_to_stream,
    WriteBack.OUTPUT: to_file,
    WriteBack.IN_PLACE: in_place,
}


# --- writing files atomically -------------------------------------------------------------------
def _temp_beside(target: str) -> str:
    """Reserve a temporary name in the target's directory that ends like the target."""
    import tempfile

    directory, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(prefix=".arabic-norm-", suffix="-" + name, dir=directory or ".")
    os.close(fd)
    return tmp


def _commit(tmp: str, target: str, mode: int | None, sync: bool = True) -> None:
    """Move the closed temporary file over `target` atomically; with `sync`, its data reaches the
    disk first (fsync before rename: after a crash `target` holds the old text or the new, never a
    file cut short). The rename itself is made durable once per directory at the end of the run
    (`sync_directories`), not once per file."""
    if mode is not None:
        os.chmod(tmp, mode)
    if sync:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    os.replace(tmp, target)


def sync_directories(directories) -> None:
    """fsync each directory (once): the renames and new entries in it survive a crash."""
    for directory in sorted(set(directories)):
        try:
            dfd = os.open(directory, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_pairs(pairs, f: BinaryIO) -> bool:
    changed = False
    for before, after in pairs:
        changed = changed or after != before
        f.write(after)
    return changed


def write_file(write_into: Callable[[BinaryIO], bool], source, target: str, sync: bool = True) -> bool:
    """Write `target` atomically: `write_into(f)` fills a temporary file beside it (and says
    whether the text changed), which is then (with `sync`, see `_commit`) made durable and renamed
    over `target`."""
    target = os.path.realpath(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = _temp_beside(target)
    try:
        with open_compressed(tmp, "wb") as f:
            changed = write_into(f)
        mode = stat.S_IMODE(os.stat(source.path).st_mode) if source.path else _default_mode()
        _commit(tmp, target, mode, sync)
    except BaseException:
        _discard(tmp)
        raise
    return changed


def _write_in_place(pairs, path: str) -> bool:
    real = os.path.realpath(path)
    tmp = None
    unchanged_bytes = 0
    try:
        f = None
        for before, after in pairs:
            if f is None:
                if after == before:
                    unchanged_bytes += len(before)
                    continue
                tmp = _temp_beside(real)
                f = open_compressed(tmp, "wb")
                _copy_prefix(path, unchanged_bytes, f)
            f.write(after)
        if f is None:
            return False  # nothing would change: the file is not touched at all
        f.close()
        _commit(tmp, real, stat.S_IMODE(os.stat(real).st_mode))
        return True
    except BaseException:
        if f is not None:
            f.close()
        _discard(tmp)
        raise


def _copy_prefix(path: str, size: int, f: BinaryIO) -> None:
    """Copy the first `size` bytes of `path` (blocks that did not change) into `f`."""
    with open_compressed(path, "rb") as src:
        while size > 0:
            chunk = src.read(min(size, BLOCK_SIZE))
            if not chunk:
                raise OSError(f"{path} changed while being read")
            f.write(chunk)
            size -= len(chunk)


# --- diffs --------------------------------------------------------------------------------------
def _split_lines(text: str) -> list[str]:
    """Lines ending at LF (as diff and patch see them: CR stays part of the line)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _range(start: int, length: int) -> str:
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _regrouped(pairs, size: int):
    """Join consecutive (before, after) blocks into chunks of at least `size` input bytes."""
    before, after, n = [], [], 0
    for b, a in pairs:
        before.append(b)
        after.append(a)
        n += len(b)
        if n >= size:
            yield b"".join(before), b"".join(after)
            before, after, n = [], [], 0
    if before:
        yield b"".join(before), b"".join(after)


def write_diff(
    pairs, name: str, out: BinaryIO, errors: str = "strict", context: int = 3, chunk: int = BLOCK_SIZE
) -> bool:
    """Write a unified diff (`--- a/NAME`, `+++ b/NAME`, git style) of what changes.

    Blocks are regrouped into chunks of about `chunk` bytes and each chunk is diffed on its own,
    with its line numbers offset by the lines before it: memory stays flat, and only a hunk that
    meets a chunk edge (in inputs over `chunk` bytes) shows less context. Lines end at LF, as
    diff and patch see them. Returns whether anything changed.
    """
    from difflib import SequenceMatcher

    old_base = new_base = 0
    header = False
    for before, after in _regrouped(pairs, chunk):
        if after != before:
            a = _split_lines(before.decode("utf-8", errors))
            b = _split_lines(after.decode("utf-8", errors))
            for group in SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
                if not header:
                    out.write(f"--- a/{name}\n+++ b/{name}\n".encode("utf-8", "surrogateescape"))
                    header = True
                first, last = group[0], group[-1]
                i1, i2, j1, j2 = first[1], last[2], first[3], last[4]
                lines = [f"@@ -{_range(old_base + i1, i2 - i1)} +{_range(new_base + j1, j2 - j1)} @@\n"]
                for tag, ai1, ai2, bj1, bj2 in group:
                    if tag == "equal":
                        lines += [" " + line for line in a[ai1:ai2]]
                        continue
                    lines += ["-" + line for line in a[ai1:ai2]]
                    lines += ["+" + line for line in b[bj1:bj2]]
                text = "".join(
                    line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
                )
                out.write(text.encode("utf-8", "surrogateescape"))
        old_base += before.count(b"\n")
        new_base += after.count(b"\n")
    if header:
        out.flush()
    return header

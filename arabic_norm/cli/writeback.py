"""Where the normalized text goes: the `WriteBack` mode, chosen from the five output flags, and
one sink per mode (`SINKS`), each taking the (input, output) block pairs of one input.

One table (`FLAGS`) says which flag selects which mode; at most one may be given (`--check` with
`--diff` is `--diff`: the diff is written and the exit code tells whether anything would change).

- stdout: normalized bytes to a stream as each block is ready (pipes stream line by line);
- output: to a target file (-o, --output-dir), written beside it first and renamed into place
  (a FIFO, a device or another non-regular file is written into, never replaced; fsync first
  only with --fsync: see `_commit`);
- in-place: read through one descriptor; a temporary file beside the original, fsync, rename;
  owner, group, mode and extended attributes kept; created only once a block actually changes,
  so a file that would not change is never rewritten; the directories renamed into are fsynced
  once each at the end of the run (`sync_directories`);
- check: nothing is written, the sink says whether the file would change;
- diff: a unified diff of what would change, to a stream; nothing else is written.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Callable
from enum import StrEnum
from typing import BinaryIO

from ..errors import InputError, UsageError
from ..stream.blocks import BLOCK_SIZE
from ..stream.compression import compression_of, open_compressed, reader


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
                line += before.count(b"\n")
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
    return _write_in_place(pairs, source.path, opened)


SINKS = {
    WriteBack.STDOUT: to_stream,
    WriteBack.CHECK: check_only,
    WriteBack.DIFF: diff_to_stream,
    WriteBack.OUTPUT: to_file,
    WriteBack.IN_PLACE: in_place,
}


# --- writing files atomically -------------------------------------------------------------------
# Temporary files say what they are: `.arabic-norm-tmp-PID-RANDOM-NAME`, beside their target. PID is
# the process that writes it: a file whose process is gone was left by a killed run, and the next
# run that writes into that directory removes it (and says so). NAME is the target's name, or for
# a long name (a 120-letter Arabic title is 240 bytes) a hash of it with its last extension (the
# compression is chosen by extension), so that the temporary name fits NAME_MAX (255 bytes).
TEMP_PREFIX = ".arabic-norm-tmp-"
TEMP_NAME_KEEP = 100  # bytes of the target's name kept as they are in the temporary name
_live_temps: set[str] = set()  # created by this process, not yet committed or removed
_swept: set[str] = set()  # directories already searched for stale temporary files


def _temp_tail(name: str) -> str:
    """The part of a temporary name taken from the target's `name` (at most ~120 bytes).

    >>> _temp_tail("a.txt")
    'a.txt'
    >>> len(_temp_tail("كتاب" * 40 + ".txt.gz").encode())
    19
    """
    if len(os.fsencode(name)) <= TEMP_NAME_KEEP:
        return name
    import hashlib

    extension = os.path.splitext(name)[1]
    if len(os.fsencode(extension)) > 16:
        extension = ""
    return hashlib.sha256(os.fsencode(name)).hexdigest()[:16] + extension


def _temp_beside(target: str) -> str:
    """Reserve a temporary name in the target's directory that ends like the target."""

    directory, name = os.path.split(target)
    directory = directory or "."
    _sweep_stale(directory)
    prefix = f"{TEMP_PREFIX}{os.getpid()}-"
    suffix = "-" + _temp_tail(name)
    # The name is recorded before the file exists: a stop signal handled while the file is being
    # created (a slow open, on a busy disk) still finds it to remove (see remove_temporary_files).
    while True:
        tmp = os.path.join(directory, prefix + os.urandom(4).hex() + suffix)
        _live_temps.add(tmp)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return tmp
        except FileExistsError:  # (another file already has that name: never ours to remove)
            _live_temps.discard(tmp)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: a process of another user
        return True
    return True


def _sweep_stale(directory: str) -> None:
    """Remove the temporary files a killed run left in `directory` (their process is gone),
    once per directory and process, saying so on stderr."""
    key = os.path.realpath(directory)
    if key in _swept:
        return
    _swept.add(key)
    try:
        with os.scandir(directory) as entries:
            names = [e.name for e in entries if e.name.startswith(TEMP_PREFIX) and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in names:
        pid = name[len(TEMP_PREFIX) :].partition("-")[0]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        path = os.path.join(directory, name)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            import sys

            sys.stderr.write(f"arabic-norm: removed {path}, a temporary file left by an interrupted run\n")


def remove_temporary_files() -> None:
    """Remove every temporary file this process created and has not committed (on a signal)."""
    for tmp in list(_live_temps):
        _discard(tmp)


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
    _live_temps.discard(tmp)


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
        _live_temps.discard(tmp)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _keep_metadata(original: int | str, st: os.stat_result, tmp: str) -> None:
    """Give `tmp` the owner, group, permission bits and extended attributes (POSIX ACLs are
    `system.posix_acl_access`) of the file it replaces (`original`: its descriptor or path; `st`
    its stat), as far as this process may: only root can give a file to another user."""
    if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except PermissionError:  # not root: at least the group, when we are in it
            with contextlib.suppress(PermissionError):
                os.chown(tmp, -1, st.st_gid)
    os.chmod(tmp, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits
    if not hasattr(os, "listxattr"):  # pragma: no cover (not Linux)
        return
    try:
        names = os.listxattr(original)
    except OSError:  # no extended attributes on this file system
        return
    for name in names:
        with contextlib.suppress(OSError):  # e.g. security.* that only the kernel may set
            os.setxattr(tmp, name, os.getxattr(original, name))


def _write_pairs(pairs, f: BinaryIO) -> bool:
    changed = False
    for before, after in pairs:
        changed = changed or after != before
        f.write(after)
    return changed


def write_file(write_into: Callable[[BinaryIO], bool], source, target: str, sync: bool = True) -> bool:
    """Write `target` (-o, --output-dir): `write_into(f)` fills it and says whether the text changed.

    A target that exists and is not a regular file (a FIFO, /dev/null, a terminal) is written
    into, never replaced. Otherwise a temporary file beside it is filled, made durable (with `sync`,
    see `_commit`) and renamed
    over it: an existing target keeps its own owner, mode and extended attributes, a new one gets
    the input's permission bits (stdin: the mode the umask gives)."""
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open_compressed(target, "wb") as f:
            return write_into(f)
    target = os.path.realpath(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = _temp_beside(target)
    try:
        with open_compressed(tmp, "wb") as f:
            changed = write_into(f)
        if existing is None:  # a new file: the input's permission bits, as cp gives them
            os.chmod(tmp, stat.S_IMODE(os.stat(source.path).st_mode) if source.path else _default_mode())
        else:
            _keep_metadata(target, existing, tmp)
        _commit(tmp, target, None, sync)
    except BaseException:
        _discard(tmp)
        raise
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
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.stat(source.path).st_mode):
            return "not a regular file (a FIFO, socket or device): cannot be rewritten in place"
    if source.found and os.path.islink(source.path):
        root = source.path[: len(source.path) - len(source.relative)] or "."
        real, real_root = os.path.realpath(source.path), os.path.realpath(root)
        if os.path.commonpath([real, real_root]) != real_root:
            return f"symbolic link to {real}, outside {root}: not followed, skipped"
    return None


class _PreadFile(io.RawIOBase):
    """A reader over descriptor `fd` with a position of its own (os.pread): a second reader of the
    same open file, which neither moves nor closes the first one's."""

    def __init__(self, fd: int):
        super().__init__()
        self._fd, self._at = fd, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = os.pread(self._fd, len(buffer), self._at)
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _check_still_there(path: str, fd: int, read: os.stat_result) -> None:
    """Raise InputError unless `path` still names the file read through `fd`, unchanged since."""
    try:
        there = os.stat(path)
    except FileNotFoundError:
        there = None
    if there is None or not _identity(read) == _identity(os.fstat(fd)) == _identity(there):
        raise InputError("replaced or changed while it was being read: not rewritten")


def _write_in_place(pairs, path: str, opened) -> bool:
    """Rewrite `path` from its block pairs, only if a block changes.

    Everything comes through the one descriptor the input was opened with (the unchanged blocks
    before the first change are copied from it, not from the path); before the rename, the path
    must still name that file, unchanged (else InputError: an editor saved it meanwhile). The new
    file keeps owner, group, mode and extended attributes. A file with several hard links is
    refused: renaming a new file over one name would split it from the others."""
    fd = getattr(opened, "_raw", opened).fileno()
    read = os.fstat(fd)
    real = os.path.realpath(path)
    tmp = f = None
    unchanged_bytes = 0
    try:
        for before, after in pairs:
            if f is None:
                if after == before:
                    unchanged_bytes += len(before)
                    continue
                if read.st_nlink > 1:
                    raise InputError(f"has {read.st_nlink} hard links: not rewritten (a new file would break them)")
                tmp = _temp_beside(real)
                f = open_compressed(tmp, "wb")
                _copy_prefix(fd, path, unchanged_bytes, f)
            f.write(after)
        if f is None:
            return False  # nothing would change: the file is not touched at all
        f.close()
        _check_still_there(path, fd, read)
        _keep_metadata(fd, read, tmp)
        _commit(tmp, real, None)
        return True
    except BaseException:
        if f is not None:
            f.close()
        _discard(tmp)
        raise


def _copy_prefix(fd: int, path: str, size: int, f: BinaryIO) -> None:
    """Copy the first `size` bytes of the input (blocks that did not change) into `f`, read
    again through the input's own descriptor `fd` (decompressed, if `path` names an archive)."""
    src = reader(io.BufferedReader(_PreadFile(fd)), compression_of(path), path)
    while size > 0:
        chunk = src.read(min(size, BLOCK_SIZE))
        if not chunk:
            raise InputError("changed while it was being read: not rewritten")
        f.write(chunk)
        size -= len(chunk)

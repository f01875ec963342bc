"""Writing a file so that it holds, at every moment, the old text or the new, complete: a temporary
file beside the target, filled, made durable, renamed over it (`write_file` for -o/--output-dir,
`write_in_place` for -i), the replaced file's owner, group, mode and extended attributes kept.

Temporary files are recorded before they exist and removed on a signal (`remove_temporary_files`,
cli/signals.py); those a killed run left behind are removed by the next run that writes beside
them (`sweep_stale`). The directories renamed into are fsynced once each at the end of the run
(`sync_directories`). Which writer a mode uses: writeback.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Callable
from typing import BinaryIO

from ..errors import InputError
from ..stream.blocks import BLOCK_SIZE
from ..stream.compression import compression_of, open_compressed, reader

# Temporary files say what they are: `.arabic-norm-tmp-PID-RANDOM-NAME`, beside their target. PID is
# the process that writes it: a file whose process is gone was left by a killed run, and the next
# run that writes into that directory removes it (and says so). NAME is the target's name, or for
# a long name (a 120-letter Arabic title is 240 bytes) a hash of it with its last extension (the
# compression is chosen by extension), so that the temporary name fits NAME_MAX (255 bytes).
TEMP_PREFIX = ".arabic-norm-tmp-"
TEMP_NAME_KEEP = 100  # bytes of the target's name kept as they are in the temporary name
_live_temps: set[str] = set()  # created by this process, not yet committed or removed
_swept: set[str] = set()  # directories already searched for stale temporary files
_real_directories: dict[str, str] = {}  # directory -> its os.path.realpath, see real_path
_made_directories: set[str] = set()  # output directories this process made sure of


def real_path(path: str) -> str:
    """`os.path.realpath(path)`, with the real path of each directory worked out once per run: a
    run writes thousands of files into a few directories, and realpath checks every component
    of every path (five `lstat` calls for dir/sub/name, a tenth of a run writing 3,000 small
    files). The file's own name is still followed when it is a symbolic link."""
    directory, name = os.path.split(os.path.abspath(path))
    real_directory = _real_directories.get(directory)
    if real_directory is None:
        real_directory = _real_directories[directory] = os.path.realpath(directory)
    candidate = os.path.join(real_directory, name)
    return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


def forget_paths() -> None:
    """Forget the directories `real_path` resolved and `write_file` made (at the start of a run)."""
    _real_directories.clear()
    _made_directories.clear()


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
    """Create an empty temporary file (mode 0600) in the target's directory that ends like the
    target, and return its path."""
    directory, name = os.path.split(target)
    directory = directory or "."
    sweep_stale(directory)
    tail = _temp_tail(name)
    while True:
        tmp = os.path.join(directory, f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}-{tail}")
        # Registered before it exists: a signal arriving just after the file is created (before
        # this function returns) finds it in _live_temps and removes it (mkstemp left it behind).
        _live_temps.add(tmp)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:  # our own PID's name, drawn twice: draw again
            _live_temps.discard(tmp)
            continue
        except BaseException:
            _live_temps.discard(tmp)
            raise
        return tmp


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: a process of another user
        return True
    return True


def sweep_stale(directory: str) -> None:
    """Remove the temporary files a killed run left in `directory` (their process is gone),
    once per directory and process, saying so on stderr."""
    key = real_path(directory)
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


def _new_file_mode(source_path: str | None) -> int:
    """The permission bits of a new output file: those the umask gives a new file (0666 & ~umask,
    as a shell's `>` gives them), less any the input lacks. An input's executable bit is not
    copied; a private input (0600) gives a private output; stdin gives the umask's bits."""
    mode = _default_mode()
    if source_path is not None:
        with contextlib.suppress(OSError):
            mode &= stat.S_IMODE(os.stat(source_path).st_mode)
    return mode


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


def write_file(write_into: Callable[[BinaryIO], bool], source, target: str, sync: bool = True) -> bool:
    """Write `target` (-o, --output-dir): `write_into(f)` fills it and says whether the text changed.

    A target that exists and is not a regular file (a FIFO, /dev/null, a terminal) is written
    into, never replaced. Otherwise a temporary file beside it is filled, made durable (with `sync`,
    see `_commit`) and renamed over it: an existing target keeps its own owner, mode and extended
    attributes (not the input's); a new one gets the umask's bits, never more open than the
    input's (`_new_file_mode`)."""
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open_compressed(target, "wb") as f:
            return write_into(f)
    target = real_path(target)
    directory = os.path.dirname(target)
    if directory not in _made_directories:
        os.makedirs(directory, exist_ok=True)
        _made_directories.add(directory)
    tmp = _temp_beside(target)
    try:
        with open_compressed(tmp, "wb") as f:
            changed = write_into(f)
        if existing is None:  # a new file: what the umask gives, never more open than the input
            os.chmod(tmp, _new_file_mode(source.path))
        else:
            _keep_metadata(target, existing, tmp)
        _commit(tmp, target, None, sync)
    except BaseException:
        _discard(tmp)
        raise
    return changed


# --- -i: one descriptor from start to end ---------------------------------------------------------
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


def write_in_place(pairs, path: str, opened) -> bool:
    """Rewrite `path` from its block pairs, only if a block changes.

    Everything comes through the one descriptor the input was opened with (the unchanged blocks
    before the first change are copied from it, not from the path); before the rename, the path
    must still name that file, unchanged (else InputError: an editor saved it meanwhile). The new
    file keeps owner, group, mode and extended attributes. A file with several hard links is
    refused: renaming a new file over one name would split it from the others."""
    fd = getattr(opened, "_raw", opened).fileno()
    read = os.fstat(fd)
    real = real_path(path)
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

"""The standard streams as a Unix filter meets them: closed (`>&-`, cron), full (a disk through a
redirect), a pipe closed by its reader (`| head`), a locale that cannot encode Arabic, and the
same file on both sides (`arabic-norm < f >> f`).

- `prepare_streams` (the console script only): a closed descriptor 0, 1 or 2 is reopened on
  /dev/null, so that no file the run opens takes its number (a stray write to "stdout" would land
  in it); `sys.stdout` stays None, which is how the run knows stdout was closed. Messages and help
  are written in UTF-8 whatever the locale or PYTHONIOENCODING says (the text the tool writes is
  UTF-8 bytes anyway); a file name that is not UTF-8 goes out as its own bytes.
- `StdoutWriter` wraps stdout so that a failing write is an `OutputError` naming `<stdout>`, not an
  error of the input being read; a closed pipe stays a BrokenPipeError (the command then exits 141,
  as `cat` or `grep` do in a shell).
- `refuse_feedback`: an input that is the file stdout writes to (or stdin that is the -o file) is a
  usage error found before anything is read: the run would read its own output until the disk is
  full.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import sys

STDOUT_NAME = "<stdout>"
# Errors only a write can give: from a worker that writes stdout itself (-j on one file), an
# OSError with one of these is the output's, not the input's.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class OutputError(OSError):
    """Standard output cannot be written (full disk, I/O error): the run stops, exit 3."""

    def __init__(self, error: OSError):
        super().__init__(error.errno, error.strerror or str(error), STDOUT_NAME)

    def __str__(self) -> str:
        return f"{STDOUT_NAME}: {self.strerror}"


def _names_handler(error: UnicodeError):
    """Encoding errors in messages: a surrogate-escaped byte (a file name that is not UTF-8) as that
    byte; anything else unencodable as a backslash escape. Never an exception."""
    try:
        return codecs.lookup_error("surrogateescape")(error)
    except UnicodeError:
        return codecs.lookup_error("backslashreplace")(error)


codecs.register_error("arabic-norm-messages", _names_handler)


def prepare_streams() -> None:
    """Make the standard streams safe for a run (see the module docstring); the console script
    calls this first."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: hold the number with /dev/null (opened on the lowest free fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for stream in (sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "reconfigure"):
            continue
        encoding = codecs.lookup(stream.encoding or "ascii").name
        with contextlib.suppress(ValueError, OSError):
            if encoding.startswith("utf"):
                stream.reconfigure(errors="arabic-norm-messages")
            else:
                stream.reconfigure(encoding="utf-8", errors="arabic-norm-messages")


def stdout_closed() -> bool:
    """True when the process started with descriptor 1 closed (Python then sets sys.stdout None)."""
    return sys.stdout is None


def _fd_stat(stream) -> os.stat_result | None:
    """The stat of a standard stream's descriptor, or None (closed, or not a real descriptor)."""
    try:
        return os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None


def _same(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def names_stdout(path: str) -> bool:
    """Whether `path` is this process's standard output (`/dev/stdout`, `/dev/fd/1`,
    `/proc/self/fd/1`, or another name of the same open file when it is not a regular file)."""
    if path in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", f"/proc/{os.getpid()}/fd/1"):
        return True
    out = _fd_stat(sys.stdout)
    if out is None or stat.S_ISREG(out.st_mode):  # a regular file: -o replaces it like any other
        return False
    try:
        return _same(os.stat(path), out)
    except OSError:
        return False


def refuse_feedback(paths, stdin_read: bool, stdout_written: bool, output: str | None) -> str | None:
    """The message refusing a run that would read what it writes, or None.

    `paths`: the input files; `stdin_read`: stdin is an input; `stdout_written`: the text goes to
    stdout; `output`: the -o file. Only regular files can feed back (a pipe or terminal cannot)."""
    stdin = _fd_stat(sys.stdin) if stdin_read else None
    stdout = _fd_stat(sys.stdout) if stdout_written else None
    if stdout is not None and not stat.S_ISREG(stdout.st_mode):
        stdout = None
    if stdin is not None and not stat.S_ISREG(stdin.st_mode):
        stdin = None
    if _same(stdin, stdout):
        return "stdin and stdout are the same file: the run would read its own output; write to another file"
    if stdout is not None:
        for path in paths:
            with contextlib.suppress(OSError):
                if _same(os.stat(path), stdout):
                    return f"{path} is also stdout: the run would read its own output; write to another file"
    if stdin is not None and output is not None:
        with contextlib.suppress(OSError):
            if _same(os.stat(output), stdin):
                return f"-o {output}: that is stdin; write to another file"
    return None


@contextlib.contextmanager
def stdout_errors():
    """Inside: an OSError (not a closed pipe) is standard output failing: `OutputError`."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OutputError(e) from None


class StdoutWriter:
    """Standard output for the text: a failing write or flush raises `OutputError` (naming
    `<stdout>`) instead of an OSError the caller would take for the input's; a closed pipe stays
    BrokenPipeError."""

    def __init__(self, raw):
        self.raw = raw

    def _guard(self, call, *args):
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as e:
            raise OutputError(e) from None

    def write(self, data) -> int:
        return self._guard(self.raw.write, data)

    def flush(self) -> None:
        self._guard(self.raw.flush)

    def fileno(self) -> int:
        return self.raw.fileno()

    def isatty(self) -> bool:  # --diff colours what a person sees
        return self.raw.isatty()

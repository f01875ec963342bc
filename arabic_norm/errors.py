"""Every exception arabic-norm raises, in one family, and how one crosses a process boundary.

    ArabicNormError
    ├── UsageError     the request itself cannot be carried out (exit 2, before any input is read)
    │   ├── ChainError     a chain that cannot be parsed: unknown step or option, bad value
    │   └── ConfigError    a configuration file that cannot be used
    └── InputError     one input cannot be normalized (exit 3; the command goes on to the next)
        ├── UndecodableInput           bytes that are not UTF-8 (with line and byte offset)
        ├── MalformedRecord            a JSONL line or CSV record that cannot be parsed
        ├── StructuredError            a request that does not fit this input (a missing column)
        ├── CorruptCompressedInput     .xz/.zst data that cannot be decompressed
        ├── MissingCompressionSupport  a .zst file without the optional zstandard package
        └── WorkerError                a worker process failed (or died) on this input

Each also keeps the built-in base class it had before the family existed (ValueError,
RuntimeError), so `except ValueError` written against older versions still catches it.
`steps.camel.MissingExtraError` stays outside the family, an ImportError: `steps/` imports nothing
outside `steps/`; the command reports it as a usage error.

Crossing a process boundary: a worker returns `portable(error)` (the error itself if it survives
pickling, else a WorkerError carrying its text and traceback); the parent calls
`raise_from_worker(where, error)`. Exceptions whose `__init__` takes other arguments than the
message define `__reduce__`, so pickle rebuilds them.
"""

from __future__ import annotations


class ArabicNormError(Exception):
    """The base of every exception arabic-norm raises on purpose."""


class UsageError(ArabicNormError):
    """The request cannot be carried out whatever the input (exit code 2)."""


class InputError(ArabicNormError):
    """One input cannot be normalized; the file is left untouched (exit code 3)."""


class ChainError(UsageError, ValueError):
    """A chain that cannot be parsed: unknown step or option, bad value."""


class ConfigError(UsageError, ValueError):
    """A configuration file that cannot be used; the message names the file."""


class UndecodableInput(InputError, ValueError):
    """Bytes that are not UTF-8. `offset` is the absolute byte offset, `line` is 1-based."""

    def __init__(self, offset: int, line: int, reason: str):
        super().__init__(f"line {line}, byte offset {offset}: {reason}")
        self.offset, self.line, self.reason = offset, line, reason

    def __reduce__(self):  # picklable across worker processes
        return (UndecodableInput, (self.offset, self.line, self.reason))


class MalformedRecord(InputError, ValueError):
    """A line or record that cannot be parsed. `line` is 1-based."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason

    def __reduce__(self):  # picklable across worker processes
        return (MalformedRecord, (self.line, self.reason))


class StructuredError(InputError, ValueError):
    """A request that cannot apply to this input, e.g. a CSV column that is not in the header."""


# The names of the compression formats in messages.
FORMAT_NAMES = {"gzip": "gzip", "bz2": "bzip2", "xz": "xz", "zstd": "zstd"}


class CorruptCompressedInput(InputError, OSError):
    """A compressed input that is truncated or damaged. Also an OSError (an input error like an
    unreadable file): `filename` is the file, `strerror` says "truncated or corrupt <format>"."""

    def __init__(self, filename: str | None, kind: str, detail: str = ""):
        reason = f"truncated or corrupt {FORMAT_NAMES.get(kind, kind)} data" + (f" ({detail})" if detail else "")
        super().__init__(f"{filename}: {reason}" if filename else reason)
        self.strerror, self.filename, self.kind, self.detail = reason, filename, kind, detail

    def __str__(self) -> str:
        return self.args[0]

    def __reduce__(self):  # picklable across worker processes
        return (CorruptCompressedInput, (self.filename, self.kind, self.detail))


class MissingCompressionSupport(InputError, RuntimeError):
    """A `.zst` file was given but the optional `zstandard` package is not installed."""


class WorkerError(InputError, RuntimeError):
    """A worker failed on `where` (a file name, or `name` + byte offset for a block)."""

    def __init__(self, where: str, message: str, details: str = ""):
        super().__init__(f"{where}: {message}")
        self.where, self.message, self.details = where, message, details

    def __reduce__(self):
        return (WorkerError, (self.where, self.message, self.details))


def portable(error: BaseException) -> BaseException:
    """`error` if it survives pickling, else a WorkerError with its text and traceback."""
    import pickle  # only in worker processes: keeps start-up lean
    import traceback

    tb = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return WorkerError("worker", f"{type(error).__name__}: {error}", tb)
    error.worker_traceback = tb  # type: ignore[attr-defined]
    return error


def raise_from_worker(where: str, error: BaseException) -> None:
    """Raise, in the parent, an error a worker returned: input errors as they are, anything else
    as a WorkerError naming `where`."""
    tb = getattr(error, "worker_traceback", "")
    if isinstance(error, WorkerError):
        raise WorkerError(where, error.message, error.details)
    if isinstance(error, (UndecodableInput, OSError, ValueError, KeyboardInterrupt, MemoryError)):
        raise error
    raise WorkerError(where, f"{type(error).__name__}: {error}", tb) from error

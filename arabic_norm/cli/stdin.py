"""Standard input as an input: read as soon as bytes arrive (a line typed or streamed goes through
at once), and compressed data on it refused with the command that decompresses it (a path ending
in .gz, .bz2, .xz or .zst is read decompressed; bytes on stdin have no name to tell).

    >>> compressed_kind(b"\\x1f\\x8b\\x08\\x00")
    ('gzip', 'zcat', 'gz')
    >>> compressed_kind("كتاب".encode()) is None
    True
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

from ..stream.blocks import ready_reader

# What compressed data starts with: (format, the command that decompresses it, the file suffix).
# bzip2's "BZh" is also text: its block header (or an empty stream's end) must follow the level.
MAGIC = {
    b"\x1f\x8b": ("gzip", "zcat", "gz"),
    b"\xfd7zXZ\x00": ("xz", "xzcat", "xz"),
    b"\x28\xb5\x2f\xfd": ("zstd", "zstdcat", "zst"),
}
BZIP2_BLOCKS = (b"1AY&SY", b"\x17rE8P\x90")
MAGIC_LENGTH = 10  # "BZh9" + a block header
PIPE_SIZE = 1 << 20  # what widen_pipe asks for (/proc/sys/fs/pipe-max-size is 1 MiB by default)


def compressed_kind(head: bytes) -> tuple[str, str, str] | None:
    """(format, decompressing command, suffix) when `head`, the first bytes of stdin, is compressed data."""
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    if head[:3] == b"BZh" and head[3:4] in b"123456789" and head[4:10] in BZIP2_BLOCKS and head[3:4]:
        return "bzip2", "bzcat", "bz2"
    return None


def compressed_stdin_message(kind: tuple[str, str, str]) -> str:
    name, command, suffix = kind
    return (
        f"{name}-compressed data on stdin: decompress it first ({command} FILE.{suffix} | arabic-norm ...), "
        f"or give the path (arabic-norm ... FILE.{suffix}): a .{suffix} file is read and written compressed"
    )


def stdin_head(read: Callable[[int], bytes], size: int) -> bytes:
    """The first bytes of stdin: one read, and more only while they could still be the start of
    compressed data (a line typed or streamed goes through at once)."""
    head = read(size)
    while head and len(head) < MAGIC_LENGTH and _magic_prefix(head):
        more = read(size)
        if not more:
            break
        head += more
    return head


def _magic_prefix(head: bytes) -> bool:
    return any(m.startswith(head[: len(m)]) or head.startswith(m) for m in (*MAGIC, b"BZh"))


def stdin_reader() -> Callable[[int], bytes]:
    stdin = sys.stdin.buffer
    read = getattr(stdin, "read1", stdin.read)
    with contextlib.suppress(AttributeError, OSError, ValueError):  # no descriptor (tests)
        read = ready_reader(read, stdin.fileno())
        widen_pipe(stdin.fileno())
    return read


def widen_pipe(fd: int) -> None:
    """A pipe on `fd` holds 1 MiB instead of 64 KiB (Linux F_SETPIPE_SZ; 1 MiB is what any user
    may ask by default): the program writing into it runs on while this one works on a block, and
    this one reads a block in a few calls instead of waiting for 64 KiB at a time (`cat big |
    arabic-norm` took half as long again as reading the file). Nothing happens elsewhere, or when
    the system refuses."""
    import stat

    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        return
    import fcntl

    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)

"""Cutting a byte stream into blocks that can be normalized independently.

Every rule is line-local (see steps/base.py), so a block may end after any line break. A single
line longer than the block size is cut before a space that follows a visible character: no rule
looks across such a space differently than across a block edge (the whitespace rule strips the
blanks before a block edge and collapses the run after it, which gives the same single space).
A line with no such space is cut between two different characters that the pipeline neither
changes nor looks at (`Pipeline.cut_pattern`, given as `pair`); a line with none of these either
(one letter repeated for 200 MB) is kept whole, trading memory for a correct answer.

Every search for a cut looks only at bytes it has not searched yet (plus a few bytes before, for the
character before a space), so the time is linear in the input whatever its lines.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import NamedTuple

from ..engine import kernel
from ..errors import UndecodableInput

# 256 KiB: the numpy passes over a block stay in the CPU cache (measured faster than 1 MiB blocks on
# the shared corpora by benchmarks/bench_engine.py), and numpy still pays for itself on each block.
BLOCK_SIZE = 1 << 18
# A regular file is read in blocks of 1 MiB (os.pread), and worker processes get blocks of this
# size: fewer round trips than BLOCK_SIZE, each block still worked on in BLOCK_SIZE pieces
# (Pipeline.normalize_block). Measured on the shared corpora: 4 MiB blocks cost a third more page
# faults (fresh memory for every block) and were slower, single process and with -j 2.
FILE_BLOCK_SIZE = 1 << 20
BOM = b"\xef\xbb\xbf"
# How long `ready_reader` waits for more input before it hands over what it has (seconds): long
# enough for a producer like `cat` to refill a pipe, too short for anyone typing to notice.
WAIT = 0.002
# A search for a cut in bytes not searched yet starts this many bytes earlier: the character before
# a space (4 bytes at most) and the one before a cut between two characters.
LOOKBACK = 8
# The characters a line may be cut between when it has no line break or safe space near: a function
# giving `Pipeline.cut_pattern` (asked for only then), see `pair_cut`.
Pair = Callable[[], "re.Pattern | None"]


def safe_cut(buf: bytes, start: int = 0, end: int | None = None, pair: Pair | None = None) -> int:
    """Index in buf[start:end] after which `buf` may be cut, or 0 when there is no safe place: after
    the last line break; else before the last space that follows a visible character; else (with
    `pair`, see `pair_cut`) between the last two characters its pattern allows. Linear in `end - start`."""
    end = len(buf) if end is None else end
    for eol in (b"\n", b"\r"):
        i = buf.rfind(eol, start, end)
        if i >= 0:
            return i + 1
    p = end
    while (p := buf.rfind(b" ", start, p)) > start:
        first = p - 1
        while first > start and 0x80 <= buf[first] < 0xC0:  # back to the first byte of that char
            first -= 1
        before = bytes(buf[first:p]).decode("utf-8", "replace")
        if not before.isspace() and before != "\ufffd":
            return p
    pattern = pair() if pair is not None else None
    return pair_cut(buf, start, end, pattern) if pattern is not None else 0


def pair_cut(buf: bytes, start: int, end: int, pair: re.Pattern) -> int:
    """Index in buf[start:end] between the last two characters that `pair` matches, or 0. `pair`
    is searched in the *reversed* text: `([S])(?!\\1)(?=[S])` finds the last two different
    characters of the set S (`Pipeline.cut_pattern`). Bytes that are not UTF-8 (and a character cut
    by the window) decode to surrogates, which are in no such set."""
    while start < end and 0x80 <= buf[start] < 0xC0:  # from the first whole character
        start += 1
    text = bytes(buf[start:end]).decode("utf-8", "surrogateescape")
    match = pair.search(text[::-1])
    if match is None:
        return 0
    j = len(text) - 1 - match.start()  # the cut is before text[j]
    return start + len(text[:j].encode("utf-8", "surrogateescape"))


def ready_reader(read: Callable[[int], bytes], fd: int) -> Callable[[int], bytes]:
    """`read(n)` (e.g. `BufferedReader.read1`) that goes on reading, up to n bytes, while more
    input arrives on `fd` within WAIT seconds. A pipe hands over 64 KiB at a time; blocks four
    times that size halve the engine's cost per byte, and a line typed at a terminal still comes
    through at once."""
    import select

    def read_ready(n: int) -> bytes:
        parts = [read(n)]
        have = len(parts[0])
        while parts[-1] and have < n and select.select([fd], [], [], WAIT)[0]:
            parts.append(read(n - have))
            have += len(parts[-1])
        return b"".join(parts)

    return read_ready


def count_lines(data: bytes) -> int:
    """Line feeds in `data`. bytes.count checks one byte at a time (a tenth of a run over piped
    text): the kernel's count_byte, or numpy once the engine without the kernel has imported it,
    compare many at once."""
    if kernel.native is not None:
        return kernel.native.count_byte(data, 0x0A)
    np = sys.modules.get("numpy")
    if np is None or len(data) < 1 << 16:
        return data.count(b"\n")
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A))


def iter_blocks(read: Callable[[int], bytes], size: int = BLOCK_SIZE, pair: Pair | None = None) -> Iterator[bytes]:
    """Regroup what `read` returns into blocks that end at a safe cut (the last may not).

    A block is yielded as soon as a line ends, so interactive pipes stream line by line when `read`
    returns what is available (e.g. `BufferedReader.read1`). The bytes waiting for a cut grow in
    place (a bytearray) and are searched once each: linear time for any line.
    """
    buf = bytearray()
    searched = 0  # buf[:searched] holds no safe cut
    while chunk := read(size):
        buf += chunk
        if b"\n" not in chunk and b"\r" not in chunk and len(buf) < size:
            continue
        cut = safe_cut(buf, max(0, searched - LOOKBACK), len(buf), pair)
        if not cut:
            searched = len(buf)
            continue
        with memoryview(buf) as view:
            block = bytes(view[:cut])
        del buf[:cut]
        searched = 0
        yield block
    if buf:
        yield bytes(buf)


class Block(NamedTuple):
    """A block of input with its position, for error messages. `verbatim` marks the leading BOM,
    which is passed through as it is."""

    data: bytes
    offset: int  # byte offset of the block in the input
    lines: int  # line breaks before the block
    verbatim: bool = False


def positioned_blocks(
    read: Callable[[int], bytes], size: int = BLOCK_SIZE, pair: Pair | None = None
) -> Iterator[Block]:
    """`iter_blocks` with positions; a leading BOM comes first as a verbatim block of its own."""
    offset = lines = 0
    for data in iter_blocks(read, size, pair):
        if offset == 0 and data.startswith(BOM):
            yield Block(BOM, 0, 0, verbatim=True)
            data, offset = data[len(BOM) :], len(BOM)
        yield Block(data, offset, lines)
        offset += len(data)
        lines += count_lines(data)


def line_of(fd: int, offset: int) -> int:
    """1-based line number of byte `offset` in the regular file `fd` (read with os.pread)."""
    lines, pos = 1, 0
    while pos < offset:
        chunk = os.pread(fd, min(BLOCK_SIZE, offset - pos), pos)
        if not chunk:
            break
        lines += chunk.count(b"\n")
        pos += len(chunk)
    return lines


def decode_error(error: UnicodeDecodeError, block: bytes, block_offset: int, lines_before: int) -> UndecodableInput:
    """Turn a decoding error inside `block` into one that points at the input's line and byte."""
    bad = block[error.start : error.end]
    line = lines_before + block.count(b"\n", 0, error.start) + 1
    return UndecodableInput(block_offset + error.start, line, f"invalid UTF-8 byte(s) {bad.hex(' ')} ({error.reason})")


@contextlib.contextmanager
def lines_counted_in(fd: int) -> Iterator[None]:
    """Blocks read by byte range (`file_ranges`, `file_blocks`) do not count the lines before
    them: an `UndecodableInput` raised inside gets its line counted in the file `fd` instead."""
    try:
        yield
    except UndecodableInput as e:
        raise UndecodableInput(e.offset, line_of(fd, e.offset), e.reason) from None


def file_ranges(
    fd: int, size: int, block_size: int, start: int = 0, pair: Pair | None = None
) -> Iterator[tuple[int, int]]:
    """Cut the regular file `fd` of `size` bytes into (start, end) ranges of about `block_size`
    bytes, each ending at a place `safe_cut` accepts (the last at the end of the file).

    Only a small window before each nominal end is read (8 KiB, then 64 KiB, then the rest of the
    range), and when the range holds no cut the search goes on forward, block by block: every byte
    is searched once, so a parent process handing ranges to workers does not read the file itself,
    and a line with no cut costs linear time. The ranges differ from `iter_blocks`' blocks, which
    does not change the output: a pipeline gives the same bytes for any cut `safe_cut` allows.
    """
    pos = start
    while pos < size:
        end = pos + block_size
        if end >= size:
            yield pos, size
            return
        cut, low = 0, end  # [low, end) searched
        for window in (1 << 13, 1 << 16, block_size):
            new_low = max(pos, end - window)
            if new_low < low:
                top = min(low + LOOKBACK, end)
                found = safe_cut(os.pread(fd, top - new_low, new_low), pair=pair)
                cut, low = (new_low + found if found else 0), new_low
            if cut or low == pos:
                break
        while not cut:  # one line with no cut in the range: search on, the range grows
            if end >= size:
                yield pos, size
                return
            new_end, low = min(end + block_size, size), max(pos, end - LOOKBACK)
            found = safe_cut(os.pread(fd, new_end - low, low), pair=pair)
            cut, end = (low + found if found else 0), new_end
        yield pos, cut
        pos = cut


def file_blocks(fd: int, block_size: int, pair: Pair | None = None) -> Iterator[Block]:
    """`positioned_blocks` for a regular file: each block read once with os.pread, no copying to
    join reads, and no line counting (it costs a tenth of a fast run): `lines` is 0, and the
    caller finds the line of an error afterwards (`lines_counted_in`)."""
    size = os.fstat(fd).st_size
    start = 0
    if os.pread(fd, len(BOM), 0) == BOM:
        yield Block(BOM, 0, 0, verbatim=True)
        start = len(BOM)
    for a, b in file_ranges(fd, size, block_size, start, pair):
        data = os.pread(fd, b - a, a)
        if len(data) != b - a:
            raise OSError(f"file changed while it was being read (byte {a})")
        yield Block(data, a, 0)

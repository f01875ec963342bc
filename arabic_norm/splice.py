"""Working around spans already found: run a function outside them, and regroup blocks so that
none ends inside a line (where a span could be cut in two).

`apply` normalizes all the gaps between spans in one call, a sentinel standing for each span so that
the rules see a visible neighbour there; `merge` sorts and joins spans; `whole_lines` is what lets
protect.py's scanner see whole lines in a stream of blocks. Which spans to protect: protect.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .engine.kernel import find
from .stream.blocks import Block


def apply(data, spans: list[tuple[int, int]], run, sentinel):
    """`data` (bytes or str) with `run` applied outside `spans`: all at once with a sentinel for
    each span, so that rules see a visible neighbour; each piece alone if a step touched a
    sentinel (a step that deletes unlisted characters) or `data` holds one already."""
    gaps = list(zip([0] + [b for _, b in spans], [a for a, _ in spans] + [None], strict=True))
    if _find(data, sentinel) < 0:
        joined = sentinel.join(data[a:b] for a, b in gaps)
        out = run(joined, 0)
        if out is joined:
            return data
        news = _split(out, sentinel)
        if len(news) == len(gaps):
            return _interleave(data, spans, news)
    news = [run(data[a:b], a) for a, b in gaps]
    return _interleave(data, spans, news)


def _find(data, sentinel, start: int = 0) -> int:
    """`data.find(sentinel, start)`; on bytes by the kernel's search (bytes' own is slow to find a
    sentinel whose last byte is a UTF-8 continuation byte, in text half made of them)."""
    return find(data, sentinel, start) if isinstance(data, bytes) else data.find(sentinel, start)


def _split(data, sentinel) -> list:
    """`data.split(sentinel)`, by `_find`."""
    parts, start = [], 0
    while (at := _find(data, sentinel, start)) >= 0:
        parts.append(data[start:at])
        start = at + len(sentinel)
    parts.append(data[start:])
    return parts


def _interleave(data, spans, news):
    parts = [news[0]]
    for (a, b), new in zip(spans, news[1:], strict=True):
        parts += [data[a:b], new]
    out = data[:0].join(parts)
    return data if out == data else out


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching ones joined, empty ones dropped."""
    out: list[list[int]] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


# A line longer than this is handed on in pieces (the scanner's state says the next piece begins
# inside a line): memory stays bounded for any line, at the price that a URL or inline code span
# cut at such a seam is protected as two parts. Each layer between the file and the output keeps
# its last piece and that piece's output while the next is made: 4 MiB pieces keep a run on one
# 200 MB line at 42 MiB of RSS (8 MiB pieces took it to 63 MiB, at issue 13's 64 MiB limit).
MAX_HELD = 4 << 20


def whole_lines(blocks: Iterable[Block]) -> Iterator[Block]:
    """The same bytes, regrouped so that no block but the last ends inside a line, unless the line
    is longer than MAX_HELD (then it comes in pieces of about that size, cut where the blocks were)."""
    # The held blocks are let go before their join is yielded: the caller works on the join (and
    # makes its output) without a second copy of the same bytes alive.
    held: list[Block] = []
    size = 0
    for block in blocks:
        if block.verbatim:
            yield block
            continue
        data = block.data
        cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        if cut == 0:
            held.append(block)
            size += len(data)
            if size >= MAX_HELD:
                joined, held, size = _joined(held), [], 0
                block = data = None  # the last held block's bytes too
                yield joined
            continue
        if held:
            joined, held = _joined([*held, Block(data[:cut], block.offset, block.lines)]), []
            yield joined
        else:
            yield Block(data[:cut], block.offset, block.lines) if cut < len(data) else block
        held, size = [], 0
        if cut < len(data):
            held = [Block(data[cut:], block.offset + cut, block.lines + data.count(b"\n", 0, cut))]
            size = len(data) - cut
    if held:
        yield _joined(held)


def _joined(blocks: list[Block]) -> Block:
    """One block of consecutive blocks' bytes (joined once: linear in their size)."""
    if len(blocks) == 1:
        return blocks[0]
    return Block(b"".join(b.data for b in blocks), blocks[0].offset, blocks[0].lines)

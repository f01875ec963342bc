"""The compiled kernel (arabic_norm/engine/_kernel.c), when it was built: one pass of C per map.

`pip install` builds the C extension when a compiler is present and skips it otherwise (it is
optional in setup.py). Without it, or with the environment variable ARABIC_NORM_NO_KERNEL=1, the
numpy engines (engine.py, utf8.py) do the same work, byte for byte: the tests run both. Where the
processor has AVX-512 (VBMI2), the kernel maps 64 bytes at a time (`native.vector()` says whether
it does; ARABIC_NORM_NO_VECTOR=1 switches that off), and the tests run that loop too.

    >>> from arabic_norm.engine import kernel
    >>> kernel.native is None or hasattr(kernel.native, "Map")  # None: not built, or switched off
    True

What the kernel does, and where it hands over to the str path like the numpy byte engine does
(a rule trigger, a replacement longer than its character in UTF-8, bytes that are not UTF-8), is
described at the top of _kernel.c. `engine.CompiledMap` runs `utf8_map`/`str_map`, and --stats
runs them with a counts buffer (`counts_buffer`, read by `counted`); `Counter` serves --stats,
`contains_any` and `find` protect.py's searches of each block, `run_lines` the elongation rule
(see compiler.py).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Mapping

native = None  # the _kernel module, or None: the numpy engine runs
if os.environ.get("ARABIC_NORM_NO_KERNEL", "") in ("", "0"):
    try:
        from . import _kernel as native
    except ImportError:  # built without a compiler: the fallback is complete
        native = None
# The kernel's vector loop (AVX-512 with VBMI2, 64 bytes at a time; see map_vector in _kernel.c)
# runs where the processor has it; ARABIC_NORM_NO_VECTOR=1 keeps the one-character-at-a-time loop.
vector_capable = native is not None and native.vector()  # on at import where the processor can
vector_switched_off = os.environ.get("ARABIC_NORM_NO_VECTOR", "") not in ("", "0")
if vector_capable and vector_switched_off:
    native.vector(False)


# keep_freed_memory: freed blocks up to this size stay in the heap, enough for the 1 MiB blocks a
# file is read in and the 4 MiB pieces a long line is held in, with their outputs (glibc accepts up
# to 32 MiB).
KEEP_FREED = 16 << 20


def keep_freed_memory() -> bool:
    """Have malloc keep and reuse the memory of freed blocks (glibc): without it every 1 MiB block
    read or written is fresh pages, and page faults take a fifth of a run over a large file. For
    the command line only, whose process does nothing else; False when not set (no kernel, not
    glibc). See _kernel.c."""
    return native is not None and native.keep_freed_memory(KEEP_FREED)


def parent_death_signal(signum: int) -> bool:
    """Have this process receive `signum` when its parent ends (Linux prctl PR_SET_PDEATHSIG);
    False when the kernel module cannot set it (not built, not Linux: the caller uses ctypes)."""
    return native is not None and native.parent_death_signal(signum)


def _bmp(code: int) -> bool:
    return code <= 0xFFFF and not 0xD800 <= code < 0xE000


def counts_buffer(mapping: Mapping[int, str], stops: str = "") -> array:
    """A counts buffer for the kernel's map of `mapping` (and `stops`): `run(data, counts)` and
    `run_str(text, counts)` add one to entry k for each character of the k-th key they map."""
    return array("Q", bytes(8 * (1 + len(mapping) + len(stops))))


def counted(mapping: Mapping[int, str], counts) -> dict[int, int]:
    """Code point -> how many of it a map of `mapping` mapped, read from its counts buffer
    (entry 0 means nothing: some of the characters kept; the stops' entries come last)."""
    return {code: n for code, n in zip(mapping, counts[1 : len(mapping) + 1], strict=True) if n}


def utf8_map(mapping: Mapping[int, str], stops: str = ""):
    """A compiled map for UTF-8 bytes (`.run(data)`: see utf8.Utf8Map.run, the same contract),
    or None for maps the byte path does not run: keys in ASCII (skipped eight bytes at a time),
    beyond the BMP or surrogates, or stops beyond the BMP."""
    if native is None:
        return None
    if not all(k >= 0x80 and _bmp(k) for k in [*mapping, *map(ord, stops)]):
        return None
    return native.Map(dict(mapping), stops)


def str_map(mapping: Mapping[int, str]):
    """A compiled map for str (`.run_str(text)`), or None: no kernel, or keys beyond the BMP."""
    if native is None or not all(_bmp(k) for k in mapping):
        return None
    return native.Map(dict(mapping))


def contains_any(data, needles: tuple[bytes, ...]) -> bool:
    """Whether any of `needles` occurs in `data` (bytes or an mmap). protect.py asks this of every
    block: in C, each needle is found from memchr of one of its bytes, about ten times faster on
    Arabic text than `in`, whose skip table UTF-8 continuation bytes defeat."""
    if native is None:
        return any(data.find(needle) >= 0 for needle in needles)
    return native.contains_any(data, needles)


def find(data, needle: bytes, start: int = 0) -> int:
    """`data.find(needle, start)`, by the same search as `contains_any`."""
    if native is None:
        return data.find(needle, start)
    return native.find(data, needle, start)


def run_lines(text: str, n: int):
    """(start, end) of each line of `text` holding a run of `n` or more identical characters, in
    order (`end` past its line break); without the kernel, the whole text as one line."""
    if native is None:
        yield 0, len(text)
        return
    at = native.find_run(text, n, 0)
    while at >= 0:
        end = text.find("\n", at) + 1 or len(text)
        yield text.rfind("\n", 0, at) + 1, end
        at = native.find_run(text, n, end)


class Counter:
    """Counts of chosen BMP code points in UTF-8 bytes or in a str, in one pass of C (or, without
    the kernel, with str.count: same numbers)."""

    def __init__(self, codes):
        self.codes = sorted(c for c in set(codes) if _bmp(c))
        slots = array("H", bytes(2 * 0x10000))
        for slot, code in enumerate(self.codes, 1):
            slots[code] = slot
        self.slots = slots.tobytes()

    def in_utf8(self, data: bytes, errors: str = "strict") -> dict[int, int]:
        """Code point -> occurrences in `data` (bytes that are not UTF-8 count as nothing)."""
        if native is None:
            return self.in_str(data.decode("utf-8", errors))
        return self._named(native.count_utf8(data, self.slots, len(self.codes)))

    def in_str(self, text: str) -> dict[int, int]:
        if native is None:
            return {c: n for c in self.codes if (n := text.count(chr(c)))}
        return self._named(native.count_str(text, self.slots, len(self.codes)))

    def _named(self, counts: list[int]) -> dict[int, int]:
        return {c: n for c, n in zip(self.codes, counts, strict=True) if n}

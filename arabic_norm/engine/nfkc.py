"""The executor of `steps.compat.NFKCThenDelete`: NFKC, then deleting combining marks, in one pass
that skips NFKC on the lines that do not need it and deletes with a `CompiledMap`.

`executor(op)` is what chain.py calls on every operation a step builds: this declaration becomes
its fast executor, every other operation stays as it is.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

from ..steps.base import char_class, delete
from ..steps.compat import NFKCThenDelete
from ..steps.record import field, record
from .maps import CompiledMap


@cache
def _composing_second(cccs: frozenset[int]) -> frozenset[str]:
    """Characters that canonically compose with the character before them and have a combining
    class in `cccs` (Hangul vowel and trailing jamo included)."""
    out = set()
    if 0 in cccs:
        out.update(map(chr, range(0x1161, 0x1176)), map(chr, range(0x11A8, 0x11C3)))
    for cp in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            first, second = (chr(int(p, 16)) for p in parts)
            if unicodedata.combining(second) in cccs and unicodedata.normalize("NFC", first + second) == chr(cp):
                out.add(second)
    return frozenset(out)


@cache
def _unsafe_chars(cccs: frozenset[int]) -> frozenset[int]:
    """Characters whose compatibility decomposition contains a character of `_composing_second`."""
    second = _composing_second(cccs)
    unsafe = set(second)
    for cp in range(sys.maxunicode + 1):
        if unicodedata.decomposition(chr(cp)) and not second.isdisjoint(unicodedata.normalize("NFKD", chr(cp))):
            unsafe.add(chr(cp))
    return frozenset(map(ord, unsafe))


@cache
def _unsafe_pattern(cccs: frozenset[int]) -> re.Pattern:
    return re.compile(f"[{char_class(_unsafe_chars(cccs))}]")


@cache
def _unsafe_units(cccs: frozenset[int]):
    """A numpy table over UTF-16 code units: True for unsafe BMP characters and all surrogates."""
    import numpy as np

    table = np.zeros(0x10000, dtype=bool)
    table[[cp for cp in _unsafe_chars(cccs) if cp <= 0xFFFF]] = True
    table[0xD800:0xE000] = True  # astral characters: decided by the exact pattern
    return table


def _contains_any(text: str, cccs: frozenset[int]) -> bool:
    """Whether `text` contains a character of `_unsafe_chars(cccs)`; a numpy prefilter for big texts
    (a regular expression scans them several times slower)."""
    if len(text) >= 1 << 15:
        import numpy as np

        units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        if not np.take(_unsafe_units(cccs), units).any():
            return False
    return _unsafe_pattern(cccs).search(text) is not None


@record(eq=False)
class FastNFKCThenDelete(NFKCThenDelete):
    """NFKC, then delete the combining marks `deleted`, in one fast pass.

    Deleting such a mark before NFKC changes nothing, as long as the mark composes with nothing and
    the text holds no character whose decomposition contains a character that could compose with
    what the deleted mark separated it from (a starter that composes with the starter before it,
    such as Hangul jamo or some Indic vowel signs, or a mark of the same combining class): then the
    marks can be deleted first, and NFKC runs only on the lines that still need it, which in
    Arabic text are few (tashkeel reordering, which made almost every line of vocalized text
    "not normalized", is gone with the marks). Otherwise, and for small texts, it is plain
    `normalize("NFKC")` then deletion. Either way the result is the same; tests compare it with
    camel-tools on the corpora and with the plain form on random text.
    """

    min_chars: int = 4096  # below this, the plain path is as fast
    _delete: CompiledMap = field(init=False, repr=False)

    def __post_init__(self):
        super().__post_init__()  # the declaration checks the marks
        object.__setattr__(self, "_delete", CompiledMap(delete(self.deleted)))

    def _unsafe(self, text: str) -> bool:
        """Whether deleting the marks before NFKC could change the result for `text`."""
        if not self.deleted:
            return False
        cccs = frozenset(unicodedata.combining(chr(cp)) for cp in self.deleted) | {0}
        # A deleted mark that composes itself would make deleting it first wrong.
        if not _composing_second(cccs).isdisjoint(map(chr, self.deleted)):
            raise ValueError("a deleted mark takes part in a canonical composition")
        return _contains_any(text, cccs)

    def run(self, text: str) -> str:
        return self.run_counted(text)[0]

    def run_counted(self, text: str) -> tuple[str, int]:
        if unicodedata.is_normalized("NFKC", text):
            new = self._delete.run(text)
        elif len(text) < self.min_chars or self._unsafe(text):
            new = self._delete.run(unicodedata.normalize("NFKC", text))
        else:
            lines = self._delete.run(text).split("\n")
            for i, line in enumerate(lines):
                if not unicodedata.is_normalized("NFKC", line):
                    lines[i] = self._delete.run(unicodedata.normalize("NFKC", line))
            new = "\n".join(lines)
        if new == text:
            return text, 0
        # For --stats: characters removed or added, at least 1 when anything changed.
        return new, max(1, abs(len(text) - len(new)))


def executor(op):
    """The operation that runs `op`: the fast executor of an NFKC-then-delete declaration, else
    `op` itself (maps are compiled later, rules run as they are)."""
    if isinstance(op, NFKCThenDelete) and not isinstance(op, FastNFKCThenDelete):
        return FastNFKCThenDelete(op.name, op.deleted)
    return op

"""The promises every preset makes, measured on every line of a text (tests/test_corpus_properties.py
asserts them on every corpus file; run this module to print the whole table):

    .venv/bin/python -m tests.corpus_properties [--quick]

Per line, for a preset p and an input line x:

- idempotence: p(p(x)) == p(x);
- bytes = str: p.normalize_bytes(x.encode()) == p(x).encode() (whole file, default block size, and
  4096-byte blocks);
- stranded marks in p(x): a mark the preset removes (every combining mark except a hamza above or
  below) still there; a combining hamza or madda left on a letter it composes with (a second run or
  any NFC consumer would merge the two letters); more combining hamzas on a non-composing letter
  (or on nothing) than the input had (its seat was removed under it);
- letters lost: Arabic letters of x (a small letter carried by a tatweel, ـۧ ـۨ, counted as a
  letter) against those of p(p(x)), hamza and alef letters left out: folding those into one
  another is what the alef step does, and a hamza on a tatweel seat merges with the alef after it
  (ـَٔا -> آ). Every other letter must survive: a ya merged into a hamza (شَيْـًٔا -> شئا) or a
  small letter dropped (إِبْرَٰهِـۧمَ -> ابرهم) is a loss. For presets with the ligatures or
  elongation steps the input is counted after them (ﻻ is two letters; a letter repeated for
  emphasis is one, on purpose, also once the letter steps have made it so: ههة -> ه); `quran`
  also writes و and ى + superscript alef as ا (الصلاة، هدانا), so those two are left out for it.

Vectorized with numpy over the whole file; the time goes into running the presets themselves.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

import numpy as np

from arabic_norm import Pipeline
from arabic_norm.presets import PRESETS
from arabic_norm.steps import chars

COMBINING_HAMZA = "\u0653\u0654\u0655"
TATWEEL = "\u0640"
MARKS = "".join(map(chr, chars.ALL_MARKS))
_MARK_CLASS = f"[{re.escape(MARKS)}]"
LIGATURES = Pipeline.parse("ligatures")
ELONGATION = Pipeline.parse("elongation")
LETTER_FOLDS = ("persian", "alef", "ya", "teh-marbuta")
_NOT_LETTERS = str.maketrans(dict.fromkeys(MARKS + TATWEEL))
# Presets that reproduce a peer byte for byte: their peer's behaviour is measured, not asserted.
PEER_PRESETS = {"camel", "lucene", "lucene-persian", "pyarabic"}
# Hamza and alef letters: folding them into one another is what the alef and hamza steps are for
# (أ -> ا, and a hamza on a tatweel seat merges with the alef after it into آ), so they are not
# counted. The quran preset also writes و and ى + superscript alef as ا (الصلاة، هدانا).
HAMZA_AND_ALEF = "\u0621\u0622\u0623\u0624\u0625\u0626\u0627\u0671\u0672\u0673\u0675"
QURAN_ALEFS = HAMZA_AND_ALEF + "\u0649\u0648"


def is_arabic_letter(cp: int) -> bool:
    ch = chr(cp)
    return unicodedata.category(ch) == "Lo" and (
        0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF or 0xFB50 <= cp <= 0xFEFF
    )


_LETTER = np.array([is_arabic_letter(cp) for cp in range(0x10000)], dtype=bool)
_LETTER[[ord(c) for c in HAMZA_AND_ALEF]] = False
_LETTER_QURAN = _LETTER.copy()
_LETTER_QURAN[[ord(c) for c in QURAN_ALEFS]] = False
_KEPT_BY_DESIGN = set("\u0654\u0655")

# Pairs a combining hamza/madda composes with: Unicode's (NFC) and dotless/farsi yeh + hamza above
# (the diacritics step makes ئ of them).
_NFC_PAIRS = {
    (chr(b), m)
    for b in range(0x0600, 0x0700)
    for m in COMBINING_HAMZA
    if len(unicodedata.normalize("NFC", chr(b) + m)) == 1
} | {("\u0649", "\u0654"), ("\u06cc", "\u0654")}
_HAMZA_SIGN = re.compile(f"[{COMBINING_HAMZA}]")
_SMALL_ON_TATWEEL = re.compile(f"{TATWEEL}+{_MARK_CLASS}*?[\u06e7\u06e8]")


def per_line(text: str, mask: np.ndarray) -> np.ndarray:
    """How many characters of each line `mask` (a table over UTF-16 units) selects."""
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    lines = np.cumsum(units == 10) - (units == 10)
    return np.bincount(lines[mask[units]], minlength=text.count("\n") + 1)


def per_line_matches(text: str, positions: list[int]) -> np.ndarray:
    """How many of `positions` (str indices) fall on each line."""
    n = text.count("\n") + 1
    if not positions:
        return np.zeros(n, dtype=np.int64)
    breaks = np.flatnonzero(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) == 10)
    return np.bincount(np.searchsorted(breaks, np.array(positions, dtype=np.int64)), minlength=n)


def combining_hamzas(text: str) -> tuple[list[int], list[int]]:
    """Positions of the combining hamzas/maddas of `text`: (those on a letter they compose with,
    harakat allowed between; those that compose with nothing: on a non-composing letter, a
    tatweel or nothing, each standing for a letter of its own)."""
    composable, alone = [], []
    for m in _HAMZA_SIGN.finditer(text):
        i, between = m.start() - 1, True
        while i >= 0 and text[i] in MARKS:
            between = between and "\u064b" <= text[i] <= "\u0652"
            i -= 1
        base = text[i] if i >= 0 else ""
        if (base, m.group()) in _NFC_PAIRS:
            if between:
                composable.append(m.start())
        else:
            alone.append(m.start())
    return composable, alone


def letters_in(text: str, table: np.ndarray = _LETTER) -> np.ndarray:
    """Letters per line, hamza and alef letters left out (see HAMZA_AND_ALEF), a small letter
    carried by a tatweel (ـۧ ـۨ) counted."""
    return per_line(text, table) + per_line_matches(text, [m.start() for m in _SMALL_ON_TATWEEL.finditer(text)])


@dataclass
class Result:
    lines: int
    not_idempotent: int
    stranded: int
    letters_lost: int
    bytes_ne_str: int


def removed_marks(name: str) -> np.ndarray:
    table = np.zeros(0x10000, dtype=bool)
    if name not in PEER_PRESETS:
        table[[ord(c) for c in MARKS if c not in _KEPT_BY_DESIGN]] = True
    return table


def differing_lines(a: str, b: str) -> int:
    return 0 if a == b else sum(x != y for x, y in zip(a.split("\n"), b.split("\n"), strict=True))


def measure(name: str, text: str, block_sizes=(None, 4096)) -> Result:
    p = Pipeline.preset(name)
    once = p(text)
    data, expected = text.encode("utf-8"), once.encode("utf-8")
    bytes_bad = 0
    for size in block_sizes:
        got = p.normalize_bytes(data) if size is None else p.normalize_bytes(data, block_size=size)
        if got != expected:
            bytes_bad = max(bytes_bad, differing_lines(got.decode("utf-8"), once) or 1)
    twice = p.normalize_bytes(expected).decode("utf-8")  # the byte path: the one files take
    # stranded: promised marks left, composable hamzas left, hamzas that lost their seat
    composable, alone = combining_hamzas(once)
    left = per_line(once, removed_marks(name))
    if name not in PEER_PRESETS:
        left = left + per_line_matches(once, composable)
    moved = per_line_matches(once, alone) - per_line_matches(text, combining_hamzas(text)[1])
    stranded = int(np.count_nonzero(left + np.maximum(moved, 0)))
    # letters lost, against p(p(x)); presentation forms count as the letters they stand for (ﻻ is
    # two), and letters repeated for emphasis as one where the preset collapses them (once marks
    # and tatweel, which are not letters, no longer stand between them)
    steps = [s.name for s in p.specs]
    table = _LETTER_QURAN if name == "quran" else _LETTER
    before = LIGATURES(text) if "ligatures" in steps else text
    expected = per_line(before, table)
    if "elongation" in steps:
        # elongation runs after the letter folds (ههة -> ههه -> ه): the letters it removes from
        # the folded text, marks and tatweel gone, are not lost
        folded = Pipeline([spec for spec in p.specs if spec.name in LETTER_FOLDS])(before.translate(_NOT_LETTERS))
        expected = expected - (per_line(folded, table) - per_line(ELONGATION(folded), table))
    expected = expected + per_line_matches(text, [m.start() for m in _SMALL_ON_TATWEEL.finditer(text)])
    lost = int(np.count_nonzero(letters_in(twice, table) < expected))
    return Result(text.count("\n") + 1, differing_lines(once, twice), stranded, lost, bytes_bad)


# Big files: the default block size only (each extra size is a whole pass over 50 MB).
BIG = 5_000_000
BLOCK_SIZES = {False: (None, 4096), True: (None,)}


def main(argv: list[str]) -> int:
    from tests.conftest import corpus_files

    quick = "--quick" in argv
    files = [f for f in corpus_files() if not quick or f.stat().st_size < 5_000_000]
    names = list(PRESETS)
    print("cells: not idempotent / lines with stranded marks / lines with letters lost / bytes != str (lines)")
    print("| file | lines | " + " | ".join(names) + " |")
    print("|---|---:|" + "---|" * len(names))
    for f in files:
        text = f.read_text(encoding="utf-8")
        cells = []
        for name in names:
            r = measure(name, text, BLOCK_SIZES[len(text) > BIG])
            cells.append(f"{r.not_idempotent} / {r.stranded} / {r.letters_lost} / {r.bytes_ne_str}")
        print(f"| {f.name} | {text.count(chr(10)) + 1:,} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Word agreement, verse by verse, between the Quran in Uthmani spelling and in modern spelling.

    .venv/bin/python -m tests.quran_agreement [LEFT_PRESET] [RIGHT_PRESET]   # default: quran search

Tanzil publishes the same text in both spellings (../shared/corpus/cls_quran_uthmani_tanzil.txt and
cls_quran_simple_clean_tanzil.txt, `sura|aya|text` lines). Each Uthmani verse goes through LEFT,
each modern verse through RIGHT; the two word lists are aligned with difflib, and the score is the
share of modern words matched. The basmala Uthmani prepends to the first verse of 112 suras is
skipped. Computed at test time from the Tanzil files, which may only be used unchanged: no
normalized copy of them is ever written (tests/test_quran.py asserts the target).
"""

from __future__ import annotations

import collections
import difflib
import sys

from arabic_norm import Pipeline

from .conftest import CORPUS

UTHMANI = CORPUS / "cls_quran_uthmani_tanzil.txt"
MODERN = CORPUS / "cls_quran_simple_clean_tanzil.txt"
BASMALA = "بِسْمِ ٱللَّهِ ٱلرَّحْمَـٰنِ ٱلرَّحِيمِ"


def verses(path) -> dict[tuple[str, str], str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].isdigit():
            out[(parts[0], parts[1])] = parts[2]
    return out


def agreement(left: str = "quran", right: str = "search"):
    """(modern words, matched words, Counter of (left words, right words) mismatches)."""
    lp, rp = Pipeline.preset(left), Pipeline.preset(right)
    uthmani, modern = verses(UTHMANI), verses(MODERN)
    basmala = lp(BASMALA).split()
    total = matched = 0
    mismatches: collections.Counter = collections.Counter()
    for key, text in uthmani.items():
        if key not in modern:
            continue
        u, m = lp(text).split(), rp(modern[key]).split()
        if key[1] == "1" and u[: len(basmala)] == basmala and m[: len(basmala)] != basmala:
            u = u[len(basmala) :]
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, u, m, autojunk=False).get_opcodes():
            total += b2 - b1
            if op == "equal":
                matched += b2 - b1
            else:
                mismatches[(" ".join(u[a1:a2]), " ".join(m[b1:b2]))] += max(b2 - b1, 1)
    return total, matched, mismatches


def main(argv: list[str]) -> int:
    left, right = (argv + ["quran", "search"][len(argv) :])[:2]
    total, matched, mismatches = agreement(left, right)
    print(
        f"{left} on Uthmani vs {right} on modern: {matched:,} of {total:,} modern words = {100 * matched / total:.2f}%"
    )
    for (a, b), n in mismatches.most_common(25):
        print(f"{n:5d}  {a}  |  {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

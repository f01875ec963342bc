"""Where pyarabic does the same thing as one of our steps, the outputs must agree, line by line,
on every corpus in ../shared/corpus. pyarabic itself is the reference (installed by the test extra).

Where the two deliberately differ (documented in the steps' help), the comparison is restricted to
lines that contain none of the code points in question, and the restriction is stated.
"""

# The peer protects nothing: compare with protection off (protected spans: tests/test_protect.py).

from __future__ import annotations

import pytest
from pyarabic import araby

from arabic_norm import Pipeline

from .conftest import codepoints, corpus_files


def lines_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from f


def assert_same_on_corpus(path, ours, theirs, skip_if=frozenset()):
    compared = 0
    for number, line in enumerate(lines_of(path), 1):
        if skip_if and not skip_if.isdisjoint(line):
            continue
        compared += 1
        a, b = ours(line), theirs(line)
        assert a == b, f"{path.name}:{number}\n ours     {a!r}\n pyarabic {b!r}\n ours     {codepoints(a)}"
    return compared


CORPORA = corpus_files()


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_tatweel_matches_strip_tatweel(path):
    """strip_tatweel also deletes a tatweel that is the seat of a hamza (Uthmani ـَٔ), dropping the
    hamza onto the letter before; our step writes ء there: lines with a combining hamza are left
    out (the pyarabic-strip-tatweel step reproduces strip_tatweel exactly, tests/test_pyarabic_compat.py)."""
    assert assert_same_on_corpus(
        path, Pipeline.parse("tatweel", protect=None), araby.strip_tatweel, skip_if=frozenset("\u0654\u0655")
    )


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_harakat_removal_matches_strip_tashkeel(path):
    """strip_tashkeel removes exactly U+064B-U+0652. Our diacritics step removes only those when
    told to keep the other classes. It also composes a decomposed hamza/madda first (pyarabic does
    not), so lines with U+0653-U+0655 are compared after NFC, which composes them the same way."""
    ours = Pipeline.parse("diacritics --keep extended --dagger-alef keep --no-quranic", protect=None)
    assert assert_same_on_corpus(path, ours, araby.strip_tashkeel, skip_if=frozenset("\u0653\u0654\u0655"))


# Marks where the two sets differ: pyarabic strips U+0653-U+0655 (we compose them), we also strip
# U+06E5, U+06E6 and the Arabic Extended-A marks U+08D3-U+08FF (pyarabic does not know them), and
# write the small high yeh and noon U+06E7, U+06E8 as the letters they stand for.
DIFFERENT_MARKS = frozenset("\u0653\u0654\u0655\u06e5\u06e6\u06e7\u06e8" + "".join(map(chr, range(0x08D3, 0x0900))))


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_all_diacritics_match_strip_diacritics(path):
    assert assert_same_on_corpus(
        path, Pipeline.parse("diacritics", protect=None), araby.strip_diacritics, skip_if=DIFFERENT_MARKS
    )


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_teh_marbuta_matches_normalize_teh(path):
    assert assert_same_on_corpus(path, Pipeline.parse("teh-marbuta", protect=None), araby.normalize_teh)


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_alef_matches_normalize_alef(path):
    """pyarabic's normalize_alef also folds ى and the dagger alef into ا (our ya and diacritics
    steps own those) and does not know ٲ ٳ ٵ or decomposed forms: such lines are left out."""
    different = frozenset("\u0649\u0670\u0672\u0673\u0675\u0653\u0654\u0655")
    assert assert_same_on_corpus(path, Pipeline.parse("alef", protect=None), araby.normalize_alef, skip_if=different)


def test_the_comparisons_cover_real_text():
    """The restrictions above must leave most of the corpora to compare."""
    total = kept = 0
    for path in CORPORA:
        for line in lines_of(path):
            total += 1
            kept += DIFFERENT_MARKS.isdisjoint(line)
    assert kept > 0.9 * total, (kept, total)

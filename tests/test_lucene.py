"""Lucene compatibility: the `lucene` and `lucene-persian` presets.

The published test cases are Lucene's own (TestArabicNormalizationFilter and
TestPersianNormalizationFilter, apache/lucene, lucene/analysis/common/src/test/.../ar and .../fa).
The reference implementations below are written here from Lucene's documented code points
(ArabicNormalizer.java, PersianNormalizer.java): they work one character at a time, as Lucene does,
and leave every other character alone.
"""

# The peer protects nothing: compare with protection off (protected spans: tests/test_protect.py).

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.presets import PRESETS

from .conftest import CORPUS, codepoints

# ArabicNormalizer: ALEF_MADDA, ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW -> ALEF; DOTLESS_YEH -> YEH;
# TEH_MARBUTA -> HEH; TATWEEL, FATHATAN, DAMMATAN, KASRATAN, FATHA, DAMMA, KASRA, SHADDA, SUKUN
# deleted.
LUCENE_ARABIC = {
    "\u0622": "\u0627",
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0649": "\u064a",
    "\u0629": "\u0647",
    "\u0640": "",
    "\u064b": "",
    "\u064c": "",
    "\u064d": "",
    "\u064e": "",
    "\u064f": "",
    "\u0650": "",
    "\u0651": "",
    "\u0652": "",
}
# PersianNormalizer: FARSI_YEH, YEH_BARREE -> YEH; KEHEH -> KAF; HEH_YEH, HEH_GOAL -> HEH;
# HAMZA_ABOVE deleted.
LUCENE_PERSIAN = {
    "\u06cc": "\u064a",
    "\u06d2": "\u064a",
    "\u06a9": "\u0643",
    "\u06c0": "\u0647",
    "\u06c1": "\u0647",
    "\u0654": "",
}


def lucene(table: dict[str, str], text: str) -> str:
    return "".join(table.get(c, c) for c in text)


def reference(preset: str):
    table = LUCENE_ARABIC if preset == "lucene" else LUCENE_PERSIAN
    return lambda text: lucene(table, text)


# (test name in Lucene, input, expected): every case of the two Lucene test classes.
ARABIC_CASES = [
    ("testAlifMadda", "\u0622\u062c\u0646", "\u0627\u062c\u0646"),
    ("testAlifHamzaAbove", "\u0623\u062d\u0645\u062f", "\u0627\u062d\u0645\u062f"),
    ("testAlifHamzaBelow", "\u0625\u0639\u0627\u0630", "\u0627\u0639\u0627\u0630"),
    ("testAlifMaksura", "\u0628\u0646\u0649", "\u0628\u0646\u064a"),
    ("testTehMarbuta", "\u0641\u0627\u0637\u0645\u0629", "\u0641\u0627\u0637\u0645\u0647"),
    ("testTatweel", "\u0631\u0648\u0628\u0631\u0640\u0640\u0640\u0640\u0640\u062a", "\u0631\u0648\u0628\u0631\u062a"),
    ("testFatha", "\u0645\u064e\u0628\u0646\u0627", "\u0645\u0628\u0646\u0627"),
    ("testKasra", "\u0639\u0644\u0650\u064a", "\u0639\u0644\u064a"),
    ("testDamma", "\u0628\u064f\u0648\u0627\u062a", "\u0628\u0648\u0627\u062a"),
    ("testFathatan", "\u0648\u0644\u062f\u0627\u064b", "\u0648\u0644\u062f\u0627"),
    ("testKasratan", "\u0648\u0644\u062f\u064d", "\u0648\u0644\u062f"),
    ("testDammatan", "\u0648\u0644\u062f\u064c", "\u0648\u0644\u062f"),
    ("testSukun", "\u0646\u0644\u0652\u0633\u0648\u0646", "\u0646\u0644\u0633\u0648\u0646"),
    ("testShaddah", "\u0647\u062a\u0645\u064a\u0651", "\u0647\u062a\u0645\u064a"),
    ("testEmptyTerm", "", ""),
]
PERSIAN_CASES = [
    ("testFarsiYeh", "\u0647\u0627\u06cc", "\u0647\u0627\u064a"),
    ("testYehBarree", "\u0647\u0627\u06d2", "\u0647\u0627\u064a"),
    ("testKeheh", "\u06a9\u0634\u0627\u0646\u062f\u0646", "\u0643\u0634\u0627\u0646\u062f\u0646"),
    ("testHehYeh", "\u0643\u062a\u0627\u0628\u06c0", "\u0643\u062a\u0627\u0628\u0647"),
    ("testHehHamzaAbove", "\u0643\u062a\u0627\u0628\u0647\u0654", "\u0643\u062a\u0627\u0628\u0647"),
    ("testHehGoal", "\u0632\u0627\u062f\u06c1", "\u0632\u0627\u062f\u0647"),
    ("testEmptyTerm", "", ""),
]


@pytest.mark.parametrize(("case", "text", "expected"), ARABIC_CASES, ids=[c[0] for c in ARABIC_CASES])
def test_lucene_arabic_normalization_filter_cases(case, text, expected):
    assert Pipeline.preset("lucene", protect=None)(text) == expected
    assert Pipeline.preset("lucene", protect=None).normalize_bytes(text.encode()) == expected.encode()


@pytest.mark.parametrize(("case", "text", "expected"), PERSIAN_CASES, ids=[c[0] for c in PERSIAN_CASES])
def test_lucene_persian_normalization_filter_cases(case, text, expected):
    assert Pipeline.preset("lucene-persian", protect=None)(text) == expected
    assert Pipeline.preset("lucene-persian", protect=None).normalize_bytes(text.encode()) == expected.encode()


def test_reference_implementations_pass_the_published_cases():
    """The references below are only worth comparing against if they pass Lucene's own cases."""
    for _, text, expected in ARABIC_CASES:
        assert lucene(LUCENE_ARABIC, text) == expected
    for _, text, expected in PERSIAN_CASES:
        assert lucene(LUCENE_PERSIAN, text) == expected


@pytest.mark.parametrize("preset", ["lucene", "lucene-persian"])
def test_every_code_point_lucene_keeps_is_kept(preset):
    """All of Unicode (surrogates excluded) in one string: the preset changes exactly the
    characters Lucene changes, in the same way, and keeps every other one."""
    everything = "".join(chr(cp) for cp in range(1, sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    ours, theirs = Pipeline.preset(preset, protect=None)(everything), reference(preset)(everything)
    if ours != theirs:
        start = next(i for i, (a, b) in enumerate(zip(ours + "\0", theirs + "\0", strict=False)) if a != b)
        pytest.fail(
            f"{preset}: ours {codepoints(ours[start : start + 4])}, Lucene {codepoints(theirs[start : start + 4])}"
        )


# Where the general steps differ from Lucene: alef wasla, the rare alefs, dagger alef, combining
# hamza and madda (also after alef), Quranic marks, ؤ ئ, Persian letters Lucene leaves alone.
HARD = "\u0671\u0672\u0673\u0675\u0670\u0653\u0654\u0655\u0627\u0624\u0626\u06d6\u06be\u06d5\u06c3\u0649\u06cc"
TEXT = st.text(
    st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(HARD + " \n\r\ufeff"),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.characters(codec="utf-8"),
    )
)


@pytest.mark.parametrize("preset", ["lucene", "lucene-persian"])
@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_presets_match_reference_on_random_text(preset, text):
    text = text.lstrip("\ufeff")  # Lucene has no BOM handling; ours keeps a leading BOM
    assert Pipeline.preset(preset, protect=None)(text) == reference(preset)(text)
    assert Pipeline.preset(preset, protect=None).normalize_bytes(text.encode()) == reference(preset)(text).encode()


def corpus_paths():
    return sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "fixtures").glob("*.txt"))


@pytest.mark.parametrize("preset", ["lucene", "lucene-persian"])
@pytest.mark.parametrize("path", corpus_paths(), ids=lambda p: p.name)
def test_presets_match_reference_on_the_corpora(preset, path):
    data = path.read_bytes()
    got = Pipeline.preset(preset, protect=None).normalize_bytes(data).decode("utf-8").split("\n")
    want = [reference(preset)(line) for line in data.decode("utf-8").split("\n")]
    assert len(got) == len(want)
    for number, (a, b) in enumerate(zip(got, want, strict=True), 1):
        assert a == b, f"{path.name} line {number}: ours {a!r}, Lucene {b!r}"


@pytest.mark.parametrize("preset", ["lucene", "lucene-persian"])
def test_lucene_presets_are_idempotent_and_documented(preset):
    assert PRESETS[preset].idempotent
    assert "Lucene" in PRESETS[preset].help
    text = "أَحْمَدُ ٱلْكِتَابَةُ كتابهٔ ی ے ک ۀ ہ ـــ"
    once = Pipeline.preset(preset, protect=None)(text)
    assert Pipeline.preset(preset, protect=None)(once) == once

"""Uthmani (Quranic) spelling: the uthmani step, the quran preset, diacritics --dagger-alef modern,
and the Part 1 promises on Quranic text (hamza on a tatweel seat, small letters).

The expectations on whole texts are computed at test time from ../shared/corpus (the Tanzil files
may only be used unchanged: no normalized copy or golden file is committed). Single words below
are the examples of the rules, with the modern spelling a reader of the Quran expects.
"""

from __future__ import annotations

import pytest

from arabic_norm import Pipeline

from .conftest import CORPUS, codepoints
from .quran_agreement import UTHMANI, agreement, verses

# (chain or preset, Uthmani input, expected, why)
WORDS = [
    # a hamza on a tatweel seat gets the modern seat, read from the vowels; the tatweel is consumed
    ("default", "ٱلْـَٔاخِرَةِ", "الاخرة", "stem-initial hamza + fatha + alef is آ (الآخرة), then the alef step"),
    ("default", "شَيْـًٔا", "شيئا", "after ya sakina: ئ, and the ya stays (never شئا)"),
    ("default", "ٱلسَّيِّـَٔاتِ", "السيئات", "after ya: ئ (never السئات)"),
    ("default", "يَـُٔودُهُۥ", "يؤوده", "damma on the hamza: ؤ; the ya of the prefix stays"),
    ("default", "مَسْـُٔولًا", "مسؤولا", "damma: ؤ"),
    ("default", "ٱلْأَفْـِٔدَةَ", "الافئدة", "kasra: ئ"),
    ("default", "خَطِيٓـَٔتُهُۥ", "خطيئته", "long i before the hamza: ئ"),
    ("default", "مُتَّكِـِٔينَ", "متكئين", "kasra: ئ"),
    ("search", "أَسْـَٔلُكُمْ", "اسالكم", "fatha after sukun: أ, folded by search"),
    ("search", "ٱلْـَٔـٰنَ", "الان", "hamza + superscript alef on a tatweel: آ (الآن)"),
    ("default", "شَيۡـࣰٔا", "شيئا", "KFGQPC: open tanwin U+08F0 and sukun U+06E1 read like Tanzil's"),
    ("tatweel", "شَيْـًٔا", "شَيْءًا", "tatweel alone never drops a hamza: its seat becomes ء"),
    ("tatweel", "كـــتاب", "كتاب", "decorative tatweel still goes"),
    # small letters that stand for letters
    ("default", "إِبْرَٰهِـۧمَ", "ابرهيم", "small high yeh on a tatweel is a ya (dagger alef removed by default)"),
    ("default", "ٱلنَّبِيِّـۧنَ", "النبيين", "small high yeh: the second ya"),
    ("default", "نُـۨجِى", "ننجي", "small high noon: the omitted noon"),
    ("default", "يُحْىِۦ", "يحيي", "small yeh after ى: the second ya"),
    ("default", "يَسْتَوُۥنَ", "يستوون", "small waw after و: the second waw"),
    ("default", "إِنَّهُۥ", "انه", "small waw after the pronoun ه is the sila: not written"),
    (
        "diacritics tatweel",
        "جَا\u0653ءَ",
        "جاء",
        "a decomposed madda (ا + U+0653) before a hamza is the madd sign, not آ",
    ),
    ("diacritics tatweel", "بِمَا\u0653", "بما", "word-final madd sign"),
    ("diacritics", "آمن", "آمن", "a precomposed آ of modern text is a letter, kept"),
    # --dagger-alef modern
    (
        "diacritics --dagger-alef modern",
        "ٱلْعَـٰلَمِينَ",
        "ٱلعالمين",
        "an alef where modern spelling writes one (its tatweel consumed)",
    ),
    ("diacritics --dagger-alef modern tatweel", "هَدَىٰنَا", "هدانا", "ى + superscript alef inside a word: ا"),
    ("diacritics --dagger-alef modern tatweel", "عَلَىٰ", "على", "... at the end: ى"),
    ("diacritics --dagger-alef modern tatweel", "ٱلتَّوْرَىٰةَ", "ٱلتوراة", "ى + superscript alef: ا"),
    ("diacritics --dagger-alef modern tatweel", "ٱلصَّلَوٰةَ", "ٱلصلاة", "waw without a vowel + alef: ا"),
    ("diacritics --dagger-alef modern tatweel", "ٱلرِّبَوٰا۟", "ٱلربا", "... and the silent alef after it goes"),
    ("diacritics --dagger-alef modern tatweel", "هَـٰذَا", "هذا", "closed list: written without alef"),
    ("diacritics --dagger-alef modern tatweel", "ذَٰلِكَ", "ذلك", "closed list"),
    ("diacritics --dagger-alef modern tatweel", "وَلَـٰكِنَّ", "ولكن", "closed list, with a proclitic"),
    ("diacritics --dagger-alef modern tatweel", "ٱلرَّحْمَـٰنِ", "ٱلرحمن", "closed list"),
    ("diacritics --dagger-alef modern tatweel", "أُو۟لَـٰٓئِكَ", "أولئك", "closed list"),
    ("diacritics --dagger-alef modern tatweel", "يَـٰقَوْمِ", "يا قوم", "the vocative written joined"),
    ("diacritics --dagger-alef modern tatweel", "يَـٰٓأَيُّهَا", "يا أيها", "vocative; the madd sign goes"),
    ("diacritics --dagger-alef modern", "هٰذا الكتاب علىٰ", "هذا الكتاب على", "MSA: nothing changes"),
    # the uthmani step (marks kept) and the quran preset
    ("uthmani", "ءَامَنُوا۟", "آمَنُوا۟", "hamza on the line + fatha + alef: آ"),
    ("uthmani", "ٱلْقُرْءَانُ", "ٱلْقُرْآنُ", "inside the word too"),
    ("uthmani", "جُزْءًا", "جُزْءًا", "tanwin alef after a non-joining letter: the hamza stays on the line"),
    ("uthmani", "يَسْتَهْزِءُونَ", "يَسْتَهْزِئُونَ", "kasra before: ئ"),
    ("uthmani", "شَىْءٍ", "شَىْءٍ", "a word-final hamza stays on the line, as in modern spelling"),
    ("quran", "إِسْرَٰٓءِيلَ", "اسرائيل", "superscript alef, then the hamza after a long alef: ئ"),
    ("quran", "ءَأَنذَرْتَهُمْ", "اانذرتهم", "interrogative: أأنذرتهم"),
    ("quran", "يَـٰٓـَٔادَمُ", "يا ادم", "vocative, then the hamza at the start of the stem: آدم"),
    ("quran", "ءَآلْـَٔـٰنَ", "الان", "آلآن: both hamzas seated, then folded"),
    ("quran", "ٱلسَّمَا\u0653ءِ", "السماء", "madd sign before a hamza"),
    ("quran", "ٱلسَّمَآءِ", "السماء", "precomposed, as other editions write it"),
    ("quran", "۞ إِنَّ ٱللَّهَ", " ان الله", "rub el hizb is not a word (the blank after it stays)"),
    ("quran", "قَالَ ۞ إِنَّ", "قال ان", "... removed with the blanks before it"),
    ("quran", "ٱلرَّحْمَـٰنِ ٱلرَّحِيمِ ۝١", "الرحمن الرحيم ۝1", "the end-of-ayah sign stays with its number"),
    ("quran", "يَسْجُدُونَ ۩", "يسجدون", "nor is the sajda sign"),
]


@pytest.mark.parametrize(("chain", "text", "expected", "why"), WORDS, ids=[f"{w[0]}:{w[1]}" for w in WORDS])
def test_uthmani_words(chain, text, expected, why):
    p = Pipeline.preset(chain) if chain in ("default", "search", "quran") else Pipeline.parse(chain)
    got = p(text)
    assert got == expected, f"{why}\n got      {got!r} {codepoints(got)}\n expected {expected!r}"
    assert p(got) == got, "not idempotent"
    assert p.normalize_bytes(text.encode()) == got.encode()


def test_quran_preset_matches_modern_spelling_verse_by_verse():
    """At least 99% of the words of Tanzil's modern-spelling text are matched, verse by verse, by
    the quran preset on Tanzil's Uthmani text (search on the modern text)."""
    total, matched, mismatches = agreement("quran", "search")
    assert total > 77_000
    assert matched / total >= 0.99, (matched / total, mismatches.most_common(20))


def test_the_agreement_can_fail():
    """The measure is not trivially high: search alone on Uthmani text stays near 90%."""
    total, matched, _ = agreement("search", "search")
    assert matched / total < 0.92


# Another edition writes the same marks with other code points (KFGQPC / Madina): sukun U+06E1,
# open tanwin U+08F0-U+08F2. The rules read mark classes, so the output must not change.
OTHER_EDITION = str.maketrans({"\u0652": "\u06e1", "\u064b": "\u08f0", "\u064c": "\u08f1", "\u064d": "\u08f2"})


@pytest.mark.parametrize("preset", ["quran", "default", "search"])
def test_another_editions_code_points_give_the_same_words(preset):
    p = Pipeline.preset(preset)
    for key, text in verses(UTHMANI).items():
        other = text.translate(OTHER_EDITION)
        assert other != text or not set("\u0652\u064b\u064c\u064d") & set(text)
        assert p(other) == p(text), f"{key}: {p(other)!r} != {p(text)!r}"


def test_kfgqpc_fixture_meets_the_modern_text():
    """The KFGQPC fixture (other code points, ۝ with the verse number) against Tanzil's modern
    text: the same 99% of words."""
    quran, search = Pipeline.preset("quran"), Pipeline.preset("search")
    modern = verses(CORPUS / "cls_quran_simple_clean_tanzil.txt")
    fixture = verses(CORPUS / "fixtures" / "fx_quranic_marks_quranws_150.txt")
    assert len(fixture) >= 140
    total = matched = 0
    import difflib

    for key, text in fixture.items():
        u = [w for w in quran(text).split() if not w.startswith("\u06dd")]
        m = search(modern[key]).split()
        if key[1] == "1" and key[0] not in ("1", "9"):
            u = u[4:] if u[:4] == quran("بِسۡمِ ٱللَّهِ ٱلرَّحۡمَٰنِ ٱلرَّحِيمِ").split() else u
        for op, _, _, b1, b2 in difflib.SequenceMatcher(None, u, m, autojunk=False).get_opcodes():
            total += b2 - b1
            matched += (b2 - b1) if op == "equal" else 0
    assert matched / total >= 0.99, matched / total

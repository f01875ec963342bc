"""Every preset keeps its promises on every line of every corpus file in ../shared/corpus, and on
the probe list of the linguistic review (../shared/notes/linguistics/probes.tsv: Uthmani words,
other languages, edge Unicode): idempotent (unless the preset is declared otherwise to match its
peer), normalize_bytes equal to the str path, no stranded mark, no letter lost. The measures are
defined in tests/corpus_properties.py, which also prints the whole table.

Presets that reproduce a peer byte for byte (camel, lucene, lucene-persian) are held to the bytes
and idempotence promises only: stranding a hamza where Lucene deletes its tatweel seat is the
peer's behaviour, reproduced on purpose.
"""

from __future__ import annotations

import re

import pytest

from arabic_norm.presets import PRESETS

from .conftest import corpus_files
from .corpus_properties import BIG, BLOCK_SIZES, PEER_PRESETS, measure

PROBES = [
    r"ٱلْـَٔاخِرَةِ",  # Q01 quran-tatweel-hamza
    r"شَيْـًٔا",  # Q02 quran-tatweel-hamza
    r"ٱلسَّيِّـَٔاتِ",  # Q03 quran-tatweel-hamza
    r"يَـُٔودُهُۥ",  # Q04 quran-tatweel-hamza
    r"أَسْـَٔلُكُمْ",  # Q05 quran-tatweel-hamza
    r"مَسْـُٔولًا",  # Q06 quran-tatweel-hamza
    r"ٱلْأَفْـِٔدَةَ",  # Q07 quran-tatweel-hamza
    r"هَنِيٓـًٔا",  # Q08 quran-tatweel-hamza
    r"خَطِيٓـَٔتُهُۥ",  # Q09 quran-tatweel-hamza
    r"ٱسْتَيْـَٔسُوا۟",  # Q10 quran-tatweel-hamza
    r"ٱلْـَٔـٰنَ",  # Q11 quran-tatweel-hamza
    r"بِـَٔايَـٰتِنَا",  # Q12 quran-tatweel-hamza
    r"يَـٰٓـَٔادَمُ",  # Q13 quran-tatweel-hamza
    r"مُتَّكِـِٔينَ",  # Q14 quran-tatweel-hamza
    r"ءَامَنُوا۟",  # Q15 quran-hamza-line
    r"ٱلْقُرْءَانُ",  # Q16 quran-hamza-line
    r"جُزْءًا",  # Q17 quran-hamza-line
    r"هَدَىٰنَا",  # Q18 quran-dagger
    r"ٱلتَّوْرَىٰةَ",  # Q19 quran-dagger
    r"ٱلصَّلَوٰةَ",  # Q20 quran-dagger
    r"ٱلصَّلَوٰةَ",  # Q21 quran-dagger
    r"ٱلْعَـٰلَمِينَ",  # Q22 quran-dagger
    r"هَـٰذَا",  # Q23 quran-dagger
    r"ٱلرِّبَوٰا۟",  # Q24 quran-dagger
    r"عَلَىٰ",  # Q25 quran-dagger
    r"إِبْرَٰهِـۧمَ",  # Q26 quran-small-letters
    r"ٱلنَّبِيِّـۧنَ",  # Q27 quran-small-letters
    r"يُحْىِۦ",  # Q28 quran-small-letters
    r"إِنَّهُۥ",  # Q29 quran-small-letters
    r"نُـۨجِى",  # Q30 quran-small-letters
    r"هُدࣰى",  # Q31 quran-marks
    r"۞ إِنَّ ٱللَّهَ",  # Q32 quran-marks
    r"ٱلرَّحِيمِ ۝١",  # Q33 quran-marks
    r"بِسۡمِ",  # Q34 quran-marks
    r"ٱلضَّآلِّينَ",  # Q35 quran-marks
    r"خانهٔ من",  # P01 persian
    r"خانۀ من",  # P02 persian
    r"آمد",  # P03 persian
    r"كتاب يك",  # P04 persian
    r"می‌خواهم",  # P05 persian
    r"می‌خواهم",  # P06 persian
    r"کہا کھا",  # U01 urdu
    r"کے کی",  # U02 urdu
    r"آۓ",  # U03 urdu
    r"آپ",  # U04 urdu
    r"ٹ ڈ ڑ ں",  # U05 urdu
    r"ھەر",  # K01 kurdish-sorani
    r"ڕۆژ ڵ ێ",  # K02 kurdish-sorani
    r"سړی سړي",  # S01 pashto
    r"ښځې ښځۍ",  # S02 pashto
    r"گھر",  # D01 sindhi
    r"ٻ ڄ ڏ ڳ ڪ",  # D02 sindhi
    r"بىلىم",  # Y01 uyghur
    r"ھەممە",  # Y02 uyghur
    r"ئۇيغۇر",  # Y03 uyghur
    r"ئۇيغۇر",  # Y04 uyghur
    r"ڠ ڤ ڽ ۏ ݢ چ",  # J01 jawi
    r"کٲشُر",  # M01 kashmiri
    r"\ufdfd",  # E01 unicode
    r"ك\ufe76تب",  # E02 unicode
    r"ﻛﹶﺘﹶﺐﹶ",  # E03 unicode
    r"\ufef7\u0643\u0644",  # E04 unicode
    r"\u0627\u064e\u0654",  # E05 unicode
    r"\u06d2\u0654",  # E06 unicode
    r"\u064a\u0640\u0654",  # E07 unicode
    r"\u0627\u0640\u0654\u0644",  # E08 unicode
    r"« نص »",  # E09 unicode
    r"\u200f«نص»",  # E10 unicode
    r"Hello، world؟ ٣٫١٤ ۱۲",  # E11 unicode
    r"\u202bنص\u202c",  # E12 unicode
    r"ʿAlī ʾ",  # E13 unicode
    r"\ufdfe",  # E14 unicode
    r"جَآءَ",  # Q36 quran-madd
    r"ٱلسَّمَآءِ",  # Q37 quran-madd
    r"بِمَآ",  # Q38 quran-madd
    r"ءَآلْـَٔـٰنَ",  # Q39 quran-madd
]


def unescape(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def check(name: str, text: str, where: str, block_sizes=(None, 4096)) -> None:
    result = measure(name, text, block_sizes)
    assert result.bytes_ne_str == 0, f"{name} on {where}: bytes != str on {result.bytes_ne_str} lines"
    if PRESETS[name].idempotent:
        assert result.not_idempotent == 0, f"{name} on {where}: {result.not_idempotent} lines not idempotent"
    if name not in PEER_PRESETS:
        assert result.stranded == 0, f"{name} on {where}: stranded marks on {result.stranded} lines"
        assert result.letters_lost == 0, f"{name} on {where}: letters lost on {result.letters_lost} lines"


@pytest.fixture(scope="module", params=corpus_files(), ids=lambda path: path.name)
def corpus_text(request):
    return request.param.name, request.param.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_promises_on_every_corpus_line(name, corpus_text):
    where, text = corpus_text
    check(name, text, where, BLOCK_SIZES[len(text) > BIG])


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_promises_on_the_probe_list(name):
    check(name, "\n".join(unescape(p) for p in PROBES), "the probe list", (None, 4096, 61, 7))


def test_the_measures_can_fail():
    """Each measure catches the failure it is named after (the defects the review found)."""
    from arabic_norm import Pipeline

    from .corpus_properties import combining_hamzas, letters_in

    # a hamza dropped onto the lam by deleting its tatweel seat: one more unseated hamza
    assert len(combining_hamzas(Pipeline.parse("lucene-arabic")("ٱلْـَٔاخِرَةِ"))[1]) == 1
    # a ya merged with the hamza (شئا) and a small letter dropped (ابرهم): letters lost
    assert letters_in("شئا")[0] < letters_in("شَيْـًٔا")[0]
    assert letters_in("ابرهم")[0] < letters_in("إِبْرَٰهِـۧمَ")[0]
    # a hamza left on a letter it composes with
    assert combining_hamzas("\u064a\u0654")[0] == [1]

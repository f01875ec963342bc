"""Named character sets: the one source of truth for every code point a step touches.

Each set is a tuple of code points built from the ranges below, so a reader can check them against
the Unicode charts. Steps, docs and `--list-steps` all read these names; nothing else spells out a
code point range.
"""

from __future__ import annotations

import unicodedata


def span(first: int, last: int) -> tuple[int, ...]:
    """All code points from `first` to `last`, both included."""
    return tuple(range(first, last + 1))


def chars(text: str) -> tuple[int, ...]:
    return tuple(ord(c) for c in text)


# --- diacritics -------------------------------------------------------------------------------
TANWIN = span(0x064B, 0x064D)  # fathatan, dammatan, kasratan
SHORT_VOWELS = span(0x064E, 0x0650)  # fatha, damma, kasra
SHADDA = (0x0651,)
SUKUN = (0x0652,)
HARAKAT = TANWIN + SHORT_VOWELS + SHADDA + SUKUN  # U+064B..U+0652
# Combining maddah / hamza above / hamza below: composed with the letter before them, never dropped.
MADDAH = 0x0653
COMBINING_HAMZA = (MADDAH, 0x0654, 0x0655)
EXTENDED_MARKS = span(0x0656, 0x065F)  # subscript alef, inverted damma, small waw, ...
DAGGER_ALEF = (0x0670,)  # superscript ("dagger") alef
QURANIC_MARKS = (
    span(0x0610, 0x061A)
    + span(0x06D6, 0x06DC)
    + span(0x06DF, 0x06E8)
    + span(0x06EA, 0x06ED)
    + span(0x08D3, 0x08E1)
    + span(0x08E3, 0x08FF)
)

# Every combining mark a step may find on an Arabic letter: what the Quranic rules step over when
# they look for the letter before or after a hamza.
ALL_MARKS = HARAKAT + COMBINING_HAMZA + EXTENDED_MARKS + DAGGER_ALEF + QURANIC_MARKS

# --- Quranic (Uthmani) orthography: the mark classes the uthmani rules read --------------------
# Written over classes, not one edition's code points: the KFGQPC / Madina editions write the
# "open" (successive) tanwin U+08F0-U+08F2 where Tanzil writes U+064B-U+064D, and the sukun as
# U+06E1 (small high dotless head of khah) where Tanzil writes U+0652.
OPEN_TANWIN = span(0x08F0, 0x08F2)  # open fathatan, dammatan, kasratan
FATHA_CLASS = (0x064E, 0x064B, 0x08F0)
DAMMA_CLASS = (0x064F, 0x064C, 0x08F1)
KASRA_CLASS = (0x0650, 0x064D, 0x08F2, 0x0655)  # hamza below is read as a kasra
TANWIN_FATH = (0x064B, 0x08F0)
# Sukun and the signs of a silent letter (small high rounded zero U+06DF, upright rectangular zero
# U+06E0): no vowel.
SUKUN_CLASS = (0x0652, 0x06E1, 0x06DF, 0x06E0)
SILENT_MARKS = (0x06DF, 0x06E0)
HAMZA_ABOVE_BELOW = (0x0654, 0x0655)
SMALL_WAW = 0x06E5  # ۥ after the pronoun ه it is the sila (not written); after و a second waw
SMALL_YEH = 0x06E6  # ۦ after the pronoun ه the sila; after ى ي إ ا a second ya
SMALL_HIGH_YEH = 0x06E7  # ۧ always a ya modern spelling writes (إبراهيم، النبيين)
SMALL_HIGH_NOON = 0x06E8  # ۨ always a noon modern spelling writes (ننجي)
# Symbols of the mushaf that are not words: rub el hizb ۞ and the sajda sign ۩.
QURANIC_SYMBOLS = (0x06DE, 0x06E9)

# --- letters ----------------------------------------------------------------------------------
TATWEEL = (0x0640,)
ALEF = 0x0627
ALEF_MADDA = 0x0622
ALEF_HAMZA_ABOVE = 0x0623
ALEF_HAMZA_BELOW = 0x0625
ALEF_WASLA = 0x0671
# Rare alef variants with wavy hamza or high hamza (Urdu, Kashmiri, Quranic typesetting).
ALEF_RARE = (0x0672, 0x0673, 0x0675)
ALEF_VARIANTS = (ALEF_MADDA, ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW, ALEF_WASLA) + ALEF_RARE
ALEF_MAKSURA = 0x0649
YEH = 0x064A
TEH_MARBUTA = 0x0629
HEH = 0x0647
WAW = 0x0648
HAMZA = 0x0621
WAW_HAMZA = 0x0624
YEH_HAMZA = 0x0626

# Persian and Urdu letters and their Arabic counterparts.
KEHEH = 0x06A9  # ک
ARABIC_KAF = 0x0643  # ك
FARSI_YEH = 0x06CC  # ی
YEH_BARREE = 0x06D2  # ے
HEH_YEH = 0x06C0  # ۀ
HEH_GOAL = 0x06C1  # ہ
HEH_DOACHASHMEE = 0x06BE  # ھ
AE = 0x06D5  # ە
TEH_MARBUTA_GOAL = 0x06C3  # ۃ
PERSIAN_HEHS = (HEH_YEH, HEH_GOAL, HEH_DOACHASHMEE, AE)

# Letters that are distinct letters in a language written in Arabic script, where Arabic spelling
# folds them: under `--lang CODE` no step folds them (one table, read by every step).
LANGUAGES = {
    "ar": "",  # Arabic: everything the steps fold are spelling variants
    "fa": "\u0622",  # Persian: آ is a letter of the alphabet (آمد 'came' / اَمَد 'term')
    "ur": "\u0622\u06d2\u06be",  # Urdu: آ, ے (e/ai, not ی i), ھ (aspiration, not ہ h)
    "sd": "\u06be",  # Sindhi: ھ writes the aspirated consonants (گھ)
    "ps": "\u06cc",  # Pashto: ی (-ay) is not ي (-i): سړی 'man' / سړي 'men'
    "ckb": "\u06d5\u06be",  # Sorani Kurdish: ە is the vowel a/e, ھ the consonant h
    "ug": "\u0649\u06d5\u06be",  # Uyghur: ى is the vowel i, ە the vowel ä, ھ the consonant h
    "kk": "\u0649\u0675\u06d5\u06be",  # Kazakh: ى, ٵ (ä), ە, ھ
    "ky": "\u0649",  # Kyrgyz: ى
    "ks": "\u0672\u0673\u0657\u065f",  # Kashmiri: the vowel letters ٲ ٳ, vowel signs U+0657, U+065F
}

# Letters of the Arabic block proper (hamza .. yeh, plus the extended letters used by Persian and
# Urdu); used by rules that look at words: elongation and word-final letters.
ARABIC_LETTERS = span(0x0621, 0x063A) + span(0x0641, 0x064A) + span(0x066E, 0x06D3) + (0x06D5,)

# --- digits and punctuation --------------------------------------------------------------------
ARABIC_INDIC_DIGITS = span(0x0660, 0x0669)  # ٠..٩
PERSIAN_DIGITS = span(0x06F0, 0x06F9)  # ۰..۹
ARABIC_DECIMAL_SEPARATOR = 0x066B  # ٫
ARABIC_THOUSANDS_SEPARATOR = 0x066C  # ٬
# Arabic punctuation -> ASCII counterpart.
ARABIC_PUNCTUATION = {
    0x060C: ",",  # ، arabic comma
    0x061B: ";",  # ؛ arabic semicolon
    0x061F: "?",  # ؟ arabic question mark
    0x066A: "%",  # ٪ arabic percent sign
    0x06D4: ".",  # ۔ arabic full stop (Urdu)
}

# --- quotes ------------------------------------------------------------------------------------
DOUBLE_QUOTES = chars("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02")
SINGLE_QUOTES = chars("\u2018\u2019\u201a\u201b\u2032\u2039\u203a\uff07")

# --- presentation forms ------------------------------------------------------------------------
PRESENTATION_FORMS_A = span(0xFB50, 0xFDFF)
PRESENTATION_FORMS_B = span(0xFE70, 0xFEFC)

# --- invisible format characters ---------------------------------------------------------------
BIDI_MARKS = (0x200E, 0x200F, 0x061C)  # LRM, RLM, ALM
BIDI_EMBEDDINGS = span(0x202A, 0x202E) + span(0x2066, 0x2069)  # LRE..RLO, LRI..PDI
ZERO_WIDTH = (0x200B, 0x2060, 0x00AD, 0xFEFF)  # ZWSP, word joiner, soft hyphen, BOM/ZWNBSP
ZWNJ = 0x200C
ZWJ = 0x200D

# --- camel-tools and Lucene compatibility -------------------------------------------------------
HAMZA_ABOVE = 0x0654  # combining hamza above; Lucene's PersianNormalizer deletes it everywhere
RIAL_SIGN = 0xFDFC  # ﷼ ; camel-tools' normalize_unicode spells it out before NFKC
BISMILLAH = 0xFDFD  # ﷽ ; no NFKC decomposition, camel-tools' normalize_unicode spells it out

# --- pyarabic compatibility ------------------------------------------------------------------
# pyarabic.araby's own sets, as its source defines them (araby.py).
PYARABIC_TASHKEEL = HARAKAT  # strip_tashkeel: U+064B-U+0652
# strip_diacritics: every nonspacing mark (Mn) in U+0600-U+06FE (its range stops before U+06FF), as
# the running Python's Unicode database says, as pyarabic computes it.
PYARABIC_DIACRITICS = tuple(cp for cp in range(0x0600, 0x06FF) if unicodedata.category(chr(cp)) == "Mn")
PYARABIC_HAMZAT = (0x0621, 0x0624, 0x0626, 0x0654, 0x0655, 0x0625, 0x0623)  # normalize_hamza -> ء
PYARABIC_ALEFAT = (0x0627, 0x0622, 0x0623, 0x0625, 0x0671, 0x0649, 0x0670)  # normalize_alef -> ا
PYARABIC_LIGATURES = (0xFEFB, 0xFEF7, 0xFEF9, 0xFEF5)  # normalize_ligature -> لا (isolated forms only)

# --- whitespace --------------------------------------------------------------------------------
# Every Unicode space separator other than U+0020 (category Zs).
UNICODE_SPACES = (0x00A0, 0x1680) + span(0x2000, 0x200A) + (0x202F, 0x205F, 0x3000)

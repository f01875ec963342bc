"""Every step, as a table: chain, input, expected output, and why.

Expected values are written out by hand from the step's documentation; invisible characters are
spelled as escapes so the table can be read.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.presets import PRESETS

from .conftest import codepoints

CASES = [
    # --- diacritics ---------------------------------------------------------------------------
    ("diacritics", "السَّلَامُ عَلَيْكُمْ", "السلام عليكم", "harakat, shadda and sukun go"),
    ("diacritics", "كتابٌ وكتابًا وكتابٍ", "كتاب وكتابا وكتاب", "tanwin goes"),
    ("diacritics --keep shadda", "مُحَمَّدٌ", "محمّد", "--keep shadda keeps only shadda"),
    ("diacritics --keep tanwin", "كِتَابًا", "كتابًا", "--keep tanwin"),
    ("diacritics --keep vowels,sukun", "كَتَبْتُ", "كَتَبْتُ", "comma-separated keep classes"),
    ("diacritics --keep vowels --keep sukun", "مِنْ", "مِنْ", "repeated --keep accumulates"),
    ("diacritics", "ا\u0656ب\u065f", "اب", "extended marks U+0656-U+065F go"),
    ("diacritics --keep extended", "ا\u0656", "ا\u0656", "--keep extended"),
    ("diacritics", "هَٰذَا", "هذا", "dagger alef is removed by default"),
    ("diacritics --dagger-alef keep", "هَٰذَا", "هٰذا", "--dagger-alef keep"),
    ("diacritics --dagger-alef alef", "ٱلسَّمَٰوَٰتِ", "ٱلسماوات", "dagger alef written as a full alef"),
    ("diacritics --dagger-alef alef alef", "ٱلسَّمَٰوَٰتِ", "السماوات", "the DESIGN example, with alef after"),
    ("diacritics --dagger-alef alef", "عَلَىٰ", "على", "after alef maksura the dagger is dropped"),
    ("diacritics", "م\u06d6 ن\u06da ه\u06ed", "م ن ه", "Quranic annotation marks go"),
    ("diacritics", "ب\u0610 ب\u061a", "ب ب", "Quranic honorifics U+0610-U+061A go"),
    ("diacritics", "ب\u08d3 ب\u08e1 ب\u08e3 ب\u08ff", "ب ب ب ب", "Arabic Extended-A marks go"),
    ("diacritics", "ب\u08e2", "ب\u08e2", "U+08E2 (disputed end of ayah) is a sign, not a mark: kept"),
    ("diacritics", "ب\u06e9", "ب\u06e9", "U+06E9 (place of sajdah) is a sign: kept"),
    ("diacritics", "شَيْـًٔا", "شيئا", "a hamza on a tatweel seat gets its modern seat, the tatweel consumed"),
    ("diacritics", "إِبْرَٰهِـۧمَ", "إبرهيم", "small high yeh (and its tatweel) is a written ya"),
    ("tatweel", "شَيْـًٔا", "شَيْءًا", "a tatweel carrying a hamza becomes ء, never dropped"),
    ("uthmani", "ٱلْـَٔاخِرَةِ", "ٱلْآخِرَةِ", "hamza on a tatweel seat, stem-initial, + alef: آ (marks kept)"),
    ("uthmani", "ءَامَنُوا۟", "آمَنُوا۟", "hamza on the line + fatha + alef: آ"),
    ("uthmani", "ٱلصَّلَوٰةَ", "ٱلصَّلَاةَ", "waw + superscript alef: alef"),
    ("uthmani", "يَسْجُدُونَ ۩", "يَسْجُدُونَ", "the sajda sign is not a word"),
    ("diacritics --no-quranic", "مِ\u06d6", "م\u06d6", "--no-quranic keeps Quranic marks"),
    ("diacritics", "ا\u0654", "أ", "decomposed hamza above is composed, not dropped"),
    ("diacritics", "ا\u0655", "إ", "decomposed hamza below is composed"),
    ("diacritics", "ا\u0653", "آ", "decomposed madda is composed"),
    ("diacritics", "و\u0654 ي\u0654", "ؤ ئ", "waw and yeh carriers compose too"),
    ("diacritics", "ا\u064e\u0654", "أ", "a haraka between letter and hamza does not block (NFC agrees)"),
    ("diacritics --keep vowels", "ا\u064e\u0654", "أ\u064e", "kept marks stay after the composed letter"),
    ("diacritics", "ا\u06d6\u0654", "أ", "a mark that is deleted anyway does not strand the hamza"),
    ("diacritics --no-quranic", "ا\u06d6\u0654", "ا\u06d6\u0654", "a kept Quranic mark blocks, as in NFC"),
    ("diacritics", "ب\u0654", "ب\u0654", "a hamza that composes with nothing is kept (lossless)"),
    ("diacritics", "مَ\r\nنَ\rسَ\n", "م\r\nن\rس\n", "line endings untouched"),
    # --- tatweel ------------------------------------------------------------------------------
    ("tatweel", "كـــتاب", "كتاب", "tatweel goes"),
    ("tatweel", "ـ", "", "even alone"),
    # --- alef ---------------------------------------------------------------------------------
    ("alef", "أحمد إبراهيم آمن ٱلله", "احمد ابراهيم امن الله", "hamza, madda and wasla forms"),
    ("alef", "ٲ ٳ ٵ", "ا ا ا", "wavy and high hamza alefs"),
    ("alef --keep-madda", "آمن أحمد", "آمن احمد", "--keep-madda"),
    ("alef --keep-wasla", "ٱلله أ", "ٱلله ا", "--keep-wasla"),
    ("alef", "ا\u0654 ا\u064e\u0655", "ا ا\u064e", "decomposed alef + hamza is an alef variant too"),
    ("alef --keep-madda", "ا\u0653", "ا\u0653", "--keep-madda keeps decomposed madda too"),
    ("diacritics alef", "ا\u0654", "ا", "diacritics composes first, then alef folds it"),
    ("alef", "ى", "ى", "alef maksura belongs to the ya step"),
    # --- ya -----------------------------------------------------------------------------------
    ("ya", "على مصطفى", "علي مصطفي", "maksura -> ya"),
    ("ya --to maksura", "في بيت علي", "فى بيت على", "word-final ya -> maksura"),
    ("ya --to maksura", "يوم بيت", "يوم بيت", "ya at the start or inside a word stays"),
    ("ya --to maksura", "ي و", "ي و", "a one-letter word is not a word ending"),
    ("ya --to maksura", "فيَ", "فىَ", "a haraka after the ya does not hide the word end"),
    ("ya --to maksura", 'في، "في"', 'فى، "فى"', "punctuation ends a word"),
    # --- quotes -------------------------------------------------------------------------------
    ("quotes", "“نص” «نص» „x‟", '"نص" "نص" "x"', "double quotes -> ASCII"),
    ("quotes", "″〝〞＂", '""""', "more double quotes"),
    ("quotes", "‘x’ ‚‛′‹›＇", "'x' ''''''", "single quotes -> ASCII"),
    ("quotes --style guillemets", '"نص" و “كلام”', "«نص» و «كلام»", "pairs by context"),
    ("quotes --style guillemets", "‘x’", "'x'", "guillemets style writes single quotes as '"),
    ("quotes --style curly", '"x" don\'t', "“x” don’t", "apostrophe inside a word closes"),
    ("quotes --style curly", "'x'", "‘x’", "single quotes pair too"),
    ("quotes --style curly", '("x")', "(“x”)", "an opening bracket opens"),
    ("quotes --style curly", '"a\n"b', "“a\n“b", "a quote at a line start opens: pairing is line-local"),
    ("quotes --style curly", "“x”", "“x”", "already curly text is unchanged"),
    (
        "quotes --style guillemets",
        "« نص »",
        "« نص »",
        "French spacing: a quote between blanks or before the line end closes",
    ),
    ("quotes --style curly", "“ text ” and", "“ text ” and", "... in curly style too"),
    (
        "quotes --style guillemets",
        "\u200f«نص»",
        "\u200f«نص»",
        "a bidi mark before a quote is skipped: RLM at line start",
    ),
    ("quotes --style curly", 'قال \u200f\u2067"نص"', "قال \u200f\u2067“نص”", "RLM and an isolate after a blank"),
    ("quotes --style curly", 'x\u200e"', "x\u200e”", "after a letter and LRM: closes"),
    # --- teh marbuta --------------------------------------------------------------------------
    ("teh-marbuta", "فاطمة مدرسة", "فاطمه مدرسه", "teh marbuta -> heh"),
    # --- hamza --------------------------------------------------------------------------------
    ("hamza", "سؤال سائل", "سوال سايل", "carriers keep the letter by default"),
    ("hamza --to hamza", "سؤال سائل", "سءال ساءل", "pyarabic style: keep the hamza"),
    ("hamza", "أ إ ء", "أ إ ء", "alef forms and bare hamza untouched"),
    # --- persian ------------------------------------------------------------------------------
    ("persian", "کتاب فارسی", "كتاب فارسي", "keheh and farsi yeh"),
    ("persian --final-yeh maksura", "ایران فارسی", "ايران فارسى", "only the word-final farsi yeh -> maksura"),
    ("persian", "ے ۀ ہ ھ ە ۃ", "ي ه ه ه ه ة", "Urdu and Persian letter forms"),
    ("persian", "ۂ ۓ", "ه ئي", "hamza-bearing heh goal, and yeh barree + hamza is ئ + ے (-> ي)"),
    ("persian", "آۓ آئے", "آئي آئي", "so ۓ and ئے (one word, two spellings) fold alike"),
    ("persian", "خانهٔ خانۀ", "خانه خانه", "the ezafe typed as ه + hamza folds like ۀ"),
    ("persian", "دربارهٔٔ", "درباره", "a doubled ezafe hamza (typed twice) goes at once: idempotent"),
    ("persian --to persian", "كتاب يك على", "کتاب یک علی", "Persian corpora: Arabic ك ي ى -> ک ی"),
    ("persian", "پ چ ژ گ", "پ چ ژ گ", "Persian letters with no Arabic twin stay"),
    # --- ligatures ----------------------------------------------------------------------------
    ("ligatures", "ﻻ ﻷ ﻹ ﻵ", "لا لأ لإ لآ", "lam-alef keeps its hamza or madda"),
    ("ligatures", "ﷲ", "الله", "allah ligature"),
    (
        "ligatures",
        "\ufecb\ufe76\ufe9f\ufe7c\ufe76\ufe8e \ufedb\ufe76\ufe98\ufe76\ufe90\ufe76",
        "\u0639\u064e\u062c\u0651\u064e\u0627 \u0643\u064e\u062a\u064e\u0628\u064e",
        "isolated haraka forms become the marks on their letters: NFKC's space would split the word",
    ),
    ("ligatures", "\ufc60", "\u064e\u0651", "shadda-fatha isolated form: the two marks in canonical order, no space"),
    ("ligatures", "ﷺ", "صلى الله عليه وسلم", "expands as NFKC does"),
    ("ligatures", "ﻫ ﺑ ﺒ ﺐ", "ه ب ب ب", "contextual shapes -> base letters"),
    ("ligatures", "ﬀ ﹩", "ﬀ ﹩", "non-Arabic presentation forms are outside the ranges: kept"),
    # --- digits -------------------------------------------------------------------------------
    ("digits", "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "0123456789 0123456789", "both digit systems"),
    ("digits", "٣٫١٤ ١٬٠٠٠", "3.14 1,000", "Arabic decimal and thousands separators"),
    ("digits --to arabic", "123 ۴", "١٢٣ ٤", "--to arabic"),
    ("digits --to persian", "12 ٣", "۱۲ ۳", "--to persian"),
    ("digits --to arabic", "3.14", "٣.١٤", "an ASCII full stop may be prose: kept"),
    # --- punctuation --------------------------------------------------------------------------
    ("punctuation", "،؛؟٪۔", ",;?%.", "Arabic punctuation -> ASCII"),
    ("punctuation --to arabic", "نعم, لا; لماذا? 50%", "نعم، لا؛ لماذا؟ 50٪", "and back"),
    ("punctuation --to arabic", "1,000", "1,000", "a comma between digits separates thousands"),
    # --- invisible ----------------------------------------------------------------------------
    ("invisible", "a\u200eb\u200fc\u061cd", "abcd", "LRM, RLM, ALM"),
    ("invisible", "\u202ax\u202c\u202e\u2066y\u2069", "xy", "embeddings, overrides, isolates"),
    ("invisible", "a\u200bb\u2060c\u00add\ufeffe", "abcde", "ZWSP, word joiner, soft hyphen, inner BOM"),
    ("invisible", "\ufeffab", "\ufeffab", "a BOM at the very start is preserved"),
    ("invisible", "می\u200cخواهم", "می\u200cخواهم", "ZWNJ kept by default: Persian needs it"),
    ("invisible --zwnj remove", "می\u200cخواهم", "میخواهم", "--zwnj remove"),
    ("invisible --zwnj space", "می\u200cخواهم", "می خواهم", "--zwnj space"),
    ("invisible", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", "ZWJ kept by default: emoji need it"),
    ("invisible --zwj remove", "👨\u200d👩", "👨👩", "--zwj remove"),
    # --- whitespace ---------------------------------------------------------------------------
    ("whitespace", "a\u00a0b\u2009c\u3000d\u202fe", "a b c d e", "Unicode spaces -> space"),
    ("whitespace", "a   b \t c\td", "a b c d", "runs of blanks -> one space"),
    ("whitespace", "a  \nb \r\nc\t", "a\nb\r\nc", "no trailing blanks, endings kept"),
    ("whitespace", "a\n\n\nb", "a\n\n\nb", "never joins lines"),
    ("whitespace", "a\u2028b", "a\u2028b", "line separator is a line break, kept"),
    ("whitespace --keep-tabs", "a\tb  c \t", "a\tb c \t", "--keep-tabs: tabs untouched"),
    # --- elongation ---------------------------------------------------------------------------
    ("elongation", "جمييييل ههههههه", "جميل ه", "runs of 3+ identical letters -> one"),
    ("elongation", "جدا الله", "جدا الله", "runs of two stay"),
    ("elongation --max 3", "ممم مممم", "ممم م", "--max 3"),
    ("elongation", "aaaa !!!!", "aaaa !!!!", "only Arabic letters"),
    # --- unicode ------------------------------------------------------------------------------
    ("unicode", "ا\u0654", "أ", "NFC composes"),
    ("unicode --form NFKC", "ﻻ", "لا", "NFKC folds presentation forms"),
    ("unicode --form NFD", "أ", "ا\u0654", "NFD decomposes"),
    ("unicode --form NFKD", "ﻷ", "لا\u0654", "NFKD does both"),
    # --- compatibility steps (checked against the peers in test_camel.py and test_lucene.py) ----
    ("camel-unicode", "\ufdfc", "ريال", "rial sign spelled with Arabic yeh, not NFKC's farsi yeh"),
    ("camel-unicode", "ﻷ ا\u0654", "لأ أ", "then NFKC: presentation forms folded, hamza composed"),
    ("camel-unicode --dediac", "مَبْنًى", "مبنى", "--dediac removes camel-tools' diacritics too"),
    ("camel-dediac", "هَٰذَا ـ ا\u0653", "هذا ـ ا\u0653", "harakat and dagger alef go; tatweel, madda stay"),
    ("camel-letters", "أ إ آ ٱ ٲ ى ة", "ا ا ا ا ٲ ي ه", "camel-tools' alef set includes wasla, not ٲ"),
    ("lucene-arabic", "ٱلْكِتَابَةُ ـ", "ٱلكتابه ", "wasla kept, harakat and tatweel go, ة -> ه"),
    ("lucene-persian", "کتابۀ ی ھ ا\u0654", "كتابه ي ھ ا", "ھ kept; hamza above deleted everywhere"),
    # --- pyarabic (pyarabic itself is the reference in tests/test_pyarabic_compat.py) ---------
    ("pyarabic-strip-tashkeel", "كِتَابٌ هٰذا", "كتاب هٰذا", "U+064B-U+0652 only: dagger alef stays"),
    ("pyarabic-strip-diacritics", "كِتَابٌ هٰذا ا\u0654", "كتاب هذا ا", "every mark, hamza above too"),
    ("pyarabic-strip-tatweel", "شيـ\u0654ا كـتاب", "شي\u0654ا كتاب", "every tatweel, a hamza seat too"),
    ("pyarabic-normalize-hamza", "سؤال آمن\nآب\n", "سءال ءءمن\nءاب\n", "carriers dropped; آ + letter + line end"),
    ("pyarabic-normalize-alef", "أحمد على هدىٰ", "احمد علا هدا", "ى becomes ا too"),
    ("pyarabic-normalize-teh", "فاطمة", "فاطمه", "ة -> ه"),
    ("pyarabic-normalize-ligature", "\ufef7 \ufefc", "لا \ufefc", "isolated forms only, hamza dropped"),
]


@pytest.mark.parametrize(("chain", "given", "expected", "reason"), CASES, ids=[f"{c[0]}: {c[3]}" for c in CASES])
def test_step(chain, given, expected, reason):
    got = Pipeline.parse(chain)(given)
    assert got == expected, f"{reason}\n got      {codepoints(got)}\n expected {codepoints(expected)}"


def test_every_step_has_cases():
    from arabic_norm.steps import STEPS

    tested = {case[0].split()[0] for case in CASES}
    untested = {name for name, step in STEPS.items() if step.extra is None} - tested
    assert not untested, f"steps without a table of cases: {sorted(untested)}"


# Text that must come out of every preset byte for byte: other scripts, emoji, control characters.
UNTOUCHABLE = [
    "Latin café, naïve, Straße",
    "中文 日本語 한국어",
    "👨\u200d👩\u200d👧 😀 🇸🇦",
    "tab\tand NUL\x00 inside",
]


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("text", UNTOUCHABLE)
def test_presets_leave_other_scripts_alone(preset, text):
    if preset in ("search", "quran") and "\t" in text:
        text = text.replace("\t", " ")  # the search preset folds tabs into spaces by design
    assert Pipeline.preset(preset)(text) == text


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_keep_line_endings_bom_and_missing_final_newline(preset):
    """Each line is normalized on its own; BOM, CRLF, CR, LF, NUL and the missing final newline
    pass through untouched."""
    p = Pipeline.preset(preset)
    lines = ["كِتَابٌ", "قَلَمٌ", "بَابٌ", "\x00", "دَارٌ"]
    endings = ["\r\n", "\r", "\n", "\n", ""]
    given = "\ufeff" + "".join(line + end for line, end in zip(lines, endings, strict=True))
    expected = "\ufeff" + "".join(p(line) + end for line, end in zip(lines, endings, strict=True))
    assert p(given) == expected
    assert p.normalize_bytes(given.encode()) == expected.encode()


@given(text=st.text(alphabet=" \t\n\ra\u00a0", max_size=60))
def test_whitespace_equals_its_definition_on_any_blanks(text):
    """The whitespace rules search only the lines holding two blanks, a tab or a blank before a
    line end (NeedleRule), and blank-runs is written as `[ \\t]{2,}|\\t`: the same as the
    definition, spelled out with the original patterns over the whole text: Unicode spaces ->
    space, trailing blanks gone, runs -> one space; with --keep-tabs the same for spaces alone."""
    import re

    spaced = text.replace("\u00a0", " ")
    expected = re.sub(r"[ \t]*\t[ \t]*|[ ]{2,}", " ", re.sub(r"[ \t]+(?=[\r\n]|\Z)", "", spaced))
    assert Pipeline.parse("whitespace")(text) == expected
    keeping_tabs = re.sub(r"[ ]{2,}", " ", re.sub(r"[ ]+(?=[\r\n]|\Z)", "", spaced))
    assert Pipeline.parse("whitespace --keep-tabs")(text) == keeping_tabs

"""Uthmani (Quranic) orthography: the letters it writes as marks, written as modern spelling does.

Uthmani script seats a hamza on a tatweel (ٱلْـَٔاخِرَةِ), writes a long a as a superscript alef
(ٱلْعَـٰلَمِينَ), a ya or noon as a small letter (إِبْرَٰهِـۧمَ) and a hamza on the line where modern
spelling gives it a seat (ءَامَنُوا۟). Removing those marks loses letters, and deleting the tatweel
drops the hamza onto the letter before it. The rules here read the vowels, so they run before the
diacritics are removed. They look at one word at a time (a run of Arabic letters, tatweel and
marks), never across a space, so they are line-local like every rule.

They are written over mark classes (chars.FATHA_CLASS, SUKUN_CLASS...), not over one edition's
code points: the KFGQPC edition's open tanwin U+08F0-U+08F2 and sukun U+06E1 read like Tanzil's
U+064B-U+064D and U+0652.
"""

from __future__ import annotations

import re

from . import chars as C
from .base import LineRule, Step, char_class, lazy_pattern

TATWEEL = "\u0640"
DAGGER = "\u0670"
MADDAH = "\u0653"
ALEF, ALEF_MADDA, HAMZA = "\u0627", "\u0622", "\u0621"
ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW, WAW_HAMZA, YEH_HAMZA = "\u0623", "\u0625", "\u0624", "\u0626"
WAW, YEH, MAKSURA = "\u0648", "\u064a", "\u0649"
HAMZA_MARKS = "".join(map(chr, C.HAMZA_ABOVE_BELOW))
HAMZA_LETTERS = "\u0621\u0623\u0625\u0624\u0626"

MARKS = frozenset(map(chr, C.ALL_MARKS))
FATHA, DAMMA, KASRA = (frozenset(map(chr, c)) for c in (C.FATHA_CLASS, C.DAMMA_CLASS, C.KASRA_CLASS))
TANWIN_FATH = frozenset(map(chr, C.TANWIN_FATH))
SUKUN = frozenset(map(chr, C.SUKUN_CLASS))
SILENT = frozenset(map(chr, C.SILENT_MARKS))
SHADDA = "\u0651"
# Letters that do not join the letter after them: a hamza after one of them sits on the line.
NON_JOINING = frozenset("\u0627\u0623\u0625\u0622\u0671\u0621\u062f\u0630\u0631\u0632\u0648\u0624\u0629\u0649")
# Alef spellings folded when a word is compared with a list (ٱ أ إ آ -> ا).
_ALEFS = str.maketrans(dict.fromkeys("\u0671\u0623\u0625\u0622", ALEF))
_WASLA = str.maketrans({"\u0671": ALEF})

# A word: Arabic letters, tatweel and marks.
_WORD_CHARS = char_class(C.ARABIC_LETTERS + C.TATWEEL + C.ALL_MARKS)
_M = f"[{char_class(C.ALL_MARKS)}]"


def word_rule(name: str, triggers: str, rewrite, folds: str = "") -> LineRule:
    """A rule applying `rewrite(word)` to every word that holds one of `triggers`."""
    pattern = lazy_pattern(f"(?<![{_WORD_CHARS}])[{_WORD_CHARS}]*?[{re.escape(triggers)}][{_WORD_CHARS}]*")
    return LineRule(name, pattern, lambda m: rewrite(m.group(0)), triggers=triggers, folds=folds)


# --- words as clusters -------------------------------------------------------------------------
def clusters(word: str) -> list[list[str]]:
    """[base, marks] for each letter (or tatweel) of `word`; a word starting with a mark gets an
    empty base."""
    out: list[list[str]] = []
    for ch in word:
        if ch in MARKS:
            if not out:
                out.append(["", ""])
            out[-1][1] += ch
        else:
            out.append([ch, ""])
    return out


def join(cl) -> str:
    return "".join(base + marks for base, marks in cl)


def skeleton(cl, fold=_ALEFS) -> str:
    """The letters alone (no marks, no tatweel), alef spellings folded."""
    return "".join(base for base, _ in cl if base != TATWEEL).translate(fold)


def vowel(marks: str) -> str:
    """'i', 'u', 'a' or '' (none, sukun): the vowel a letter carries, read from mark classes."""
    for name, cls in (("i", KASRA), ("u", DAMMA), ("a", FATHA)):
        if not cls.isdisjoint(marks):
            return name
    return ""


def is_alef(cluster) -> bool:
    """An alef, or a superscript alef on a tatweel (ـٰ): the long a after a hamza."""
    base, marks = cluster
    return base in (ALEF, ALEF_MADDA) or (base in (TATWEEL, "") and marks.startswith(DAGGER))


# --- hamza seats -------------------------------------------------------------------------------
# Before the stem: nothing, the interrogative أ, the conjunctions و ف, the prepositions ب ل ك, the
# future س, the article.
_STEM_START = lazy_pattern("^(?:أ?[وف]?[بلكس]?|أ?[وف]?[بك]?ال|أ?[وف]?لل)$")


# Letters the search chain folds after this step (persian: ک ی ے ۓ), read as what they become, so
# that a second pass, which sees them folded, places every hamza the same way (idempotence).
_READ_MARKS = FATHA | DAMMA | KASRA | SUKUN | {SHADDA, DAGGER, MADDAH, *HAMZA_MARKS}
_AS_FOLDED = str.maketrans({"\u06a9": "\u0643", "\u06cc": "\u064a", "\u06d2": "\u064a", "\u06d3": "\u064a"})


def _unvoweled(marks: str) -> bool:
    """No vowel, sukun, shadda, superscript alef or hamza among `marks`: other Quranic marks (a
    pause sign, a small low waw) do not change how a letter is read, and the diacritics step
    deletes them, so a second run must seat the hamza as the first one did."""
    return all(c not in _READ_MARKS for c in marks)


def modern_seat(before, hamza_marks: str, after) -> tuple[str, bool]:
    """The seat modern spelling gives a hamza, from the vowels around it: (letter, whether the
    alef after the hamza is consumed, as in ـَٔا -> آ).

    - at the start of the stem: fatha + alef -> آ, kasra -> إ, otherwise أ;
    - after a long alef (ا or a superscript alef): kasra -> ئ, damma not before و -> ؤ, else ء;
    - tanwin fath + final alef: after a fatha -> أ (the alef goes), after a joining letter -> ئ,
      after a non-joining one -> ء (جُزْءًا);
    - otherwise the stronger of the hamza's vowel and the one before it (ي/ى with sukun or madda,
      or without marks, counts as kasra): kasra -> ئ, damma -> ؤ, fatha -> أ (آ before an alef);
      no vowel at all -> ء, the letter itself, which never merges with a neighbour.
    """
    prev, prev_marks = before[-1] if before else ("", "")
    prev = prev.translate(_AS_FOLDED)
    nxt = after[0] if after else ("", "")
    hv, pv = vowel(hamza_marks), vowel(prev_marks)
    tanwin = not TANWIN_FATH.isdisjoint(hamza_marks)
    alef_next = is_alef(nxt) and not tanwin
    if _STEM_START.match(skeleton(before, _WASLA).translate(_AS_FOLDED)):
        if hv == "a" and alef_next:
            return ALEF_MADDA, True
        return (ALEF_HAMZA_BELOW if hv == "i" else ALEF_HAMZA_ABOVE), False
    if prev in (ALEF, ALEF_MADDA) or prev_marks.rstrip(MADDAH).endswith(DAGGER):
        if hv == "i":
            return YEH_HAMZA, False
        return (WAW_HAMZA if hv == "u" and nxt[0] != WAW else HAMZA), False
    if tanwin and nxt[0] == ALEF:
        if pv == "a":
            return ALEF_HAMZA_ABOVE, True
        return (HAMZA if prev in NON_JOINING else YEH_HAMZA), False
    if prev in (YEH, MAKSURA) and (_unvoweled(prev_marks) or not SUKUN.isdisjoint(prev_marks) or MADDAH in prev_marks):
        pv = "i"  # ya sakina, or a long i, before the hamza (شَيْـًٔا، خَطِيٓـَٔةٌ)
    if "i" in (hv, pv):
        return YEH_HAMZA, False
    if "u" in (hv, pv):
        return WAW_HAMZA, False
    if hv == "a" and alef_next:
        return ALEF_MADDA, True
    return (ALEF_HAMZA_ABOVE if "a" in (hv, pv) else HAMZA), False


def place(cl, i: int, marks: str) -> None:
    """Give the hamza at cluster `i` (`marks`: the marks it carries) its modern seat; the marks
    stay on the seat, the hamza sign and madda go."""
    seat, consumed = modern_seat(cl[:i], marks, cl[i + 1 :])
    kept = "" if seat == ALEF_MADDA else "".join(c for c in marks if c not in HAMZA_MARKS and c != MADDAH)
    cl[i] = [seat, kept]
    if consumed:
        del cl[i + 1]


def seat_tatweel_hamzas(word: str) -> str:
    """A hamza on a tatweel seat (ٱلْـَٔاخِرَةِ، شَيْـًٔا) or on a superscript alef
    (فَٱدَّٰرَْٰٔتُمْ) becomes the letter modern spelling writes; the tatweel is consumed."""
    cl = clusters(word)
    i = 0
    while i < len(cl):
        base, marks = cl[i]
        k = min((marks.find(h) for h in HAMZA_MARKS if h in marks), default=-1)
        if k >= 0 and base != TATWEEL and DAGGER in marks[:k]:  # the superscript alef is the seat
            cl[i : i + 1] = [[base, marks[:k]], [TATWEEL, marks[k:]]]
            continue
        if k >= 0 and base in (TATWEEL, ""):
            while i and cl[i - 1] == [TATWEEL, ""]:  # a run of tatweel: one seat
                del cl[i - 1]
                i -= 1
            place(cl, i, marks)
        i += 1
    return join(cl)


def seat_line_hamzas(word: str) -> str:
    """A hamza on the line that modern spelling seats: at the start of the stem (ءَامَنُوا۟ ->
    آمَنُوا۟, ءَأَنذَرْتَهُمْ -> أَأَنذَرْتَهُمْ) and inside the word (ٱلْقُرْءَانُ -> ٱلْقُرْآنُ،
    يَسْتَهْزِءُونَ -> يَسْتَهْزِئُونَ). A word-final hamza stays on the line (شَىْءٍ، جَآءَ), as in
    modern spelling."""
    cl = clusters(word)
    for i in range(len(cl) - 1, -1, -1):
        if cl[i][0] == HAMZA and skeleton(cl[i + 1 :]):
            place(cl, i, cl[i][1])
    return join(cl)


# --- superscript (dagger) alef -------------------------------------------------------------------
# Words modern spelling writes without the alef the superscript alef stands for (compared without
# marks, alef spellings folded, proclitics allowed).
_NO_ALEF = lazy_pattern(
    "^(?:ا?[وف]?[بلك]?|ا?[وف]?[بك]?ال|ا?[وف]?لل)"
    "(?:هذا|هذه|هذان|هذين|هؤلاء|ذلك|ذلكم|ذلكما|ذلكن|كذلك|هكذا|اولئك|اولئكم|طه"
    "|لكن(?:ما|نا|ه|ها|هم|هما|كم|ني|ي)?|الله|اللهم|لله|الرحمن|رحمن"
    "|اله(?:ا|ك|كم|كما|نا|ه|هم|هما|ي|ين|ان)?)$"
)
# The vocative يا written joined to the next word (يَـٰٓأَيُّهَا، يَـٰقَوْمِ), after an optional و ف.
_VOCATIVE = lazy_pattern(f"^((?:[وف]{_M}*)?)\u064a(\u064e?)\u0640?\u0670\u0653?(?=.)")


def dagger_to_modern(word: str) -> str:
    """The superscript alef written as modern spelling writes it: an alef (ٱلْعَـٰلَمِينَ ->
    ٱلْعَالَمِينَ), except in the closed list of words written without it (هَـٰذَا، ذَٰلِكَ، لَـٰكِنْ،
    ٱلرَّحْمَـٰنِ، إِلَـٰهَ، أُو۟لَـٰٓئِكَ...), where it is removed; after ى an alef in place of the ى
    inside a word (هَدَىٰنَا -> هَدَانَا) and nothing at its end (عَلَىٰ); after a waw without a vowel
    of its own, an alef in place of the waw, a silent alef after it dropped (ٱلصَّلَوٰةَ -> ٱلصَّلَاةَ،
    ٱلرِّبَوٰا۟ -> ٱلرِّبَا); joined vocative يَـٰ -> "يا " (يَـٰقَوْمِ -> يا قَوْمِ). A madda after it is
    the madd sign and goes; a hamza after it sits on the new alef."""
    cl = clusters(word)
    if _NO_ALEF.match(skeleton(cl).replace(MAKSURA, YEH)):
        return "".join(c for c in word if c != DAGGER)
    vocative = _VOCATIVE.match(word)
    if vocative:
        return vocative.group(1) + YEH + vocative.group(2) + ALEF + " " + dagger_to_modern(word[vocative.end() :])
    out: list[list[str]] = []
    silent_alef = -1  # index of an alef dropped after waw + superscript alef
    for i, (base, marks) in enumerate(cl):
        k = marks.find(DAGGER)
        if i == silent_alef:
            continue
        if k < 0:
            out.append([base, marks])
            continue
        own, rest = marks[:k], marks[k + 1 :]
        if rest.startswith(MADDAH):
            rest = rest[1:]
        if base == MAKSURA:
            inside = any(b not in (TATWEEL, "") for b, _ in cl[i + 1 :])
            out.append([ALEF if inside else MAKSURA, own + rest])
        elif base == WAW and not vowel(own) and SHADDA not in own:
            out.append([ALEF, own + rest])
            if i + 1 < len(cl) and cl[i + 1][0] == ALEF and SILENT.issuperset(cl[i + 1][1]):
                silent_alef = i + 1
        elif base in (TATWEEL, ""):
            out.append([ALEF, own + rest])
        else:
            out += [[base, own], [ALEF, rest]]
    return join(out)


# --- small letters -------------------------------------------------------------------------------
def write_small_letters(word: str) -> str:
    """Small letters that stand for letters modern spelling writes: small high yeh ۧ -> ي and
    small high noon ۨ -> ن (with the tatweel that carries them: إِبْرَٰهِـۧمَ -> إِبْرَٰهِيمَ); small
    yeh ۦ after ى ي إ ا -> ي (يُحْىِۦ -> يُحْىِي) and small waw ۥ after و -> و (يَسْتَوُۥنَ ->
    يَسْتَوُونَ). After the pronoun ه they are the sila, a pronunciation sign: removed with the marks."""
    cl = clusters(word)
    out: list[list[str]] = []
    for base, marks in cl:
        for small, letter, after in (
            (chr(C.SMALL_HIGH_YEH), YEH, None),
            (chr(C.SMALL_HIGH_NOON), "\u0646", None),
            (chr(C.SMALL_YEH), YEH, (MAKSURA, YEH, ALEF_HAMZA_BELOW, ALEF)),
            (chr(C.SMALL_WAW), WAW, (WAW,)),
        ):
            k = marks.find(small)
            if k >= 0 and (after is None or base in after):
                if base in (TATWEEL, "") and after is None:
                    base, marks = letter, marks[:k] + marks[k + 1 :]
                else:
                    out.append([base, marks[:k]])
                    base, marks = letter, marks[k + 1 :]
        out.append([base, marks])
    return join(out)


# --- the madd sign and the symbols -----------------------------------------------------------------
def drop_madd_sign(word: str, precomposed: bool = True) -> str:
    """A madda on a non-initial alef before a hamza, a doubled letter or the end of the word is the madd sign
    (a pronunciation mark), not hamza + alef: جَآءَ -> جَاءَ، ٱلضَّآلِّينَ -> ٱلضَّالِّينَ، بِمَآ -> بِمَا.
    `precomposed`: also read آ so (Uthmani text only: in modern text آ is a letter)."""
    cl = clusters(word)
    for i, (base, marks) in enumerate(cl):
        madd = (base == ALEF_MADDA and precomposed) or (base == ALEF and MADDAH in marks)
        if not madd or i == 0:  # a word-initial آ is hamza + alef (آمن)
            continue
        nxt = cl[i + 1] if i + 1 < len(cl) else None
        if nxt is None or nxt[0] in HAMZA_LETTERS or SHADDA in nxt[1] or not set(HAMZA_MARKS).isdisjoint(nxt[1]):
            cl[i] = [ALEF, marks.replace(MADDAH, "")]
    return join(cl)


# Removed with the blanks before them, never after: a block may be cut before a space.
SYMBOLS = LineRule(
    "quranic-symbols",
    lazy_pattern(f"[ \t]*[{char_class(C.QURANIC_SYMBOLS)}]+"),
    "",
    triggers="".join(map(chr, C.QURANIC_SYMBOLS)),
)
MADD_SIGN = word_rule("madd-sign", MADDAH + ALEF_MADDA, drop_madd_sign, folds=ALEF_MADDA)
# In the diacritics step: only the decomposed spelling ا + U+0653, which modern text never types.
DECOMPOSED_MADD_SIGN = word_rule(
    "madd-sign", MADDAH, lambda word: drop_madd_sign(word, precomposed=False), folds=ALEF_MADDA
)
DAGGER_MODERN = word_rule("dagger-alef-modern", DAGGER, dagger_to_modern)
SMALL_LETTERS = word_rule(
    "small-letters",
    "".join(map(chr, (C.SMALL_HIGH_YEH, C.SMALL_HIGH_NOON, C.SMALL_YEH, C.SMALL_WAW))),
    write_small_letters,
)
LINE_HAMZA = word_rule("line-hamza-seat", HAMZA, seat_line_hamzas)
TATWEEL_HAMZA = word_rule("tatweel-hamza-seat", HAMZA_MARKS, seat_tatweel_hamzas)


UTHMANI = Step(
    name="uthmani",
    summary="Uthmani (Quranic) spelling -> modern spelling, marks kept (run before diacritics)",
    help=(
        "Rewrites the Uthmani orthography of the Quran (Tanzil, KFGQPC and other editions: the "
        "rules read mark classes, so open tanwin U+08F0-U+08F2 and sukun U+06E1 count like "
        "U+064B-U+064D and U+0652) as modern spelling writes it, keeping the marks for the "
        "diacritics step: hamza seats from the vowels, on a tatweel (ٱلْـَٔاخِرَةِ -> ٱلْآخِرَةِ) or "
        "on the line (ءَامَنُوا۟ -> آمَنُوا۟, يَسْتَهْزِءُونَ -> يَسْتَهْزِئُونَ); the superscript alef as "
        "in diacritics --dagger-alef modern (ٱلْعَـٰلَمِينَ -> ٱلْعَالَمِينَ, هَدَىٰنَا -> هَدَانَا, "
        "ٱلصَّلَوٰةَ -> ٱلصَّلَاةَ, the joined vocative يَـٰقَوْمِ -> يا قَوْمِ, the closed list هذا ذلك "
        "لكن الله إله الرحمن أولئك هؤلاء... without alef); small letters written (إِبْرَٰهِـۧمَ -> "
        "إِبْرَٰهِيمَ); the madd sign on an alef (before a hamza, a doubled letter or the end of the "
        "word: جَآءَ -> جَاءَ) removed rather than read as آ; the symbols ۞ (rub el hizb) and ۩ "
        "(sajda) removed with the blanks before them. For Quranic text only: modern text never "
        "needs it. The quran preset is "
        "this step followed by the search chain."
    ),
    build=lambda: (SYMBOLS, MADD_SIGN, DAGGER_MODERN, SMALL_LETTERS, LINE_HAMZA, TATWEEL_HAMZA),
)

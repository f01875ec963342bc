"""Steps that remove marks drawn above or below letters: diacritics (tashkeel) and tatweel."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from . import chars as C
from . import quranic as Q
from .base import CharMap, LineRule, Rule, Step, char_class, delete, lazy_pattern
from .options import Option

# Letters a combining maddah / hamza can compose with (Unicode canonical compositions).
_COMPOSE_BASES = (C.ALEF, C.WAW, C.YEH, C.AE, C.HEH_GOAL, C.YEH_BARREE)


# Uthmani script writes yeh with hamza as a dotless yeh (alef maksura) carrying hamza above; Persian
# text does the same with farsi yeh. Both are the letter ئ, which Unicode composes only from ي.
_DOTLESS_YEH_HAMZA = {chr(C.ALEF_MAKSURA) + "\u0654": chr(C.YEH_HAMZA), chr(C.FARSI_YEH) + "\u0654": chr(C.YEH_HAMZA)}


@cache
def _compositions() -> dict[str, str]:
    """base + combining mark -> precomposed letter: Unicode's canonical compositions (ا + ◌ٔ -> أ)
    plus dotless yeh + hamza -> ئ."""
    table = dict(_DOTLESS_YEH_HAMZA)
    for base in _COMPOSE_BASES:
        for mark in C.COMBINING_HAMZA:
            pair = chr(base) + chr(mark)
            composed = unicodedata.normalize("NFC", pair)
            if len(composed) == 1:
                table[pair] = composed
    return table


def _compose(match: re.Match) -> str:
    base, between, mark = match.groups()
    composed = _compositions().get(base + mark)
    return composed + between if composed else match.group(0)


def compose_hamza(between: tuple[int, ...]) -> Rule:
    """Decomposed hamza and madda (ا + U+0654) -> the precomposed letter (أ), as NFC does.

    `between` are the marks that may stand between the letter and the hamza: the harakat (NFC
    composes across them too) and whatever else the step is about to delete anyway, so that no
    hamza is left stranded once those marks are gone.
    """
    pattern = lazy_pattern(
        f"([{char_class(_COMPOSE_BASES + (C.ALEF_MAKSURA, C.FARSI_YEH))}])([{char_class(between)}]*)"
        f"([{char_class(C.COMBINING_HAMZA)}])"
    )
    return LineRule("compose-hamza", pattern, _compose, triggers="".join(map(chr, C.COMBINING_HAMZA)))


# --- diacritics --------------------------------------------------------------------------------
KEEP_CLASSES = {
    "tanwin": C.TANWIN,
    "vowels": C.SHORT_VOWELS,
    "shadda": C.SHADDA,
    "sukun": C.SUKUN,
    "extended": C.EXTENDED_MARKS,
}

# Dagger alef after alef maksura (عَلَىٰ) is pronounced through the maksura: it is dropped, not
# turned into a second alef. A madda after it is the madd sign: it goes with it.
_DAGGER_AFTER_MAKSURA = lazy_pattern(f"(\u0649[{char_class(C.HARAKAT)}]*)?\u0670\u0653?")


def _dagger_to_alef(match: re.Match) -> str:
    return match.group(1) if match.group(1) is not None else chr(C.ALEF)


DAGGER_TO_ALEF = LineRule("dagger-alef", _DAGGER_AFTER_MAKSURA, _dagger_to_alef, triggers="\u0670")
DAGGER_RULES = {"alef": DAGGER_TO_ALEF, "modern": Q.DAGGER_MODERN}


def build_diacritics(keep=(), dagger_alef="remove", no_quranic=False):
    removed = [cps for name, cps in KEEP_CLASSES.items() if name not in keep]
    ops = []
    if not no_quranic:
        # A maddah that composes with nothing (after و ى ل, a dagger alef...) is the Quranic
        # prolongation sign: an annotation like the others. Composition runs first, so a maddah
        # that forms آ is never lost. Small letters that stand for written letters are written.
        removed.append(C.QURANIC_MARKS + (C.MADDAH,))
        ops += [Q.DECOMPOSED_MADD_SIGN, Q.SMALL_LETTERS]
    if dagger_alef in DAGGER_RULES:  # before composition: a hamza on it sits on the new alef
        ops.append(DAGGER_RULES[dagger_alef])
    elif dagger_alef == "remove":
        removed.append(C.DAGGER_ALEF)
    # A hamza on a tatweel (or superscript alef) seat gets a real seat before anything is removed.
    ops.append(Q.TATWEEL_HAMZA)
    ops.append(compose_hamza(tuple(sorted(set(C.HARAKAT + C.DAGGER_ALEF).union(*removed)))))
    ops.append(CharMap(delete(*removed)))
    return tuple(ops)


DIACRITICS = Step(
    name="diacritics",
    summary="remove tashkeel: harakat, tanwin, shadda, sukun, dagger alef, Quranic marks",
    help=(
        "Removes harakat and tanwin (U+064B-U+0652), the extended marks U+0656-U+065F, the "
        "superscript (dagger) alef U+0670 and the Quranic annotation marks (U+0610-U+061A, "
        "U+06D6-U+06DC, U+06DF-U+06E8, U+06EA-U+06ED, U+08D3-U+08E1, U+08E3-U+08FF). "
        "Decomposed hamza and madda (U+0653-U+0655 after ا و ي ە ہ ے) are first composed into the "
        "precomposed letter, as NFC does (ا + ◌ٔ -> أ), so the hamza is never silently lost; "
        "pyarabic and camel-tools strip them instead. Dotless yeh + hamza (ى + ◌ٔ, the Uthmani "
        "spelling) becomes ئ. A hamza on a tatweel seat (Uthmani ٱلْـَٔاخِرَةِ، شَيْـًٔا، يَـُٔودُهُۥ) "
        "becomes the letter modern spelling writes, read from the vowels (الآخرة، شيئا، يؤوده; ء "
        "where nothing decides), and the tatweel is consumed: deleting it would drop the hamza onto "
        "the letter before. Small letters that stand for written letters are written: ۧ -> ي, ۨ "
        "-> ن (إِبْرَٰهِـۧمَ -> ابرهيم), ۦ after ى ي إ ا -> ي, ۥ after و -> و; after the pronoun ه "
        "they are the sila and are removed. A decomposed maddah on an alef "
        "(ا + U+0653) before a hamza, a doubled letter or the end of the word is the Quranic madd "
        "sign (جَآءَ -> جاء, not جآء). A maddah that composes with nothing is the Quranic "
        "prolongation sign and goes with the Quranic marks; a hamza that composes with nothing is "
        "kept (the Persian ezafe ه + ◌ٔ). "
        "Dagger alef is removed by default (as camel-tools and pyarabic do); "
        "--dagger-alef alef writes it as a full alef (ٱلسَّمَٰوَٰتِ -> ٱلسماوات, and with the alef step "
        "السماوات), except "
        "after alef maksura (عَلَىٰ -> على), --dagger-alef modern writes it as modern spelling does "
        "(an alef, except in the closed list هذا ذلك لكن الله إله الرحمن أولئك هؤلاء طه...: "
        "ٱلْعَـٰلَمِينَ -> العالمين, هَدَىٰنَا -> هدانا, ٱلصَّلَوٰةَ -> الصلاة, يَـٰقَوْمِ -> يا قوم, "
        "هَـٰذَا -> هذا; not the default of the default and search presets: outside the Quran a "
        "dagger alef is nearly always a stray mark, and the quran preset applies it) and "
        "--dagger-alef keep leaves it."
    ),
    build=build_diacritics,
    options=(
        Option("keep", "classes of marks to keep", "multi", tuple(KEEP_CLASSES), default=()),
        Option(
            "dagger_alef",
            "what to do with the superscript alef U+0670",
            "choice",
            ("remove", "alef", "modern", "keep"),
            "remove",
        ),
        Option("no_quranic", "keep the Quranic annotation marks", "flag", default=False),
    ),
)


# A tatweel that carries a hamza (Uthmani ـَٔ) is its seat: deleting it would move the hamza onto
# the letter before (ٱلْـَٔاخِرَةِ -> الٔاخرة) or merge it with a ya (شَيْـًٔا -> شئا). On its own
# the tatweel step writes the seat as the hamza letter ء; the diacritics step, which reads the
# vowels, gives the modern seat.
_HAMZA_SIGNS = "".join(map(chr, C.HAMZA_ABOVE_BELOW))
_OTHER_MARKS = "".join(chr(cp) for cp in C.ALL_MARKS if cp not in C.HAMZA_ABOVE_BELOW)


def _hamza_letter(match: re.Match) -> str:
    return "\u0621" + match.group(1).replace("\u0640", "")


_SEATED_HAMZA = LineRule(
    "tatweel-hamza",
    lazy_pattern(f"\u0640([\u0640{re.escape(_OTHER_MARKS)}]*)[{re.escape(_HAMZA_SIGNS)}]"),
    _hamza_letter,
    triggers=_HAMZA_SIGNS,
    skips=_OTHER_MARKS,  # so it moves before the diacritics step's map, which merges with its own
)

TATWEEL = Step(
    name="tatweel",
    summary="remove tatweel (kashida) U+0640",
    help=(
        "Removes the decorative elongation character tatweel U+0640 (كـــتاب -> كتاب), except where "
        "it is the seat of a hamza (Uthmani ـَٔ): there tatweel and hamza become the letter ء "
        "(شَيْـًٔا -> شَيْءًا), never a hamza dropped on the letter before."
    ),
    build=lambda: (_SEATED_HAMZA, CharMap(delete(C.TATWEEL))),
)

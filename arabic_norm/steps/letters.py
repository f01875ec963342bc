"""Steps that unify letter variants: alef, ya, teh marbuta, hamza carriers, Persian letters, and
letters repeated for emphasis."""

from __future__ import annotations

import re

from . import chars as C
from .base import CharMap, LineRule, Rule, RunRule, Step, char_class, lazy_pattern
from .base import to as to_
from .options import Option

_LETTER = f"[{char_class(C.ARABIC_LETTERS)}]"
_MARKS = f"[{char_class(C.HARAKAT + C.DAGGER_ALEF)}]"
# A letter ends a word when another letter (or its marks) precedes it and no letter follows it,
# optionally behind marks.
_AFTER_LETTER = f"(?<=[{char_class(C.ARABIC_LETTERS + C.HARAKAT)}])"
_BEFORE_NO_LETTER = f"(?={_MARKS}*(?!{_MARKS}|{_LETTER}))"


def word_final(letter: int, replacement: str, name: str) -> Rule:
    """A rule turning `letter` into `replacement` at the end of a word of two or more letters."""
    pattern = lazy_pattern(_AFTER_LETTER + re.escape(chr(letter)) + _BEFORE_NO_LETTER)
    return Rule(name, pattern, replacement, triggers=chr(letter), folds=chr(letter))


def build_alef(keep_madda=False, keep_wasla=False, keep_rare=False):
    variants = [cp for cp in C.ALEF_VARIANTS if not (keep_rare and cp in C.ALEF_RARE)]
    if keep_madda:
        variants.remove(C.ALEF_MADDA)
    if keep_wasla:
        variants.remove(C.ALEF_WASLA)
    # Bare alef followed by a combining hamza or maddah (harakat may stand between) is canonically
    # أ إ آ: fold it too, after the map, so that alef + combining mark never survives to be composed
    # by a later run (which would make presets non-idempotent).
    # The hamzas and the madda are two rules: under --lang fa/ur only the madda one (آ is a
    # letter there) is left out.
    marks = [m for m in C.COMBINING_HAMZA if m != C.MADDAH]
    rules = [_alef_combining("alef-combining-hamza", marks)]
    if not keep_madda:
        rules.append(_alef_combining("alef-combining-madda", [C.MADDAH], folds=chr(C.ALEF_MADDA)))
    return (CharMap(to_(chr(C.ALEF), tuple(variants))), *rules)


def _alef_combining(name: str, marks: list[int], folds: str = "") -> Rule:
    """Alef followed by a run of harakat and combining hamzas/maddas holding one of `marks`: those
    marks dropped. (A line rule: only lines holding a combining hamza or madda are searched.)"""
    run = C.HARAKAT + C.DAGGER_ALEF + C.COMBINING_HAMZA
    dropped = {mark: None for mark in marks}
    return LineRule(
        name,
        lazy_pattern(f"\u0627[{char_class(run)}]*?[{char_class(marks)}][{char_class(run)}]*"),
        lambda match: match.group().translate(dropped),
        triggers="".join(map(chr, marks)),
        alphabet="".join(map(chr, (C.ALEF, *run))),
        folds=folds,
    )


ALEF = Step(
    name="alef",
    summary="alef variants أ إ آ ٱ ٲ ٳ ٵ -> ا",
    help=(
        "Writes alef with hamza above or below, with madda, alef wasla and the rare wavy- and "
        "high-hamza alefs (ٲ ٳ ٵ) as bare alef ا, and so also their decomposed spellings (ا + "
        "U+0653-U+0655, canonically the same letters). Alef wasla is normalized by default as "
        "camel-tools does (Lucene keeps it); --keep-wasla and --keep-madda keep those two, and "
        "--keep-rare keeps ٲ ٳ ٵ (camel-tools and Lucene leave them alone)."
    ),
    build=build_alef,
    options=(
        Option("keep_madda", "keep alef with madda آ", "flag", default=False),
        Option("keep_wasla", "keep alef wasla ٱ", "flag", default=False),
        Option("keep_rare", "keep the rare alefs ٲ ٳ ٵ", "flag", default=False),
    ),
)


def build_ya(to="yeh"):
    if to == "maksura":
        return (word_final(C.YEH, chr(C.ALEF_MAKSURA), "final-yeh-to-maksura"),)
    return (CharMap({C.ALEF_MAKSURA: chr(C.YEH)}),)


YA = Step(
    name="ya",
    summary="alef maksura ى -> ya ي",
    help=(
        "Writes alef maksura ى as ya ي, as camel-tools, pyarabic and Lucene do for search (على -> "
        "علي). --to maksura goes the other way, Egyptian-style: a word-final ي becomes ى (في -> فى); "
        "ي inside a word is left alone."
    ),
    build=build_ya,
    options=(Option("to", "target letter", "choice", ("yeh", "maksura"), "yeh"),),
)


TEH_MARBUTA = Step(
    name="teh-marbuta",
    summary="teh marbuta ة -> heh ه",
    help="Writes teh marbuta ة as heh ه (فاطمة -> فاطمه), as camel-tools and Lucene do for search.",
    build=lambda: (CharMap({C.TEH_MARBUTA: chr(C.HEH)}),),
)


def build_hamza(to="letter"):
    target = {"letter": (chr(C.WAW), chr(C.YEH)), "hamza": (chr(C.HAMZA), chr(C.HAMZA))}[to]
    return (CharMap({C.WAW_HAMZA: target[0], C.YEH_HAMZA: target[1]}),)


HAMZA = Step(
    name="hamza",
    summary="hamza on a carrier ؤ ئ -> و ي",
    help=(
        "Drops the hamza from its waw and yeh carriers: ؤ -> و, ئ -> ي (سؤال -> سوال). "
        "--to hamza keeps the hamza and drops the carrier instead (ؤ ئ -> ء), as pyarabic's "
        "normalize_hamza does. Alef carriers belong to the alef step."
    ),
    build=build_hamza,
    options=(Option("to", "keep the carrier letter or the hamza", "choice", ("letter", "hamza"), "letter"),),
)


# The Persian ezafe typed as heh + hamza above (خانهٔ) is the letter ۀ, which folds to ه: so does it.
# Typed on teh marbuta (ة or ۃ + hamza above) it is the same ezafe: the hamza goes too, or the
# teh-marbuta step after this one would leave ه + hamza for a second run (found by idempotence).
def _drop_hamza(match: re.Match) -> str:
    return match.group().replace("\u0654", "")


_EZAFE = LineRule(
    "ezafe",
    lazy_pattern(f"[\u0647\u0629][{char_class(C.HARAKAT)}]*\u0654[{char_class(C.HARAKAT)}\u0654]*"),
    _drop_hamza,
    triggers="\u0654",
    alphabet="\u0647\u0629\u0654" + "".join(map(chr, C.HARAKAT)),
)


# ے and ی fold to ي, which with a hamza above is ئ: a hamza left after them (ۓٔ is ئے + ٔ) is
# composed here, or the next pass's diacritics step would compose it (found by idempotence).
_YEH_HAMZA = LineRule(
    "yeh-hamza",
    lazy_pattern(f"\u064a([{char_class(C.HARAKAT)}]*)\u0654"),
    lambda match: "\u0626" + match.group(1),
    triggers="\u0654",
    alphabet="\u064a\u0626\u0654" + "".join(map(chr, C.HARAKAT)),
)


# ۓ is canonically ے + hamza (آۓ and آئے are one word): ئے, then ے as the letter map writes it
# (kept under --lang ur, where both spellings meet on ئے). ے + a hamza the diacritics step did not
# compose (ۓٔ, or ے + hamza without that step) is the same letter: ئے too, or a second run would
# compose it (found by idempotence).
_YEH_BARREE_HAMZA = (
    CharMap({0x06D3: chr(C.YEH_HAMZA) + chr(C.YEH_BARREE)}),
    LineRule(
        "yeh-barree-hamza",
        lazy_pattern(f"\u06d2([{char_class(C.HARAKAT)}]*)\u0654"),
        lambda match: "\u0626\u06d2" + match.group(1),
        triggers="\u0654",
        alphabet="\u06d2\u0626\u0654" + "".join(map(chr, C.HARAKAT)),
    ),
)


def build_persian(final_yeh="yeh", to="arabic"):
    if to == "persian":
        # Persian text typed on an Arabic keyboard: ك -> ک, ي ى -> ی (as Hazm and Parsivar do)
        return (CharMap({C.ARABIC_KAF: chr(C.KEHEH), C.YEH: chr(C.FARSI_YEH), C.ALEF_MAKSURA: chr(C.FARSI_YEH)}),)
    letters = {
        C.KEHEH: chr(C.ARABIC_KAF),
        C.FARSI_YEH: chr(C.YEH),
        C.YEH_BARREE: chr(C.YEH),
        0x06C2: chr(C.HEH),  # ۂ heh goal with hamza -> ه
        C.TEH_MARBUTA_GOAL: chr(C.TEH_MARBUTA),
        **to_(chr(C.HEH), C.PERSIAN_HEHS),
    }
    ops = []
    if final_yeh == "maksura":
        # Context matters here (camel-tools issue #117): only a word-final ی is a maksura.
        ops.append(word_final(C.FARSI_YEH, chr(C.ALEF_MAKSURA), "final-farsi-yeh-to-maksura"))
    # The hamza rules run after the letter map: ھٔ and ۓٔ become ه and ي with a hamza above.
    ops += [*_YEH_BARREE_HAMZA, CharMap(letters), _EZAFE, _YEH_HAMZA]
    return tuple(ops)


PERSIAN = Step(
    name="persian",
    summary="Persian/Urdu letters ک ی ے ۀ ہ ھ ە ۃ -> Arabic ك ي ي ه ه ه ه ة",
    help=(
        "Writes Persian and Urdu letter forms with their Arabic counterparts: keheh ک -> ك, farsi "
        "yeh ی -> ي, yeh barree ے -> ي, heh forms ۀ ہ ھ ە ۂ -> ه, ۃ -> ة, ۓ -> ئي (it is ے + "
        "hamza: آۓ and آئے fold alike), and the Persian ezafe typed as ه + hamza above (خانهٔ) "
        "-> ه, as ۀ (on ة or ۃ, the hamza goes too). Farsi yeh has no dots in any position, so it "
        "is ambiguous between ي and ى; "
        "with --final-yeh maksura a word-final ی becomes ى and others ي (the context camel-tools "
        "issue #117 asks for). --to persian goes the other way, for Persian corpora: ك -> ک, ي ى "
        "-> ی (as Hazm and Parsivar do), nothing else. The Arabic direction is for Arabic and for "
        "search across scripts: ے ھ ە ی are letters of their own in Urdu, Sindhi, Kurdish, Uyghur "
        "and Pashto (see --lang)."
    ),
    build=build_persian,
    options=(
        Option("final_yeh", "what a word-final farsi yeh becomes", "choice", ("yeh", "maksura"), "yeh"),
        Option("to", "which way to write the letters", "choice", ("arabic", "persian"), "arabic"),
    ),
)


def build_elongation(max=2):
    pattern = lazy_pattern(f"({_LETTER})\\1{{{int(max)},}}")
    return (RunRule("elongation", pattern, r"\1", run_length=int(max) + 1),)


ELONGATION = Step(
    name="elongation",
    summary="letters repeated for emphasis: جمييييل -> جميل",
    help=(
        "Collapses a run of more than --max (default 2) identical Arabic letters into one letter "
        "(جمييييل -> جميل, ههههه -> ه). Standard Arabic spelling never repeats a letter three "
        "times (doubling is written with shadda), so runs of two are kept by default."
    ),
    build=build_elongation,
    options=(Option("max", "longest run left alone", "int", default=2),),
)

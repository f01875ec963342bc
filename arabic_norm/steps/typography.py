"""Steps for quotes, punctuation, digits, presentation-form ligatures and Unicode forms."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from . import chars as C
from .base import CharMap, FormRule, Rule, Step, char_class, lazy_pattern, to
from .options import Option

# --- quotes -----------------------------------------------------------------------------------
_ALL_DOUBLE = C.DOUBLE_QUOTES + (ord('"'),)
_ALL_SINGLE = C.SINGLE_QUOTES + (ord("'"),)
# A quote opens when nothing, whitespace, an opening bracket, a dash or another quote precedes it,
# bidi marks skipped (RLM«نص»); one between blanks, or after a blank at the end of the line, closes
# (French spacing: « نص »). Only the kind of its neighbours matters, never their direction, so the
# rule is idempotent; it never looks past a line break, and treats the edges of a block like blanks.
_OPENS_AFTER = frozenset("([{-\u2013\u2014" + "".join(map(chr, _ALL_DOUBLE + _ALL_SINGLE)))
_BIDI = frozenset(map(chr, C.BIDI_MARKS + C.BIDI_EMBEDDINGS))
_STYLES = {
    # style: (double opener, double closer, single opener, single closer)
    "guillemets": ("\u00ab", "\u00bb", "'", "'"),
    "curly": ("\u201c", "\u201d", "\u2018", "\u2019"),
}


def _pairing_rule(kinds: tuple[int, ...], opener: str, closer: str, name: str) -> Rule:
    return Rule(name, lazy_pattern(f"[{char_class(kinds)}]"), _Repl(opener, closer))


class _Repl:
    """Picklable replacement: the opener for a quote in opening position, the closer otherwise."""

    def __init__(self, opener: str, closer: str):
        self.opener, self.closer = opener, closer

    def __call__(self, match: re.Match) -> str:
        text, i = match.string, match.start() - 1
        while i >= 0 and text[i] in _BIDI:
            i -= 1
        before = text[i] if i >= 0 else "\n"
        after = text[match.end()] if match.end() < len(text) else "\n"
        if before in "\r\n":
            return self.opener
        if before.isspace():
            return self.closer if after.isspace() else self.opener
        return self.opener if before in _OPENS_AFTER else self.closer


def build_quotes(style="ascii"):
    if style == "ascii":
        return (CharMap({**to('"', C.DOUBLE_QUOTES), **to("'", C.SINGLE_QUOTES)}),)
    dq_open, dq_close, sq_open, sq_close = _STYLES[style]
    ops = [_pairing_rule(_ALL_DOUBLE, dq_open, dq_close, f"double-quotes-{style}")]
    if sq_open == sq_close:
        ops.append(CharMap(to(sq_open, C.SINGLE_QUOTES)))
    else:
        ops.append(_pairing_rule(_ALL_SINGLE, sq_open, sq_close, f"single-quotes-{style}"))
    return tuple(ops)


QUOTES = Step(
    name="quotes",
    summary="curly, low and angle quotes -> ASCII \" and '",
    help=(
        'Writes the double quotes “ ” „ ‟ « » ″ 〝 〞 ＂ as " and the single quotes ‘ ’ ‚ ‛ ′ ‹ › ＇ '
        "as '. --style guillemets writes every double quote (ASCII included) as « or », and "
        "--style curly as “ or ” and ‘ or ’: a quote opens after the start of a line, whitespace, "
        "an opening bracket, a dash or another quote (bidi marks such as RLM skipped), and closes "
        "otherwise (so an apostrophe inside a word becomes ’); a quote between blanks, or after a "
        "blank at the end of a line, closes (French spacing: « نص »). Pairing looks only at the "
        "characters next to each quote, never across lines. Guillemets style writes single quotes as '."
    ),
    build=build_quotes,
    options=(Option("style", "target quote style", "choice", ("ascii", "guillemets", "curly"), "ascii"),),
)


# --- punctuation ------------------------------------------------------------------------------
# A comma between two digits is a thousands separator (1,000), not prose punctuation.
_PROSE_COMMA = Rule("comma-to-arabic", lazy_pattern(r"(?<![0-9]),|,(?![0-9])"), "\u060c", triggers=",")


def build_punctuation(to="ascii"):
    if to == "arabic":
        to_arabic = {ord(ascii): chr(cp) for cp, ascii in C.ARABIC_PUNCTUATION.items() if ascii in ";?%"}
        return (_PROSE_COMMA, CharMap(to_arabic))
    return (CharMap({cp: ascii for cp, ascii in C.ARABIC_PUNCTUATION.items()}),)


PUNCTUATION = Step(
    name="punctuation",
    summary="Arabic punctuation ، ؛ ؟ ٪ ۔ -> , ; ? % .",
    help=(
        "Writes Arabic comma, semicolon, question mark, percent sign and Urdu full stop as their "
        "ASCII counterparts. --to arabic goes the other way for , ; ? % (a comma between digits "
        "stays, it separates thousands; a full stop stays, it is also the decimal point). Beware "
        "that --to arabic also changes ? and ; inside URLs."
    ),
    build=build_punctuation,
    options=(Option("to", "target script", "choice", ("ascii", "arabic"), "ascii"),),
)


# --- digits -----------------------------------------------------------------------------------
def build_digits(to="ascii"):
    targets = {
        "ascii": "0123456789",
        "arabic": "".join(map(chr, C.ARABIC_INDIC_DIGITS)),
        "persian": "".join(map(chr, C.PERSIAN_DIGITS)),
    }
    table = {}
    for system, digits in targets.items():
        if system != to:
            table.update({ord(d): targets[to][i] for i, d in enumerate(digits)})
    if to == "ascii":
        table[C.ARABIC_DECIMAL_SEPARATOR] = "."
        table[C.ARABIC_THOUSANDS_SEPARATOR] = ","
    return (CharMap(table),)


DIGITS = Step(
    name="digits",
    summary="Arabic-Indic ٠-٩ and Persian ۰-۹ digits -> 0-9",
    help=(
        "Writes Arabic-Indic (٠-٩) and Persian (۰-۹) digits as ASCII 0-9, and the Arabic decimal "
        "and thousands separators ٫ ٬ as . and , . --to arabic or --to persian writes all three "
        "digit systems in that one instead (separators untouched: an ASCII . or , may be prose)."
    ),
    build=build_digits,
    options=(Option("to", "target digits", "choice", ("ascii", "arabic", "persian"), "ascii"),),
)


# --- ligatures --------------------------------------------------------------------------------
@cache
def _presentation_form_map() -> dict[int, str]:
    table = {}
    for cp in C.PRESENTATION_FORMS_A + C.PRESENTATION_FORMS_B:
        decomposed = unicodedata.normalize("NFKC", chr(cp))
        if decomposed.startswith(" ") and all(unicodedata.combining(c) for c in decomposed[1:]):
            # an isolated haraka form (ﹶ U+FE76, ﱠ U+FC60...): NFKC puts a space before the mark,
            # which splits a word written with them (ﻛﹶﺘﹶﺐﹶ); the mark alone stays on its letter
            decomposed = decomposed[1:]
        if decomposed != chr(cp):
            table[cp] = decomposed
    return table


LIGATURES = Step(
    name="ligatures",
    summary="Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFC) -> base letters",
    help=(
        "Replaces every Arabic presentation form (contextual shapes and ligatures from old PDFs and "
        "fonts) with its compatibility decomposition, exactly as NFKC does but leaving the rest of "
        "the text alone: ﻻ -> لا, and lam-alef keeps its hamza or madda (ﻷ -> لأ, ﻵ -> لآ; pyarabic "
        "turns them into a bare لا). ﷲ -> الله and ﷺ -> صلى الله عليه وسلم expand as NFKC does. "
        "One difference from NFKC: an isolated haraka form (U+FE70-U+FE7E, U+FC5E-U+FC63) becomes the "
        "mark alone, where NFKC writes a space before it and so splits the word (ﻛﹶﺘﹶﺐﹶ -> كَتَبَ, "
        "not ك َت َب َ)."
    ),
    build=lambda: (CharMap(_presentation_form_map()),),
)


# --- unicode forms ----------------------------------------------------------------------------
UNICODE = Step(
    name="unicode",
    summary="Unicode normalization form (NFC by default)",
    help=(
        "Applies a Unicode normalization form to the whole text: NFC (default; composes decomposed "
        "hamza and madda, keeps presentation forms), NFKC (also folds presentation forms, "
        "full-width and other compatibility characters, as camel-tools' normalize_unicode does), "
        "NFD or NFKD."
    ),
    build=lambda form="NFC": (FormRule(f"unicode-{form}", form),),
    options=(Option("form", "normalization form", "choice", ("NFC", "NFKC", "NFD", "NFKD"), "NFC"),),
)

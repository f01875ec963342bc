"""Steps for characters you cannot see: format controls and whitespace."""

from __future__ import annotations

from . import chars as C
from .base import CharMap, NeedleRule, Step, delete, lazy_pattern, to
from .options import Option


def build_invisible(zwnj="keep", zwj="keep"):
    table = delete(C.BIDI_MARKS, C.BIDI_EMBEDDINGS, C.ZERO_WIDTH)
    if zwnj != "keep":
        table[C.ZWNJ] = " " if zwnj == "space" else ""
    if zwj == "remove":
        table[C.ZWJ] = ""
    return (CharMap(table),)


INVISIBLE = Step(
    name="invisible",
    summary="remove bidi marks, zero-width spaces, soft hyphens and stray BOMs",
    help=(
        "Removes LRM, RLM and the Arabic letter mark (U+061C), bidi embeddings, overrides and "
        "isolates (U+202A-U+202E, U+2066-U+2069), zero-width space, word joiner, soft hyphen and "
        "BOMs inside the text (a BOM at the very start of the input is preserved). ZWNJ (U+200C) "
        "is kept by default because Persian spelling needs it (می‌خواهم); --zwnj remove or "
        "--zwnj space drop it or write a space. ZWJ (U+200D) is kept by default because emoji "
        "sequences such as 👨‍👩‍👧 need it; --zwj remove drops it."
    ),
    build=build_invisible,
    options=(
        Option("zwnj", "zero-width non-joiner U+200C", "choice", ("keep", "remove", "space"), "keep"),
        Option("zwj", "zero-width joiner U+200D", "choice", ("keep", "remove"), "keep"),
    ),
)


def build_whitespace(keep_tabs=False):
    # Order matters: trailing blanks first, then a run of two or more blanks (or any tab). Both
    # rules would try their pattern at every blank of the text: they search only the lines that
    # hold what every match holds (NeedleRule), which most lines do not.
    blanks = (" ",) if keep_tabs else (" ", "\t")
    runs = r"[ ]{2,}" if keep_tabs else r"[ \t]{2,}|\t"  # (a run holding a tab, or of 2+ spaces)
    trailing = r"[ ]+(?=[\r\n]|\Z)" if keep_tabs else r"[ \t]+(?=[\r\n]|\Z)"
    before_line_ends = tuple(blank + end for blank in blanks for end in ("\n", "\r"))
    return (
        CharMap(to(" ", C.UNICODE_SPACES)),
        NeedleRule("trailing-blanks", lazy_pattern(trailing), "", needles=before_line_ends, end_chars=blanks),
        NeedleRule("blank-runs", lazy_pattern(runs), " ", needles=("  ",) if keep_tabs else ("  ", "\t")),
    )


WHITESPACE = Step(
    name="whitespace",
    summary="Unicode spaces -> space, runs of blanks -> one space, no trailing blanks",
    help=(
        "Writes every Unicode space separator (no-break, thin, ideographic...) as a plain space, "
        "collapses runs of spaces and tabs into one space and removes blanks at the end of lines. "
        "It never joins or splits lines: line endings (LF, CRLF, CR) and line/paragraph separators "
        "stay as they are. --keep-tabs leaves tabs alone (for TSV), collapsing only spaces."
    ),
    build=build_whitespace,
    options=(Option("keep_tabs", "leave tabs alone", "flag", default=False),),
)

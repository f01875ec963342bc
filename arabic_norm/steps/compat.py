"""Steps that reproduce a peer's functions exactly, on arabic-norm's own engine.

The general steps (`diacritics`, `alef`, `persian`, `unicode`...) choose what loses least
information and may grow context rules; peers chose differently and must not drift. These steps
express each peer function's character set exactly and nothing else, so the `camel`, `lucene` and
`lucene-persian` presets stay byte-identical to camel-tools and Lucene without calling them:

- `camel-unicode`, `camel-dediac`, `camel-letters`: camel-tools' normalize_unicode, dediac_ar, and
  normalize_alef_ar + normalize_alef_maksura_ar + normalize_teh_marbuta_ar;
- `lucene-arabic`, `lucene-persian`: Lucene's ArabicNormalizer and PersianNormalizer.

None of them needs camel-tools installed (the camel-tools-backed steps live in `camel.py`).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from ..engine.maps import CompiledMap
from . import chars as C
from .base import CharMap, Option, Rule, Step, char_class, delete, to

# --- camel-tools -------------------------------------------------------------------------------
# camel-tools' normalize_unicode spells these two out before NFKC: the rial sign with the Arabic yeh
# (NFKC alone would give a Farsi yeh U+06CC), and the bismillah ligature (NFKC leaves it alone).
CAMEL_UNICODE_FIX = {
    chr(C.RIAL_SIGN): "\u0631\u064a\u0627\u0644",
    chr(C.BISMILLAH): "\u0628\u0633\u0645 \u0627\u0644\u0644\u0647 \u0627\u0644\u0631\u062d\u0645\u0646 "
    "\u0627\u0644\u0631\u062d\u064a\u0645",
}
# A rule rather than a map: with its triggers, text without ﷼ ﷽ (nearly all) skips it at once.
CAMEL_FIX_RULE = Rule(
    "camel-unicode-fix",
    re.compile(f"[{''.join(CAMEL_UNICODE_FIX)}]"),
    lambda m: CAMEL_UNICODE_FIX[m.group(0)],
    triggers="".join(CAMEL_UNICODE_FIX),
)
CAMEL_DIACRITICS = C.HARAKAT + C.DAGGER_ALEF  # camel-tools' AR_DIAC_CHARSET, removed by dediac_ar


@cache
def _composing_second(cccs: frozenset[int]) -> frozenset[str]:
    """Characters that canonically compose with the character before them and have a combining
    class in `cccs` (Hangul vowel and trailing jamo included)."""
    out = set()
    if 0 in cccs:
        out.update(map(chr, range(0x1161, 0x1176)), map(chr, range(0x11A8, 0x11C3)))
    for cp in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            first, second = (chr(int(p, 16)) for p in parts)
            if unicodedata.combining(second) in cccs and unicodedata.normalize("NFC", first + second) == chr(cp):
                out.add(second)
    return frozenset(out)


@cache
def _unsafe_chars(cccs: frozenset[int]) -> frozenset[int]:
    """Characters whose compatibility decomposition contains a character of `_composing_second`."""
    second = _composing_second(cccs)
    unsafe = set(second)
    for cp in range(sys.maxunicode + 1):
        if unicodedata.decomposition(chr(cp)) and not second.isdisjoint(unicodedata.normalize("NFKD", chr(cp))):
            unsafe.add(chr(cp))
    return frozenset(map(ord, unsafe))


@cache
def _unsafe_pattern(cccs: frozenset[int]) -> re.Pattern:
    return re.compile(f"[{char_class(_unsafe_chars(cccs))}]")


@cache
def _unsafe_units(cccs: frozenset[int]):
    """A numpy table over UTF-16 code units: True for unsafe BMP characters and all surrogates."""
    import numpy as np

    table = np.zeros(0x10000, dtype=bool)
    table[[cp for cp in _unsafe_chars(cccs) if cp <= 0xFFFF]] = True
    table[0xD800:0xE000] = True  # astral characters: decided by the exact pattern
    return table


def _contains_any(text: str, cccs: frozenset[int]) -> bool:
    """Whether `text` contains a character of `_unsafe_chars(cccs)`; a numpy prefilter for big texts
    (a regular expression scans them several times slower)."""
    if len(text) >= 1 << 15:
        import numpy as np

        units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        if not np.take(_unsafe_units(cccs), units).any():
            return False
    return _unsafe_pattern(cccs).search(text) is not None


@dataclass(frozen=True, eq=False)
class NFKCThenDelete:
    """NFKC, then delete the combining marks `deleted`, in one fast pass.

    Deleting such a mark before NFKC changes nothing, as long as the mark composes with nothing and
    the text holds no character whose decomposition contains a character that could compose with
    what the deleted mark separated it from (a starter that composes with the starter before it,
    such as Hangul jamo or some Indic vowel signs, or a mark of the same combining class): then the
    marks can be deleted first, and NFKC runs only on the lines that still need it, which in
    Arabic text are few (tashkeel reordering, which made almost every line of vocalized text
    "not normalized", is gone with the marks). Otherwise, and for small texts, it is plain
    `normalize("NFKC")` then deletion. Either way the result is the same; tests compare it with
    camel-tools on the corpora and with the plain form on random text.
    """

    name: str
    deleted: tuple[int, ...]
    min_chars: int = 4096  # below this, the plain path is as fast
    _delete: CompiledMap = field(init=False, repr=False)

    def __post_init__(self):
        for cp in self.deleted:
            ch = chr(cp)
            if not unicodedata.combining(ch) or unicodedata.decomposition(ch):
                raise ValueError(f"U+{cp:04X} is not a combining mark without decomposition")
        object.__setattr__(self, "_delete", CompiledMap(delete(self.deleted)))

    def _unsafe(self, text: str) -> bool:
        """Whether deleting the marks before NFKC could change the result for `text`."""
        if not self.deleted:
            return False
        cccs = frozenset(unicodedata.combining(chr(cp)) for cp in self.deleted) | {0}
        # A deleted mark that composes itself would make deleting it first wrong.
        if not _composing_second(cccs).isdisjoint(map(chr, self.deleted)):
            raise ValueError("a deleted mark takes part in a canonical composition")
        return _contains_any(text, cccs)

    def run(self, text: str) -> tuple[str, int]:
        if unicodedata.is_normalized("NFKC", text):
            new = self._delete.run(text)
        elif len(text) < self.min_chars or self._unsafe(text):
            new = self._delete.run(unicodedata.normalize("NFKC", text))
        else:
            lines = self._delete.run(text).split("\n")
            for i, line in enumerate(lines):
                if not unicodedata.is_normalized("NFKC", line):
                    lines[i] = self._delete.run(unicodedata.normalize("NFKC", line))
            new = "\n".join(lines)
        if new == text:
            return text, 0
        # For --stats: characters removed or added, at least 1 when anything changed.
        return new, max(1, abs(len(text) - len(new)))


def build_camel_unicode(dediac=False):
    if dediac:
        return (CAMEL_FIX_RULE, NFKCThenDelete("camel-unicode-NFKC-dediac", CAMEL_DIACRITICS))
    return (CAMEL_FIX_RULE, NFKCThenDelete("camel-unicode-NFKC", ()))


CAMEL_UNICODE = Step(
    name="camel-unicode",
    summary="camel-tools' normalize_unicode: ﷼ and ﷽ spelled out, then NFKC",
    help=(
        "Exactly camel-tools' normalize_unicode (compatibility=True), without needing camel-tools: "
        "the rial sign ﷼ U+FDFC becomes ريال with the Arabic yeh (NFKC alone gives Farsi yeh "
        "U+06CC) and the bismillah ligature ﷽ U+FDFD becomes بسم الله الرحمن الرحيم (NFKC leaves "
        "it), then the whole text is NFKC-normalized: presentation forms and ligatures are "
        "unfolded, decomposed hamza and madda are composed (ا + ◌ٔ -> أ), NBSP becomes a space "
        "and … three dots. NFKC follows Python's Unicode version. --dediac also runs camel-tools' "
        "dediac_ar (= camel-unicode camel-dediac, in one faster pass). For plain NFC or NFKC use "
        "the unicode step."
    ),
    build=build_camel_unicode,
    options=(
        Option("dediac", "then remove camel-tools' diacritics (dediac_ar), in the same pass", "flag", default=False),
    ),
)

CAMEL_DEDIAC = Step(
    name="camel-dediac",
    summary="camel-tools' dediac_ar: remove harakat U+064B-U+0652 and dagger alef U+0670",
    help=(
        "Exactly camel-tools' dediac_ar: removes the eight harakat U+064B-U+0652 (tanwin, short "
        "vowels, shadda, sukun) and the superscript (dagger) alef U+0670, and nothing else: tatweel, "
        "combining madda and hamza U+0653-U+0655, the extended marks U+0656-U+065F and the Quranic "
        "marks stay, and a decomposed hamza is not composed. The diacritics step is the lossless "
        "general choice."
    ),
    build=lambda: (CharMap(delete(CAMEL_DIACRITICS)),),
)

CAMEL_LETTERS = Step(
    name="camel-letters",
    summary="camel-tools' normalize_alef_ar, _alef_maksura_ar, _teh_marbuta_ar: أ إ آ ٱ -> ا, ى -> ي, ة -> ه",
    help=(
        "Exactly camel-tools' normalize_alef_ar, normalize_alef_maksura_ar and "
        "normalize_teh_marbuta_ar: أ إ آ and alef wasla ٱ -> ا, ى -> ي, ة -> ه; nothing else "
        "(ٲ ٳ ٵ stay, an alef followed by a combining hamza or madda stays as it is). The alef, ya "
        "and teh-marbuta steps are the general choice."
    ),
    build=lambda: (
        CharMap(
            {
                **to(chr(C.ALEF), (C.ALEF_MADDA, C.ALEF_HAMZA_ABOVE, C.ALEF_HAMZA_BELOW, C.ALEF_WASLA)),
                C.ALEF_MAKSURA: chr(C.YEH),
                C.TEH_MARBUTA: chr(C.HEH),
            }
        ),
    ),
)

# --- Lucene ------------------------------------------------------------------------------------
LUCENE_ARABIC = Step(
    name="lucene-arabic",
    summary="Lucene's ArabicNormalizer: أ إ آ -> ا, ى -> ي, ة -> ه, tatweel and harakat removed",
    help=(
        "Exactly Lucene's ArabicNormalizer (Elasticsearch's and Solr's arabic_normalization): "
        "alef with madda, hamza above or below آ أ إ -> ا, alef maksura ى -> ي, teh marbuta ة -> "
        "ه, and tatweel U+0640 and the eight harakat U+064B-U+0652 removed. Nothing else is "
        "touched: alef wasla ٱ, the dagger alef U+0670, combining madda and hamza U+0653-U+0655, "
        "ؤ ئ and the Quranic marks stay, and there is no Unicode normalization."
    ),
    build=lambda: (
        CharMap(
            {
                **to(chr(C.ALEF), (C.ALEF_MADDA, C.ALEF_HAMZA_ABOVE, C.ALEF_HAMZA_BELOW)),
                C.ALEF_MAKSURA: chr(C.YEH),
                C.TEH_MARBUTA: chr(C.HEH),
                **delete(C.TATWEEL, C.HARAKAT),
            }
        ),
    ),
)

LUCENE_PERSIAN = Step(
    name="lucene-persian",
    summary="Lucene's PersianNormalizer: ی ے -> ي, ک -> ك, ۀ ہ -> ه, hamza above U+0654 removed",
    help=(
        "Exactly Lucene's PersianNormalizer: farsi yeh ی and yeh barree ے -> ي, keheh ک -> ك, "
        "heh with yeh above ۀ and heh goal ہ -> ه, and the combining hamza above U+0654 deleted "
        "wherever it stands (Lucene does it for heh + hamza, so it also turns a decomposed "
        "ا + ◌ٔ into a bare ا). Nothing else: ھ ە ۃ and a word-final ی are not treated specially "
        "(the persian step folds more, and offers the word-final choice of camel-tools issue "
        "#117). Lucene's PersianAnalyzer runs the ArabicNormalizer first: chain lucene-arabic "
        "lucene-persian for that."
    ),
    build=lambda: (
        CharMap(
            {
                **to(chr(C.YEH), (C.FARSI_YEH, C.YEH_BARREE)),
                C.KEHEH: chr(C.ARABIC_KAF),
                **to(chr(C.HEH), (C.HEH_YEH, C.HEH_GOAL)),
                **delete((C.HAMZA_ABOVE,)),
            }
        ),
    ),
)

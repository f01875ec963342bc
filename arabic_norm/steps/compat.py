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

import unicodedata

from . import chars as C
from .base import CharMap, Rule, Step, delete, lazy_pattern, to
from .options import Option
from .record import record

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
    lazy_pattern(f"[{''.join(CAMEL_UNICODE_FIX)}]"),
    lambda m: CAMEL_UNICODE_FIX[m.group(0)],
    triggers="".join(CAMEL_UNICODE_FIX),
)
CAMEL_DIACRITICS = C.HARAKAT + C.DAGGER_ALEF  # camel-tools' AR_DIAC_CHARSET, removed by dediac_ar


@record(eq=False)
class NFKCThenDelete:
    """NFKC, then delete the combining marks `deleted`: a declaration. Its executor, which does both
    in one fast pass with the same result, is `engine.nfkc.FastNFKCThenDelete` (chain.py puts it
    in place of this operation)."""

    name: str
    deleted: tuple[int, ...]

    def __post_init__(self):
        for cp in self.deleted:
            ch = chr(cp)
            if not unicodedata.combining(ch) or unicodedata.decomposition(ch):
                raise ValueError(f"U+{cp:04X} is not a combining mark without decomposition")


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

"""Named step chains. Each preset is written in the same chain syntax the CLI accepts."""

from __future__ import annotations

from .steps.record import record


@record
class Preset:
    name: str
    chain: str
    help: str
    # False only for compatibility presets whose peer is not idempotent (byte-identity wins).
    idempotent: bool = True


# persian before ya and teh-marbuta: it produces ى ي ة, which they then fold.
SEARCH = (
    "ligatures invisible diacritics tatweel persian alef ya teh-marbuta digits punctuation quotes elongation whitespace"
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "default",
            "diacritics tatweel alef ya quotes",
            "the usual clean-up: no tashkeel or tatweel, one alef, one ya, ASCII quotes",
        ),
        Preset(
            "search",
            SEARCH,
            "what a search index wants: every spelling variant that users type interchangeably "
            "folded together (presentation forms, invisible marks, tashkeel, tatweel, alef, ya, teh "
            "marbuta, Persian letters, digits, punctuation, quotes, letters repeated for emphasis, "
            "runs of blanks). Hamza carriers are kept: سؤال and سوال are different words.",
        ),
        Preset(
            "quran",
            # Presentation forms and invisible marks go first: the uthmani step reads words, and
            # an LRM or a ﺀ inside one would hide a hamza's neighbours from it until a second run.
            SEARCH.replace("invisible ", "invisible uthmani ", 1),
            "search for Quranic text in Uthmani spelling (Tanzil, KFGQPC...): presentation forms "
            "and invisible marks out, then the uthmani step rewrites it in modern spelling (hamza "
            "seats, superscript alef, small letters, madd sign, ۞ ۩), then the rest of the search "
            "chain, so that it meets modern-spelling text and queries.",
        ),
        Preset(
            "camel",
            "camel-unicode --dediac camel-letters",
            "byte-identical to the camel-tools recipe normalize_unicode -> dediac_ar -> "
            "normalize_alef_ar -> normalize_alef_maksura_ar -> normalize_teh_marbuta_ar, on "
            "arabic-norm's engine (camel-tools not needed): ﷼ ﷽ spelled out, NFKC, harakat and "
            "dagger alef removed, أ إ آ ٱ -> ا, ى -> ي, ة -> ه. Tatweel and the Quranic marks stay. "
            "NOT idempotent, like camel-tools: أ + combining madda U+0653 gives ا + U+0653, which a "
            "second run composes to آ and then ا; ى + hamza above U+0654 gives ي + U+0654, which a "
            "second run composes to ئ. Byte-identity with camel-tools wins over idempotence here.",
            idempotent=False,
        ),
        Preset(
            "lucene",
            "lucene-arabic",
            "exactly Lucene's ArabicNormalizer (Elasticsearch's arabic_normalization filter): "
            "أ إ آ -> ا, ى -> ي, ة -> ه, tatweel and the harakat U+064B-U+0652 removed; nothing else "
            "is touched (alef wasla, dagger alef, combining hamza and Quranic marks stay).",
        ),
        Preset(
            "lucene-persian",
            "lucene-persian",
            "exactly Lucene's PersianNormalizer: ی ے -> ي, ک -> ك, ۀ ہ -> ه, hamza above U+0654 "
            "removed; nothing else is touched (PersianAnalyzer also runs the lucene preset's "
            "ArabicNormalizer first: chain lucene-arabic lucene-persian for that).",
        ),
        Preset(
            "pyarabic",
            "pyarabic-strip-tatweel pyarabic-strip-tashkeel pyarabic-normalize-ligature pyarabic-normalize-hamza",
            "byte-identical to pyarabic's araby.strip_tatweel -> strip_tashkeel -> normalize_ligature "
            "-> normalize_hamza, applied line by line (every hamza form and carrier -> ء, آ -> ءء, "
            "tatweel and harakat removed, isolated lam-alef -> لا); the pyarabic-* steps give each "
            "function alone, with its quirks stated.",
        ),
    )
}


def register(preset: Preset) -> Preset:
    PRESETS[preset.name] = preset
    return preset

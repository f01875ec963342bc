"""Steps that reproduce pyarabic's `araby` functions exactly, on arabic-norm's own engine.

pyarabic users can switch without a diff: each step is byte-identical to the function it is named
after, applied line by line (tests/test_pyarabic_compat.py runs pyarabic itself on every corpus
line). Their quirks are pyarabic's, kept on purpose and stated in each step's help; the general
steps (`diacritics`, `tatweel`, `alef`, `hamza`, `ligatures`) are where arabic-norm differs.
pyarabic is not needed at run time.
"""

from __future__ import annotations

import re

from . import chars as C
from .base import CharMap, Rule, Step, delete, lazy_pattern, to

HAMZA, ALEF, ALEF_MADDA, SHADDA = "\u0621", "\u0627", "\u0622", "\u0651"

# normalize_hamza looks at the start of its input (here: of each line): آ followed by a letter
# without haraka, then shadda or the end (the line's own break counts as a character, as in
# pyarabic called on a line with its newline), is hamza + alef; any other initial آ is two hamzas.
_C1 = f"[^\\n\\r{''.join(map(chr, C.HARAKAT[:-2] + C.SUKUN))}]"
_INITIAL_MADDA = Rule(
    "pyarabic-initial-madda",
    # a line starts after \n or a lone \r (Python's universal newlines); its break is \n, \r\n or \r
    lazy_pattern(f"(?:^|(?<=\\r))\u0622(?={_C1}(?:\u0651|\\n|\\r(?!\\n))|\\r\\n)", re.MULTILINE),
    HAMZA + ALEF,
    triggers=ALEF_MADDA,
    folds=ALEF_MADDA,  # a letter in Persian and Urdu: the rule is left out under --lang fa/ur
)


PY_STRIP_TASHKEEL = Step(
    name="pyarabic-strip-tashkeel",
    summary="exactly pyarabic's strip_tashkeel: harakat, tanwin, shadda, sukun U+064B-U+0652 removed",
    help=(
        "Exactly pyarabic.araby.strip_tashkeel: deletes the eight marks U+064B-U+0652 and nothing "
        "else. Quirks kept: the dagger alef, the Quranic marks and U+0653-U+0655 stay (a decomposed "
        "hamza or madda is neither composed nor removed)."
    ),
    build=lambda: (CharMap(delete(C.PYARABIC_TASHKEEL)),),
)

PY_STRIP_DIACRITICS = Step(
    name="pyarabic-strip-diacritics",
    summary="exactly pyarabic's strip_diacritics: every Arabic nonspacing mark U+0610-U+06ED removed",
    help=(
        "Exactly pyarabic.araby.strip_diacritics: deletes every nonspacing mark of U+0600-U+06FE. "
        "Quirks kept: the combining hamza and madda U+0653-U+0655 are deleted too, so a decomposed "
        "أ loses its hamza (ا + ◌ٔ -> ا) and an Uthmani hamza on a tatweel disappears; the dagger "
        "alef is deleted, not written; the small waw and yeh U+06E5 U+06E6 (letters, not marks, "
        "for Unicode) and the Arabic Extended-A marks U+08D3-U+08FF stay."
    ),
    build=lambda: (CharMap(delete(C.PYARABIC_DIACRITICS)),),
)

PY_STRIP_TATWEEL = Step(
    name="pyarabic-strip-tatweel",
    summary="exactly pyarabic's strip_tatweel: every tatweel U+0640 removed",
    help=(
        "Exactly pyarabic.araby.strip_tatweel: deletes every tatweel. Quirk kept: a tatweel that is "
        "the seat of a hamza (Uthmani ـَٔ) goes too, and the hamza falls onto the letter before "
        "(the tatweel step writes ء there)."
    ),
    build=lambda: (CharMap(delete(C.TATWEEL)),),
)

PY_NORMALIZE_HAMZA = Step(
    name="pyarabic-normalize-hamza",
    summary="exactly pyarabic's normalize_hamza: every hamza form -> ء, آ -> ءء",
    help=(
        "Exactly pyarabic.araby.normalize_hamza (method uniform): ء ؤ ئ أ إ and the combining "
        "hamza U+0654 U+0655 -> ء, آ -> ءء, except at the start of a line where آ + a letter "
        "without haraka + shadda or the end of the line is ءا (pyarabic looks at the start of the "
        "string it is given: arabic-norm gives it each line). Quirks kept: the carrier letter is "
        "dropped (سؤال -> سءال), and a three-character line آ + two characters at the very end of "
        "the input without a final line break reads like a longer one."
    ),
    build=lambda: (_INITIAL_MADDA, CharMap({**to(HAMZA, C.PYARABIC_HAMZAT), C.ALEF_MADDA: HAMZA + HAMZA})),
)

PY_NORMALIZE_ALEF = Step(
    name="pyarabic-normalize-alef",
    summary="exactly pyarabic's normalize_alef: آ أ إ ٱ ى and dagger alef -> ا",
    help=(
        "Exactly pyarabic.araby.normalize_alef: a dagger alef before or after alef maksura is "
        "dropped (ٰى and ىٰ -> ى), then alef with madda or hamza, alef wasla, alef maksura and the "
        "dagger alef -> ا. Quirks kept: alef maksura becomes alef (على -> علا), and the rare alefs "
        "ٲ ٳ ٵ and decomposed forms (ا + ◌ٔ) stay."
    ),
    build=lambda: (
        Rule("pyarabic-dagger-before-maksura", lazy_pattern("\u0670\u0649"), "\u0649", triggers="\u0670"),
        Rule("pyarabic-dagger-after-maksura", lazy_pattern("\u0649\u0670"), "\u0649", triggers="\u0670"),
        CharMap(to(ALEF, C.PYARABIC_ALEFAT)),
    ),
)

PY_NORMALIZE_TEH = Step(
    name="pyarabic-normalize-teh",
    summary="exactly pyarabic's normalize_teh: ة -> ه",
    help="Exactly pyarabic.araby.normalize_teh: teh marbuta ة -> heh ه (like the teh-marbuta step).",
    build=lambda: (CharMap({C.TEH_MARBUTA: chr(C.HEH)}),),
)

PY_NORMALIZE_LIGATURE = Step(
    name="pyarabic-normalize-ligature",
    summary="exactly pyarabic's normalize_ligature: isolated lam-alef ligatures ﻻ ﻷ ﻹ ﻵ -> لا",
    help=(
        "Exactly pyarabic.araby.normalize_ligature: the four isolated lam-alef ligatures ﻻ ﻷ ﻹ ﻵ "
        "-> لا. Quirks kept: the hamza or madda of ﻷ ﻹ ﻵ is dropped (the ligatures step keeps it: "
        "لأ), and the final forms ﻼ ﻸ ﻺ ﻶ and every other presentation form stay."
    ),
    build=lambda: (CharMap(to("\u0644\u0627", C.PYARABIC_LIGATURES)),),
)

PYARABIC_STEPS = (
    PY_STRIP_TASHKEEL,
    PY_STRIP_DIACRITICS,
    PY_STRIP_TATWEEL,
    PY_NORMALIZE_HAMZA,
    PY_NORMALIZE_ALEF,
    PY_NORMALIZE_TEH,
    PY_NORMALIZE_LIGATURE,
)

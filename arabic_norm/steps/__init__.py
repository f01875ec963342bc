"""The registry of steps: the one list `--list-steps`, the CLI and the docs are generated from."""

from __future__ import annotations

from .base import CharMap, FormRule, Operation, Rule, Step
from .camel import ARCLEAN, TRANSLIT
from .compat import CAMEL_DEDIAC, CAMEL_LETTERS, CAMEL_UNICODE, LUCENE_ARABIC, LUCENE_PERSIAN
from .letters import ALEF, ELONGATION, HAMZA, PERSIAN, TEH_MARBUTA, YA
from .marks import DIACRITICS, TATWEEL
from .options import Option
from .pyarabic import PYARABIC_STEPS
from .quranic import UTHMANI
from .spacing import INVISIBLE, WHITESPACE
from .typography import DIGITS, LIGATURES, PUNCTUATION, QUOTES, UNICODE

STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        DIACRITICS,
        TATWEEL,
        UTHMANI,
        ALEF,
        YA,
        QUOTES,
        TEH_MARBUTA,
        HAMZA,
        PERSIAN,
        LIGATURES,
        DIGITS,
        PUNCTUATION,
        INVISIBLE,
        WHITESPACE,
        ELONGATION,
        UNICODE,
        CAMEL_UNICODE,
        CAMEL_DEDIAC,
        CAMEL_LETTERS,
        LUCENE_ARABIC,
        LUCENE_PERSIAN,
        *PYARABIC_STEPS,
        TRANSLIT,
        ARCLEAN,
    )
}


def register(step: Step) -> Step:
    """Add a step to the registry (used by optional modules such as the camel-tools steps)."""
    STEPS[step.name] = step
    return step


__all__ = ["STEPS", "CharMap", "FormRule", "Operation", "Option", "Rule", "Step", "register"]

"""Named step chains. Each preset is written in the same chain syntax the CLI accepts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    chain: str
    help: str


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
            "ligatures invisible diacritics tatweel alef ya teh-marbuta persian digits punctuation "
            "quotes elongation whitespace",
            "what a search index wants: every spelling variant that users type interchangeably "
            "folded together (presentation forms, invisible marks, tashkeel, tatweel, alef, ya, teh "
            "marbuta, Persian letters, digits, punctuation, quotes, letters repeated for emphasis, "
            "runs of blanks). Hamza carriers are kept: سؤال and سوال are different words.",
        ),
    )
}


def register(preset: Preset) -> Preset:
    PRESETS[preset.name] = preset
    return preset

"""Steps backed by camel-tools' builtin character maps: `translit` and `arclean`.

camel-tools is an optional extra and is imported only when one of these steps is built (when a
pipeline using it is first run), never by `import arabic_norm`. The step reads the table of
camel-tools' own `CharMapper` and turns it into arabic-norm operations, so it runs on arabic-norm's
engine and gives byte for byte what `CharMapper.builtin_mapper(name)(text)` gives:

- a `CharMapper` looks every character up in its table; a character that is not in the table gets
  the mapper's *default*: None keeps it (all transliteration maps), '' deletes it (`arclean`).
- a table becomes a `CharMap`; a non-None default becomes a `Rule` that runs *first* and replaces
  every character not in the table (any code point, astral ones included) with the default. The
  table then maps the characters that remain, exactly as `CharMapper.map_string` does.
"""

from __future__ import annotations

import re
from functools import cache

from .base import CharMap, Operation, Rule, Step, char_class
from .options import Option

# What the `camel` extra installs, named directly: this works whether arabic-norm came from a clone,
# a git URL or pipx (`pipx inject arabic-norm-pipeline ...`), where an extra's name may not resolve.
INSTALL_HINT = "pip install six emoji && pip install --no-deps camel-tools==1.6.0"


class MissingExtraError(ImportError):
    """A step needs an optional dependency that is not installed."""


def _charmapper_class():
    try:
        from camel_tools.utils.charmap import CharMapper
    except ImportError as e:
        raise MissingExtraError(
            f"this step needs camel-tools, which is not installed ({e}). Install the 'camel' extra: "
            f"{INSTALL_HINT}  (--no-deps: camel-tools 1.6.0 declares torch and transformers, about "
            "6 GB, that its character maps do not need)"
        ) from e
    return CharMapper


def mapper_operations(mapper, name: str) -> tuple[Operation, ...]:
    """The operations equal to running camel-tools CharMapper `mapper` on a string."""
    try:
        table, default = mapper._charmap, mapper._default
    except AttributeError:
        raise MissingExtraError(
            f"cannot read camel-tools' {name!r} character map from this camel-tools version; "
            f"arabic-norm is tested with camel-tools 1.6.0: {INSTALL_HINT}"
        ) from None
    mapping = {ord(k): (k if v is None else v) for k, v in table.items()}
    ops: list[Operation] = []
    if default is not None:
        unlisted = f"[^{char_class(mapping)}]"
        if default == "":
            ops.append(Rule(f"{name}-delete-unlisted", re.compile(unlisted + "+"), ""))
        else:
            ops.append(Rule(f"{name}-unlisted", re.compile(unlisted), lambda m, d=default: d))
    ops.append(CharMap(mapping))
    return tuple(ops)


@cache
def builtin_operations(name: str) -> tuple[Operation, ...]:
    """Operations for camel-tools' builtin map `name` (imports camel-tools on first use)."""
    return mapper_operations(_charmapper_class().builtin_mapper(name), name)


SCHEMES = ("bw", "safebw", "xmlbw", "hsb")


def build_translit(scheme="bw", reverse=False):
    return builtin_operations(f"{scheme}2ar" if reverse else f"ar2{scheme}")


TRANSLIT = Step(
    name="translit",
    summary="Arabic script -> Buckwalter-style transliteration (camel-tools' maps; needs the camel extra)",
    help=(
        "Transliterates with camel-tools' builtin character maps: Arabic -> Buckwalter (bw, the "
        "default), Safe Buckwalter (safebw: no characters special to shells or regexes), XML "
        "Buckwalter (xmlbw) or Habash-Soudi-Buckwalter (hsb); --reverse goes back to Arabic script. "
        "Output is byte-identical to camel-tools' CharMapper; characters outside the map (Latin, "
        "digits, punctuation) pass through unchanged. The Arabic side round-trips exactly, but "
        "Latin letters and punctuation already in the text are read as transliteration on the "
        "way back (bw 'K' -> kasratan; hsb '.' is sukun, so every full stop comes back as U+0652). "
        "Needs camel-tools: " + INSTALL_HINT
    ),
    build=build_translit,
    options=(
        Option("scheme", "transliteration scheme", "choice", SCHEMES, "bw"),
        Option("reverse", "from the scheme back to Arabic script", "flag", default=False),
    ),
    extra="camel",
)


ARCLEAN = Step(
    name="arclean",
    summary="camel-tools' arclean map: keep Arabic and ASCII, fold variants, DELETE everything else",
    help=(
        "Byte-identical to camel-tools' builtin 'arclean' CharMapper, which deletes every "
        "character not in its table: emoji, Latin letters with diacritics outside U+00C0-U+00FF, "
        "CJK, ALM U+061C and more all disappear. It also writes ZWNJ, ZWJ, LRM, RLM, bidi "
        "embeddings, NBSP and BOMs as spaces (ZWNJ: Persian words split), removes tatweel, "
        "harakat, dagger alef and Quranic marks, turns Arabic and Persian digits into ASCII and "
        "Arabic punctuation into ASCII, folds Persian letters (ی -> ى, not ي; ک گ -> ك; پ -> ب; "
        "چ -> ج) and presentation forms; it keeps أ إ آ ة ى. One difference by design: a BOM at "
        "the very start of the input is preserved (camel-tools makes it a space). Needs "
        "camel-tools: " + INSTALL_HINT
    ),
    build=lambda: builtin_operations("arclean"),
    extra="camel",
)

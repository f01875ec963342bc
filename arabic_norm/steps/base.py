"""The vocabulary steps are written in: code point maps and context rules (options: options.py).

A step is data: a name, a help text, its options, and a `build` function that turns chosen option
values into a tuple of operations. An operation is either a `CharMap` (context-free, code point ->
replacement) or a `Rule` (needs its neighbours). The pipeline compiler merges adjacent CharMaps;
rules run as passes of their own.

Every rule is line-local: it never looks across a line break, and it treats the edges of the text
it is given like whitespace. That is what lets the streaming layer cut input into blocks (at line
ends, or before a space inside a very long line) and still produce byte-identical output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from .options import Option
from .record import field, record


class LazyPattern:
    """A regular expression compiled when first used: the step modules declare some thirty and a
    run uses a few, and compiling them all cost a tenth of the command's start. After the first
    use, the attribute asked for (`subn`, `match`...) is a plain attribute of this object."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)
        return value

    def __reduce__(self):
        return type(self), self._source


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern:
    """`re.compile(pattern, flags)`, compiled when first used (see LazyPattern)."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]  # behaves as a Pattern


@record
class CharMap:
    """Context-free map: code point -> replacement string ('' deletes the character)."""

    mapping: Mapping[int, str]


@record(eq=False)
class Rule:
    """A context rule: a regular expression substitution confined to one line.

    `triggers` lists characters at least one of which must occur for the rule to match anything;
    text containing none of them skips the (slower) regex pass. Empty means always run.

    `alphabet`, when given, promises that the rule matches only runs of these characters and looks
    at nothing around them. The compiler may then move the rule past a later map that neither
    touches nor produces these characters and deletes nothing, so that maps on both sides merge.

    `folds` names the letters the rule writes as other letters; under `--lang` a rule folding a
    letter distinct in that language is left out (maps just lose those keys).

    `skips`, when given, promises that the rule steps over these characters wherever they stand
    and keeps or drops them alike whether they are there or not, so deleting them before or after
    the rule gives the same text. The compiler may then move the rule before an earlier map that
    only deletes such characters, so that maps on both sides merge.
    """

    name: str
    pattern: re.Pattern
    repl: str | Callable[[re.Match], str]
    triggers: str = ""
    alphabet: str = ""
    skips: str = ""
    folds: str = ""  # letters it writes as others: dropped under a --lang where one is distinct

    def run(self, text: str) -> str:
        return self.run_counted(text)[0]

    def run_counted(self, text: str) -> tuple[str, int]:
        """Return the new text and the number of substitutions made."""
        if self.triggers and not any(c in text for c in self.triggers):
            return text, 0
        new, count = self.pattern.subn(self.repl, text)
        return (new, count) if count else (text, 0)


class LineRule(Rule):  # no field of its own: not a dataclass again (see steps/options.py)
    """A rule every match of which contains one of its `triggers`: only the lines holding one are
    searched, so a rare trigger in a big text costs a scan, not a regex pass over everything."""

    def run_counted(self, text: str) -> tuple[str, int]:
        if not any(c in text for c in self.triggers):
            return text, 0
        return _subn_on_lines(self, text, _trigger_lines(text, self.triggers))


@record(eq=False)
class NeedleRule(Rule):
    """A rule every match of which lies on a line holding one of `needles` (substrings), or on the
    last line when the text ends with one of `end_chars`: only those lines are searched. For rules
    whose pattern would otherwise be tried at every blank of a big text (the whitespace rules: a
    match is two blanks, a tab, or blanks before a line end), which most lines do not hold."""

    needles: tuple[str, ...] = ()
    end_chars: tuple[str, ...] = ()

    def run_counted(self, text: str) -> tuple[str, int]:
        return _subn_on_lines(self, text, _needle_lines(text, self.needles, self.end_chars))


@record(eq=False)
class RunRule(Rule):
    """A rule every match of which is a run of `run_length` or more identical characters (elongation:
    جمييييل). Tried over the whole text as it stands; the compiler gives it `lines`, a finder of
    such runs in C (engine.kernel.run_lines), and then only the lines holding one are searched."""

    run_length: int = 3
    lines: Callable[[str], Iterable[tuple[int, int]]] | None = None

    def run_counted(self, text: str) -> tuple[str, int]:
        if self.lines is None:
            return super().run_counted(text)
        return _subn_on_lines(self, text, self.lines(text))


def _subn_on_lines(rule: Rule, text: str, lines) -> tuple[str, int]:
    """`rule` applied to the lines (start, end) of `text` only; the text, and the substitutions."""
    pieces, done, total = [], 0, 0
    for start, end in lines:
        new, count = rule.pattern.subn(rule.repl, text[start:end])
        if count:
            pieces += [text[done:start], new]
            done, total = end, total + count
    return ("".join(pieces) + text[done:], total) if total else (text, 0)


def _needle_lines(text: str, needles: tuple[str, ...], end_chars: tuple[str, ...]):
    """(start, end) of each line holding one of `needles`, then the last line if `text` ends with
    one of `end_chars` and it was not among them."""
    end = 0
    for start, end in _trigger_lines(text, needles):
        yield start, end
    if end_chars and text.endswith(end_chars) and end < len(text):
        yield text.rfind("\n") + 1, len(text)


def _trigger_lines(text: str, triggers):
    """(start, end) of each line of `text` holding one of `triggers` (characters, or substrings
    that do not hold a line break but as their last character), in order. str.find per
    trigger (a memchr-speed scan, several times faster than a regex character class), each
    trigger's next position kept until the scan passes it, so the text is read once per trigger."""
    ahead = {c: text.find(c) for c in triggers}
    end = 0
    while True:
        found = [p for p in ahead.values() if p >= 0]
        if not found:
            return
        at = min(found)
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at) + 1 or len(text)
        yield start, end
        for c, p in ahead.items():
            if 0 <= p < end:
                ahead[c] = text.find(c, end)


@record(eq=False)
class FormRule:
    """Unicode normalization (NFC, NFKC, NFD, NFKD) as a pass of its own."""

    name: str
    form: str

    def run(self, text: str) -> str:
        return self.run_counted(text)[0]

    def run_counted(self, text: str) -> tuple[str, int]:
        if unicodedata.is_normalized(self.form, text):
            return text, 0
        new = unicodedata.normalize(self.form, text)
        return new, sum(1 for a, b in zip(new, text, strict=False) if a != b) + abs(len(new) - len(text))


Operation = CharMap | Rule | FormRule


@record
class Step:
    """A named, documented transformation. `build(**options)` returns its operations."""

    name: str
    summary: str
    help: str
    build: Callable[..., tuple[Operation, ...]]
    options: tuple[Option, ...] = ()
    extra: str | None = field(default=None)  # optional dependency group it needs, e.g. "camel"

    def defaults(self) -> dict[str, object]:
        return {o.name: o.default for o in self.options}

    @property
    def help_text(self) -> str:
        """`help` with, for a step that folds letters some language keeps, which (`language_note`):
        worked out when asked (it builds the step), not at every start of the command."""
        return self.help + ("" if self.extra else language_note(self))


def delete(*codepoint_sets: tuple[int, ...]) -> dict[int, str]:
    """A map that deletes every code point in the given sets."""
    return {cp: "" for cps in codepoint_sets for cp in cps}


def to(replacement: str, *codepoint_sets: tuple[int, ...] | int) -> dict[int, str]:
    """A map sending every code point in the given sets (or single code points) to `replacement`."""
    out: dict[int, str] = {}
    for cps in codepoint_sets:
        for cp in (cps,) if isinstance(cps, int) else cps:
            out[cp] = replacement
    return out


def char_class(codepoints) -> str:
    """A regex character class body for a set of code points."""
    return "".join(re.escape(chr(cp)) for cp in sorted(codepoints))


def for_language(operations, lang: str):
    """`operations` leaving alone the letters distinct in `lang` (chars.LANGUAGES): maps lose
    those keys, rules that fold one are dropped."""
    from .chars import LANGUAGES

    keep = set(LANGUAGES[lang])
    if not keep:
        return tuple(operations)
    out = []
    for op in operations:
        if isinstance(op, CharMap):
            out.append(CharMap({k: v for k, v in op.mapping.items() if chr(k) not in keep}))
        elif not keep & set(getattr(op, "folds", "")):
            out.append(op)
    return tuple(out)


def language_note(step: Step) -> str:
    """Which letters the step leaves alone under which --lang (from chars.LANGUAGES)."""
    from .chars import LANGUAGES

    ops = step.build(**step.defaults())
    folded = set()
    for op in ops:
        folded |= {chr(k) for k in op.mapping} if isinstance(op, CharMap) else set(getattr(op, "folds", ""))
    by_letters: dict[str, list[str]] = {}
    for lang, letters in LANGUAGES.items():
        kept = "".join(c for c in letters if c in folded)
        if kept:
            by_letters.setdefault(kept, []).append(lang)
    if not by_letters:
        return ""

    def show(c: str) -> str:
        return f"U+{ord(c):04X}" if unicodedata.combining(c) else c

    listed = "; ".join(f"{' '.join(map(show, k))} for {', '.join(v)}" for k, v in by_letters.items())
    return f" With --lang it leaves alone the letters distinct in that language: {listed}."

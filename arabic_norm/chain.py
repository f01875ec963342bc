"""Chain syntax <-> StepSpec: `step [--option [value]]... step ...`, read by one scanner
(`scan`) for the library (`parse_chain`, `Pipeline.parse`) and the command line, printed back by
`StepSpec.__str__`; unknown names get a did-you-mean. Each option parses and prints its own kind
(steps/options.py: Flag, Choice, Multi, Int).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .engine.nfkc import executor
from .errors import ChainError
from .steps import STEPS, Option, Step
from .steps.base import for_language
from .steps.options import closest
from .steps.record import record

__all__ = ["ChainError", "StepSpec", "closest", "make_spec", "parse_chain", "scan"]


@record
class StepSpec:
    """One step of a chain with its option values (defaults filled in)."""

    name: str
    options: tuple[tuple[str, object], ...] = ()
    lang: str = "ar"  # letters distinct in this language are left alone (steps/chars.LANGUAGES)

    @property
    def step(self) -> Step:
        return STEPS[self.name]

    def operations(self):
        """What the step builds for these options and language, each declaration replaced by its
        executor (steps/ only declares; engine/ runs)."""
        return tuple(map(executor, for_language(self.step.build(**dict(self.options)), self.lang)))

    def __str__(self) -> str:
        words = [self.name]
        defaults = self.step.defaults()
        values = dict(self.options)
        for option in self.step.options:
            if values[option.name] != defaults[option.name]:
                words += option.words(values[option.name])
        return " ".join(words)


def make_spec(step: Step, values: dict[str, object]) -> StepSpec:
    unknown = set(values) - {o.name for o in step.options}
    if unknown:
        raise ChainError(f"{step.name}: unknown option(s) {', '.join(sorted(unknown))}")
    merged = {**step.defaults(), **values}
    return StepSpec(step.name, tuple((o.name, merged[o.name]) for o in step.options))


def _is_option(token: str) -> bool:
    return token.startswith("-") and token not in ("-", "--")


def scan(
    tokens: Sequence[str],
    on_step: Callable[[str], None] | None = None,
    on_unknown_option: Callable[[Step, str], None] | None = None,
) -> tuple[list[StepSpec], list[str]]:
    """Read the steps and their options at the start of `tokens`: (the specs, the tokens after).

    The scan stops at the first word that is neither a step name nor an option word after a step
    (`-` and `--` are never option words). A bad option or value is a ChainError. `on_step(name)`
    is called for each step name read, `on_unknown_option(step, token)` before an option the step
    does not have is refused (the command line shows step help and misplaced global options there).
    """
    specs: list[StepSpec] = []
    step: Step | None = None
    values: dict[str, object] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if step is not None and _is_option(token):
            option = _option(step, token, on_unknown_option)
            i += 1
            inline = token.partition("=")[2]
            if option.takes_value and not inline:
                if i >= len(tokens):
                    raise ChainError(f"{step.name} {option.flag} needs a value")
                inline = tokens[i]
                i += 1
            elif not option.takes_value and inline:
                raise ChainError(f"{step.name} {option.flag} takes no value")
            values[option.name] = _parse(step, option, inline, values.get(option.name))
            continue
        if token not in STEPS:
            break
        if on_step is not None:
            on_step(token)
        if step is not None:
            specs.append(make_spec(step, values))
        step, values = STEPS[token], {}
        i += 1
    if step is not None:
        specs.append(make_spec(step, values))
    return specs, list(tokens[i:])


def _option(step: Step, token: str, on_unknown_option) -> Option:
    flag = token.partition("=")[0]
    options = {o.flag: o for o in step.options}
    if flag not in options:
        if on_unknown_option is not None:
            on_unknown_option(step, token)
        raise ChainError(f"{step.name}: unknown option {flag!r}{closest(flag, options)}")
    return options[flag]


def _parse(step: Step, option: Option, raw: str, previous: object) -> object:
    try:
        return option.parse(raw, previous)
    except ValueError as e:
        raise ChainError(f"{step.name} {option.flag}: {e}") from None


def parse_chain(tokens: Sequence[str]) -> list[StepSpec]:
    """Parse `step [--option [value]]... step ...` into specs, failing with the closest names."""
    specs, rest = scan(tokens)
    if not rest:
        return specs
    token = rest[0]
    if not token.startswith("-"):
        raise ChainError(f"unknown step {token!r}{closest(token, STEPS)}")
    if not specs:
        raise ChainError(f"option {token!r} given before any step")
    step = specs[-1].step
    flag = token.partition("=")[0]
    raise ChainError(f"{step.name}: unknown option {flag!r}{closest(flag, {o.flag: o for o in step.options})}")

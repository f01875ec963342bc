"""The options a step takes, as the CLI, `Pipeline.parse` and the README see them: `Option` and its
kinds (a flag, a choice, several choices, a whole number), each parsing its value and describing
its usage; `closest` suggests a name for a misspelt one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from .record import record

_MD_BAR = "\\|"  # a | inside a Markdown table cell or code span of the README


def closest(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest candidate, or ''."""
    import difflib  # here: only a misspelt name needs it, and it costs the command's start

    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


@record
class Option:
    """One option of a step, as the CLI and `Pipeline.parse` see it. Each kind is a subclass that
    parses its value, prints it back and describes its usage: `Flag` (a boolean switch), `Choice`
    (one of `choices`), `Multi` (zero or more of `choices`, repeatable or comma-separated) and
    `Int` (a whole number, at least 1). `Option(name, help, kind, ...)` builds the subclass for
    `kind`, so step declarations stay plain data.
    """

    name: str
    help: str
    kind: str = "choice"
    choices: tuple[str, ...] = ()
    default: object = None

    takes_value: ClassVar[bool] = True

    def __new__(cls, *args, **kwargs):
        if cls is Option:
            cls = KINDS[args[2] if len(args) > 2 else kwargs.get("kind", "choice")]
        return super().__new__(cls)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, raw: str, previous: object) -> object:
        """The value of `raw` as given after the flag (`previous`: the value given before, for
        repeatable options); ValueError saying what is wrong."""
        raise NotImplementedError

    def words(self, value: object) -> list[str]:
        """The value printed back in chain syntax (the flag and its value)."""
        return [self.flag, str(value)]

    @property
    def usage(self) -> str:
        """The flag with its values, as --list-steps shows it."""
        return f"{self.flag} {'|'.join(self.choices)}"

    @property
    def markdown(self) -> str:
        """The usage as the README's reference shows it."""
        return f"`{self.flag} {_MD_BAR.join(self.choices)}` (default `{self.default}`)"

    def click_option(self, click):
        """The click option that documents it in `arabic-norm STEP --help` (click is passed in:
        steps/ imports nothing outside steps/)."""
        return click.Option(
            [self.flag], type=click.Choice(self.choices), default=self.default, show_default=True, help=self.help
        )

    def _check_choice(self, value: str) -> str:
        if value not in self.choices:
            hint = closest(value, self.choices)
            raise ValueError(f"invalid value {value!r}{hint}; choose from {', '.join(self.choices)}")
        return value


# The kinds are not dataclasses of their own: they add no field (Option.__new__ picks the class
# from `kind`, which Option's __init__ stores); they need no decorator of their own: a record's
# methods read the fields of the class they are called on.
class Flag(Option):
    takes_value: ClassVar[bool] = False

    def parse(self, raw: str, previous: object) -> object:
        return True

    def words(self, value: object) -> list[str]:
        return [self.flag]

    @property
    def usage(self) -> str:
        return self.flag

    @property
    def markdown(self) -> str:
        return f"`{self.flag}`"

    def click_option(self, click):
        return click.Option([self.flag], is_flag=True, help=self.help)


class Choice(Option):
    def parse(self, raw: str, previous: object) -> object:
        return self._check_choice(raw)


class Multi(Option):
    def parse(self, raw: str, previous: object) -> object:
        values = [self._check_choice(v) for v in raw.split(",") if v]
        return tuple(sorted(set(previous or ()) | set(values), key=self.choices.index))

    def words(self, value: object) -> list[str]:
        return [self.flag, ",".join(value)]

    @property
    def markdown(self) -> str:
        return f"`{self.flag} {_MD_BAR.join(self.choices)}`, repeatable or comma-separated"

    def click_option(self, click):
        metavar = f"[{'|'.join(self.choices)}],..."
        return click.Option(
            [self.flag], type=click.Choice(self.choices), multiple=True, metavar=metavar, help=self.help
        )


class Int(Option):
    def parse(self, raw: str, previous: object) -> object:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
        if value < 1:
            raise ValueError(f"must be at least 1, got {value}")
        return value

    @property
    def usage(self) -> str:
        return f"{self.flag} N"

    @property
    def markdown(self) -> str:
        return f"`{self.flag} N` (default {self.default})"

    def click_option(self, click):
        return click.Option(
            [self.flag], type=click.IntRange(min=1), default=self.default, show_default=True, help=self.help
        )


KINDS: dict[str, type[Option]] = {"flag": Flag, "choice": Choice, "multi": Multi, "int": Int}

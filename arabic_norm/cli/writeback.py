"""Where the normalized text goes: the `WriteBack` mode, chosen from the five output flags.

One table (`FLAGS`) says which flag selects which mode; at most one may be given (`--check` with
`--diff` is `--diff`: the diff is written and the exit code tells whether anything would change).
"""

from __future__ import annotations

from enum import StrEnum

from ..errors import UsageError


class WriteBack(StrEnum):
    """The output mode. A StrEnum: `Settings.mode` travels to worker processes as its value."""

    STDOUT = "stdout"  # normalized bytes to standard output (also `-o -`)
    CHECK = "check"  # nothing written; exit 1 if any input would change
    DIFF = "diff"  # a unified diff to standard output; nothing else written
    IN_PLACE = "in-place"  # each file rewritten (only if it changes), atomically
    OUTPUT = "output"  # each input to its own target file (-o FILE, --output-dir DIR)

    @property
    def reports_change(self) -> bool:
        """True for the modes whose exit code says whether anything would change."""
        return self in (WriteBack.CHECK, WriteBack.DIFF)


# (flag as the messages name it, the mode it selects), in the order conflicts are reported.
FLAGS = (
    ("-i/--in-place", WriteBack.IN_PLACE),
    ("--check", WriteBack.CHECK),
    ("--diff", WriteBack.DIFF),
    ("-o/--output", WriteBack.OUTPUT),
    ("--output-dir", WriteBack.OUTPUT),
)


def choose(
    *, in_place: bool, check: bool, diff: bool, output: str | None, output_dir: str | None
) -> tuple[WriteBack, str | None]:
    """(the mode, the flag that chose it or None) from the flags; two flags at once: UsageError.

    >>> choose(in_place=False, check=True, diff=True, output=None, output_dir=None)
    (<WriteBack.DIFF: 'diff'>, '--diff')
    >>> choose(in_place=False, check=False, diff=False, output="-", output_dir=None)
    (<WriteBack.STDOUT: 'stdout'>, '-o/--output')
    """
    given = (in_place, check and not diff, diff, output is not None, output_dir is not None)
    chosen = [(flag, mode) for (flag, mode), on in zip(FLAGS, given, strict=True) if on]
    if len(chosen) > 1:
        raise UsageError(f"{chosen[0][0]} and {chosen[1][0]} cannot be used together")
    if not chosen:
        return WriteBack.STDOUT, None
    flag, mode = chosen[0]
    if output == "-":
        mode = WriteBack.STDOUT
    return mode, flag

"""What the command tells its user: messages on stderr, the summary, the exit code, --stats
and the progress bar (--list-steps and a step's --help: listing.py).

`Report` owns the results of a run: `add` reports each as it comes, `summary` the totals, and
`return_code` is the exit code. rich is imported only for the tables and the bar.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from ..pipeline import Pipeline
from .discover import Source
from .process import FileResult
from .writeback import WriteBack

EXIT_OK, EXIT_CHANGED, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
# The reader of stdout went away (`arabic-norm big.txt | head -1`): 128 + SIGPIPE, what the shell
# reports for cat or grep in the same place; quietly, and never 1 ("would change").
EXIT_BROKEN_PIPE = 141
# 128 + the signal's number, as a shell reports a command a signal stopped (cli/signals.py exits so).
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
EXIT_CODES = (
    (EXIT_OK, "success (with --check or --diff: nothing would change)"),
    (EXIT_CHANGED, "--check or --diff: some input would change"),
    (
        EXIT_USAGE,
        "usage or configuration error (unknown step, option, preset or config key; stdout needed but closed; "
        "an input that is also the output)",
    ),
    (
        EXIT_INPUT,
        "input error: a path that does not exist or cannot be read (or written), bytes that are not UTF-8; "
        "or stdout cannot be written (full disk)",
    ),
    (EXIT_BROKEN_PIPE, "the reader of stdout closed the pipe (| head): the run stops quietly, like cat"),
    (EXIT_INTERRUPTED, "Ctrl-C (SIGINT): stopped, temporary files removed, every file whole (old or new)"),
    (EXIT_TERMINATED, "SIGTERM (kill PID): stopped the same way"),
)
# With --progress not given, the bar appears on a terminal for runs over this many bytes.
PROGRESS_MIN_BYTES = 64 << 20


def use_color() -> bool | None:
    """None lets click decide (colour on a terminal only); NO_COLOR turns it off everywhere,
    FORCE_COLOR on everywhere else (CI logs that show colours)."""
    if os.environ.get("NO_COLOR"):
        return False
    return True if os.environ.get("FORCE_COLOR") else None


def rich_on_stderr() -> bool:
    """Whether stderr gets what rich draws (the --stats table, the progress bar): on a terminal,
    or with FORCE_COLOR (CI logs that show it); plain lines otherwise."""
    return sys.stderr.isatty() or bool(os.environ.get("FORCE_COLOR"))


class Reporter:
    """Messages on stderr by level: error always, warn and info unless -q, detail with -v."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose, self.color = quiet, verbose, use_color()

    def _echo(self, text: str, **style) -> None:
        click.echo(click.style(text, **style) if style else text, err=True, color=self.color)

    def error(self, text: str) -> None:
        self._echo(f"arabic-norm: error: {text}", fg="red", bold=True)

    def warn(self, text: str) -> None:
        if not self.quiet:
            self._echo(text, fg="yellow")

    def info(self, text: str) -> None:
        if not self.quiet:
            self._echo(text)

    def detail(self, text: str) -> None:
        if self.verbose:
            self._echo(text, dim=True)


def _plural(n: int, word: str = "file") -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Report:
    """The results of one run, reported as they come; the summary and the exit code at the end."""

    def __init__(self, say: Reporter, write_back: WriteBack, errors: str, output_dir: str | None):
        self.say, self.write_back, self.errors, self.output_dir = say, write_back, errors, output_dir
        self.results: list[FileResult] = []
        self.failed = False  # an input error: a missing path, an unreadable or undecodable file

    def missing(self, path: str) -> None:
        self.say.error(f"{path}: no such file or directory")
        self.failed = True

    def add(self, result: FileResult) -> None:
        """Messages for one result."""
        self.results.append(result)
        say, name = self.say, result.source
        if result.status == "error":
            self.failed = True
            untouched = " (file left untouched)" if self.write_back is WriteBack.IN_PLACE else ""
            hint = ""
            if "invalid UTF-8" in result.message and self.errors == "strict":
                hint = "; --errors surrogateescape passes such bytes through unchanged"
            say.error(f"{name}: {result.message}{untouched}{hint}")
        elif result.status == "skipped":
            say.info(f"{name}: {result.message}")
        elif not result.changed:
            say.detail(f"unchanged: {name}")
        elif self.write_back.reports_change:
            where = f":{result.line}" if say.verbose and result.line else ""  # --check -v: file:line
            say.warn(f"would change: {name}{where}")
        elif self.write_back is WriteBack.IN_PLACE:
            say.info(f"normalized: {name}")
        else:
            say.detail(f"changed: {name}")

    @property
    def done(self) -> list[FileResult]:
        return [r for r in self.results if r.status in ("changed", "unchanged")]

    def summary(self) -> None:
        done = self.done
        changed = sum(r.changed for r in done)
        errors = sum(r.status == "error" for r in self.results)
        tail = f", {_plural(errors, 'error')}" if errors else ""
        say = self.say
        if self.write_back.reports_change:
            if changed:
                say.warn(f"{_plural(changed)} would change, {len(done) - changed} unchanged{tail}")
            else:
                say.info(f"{_plural(len(done))} already normalized{tail}")
        elif self.write_back is WriteBack.IN_PLACE:
            say.info(f"{_plural(changed)} normalized, {len(done) - changed} unchanged{tail}")
        elif self.write_back is WriteBack.OUTPUT and self.output_dir is not None:
            say.info(f"{_plural(len(done))} written to {self.output_dir} ({changed} changed){tail}")

    @property
    def return_code(self) -> int:
        if self.failed:
            return EXIT_INPUT
        if self.write_back.reports_change and any(r.changed for r in self.results):
            return EXIT_CHANGED
        return EXIT_OK


def print_stats(pipeline: Pipeline, results) -> None:
    """The --stats table on stderr: drawn by rich on a terminal (or with FORCE_COLOR), the same
    rows as plain lines otherwise (a log, a pipe: importing and rendering rich there was a sixth
    of a --stats run over 45 MB), as the progress bar does."""
    totals: dict[str, int] = {}
    for r in results:
        for name, n in r.counts.items():
            totals[name] = totals.get(name, 0) + n
    rows = [(name, f"{totals.get(name, 0):,}") for name in dict.fromkeys(spec.name for spec in pipeline.specs)]
    done = [r for r in results if r.status in ("changed", "unchanged")]
    footer = f"files changed: {sum(r.changed for r in done)} of {len(done)}"
    if rich_on_stderr():
        _rich_stats(rows, footer)
    else:
        sys.stderr.write(_plain_stats(rows, footer))


STATS_TITLE, STATS_HEADER = "arabic-norm --stats", ("step", "characters changed")


def _plain_stats(rows: list[tuple[str, str]], footer: str) -> str:
    """The table as rich lays it out (box.SIMPLE), without trailing blanks."""
    left = max(len(a) for a, _ in [STATS_HEADER, *rows])
    right = max(len(b) for _, b in [STATS_HEADER, *rows])
    lines = [STATS_TITLE, ""] + [f"  {a:<{left}}   {b:>{right}}" for a, b in [STATS_HEADER, *rows]]
    lines.insert(3, " " + "─" * (left + right + 5))  # under the header, as wide as rich draws it
    return "\n".join(line.rstrip() for line in [*lines, "", footer]) + "\n"


def _rich_stats(rows: list[tuple[str, str]], footer: str) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=STATS_TITLE, box=box.SIMPLE, title_justify="left")
    table.add_column(STATS_HEADER[0], no_wrap=True)
    table.add_column(STATS_HEADER[1], justify="right")
    for name, n in rows:
        table.add_row(Text(name), n)
    console = Console(stderr=True, highlight=False)
    console.print(table)
    console.print(Text(footer))


class _Progress:
    """A rich progress bar on stderr (bytes, speed, time left); imported only when shown. It stays
    on one line: the file name is cut to what the width leaves (`…` marks the cut)."""

    OTHER_COLUMNS = 62  # the bar (20), bytes done/total, speed, time left and the gaps between

    def __init__(self, total: int | None, force: bool = False):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )
        from rich.table import Column

        self.console = Console(stderr=True, force_terminal=force or None)
        self.bar = Progress(
            TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis")),
            BarColumn(bar_width=20),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            redirect_stdout=False,
            transient=True,
        )
        self.task = self.bar.add_task("normalizing", total=total)

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()

    def file(self, name: str, n: int, of: int) -> None:
        from rich.text import Text

        text = Text(f"[{n}/{of}] {os.path.basename(name)}".replace("\n", " "))
        text.truncate(max(12, self.console.width - self.OTHER_COLUMNS), overflow="ellipsis")
        self.bar.update(self.task, description=text.plain)

    def advance(self, size: int) -> None:
        self.bar.advance(self.task, size)


class _LogProgress:
    """--progress off a terminal (a log file, CI): plain lines on stderr, no escape codes: one
    line per file, one at every tenth of the total, and the bytes read at the end."""

    def __init__(self, total: int | None):
        self.total, self.done, self.tenths = total, 0, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._say(f"{self.done:,} bytes read")

    def _say(self, text: str) -> None:
        click.echo(f"arabic-norm: {text}", err=True, color=False)

    def file(self, name: str, n: int, of: int) -> None:
        self._say(f"[{n}/{of}] {name}")

    def advance(self, size: int) -> None:
        self.done += size
        if self.total:
            tenths = min(10, self.done * 10 // self.total)
            if tenths > self.tenths:
                self.tenths = tenths
                self._say(f"{tenths * 10}% ({self.done:,} of {self.total:,} bytes)")


def progress_bar(progress: bool | None, quiet: bool, sources) -> _Progress | _LogProgress | None:
    """The progress bar for these sources, or None when none is shown. A forced --progress off a
    terminal writes plain lines (the bar itself only with FORCE_COLOR)."""
    on_terminal = sys.stderr.isatty()
    if progress is False or (progress is None and (quiet or not on_terminal)):
        return None
    paths = [s.path for s in sources if isinstance(s, Source) and s.path]
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += os.path.getsize(path)
    if progress is None and total < PROGRESS_MIN_BYTES:
        return None
    has_stdin = any(isinstance(s, Source) and s.path is None for s in sources)
    if not rich_on_stderr():
        return _LogProgress(None if has_stdin else total)
    return _Progress(None if has_stdin else total, force=progress is True)

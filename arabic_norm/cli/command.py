"""The `arabic-norm` command.

    arabic-norm [GLOBAL OPTIONS] [STEP [STEP OPTIONS]]... [--] [PATH]...

Click parses the global options; it stops at the first word that is not an option, and the rest
(steps, their options, paths) is split here: steps are the names in `STEPS`, a step's options are
read with the same `parse_chain` the library uses, and the first word that is neither begins the
paths. A step's `--help` is generated from its `Step` data.

Start-up matters (`echo x | arabic-norm` in a shell loop): this module imports only click and the
core; rich (tables, progress bar) and numpy (big blocks, in engine.py) are imported when a run
needs them.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

# numpy (imported for big blocks) starts one OpenBLAS thread per core while it loads, which costs
# start-up time; nothing here uses BLAS. Set in the command only, never in the library.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .. import __version__
from ..pipeline import ChainError, Pipeline, closest, parse_chain
from ..presets import PRESETS
from ..steps import STEPS, Step
from .config import ConfigError, load_config
from .process import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Missing, Settings, Source, discover, process_file, same_file

EXIT_OK, EXIT_CHANGED, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
EXIT_CODES = (
    (EXIT_OK, "success (with --check or --diff: nothing would change)"),
    (EXIT_CHANGED, "--check or --diff: some input would change"),
    (EXIT_USAGE, "usage or configuration error (unknown step, option, preset or config key)"),
    (EXIT_INPUT, "input error: a path that does not exist or cannot be read (or written), bytes that are not UTF-8"),
)
# --explain shows what each step changes in this sample unless --sample gives another.
SAMPLE = "«السَّلَامُ عَلَيْكُمْ» يا أحمـــد، هل قرأتَ الكتابَ على الطاولة؟ ١٢٣"
# With --progress not given, the bar appears on a terminal for runs over this many bytes.
PROGRESS_MIN_BYTES = 64 << 20
# Click consumes a `--` that comes before the first positional word; we need to know it was there.
_DASHDASH = "\0--"


class ConfigFileError(click.ClickException):
    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return f"configuration: {self.message}"


class ArabicNormCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = [_DASHDASH if a == "--" else a for a in args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[GLOBAL OPTIONS] [STEP [STEP OPTIONS]]... [--] [PATH]...")

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Steps (arabic-norm STEP --help shows a step's options)"):
            formatter.write_dl([(s.name, s.summary) for s in STEPS.values()])
        with formatter.section("Presets"):
            formatter.write_dl([(p.name, p.chain) for p in PRESETS.values()])
        with formatter.section("Configuration"):
            formatter.write_text(
                "Without steps on the command line: --preset, else `steps` or `preset` from "
                "[tool.arabic-norm] in the nearest pyproject.toml or .arabic-norm.toml (searched from "
                "the current directory up to the repository root), else the default preset. Keys: "
                "steps, preset, include, exclude, errors."
            )
        with formatter.section("Exit codes"):
            formatter.write_dl([(str(code), text) for code, text in EXIT_CODES])


def _use_color() -> bool | None:
    """None lets click decide (colour on a terminal only); NO_COLOR turns it off everywhere."""
    return False if os.environ.get("NO_COLOR") else None


# --- step help, generated from the step data ----------------------------------------------------
def step_command(step: Step) -> click.Command:
    """A click command describing `step` and its options (used for `arabic-norm STEP --help`)."""
    params = []
    for o in step.options:
        if o.kind == "flag":
            params.append(click.Option([o.flag], is_flag=True, help=o.help))
        elif o.kind == "int":
            params.append(
                click.Option([o.flag], type=click.IntRange(min=1), default=o.default, show_default=True, help=o.help)
            )
        elif o.kind == "multi":
            params.append(
                click.Option(
                    [o.flag],
                    type=click.Choice(o.choices),
                    multiple=True,
                    metavar=f"[{'|'.join(o.choices)}],...",
                    help=o.help,
                )
            )
        else:
            params.append(
                click.Option([o.flag], type=click.Choice(o.choices), default=o.default, show_default=True, help=o.help)
            )
    text = step.help
    if step.extra:
        text += f"\n\nNeeds the optional dependencies of the '{step.extra}' extra."
    return click.Command(
        step.name,
        params=params,
        help=text,
        short_help=step.summary,
        options_metavar="[STEP OPTIONS] [STEP [STEP OPTIONS]]... [--] [PATH]...",
    )


def show_step_help(step: Step) -> None:
    command = step_command(step)
    with click.Context(command, info_name=f"arabic-norm [GLOBAL OPTIONS] {step.name}", color=_use_color()) as ctx:
        click.echo(command.get_help(ctx), color=ctx.color)


# --- splitting steps from paths -----------------------------------------------------------------
def split_args(tokens: list[str], global_flags: set[str] = frozenset()) -> tuple[list[str], list[str], bool]:
    """Split what follows the global options into (chain tokens, paths, paths forced by `--`).

    A step name begins a step; words starting with `-` after it are its options (with their values);
    the first other word begins the paths. A step name that is also an existing path is refused
    as ambiguous unless `--` separates steps from paths.
    """
    has_separator = "--" in tokens
    chain: list[str] = []
    step: Step | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "--":
            return chain, tokens[i + 1 :], True
        if step is not None and token.startswith("-") and token != "-":
            if token in ("-h", "--help"):
                show_step_help(step)
                raise click.exceptions.Exit(EXIT_OK)
            flag = token.partition("=")[0]
            option = next((o for o in step.options if o.flag == flag), None)
            if option is None and flag in global_flags:
                raise click.UsageError(
                    f"{flag} is a global option: put it before the steps (arabic-norm {flag} ... {step.name} ...)"
                )
            chain.append(token)
            i += 1
            if option is not None and option.kind != "flag" and "=" not in token and i < len(tokens):
                chain.append(tokens[i])
                i += 1
            continue
        if token in STEPS:
            if not has_separator and os.path.exists(token):
                raise click.UsageError(
                    f"{token!r} is both a step name and a path here. For the path write './{token}'; "
                    f"or separate steps from paths with '--' (arabic-norm {token} -- {token})."
                )
            step = STEPS[token]
            chain.append(token)
            i += 1
            continue
        break
    return chain, tokens[i:], False


def check_paths(paths: list[str], forced: bool) -> None:
    """Usage errors for path words that are really mistyped steps or misplaced options."""
    if forced:
        return
    for n, path in enumerate(paths):
        if os.path.lexists(path) or path == "-":
            continue
        if path.startswith("-"):
            raise click.UsageError(f"{path}: options go before the steps and paths")
        if n == 0 and not any(c in path for c in "./\\") and closest(path, STEPS):
            raise click.UsageError(f"unknown step {path!r}{closest(path, STEPS)}; see --list-steps")


def resolve_pipeline(chain: list[str], preset: str | None, config) -> Pipeline:
    pipeline = choose_pipeline(chain, preset, config)
    try:
        _ = pipeline.passes  # build every step now, before any file is touched
    except ImportError as e:  # a step whose optional dependency is missing (e.g. camel-tools)
        raise click.UsageError(str(e)) from None
    return pipeline


def choose_pipeline(chain: list[str], preset: str | None, config) -> Pipeline:
    try:
        if chain:
            if preset:
                raise click.UsageError("give either --preset or steps, not both")
            return Pipeline(parse_chain(chain))
        if preset:
            return Pipeline.preset(preset)
    except ChainError as e:
        raise click.UsageError(str(e)) from None
    try:
        from_config = config.pipeline()
    except ChainError as e:  # checked when loading; kept for safety
        raise ConfigFileError(f"{config.path}: {e}") from None
    return from_config if from_config is not None else Pipeline.preset("default")


# --- output for humans (stderr) and tables ------------------------------------------------------
class Reporter:
    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose, self.color = quiet, verbose, _use_color()

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


def print_steps() -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    steps = Table(title="Steps", box=box.SIMPLE, show_lines=False, title_justify="left")
    steps.add_column("step", no_wrap=True, style="bold")
    steps.add_column("options", no_wrap=True)
    steps.add_column("what it does")
    for step in STEPS.values():
        options = []
        for o in step.options:
            if o.kind == "flag":
                options.append(o.flag)
            elif o.kind == "int":
                options.append(f"{o.flag} N")
            else:
                options.append(f"{o.flag} {'|'.join(o.choices)}")
        steps.add_row(Text(step.name), Text("\n".join(options)), Text(step.summary))
    presets = Table(title="Presets", box=box.SIMPLE, title_justify="left")
    presets.add_column("preset", no_wrap=True, style="bold")
    presets.add_column("steps")
    for p in PRESETS.values():
        presets.add_row(Text(p.name), Text(p.chain))
    console.print(steps)
    console.print(presets)
    console.print(Text("arabic-norm STEP --help shows a step's full description."))


def print_stats(pipeline: Pipeline, results) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    totals: dict[str, int] = {}
    for r in results:
        for name, n in r.counts.items():
            totals[name] = totals.get(name, 0) + n
    table = Table(title="arabic-norm --stats", box=box.SIMPLE, title_justify="left")
    table.add_column("step", no_wrap=True)
    table.add_column("characters changed", justify="right")
    seen = set()
    for spec in pipeline.specs:
        if spec.name not in seen:
            seen.add(spec.name)
            table.add_row(Text(spec.name), f"{totals.get(spec.name, 0):,}")
    done = [r for r in results if r.status in ("changed", "unchanged")]
    changed = sum(r.changed for r in done)
    console = Console(stderr=True, highlight=False)
    console.print(table)
    console.print(Text(f"files changed: {changed} of {len(done)}"))


class _Progress:
    """A rich progress bar on stderr (bytes, speed, time left); imported only when shown."""

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

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True, force_terminal=force or None),
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
        self.bar.update(self.task, description=f"[{n}/{of}] {os.path.basename(name)}")

    def advance(self, size: int) -> None:
        self.bar.advance(self.task, size)


# --- the command --------------------------------------------------------------------------------
def _globs_help(globs) -> str:
    return " ".join(globs)


@click.command(
    "arabic-norm",
    cls=ArabicNormCommand,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "allow_interspersed_args": False,
        "max_content_width": 100,
    },
)
@click.option("--preset", metavar="NAME", help="Run a named preset (see below) instead of steps.")
@click.option(
    "--lang",
    metavar="CODE",
    default="ar",
    help="Language of the text (ar, fa, ur, sd, ps, ckb, ug, kk, ky, ks): no step folds the letters distinct in it.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Read settings from this file instead of the nearest pyproject.toml / .arabic-norm.toml.",
)
@click.option("-i", "--in-place", is_flag=True, help="Rewrite the files (only those that change; permissions kept).")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any would.")
@click.option(
    "--diff", is_flag=True, help="Write nothing but a unified diff to stdout; exit 1 if anything would change."
)
@click.option(
    "-o", "--output", metavar="FILE", help="Write the result to FILE (one input only; FILE may not be that input)."
)
@click.option(
    "--output-dir", metavar="DIR", help="Write each result under DIR, mirroring the tree of each directory given."
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help=f"Files to take from directories (repeatable; replaces the default: {_globs_help(DEFAULT_INCLUDE)}).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Files and directories to skip in directories (repeatable; replaces the default: "
    f"{_globs_help(DEFAULT_EXCLUDE)}).",
)
@click.option(
    "--errors",
    type=click.Choice(["strict", "surrogateescape"]),
    help="Bytes that are not UTF-8: an error naming file, line and byte offset (strict, the default), "
    "or passed through unchanged (surrogateescape).",
)
@click.option("--list-steps", is_flag=True, help="Show every step and preset, then exit.")
@click.option(
    "--explain", is_flag=True, help="Show the resolved pipeline and what each step changes in a sample, then exit."
)
@click.option("--sample", metavar="TEXT", help="The sample text for --explain.")
@click.option(
    "--stats", is_flag=True, help="Print a table of characters changed per step and files changed, on stderr."
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help=f"Progress bar on stderr (default: on a terminal, for inputs over {PROGRESS_MIN_BYTES >> 20} MiB).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: all cores): across files with -i, --check and --output-dir, otherwise across "
    "the blocks of each input. Output is byte-identical for any value.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME",
    help="JSON Lines: normalize only this field's string values (repeatable; nested keys with dots, "
    "e.g. meta.title; a list applies to each element). Everything else is kept byte for byte.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="NAME",
    help="CSV (RFC 4180) or TSV (.tsv/.tab: tabs, no quoting): normalize only this column, named by the "
    "header (repeatable). Other columns and unchanged rows are kept byte for byte.",
)
@click.option(
    "--on-error",
    type=click.Choice(["fail", "skip"]),
    default="fail",
    show_default=True,
    help="A malformed JSONL line or CSV record: fail (an input error naming the line), or skip (copy it "
    "unchanged and report its line number).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only report errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also report unchanged and skipped files.")
@click.version_option(__version__, "--version", prog_name="arabic-norm", message="%(prog)s %(version)s")
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[STEP [STEP OPTIONS]]... [--] [PATH]...")
@click.pass_context
def main(ctx: click.Context, args, **opts) -> None:
    """Normalize Arabic text: run the given steps, in order, over files or stdin.

    With no PATH, or `-`, read stdin and write stdout. Paths are written to stdout unless -i,
    --check, --diff, -o or --output-dir says otherwise. Directories are searched recursively
    with the --include and --exclude globs (files named explicitly are always processed; binary
    files found in directories are skipped). Everything except the text goes to stderr.

    \b
    Examples:
      echo 'السَّلَامُ عَلَيْكُمْ' | arabic-norm diacritics
      arabic-norm diacritics --keep shadda tatweel alef ya < in.txt > out.txt
      arabic-norm -i diacritics alef a.txt b.txt
      arabic-norm --check corpus/
      arabic-norm --output-dir clean/ corpus/
    """
    exit_code = run(ctx, list(args), **opts)
    ctx.exit(exit_code)


def run(
    ctx: click.Context,
    args: list[str],
    *,
    preset,
    config_path,
    in_place,
    lang="ar",
    check,
    diff,
    output,
    output_dir,
    include,
    exclude,
    errors,
    list_steps,
    explain,
    sample,
    stats,
    progress,
    quiet,
    verbose,
    jobs=1,
    fields=(),
    columns=(),
    on_error="fail",
) -> int:
    if quiet and verbose:
        raise click.UsageError("-q and -v cannot be used together")
    if fields and columns:
        raise click.UsageError("--field (JSON Lines) and --column (CSV/TSV) cannot be used together")
    if list_steps:
        print_steps()
        return EXIT_OK
    tokens = ["--" if t == _DASHDASH else t for t in args]
    output = "--" if output == _DASHDASH else output
    output_dir = "--" if output_dir == _DASHDASH else output_dir
    global_flags = {
        flag for p in ctx.command.params for flag in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))
    }
    chain, paths, forced = split_args(tokens, global_flags)

    try:
        config = load_config(config_path)
    except ConfigError as e:
        raise ConfigFileError(str(e)) from None
    pipeline = resolve_pipeline(chain, preset, config)
    if lang != "ar":
        try:
            pipeline = pipeline.with_lang(lang)
        except ChainError as e:
            raise click.UsageError(str(e)) from None
    if explain:
        click.echo(pipeline.explain(sample if sample is not None else SAMPLE))
        return EXIT_OK

    # Which output mode. --check and --diff go together (the diff is written, the exit code tells).
    chosen = [
        name
        for name, on in (
            ("-i/--in-place", in_place),
            ("--check", check and not diff),
            ("--diff", diff),
            ("-o/--output", output is not None),
            ("--output-dir", output_dir is not None),
        )
        if on
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"{chosen[0]} and {chosen[1]} cannot be used together")
    if diff:
        mode = "diff"
    elif check:
        mode = "check"
    elif in_place:
        mode = "in-place"
    elif output_dir is not None or (output is not None and output != "-"):
        mode = "output"
    else:
        mode = "stdout"

    check_paths(paths, forced)
    if not paths:
        if in_place or output_dir is not None:
            raise click.UsageError(f"{chosen[0]} needs paths to files or directories")
        paths = ["-"]
    if "-" in paths and (in_place or output_dir is not None):
        raise click.UsageError(f"{chosen[0]} cannot write back to stdin ('-')")
    if mode == "output" and output is not None and (len(paths) > 1 or os.path.isdir(paths[0])):
        raise click.UsageError("-o/--output takes one input; use --output-dir for several files or a directory")

    include = tuple(include) or config.include or DEFAULT_INCLUDE
    exclude = tuple(exclude) or config.exclude or DEFAULT_EXCLUDE
    sources = list(discover(paths, include, exclude, skip=[output_dir] if output_dir else ()))
    targets = _targets(sources, output, output_dir)

    say = Reporter(quiet, verbose)
    if jobs != 1:
        from ..stream.pool import resolve_jobs

        jobs = resolve_jobs(jobs)
    settings = Settings(
        mode=mode,
        errors=errors or config.errors or "strict",
        stats=stats,
        jobs=jobs,
        fields=tuple(fields),
        columns=tuple(columns),
        on_error=on_error,
    )
    out = sys.stdout.buffer
    results = []
    failed = False
    bar = _make_progress(progress, quiet, sources)
    with bar or _Nothing():
        files = [s for s in sources if isinstance(s, Source)]
        across_files = jobs > 1 and mode in ("output", "in-place", "check") and len(files) > 1
        for item in sources if not across_files else ():
            if isinstance(item, Missing):
                say.error(f"{item.path}: no such file or directory")
                failed = True
                continue
            if bar:
                bar.file(item.name, len(results) + 1, len(files))
            result = process_file(
                pipeline, item, targets.get(item), settings, out=out, on_block=bar.advance if bar else None
            )
            results.append(result)
            failed |= _report(say, result, mode, settings)
        if across_files:
            failed |= _run_across_files(pipeline, sources, targets, settings, say, bar, results)

    _summary(say, results, mode, output_dir)
    if stats:
        print_stats(pipeline, results)
    if failed:
        return EXIT_INPUT
    if mode in ("check", "diff") and any(r.changed for r in results):
        return EXIT_CHANGED
    return EXIT_OK


def _process_task(task):
    """One file in a worker process (module level: it is pickled)."""
    pipeline, item, target, settings = task
    return process_file(pipeline, item, target, settings)


def _run_across_files(pipeline, sources, targets, settings: Settings, say, bar, results) -> bool:
    """-j N over many files (modes that write nothing to stdout): one file per task, results
    reported in input order. Returns True if there was an input error."""
    from ..stream.pool import map_ordered
    from .process import FileResult

    failed = False
    for item in sources:
        if isinstance(item, Missing):
            say.error(f"{item.path}: no such file or directory")
            failed = True
    files = [s for s in sources if isinstance(s, Source)]
    one_each = settings._replace(jobs=1)
    tasks = [(pipeline, s, targets.get(s), one_each) for s in files]
    for n, outcome in enumerate(
        map_ordered(_process_task, tasks, jobs=settings.jobs, describe=lambda t: t[1].name, pipeline=pipeline), 1
    ):
        item = outcome.item[1]
        error = outcome.error
        result = FileResult(item.name, "error", str(error)) if error is not None else outcome.value
        if bar:
            bar.file(item.name, n, len(files))
            bar.advance(result.bytes_read)
        results.append(result)
        failed |= _report(say, result, settings.mode, settings)
    return failed


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def _make_progress(progress: bool | None, quiet: bool, sources) -> _Progress | None:
    if progress is False or (progress is None and (quiet or not sys.stderr.isatty())):
        return None
    paths = [s.path for s in sources if isinstance(s, Source) and s.path]
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += os.path.getsize(path)
    if progress is None and total < PROGRESS_MIN_BYTES:
        return None
    has_stdin = any(isinstance(s, Source) and s.path is None for s in sources)
    return _Progress(None if has_stdin else total, force=progress is True)


def _targets(sources, output: str | None, output_dir: str | None) -> dict[Source, str]:
    """Output file of each source for -o / --output-dir, refusing to overwrite an input."""
    targets: dict[Source, str] = {}
    if output is not None and output != "-":
        for s in sources:
            if isinstance(s, Source):
                if s.path is not None and same_file(s.path, output):
                    raise click.UsageError(f"-o {output}: that is the input file; use -i to normalize it in place")
                targets[s] = output
    elif output_dir is not None:
        seen: dict[str, str] = {}
        for s in sources:
            if not isinstance(s, Source):
                continue
            target = os.path.join(output_dir, s.relative)
            key = os.path.realpath(target)
            if key in seen:
                raise click.UsageError(f"--output-dir: {s.name} and {seen[key]} would both be written to {target}")
            if same_file(s.path, target):
                raise click.UsageError(f"--output-dir {output_dir}: {s.name} would overwrite itself; use -i instead")
            seen[key] = s.name
            targets[s] = target
    return targets


def _report(say: Reporter, result, mode: str, settings: Settings) -> bool:
    """Messages for one result; returns True for an input error."""
    name = result.source
    if result.status == "error":
        untouched = " (file left untouched)" if mode == "in-place" else ""
        hint = ""
        if "invalid UTF-8" in result.message and settings.errors == "strict":
            hint = "; --errors surrogateescape passes such bytes through unchanged"
        say.error(f"{name}: {result.message}{untouched}{hint}")
        return True
    if result.status == "skipped":
        say.info(f"{name}: {result.message}")
    elif result.changed:
        if mode in ("check", "diff"):
            say.warn(f"would change: {name}")
        elif mode == "in-place":
            say.info(f"normalized: {name}")
        else:
            say.detail(f"changed: {name}")
    else:
        say.detail(f"unchanged: {name}")
    return False


def _summary(say: Reporter, results, mode: str, output_dir: str | None) -> None:
    done = [r for r in results if r.status in ("changed", "unchanged")]
    changed = sum(r.changed for r in done)
    errors = sum(r.status == "error" for r in results)
    tail = f", {_plural(errors, 'error')}" if errors else ""
    if mode in ("check", "diff"):
        if changed:
            say.warn(f"{_plural(changed)} would change, {len(done) - changed} unchanged{tail}")
        else:
            say.info(f"{_plural(len(done))} already normalized{tail}")
    elif mode == "in-place":
        say.info(f"{_plural(changed)} normalized, {len(done) - changed} unchanged{tail}")
    elif mode == "output" and output_dir is not None:
        say.info(f"{_plural(len(done))} written to {output_dir} ({changed} changed){tail}")


def entry() -> None:
    """The `arabic-norm` console script: `main`, then a quick exit.

    Everything the command does is finished when `main` returns (files committed, worker
    processes joined, streams flushed below), so the interpreter's clean-up (freeing every object
    and module, numpy's among them) is skipped: it would add a tenth to a fast run."""
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing to add
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()

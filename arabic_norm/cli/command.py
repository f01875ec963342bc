"""The `arabic-norm` command.

    arabic-norm [GLOBAL OPTIONS] [STEP [STEP OPTIONS]]... [--] [PATH]...

Click parses the global options; it stops at the first word that is not an option, and the rest
(steps, their options, paths) is split here: steps are the names in `STEPS`, a step's options are
read with the same scanner the library uses (`chain.scan`), and the first word that is neither begins the
paths. A step's `--help` is generated from its `Step` data.

Start-up matters (`echo x | arabic-norm` in a shell loop): this module imports only click and the
core; rich (tables, progress bar) and numpy (big blocks, in engine.py) are imported when a run
needs them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import click

# numpy (imported for big blocks) starts one OpenBLAS thread per core while it loads, which costs
# start-up time; nothing here uses BLAS. Set in the command only, never in the library.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .. import __version__
from ..chain import StepSpec, closest, scan
from ..errors import ChainError, ConfigError, UsageError
from ..pipeline import Pipeline
from ..presets import PRESETS
from ..steps import STEPS, Step
from .config import load_config
from .discover import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Source, discover
from .process import Settings, process_all, same_file, sync_written
from .report import (
    EXIT_CODES,
    EXIT_OK,
    EXIT_USAGE,
    PROGRESS_MIN_BYTES,
    Report,
    Reporter,
    print_stats,
    print_steps,
    progress_bar,
    use_color,
)
from .writeback import WriteBack, choose

# --explain shows what each step changes in this sample unless --sample gives another.
SAMPLE = "«السَّلَامُ عَلَيْكُمْ» يا أحمـــد، هل قرأتَ الكتابَ على الطاولة؟ ١٢٣"
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


# --- step help, generated from the step data ----------------------------------------------------
def step_command(step: Step) -> click.Command:
    """A click command describing `step` and its options (used for `arabic-norm STEP --help`)."""
    params = [o.click_option(click) for o in step.options]
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
    with click.Context(command, info_name=f"arabic-norm [GLOBAL OPTIONS] {step.name}", color=use_color()) as ctx:
        click.echo(command.get_help(ctx), color=ctx.color)


# --- splitting steps from paths -----------------------------------------------------------------
def split_args(tokens: list[str], global_flags: set[str] = frozenset()) -> tuple[list[StepSpec], list[str], bool]:
    """Split what follows the global options into (the chain's steps, paths, paths forced by `--`).

    `chain.scan` reads the steps and their options (the library's own scanner); the first other
    word begins the paths. A step name that is also an existing path is refused as ambiguous
    unless `--` separates steps from paths; `STEP --help` shows the step's help.
    """
    has_separator = "--" in tokens

    def on_step(name: str) -> None:
        if not has_separator and os.path.exists(name):
            raise click.UsageError(
                f"{name!r} is both a step name and a path here. For the path write './{name}'; "
                f"or separate steps from paths with '--' (arabic-norm {name} -- {name})."
            )

    def on_unknown_option(step: Step, token: str) -> None:
        if token in ("-h", "--help"):
            show_step_help(step)
            raise click.exceptions.Exit(EXIT_OK)
        flag = token.partition("=")[0]
        if flag in global_flags:
            raise click.UsageError(
                f"{flag} is a global option: put it before the steps (arabic-norm {flag} ... {step.name} ...)"
            )

    specs, rest = scan(tokens, on_step, on_unknown_option)
    if rest[:1] == ["--"]:
        return specs, rest[1:], True
    return specs, rest, False


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


def resolve_pipeline(chain: list[StepSpec], preset: str | None, config) -> Pipeline:
    pipeline = choose_pipeline(chain, preset, config)
    try:
        _ = pipeline.passes  # build every step now, before any file is touched
    except ImportError as e:  # a step whose optional dependency is missing (e.g. camel-tools)
        raise click.UsageError(str(e)) from None
    return pipeline


def choose_pipeline(chain: list[StepSpec], preset: str | None, config) -> Pipeline:
    try:
        if chain:
            if preset:
                raise click.UsageError("give either --preset or steps, not both")
            return Pipeline(chain)
        if preset:
            return Pipeline.preset(preset)
    except ChainError as e:
        raise click.UsageError(str(e)) from None
    try:
        from_config = config.pipeline()
    except ChainError as e:  # checked when loading; kept for safety
        raise ConfigFileError(f"{config.path}: {e}") from None
    return from_config if from_config is not None else Pipeline.preset("default")


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
    "--fsync",
    is_flag=True,
    help="With -o/--output-dir: flush each file to disk before it is renamed into place (slower); the "
    "files are then on disk when the command exits. -i always does.",
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
    "--force-exclude",
    is_flag=True,
    help="Apply --include and --exclude (or the configuration's) to files named on the command line too "
    "(for pre-commit, which names every file).",
)
@click.option(
    "--no-gitignore",
    is_flag=True,
    help="In directories, also take the files that .gitignore files ignore (respected by default).",
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
def command(ctx: click.Context, args, **opts) -> None:
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
    global_flags = {
        flag for p in ctx.command.params for flag in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))
    }
    try:
        request = Request(
            tokens=["--" if t == _DASHDASH else t for t in args], global_flags=frozenset(global_flags), **opts
        )
        exit_code = run(request)
    except ConfigError as e:
        raise ConfigFileError(str(e)) from None
    except UsageError as e:
        raise click.UsageError(str(e)) from None
    ctx.exit(exit_code)


@dataclass(frozen=True)
class Request:
    """What the command line asks for: click's options, and the words after them (`tokens`)."""

    tokens: list[str]
    global_flags: frozenset[str]
    preset: str | None
    config_path: str | None
    in_place: bool
    check: bool
    diff: bool
    output: str | None
    output_dir: str | None
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    errors: str | None
    list_steps: bool
    explain: bool
    sample: str | None
    stats: bool
    progress: bool | None
    quiet: bool
    verbose: bool
    jobs: int = 1
    fields: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    on_error: str = "fail"
    no_gitignore: bool = False
    force_exclude: bool = False
    fsync: bool = False

    def __post_init__(self) -> None:
        # Click hands over `--` as a value of -o/--output-dir in its own disguise.
        for name in ("output", "output_dir"):
            if getattr(self, name) == _DASHDASH:
                object.__setattr__(self, name, "--")
        if self.quiet and self.verbose:
            raise UsageError("-q and -v cannot be used together")
        if self.fields and self.columns:
            raise UsageError("--field (JSON Lines) and --column (CSV/TSV) cannot be used together")

    def write_back(self) -> tuple[WriteBack, str | None]:
        return choose(
            in_place=self.in_place, check=self.check, diff=self.diff, output=self.output, output_dir=self.output_dir
        )

    def settings(self, write_back: WriteBack, config) -> Settings:
        jobs = self.jobs
        if jobs != 1:
            from ..stream.pool import resolve_jobs

            jobs = resolve_jobs(jobs)
        return Settings(
            mode=write_back,
            errors=self.errors or config.errors or "strict",
            stats=self.stats,
            jobs=jobs,
            fields=tuple(self.fields),
            columns=tuple(self.columns),
            on_error=self.on_error,
            fsync=self.fsync,
        )


def run(request: Request) -> int:
    """The command, top to bottom: which pipeline, which inputs, where to; returns the exit code."""
    if request.list_steps:
        print_steps()
        return EXIT_OK
    chain, paths, forced = split_args(request.tokens, request.global_flags)
    config = load_config(request.config_path)
    pipeline = resolve_pipeline(chain, request.preset, config)
    if request.explain:
        click.echo(pipeline.explain(request.sample if request.sample is not None else SAMPLE))
        return EXIT_OK
    write_back, flag = request.write_back()
    paths = input_paths(paths, forced, write_back, flag, request.output)
    include = tuple(request.include) or config.include or DEFAULT_INCLUDE
    exclude = tuple(request.exclude) or config.exclude or DEFAULT_EXCLUDE
    skip = [request.output_dir] if request.output_dir else ()
    sources = list(
        discover(
            paths, include, exclude, skip=skip, gitignore=not request.no_gitignore, force_exclude=request.force_exclude
        )
    )
    targets = _targets(sources, request.output, request.output_dir)
    settings = request.settings(write_back, config)
    report = Report(Reporter(request.quiet, request.verbose), write_back, settings.errors, request.output_dir)
    bar = progress_bar(request.progress, request.quiet, sources)
    with bar or contextlib.nullcontext():
        process_all(pipeline, sources, targets, settings, report, bar)
    sync_written(report.results, targets, settings)
    report.summary()
    if request.stats:
        print_stats(pipeline, report.results)
    return report.return_code


def input_paths(paths: list[str], forced: bool, write_back: WriteBack, flag: str | None, output: str | None):
    """The paths to read (`-` for stdin when none is given); usage errors for impossible ones."""
    check_paths(paths, forced)
    writes_back = flag in ("-i/--in-place", "--output-dir")
    if not paths:
        if writes_back:
            raise UsageError(f"{flag} needs paths to files or directories")
        paths = ["-"]
    if "-" in paths and writes_back:
        raise UsageError(f"{flag} cannot write back to stdin ('-')")
    if write_back is WriteBack.OUTPUT and output is not None and (len(paths) > 1 or os.path.isdir(paths[0])):
        raise UsageError("-o/--output takes one input; use --output-dir for several files or a directory")
    return paths


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command on `argv` (default: sys.argv[1:]) and return its exit code. Click prints
    usage errors and --help/--version itself; nothing raises SystemExit out of here."""
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="arabic-norm")
    except SystemExit as e:
        code = e.code
    else:  # pragma: no cover (click's standalone mode always exits)
        code = EXIT_OK
    if code is None:
        return EXIT_OK
    if not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        return 1
    return code


def entry() -> None:
    """The `arabic-norm` console script: `main`, then a quick exit.

    Everything the command does is finished when `main` returns (files committed, worker
    processes joined, streams flushed below), so the interpreter's clean-up (freeing every object
    and module, numpy's among them) is skipped: it would add a tenth to a fast run."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing to add
            stream.flush()
    os._exit(code)

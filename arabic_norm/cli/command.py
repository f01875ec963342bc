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
from dataclasses import dataclass, replace

import click

# numpy (imported for big blocks) starts one OpenBLAS thread per core while it loads, which costs
# start-up time; nothing here uses BLAS. Set in the command only, never in the library.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .. import __version__
from ..chain import StepSpec, closest, scan
from ..errors import ChainError, ConfigError, UsageError
from ..pipeline import DEFAULT_PROTECT, Pipeline
from ..presets import PRESETS
from ..protect import Protect
from ..steps import STEPS, Step
from .config import Config, load_config, search_start
from .discover import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Source, discover
from .process import Settings, process_all, process_on_dask, same_file, sync_written
from .report import (
    EXIT_BROKEN_PIPE,
    EXIT_CODES,
    EXIT_INPUT,
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
from .streams import OutputError, names_stdout, prepare_streams, refuse_feedback, stdout_closed, stdout_errors
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
        args = [_DASHDASH if a == "--" else a for a in options_first(self.params, args)]
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str):
        """Words starting with `-`: the options of the step being written, then the global ones."""
        from click.shell_completion import CompletionItem

        step, paths_begun = _completing(ctx.params.get("args") or ())
        items = []
        if step is not None and not paths_begun:
            items = [CompletionItem(o.flag, help=o.help) for o in step.options if o.flag.startswith(incomplete)]
        return items + super().shell_complete(ctx, incomplete)

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
                "the common parent of the paths, or the current directory for stdin, up to the repository "
                "root; -v names it, --no-config ignores it), else the default preset. Keys: "
                "steps, preset, include, exclude, errors, protect, markdown."
            )
        with formatter.section("Exit codes"):
            formatter.write_dl([(str(code), text) for code, text in EXIT_CODES])


# --- global options after the paths ------------------------------------------------------------
def options_first(params, args: list[str]) -> list[str]:
    """`args` with the global options written after the paths moved before the steps, as black
    and ruff accept them (`arabic-norm a.txt --check`, `arabic-norm diacritics a.txt -i`). The
    paths begin where `chain.scan` stops reading steps; a `--` before them, or among them, keeps
    every word after it a path. Anything the scan refuses is left for the real parse to report."""
    takes_value = {}
    for p in params:
        if isinstance(p, click.Option):
            for flag in (*p.opts, *p.secondary_opts):
                takes_value[flag] = not p.is_flag and not p.count
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] not in ("-", "--"):
        flag, eq, _ = args[i].partition("=")
        i += 2 if takes_value.get(flag) and not eq else 1
    try:
        _, rest = scan(args[i:])
    except ChainError:
        return args
    head, moved, paths = args[: len(args) - len(rest)], [], []
    n = 0
    while n < len(rest):
        word = rest[n]
        if word == "--":
            paths += rest[n:]
            break
        flag, eq, _ = word.partition("=")
        if flag in takes_value:
            width = 2 if takes_value[flag] and not eq else 1
            moved += rest[n : n + width]
            n += width
        else:
            paths.append(word)
            n += 1
    return moved + head + paths if moved else args


# --- shell completion (click's: _ARABIC_NORM_COMPLETE=bash_source arabic-norm) -----------------
def _completing(tokens) -> tuple[Step | None, bool]:
    """While completing after `tokens`: the step being written (None if none) and whether the
    paths have begun (a word that is neither a step nor a step option, or `--`)."""
    tokens = ["--" if t == _DASHDASH else t for t in tokens]
    if "--" in tokens:
        return None, True
    try:
        _, rest = scan(tokens)
    except ChainError:  # a step option still waiting for its value
        rest = []
    step = next((STEPS[t] for t in reversed(tokens[: len(tokens) - len(rest)]) if t in STEPS), None)
    return step, bool(rest)


def complete_args(ctx: click.Context, param: click.Parameter, incomplete: str):
    """Completions of a word after the global options: a step option's value, else step names
    and file names, else (once the paths have begun) file names."""
    from click.shell_completion import CompletionItem

    tokens = ctx.params.get("args") or ()
    files = CompletionItem(incomplete, type="file")
    step, paths_begun = _completing(tokens)
    if paths_begun:
        return [files]
    option = next((o for o in step.options if tokens and o.flag == tokens[-1]), None) if step else None
    if option is not None and option.takes_value:
        return [CompletionItem(c) for c in option.choices if c.startswith(incomplete)]
    steps = [CompletionItem(name, help=s.summary) for name, s in STEPS.items() if name.startswith(incomplete)]
    return [files, *steps]


def complete_presets(ctx: click.Context, param: click.Parameter, incomplete: str):
    from click.shell_completion import CompletionItem

    return [CompletionItem(name, help=p.chain) for name, p in PRESETS.items() if name.startswith(incomplete)]


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
    if "--" in rest:  # the words after it are paths, whatever they look like
        cut = rest.index("--")
        check_paths(rest[:cut], False)
        return specs, rest[:cut] + rest[cut + 1 :], True
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


def resolve_pipeline(chain: list[StepSpec], preset: str | None, config, protect=DEFAULT_PROTECT) -> Pipeline:
    pipeline = Pipeline(choose_pipeline(chain, preset, config).specs, protect)
    try:
        _ = pipeline.passes  # build every step now, before any file is touched
    except ImportError as e:  # a step whose optional dependency is missing (e.g. camel-tools)
        raise click.UsageError(str(e)) from None
    return pipeline


def choose_pipeline(chain: list[StepSpec], preset: str | None, config) -> Pipeline:
    try:
        if preset:  # steps after --preset extend it: --preset search hamza --to hamza
            return Pipeline.preset(preset) + Pipeline(chain)
        if chain:
            return Pipeline(chain)
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
@click.option(
    "--preset",
    metavar="NAME",
    shell_complete=complete_presets,
    help="Run a named preset (see below); steps given after it are added to its chain.",
)
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
    help="Read settings from this file (any name; keys at the top level or under [tool.arabic-norm]) instead "
    "of the nearest pyproject.toml / .arabic-norm.toml.",
)
@click.option("--no-config", is_flag=True, help="Ignore every configuration file.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="The file name stdin stands for: where the configuration is searched from, Markdown or JSON by its "
    "extension, the name in messages.",
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
    "--no-protect",
    is_flag=True,
    help="Normalize everything: no protected spans (by default URLs, e-mail addresses, `arabic-norm: off` "
    "regions, and in Markdown files fenced and inline code are left as they are).",
)
@click.option("--markdown", is_flag=True, help="Protect Markdown code in every input, not only in .md/.markdown files.")
@click.option(
    "--protect",
    "protect_patterns",
    multiple=True,
    metavar="REGEX",
    help="Also leave the matches of this regular expression (Python syntax, within a line) as they are "
    "(repeatable; added to the configuration's `protect`).",
)
@click.option(
    "--as-text",
    is_flag=True,
    help="Normalize JSON, JSON Lines and CSV files as plain text (refused without --field/--column otherwise: "
    "their quoting would break).",
)
@click.option(
    "--errors",
    type=click.Choice(["strict", "surrogateescape"]),
    help="Bytes that are not UTF-8: an error naming file, line and byte offset (strict, the default), "
    "or passed through unchanged (surrogateescape).",
)
@click.option("--list-steps", is_flag=True, help="Show every step and preset, then exit.")
@click.option("--plain", is_flag=True, help="With --list-steps: one line per step, NAME<TAB>summary.")
@click.option(
    "--explain",
    is_flag=True,
    help="Show the resolved pipeline and what each step changes in a sample (the first lines of the first PATH "
    "when one is given), then exit.",
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
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="With --output-dir: run each file as a task on the Dask cluster whose scheduler is at ADDRESS "
    "(e.g. tcp://host:8786; needs the 'dask' extra). Output is byte-identical.",
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
@click.argument(
    "args",
    nargs=-1,
    type=click.UNPROCESSED,
    metavar="[STEP [STEP OPTIONS]]... [--] [PATH]...",
    shell_complete=complete_args,
)
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
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, like cat
        exit_code = EXIT_BROKEN_PIPE
    except OutputError as e:
        Reporter(quiet=False, verbose=False).error(str(e))
        exit_code = EXIT_INPUT
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
    dask_address: str | None = None
    no_config: bool = False
    stdin_filename: str | None = None
    no_protect: bool = False
    markdown: bool = False
    protect_patterns: tuple[str, ...] = ()
    as_text: bool = False
    plain: bool = False
    lang: str = "ar"
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
        if self.dask_address is not None and (self.output_dir is None or self.jobs != 1):
            raise UsageError("--dask runs files on a cluster: it needs --output-dir DIR, and no -j")

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
            as_text=self.as_text,
            fsync=self.fsync,
        )

    def config(self, paths: list[str], say: Reporter):
        """The configuration: --config FILE, else the nearest file from the paths' common parent
        (none with --no-config); with -v, which file it is."""
        if self.no_config:
            say.detail("configuration: none (--no-config)")
            return Config()
        start = search_start(paths or ["-"], self.stdin_filename)
        config = load_config(self.config_path, start)
        if config.path is not None:
            say.detail(f"configuration: {config.path}")
        else:
            say.detail(f"configuration: none found (searched from {start} up to the repository root)")
        return config

    def protect(self, config) -> Protect | None:
        """What to leave as it is: on by default, --no-protect or `protect = false` for nothing."""
        if self.no_protect or config.protect is False:
            return None
        patterns = (*(config.protect or ()), *self.protect_patterns)
        try:
            return Protect(markdown=self.markdown or bool(config.markdown), patterns=patterns)
        except ValueError as e:  # a --protect that is not a regular expression
            raise UsageError(f"--protect: {e}") from None


def run(request: Request) -> int:
    """The command, top to bottom: which pipeline, which inputs, where to; returns the exit code."""
    if request.list_steps:
        needs_stdout("--list-steps")
        with stdout_errors():
            print_steps(plain=request.plain)
        return EXIT_OK
    chain, paths, forced = split_args(request.tokens, request.global_flags)
    say = Reporter(request.quiet, request.verbose)
    config = request.config(paths, say)
    pipeline = resolve_pipeline(chain, request.preset, config, request.protect(config))
    if request.lang != "ar":
        try:
            pipeline = pipeline.with_lang(request.lang)
        except ChainError as e:
            raise UsageError(str(e)) from None
    if request.explain:
        needs_stdout("--explain")
        with stdout_errors():
            click.echo(pipeline.explain(explain_sample(request.sample, paths, forced)))
        return EXIT_OK
    if request.output not in (None, "-") and names_stdout(request.output):
        request = replace(request, output="-")  # written into stdout, never renamed over /dev/stdout
    write_back, flag = request.write_back()
    if write_back in (WriteBack.STDOUT, WriteBack.DIFF):
        needs_stdout("--diff" if write_back is WriteBack.DIFF else "the normalized text")
    paths = input_paths(paths, forced, write_back, flag, request.output)
    include = tuple(request.include) or _configured(config.include, DEFAULT_INCLUDE)
    exclude = tuple(request.exclude) or _configured(config.exclude, DEFAULT_EXCLUDE)
    skip = [request.output_dir] if request.output_dir else ()
    sources = list(
        discover(
            paths,
            include,
            exclude,
            skip=skip,
            gitignore=not request.no_gitignore,
            force_exclude=request.force_exclude,
            stdin_filename=request.stdin_filename,
        )
    )
    if not sources:
        if any(os.path.isdir(p) for p in paths):
            say.warn(nothing_found(paths, include, exclude))
        else:
            say.detail("every file named is excluded (--force-exclude)")
    targets = _targets(sources, request.output, request.output_dir)
    refused = refuse_feedback(
        [s.path for s in sources if isinstance(s, Source) and s.path is not None],
        stdin_read=any(isinstance(s, Source) and s.path is None for s in sources),
        stdout_written=write_back in (WriteBack.STDOUT, WriteBack.DIFF),
        output=request.output if request.output != "-" else None,
    )
    if refused:
        raise UsageError(refused)
    settings = request.settings(write_back, config)
    report = Report(say, write_back, settings.errors, request.output_dir)
    bar = progress_bar(request.progress, request.quiet, sources)
    with bar or contextlib.nullcontext():
        if request.dask_address is not None:
            process_on_dask(request.dask_address, pipeline, sources, targets, settings, report)
        else:
            process_all(pipeline, sources, targets, settings, report, bar)
    sync_written(report.results, targets, settings)
    report.summary()
    if request.stats:
        print_stats(pipeline, report.results)
    return report.return_code


# The first lines of a file --explain takes as its sample.
EXPLAIN_LINES = 5


def explain_sample(sample: str | None, paths: list[str], forced: bool) -> str:
    """--sample, else the first lines of the first path given (a file, also compressed), else SAMPLE."""
    if sample is not None:
        return sample
    path = next((p for p in paths if p != "-"), None)
    if path is None:
        return SAMPLE
    check_paths(paths, forced)
    from ..stream.compression import open_compressed

    try:
        with open_compressed(path, "rb") as f:
            lines = [f.readline() for _ in range(EXPLAIN_LINES)]
    except (OSError, ValueError) as e:
        raise UsageError(f"--explain {path}: cannot read a sample: {getattr(e, 'strerror', None) or e}") from None
    return b"".join(lines).decode("utf-8", "replace").rstrip("\r\n")


def nothing_found(paths: list[str], include, exclude) -> str:
    """The message of a run that found no file: where it looked and with which globs."""
    return (
        f"no files found in {', '.join(paths)} (include: {' '.join(include)}, also compressed; "
        f"exclude: {' '.join(exclude)}); give --include GLOB, or the configuration's include"
    )


def needs_stdout(what: str) -> None:
    """A usage error when stdout was closed (`>&-`) and `what` would be written there."""
    if stdout_closed():
        raise UsageError(f"stdout is closed: nowhere to write {what}; use -o FILE, -i or --check")


def _configured(globs: tuple[str, ...] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """The configuration's globs when it gives the key (`exclude = []`: none), else the default."""
    return default if globs is None else globs


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
    except OSError as e:  # --help or --version to a full disk (click re-raises it)
        Reporter(quiet=False, verbose=False).error(str(OutputError(e)))
        return EXIT_INPUT
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
    prepare_streams()  # closed descriptors held by /dev/null, messages in UTF-8 (streams.py)
    from .signals import install

    install()  # Ctrl-C: exit 130, SIGTERM: 143, one line on stderr, temporary files removed
    code = main()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()  # what --help, --list-steps or --explain left in the buffer
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    except (OSError, ValueError) as e:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"arabic-norm: error: <stdout>: {getattr(e, 'strerror', None) or e}\n")
        code = code or EXIT_INPUT
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(code)

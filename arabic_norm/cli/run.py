"""The command as a funnel, top to bottom: a `Request` (what the command line asks for) ->
pipeline, inputs, write-back -> `Report` -> exit code. Knows nothing of click's parsing; the
usage errors it raises are turned into click's by command.py."""

from __future__ import annotations

import contextlib
import os

import click

from ..chain import StepSpec
from ..errors import ChainError, ConfigError, UsageError
from ..pipeline import DEFAULT_PROTECT, Pipeline
from ..protect import Protect
from ..steps.record import record, replace
from .argv import DASHDASH, check_paths, input_paths, split_args
from .atomic import forget_paths, real_path
from .config import Config, load_config, search_start
from .discover import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Source, discover
from .listing import explain_sample, print_steps
from .many import process_all, process_on_dask, sync_written
from .process import Settings
from .report import EXIT_OK, Report, Reporter, print_stats, progress_bar
from .streams import names_stdout, refuse_feedback, stdout_closed, stdout_errors
from .writeback import WriteBack, choose


@record
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
            if getattr(self, name) == DASHDASH:
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
            from ..stream.workers import resolve_jobs

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
    forget_paths()  # a second run in the same process (tests, a library caller) looks afresh
    if request.list_steps:
        return list_steps(request.plain)
    chain, paths, forced = split_args(request.tokens, request.global_flags)
    say = Reporter(request.quiet, request.verbose)
    config = request.config(paths, say)
    pipeline = request_pipeline(request, chain, config)
    if request.explain:
        return explain(pipeline, request.sample, paths, forced)
    if request.output not in (None, "-") and names_stdout(request.output):
        request = replace(request, output="-")  # written into stdout, never renamed over /dev/stdout
    write_back, flag = request.write_back()
    if write_back in (WriteBack.STDOUT, WriteBack.DIFF):
        needs_stdout("--diff" if write_back is WriteBack.DIFF else "the normalized text")
    paths = input_paths(paths, forced, write_back, flag, request.output)
    sources = find_sources(request, paths, config, say)
    targets = output_targets(sources, request.output, request.output_dir)
    refuse_loops(sources, write_back, request.output)
    settings = request.settings(write_back, config)
    report = Report(say, write_back, settings.errors, request.output_dir)
    process(request, pipeline, sources, targets, settings, report)
    sync_written(report.results, targets, settings)
    report.summary()
    if request.stats:
        print_stats(pipeline, report.results)
    return report.return_code


def list_steps(plain: bool) -> int:
    needs_stdout("--list-steps")
    with stdout_errors():
        print_steps(plain=plain)
    return EXIT_OK


def explain(pipeline: Pipeline, sample: str | None, paths: list[str], forced: bool) -> int:
    """--explain: the pipeline and what each step changes in the sample, on stdout."""
    needs_stdout("--explain")
    if sample is None:  # a mistyped step among the paths is an error, not a sample
        check_paths(paths, forced)
    with stdout_errors():
        click.echo(str(pipeline.explain(explain_sample(sample, paths))))
    return EXIT_OK


def request_pipeline(request: Request, chain: list[StepSpec], config) -> Pipeline:
    """The steps given, else the preset, else the configuration's; with what to protect and the
    language asked for."""
    pipeline = resolve_pipeline(chain, request.preset, config, request.protect(config))
    if request.lang == "ar":
        return pipeline
    try:
        return pipeline.with_lang(request.lang)
    except ChainError as e:
        raise UsageError(str(e)) from None


def find_sources(request: Request, paths: list[str], config, say: Reporter) -> list:
    """The inputs under `paths`, with the globs of the command line, else the configuration's,
    else the defaults; says why when there is none."""
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
    return sources


def refuse_loops(sources: list, write_back: WriteBack, output: str | None) -> None:
    """A usage error when the output would feed an input (streams.refuse_feedback)."""
    refused = refuse_feedback(
        [s.path for s in sources if isinstance(s, Source) and s.path is not None],
        stdin_read=any(isinstance(s, Source) and s.path is None for s in sources),
        stdout_written=write_back in (WriteBack.STDOUT, WriteBack.DIFF),
        output=output if output != "-" else None,
    )
    if refused:
        raise UsageError(refused)


def process(request: Request, pipeline: Pipeline, sources: list, targets: dict, settings: Settings, report) -> None:
    """Every input, here (with -j, across processes) or on a Dask cluster, under the progress bar."""
    bar = progress_bar(request.progress, request.quiet, sources)
    with bar or contextlib.nullcontext():
        if request.dask_address is not None:
            process_on_dask(request.dask_address, pipeline, sources, targets, settings, report)
        else:
            process_all(pipeline, sources, targets, settings, report, bar)


def resolve_pipeline(chain: list[StepSpec], preset: str | None, config, protect=DEFAULT_PROTECT) -> Pipeline:
    pipeline = Pipeline(choose_pipeline(chain, preset, config).specs, protect)
    try:
        _ = pipeline.passes  # build every step now, before any file is touched
    except ImportError as e:  # a step whose optional dependency is missing (e.g. camel-tools)
        raise UsageError(str(e)) from None
    return pipeline


def choose_pipeline(chain: list[StepSpec], preset: str | None, config) -> Pipeline:
    try:
        if preset:  # steps after --preset extend it: --preset search hamza --to hamza
            return Pipeline.preset(preset) + Pipeline(chain)
        if chain:
            return Pipeline(chain)
    except ChainError as e:
        raise UsageError(str(e)) from None
    try:
        from_config = config.pipeline()
    except ChainError as e:  # checked when loading; kept for safety
        raise ConfigError(f"{config.path}: {e}") from None
    return from_config if from_config is not None else Pipeline.preset("default")


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


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return real_path(a) == real_path(b)


def output_targets(sources, output: str | None, output_dir: str | None) -> dict[Source, str]:
    """Output file of each source for -o / --output-dir, refusing to overwrite an input."""
    targets: dict[Source, str] = {}
    if output is not None and output != "-":
        for s in sources:
            if isinstance(s, Source):
                if s.path is not None and same_file(s.path, output):
                    raise UsageError(f"-o {output}: that is the input file; use -i to normalize it in place")
                targets[s] = output
    elif output_dir is not None:
        seen: dict[str, str] = {}
        for s in sources:
            if not isinstance(s, Source):
                continue
            target = os.path.join(output_dir, s.relative)
            key = real_path(target)
            if key in seen:
                raise UsageError(f"--output-dir: {s.name} and {seen[key]} would both be written to {target}")
            if same_file(s.path, target):
                raise UsageError(f"--output-dir {output_dir}: {s.name} would overwrite itself; use -i instead")
            seen[key] = s.name
            targets[s] = target
    return targets

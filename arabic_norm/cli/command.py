"""The `arabic-norm` command: the click command, `main(argv) -> int` and the console script.

    arabic-norm [GLOBAL OPTIONS] [STEP [STEP OPTIONS]]... [--] [PATH]...

Click parses the global options (declared in options.py); it stops at the first word that is not
an option, and the rest (steps, their options, paths) is split by argv.py with the same scanner
the library uses (`chain.scan`). run.py then carries the request out, top to bottom. A step's
`--help` and `--list-steps` come from the step data (listing.py); shell completion is
completion.py.

Start-up matters (`echo x | arabic-norm` in a shell loop): the command imports only click and the
core; rich (tables, progress bar) and numpy (big blocks, in engine/) are imported when a run
needs them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence

import click

# numpy (imported for big blocks) starts one OpenBLAS thread per core while it loads, which costs
# start-up time; nothing here uses BLAS. Set in the command only, never in the library.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from ..engine import kernel
from ..errors import ConfigError, UsageError
from ..presets import PRESETS
from ..steps import STEPS
from .argv import DASHDASH, options_first
from .completion import complete_args, completing
from .options import global_options
from .report import EXIT_BROKEN_PIPE, EXIT_CODES, EXIT_INPUT, EXIT_OK, EXIT_USAGE, Reporter
from .run import Request, run
from .streams import OutputError, prepare_streams


class ConfigFileError(click.ClickException):
    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return f"configuration: {self.message}"


class ArabicNormCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = [DASHDASH if a == "--" else a for a in options_first(self.params, args)]
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str):
        """Words starting with `-`: the options of the step being written, then the global ones."""
        from click.shell_completion import CompletionItem

        step, paths_begun = completing(ctx.params.get("args") or ())
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


@click.command(
    "arabic-norm",
    cls=ArabicNormCommand,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "allow_interspersed_args": False,
        "max_content_width": 100,
    },
)
@global_options
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
            tokens=["--" if t == DASHDASH else t for t in args], global_flags=frozenset(global_flags), **opts
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
    kernel.keep_freed_memory()  # block after block of the same size in the same pages (kernel.py)
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

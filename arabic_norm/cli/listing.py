"""What the command shows instead of normalizing, from the registries: `--list-steps`, a step's
`--help` (generated from its `Step` data) and the sample `--explain` runs the pipeline on."""

from __future__ import annotations

import sys

import click

from ..errors import UsageError
from ..presets import PRESETS
from ..steps import STEPS, Step
from .report import use_color

# --explain shows what each step changes in this sample unless --sample gives another.
SAMPLE = "«السَّلَامُ عَلَيْكُمْ» يا أحمـــد، هل قرأتَ الكتابَ على الطاولة؟ ١٢٣"
# The first lines of a file --explain takes as its sample.
EXPLAIN_LINES = 5


def print_steps(plain: bool = False) -> None:
    """Every step and preset, from the registries: a block per step (its name, its options on
    their own lines, its summary wrapped to the terminal, or to 80 columns off a terminal, with
    no padding); with `plain`, one line per step: NAME<TAB>summary."""
    if plain:
        for step in STEPS.values():
            click.echo(f"{step.name}\t{_step_summary(step)}")
        return
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 80
    width = max(40, min(width, 100))
    color = use_color()

    def wrap(text: str, indent: int, first: int = 4) -> None:
        lines = textwrap.wrap(
            text,
            width,
            initial_indent=" " * first,
            subsequent_indent=" " * indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for line in lines:
            click.echo(line)

    def block(name: str, paragraph: str, options: list[str]) -> None:
        click.echo(click.style(name, bold=True), color=color)
        wrap(paragraph, 4)
        for option in options:
            wrap(option, 8)
        click.echo()

    click.echo(click.style("Steps", bold=True, underline=True), color=color)
    wrap("arabic-norm STEP [STEP OPTIONS] STEP ...: the steps run in the order given.", 4, first=0)
    click.echo()
    for step in STEPS.values():
        block(step.name, _step_summary(step), [f"{o.usage}  {o.help}" for o in step.options])
    click.echo(click.style("Presets", bold=True, underline=True), color=color)
    wrap("arabic-norm --preset NAME: a chain of steps (more steps may follow).", 4, first=0)
    click.echo()
    for preset in PRESETS.values():
        block(preset.name, preset.help, [f"steps: {preset.chain}"])
    wrap("arabic-norm STEP --help shows a step's full description and its options.", 4, first=0)


def _step_summary(step) -> str:
    extra = f" (needs the {step.extra} extra)" if step.extra else ""
    return f"{step.summary}{extra}"


# --- step help, generated from the step data ----------------------------------------------------
def step_command(step: Step) -> click.Command:
    """A click command describing `step` and its options (used for `arabic-norm STEP --help`)."""
    params = [o.click_option(click) for o in step.options]
    text = step.help_text
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


def explain_sample(sample: str | None, paths: list[str]) -> str:
    """--sample, else the first lines of the first path given (a file, also compressed), else SAMPLE."""
    if sample is not None:
        return sample
    path = next((p for p in paths if p != "-"), None)
    if path is None:
        return SAMPLE
    from ..stream.compression import open_compressed

    try:
        with open_compressed(path, "rb") as f:
            lines = [f.readline() for _ in range(EXPLAIN_LINES)]
    except (OSError, ValueError) as e:
        raise UsageError(f"--explain {path}: cannot read a sample: {getattr(e, 'strerror', None) or e}") from None
    return b"".join(lines).decode("utf-8", "replace").rstrip("\r\n")

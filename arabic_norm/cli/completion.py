"""Shell completion (click's: `_ARABIC_NORM_COMPLETE=bash_source arabic-norm`): step names, a step's
options and their values, presets, file names. Click's completion module is imported only while
completing."""

from __future__ import annotations

import click

from ..chain import scan
from ..errors import ChainError
from ..presets import PRESETS
from ..steps import STEPS, Step
from .argv import DASHDASH


def completing(tokens) -> tuple[Step | None, bool]:
    """While completing after `tokens`: the step being written (None if none) and whether the
    paths have begun (a word that is neither a step nor a step option, or `--`)."""
    tokens = ["--" if t == DASHDASH else t for t in tokens]
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
    step, paths_begun = completing(tokens)
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

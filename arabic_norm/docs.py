"""Reference documentation generated from the step and preset registries.

    python -m arabic_norm.docs README.md     # rewrite the generated sections in place

The README's "Steps" and "Presets" sections sit between marker comments and are produced here,
so they can never disagree with `--list-steps` or with the code (tests/test_docs.py checks it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .presets import PRESETS
from .steps import STEPS, Option


def option_markdown(option: Option) -> str:
    return f"{option.markdown}: {option.help}"


def steps_markdown() -> str:
    lines = []
    for step in STEPS.values():
        extra = f" *(needs the `{step.extra}` extra)*" if step.extra else ""
        lines.append(f"### `{step.name}`{extra}\n")
        lines.append(f"{step.summary}.\n")
        lines.append(step.help_text + "\n")
        lines.extend(f"- {option_markdown(o)}" for o in step.options)
        if step.options:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def presets_markdown() -> str:
    lines = ["| preset | chain | what it is for |", "|---|---|---|"]
    for preset in PRESETS.values():
        lines.append(f"| `{preset.name}` | `{preset.chain}` | {preset.help} |")
    return "\n".join(lines) + "\n"


SECTIONS = {"steps": steps_markdown, "presets": presets_markdown}


def render(readme: str) -> str:
    """`readme` with every generated section replaced by its current content."""
    for name, make in SECTIONS.items():
        pattern = re.compile(f"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        readme = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), readme)
    return readme


def main(argv: list[str] | None = None) -> int:
    paths = argv if argv is not None else sys.argv[1:]
    for path in map(Path, paths or ["README.md"]):
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a pipeline does, as data: `Pipeline.explain(sample)` returns an `Explanation`, which the
command prints (`--explain`) and a program can read (as ftfy's fix_and_explain returns its steps).

    >>> from arabic_norm import Pipeline
    >>> e = Pipeline.parse("diacritics alef").explain("أَحْمَد")
    >>> [(s.name, s.before, s.after) for s in e.steps]
    [('diacritics', 'أَحْمَد', 'أحمد'), ('alef', 'أحمد', 'احمد')]
    >>> e.passes[-2:]
    ('rule alef-combining-hamza', 'rule alef-combining-madda')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExplainedStep:
    """One step of the chain: its words as the chain writes them, what it does, and with a sample
    the text before and after it (None without a sample)."""

    name: str
    words: str
    summary: str
    before: str | None = None
    after: str | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Explanation:
    """The resolved chain, each step, and the passes it compiles into."""

    chain: str
    steps: tuple[ExplainedStep, ...]
    passes: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"chain: {self.chain or '(empty)'}"]
        for i, step in enumerate(self.steps, 1):
            lines.append(f"{i}. {step.words}: {step.summary}")
            if step.before is not None:
                lines.append(f"     {step.before!r} -> {step.after!r}" if step.changed else "     (no change)")
        lines.append(f"compiled into {len(self.passes)} pass(es):")
        lines += [f"  - {p}" for p in self.passes]
        return "\n".join(lines)

    def __contains__(self, text: str) -> bool:  # `"alef" in p.explain()` reads as it did on the str
        return text in str(self)

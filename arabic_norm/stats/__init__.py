"""--stats: characters changed per step, counted on the compiled maps instead of re-running steps.

    >>> from arabic_norm import Pipeline
    >>> counter = StepCounter(Pipeline.parse("diacritics tatweel alef"))
    >>> counter.counts("كِتَـــاب".encode())
    {'diacritics': 2, 'tatweel': 3, 'alef': 0}

The numbers are exactly `Pipeline.step_counts` (every step run alone, in order, counting what each
changes), computed another way. A code point map acts on each character alone, so what a run of
consecutive maps changes, step by step, is fixed for each character of its input: simulated once
per character here (a `Segment`), then multiplied by how often the character occurs, which the
kernel counts in one pass of C (kernel.Counter). Rules sit between runs of maps and say themselves
how many substitutions they make. So:

- a chain of maps only: one count over the UTF-8 bytes, nothing decoded, nothing run;
- rules whose triggers the block does not hold (the byte engine's condition, `Pipeline.byte_stops`):
  the same, with the triggers counted too to know that they are absent;
- otherwise the block is decoded once and each run of maps is counted while the kernel applies it
  as one compiled map, each rule run once: a pass per run of maps, not one per step and character.

A rule that made no substitution in the run of a block (most rules in most blocks) is left out of
its count, and the maps it stood between counted as one (`_plan_without`): on a block where only
the rules ending the chain did anything (their counts are the run's), the whole chain is one
count over the bytes.

With the kernel, a run with --stats (one process) normalizes through `StepCounter.block_pairs`,
and the count above is mostly not needed at all (`counts_of`): where the byte engine does the
whole block in one map pass, the kernel counts the characters it maps while it maps them; where
the block runs on the str path, each map pass of the run counts what it maps in the same way and
the rules' substitutions are the run's, which is exact wherever every pass that did something
has the same maps before it as in step order (in_run.py; blocks with protected spans ran
with sentinels in them, and are counted as above).
"""

from __future__ import annotations

from .counter import StepCounter, step_counter
from .segment import Segment

__all__ = ["Segment", "StepCounter", "step_counter"]

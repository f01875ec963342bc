"""Operations -> passes, and the plan that runs passes on a str.

`compile_operations` keeps the order of a chain's operations but moves each rule past the code
point maps it commutes with (or whose deletions it skips over), then merges adjacent maps into one
`CompiledMap`: fewer passes over the text, the same result. `str_plan` / `run_plan` run the passes
on a str, skipping a rule in one C search when none of its triggers occurs; `PassTally` is what
such a run counts for --stats. `untouched` says which characters a list of passes leaves alone
wherever they stand (Pipeline.cut_pattern).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .engine.kernel import run_lines
from .engine.maps import CompiledMap
from .steps import CharMap
from .steps import chars as C
from .steps.base import FormRule, LineRule, Rule, RunRule
from .steps.compat import NFKCThenDelete
from .steps.record import replace

# The characters a long line without spaces may be cut between (those of them that a pipeline
# leaves alone, see Pipeline.cut_pattern): letters and digits, which long unspaced lines are made of.
CUT_CANDIDATES = (
    "".join(
        c
        for c in map(chr, (*C.ARABIC_LETTERS, *range(ord("0"), ord("9") + 1), *range(ord("A"), ord("Z") + 1)))
        if unicodedata.category(c)[0] in "LN"  # no combining mark (U+0670 is among the letters' code points)
    )
    + "abcdefghijklmnopqrstuvwxyz"
)


def untouched(p, c: str) -> bool:
    """Whether the pass `p` leaves the character `c` alone wherever it stands: a map does not map
    it; a rule neither is triggered by it nor matches it; a Unicode form finds it stable (no
    decomposition, not combining). Passes of other kinds are assumed to touch everything."""
    if isinstance(p, CompiledMap):
        return ord(c) not in p.mapping
    if isinstance(p, Rule):
        return c not in p.triggers and p.pattern.search(c) is None and p.run(c) == c
    if isinstance(p, (FormRule, NFKCThenDelete)):
        return not unicodedata.decomposition(c) and not unicodedata.combining(c) and p.run(c) == c
    return False


def compose(first: dict[int, str], then: dict[int, str]) -> dict[int, str]:
    """The map equal to applying `first`, then `then`, in one pass."""
    out = {k: "".join(then.get(ord(c), c) for c in v) for k, v in first.items()}
    for k, v in then.items():
        out.setdefault(k, v)
    return out


def commutes(rule, charmap: CharMap) -> bool:
    """Whether `rule` then `charmap` equals `charmap` then `rule` (see Rule.alphabet)."""
    if not getattr(rule, "alphabet", "") or "" in charmap.mapping.values():
        return False
    touched = {chr(k) for k in charmap.mapping}.union(*charmap.mapping.values())
    return touched.isdisjoint(rule.alphabet)


def skips_over(rule, charmap: CharMap) -> bool:
    """Whether `charmap` then `rule` equals `rule` then `charmap` because the map only deletes
    characters the rule steps over (see Rule.skips)."""
    skips = getattr(rule, "skips", "")
    return bool(skips) and all(v == "" and chr(k) in skips for k, v in charmap.mapping.items())


def compile_operations(operations) -> list:
    """Order-preserving compile: move rules past maps they commute with, merge adjacent
    CharMaps; return passes: CompiledMap or rule objects, in order."""
    passes: list = []
    pending: dict[int, str] | None = None
    ops = list(operations)
    for op in (ops[k] for k in operation_order(ops)):
        if isinstance(op, CharMap):
            pending = dict(op.mapping) if pending is None else compose(pending, dict(op.mapping))
            continue
        if pending is not None:
            passes.append(CompiledMap(pending))
            pending = None
        passes.append(with_run_lines(op))
    if pending is not None:
        passes.append(CompiledMap(pending))
    return [p for p in passes if not isinstance(p, CompiledMap) or p]


def operation_order(ops: list) -> list[int]:
    """The order the passes run `ops` in, as indexes into `ops`: rules moved past the maps they
    commute with (maps keep their order among themselves, and so do rules). Indexes, not the
    operations: steps may share a rule object (stats/in_run.py tells them apart by their place)."""
    ops, at = list(ops), list(range(len(ops)))

    def swap(j: int) -> None:
        ops[j], ops[j + 1] = ops[j + 1], ops[j]
        at[j], at[j + 1] = at[j + 1], at[j]

    for i in range(1, len(ops)):  # bubble each rule left while an earlier map only deletes what it skips
        j = i
        while (
            j > 0
            and isinstance(ops[j - 1], CharMap)
            and not isinstance(ops[j], CharMap)
            and skips_over(ops[j], ops[j - 1])
        ):
            swap(j - 1)
            j -= 1
    for i in range(len(ops) - 1, -1, -1):  # bubble each rule right while it commutes
        j = i
        while j + 1 < len(ops) and isinstance(ops[j + 1], CharMap) and commutes(ops[j], ops[j + 1]):
            swap(j)
            j += 1
    return at


def with_run_lines(op):
    """A RunRule that searches only the lines holding a run (found in C by the kernel; without it
    run_lines gives the whole text): elongation's pattern is otherwise tried at every letter."""
    if isinstance(op, RunRule) and op.lines is None:
        return replace(op, lines=functools.partial(run_lines, n=op.run_length))
    return op


def run_passes(passes, text: str) -> str:
    for p in passes:
        text = p.run(text)
    return text


def str_plan(passes) -> list[tuple]:
    """`passes` ready for `run_plan`: (finder, triggers, run, is_map) each, `run` being the pass's
    `run` for a map and its `run_counted` otherwise. `finder` is a compiled class of a rule's
    `triggers`, or None: Rule.run_counted and LineRule.run_counted do nothing unless one of their
    triggers occurs, and the plan asks first, without a call (on short strings that check was most
    of the time)."""
    plan = []
    for p in passes:
        plain_rule = isinstance(p, Rule) and type(p).run_counted in (Rule.run_counted, LineRule.run_counted)
        finder = re.compile(f"[{re.escape(p.triggers)}]") if plain_rule and p.triggers else None
        is_map = isinstance(p, CompiledMap)  # maps are counted on the kernel (stats/), not here
        plan.append((finder, p.triggers if finder else "", p.run if is_map else p.run_counted, is_map))
    return plan


# From this length on, a rule's triggers are looked for one by one with `in` (a memchr-like scan
# each) rather than with its compiled class (tried at every character: 25x slower on a block of
# Arabic text, but one call instead of several on a short string).
FIND_EACH_FROM = 4096


def run_plan(plan, text: str, tally: PassTally | None = None) -> str:
    """`run_passes` over a `str_plan`: the same result. With `tally`, the substitutions each rule
    made are added to it (index of the pass in the plan), and the text before pass `tally.mark`
    kept in `tally.saved`."""
    find_each = len(text) >= FIND_EACH_FROM
    for i, (finder, triggers, run, is_map) in enumerate(plan):
        if tally is not None and i == tally.mark:
            tally.saved.append(text)
        if is_map:
            text = run(text) if tally is None or tally.maps is None else run(text, tally.maps[i])
        elif finder is None or (any(c in text for c in triggers) if find_each else finder.search(text) is not None):
            text, n = run(text)
            if tally is not None:
                tally.counts[i] += n
    if tally is not None and tally.mark == len(plan):
        tally.saved.append(text)
    return text


class PassTally:
    """What the passes of one block's run did, for --stats (stats.StepCounter): substitutions per
    pass; `whole`: whether every pass ran on the str path (no map on the byte engine), so that a
    rule that made none here makes none when the block is counted step by step; `spans`: the
    block's protected spans (the lines that hold them ran with sentinels: not the block's text);
    `saved`: the text of each piece before pass `mark` (None: not kept); `maps`: for the index of
    each map pass, the counts buffer its map adds the characters it maps to (kernel.counts_buffer),
    or None: the maps run uncounted."""

    def __init__(self, passes: int, mark: int | None = None, maps: dict | None = None):
        self.mark = mark
        self.reset(passes, maps)

    def reset(self, passes: int, maps: dict | None = None) -> None:
        """Nothing counted or kept: ready for the next block."""
        self.counts, self.whole, self.spans, self.saved, self.maps = [0] * passes, True, [], [], maps

"""--stats: characters changed per step, counted on the compiled maps instead of re-running steps.

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
- otherwise the block is decoded once and each run of maps is counted then applied as one compiled
  map, each rule run once: a pass per run of maps, not one per step and character.

With the kernel, a run with --stats (one process) normalizes through `StepCounter.block_pairs`:
where the byte engine does the whole block in one map pass, the kernel counts the characters it
maps while it maps them, and the count above is not needed at all (`counts_of`).
"""

from __future__ import annotations

import functools
from array import array

from .engine import kernel
from .engine.kernel import Counter
from .engine.maps import CompiledMap
from .pipeline import Pipeline, compose
from .steps import CharMap
from .stream.blocks import BLOCK_SIZE, positioned_blocks


class Segment:
    """Consecutive maps of the chain (in step order): per input character, what each step changes."""

    def __init__(self, maps: list[tuple[str, dict[int, str]]]):
        self.maps = maps = [(name, {k: v for k, v in m.items() if v != chr(k)}) for name, m in maps]
        self.changes: dict[int, dict[str, int]] = {}  # code point -> step -> characters it changes
        for code in {k for _, m in maps for k in m}:
            text, per_step = chr(code), {}
            for name, m in maps:
                changed = sum(ord(c) in m for c in text)
                if changed:
                    per_step[name] = per_step.get(name, 0) + changed
                text = text.translate(m)
            self.changes[code] = per_step
        composed: dict[int, str] = {}
        for _, m in maps:
            composed = compose(composed, m)
        self.compiled = CompiledMap(composed)
        self.counter = Counter(self.changes)

    def add(self, occurrences: dict[int, int], totals: dict[str, int]) -> None:
        for code, n in occurrences.items():
            for name, changed in self.changes.get(code, {}).items():
                totals[name] += n * changed


class StepCounter:
    """Counts for one pipeline (build once per run)."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self.steps = [spec.name for spec in pipeline.specs]
        # The chain in step order: Segments between the other operations (rules, Unicode forms).
        self.plan: list = []
        pending: list[tuple[str, dict[int, str]]] = []
        for spec in pipeline.specs:
            for op in spec.operations():
                if isinstance(op, CharMap):
                    pending.append((spec.name, dict(op.mapping)))
                    continue
                if pending:
                    self.plan.append(Segment(pending))
                    pending = []
                self.plan.append((spec.name, op))
        if pending:
            self.plan.append(Segment(pending))
        maps = [(name, m) for item in self.plan if isinstance(item, Segment) for name, m in item.maps]
        # Exact only for BMP characters (what the kernel counts); anything else: the slow way.
        self.countable = all(0 <= k <= 0xFFFF and not 0xD800 <= k < 0xE000 for _, m in maps for k in m)
        stops = pipeline.byte_stops
        self.without_rules = None  # all maps as one Segment, for blocks where no rule can match
        if self.countable and stops is not None:
            self.without_rules = Segment(maps)
            self.stops = {ord(c) for c in stops}
            self.with_stops = Counter([*self.without_rules.changes, *self.stops])

        self.last: tuple[bytes | None, dict[str, int]] = (None, {})  # see block_pairs
        self.fused = None  # (mapping, stops, its codes in entry order) for counting while mapping
        self._fused_map = None  # its kernel map, built on first use
        passes = pipeline.map_passes
        if (
            self.without_rules is not None
            and len(passes) == 1
            and passes[0][1].mapping == self.without_rules.compiled.mapping
        ):
            mapping = passes[0][1].mapping
            if set(self.without_rules.changes) <= set(mapping):  # (X -> Y -> X would go uncounted)
                self.fused = (mapping, stops, [None, *mapping])

    def block_pairs(self, blocks, errors: str = "strict"):
        """`Pipeline.block_pairs`, keeping the counts of each block in `last` (block, counts)."""
        compiled = None
        if self.fused is not None and kernel.native is not None:
            mapping, stops, codes = self.fused
            if self._fused_map is None:
                self._fused_map = kernel.utf8_map(mapping, stops)
            compiled = self._fused_map
        for block in blocks:
            if block.verbatim:
                yield block.data, block.data
                continue
            if compiled is not None:
                tally = array("Q", bytes(8 * (len(codes) + len(stops))))
                out = compiled.run(block.data, tally)
                if out is not None:
                    totals = dict.fromkeys(self.steps, 0)
                    mapped = {codes[k]: tally[k] for k in range(1, len(codes)) if tally[k]}  # (0: kept)
                    self.without_rules.add(mapped, totals)
                    self.last = (block.data, totals)
                    yield block.data, out
                    continue
            yield block.data, self.pipeline.normalize_block(block.data, errors, block.offset, block.lines)

    def iter_pairs(self, read, errors: str = "strict", block_size: int = BLOCK_SIZE):
        """`Pipeline.iter_pairs`, keeping the counts of each block in `last`."""
        return self.block_pairs(positioned_blocks(read, block_size, self.pipeline.cut_pair), errors)

    def counts_of(self, before: bytes, errors: str = "strict") -> dict[str, int]:
        """The counts of `before`: those kept while mapping it (`last`), or counted now."""
        block, totals = self.last
        return totals if block is before else self.counts(before, errors)

    def counts(self, block: bytes, errors: str = "strict") -> dict[str, int]:
        """Characters changed per step (step name -> count) when the pipeline runs on `block`."""
        totals = dict.fromkeys(self.steps, 0)
        if not self.countable:
            _, counts = self.pipeline.step_counts(block.decode("utf-8", errors))
            for name, n in counts:
                totals[name] += n
            return totals
        if len(self.plan) == 1 and isinstance(self.plan[0], Segment):
            self.plan[0].add(self.plan[0].counter.in_utf8(block, errors), totals)
            return totals
        if self.without_rules is not None:
            occurrences = self.with_stops.in_utf8(block, errors)
            if self.stops.isdisjoint(occurrences):
                self.without_rules.add(occurrences, totals)
                return totals
        text = block.decode("utf-8", errors)
        for item in self.plan:
            if isinstance(item, Segment):
                item.add(item.counter.in_str(text), totals)
                text = item.compiled.run(text)
            else:
                name, op = item
                text, n = op.run(text)
                totals[name] += n
        return totals


@functools.lru_cache(maxsize=8)
def step_counter(pipeline: Pipeline) -> StepCounter:
    """The StepCounter of `pipeline`, built once (a run counts many blocks, often of many files)."""
    return StepCounter(pipeline)

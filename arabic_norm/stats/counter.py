"""StepCounter: the counts of --stats for one pipeline, block by block (see the package's docstring)."""

from __future__ import annotations

import functools

from ..compiler import PassTally, with_run_lines
from ..engine import kernel
from ..engine.kernel import Counter
from ..engine.maps import CompiledMap
from ..pipeline import Pipeline
from ..protect import START
from ..splice import whole_lines
from ..steps import CharMap
from ..steps.base import Rule
from ..stream.blocks import BLOCK_SIZE, positioned_blocks
from .in_run import InRun, held_lines, held_regions
from .segment import Segment


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
                self.plan.append((spec.name, with_run_lines(op)))  # (as the compiled passes run it)
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
        # (block, rules that made no substitution in it, substitutions of the `tail` rules in it,
        # its protected spans, (its pieces' text after the `prefix`, substitutions per pass) or None)
        self.idle: tuple = (None, frozenset(), {}, [], None)
        # Maps act on each character, rules within a line: a block's counts are the sum of its
        # lines' counts (see `counts_of`). Other passes (Unicode forms...) are not assumed to.
        self.line_local = all(isinstance(p, (CompiledMap, Rule)) for p in pipeline.passes)
        # The rules that end the chain (no map after them), each the only pass of its name: their
        # output is needed by no later count, so their counts are taken from the run (`idle`).
        rule_names = [p.name for p in pipeline.passes if isinstance(p, Rule)]
        self.tail: list[str] = []
        for item in reversed(self.plan):
            if isinstance(item, Segment) and not item:
                continue
            if isinstance(item, Segment) or not isinstance(item[1], Rule) or rule_names.count(item[1].name) != 1:
                break
            self.tail.append(item[1].name)
        self.tail = [n for n in self.tail if sum(isinstance(i, tuple) and i[1].name == n for i in self.plan) == 1]
        self.prefix = self._common_prefix()
        self._plans: dict = {}  # see _plan_without
        self._step_of = {op.name: name for name, op in (i for i in self.plan if isinstance(i, tuple))}
        self._merged: dict = {}  # Segments of maps that idle rules separated, by their plan indexes
        self.fused = None  # (mapping, stops) for counting while mapping
        self._fused_map = None  # its kernel map, built on first use (False: the kernel cannot run it)
        passes = pipeline.map_passes
        if (
            self.without_rules is not None
            and len(passes) == 1
            and passes[0][1].mapping == self.without_rules.compiled.mapping
        ):
            mapping = passes[0][1].mapping
            if set(self.without_rules.changes) <= set(mapping):  # (X -> Y -> X would go uncounted)
                self.fused = (mapping, stops)

    def _common_prefix(self):
        """Where the chain in step order and the compiled passes start alike (one map, then rules,
        in the same order): (plan index after it, pass index after it, [(pass index, step) of its
        rules], its map's Segment or None), or None. Counting a block there need not run those rules
        again: their counts and the text after them are the run's."""
        passes, k, j, first = self.pipeline.passes, 0, 0, None
        while k < len(self.plan) and isinstance(self.plan[k], Segment) and not self.plan[k]:
            k += 1
        if k < len(self.plan) and isinstance(self.plan[k], Segment):
            if (
                not (passes and isinstance(passes[0], CompiledMap))
                or passes[0].mapping != self.plan[k].compiled.mapping
            ):
                return None
            first, k, j = self.plan[k], k + 1, 1
        rules = []
        while k < len(self.plan) and j < len(passes) and isinstance(self.plan[k], tuple):
            name, op = self.plan[k]
            if not (isinstance(op, Rule) and type(passes[j]) is type(op) and passes[j].name == op.name):
                break
            rules.append((j, name))
            k, j = k + 1, j + 1
        return (k, j, rules, first) if rules else None

    def block_pairs(self, blocks, errors: str = "strict"):
        """`Pipeline.block_pairs`, keeping the counts of each block in `last` (block, counts), or
        the rules that had nothing to do in it in `idle` (block, rule names)."""
        if self.fused is None or self._fused_kernel_map() is None:
            yield from self._tallied_pairs(blocks, errors)
            return
        if self.pipeline.protect is not None:
            yield from self._fused_protected_pairs(blocks, errors)
            return
        for block in blocks:
            if block.verbatim:
                yield block.data, block.data
                continue
            out = self._fused_run(block.data)
            if out is None:
                out = self._counted_on_str(block.data, errors)
            if out is None:
                out = self.pipeline.normalize_block(block.data, errors, block.offset, block.lines)
            yield block.data, out

    def _fused_kernel_map(self):
        """The kernel map of `fused`, built on first use; None without the kernel or for maps the
        byte path does not run (keys in ASCII, such as `digits --to arabic`: see kernel.utf8_map).
        `kernel.native` is read on each call: step_counter caches counters, and the tests switch
        the engine (conftest.using_engine) after a counter was built."""
        if kernel.native is None:
            return None
        if self._fused_map is None:
            mapping, stops = self.fused
            self._fused_map = kernel.utf8_map(mapping, stops) or False
        return None if self._fused_map is False else self._fused_map

    def _fused_run(self, data: bytes) -> bytes | None:
        """`data` mapped by the fused map while its changes are counted into `last`; None when the
        kernel hands over (a rule trigger, bytes that are not UTF-8): then nothing is kept."""
        mapping, stops = self.fused
        counts = kernel.counts_buffer(mapping, stops)
        out = self._fused_kernel_map().run(data, counts)
        if out is not None:
            totals = dict.fromkeys(self.steps, 0)
            self.without_rules.add(kernel.counted(mapping, counts), totals)
            self.last = (data, totals)
        return out

    def _fused_protected_pairs(self, blocks, errors: str):
        """The fused path with protection on: blocks regrouped into whole lines and the scanner's
        state carried, as Pipeline.block_pairs does; a block in which the scanner finds no span is
        normalized exactly as without protection (Protect.run_block), so it is mapped and counted
        in the one kernel pass; the others go through the pipeline, and are counted by a pass of
        the same map over the whole block (or afterwards, where that pass hands over)."""
        protect, state = self.pipeline.protect, START
        for block in whole_lines(blocks):
            if block.verbatim:
                yield block.data, block.data
                continue
            spans, end = protect.scan(block.data, state)
            out = None if spans else self._fused_run(block.data)
            if out is None and not spans:
                out = self._counted_on_str(block.data, errors)
            if out is None:
                out, end = self.pipeline.normalize_block_from(state, block.data, errors, block.offset, block.lines)
            if spans:  # counted whole, spans included (as --stats counts): the fused map's output is not kept
                self._fused_run(block.data)
            state = end
            yield block.data, out

    def _tallied_pairs(self, blocks, errors: str):
        """The pipeline's pairs, noting for each block the rules the run found nothing to do for:
        counting the block step by step need not run them (on text without elongations or blank
        runs, say, their regular expressions over the whole block were most of what --stats cost).
        A rule that matched nothing in the compiled passes matches nothing in step order either:
        the passes are the steps, with rules moved only past maps that cannot change what they
        match (see compiler.compile_operations). Only for blocks run whole on the str path."""
        passes = self.pipeline.passes
        if self.pipeline.byte_stops is not None or not self.countable:
            yield from self.pipeline.block_pairs(blocks, errors)
            return
        rules = [(i, p.name) for i, p in enumerate(passes) if isinstance(p, Rule)]
        names = frozenset(name for _, name in rules)
        tally = PassTally(len(passes), self.prefix[1] if self.prefix else None, self._buffers())
        for before, after in self.pipeline.block_pairs(blocks, errors, tally=tally):
            if tally.whole and (self.line_local or not tally.spans):
                busy = {name for i, name in rules if tally.counts[i]}
                known = {} if tally.spans else {name: tally.counts[i] for i, name in rules if name in self.tail}
                resume = (tally.saved, tally.counts) if self.prefix and not tally.spans else None
                self.idle = (before, names - busy, known, tally.spans, resume)
            totals = self.in_run.totals(tally, before, errors, self.counts) if tally.whole and self.in_run else None
            if totals is not None:
                self.last = (before, totals)
            tally.reset(len(passes), self._buffers())
            yield before, after

    def _buffers(self) -> dict | None:
        """PassTally.maps for the next block (InRun.runs), or None: nothing counts in the run."""
        return self.in_run.runs() if self.in_run else None

    @functools.cached_property
    def in_run(self) -> InRun | None:
        """Counting on the run's own passes (in_run.py), worked out on first use."""
        return InRun(self.pipeline, self.steps) if self.countable else None

    def _counted_on_str(self, data: bytes, errors: str) -> bytes | None:
        """A block the kernel handed over (a rule has work in it) normalized as the pipeline's str
        path does it, its counts taken from that run where they are exact (InRun.run_str); None
        when it is not UTF-8 or nothing can count on it (the pipeline then runs it)."""
        if self.in_run is None:
            return None
        out, totals = self.in_run.run_str(data, errors, self.counts)
        if totals is not None:
            self.last = (data, totals)
        return out

    def cut_pair(self):
        """The pipeline's (file_blocks cuts a file's blocks with it, whoever normalizes them)."""
        return self.pipeline.cut_pair()

    def iter_pairs(self, read, errors: str = "strict", block_size: int = BLOCK_SIZE):
        """`Pipeline.iter_pairs`, keeping the counts of each block in `last`."""
        return self.block_pairs(positioned_blocks(read, block_size, self.pipeline.cut_pair), errors)

    def counts_of(self, before: bytes, errors: str = "strict") -> dict[str, int]:
        """The counts of `before`: those kept while mapping it (`last`), or counted now."""
        block, totals = self.last
        if block is before:
            return totals
        block, idle, known, spans, resume = self.idle
        if block is not before:
            return self.counts(before, errors)
        if resume is not None and self.countable and not self._prefix_idle(idle):
            return self._resumed(before, errors, idle, known, *resume)
        if not spans:
            return self.counts(before, errors, idle, known)
        # The lines holding a protected span ran with sentinels in them: counted in full. The other
        # lines ran as they are: counted knowing which rules found nothing in them.
        regions = held_regions(before, spans)
        gaps = zip([0] + [stop for _, stop in regions], [start for start, _ in regions] + [len(before)], strict=True)
        rest = [before[a:b] for a, b in gaps]
        totals = self.counts(held_lines(before, spans)[0], errors)
        for name, n in self.counts(b"".join(rest), errors, idle).items():
            totals[name] += n
        return totals

    def _resumed(self, before, errors, idle, known, saved, substitutions) -> dict[str, int]:
        """`counts` of `before`, its `prefix` taken from the run: the first map counted on the block,
        the rules' substitutions as the run made them, then on from the text the run had there."""
        k, _, rules, first = self.prefix
        totals = dict.fromkeys(self.steps, 0)
        if first is not None:
            first.add(first.counter.in_utf8(before, errors), totals)
        for j, name in rules:
            totals[name] += substitutions[j]
        later = {op.name for _, op in (item for item in self.plan[k:] if isinstance(item, tuple))}
        known = {rule: n for rule, n in known.items() if rule in later}  # (the prefix's are counted)
        for rule, n in known.items():
            totals[self._step_of[rule]] += n
        self._walk(self._plan_without(idle | frozenset(known), k), "".join(saved), totals)
        return totals

    def _prefix_idle(self, idle: frozenset[str]) -> bool:
        """Whether the rules of the `prefix` substituted nothing (resuming after them saves nothing:
        without them the chain may be one Segment, counted on the bytes; see _plan_without)."""
        return all(self.pipeline.passes[j].name in idle for j, _ in self.prefix[2])

    def counts(
        self,
        block: bytes,
        errors: str = "strict",
        idle: frozenset[str] = frozenset(),
        known: dict[str, int] | None = None,
    ) -> dict[str, int]:
        """Characters changed per step (step name -> count) when the pipeline runs on `block`.
        `idle`: names of rules known to make no substitution in `block`; `known`: substitutions of
        rules of the chain's `tail` in `block` (neither is run)."""
        totals = dict.fromkeys(self.steps, 0)
        if not self.countable:
            _, counts = self.pipeline.step_counts(block.decode("utf-8", errors))
            for name, n in counts:
                totals[name] += n
            return totals
        plan = self._plan_without(idle | frozenset(known or ()))
        for rule, n in (known or {}).items():
            totals[self._step_of[rule]] += n
        if len(plan) == 1 and isinstance(plan[0], Segment):
            plan[0].add(plan[0].counter.in_utf8(block, errors), totals)
            return totals
        if self.without_rules is not None:
            occurrences = self.with_stops.in_utf8(block, errors)
            if self.stops.isdisjoint(occurrences):
                self.without_rules.add(occurrences, totals)
                return totals
        if plan and isinstance(plan[0], Segment) and (mapped := plan[0].run_counted_utf8(block, totals)) is not None:
            block, plan = mapped, plan[1:]  # (the first maps counted while mapped, on the bytes)
        self._walk(plan, block.decode("utf-8", errors), totals)
        return totals

    @staticmethod
    def _walk(plan, text: str, totals: dict[str, int]) -> None:
        """Count `text` through `plan` (Segments and operations, in step order) into `totals`."""
        for i, item in enumerate(plan, 1):
            if isinstance(item, Segment) and i == len(plan):  # (what it makes of the text: not needed)
                item.add(item.counter.in_str(text), totals)
            elif isinstance(item, Segment):
                text = item.run_counted(text, totals)
            else:
                name, op = item
                text, n = op.run_counted(text)
                totals[name] += n

    def _plan_without(self, skip: frozenset[str], start: int = 0) -> tuple:
        """`plan[start:]` without the rules named in `skip` (rules that substitute nothing in the
        block, or whose counts are known), the Segments they stood between merged into one: a rule
        that substitutes nothing is the identity, and the maps around it compose. On a block where
        no rule of the chain has anything to do (most blocks of most corpora) the whole chain is
        then one Segment, counted on the UTF-8 bytes in one pass, nothing decoded or run."""
        key = (skip, start)
        plan = self._plans.get(key)
        if plan is None:
            plan, run = [], []  # run: indexes of the consecutive Segments not yet added
            for i in range(start, len(self.plan)):
                item = self.plan[i]
                if isinstance(item, Segment):
                    run.append(i)
                elif not (isinstance(item[1], Rule) and item[1].name in skip):
                    if run:
                        plan.append(self._segment_of(tuple(run)))
                        run = []
                    plan.append(item)
            if run:
                plan.append(self._segment_of(tuple(run)))
            self._plans[key] = plan = tuple(plan)
        return plan

    def _segment_of(self, indexes: tuple[int, ...]) -> Segment:
        """One Segment for the Segments of the plan at `indexes` (built once per combination)."""
        if len(indexes) == 1:
            return self.plan[indexes[0]]
        if indexes not in self._merged:
            self._merged[indexes] = Segment([m for i in indexes for m in self.plan[i].maps])
        return self._merged[indexes]


@functools.lru_cache(maxsize=8)
def step_counter(pipeline: Pipeline) -> StepCounter:
    """The StepCounter of `pipeline`, built once (a run counts many blocks, often of many files)."""
    return StepCounter(pipeline)

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
has the same maps before it as in step order (`_in_run_plan`; blocks with protected spans ran
with sentinels in them, and are counted as above).
"""

from __future__ import annotations

import functools
from array import array

from .compiler import PassTally, operation_order, run_plan, with_run_lines
from .engine import kernel
from .engine.kernel import Counter
from .engine.maps import CompiledMap
from .pipeline import Pipeline
from .protect import START
from .splice import whole_lines
from .steps import CharMap
from .steps.base import Rule
from .stream.blocks import BLOCK_SIZE, positioned_blocks


class Segment:
    """Consecutive maps of the chain (in step order): per input character, what each step changes.
    Worked out on first use (a run builds Segments it may never count with: see _plan_without)."""

    def __init__(self, maps: list[tuple[str, dict[int, str]]]):
        self.maps = [(name, {k: v for k, v in m.items() if v != chr(k)}) for name, m in maps]

    @functools.cached_property
    def _simulated(self) -> tuple[dict[int, dict[str, int]], dict[int, str]]:
        """(code point -> step -> characters it changes, code point -> what the maps make of it)."""
        changes: dict[int, dict[str, int]] = {}
        composed: dict[int, str] = {}
        for code in {k for _, m in self.maps for k in m}:
            text, per_step = chr(code), {}
            for name, m in self.maps:
                if len(text) == 1:  # (nearly always: one character, mapped or not)
                    if (replaced := m.get(ord(text))) is not None:
                        per_step[name] = per_step.get(name, 0) + 1
                        text = replaced
                    continue
                if not m.keys().isdisjoint(map(ord, text)):
                    per_step[name] = per_step.get(name, 0) + sum(ord(c) in m for c in text)
                    text = text.translate(m)
            changes[code], composed[code] = per_step, text
        return changes, composed

    @property
    def changes(self) -> dict[int, dict[str, int]]:
        return self._simulated[0]

    @functools.cached_property
    def compiled(self) -> CompiledMap:
        return CompiledMap(self._simulated[1])

    @functools.cached_property
    def counter(self) -> Counter:
        return Counter(self.changes)

    @functools.cached_property
    def counts_all(self) -> bool:
        """Whether counting the characters the composed map changes counts all the maps change:
        not where the maps bring a character back to itself (X -> Y -> X: the composed map keeps X)."""
        return all(v != chr(k) for k, v in self._simulated[1].items())

    @functools.cached_property
    def _counting_maps(self):
        """The kernel's maps of the maps for bytes and for str (either None where the kernel cannot
        run them: keys the byte path does not run, keys beyond the BMP), which count what they map;
        None where they would not count everything (see counts_all)."""
        if not self.counts_all:
            return None
        composed = self._simulated[1]
        return kernel.utf8_map(composed), kernel.str_map(composed)

    def _counted(self, run, data, totals: dict[str, int]):
        """`run(data, tally)` of one of the kernel's maps, its tally added to `totals` unless None."""
        codes = [None, *self._simulated[1]]
        tally = array("Q", bytes(8 * len(codes)))
        out = run(data, tally)
        if out is not None:
            self.add({codes[k]: tally[k] for k in range(1, len(codes)) if tally[k]}, totals)
        return out

    def __bool__(self) -> bool:
        return any(m for _, m in self.maps)

    def add(self, occurrences: dict[int, int], totals: dict[str, int]) -> None:
        for code, n in occurrences.items():
            for name, changed in self.changes.get(code, {}).items():
                totals[name] += n * changed

    def run_counted_utf8(self, data: bytes, totals: dict[str, int]) -> bytes | None:
        """`data` mapped in one pass of the kernel, what each step changes added to `totals`; None
        (nothing added) where the kernel hands over: bytes that are not UTF-8, a replacement of
        several characters, or no kernel map (see _counting_maps)."""
        if kernel.native is None or self._counting_maps is None or self._counting_maps[0] is None:
            return None
        return self._counted(self._counting_maps[0].run, data, totals)

    def run_counted(self, text: str, totals: dict[str, int]) -> str:
        """`text` mapped, what each step changes added to `totals`: in one pass with the kernel."""
        if kernel.native is None or self._counting_maps is None or self._counting_maps[1] is None:
            self.add(self.counter.in_str(text), totals)
            return self.compiled.run(text)
        return self._counted(self._counting_maps[1].run_str, text, totals)


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
        self._str_maps: dict | None = None  # see _counting_runs
        self._step_of = {op.name: name for name, op in (i for i in self.plan if isinstance(i, tuple))}
        self._merged: dict = {}  # Segments of maps that idle rules separated, by their plan indexes
        self.fused = None  # (mapping, stops, its codes in entry order) for counting while mapping
        self._fused_map = None  # its kernel map, built on first use (False: the kernel cannot run it)
        passes = pipeline.map_passes
        if (
            self.without_rules is not None
            and len(passes) == 1
            and passes[0][1].mapping == self.without_rules.compiled.mapping
        ):
            mapping = passes[0][1].mapping
            if set(self.without_rules.changes) <= set(mapping):  # (X -> Y -> X would go uncounted)
                self.fused = (mapping, stops, [None, *mapping])

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
            mapping, stops, _ = self.fused
            self._fused_map = kernel.utf8_map(mapping, stops) or False
        return None if self._fused_map is False else self._fused_map

    def _fused_run(self, data: bytes) -> bytes | None:
        """`data` mapped by the fused map while its changes are counted into `last`; None when the
        kernel hands over (a rule trigger, bytes that are not UTF-8): then nothing is kept."""
        _, stops, codes = self.fused
        tally = array("Q", bytes(8 * (len(codes) + len(stops))))
        out = self._fused_kernel_map().run(data, tally)
        if out is not None:
            totals = dict.fromkeys(self.steps, 0)
            mapped = {codes[k]: tally[k] for k in range(1, len(codes)) if tally[k]}  # (0: kept)
            self.without_rules.add(mapped, totals)
            self.last = (data, totals)
        return out

    def _counted_on_str(self, data: bytes, errors: str) -> bytes | None:
        """A block the kernel handed over (a rule has work in it) normalized as the pipeline's str
        path does it (every pass on the decoded block), its map passes counting what they map, and
        its counts taken from that run (`_counted_in_run`) where they are exact; None when it is
        not UTF-8 (the pipeline then says where) or there is no in-run plan."""
        tally = PassTally(len(self.pipeline.passes))
        tally.maps = self._counting_runs()
        if tally.maps is None:
            return None
        try:
            text = data.decode("utf-8", errors)
        except UnicodeDecodeError:
            return None
        new = run_plan(self.pipeline.plan, text, tally)
        if (totals := self._counted_in_run(tally, data, errors)) is not None:
            self.last = (data, totals)
        return data if new is text else new.encode("utf-8", errors)

    def _fused_protected_pairs(self, blocks, errors: str):
        """The fused path with protection on: blocks regrouped into whole lines and the scanner's
        state carried, as Pipeline.block_pairs does; a block in which the scanner finds no span is
        normalized exactly as without protection (Protect.run_block), so it is mapped and counted
        in the one kernel pass; the others go through the pipeline and are counted afterwards."""
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
        tally = PassTally(len(passes), self.prefix[1] if self.prefix else None)
        tally.maps = self._counting_runs()
        for before, after in self.pipeline.block_pairs(blocks, errors, tally=tally):
            if tally.whole and (self.line_local or not tally.spans):
                busy = {name for i, name in rules if tally.counts[i]}
                known = {} if tally.spans else {name: tally.counts[i] for i, name in rules if name in self.tail}
                resume = (tally.saved, tally.counts) if self.prefix and not tally.spans else None
                self.idle = (before, names - busy, known, tally.spans, resume)
            if tally.whole and (totals := self._counted_in_run(tally, before, errors)) is not None:
                self.last = (before, totals)
            tally.counts, tally.whole, tally.spans, tally.saved = [0] * len(passes), True, [], []
            tally.maps = self._counting_runs()
            yield before, after

    def _in_run_plan(self):
        """How to count a block on the run's own passes: ({index of each map pass: the Segment of
        the steps' maps it is made of}, {index of each other pass: (its step, whether the maps
        before it are the same in step order)}), or None where the passes cannot be matched to the
        steps (or a map brings a character back to itself: the kernel would not count it).

        Counting there is exact for a block in which every pass that substituted something has the
        same maps before it as in step order: the passes that substituted nothing are the identity
        in both orders (see _tallied_pairs), so each of the others sees the same text in both, and
        what a run of consecutive maps changes, step by step, adds up character by character however
        it is cut into passes."""
        tagged = [(spec.name, op) for spec in self.pipeline.specs for op in spec.operations()]
        order = operation_order([op for _, op in tagged])  # (indexes into tagged)
        groups: list = []  # the passes as they are compiled: Segments for the maps, the other ops
        for k in order:
            name, op = tagged[k]
            if not isinstance(op, CharMap):
                groups.append(k)
            elif groups and isinstance(groups[-1], list):
                groups[-1].append((name, dict(op.mapping)))
            else:
                groups.append([(name, dict(op.mapping))])
        groups = [Segment(g) if isinstance(g, list) else g for g in groups]
        groups = [g for g in groups if not isinstance(g, Segment) or g.compiled]  # (as compile drops them)
        passes = self.pipeline.passes
        if len(groups) != len(passes):
            return None
        is_map = [isinstance(op, CharMap) for _, op in tagged]
        in_steps, in_passes = _maps_before(range(len(tagged)), is_map), _maps_before(order, is_map)
        maps, others = {}, {}
        for i, (group, p) in enumerate(zip(groups, passes, strict=True)):
            if isinstance(group, Segment):
                if not isinstance(p, CompiledMap) or p.mapping != group.compiled.mapping or not group.counts_all:
                    return None
                maps[i] = group
            elif not isinstance(p, Rule) or p.name != tagged[group][1].name:  # (other passes count whole texts)
                return None
            else:
                others[i] = (tagged[group][0], in_steps[group] == in_passes[group])
        return maps, others

    @functools.cached_property
    def _in_run(self):
        return self._in_run_plan() if self.countable else None

    def _counting_runs(self) -> dict | None:
        """PassTally.maps for one block: each map pass's counting run in the kernel, and a fresh
        buffer; None without the kernel (read on each call: the tests switch it) or an in-run plan."""
        if kernel.native is None or self._in_run is None:
            return None
        if self._str_maps is None:
            self._str_maps = {i: kernel.str_map(self.pipeline.passes[i].mapping) for i in self._in_run[0]}
        if any(m is None for m in self._str_maps.values()):
            return None
        return {
            i: (m.run_str, array("Q", bytes(8 * (len(self._in_run[0][i].compiled.mapping) + 1))))
            for i, m in self._str_maps.items()
        }

    def _counted_in_run(self, tally: PassTally, before: bytes, errors: str) -> dict[str, int] | None:
        """The block's counts from its run (see _in_run_plan), or None where they would not be exact.
        With protected spans: the lines holding them are counted in full (the run left the spans
        out) and the run's counts of the other lines are the block's less those of the held lines
        run alone, when they are protected alone as they were in the block (passes act on lines)."""
        if tally.maps is None:
            return None
        passes = tally.counts
        maps = {i: counts[1:] for i, (_, counts) in tally.maps.items()}
        held = b""
        if tally.spans:
            if not self.line_local:
                return None
            held, spans = _held_lines(before, tally.spans)
            alone = PassTally(len(passes))
            alone.maps = self._counting_runs()
            protect = self.pipeline.protect
            if protect.scan(held, START)[0] != spans:
                return None
            self.pipeline.normalize_block_from(START, held, errors, 0, 0, tally=alone)
            if not alone.whole or alone.maps is None:
                return None
            passes = [a - b for a, b in zip(passes, alone.counts, strict=True)]
            maps = {i: [a - b for a, b in zip(maps[i], alone.maps[i][1][1:], strict=True)] for i in maps}
        in_run, others = self._in_run
        if not all(same for i, (_, same) in others.items() if passes[i]):
            return None
        totals = self.counts(held, errors) if held else dict.fromkeys(self.steps, 0)
        for i, (step, _) in others.items():
            totals[step] += passes[i]
        for i, segment in in_run.items():
            codes = self.pipeline.passes[i].mapping
            segment.add({code: n for code, n in zip(codes, maps[i], strict=True) if n}, totals)
        return totals

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
        regions = _held_regions(before, spans)
        gaps = zip([0] + [stop for _, stop in regions], [start for start, _ in regions] + [len(before)], strict=True)
        rest = [before[a:b] for a, b in gaps]
        totals = self.counts(_held_lines(before, spans)[0], errors)
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


def _held_regions(block: bytes, spans) -> list[list[int]]:
    """The lines of `block` holding the protected `spans`: [first byte, end of the last line]."""
    regions: list[list[int]] = []
    for a, b in spans:
        start = block.rfind(b"\n", 0, a) + 1
        stop = block.find(b"\n", max(a, b - 1)) + 1 or len(block)
        if regions and start < regions[-1][1]:  # (on a line of the span before)
            regions[-1][1] = max(regions[-1][1], stop)
        else:
            regions.append([start, stop])
    return regions


def _held_lines(block: bytes, spans) -> tuple[bytes, list[tuple[int, int]]]:
    """The lines of `block` holding `spans`, joined, and the spans' places in them."""
    regions, moved, shift, r = _held_regions(block, spans), [], 0, 0
    for a, b in spans:
        while regions[r][1] <= a:  # (each span lies in one region)
            shift += regions[r][1] - regions[r][0]
            r += 1
        moved.append((a - regions[r][0] + shift, b - regions[r][0] + shift))
    return b"".join(block[start:stop] for start, stop in regions), moved


def _maps_before(order, is_map: list[bool]) -> dict[int, frozenset[int]]:
    """For the operations in `order` (indexes), each that is not a map -> the maps before it."""
    seen: set[int] = set()
    before = {}
    for k in order:
        if is_map[k]:
            seen.add(k)
        else:
            before[k] = frozenset(seen)
    return before


@functools.lru_cache(maxsize=8)
def step_counter(pipeline: Pipeline) -> StepCounter:
    """The StepCounter of `pipeline`, built once (a run counts many blocks, often of many files)."""
    return StepCounter(pipeline)

"""--stats on the run's own passes: each map pass of a block's run counts the characters it maps
(the kernel's `run_str(text, counts)`), the rules' substitutions are the run's, and the counts are
those of running the steps one by one wherever every pass that substituted something has the same
maps before it as in step order (`InRun`). Blocks with protected spans ran without them: their
lines holding a span are counted in full, the others are the run's counts less those of the held
lines run alone."""

from __future__ import annotations

from ..compiler import PassTally, operation_order
from ..engine import kernel
from ..engine.maps import CompiledMap
from ..protect import START
from ..steps import CharMap
from ..steps.base import Rule
from .segment import Segment


class InRun:
    """How to count a block of `pipeline` on its run (build once per counter)."""

    def __init__(self, pipeline, steps: list[str]):
        self.pipeline, self.steps = pipeline, steps
        self.plan = _plan(pipeline)

    def runs(self) -> dict | None:
        """PassTally.maps for one block: a fresh counts buffer for each map pass; None without the
        kernel (read on each call: the tests switch it) or a plan. (The plan's maps have keys in
        the BMP only, StepCounter.countable: the kernel runs all of them on str.)"""
        if kernel.native is None or self.plan is None:
            return None
        return {i: kernel.counts_buffer(self.pipeline.passes[i].mapping) for i in self.plan[0]}

    def totals(self, tally: PassTally, before: bytes, errors: str, counts) -> dict[str, int] | None:
        """The counts of the block `before` from its run (`tally`), or None where they would not
        be exact. `counts(block, errors)` counts lines in full (those holding protected spans:
        the run left the spans out); the run's counts of the other lines are the block's less
        those of the held lines run alone, when they are protected alone as in the block."""
        if tally.maps is None or self.plan is None:
            return None
        passes, maps = tally.counts, tally.maps
        held = b""
        if tally.spans:  # (the plan holds maps and rules only: passes that act line by line)
            held, spans = held_lines(before, tally.spans)
            if self.pipeline.protect.scan(held, START)[0] != spans:
                return None
            alone = PassTally(len(passes), maps=self.runs())
            self.pipeline.normalize_block_from(START, held, errors, 0, 0, tally=alone)
            if not alone.whole or alone.maps is None:
                return None
            passes = [a - b for a, b in zip(passes, alone.counts, strict=True)]
            maps = {i: [a - b for a, b in zip(maps[i], alone.maps[i], strict=True)] for i in maps}
        segments, others = self.plan
        if not all(same for i, (_, same) in others.items() if passes[i]):
            return None
        totals = counts(held, errors) if held else dict.fromkeys(self.steps, 0)
        for i, (step, _) in others.items():
            totals[step] += passes[i]
        for i, segment in segments.items():
            segment.add(kernel.counted(self.pipeline.passes[i].mapping, maps[i]), totals)
        return totals

    def run_str(self, data: bytes, errors: str, counts) -> tuple[bytes | None, dict[str, int] | None]:
        """A block normalized as the pipeline's str path does it (every pass on the decoded block),
        its map passes counting: (its output, its counts or None where `totals` has none); (None,
        None) when it is not UTF-8 (the pipeline then says where) or nothing can count on it."""
        tally = PassTally(len(self.pipeline.passes), maps=self.runs())
        if tally.maps is None:
            return None, None
        try:
            out = self.pipeline.run_on_str(data, errors, tally)
        except UnicodeDecodeError:
            return None, None
        return out, self.totals(tally, data, errors, counts)


def _plan(pipeline):
    """({index of each map pass: the Segment of the steps' maps it is made of}, {index of each
    other pass: (its step, whether the maps before it are the same in step order)}), or None where
    the passes cannot be matched to the steps, a pass is not a rule (Unicode forms count on whole
    texts, not pieces) or a map brings a character back to itself (the kernel would not count it).

    Counting there is exact for a block in which every pass that substituted something has the
    same maps before it as in step order: the passes that substituted nothing are the identity in
    both orders (see StepCounter._tallied_pairs), so each of the others sees the same text in both,
    and what a run of consecutive maps changes, step by step, adds up character by character
    however it is cut into passes. Operations are told apart by their place in the chain: steps
    may share a rule object (uthmani and diacritics do)."""
    tagged = [(spec.name, op) for spec in pipeline.specs for op in spec.operations()]
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
    passes = pipeline.passes
    if len(groups) != len(passes):
        return None
    is_map = [isinstance(op, CharMap) for _, op in tagged]
    in_steps, in_passes = _maps_before(range(len(tagged)), is_map), _maps_before(order, is_map)
    segments, others = {}, {}
    for i, (group, p) in enumerate(zip(groups, passes, strict=True)):
        if isinstance(group, Segment):
            if not isinstance(p, CompiledMap) or p.mapping != group.compiled.mapping or not group.counts_all:
                return None
            segments[i] = group
        elif not isinstance(p, Rule) or p.name != tagged[group][1].name:
            return None
        else:
            others[i] = (tagged[group][0], in_steps[group] == in_passes[group])
    return segments, others


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


def held_regions(block: bytes, spans) -> list[list[int]]:
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


def held_lines(block: bytes, spans) -> tuple[bytes, list[tuple[int, int]]]:
    """The lines of `block` holding `spans`, joined, and the spans' places in them."""
    regions, moved, shift, r = held_regions(block, spans), [], 0, 0
    for a, b in spans:
        while regions[r][1] <= a:  # (each span lies in one region)
            shift += regions[r][1] - regions[r][0]
            r += 1
        moved.append((a - regions[r][0] + shift, b - regions[r][0] + shift))
    return b"".join(block[start:stop] for start, stop in regions), moved

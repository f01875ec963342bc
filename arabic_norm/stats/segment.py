"""A run of consecutive maps of the chain, in step order: what each step changes, per character."""

from __future__ import annotations

import functools

from ..engine import kernel
from ..engine.kernel import Counter
from ..engine.maps import CompiledMap


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
        """`run(data, counts)` of one of the kernel's maps, its counts added to `totals` unless
        it returned None."""
        composed = self._simulated[1]
        counts = kernel.counts_buffer(composed)
        out = run(data, counts)
        if out is not None:
            self.add(kernel.counted(composed, counts), totals)
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

"""The fast executor for a compiled code point map.

A `CompiledMap` applies one map (code point -> replacement, '' deletes) to text. Three paths, chosen
per block, all giving the same result as `str.translate`:

- nothing to do: the text contains no ASCII key and is pure ASCII -> returned as is;
- small text, a map with keys outside the BMP, or text containing a key that expands to several
  characters: `str.translate` (numpy would not pay for itself, or cannot express it);
- otherwise a numpy lookup table over the UTF-16 code units: one gather, one compaction for
  deletions. The table is 128 KiB; numpy is imported only the first time this path runs.

`run_utf8` applies the map to UTF-8 bytes without decoding them (utf8.py), which is what the
streaming layer uses for large blocks: decoding and encoding cost more than the map itself.

When the compiled kernel is built (kernel.py), it replaces both numpy paths and str.translate for
maps of BMP keys, at every size: one pass of C, and numpy is never imported.

`benchmarks/bench_engine.py` measures these paths against each other.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping

from . import kernel

# Below this many characters str.translate wins (and numpy need not be imported at all).
NUMPY_MIN_CHARS = 1 << 15
# ...counting numpy's import (about 0.1 s). Once that is paid, or once this map has sent this many
# bytes down the str path (many small files: translate costs about 0.2 us a byte, numpy 0.04), the
# byte engine takes blocks from SMALL_UTF8_MIN_BYTES up: 4x on a run over files of 2-20 KB.
NUMPY_PAYS_AFTER_BYTES = 1 << 19
SMALL_UTF8_MIN_BYTES = 1 << 11
# Deleted code units are marked with this value, then compacted away. U+FFFF is a noncharacter;
# a block that really contains it takes the str.translate path.
_DELETED = 0xFFFF


class CompiledMap:
    """One composed code point map, ready to run."""

    def __init__(self, mapping: Mapping[int, str]):
        # Drop identities: they change nothing and would defeat the "nothing to do" checks.
        self.mapping = {k: v for k, v in mapping.items() if v != chr(k)}
        # Keys the lookup table cannot express: expansions (one character to several) and
        # characters outside the BMP. A block containing one takes the str.translate path.
        self._wide = {k for k, v in self.mapping.items() if len(v) > 1 or (v and ord(v) > 0xFFFF)}
        self._astral = any(k > 0xFFFF for k in self.mapping)
        self._deletes = "" in self.mapping.values()
        self._touches_ascii = any(k < 0x80 for k in self.mapping)
        self._lut = self._wide_mask = None  # built on first numpy use
        self._utf8 = {}  # (stops, kernel on) -> byte engine (kernel or utf8.Utf8Map; None: cannot run this map)
        self._kernel_str = None  # the kernel's map for str, built on first use
        self._translated = 0  # bytes run_utf8 left to the str path for their size (see NUMPY_PAYS_AFTER_BYTES)

    def __bool__(self) -> bool:
        return bool(self.mapping)

    def run(self, text: str, counts=None) -> str:
        """Apply the map. Returns `text` itself (same object) when nothing changes. With `counts`
        (kernel.counts_buffer of `mapping`), the characters mapped are added to it: the kernel's
        map does that, and there is no other way (ValueError)."""
        if counts is not None:
            if kernel.native is None or (compiled := self._str_kernel()) is None:
                raise ValueError("only the kernel's map for str counts what it maps")
            return compiled.run_str(text, counts)
        if not self.mapping or (not self._touches_ascii and text.isascii()):
            return text
        if kernel.native is not None and (compiled := self._str_kernel()) is not None:
            return compiled.run_str(text)
        if len(text) < NUMPY_MIN_CHARS or self._astral or (self._deletes and chr(_DELETED) in text):
            return self._run_translate(text)
        return self._run_numpy(text)

    def run_counted(self, text: str) -> tuple[str, int]:
        """`run`, and how many characters of `text` the map replaced or deleted."""
        new = self.run(text)
        if new is text:
            return text, 0
        return new, len(text) - len(text.translate(dict.fromkeys(self.mapping)))

    def run_utf8(self, data: bytes, stops: str = "") -> bytes | None:
        """Apply the map to UTF-8 bytes without decoding them (see utf8.py): `data` itself when
        nothing changes, None when the str path must do it (small or invalid input, a map or a
        character the byte engine cannot express, or one of the non-ASCII characters `stops`)."""
        if not self.mapping or (not self._touches_ascii and data.isascii()):
            return data
        if len(data) < NUMPY_MIN_CHARS and kernel.native is None and not self._small_pays(len(data), stops):
            return None
        if (stops, kernel.native is not None) not in self._utf8:
            self.prepare(stops)
        engine = self._utf8[stops, kernel.native is not None]
        return engine.run(data) if engine else None

    def _str_kernel(self):
        """The kernel's map for str, built on first use; None when it cannot run this map."""
        if self._kernel_str is None:
            self._kernel_str = kernel.str_map(self.mapping) or False
        return self._kernel_str or None

    def _small_pays(self, size: int, stops: str) -> bool:
        """Whether the byte engine should take a block under NUMPY_MIN_CHARS bytes."""
        if size < SMALL_UTF8_MIN_BYTES:
            return False
        if (stops, False) in self._utf8 or self._translated >= NUMPY_PAYS_AFTER_BYTES:
            return True
        self._translated += size
        return False

    def _run_translate(self, text: str) -> str:
        new = text.translate(self.mapping)
        return text if new == text else new

    def count(self, text: str) -> int:
        """How many characters of `text` this map changes (for --stats)."""
        return sum(text.count(chr(k)) for k in self.mapping)

    def prepare(self, stops: str | None = None) -> None:
        """Build the kernel's maps, or import numpy and build its lookup tables, now (before worker
        processes fork, so that they inherit them instead of each paying for them); with `stops`,
        the byte engine's too."""
        if kernel.native is not None:
            if stops is not None and (stops, True) not in self._utf8:
                self._utf8[stops, True] = kernel.utf8_map(self.mapping, stops)
            self._str_kernel()
            return
        if stops is not None and (stops, False) not in self._utf8:
            from .utf8 import Utf8Map

            self._utf8[stops, False] = Utf8Map.build(self.mapping, stops)
        if self._lut is not None:
            return
        import numpy as np

        lut = np.arange(0x10000, dtype=np.uint16)
        for k, v in self.mapping.items():
            if k not in self._wide:  # wide keys stay identities: their blocks never get here
                lut[k] = ord(v) if v else _DELETED
        self._wide_mask = np.zeros(0x10000, dtype=bool)
        self._wide_mask[list(self._wide)] = True
        self._lut = lut

    def _run_numpy(self, text: str) -> str:
        import numpy as np

        self.prepare()
        try:
            raw = text.encode("utf-16-le")
        except UnicodeEncodeError:  # lone surrogates (bytes passed through with surrogateescape)
            return self._run_translate(text)
        units = np.frombuffer(raw, dtype=np.uint16)
        if self._wide and np.take(self._wide_mask, units).any():
            return self._run_translate(text)
        out = np.take(self._lut, units, mode="wrap")  # indices are uint16: no bounds check needed
        kept = out != _DELETED
        if kept.all():
            if np.array_equal(out, units):
                return text
        else:
            out = np.compress(kept, out)  # several times faster than out[kept]
        return codecs.utf_16_le_decode(memoryview(out))[0]

    def __getstate__(self):
        return {"mapping": self.mapping}

    def __setstate__(self, state):
        self.__init__(state["mapping"])

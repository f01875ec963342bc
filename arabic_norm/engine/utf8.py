"""The byte engine: apply a code point map to UTF-8 bytes directly, checking them on the way.

Decoding UTF-8 into a str and encoding the result back costs more than the map itself, so for
large blocks a `CompiledMap` runs here instead (see `Utf8Map.run`). The idea: in UTF-8 every
character of U+0080-U+07FF (all of Arabic and its diacritics) is two bytes, a lead byte C2-DF and a
continuation byte. Viewing the bytes as little-endian 16-bit words twice, at even and at odd offsets,
gives every byte pair (b[i], b[i+1]) of the block without any copying. One table of 65536 entries
sends each pair to:

- itself (most pairs: nothing to do);
- its replacement, for a pair that is a mapped two-byte character. A shorter replacement is padded
  with 0xFF, which never occurs in UTF-8, and every 0xFF is deleted at the end;
- a *sentinel*, a word whose first byte is 0xFE (which never occurs in UTF-8 either), for a pair
  that needs a closer look: the start of a three- or four-byte character, two continuation bytes in
  a row, the first two bytes of a mapped three-byte character, a mapped character whose replacement
  is longer than itself, or bytes that cannot be UTF-8.

A pair that is a mapped two-byte character can only be the character itself: a lead byte is never a
continuation byte, so it always starts a character (this is why odd and even pairs never disagree).
Sentinels are rare in Arabic text (a dash or a presentation form here and there) and are checked
with a few vectorised lookups at their positions only. Bytes that are not valid UTF-8, and
replacements longer than the original, make `run` return None: the caller then takes the str path,
which reports the exact position of bad bytes (or passes them through with surrogateescape).

The result is byte for byte the one the str path gives; tests/test_properties.py checks it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# What a byte can be in UTF-8.
ASCII, CONT, LEAD2, LEAD3, LEAD4, INVALID = range(6)
KIND = np.full(256, INVALID, dtype=np.uint8)
KIND[0x00:0x80] = ASCII
KIND[0x80:0xC0] = CONT
KIND[0xC2:0xE0] = LEAD2
KIND[0xE0:0xF0] = LEAD3
KIND[0xF0:0xF5] = LEAD4
# Allowed range of the byte after a lead (Unicode table 3-7: no overlongs, surrogates, > U+10FFFF).
SECOND_MIN = np.full(256, 0x80, dtype=np.uint8)
SECOND_MAX = np.full(256, 0xBF, dtype=np.uint8)
SECOND_MIN[0xE0], SECOND_MAX[0xED], SECOND_MIN[0xF0], SECOND_MAX[0xF4] = 0xA0, 0x9F, 0x90, 0x8F

DELETED = 0xFF  # padding byte, removed at the end
MARK = 0xFE  # first byte of every sentinel word
# Sentinel words (little-endian: MARK comes first in memory); the second byte says what they mark.
BAD = MARK | 1 << 8  # not UTF-8, or a replacement that does not fit: give up (str path)
CONT2 = MARK | 2 << 8  # a continuation byte followed by another
START3 = MARK | 3 << 8  # the first two bytes of a three-byte character
START4 = MARK | 4 << 8  # the first two bytes of a four-byte character
KEY3 = MARK | 5 << 8  # the first two bytes of a three-byte character that may be mapped


def pad(replacement: bytes, width: int) -> bytes | None:
    """The replacement padded to `width` bytes with DELETED, or None when it does not fit."""
    return replacement.ljust(width, bytes([DELETED])) if len(replacement) <= width else None


class Utf8Map:
    """A code point map compiled for UTF-8 bytes. Build with `Utf8Map.build`, which returns None
    for maps this engine cannot run (keys in ASCII or beyond the BMP)."""

    def __init__(self, pairs: np.ndarray, keys3: np.ndarray, values3: np.ndarray, shrinks: bool):
        self.pairs = pairs  # 65536 uint16: pair word -> replacement word or sentinel
        self.keys3 = keys3  # sorted int64 codes (b0 << 16 | b1 << 8 | b2) of mapped 3-byte characters
        self.values3 = values3  # (len(keys3), 3) uint8: their padded replacements (row of MARK: too long)
        self.shrinks = shrinks  # whether DELETED padding can appear in the output

    @classmethod
    def build(cls, mapping: Mapping[int, str], stops: str = "") -> Utf8Map | None:
        """`stops`: characters whose presence makes `run` return None, as if they were mapped to
        something too long (the pipeline uses this to check that no rule has work to do)."""
        if any(k < 0x80 or k > 0xFFFF or 0xD800 <= k < 0xE000 for k in [*mapping, *map(ord, stops)]):
            return None
        mapping = {**mapping, **dict.fromkeys(map(ord, stops), "\uffff" * 2)}  # too long for any key
        words = np.arange(1 << 16, dtype=np.uint32)
        first, second = words & 0xFF, words >> 8
        k1, k2 = KIND[first], KIND[second]
        lead34 = (k1 == LEAD3) | (k1 == LEAD4)
        bad = (k1 == INVALID) | (k2 == INVALID) | ((k1 == ASCII) & (k2 == CONT))
        bad |= ((k1 == LEAD2) | lead34) & (k2 != CONT)
        bad |= lead34 & ((second < SECOND_MIN[first]) | (second > SECOND_MAX[first]))
        table = np.arange(1 << 16, dtype=np.uint16)
        table[(k1 == CONT) & (k2 == CONT)] = CONT2
        table[k1 == LEAD3] = START3
        table[k1 == LEAD4] = START4
        table[bad] = BAD
        keys3, shrinks = [], False
        for key, value in mapping.items():
            old, new = chr(key).encode(), value.encode()
            shrinks = shrinks or len(new) < len(old)
            if len(old) == 2:
                padded = pad(new, 2)
                table[old[0] | old[1] << 8] = BAD if padded is None else padded[0] | padded[1] << 8
            else:
                table[old[0] | old[1] << 8] = KEY3
                keys3.append((old[0] << 16 | old[1] << 8 | old[2], pad(new, 3) or bytes([MARK] * 3)))
        keys3.sort()
        codes = np.array([k for k, _ in keys3], dtype=np.int64)
        values = np.frombuffer(b"".join(v for _, v in keys3), dtype=np.uint8).reshape(len(keys3), 3)
        return cls(table, codes, values, shrinks)

    def run(self, data: bytes) -> bytes | None:
        """The mapped bytes; `data` itself when nothing changes; None when `data` is not valid UTF-8
        or holds a character whose replacement is longer than itself (use the str path)."""
        n = len(data)
        src = np.frombuffer(data, dtype=np.uint8)
        if n < 2 or KIND[src[0]] == CONT or KIND[src[-1]] not in (ASCII, CONT):
            return None
        # The pairs at even and at odd offsets, through the table. The results live in bytearrays so
        # that a sentinel can be searched for with bytearray.find (as fast as memchr).
        even_words, odd_words = n // 2, (n - 1) // 2
        even_raw, odd_raw = bytearray(2 * even_words), bytearray(2 * odd_words)
        even = np.frombuffer(even_raw, dtype="<u2")
        odd = np.frombuffer(odd_raw, dtype="<u2")
        # mode="wrap": the indices are 16-bit, always in range, and numpy skips its bounds check
        np.take(self.pairs, np.frombuffer(data, dtype="<u2", count=even_words), out=even, mode="wrap")
        odd_in = np.frombuffer(data, dtype="<u2", count=odd_words, offset=1)
        np.take(self.pairs, odd_in, out=odd, mode="wrap")

        out_raw = bytearray(n)
        out = np.frombuffer(out_raw, dtype=np.uint8)
        out[: 2 * even_words].view("<u2")[...] = even
        if n % 2:
            out[-1] = src[-1]  # the last byte is in no even pair (but in an odd one, below)
        # Odd pairs: XOR in the change. Where nothing changed that is a no-op; where a character
        # changed, the even pairs around it left its bytes as they were, so XOR gives the new ones.
        # (A masked copy does the same, but is 20 times slower on this unaligned view.)
        out_odd = out[1 : 1 + 2 * odd_words].view("<u2")
        np.bitwise_xor(out_odd, odd ^ odd_in, out=out_odd)

        mark = bytes([MARK])
        has_sentinels = even_raw.find(mark) >= 0 or odd_raw.find(mark) >= 0
        if has_sentinels and not self._resolve_sentinels(src, out, (even_raw, even), (odd_raw, odd)):
            return None
        if self.shrinks and out_raw.find(bytes([DELETED])) >= 0:
            return np.compress(out != DELETED, out).tobytes()  # 3x faster than bytes.translate
        return data if out_raw == data else bytes(out_raw)

    def _resolve_sentinels(self, src: np.ndarray, out: np.ndarray, *words) -> bool:
        """Check the multi-byte characters at the sentinels, put their bytes back, apply mapped
        three-byte characters. False: not valid UTF-8, or a replacement that does not fit.
        `words`: (raw bytes, uint16 view) of the even pairs, then of the odd pairs."""
        found = []
        for start, (raw, view) in enumerate(words):
            # MARK is never part of a replacement: every MARK byte starts a sentinel word.
            at = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == MARK) >> 1
            found.append((at * 2 + start, view[at]))
        at = np.concatenate([a for a, _ in found])
        kinds = np.concatenate([k for _, k in found])
        if (kinds == BAD).any():
            return False
        # The pair checks in the table leave one question: does every three- or four-byte start
        # have exactly its two or three continuation bytes? Yes exactly when the pairs of two
        # continuation bytes are precisely the ones right after those starts (a missing one: too
        # short; an extra one: too long, or a continuation after a complete character).
        start3 = at[(kinds == START3) | (kinds == KEY3)]
        start4 = at[kinds == START4]
        expected = np.sort(np.concatenate([start3 + 1, start4 + 1, start4 + 2]))
        if not np.array_equal(np.sort(at[kinds == CONT2]), expected):
            return False
        out[at], out[at + 1] = src[at], src[at + 1]  # these bytes belong to longer characters: as they were
        if not len(self.keys3):
            return True
        leads = at[kinds == KEY3]
        codes = src[leads].astype(np.int64) << 16 | src[leads + 1].astype(np.int64) << 8 | src[leads + 2]
        slot = np.searchsorted(self.keys3, codes).clip(0, len(self.keys3) - 1)
        hit = self.keys3[slot] == codes
        leads, values = leads[hit], self.values3[slot[hit]]
        if (values[:, 0] == MARK).any():
            return False
        for i in range(3):
            out[leads + i] = values[:, i]
        return True

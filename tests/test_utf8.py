"""The byte engines on their own: a code point map applied to UTF-8 bytes, by the numpy engine
(arabic_norm/engine/utf8.py) and by the compiled kernel (arabic_norm/engine/_kernel.c): every test runs on both.

Specification: for any map it accepts and any bytes,
- valid UTF-8 holding no character whose replacement is longer than itself (nor a stop character)
  comes back exactly as `str.translate` then `encode` would give it, and as the very same object
  when nothing changes;
- anything else comes back as None (the caller then takes the str path), never half-mapped: in
  particular every byte string that is not UTF-8.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm.engine import kernel
from arabic_norm.engine.utf8 import Utf8Map

from .conftest import ENGINES, using_engine

# Two-byte (Arabic, Latin-1), three-byte (punctuation, presentation forms, U+08xx) and four-byte
# characters, ASCII, line breaks.
POOL = list("ابتثىيأإآٱءئؤةـًٌٍَُِّْٰٕٓٔ٠١،؛é\u00a0ß“”—…\u200f\u200cﻻﻷﷺﻫ\u08d3\u08ff😀𝔸a 1\n\r")
KEYS = [c for c in POOL if 0x80 <= ord(c) <= 0xFFFF]
VALUES = st.text(alphabet=st.sampled_from(POOL), max_size=3)

texts = st.text(alphabet=st.sampled_from(POOL), min_size=2, max_size=200)
maps = st.dictionaries(st.sampled_from(KEYS).map(ord), VALUES, max_size=12)


@pytest.fixture(scope="module", autouse=True, params=ENGINES)
def engine_path(request):
    with using_engine(request.param):
        yield request.param


def build(mapping: dict[int, str], stops: str = ""):
    """The byte engine under test (see `engine_path`)."""
    return kernel.utf8_map(mapping, stops) if kernel.native is not None else Utf8Map.build(mapping, stops)


def too_long(mapping: dict[int, str]) -> set[str]:
    return {chr(k) for k, v in mapping.items() if len(v.encode()) > len(chr(k).encode())}


@settings(max_examples=500, deadline=None)
@given(maps, texts)
def test_valid_utf8_is_mapped_like_str_translate(mapping, text):
    engine = build(mapping)
    data = text.encode()
    result = engine.run(data)
    if too_long(mapping) & set(text):
        assert result is None
        return
    assert result == text.translate(mapping).encode()
    if result == data:
        assert result is data, "unchanged input comes back as the same object"


@settings(max_examples=300, deadline=None)
@given(maps, texts, st.text(alphabet=st.sampled_from(KEYS), min_size=1, max_size=3))
def test_stop_characters_send_to_the_str_path(mapping, text, stops):
    engine = build(mapping, stops)
    result = engine.run(text.encode())
    if set(stops) & set(text) or too_long(mapping) & set(text):
        assert result is None
    else:
        assert result == text.translate(mapping).encode()


def corrupt(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    """Insert or overwrite bytes at positions (modulo the length)."""
    buf = bytearray(data)
    for position, raw in edits:
        at = position % (len(buf) + 1)
        buf[at:at] = raw
    return bytes(buf)


@settings(max_examples=1000, deadline=None)
@given(
    maps,
    texts,
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=3)), min_size=1, max_size=3),
)
def test_bytes_that_are_not_utf8_are_refused(mapping, text, edits):
    data = corrupt(text.encode(), edits)
    try:
        expected = data.decode().translate(mapping).encode()
    except UnicodeDecodeError:
        expected = None
    result = build(mapping).run(data)
    if expected is not None and too_long(mapping) & set(data.decode()):
        expected = None
    assert result == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"\xd9\x8e\xd9", "lead byte at the end"),
        (b"\x8e\xd9\x8e", "continuation byte at the start"),
        (b"a\x8eb", "continuation byte after ASCII"),
        (b"\xd9\x8e\x8e", "continuation byte after a complete two-byte character"),
        (b"\xe2\x80\x9c\x9c", "continuation byte after a complete three-byte character"),
        (b"\xe2\x80a", "three-byte character cut short"),
        (b"\xf0\x9f\x98a", "four-byte character cut short"),
        (b"\xc0\xafab", "overlong encoding (C0)"),
        (b"\xe0\x80\xafa", "overlong three-byte encoding"),
        (b"\xed\xa0\x80a", "surrogate"),
        (b"\xf4\x90\x80\x80", "beyond U+10FFFF"),
        (b"a\xffb", "0xFF, the engine's own padding byte"),
        (b"a\xfeb", "0xFE, the engine's own sentinel byte"),
    ],
)
def test_invalid_utf8_is_refused(raw, reason):
    with pytest.raises(UnicodeDecodeError):
        raw.decode()
    assert build({ord("َ"): "", ord("“"): '"'}).run(raw) is None, reason


@pytest.mark.parametrize(
    "mapping, text, expected, reason",
    [
        ({0x064E: ""}, "سَلام", "سلام", "two-byte character deleted"),
        ({0x0623: "ا"}, "xأ", "xا", "two-byte character at an odd offset"),
        ({0x0623: "ا"}, "أx", "اx", "two-byte character at an even offset"),
        ({0x201C: '"', 0x201D: '"'}, "«“نص”»", '«"نص"»', "three-byte character to ASCII"),
        ({0x0660: "0"}, "٠١", "0١", "two-byte character to ASCII"),
        ({0x08F0: ""}, "ب\u08f0ت", "بت", "three-byte character deleted"),
        ({0xFEFB: "ﻻ"}, "ﻻ", "ﻻ", "identity"),
        ({0x0649: "ي"}, "😀ى😀", "😀ي😀", "beside four-byte characters"),
        ({0x064E: ""}, "سَa", "سa", "one ASCII byte left after the last two-byte character"),
        ({0x064E: ""}, "abسَ", "abس", "a two-byte character ends the input"),
        ({0x064E: ""}, "سَ abcdefghij\n", "س abcdefghij\n", "ASCII to the end, eight at a time"),
    ],
)
def test_examples(mapping, text, expected, reason):
    assert build(mapping).run(text.encode()) == expected.encode(), reason


def test_maps_it_cannot_run():
    assert build({ord("a"): "b"}) is None, "ASCII keys: bytes.translate territory, left to the str path"
    assert build({0x1F600: ""}) is None, "keys beyond the BMP"
    assert build({0xFEFB: "لا"}).run("ﻻ ب".encode()) is None, "a replacement longer than its key"

"""The kernel's vector loop (map_vector in arabic_norm/engine/_kernel.c): 64 bytes at a time where
the processor has AVX-512 VBMI2, for chunks of ASCII and Arabic-block characters (U+0600-U+06FF).

Specification: it writes exactly what the one-character loop writes, and gives up (None) exactly
where that loop does (a stop, a replacement longer than its character, bytes that are not
UTF-8), on chunks it maps itself and on chunks it hands to the other loop; characters split by the
end of a chunk are mapped whole. The corpus files and the hypothesis properties of test_utf8.py,
test_properties.py and test_stats.py run on it too (conftest.ENGINES); these cases aim at its
chunks, which the mixed alphabets of those properties rarely fill with Arabic alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm.engine import kernel

from .conftest import using_engine

needs_kernel = pytest.mark.skipif(kernel.native is None, reason="the compiled kernel is not built")

ARABIC = [chr(c) for c in range(0x0600, 0x0700)]
ASCII = list(" \n\t.a1")
# what sends a chunk to the other loop: characters outside the block (two, three, four bytes)
OTHERS = list("«é\u0750\u200f—ﻻ😀")


def both_loops(mapping: dict[int, str], data: bytes, stops: str = "") -> tuple:
    """(vector loop's result, one-character loop's result) of the kernel's map of `mapping`."""
    compiled = kernel.utf8_map(mapping, stops)
    with using_engine("vector"):
        vector = compiled.run(data)
    with using_engine("kernel"):
        scalar = compiled.run(data)
    return vector, scalar


arabic_texts = st.text(
    alphabet=st.one_of(st.sampled_from(ARABIC), st.sampled_from(ASCII), st.sampled_from(OTHERS)),
    min_size=40,  # chunks of 64 bytes: hypothesis would mostly try texts shorter than one
    max_size=400,
).filter(lambda t: sum(c in OTHERS for c in t) <= 2)
# deleted, replaced within the block, by ASCII, longer (the byte path gives up) or by tatweel
replacements = st.one_of(
    st.just(""), st.sampled_from(ARABIC), st.sampled_from(list("a'")), st.sampled_from(["اا", "ـ"])
)
arabic_maps = st.dictionaries(st.integers(0x0600, 0x06FF), replacements, min_size=1, max_size=60)


@needs_kernel
@settings(max_examples=1000, deadline=None)
@given(arabic_maps, arabic_texts, st.sampled_from(["", "ـ", "ى"]))
def test_vector_loop_writes_what_the_character_loop_writes(mapping, text, stops):
    vector, scalar = both_loops(mapping, text.encode(), stops)
    assert vector == scalar
    if scalar is not None:
        assert scalar == text.translate(mapping).encode()


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(arabic_maps, arabic_texts, st.binary(min_size=1, max_size=3), st.integers(min_value=0))
def test_vector_loop_gives_up_on_bytes_that_are_not_utf8_like_the_character_loop(mapping, text, junk, where):
    data = text.encode()
    at = where % (len(data) + 1)
    vector, scalar = both_loops(mapping, data[:at] + junk + data[at:])
    assert vector == scalar


TASHKEEL = {c: "" for c in range(0x064B, 0x0653)}


@needs_kernel
@pytest.mark.parametrize(
    "mapping, data, expected, reason",
    [
        (TASHKEEL, "بَ".encode() * 40, "ب".encode() * 40, "chunks of vowelled Arabic: every other character deleted"),
        ({0x0628: ""}, b"a" + "ب".encode() * 40, b"a", "byte 63 begins a character the next chunk ends"),
        ({0x0649: "ي"}, b"x" * 62 + "ى".encode() * 3, b"x" * 62 + "ي".encode() * 3, "replaced across the chunk's end"),
        ({0x0623: "ا"}, ("أ" * 40 + "«").encode(), ("ا" * 40 + "«").encode(), "a chunk with « goes one by one"),
        ({0x0640: "a"}, "بـ".encode() * 30, "بa".encode() * 30, "to one ASCII byte"),
        ({0x0628: "بب"}, "ت".encode() * 40 + "ب".encode(), None, "a replacement longer than its character, last"),
        (TASHKEEL, "ب".encode() * 20 + b"\xc0\x80" + "ب".encode() * 20, None, "an overlong NUL inside a chunk"),
        (TASHKEEL, "ب".encode() * 40 + b"\xd8", None, "a character cut short at the end of the data"),
        (TASHKEEL, "ب".encode() * 20 + b"\x80" + "ب".encode() * 20, None, "a stray continuation byte"),
        (TASHKEEL, "ب".encode() * 20 + b"\xd8\xd8" + "ب".encode() * 20, None, "a first byte with no second"),
        (TASHKEEL, "ب".encode() * 20 + b"\xc5a" + "ب".encode() * 20, None, "a first byte followed by ASCII"),
        (TASHKEEL, "ب".encode() * 20 + b"\xff" + "ب".encode() * 20, None, "a byte UTF-8 never uses"),
        (TASHKEEL, b"a" * 100, b"a" * 100, "ASCII alone"),
    ],
)
def test_vector_loop_cases(mapping, data, expected, reason):
    vector, scalar = both_loops(mapping, data)
    assert scalar == expected, f"the one-character loop: {reason}"
    assert vector == expected, reason


@needs_kernel
def test_a_stop_in_a_chunk_gives_up():
    """A rule's trigger (a stop) makes the byte path hand the block to the str path."""
    vector, scalar = both_loops(TASHKEEL, "بَـ".encode() * 30, stops="ـ")
    assert vector is None and scalar is None


def cpu_flags() -> set[str]:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return set()
    line = next((line for line in cpuinfo.read_text().splitlines() if line.startswith("flags")), "")
    return set(line.split(":", 1)[-1].split())


@needs_kernel
def test_the_vector_loop_runs_where_the_processor_has_avx512_vbmi2():
    """A broken processor check would leave the vector loop off silently."""
    wanted = {"avx512f", "avx512bw", "avx512vbmi", "avx512_vbmi2"}
    if not wanted <= cpu_flags():
        pytest.skip("this processor (or system) has no AVX-512 VBMI2")
    assert kernel.vector_capable


@needs_kernel
def test_environment_variable_switches_the_vector_loop_off():
    code = "from arabic_norm.engine import kernel; print(kernel.native.vector())"
    environment = {**os.environ, "ARABIC_NORM_NO_VECTOR": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    assert done.stdout.strip() == "False"

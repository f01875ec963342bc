"""The compiled kernel (arabic_norm/engine/_kernel.c, loaded by arabic_norm/engine/kernel.py) and its fallback.

Specification:
- the kernel and the numpy fallback write identical bytes for every preset on every corpus file
  (the hypothesis properties in test_utf8.py and test_properties.py run on both engines too);
- on str, the kernel gives what str.translate gives, one character to several included;
- ARABIC_NORM_NO_KERNEL=1 switches the kernel off (the numpy engine runs);
- the plain command (a file or stdin to stdout) does not import numpy when the kernel is built;
- the kernel is built wherever a C compiler is (`make .venv/.installed`, `pip install`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.engine import kernel
from arabic_norm.presets import PRESETS

from .conftest import ROOT, SAMPLES, corpus_files, using_engine

needs_kernel = pytest.mark.skipif(kernel.native is None, reason="the compiled kernel is not built")


def normalized(preset: str, data: bytes, engine_name: str) -> bytes | str:
    """The preset's output for `data` on one engine (a fresh pipeline: no tables shared), or the
    error it reports."""
    with using_engine(engine_name):
        try:
            return Pipeline.preset(preset).normalize_bytes(data)
        except ValueError as e:
            return f"error: {e}"


@needs_kernel
@pytest.mark.parametrize("loop", ["vector", "kernel"])
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_kernel_and_fallback_write_the_same_bytes_on_every_corpus_file(preset, loop):
    """`loop`: the kernel's vector loop (64 bytes at a time), or one character at a time."""
    for path in corpus_files():
        data = path.read_bytes()
        ours, fallback = normalized(preset, data, loop), normalized(preset, data, "numpy")
        if ours != fallback:
            at = next((i for i, (a, b) in enumerate(zip(ours, fallback, strict=False)) if a != b), None)
            pytest.fail(f"{path.name}, preset {preset}, {loop}: the engines differ (first at output byte {at})")


@needs_kernel
@pytest.mark.parametrize(
    "mapping, text, expected, reason",
    [
        ({0x064E: ""}, "سَلام", "سلام", "deletion"),
        ({0xFEFB: "لا"}, "ﻻ ب", "لا ب", "one character to two (the byte path refuses it, str does it)"),
        ({0x0640: "😀"}, "اـب", "ا😀ب", "to a character beyond the BMP: a wider str"),
        ({0x00E9: "e"}, "café", "cafe", "a Latin-1 str stays Latin-1"),
        ({0x0649: "ي"}, "😀ى", "😀ي", "a str holding characters beyond the BMP"),
        ({ord("a"): "b"}, "abc", "bbc", "ASCII keys are fine on str"),
    ],
)
def test_str_is_mapped_like_str_translate(mapping, text, expected, reason):
    assert text.translate(mapping) == expected, "the example itself"
    assert kernel.str_map(mapping).run_str(text) == expected, reason


@needs_kernel
def test_unchanged_input_comes_back_as_the_same_object():
    text = "كتاب\n"
    compiled = kernel.utf8_map({0x064E: ""})
    assert compiled.run(text.encode()) == text.encode()
    data = text.encode()
    assert compiled.run(data) is data
    assert kernel.str_map({0x064E: ""}).run_str(text) is text


@needs_kernel
def test_counter_counts_code_points_in_bytes_and_str():
    counter = kernel.Counter([0x064E, ord("a"), 0x0649])
    text = "سَلَام aa ى \U0001f600"
    expected = {0x064E: 2, ord("a"): 2, 0x0649: 1}
    assert counter.in_utf8(text.encode()) == expected
    assert counter.in_str(text) == expected
    assert counter.in_utf8(b"\xd9" + text.encode() + b"\x8e", "surrogateescape") == expected, "bad bytes: nothing"


@needs_kernel
@given(st.text(alphabet="سَلامٌ ىﻻa\U0001f600", max_size=40))
def test_maps_count_the_characters_they_map_on_bytes_and_str(text):
    """--stats counts while the kernel maps (stats.Segment): run(data, counts) and
    run_str(text, counts) add one to counts[k] for each character of the k-th key of the mapping
    (from 1) they map, on top of what counts held; the output is the same as without counts."""
    mapping = {0x064E: "", 0x0649: "ي", 0xFEFB: "لا"}  # (deleted, replaced, one to two characters)
    expected = [7, *(text.count(chr(k)) for k in mapping)]  # ([0] means nothing: left as it was)
    on_str = kernel.counts_buffer(mapping)
    on_str[0] = 7
    assert kernel.str_map(mapping).run_str(text, on_str) == text.translate(mapping)
    assert on_str.tolist() == expected
    assert kernel.counted(mapping, on_str) == {k: n for k, n in zip(mapping, expected[1:], strict=True) if n}
    assert len(kernel.counts_buffer(mapping, "ab")) == 6, "an entry per key and per stop, and [0]"
    if "\ufefb" not in text:  # (a replacement longer than its character: bytes hand over to str)
        on_bytes = array("Q", [7, 0, 0, 0])
        assert kernel.utf8_map(mapping).run(text.encode(), on_bytes) == text.translate(mapping).encode()
        assert on_bytes.tolist()[1:] == expected[1:]
    with pytest.raises(ValueError, match="too small"):
        kernel.str_map(mapping).run_str(text, array("Q", [0, 0]))


def test_counter_without_the_kernel_counts_the_same():
    counter = kernel.Counter([0x064E, ord("a"), 0x0649])
    text = "سَلَام aa ى \U0001f600"
    with using_engine("numpy"):
        assert counter.in_utf8(text.encode()) == {0x064E: 2, ord("a"): 2, 0x0649: 1}


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)


def test_environment_variable_switches_the_kernel_off():
    code = "from arabic_norm.engine import kernel; print(kernel.native is None)"
    assert python(code, ARABIC_NORM_NO_KERNEL="1").stdout.strip() == "True"


def compiler_works() -> str | None:
    """The C compiler setuptools would use ($CC, else Python's), when it compiles C; else None."""
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if not shutil.which(compiler):
        return None
    probe = subprocess.run(
        [compiler, "-x", "c", "-c", "-o", os.devnull, "-"], input=b"int x;\n", capture_output=True, check=False
    )
    return compiler if probe.returncode == 0 else None


def test_kernel_is_built_where_a_c_compiler_is():
    """The extension is optional, so a broken build would pass silently: not where it can build."""
    compiler = compiler_works()
    if os.environ.get("ARABIC_NORM_NO_KERNEL", "") not in ("", "0") or compiler is None:
        pytest.skip("no working C compiler, or the kernel switched off: the numpy engine runs")
    assert kernel.native is not None, f"{compiler} compiles C but arabic_norm.engine._kernel was not built"


@needs_kernel
@pytest.mark.parametrize("how", ["file", "stdin"])
def test_plain_command_does_not_import_numpy(tmp_path, how):
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    big = tmp_path / "big.txt"
    big.write_text(text * (3_000_000 // len(text) + 1), encoding="utf-8")  # several blocks of every size
    code = (
        "import sys\n"
        "from arabic_norm import cli\n"
        f"sys.argv = ['arabic-norm', 'diacritics', 'tatweel', 'alef', 'ya'{', str(sys.argv[1])' * (how == 'file')}]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('numpy imported' if 'numpy' in sys.modules else 'no numpy')\n"
    )
    with open(big, "rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", code, str(big)], stdin=stdin, capture_output=True, cwd=ROOT, check=True
        )
    assert done.stdout == Pipeline.parse("diacritics tatweel alef ya").normalize_bytes(big.read_bytes())
    assert done.stderr.decode().endswith("no numpy")


@needs_kernel
@pytest.mark.parametrize(
    "data, needles, expected, reason",
    [
        (b"see https://x.org", (b"://",), True, "in the middle"),
        (b"://", (b"://",), True, "the whole of data"),
        ("كتاب @".encode(), (b"://", b"@"), True, "the second needle, at the very end"),
        ("كتاب".encode(), (b"://", b"www.", b"@"), False, "none"),
        (b"ab", (b"abc",), False, "a needle longer than data"),
        (b"", (b"@",), False, "empty data"),
        (b"x", (b"",), True, "the empty needle is in everything, as with `in`"),
        (b"x", (), False, "no needles"),
        ("ب\ue000ت".encode(), ("\ue000".encode(),), True, "a needle ending in a UTF-8 continuation byte"),
        ("ب\ue001ت\ue000".encode(), ("\ue000".encode(),), True, "after a near miss"),
        ("ب\ue001ت".encode(), ("\ue000".encode(),), False, "only a near miss"),
    ],
)
def test_contains_any_answers_like_in(data, needles, expected, reason):
    assert any(n in data for n in needles) == expected, "the example itself"
    assert kernel.native.contains_any(data, needles) == expected, reason
    with using_engine("numpy"):
        assert kernel.contains_any(data, needles) == expected, f"{reason} (without the kernel)"


@needs_kernel
@given(st.binary(max_size=64), st.lists(st.binary(max_size=5), max_size=4))
def test_contains_any_and_find_agree_with_in_and_find_on_any_bytes(data, needles):
    """One more needle is a slice of the data, so that some are found."""
    needles = tuple(needles) + ((data[len(data) // 3 : len(data) // 2],) if data else ())
    assert kernel.native.contains_any(data, needles) == any(n in data for n in needles)
    for needle in needles:
        for start in (0, 1, len(data) // 2, len(data), len(data) + 1, -1, -len(data) - 2):
            assert kernel.native.find(data, needle, start) == data.find(needle, start), (needle, start)


@needs_kernel
@given(st.text(alphabet=st.sampled_from(list("aab\nههي😀é")), max_size=40), st.integers(1, 4), st.integers(0, 45))
def test_find_run_finds_the_first_run_of_n_identical_characters(text, n, start):
    """Where the elongation rule looks: the first run of n identical characters from `start` on
    (the reference: a regex), in str of every width (ASCII, Latin-1, Arabic, beyond the BMP)."""
    import re

    found = re.compile(rf"(.)\1{{{n - 1}}}", re.DOTALL).search(text, start)
    assert kernel.native.find_run(text, n, start) == (found.start() if found else -1)


@pytest.mark.parametrize("engine", ["kernel", "numpy"])
def test_elongation_searches_only_lines_with_a_run_and_gives_the_same(engine):
    """With the kernel, elongation runs its pattern on the lines holding a run of identical
    characters (run_lines); without it, over the whole text: the same output either way."""
    text = "جمييييل جدا\nكتاب\n\nهههههه!!!\nسلام   عليكم\n" * 3
    expected = "جميل جدا\nكتاب\n\nه!!!\nسلام   عليكم\n" * 3
    with using_engine(engine):
        lines = list(kernel.run_lines(text, 3))
        assert Pipeline.parse("elongation")(text) == expected
    if engine == "kernel":
        assert len(lines) == 9, "three lines a copy: the two elongated words and the spaces (a run too)"
    else:
        assert lines == [(0, len(text))], "without the kernel: the whole text"


# What a run does per block: read 1 MiB, write a new 1 MiB, free both. Page faults counted in a
# process of its own (ru_minflt), after a first round that gives malloc its heap.
BLOCK_ROUNDS = """
import resource, sys
from arabic_norm.engine import kernel
kept = kernel.keep_freed_memory() if sys.argv[1] == "keep" else None
def rounds(n):
    for _ in range(n):
        data = bytes(1 << 20)
        out = bytearray(data)
        del data, out
rounds(2)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
rounds(100)
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@needs_kernel
@pytest.mark.skipif(sys.platform != "linux" or os.confstr("CS_GNU_LIBC_VERSION") is None, reason="glibc only")
def test_freed_blocks_are_reused_not_faulted_in_again():
    """keep_freed_memory (the command line's first step): 100 rounds of two 1 MiB blocks fault in
    next to no pages (without it, glibc maps each block afresh: 256 faults a block)."""

    def faults(how: str) -> tuple[str, int]:
        done = subprocess.run([sys.executable, "-c", BLOCK_ROUNDS, how], capture_output=True, text=True, check=True)
        kept, count = done.stdout.split()
        return kept, int(count)

    kept, with_it = faults("keep")
    assert kept == "True" and with_it < 1000
    assert faults("default")[1] > 100 * 256  # what the setting is for (so this test can fail)


def test_the_command_keeps_freed_memory():
    """The console script sets it before anything is read (cli/command.py `entry`)."""
    code = (
        "import sys; from unittest import mock; from arabic_norm.engine import kernel\n"
        "sys.argv = ['arabic-norm', '--version']\n"
        "with mock.patch.object(kernel, 'keep_freed_memory', side_effect=SystemExit(42)):\n"
        "    from arabic_norm.console import entry; entry()\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 42


@needs_kernel
@given(st.binary(max_size=300), st.integers(0, 255))
def test_count_byte_is_bytes_count(data, byte):
    """count_byte (the lines of each block of a stream) answers what bytes.count answers."""
    assert kernel.native.count_byte(data, byte) == data.count(bytes([byte]))
    assert kernel.native.count_byte(bytearray(data), byte) == data.count(bytes([byte]))


@needs_kernel
def test_count_byte_past_a_byte_wide_sum():
    """Counted in rounds of 255 bytes (a byte-wide sum each): every byte a match, over many rounds."""
    assert kernel.native.count_byte(b"\n" * 100_000, 0x0A) == 100_000
    assert kernel.native.count_byte(b"\n\xd9" * 70_000 + b"\n", 0x0A) == 70_001


@needs_kernel
def test_count_byte_refuses_what_is_not_a_byte():
    with pytest.raises(ValueError):
        kernel.native.count_byte(b"abc", 256)

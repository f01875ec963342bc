"""The pyarabic-* steps and the pyarabic preset against pyarabic itself (installed by the test
extra), on every line of every corpus file in ../shared/corpus, byte for byte. pyarabic is given
each line with its line break, as the file iterator yields it; our side runs on the whole file
through normalize_bytes, the path files take."""

from __future__ import annotations

import pytest
from pyarabic import araby

from arabic_norm import Pipeline

from .conftest import codepoints, corpus_files

FUNCTIONS = {
    "pyarabic-strip-tashkeel": araby.strip_tashkeel,
    "pyarabic-strip-diacritics": araby.strip_diacritics,
    "pyarabic-strip-tatweel": araby.strip_tatweel,
    "pyarabic-normalize-hamza": araby.normalize_hamza,
    "pyarabic-normalize-alef": araby.normalize_alef,
    "pyarabic-normalize-teh": araby.normalize_teh,
    "pyarabic-normalize-ligature": araby.normalize_ligature,
}


def preset_reference(line: str) -> str:
    return araby.normalize_hamza(araby.normalize_ligature(araby.strip_tashkeel(araby.strip_tatweel(line))))


def lines_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from f


def assert_identical(pipeline: Pipeline, reference, lines: list[str], where: str) -> None:
    ours = pipeline.normalize_bytes("".join(lines).encode("utf-8")).decode("utf-8")
    theirs = "".join(reference(line) for line in lines)
    if ours == theirs:
        return
    for number, line in enumerate(lines, 1):  # show the first differing line
        a, b = pipeline(line), reference(line)
        assert a == b, f"{where}, line {number}: ours {a!r} pyarabic {b!r}\n{codepoints(a)}\n{codepoints(b)}"
    pytest.fail(f"{where}: whole-file output differs from the line-by-line output")


@pytest.fixture(scope="module", params=corpus_files(), ids=lambda p: p.name)
def corpus_lines(request):
    return request.param.name, list(lines_of(request.param))


@pytest.mark.parametrize("step", list(FUNCTIONS))
def test_step_is_byte_identical_to_pyarabic(step, corpus_lines):
    name, lines = corpus_lines
    assert_identical(Pipeline.parse(step, protect=None), FUNCTIONS[step], lines, f"{step} on {name}")


def test_preset_is_byte_identical_to_pyarabic(corpus_lines):
    name, lines = corpus_lines
    assert_identical(Pipeline.preset("pyarabic", protect=None), preset_reference, lines, f"pyarabic preset on {name}")


# The quirks, on purpose: inputs where pyarabic does something surprising.
QUIRKS = [
    "آب\n",  # initial madda + letter + end of line: ءا
    "آبّ\n",  # ... + shadda: ءا
    "آبَ\n",  # a haraka after the letter: ءء
    "آمن قلبه\n",  # longer word: ءء
    "آ\r\n",  # CRLF: the \r counts as a character
    "x\rآب\r",  # lone CR line breaks
    "ٰى ىٰ ىٰٰ\n",  # dagger alef around maksura
    "\ufef7\ufefc\ufef5\n",  # ligatures: isolated only, hamza dropped
    "ا\u0654 ـَٔ \u06e5\u08f0\n",  # decomposed hamza, tatweel seat, small waw, open tanwin
    "سؤال",  # no final line break
]


@pytest.mark.parametrize("step", list(FUNCTIONS))
@pytest.mark.parametrize("text", QUIRKS)
def test_quirks_are_pyarabics(step, text):
    lines = text.splitlines(keepends=True)
    assert_identical(Pipeline.parse(step, protect=None), FUNCTIONS[step], lines, repr(text))

"""camel-tools compatibility: the `camel` preset, `arclean` and `translit` against camel-tools itself.

Every comparison runs camel-tools (installed with `pip install --no-deps camel-tools==1.6.0`) on the
same text, line by line, over every file of the shared corpora, and shows the first differing line
with its code points.
"""

# The peer protects nothing: compare with protection off (protected spans: tests/test_protect.py).

from __future__ import annotations

import subprocess
import sys

import pytest

# camel-tools is the reference and must be installed (`make test` does it): no silent skipping.
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.presets import PRESETS
from arabic_norm.steps import STEPS
from arabic_norm.steps import camel as camel_steps

from .conftest import CORPUS, codepoints

SCHEMES = ("bw", "safebw", "xmlbw", "hsb")
# Every .txt file, licence files included (they hold Latin text, quotes and symbols).
FILES = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "fixtures").glob("*.txt"))


def camel_recipe(text: str) -> str:
    """The camel-tools recipe the `camel` preset reproduces."""
    return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(normalize_unicode(text)))))


def assert_same_lines(ours: bytes, theirs: list[str], where: str) -> None:
    """Compare our output (bytes of the whole file) with camel-tools' lines; show the first difference."""
    got = ours.decode("utf-8").split("\n")
    assert len(got) == len(theirs), f"{where}: {len(got)} lines, camel-tools gives {len(theirs)}"
    for number, (a, b) in enumerate(zip(got, theirs, strict=True), 1):
        if a != b:
            start = next(i for i, (x, y) in enumerate(zip(a + "\0", b + "\0", strict=False)) if x != y)
            pytest.fail(
                f"{where}, line {number} differs at character {start}:\n"
                f"  ours:       {a!r}\n  camel-tools: {b!r}\n"
                f"  ours        [{start}:]: {codepoints(a[start : start + 8])}\n"
                f"  camel-tools [{start}:]: {codepoints(b[start : start + 8])}"
            )


def file_ids(path) -> str:
    return path.name


@pytest.fixture(scope="module", params=FILES, ids=file_ids)
def corpus_file(request):
    data = request.param.read_bytes()
    return request.param.name, data, data.decode("utf-8").split("\n")


def test_corpus_files_present():
    assert len(FILES) >= 30, FILES


# --- the camel preset --------------------------------------------------------------------------
def test_camel_preset_is_byte_identical_to_camel_tools(corpus_file):
    name, data, lines = corpus_file
    ours = Pipeline.preset("camel", protect=None).normalize_bytes(data)
    assert_same_lines(ours, [camel_recipe(line) for line in lines], f"camel preset on {name}")


def test_camel_preset_as_separate_steps_is_byte_identical(corpus_file):
    """camel-unicode camel-dediac camel-letters (no fused pass) gives the same bytes."""
    name, data, lines = corpus_file
    if len(data) > 5_000_000:  # the plain NFKC path is slow: the first 20,000 lines of the big files
        lines = lines[:20_000]
        data = "\n".join(lines).encode("utf-8")
    ours = Pipeline.parse("camel-unicode camel-dediac camel-letters", protect=None).normalize_bytes(data)
    assert_same_lines(ours, [camel_recipe(line) for line in lines], f"camel steps on {name}")


# Random text drawn mostly from the Arabic blocks, plus characters that make the fused NFKC pass
# take its careful path (Hangul jamo, an Indic vowel sign) and the two characters camel-tools fixes.
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
SPECIAL = st.sampled_from(
    "\u0622\u0623\u0625\u0627\u0671\u0649\u064a\u0648\u0653\u0654\u0655\u064e\u0651\u0670\ufdfc\ufdfd"
    "\ufe70\ufe71\ufef5\ufdfa\u00a0\u1100\u1161\u11a8\u3131\u314f\u0bc6\u0bbe \n"
)
TEXT = st.text(st.one_of(ARABIC, SPECIAL, st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF), st.characters()))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_camel_preset_matches_camel_tools_on_random_text(text):
    assert Pipeline.preset("camel", protect=None)(text.lstrip("\ufeff")) == camel_recipe(text.lstrip("\ufeff"))


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=40).map("\n".join))
def test_fused_nfkc_pass_matches_plain_path_on_big_text(text):
    """Big texts take the fast path (marks deleted before NFKC) unless unsafe characters occur."""
    big = (text + "\n") * (5000 // (len(text) + 1) + 1)  # above the pass's small-text threshold
    assert Pipeline.preset("camel", protect=None)(big.lstrip("\ufeff")) == camel_recipe(big.lstrip("\ufeff"))


def test_fused_pass_takes_the_careful_path_for_hangul():
    """ㄱ + fatha + ㅏ: NFKC keeps the jamo apart (the fatha blocks them), then dediac removes the
    fatha; deleting it first would compose 가. A big text with this must still match camel-tools."""
    line = "\u3131\u064e\u314f " + "كَتَبَ " * 20
    big = "\n".join([line] * 400)
    assert Pipeline.preset("camel", protect=None)(big) == camel_recipe(big)
    assert "\uac00" not in camel_recipe(line)


@pytest.mark.parametrize(
    "text",
    [
        "\u0623\u0653",  # alef with hamza + combining madda: ا + U+0653, then (2nd run) آ -> ا
        "\u0649\u0654",  # alef maksura + hamza above: ي + U+0654, then (2nd run) ئ
        "\ufe83\u0653",  # presentation form of أ + madda
    ],
)
def test_camel_preset_is_not_idempotent_exactly_as_camel_tools(text):
    """The camel-tools recipe is not idempotent; byte-identity with it wins over idempotence.
    If either side starts composing these on the first run, this test fails (and the preset's
    `idempotent=False` should be revisited)."""
    once, twice = camel_recipe(text), camel_recipe(camel_recipe(text))
    assert once != twice, codepoints(once)
    p = Pipeline.preset("camel", protect=None)
    assert p(text) == once
    assert p(p(text)) == twice
    assert PRESETS["camel"].idempotent is False
    assert "idempotent" in PRESETS["camel"].help.lower()


# --- arclean -----------------------------------------------------------------------------------
def test_arclean_is_byte_identical_to_camel_tools(corpus_file):
    name, data, lines = corpus_file
    mapper = CharMapper.builtin_mapper("arclean")
    ours = Pipeline.parse("arclean", protect=None).normalize_bytes(data)
    assert_same_lines(ours, [mapper(line) for line in lines], f"arclean on {name}")


def test_arclean_every_code_point():
    """All of Unicode at once (surrogates excluded): unlisted characters are deleted, like
    camel-tools does, astral ones included."""
    everything = "".join(chr(cp) for cp in range(1, sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    assert Pipeline.parse("arclean", protect=None)(everything) == CharMapper.builtin_mapper("arclean")(everything)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_arclean_matches_camel_tools_on_random_text(text):
    text = text.lstrip("\ufeff")
    assert Pipeline.parse("arclean", protect=None)(text) == CharMapper.builtin_mapper("arclean")(text)


def test_arclean_keeps_a_leading_bom_unlike_camel_tools():
    """The one documented difference: a BOM at the very start of the input is preserved (camel-tools
    turns it into a space, as it does with every U+FEFF, which arclean does inside the text too)."""
    text = "\ufeffمرحبا\ufeffعالم 😀"
    mapper = CharMapper.builtin_mapper("arclean")
    assert mapper(text).startswith(" ")
    assert Pipeline.parse("arclean", protect=None)(text) == "\ufeff" + mapper(text[1:])
    assert "BOM" in STEPS["arclean"].help


def test_arclean_composes_with_other_steps_like_running_them_one_by_one():
    text = "أَهلاً ﷺ ی 😀 \u200c ـــ"
    mapper = CharMapper.builtin_mapper("arclean")
    chained = Pipeline.parse("tatweel arclean alef", protect=None)
    assert chained(text) == Pipeline.parse("alef", protect=None)(mapper(Pipeline.parse("tatweel", protect=None)(text)))


# --- translit ----------------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", SCHEMES)
def test_translit_matches_camel_tools_both_ways(corpus_file, scheme):
    name, data, lines = corpus_file
    forward, back = CharMapper.builtin_mapper(f"ar2{scheme}"), CharMapper.builtin_mapper(f"{scheme}2ar")
    ours = Pipeline.parse(f"translit --scheme {scheme}", protect=None).normalize_bytes(data)
    theirs = [forward(line) for line in lines]
    assert_same_lines(ours, theirs, f"translit --scheme {scheme} on {name}")
    ours_back = Pipeline.parse(f"translit --scheme {scheme} --reverse", protect=None).normalize_bytes(ours)
    assert_same_lines(ours_back, [back(line) for line in theirs], f"translit --scheme {scheme} --reverse on {name}")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_translit_round_trips_where_camel_tools_does(scheme):
    """Arabic text made only of characters the scheme covers comes back exactly (camel-tools'
    maps are bijective there); on the corpora, a line comes back exactly iff it does with
    camel-tools (Latin letters and punctuation collide with the schemes' alphabets)."""
    forward, back = CharMapper.builtin_mapper(f"ar2{scheme}"), CharMapper.builtin_mapper(f"{scheme}2ar")
    there, home = (
        Pipeline.parse(f"translit --scheme {scheme}", protect=None),
        Pipeline.parse(f"translit --scheme {scheme} --reverse", protect=None),
    )
    arabic = "".join(forward._charmap)  # every character camel-tools transliterates
    words = " ".join(arabic[i : i + 5] for i in range(0, len(arabic), 5))
    assert back(forward(words)) == words
    assert home(there(words)) == words
    assert there(words) != words
    lines = (CORPUS / "msa_ud_arabic_pud_sentences.txt").read_text("utf-8").split("\n")
    for line in lines:
        assert (home(there(line)) == line) == (back(forward(line)) == line), line


def test_translit_round_trip_through_the_chain_composes():
    """`translit translit --reverse` compiles into one map and is the identity on Arabic text."""
    text = "السَّلَامُ عَلَيْكُمْ"
    p = Pipeline.parse("translit --scheme safebw translit --scheme safebw --reverse", protect=None)
    assert p(text) == text
    assert len(p.passes) <= 1


# --- optional dependency -----------------------------------------------------------------------
def test_importing_arabic_norm_does_not_import_camel_tools():
    code = (
        "import sys, arabic_norm\n"
        "from arabic_norm import Pipeline\n"
        "Pipeline.preset('camel', protect=None)('أَحمد'); Pipeline.parse('translit', protect=None)\n"
        "assert 'camel_tools' not in sys.modules, 'camel_tools imported'\n"
        "Pipeline.parse('translit', protect=None)('احمد')\n"
        "assert 'camel_tools' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("chain", ["arclean", "translit --scheme hsb", "translit --reverse"])
def test_missing_camel_tools_names_the_extra(monkeypatch, chain):
    camel_steps.builtin_operations.cache_clear()
    for module in ("camel_tools", "camel_tools.utils", "camel_tools.utils.charmap"):
        monkeypatch.setitem(sys.modules, module, None)  # makes `import` fail
    try:
        with pytest.raises(camel_steps.MissingExtraError) as info:
            Pipeline.parse(chain, protect=None)("احمد")
    finally:
        camel_steps.builtin_operations.cache_clear()
    message = str(info.value)
    assert "pip install six emoji && pip install --no-deps camel-tools==1.6.0" in message
    assert "pip install --no-deps camel-tools==1.6.0" in message
    assert isinstance(info.value, ImportError)


def test_camel_backed_steps_declare_the_extra_and_say_so():
    for name in ("translit", "arclean"):
        assert STEPS[name].extra == "camel"
        assert "camel-tools" in STEPS[name].help
    for name in ("camel-unicode", "camel-dediac", "camel-letters"):
        assert STEPS[name].extra is None  # run on arabic-norm's engine, camel-tools not needed

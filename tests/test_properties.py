"""Properties that must hold for any chain and any text (hypothesis).

- the compiled pipeline equals applying its steps' operations one by one (maps through plain
  str.translate), on every engine path (str.translate, the numpy table, the compiled kernel);
- normalize_bytes(t.encode()) == p(t).encode(), for any block size, also when every block goes
  through the byte engine (utf8.py; tests/test_utf8.py tests it on its own);
- every property runs twice: with the compiled kernel (kernel.py) and with the numpy fallback;
- --stats counts (stats/) equal counting step by step;
- every preset is idempotent;
- text containing nothing a chain targets comes back identical.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.engine import maps as engine
from arabic_norm.presets import PRESETS
from arabic_norm.stats import StepCounter
from arabic_norm.steps import STEPS, CharMap
from arabic_norm.stream.blocks import Block

from .conftest import ENGINES, using_engine


@pytest.fixture(scope="module", autouse=True, params=ENGINES)
def engine_path(request):
    with using_engine(request.param):
        yield request.param


# Characters worth mixing into Arabic: line breaks, blanks, quotes, invisible marks, presentation
# forms, digits, emoji with ZWJ, Latin, an astral character, combining hamza.
SPICE = list(
    " \t\n\r\r\n\"'“”«»‘’\u00a0\u2009\u200b\u200c\u200d\u200e\u200f\u061c\ufeff\u0654\u0653\u0655\u0670"
    "ﻻﻷﷺﷲﻫ٠١٢۳۴,;?%،؛؟ـab é中😀👨\u2028\x00"
)
arabic_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0x08A0, max_codepoint=0x08FF),
        st.sampled_from(SPICE),
    ),
    max_size=300,
)

# Steps from the core (optional camel-tools steps are covered by their own tests).
CORE_STEPS = sorted(name for name, step in STEPS.items() if step.extra is None)


@st.composite
def chains(draw) -> Pipeline:
    tokens: list[str] = []
    for name in draw(st.lists(st.sampled_from(CORE_STEPS), min_size=1, max_size=6)):
        tokens.append(name)
        for option in STEPS[name].options:
            if not draw(st.booleans()):
                continue
            if option.kind == "flag":
                tokens.append(option.flag)
            elif option.kind == "int":
                tokens += [option.flag, str(draw(st.integers(1, 4)))]
            else:
                tokens += [option.flag, draw(st.sampled_from(option.choices))]
    return Pipeline.parse(tokens, protect=None)  # compared with the bare operations


def one_by_one(pipeline: Pipeline, text: str) -> str:
    """Reference: every operation of every step in turn, maps applied with str.translate."""
    if text.startswith("\ufeff"):
        return "\ufeff" + one_by_one(pipeline, text[1:])
    for spec in pipeline.specs:
        for op in spec.operations():
            text = text.translate(op.mapping) if isinstance(op, CharMap) else op.run(text)
    return text


@settings(max_examples=300, deadline=None)
@given(chains(), arabic_text)
def test_compiled_equals_one_by_one(pipeline, text):
    assert pipeline(text) == one_by_one(pipeline, text)


@settings(max_examples=150, deadline=None)
@given(chains(), arabic_text)
def test_numpy_engine_equals_one_by_one(pipeline, text):
    """Send every block, however small, down the numpy table path."""
    saved = engine.NUMPY_MIN_CHARS
    engine.NUMPY_MIN_CHARS = 0
    try:
        assert pipeline(text) == one_by_one(pipeline, text)
    finally:
        engine.NUMPY_MIN_CHARS = saved


@settings(max_examples=200, deadline=None)
@given(chains(), arabic_text, st.integers(min_value=1, max_value=64))
def test_bytes_equal_str_for_any_block_size(pipeline, text, block_size):
    data = text.encode("utf-8", "surrogatepass")
    expected = pipeline(text).encode("utf-8")
    assert pipeline.normalize_bytes(data) == expected
    assert b"".join(pipeline.iter_normalized(io.BytesIO(data).read, block_size=block_size)) == expected


@settings(max_examples=300, deadline=None)
@given(chains(), arabic_text, st.integers(min_value=2, max_value=64))
def test_byte_engine_equals_str_path(pipeline, text, block_size):
    """Send every piece, however small, to the byte engine (which hands back to the str path what
    it cannot do: rule triggers, replacements longer than the original, small pieces)."""
    data = text.encode("utf-8")
    expected = pipeline(text).encode("utf-8")
    saved = engine.NUMPY_MIN_CHARS
    engine.NUMPY_MIN_CHARS = 0
    try:
        assert pipeline.normalize_bytes(data) == expected
        assert pipeline.normalize_bytes(data, block_size=block_size) == expected
    finally:
        engine.NUMPY_MIN_CHARS = saved


@settings(max_examples=200, deadline=None)
@given(chains(), arabic_text, st.binary(min_size=1, max_size=4), st.integers(min_value=0))
def test_byte_engine_passes_undecodable_bytes_through_like_the_str_path(pipeline, text, junk, where):
    """With errors="surrogateescape", bytes that are not UTF-8 come out unchanged whichever engine
    runs the piece (the byte engine hands such pieces to the str path)."""
    encoded = text.encode("utf-8")
    at = where % (len(encoded) + 1)
    data = encoded[:at] + junk + encoded[at:]
    expected = pipeline(data.decode("utf-8", "surrogateescape"))  # (a leading BOM is kept by both)
    saved = engine.NUMPY_MIN_CHARS
    engine.NUMPY_MIN_CHARS = 0
    try:
        assert pipeline.normalize_bytes(data, "surrogateescape") == expected.encode("utf-8", "surrogateescape")
    finally:
        engine.NUMPY_MIN_CHARS = saved


@settings(max_examples=200, deadline=None)
@given(chains(), st.lists(st.one_of(arabic_text, st.sampled_from(["", "\n", "\ufeffأَ", "\x00", "\ufdd0"])), max_size=8))
def test_normalize_batch_equals_mapping(pipeline, texts):
    """The batch path joins the strings, runs each map once and splits: the same as one by one,
    whatever the strings hold (separator candidates, BOMs, empty strings)."""
    assert pipeline.normalize_batch(texts) == [pipeline(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(chains(), arabic_text, st.binary(max_size=3), st.integers(min_value=0))
def test_stats_count_what_running_the_steps_one_by_one_counts(pipeline, text, junk, where):
    """--stats counts on the compiled maps (stats/); the reference runs every step alone and
    counts what it changes (Pipeline.step_counts). Bytes that are not UTF-8 count as nothing."""
    encoded = text.encode("utf-8")
    at = where % (len(encoded) + 1)
    data = encoded[:at] + junk + encoded[at:]
    _, expected = pipeline.step_counts(data.decode("utf-8", "surrogateescape"))
    totals = dict.fromkeys(name for name, _ in expected)
    for name in totals:
        totals[name] = sum(n for step, n in expected if step == name)
    assert StepCounter(pipeline).counts(data, "surrogateescape") == totals


@settings(max_examples=200, deadline=None)
@given(chains(), st.lists(arabic_text, min_size=1, max_size=4))
def test_stats_runner_normalizes_like_the_pipeline_and_counts_like_counting(pipeline, texts):
    """With --stats the blocks are normalized by the StepCounter, which counts while the kernel
    maps: the same output as the pipeline's, the same counts as counting afterwards."""
    counter = StepCounter(pipeline)
    blocks = [Block(t.encode("utf-8"), 0, 0) for t in texts]
    for (before, after), expected in zip(counter.block_pairs(blocks), pipeline.block_pairs(blocks), strict=True):
        assert (before, after) == expected
        assert counter.counts_of(before) == counter.counts(before)


# A compatibility preset reproduces its peer byte for byte, even where the peer is not idempotent
# (Preset.idempotent is False, and tests/test_camel.py shows the exact input); all others must be.
@pytest.mark.parametrize("name", sorted(name for name, preset in PRESETS.items() if preset.idempotent))
@settings(max_examples=300, deadline=None)
@given(text=arabic_text)
def test_presets_are_idempotent(name, text):
    p = Pipeline.preset(name)
    once = p(text)
    assert p(once) == once


# Inputs hypothesis found, each of which a second run changed, kept as a specification:
# (language, preset, text, what that preset writes, why). Every idempotent preset is checked.
SECOND_RUN_CHANGED = [
    ("ar", "search", "\u06d3\u0654", "ئئي", "ۓ + a stray hamza: ے + hamza is ئے, as ۓ is"),
    ("ar", "search", "\u06be\u0654", "ه", "ھ + hamza: the ezafe rule runs after ھ -> ه"),
    ("ar", "search", "\u0629\u0654", "ه", "ة + hamza: the ezafe typed on teh marbuta, the hamza goes"),
    ("ar", "quran", "\u06d2\u08d3\u0621\u0641", "يئف", "a small low waw is no vowel: ے (ي) + ء seats on ي"),
    ("ar", "quran", "\u0621\u200e\u0621", "اء", "an LRM inside a word: uthmani runs after invisible"),
    ("ur", "pyarabic", "\u0622\u0622\n", "\u0622\u0622\n", "آ is an Urdu letter: the initial-madda rule too leaves it"),
    ("fa", "search", "\u0623\u0654", "ا", "a decomposed hamza after أ under --lang fa (only madda kept)"),
    ("ur", "search", "\u06d3\u0654", "ئئے", "in Urdu too: ۓ is ئے, and ے + hamza is ئے"),
]


@pytest.mark.parametrize("lang, preset, text, expected, why", SECOND_RUN_CHANGED)
def test_presets_are_idempotent_on_what_hypothesis_found(lang, preset, text, expected, why):
    assert Pipeline.preset(preset, lang=lang)(text) == expected, why
    for name in (name for name, p in PRESETS.items() if p.idempotent):
        p = Pipeline.preset(name, lang=lang)
        once = p(text)
        assert p(once) == once, (name, why)


def targets(pipeline: Pipeline) -> set[str]:
    """Every character some operation of the chain could act on (conservatively for rules)."""
    out: set[str] = set()
    for spec in pipeline.specs:
        for op in spec.operations():
            if isinstance(op, CharMap):
                out |= {chr(k) for k in op.mapping}
            elif getattr(op, "triggers", ""):
                out |= set(op.triggers)
            else:  # context rules without triggers look at letters, blanks, quotes, commas, everything
                return set(SPICE) | {chr(c) for c in range(0x0600, 0x0700)} | {chr(c) for c in range(0x08A0, 0x0900)}
    return out


@settings(max_examples=300, deadline=None)
@given(chains(), arabic_text)
def test_text_without_targets_is_unchanged(pipeline, text):
    untouched = "".join(c for c in text if c not in targets(pipeline))
    assert pipeline(untouched) == untouched


# Long lines with no line break and no space: the blocks are cut between characters
# (Pipeline.cut_pattern), which must never change the output.
unspaced_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0621, max_codepoint=0x0670),
        st.sampled_from("ابتكلمنيىةهأإآؤئءـًٌٍَُِّْٰٓٔ٠١٢3456abcXYZ,،؛\"'«»\u200c\u200d\u200fﻻﷲ😀é\u0301"),
    ),
    min_size=1,
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(chains(), unspaced_text, st.integers(min_value=1, max_value=48))
def test_block_size_does_not_change_long_lines_without_newlines(tmp_path_factory, pipeline, text, block_size):
    """The same bytes from one piece, from blocks of any size read from a stream, from pieces of
    any size within a block, and from byte ranges of a file, for lines with no break and no space."""
    from arabic_norm.stream.blocks import file_blocks

    data = text.encode("utf-8")
    expected = pipeline(text).encode("utf-8")
    assert b"".join(pipeline.iter_normalized(io.BytesIO(data).read, block_size=block_size)) == expected
    assert pipeline.normalize_bytes(data, block_size=block_size) == expected
    path = tmp_path_factory.mktemp("unspaced") / "line.txt"
    path.write_bytes(data)
    with open(path, "rb") as f:
        blocks = list(file_blocks(f.fileno(), block_size, pipeline.cut_pair))
    assert b"".join(b.data for b in blocks) == data
    assert b"".join(o for _, o in pipeline.block_pairs(blocks)) == expected

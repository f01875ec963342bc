"""--stats (the stats package): the StepCounter normalizes like the pipeline and counts what counting each
block step by step counts, also where it takes counts from the run itself (rules that had nothing
to do in a block, the rules that end the chain) instead of running those rules again."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.cli import command
from arabic_norm.presets import PRESETS as PRESET_DEFINITIONS
from arabic_norm.stats import StepCounter
from arabic_norm.stream.blocks import Block

from .conftest import ENGINES, corpus_files, using_engine


@pytest.fixture(scope="module", autouse=True, params=ENGINES)
def engine_path(request):
    with using_engine(request.param):
        yield request.param


# Words that make the rules at the end of rule-heavy chains work (elongation, blank runs, trailing
# blanks), words no rule touches, and what protection keeps (a URL holding an elongation).
WORDS = ["جمييييل", "كتابٌ", "إلى", "هههههه", "  ", "\t", " \n", "\n", "ـ", "https://x.org/جمييييل", "a@b.org", "X"]
block_text = st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join)
PRESETS = ["search", "quran", "default", "pyarabic", "camel"]
PRESETS_ALL = sorted(PRESET_DEFINITIONS)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PRESETS), st.booleans(), st.lists(block_text, min_size=1, max_size=4))
def test_counter_normalizes_like_the_pipeline_and_counts_like_counting_each_block(preset, protect, texts):
    pipeline = Pipeline.preset(preset) if protect else Pipeline.preset(preset, protect=None)
    counter = StepCounter(pipeline)
    blocks = [Block(t.encode(), 0, 0) for t in texts]
    pairs = list(pipeline.block_pairs(blocks))
    seen = 0
    for (before, after), expected in zip(counter.block_pairs(blocks), pairs, strict=True):
        assert (before, after) == expected
        # counts_of uses what the run noted about this block (when it was run whole); counts
        # counts it from nothing
        assert counter.counts_of(before) == counter.counts(before)
        seen += 1
    assert seen == len(pairs)


@pytest.mark.parametrize("chain", ["digits --to arabic", "digits --to persian"])
def test_maps_with_ascii_keys_are_counted_without_the_kernel_map(chain):
    """The kernel's byte map skips ASCII eight bytes at a time, so it cannot run a map whose keys
    are ASCII (digits --to arabic maps 0-9): --stats counts those chains step by step instead, with
    the pipeline's output (CI found the empty block of `digits --to arabic` crashing here)."""
    pipeline = Pipeline.parse(chain, protect=None)
    counter = StepCounter(pipeline)
    mapping, _ = counter.fused  # the premise: one map for the whole chain, 0-9 among its keys
    assert {ord(d) for d in "0123456789"} <= set(mapping)
    blocks = [Block(t.encode(), 0, 0) for t in ["", "رقم 2024، و٣٤ ?", "12 , 3\n"]]
    for (before, after), expected in zip(counter.block_pairs(blocks), pipeline.block_pairs(blocks), strict=True):
        assert (before, after) == expected
        assert counter.counts_of(before) == counter.counts(before)


def test_tail_rules_are_counted_from_the_run_where_the_block_was_run_whole():
    """search ends with whitespace's two rules: their counts come from the run (blank runs: the
    two double spaces and the tab), the same as counting the block again. So do the counts of the
    map and rules it starts with (the same passes in the same order in the compiled chain)."""
    counter = StepCounter(Pipeline.preset("search"))
    assert counter.tail == ["blank-runs", "trailing-blanks"]
    data = "جمييييل  كتاب\tإلى  ا\n".encode()
    [(before, after)] = counter.block_pairs([Block(data, 0, 0)])
    assert after == "جميل كتاب الي ا\n".encode()
    block, idle, known, spans, resume = counter.idle
    assert block is before and known == {"blank-runs": 3, "trailing-blanks": 0} and spans == []
    assert resume is not None  # (and the rules the chain starts with are counted from the run too)
    assert "trailing-blanks" in idle and "elongation" not in idle
    assert counter.counts_of(before) == counter.counts(before)
    assert counter.counts_of(before)["whitespace"] == 3


def test_lines_with_protected_spans_are_counted_in_full_the_others_from_the_run():
    """Line 2 holds a URL (the run saw a sentinel there): counted in full, its elongation too,
    though the run found none; lines 1 and 3 ran as they are, and no elongation was found there."""
    counter = StepCounter(Pipeline.preset("search"))
    data = "كتاب  إلى\nانظر https://x.org/جمييييل\nإلى\n".encode()
    [(before, _)] = counter.block_pairs([Block(data, 0, 0)])
    block, idle, known, spans, _ = counter.idle
    assert block is before and "elongation" in idle and known == {} and len(spans) == 1
    counts = counter.counts_of(before)
    assert counts == counter.counts(before)
    assert (counts["elongation"], counts["whitespace"], counts["alef"]) == (1, 1, 2)


def test_a_block_with_a_url_is_counted_on_its_run_the_line_holding_the_url_in_full(engine_path):
    """The run left the URL out (it ran the text around it): the line holding it is counted in
    full (its elongation too, as --stats always did), the other lines from the run's own counts,
    less what the held line alone gives in a run: the same as counting the block step by step."""
    counter = StepCounter(Pipeline.preset("search"))
    data = "كتاب  إلى\nانظر https://x.org/جمييييل  هنا\nإلى  \n".encode()
    [(before, after)] = counter.block_pairs([Block(data, 0, 0)])
    assert after == "كتاب الي\nانظر https://x.org/جمييييل هنا\nالي\n".encode()
    block, _ = counter.last
    if engine_path != "numpy":
        assert block is before, "the counts were taken from the run"
    else:
        assert block is not before, "without the kernel nothing is counted while mapping"
    totals = counter.counts_of(before)
    assert totals == counter.counts(before)
    assert (totals["elongation"], totals["whitespace"], totals["alef"], totals["ya"]) == (1, 3, 2, 2)


def test_a_block_the_kernel_hands_over_is_counted_on_its_str_run(engine_path):
    """default maps on the bytes in one pass, counting as it maps, until a rule has work: here a
    combining hamza (ا + ◌ٔ, composed to أ, then folded to ا). The block then runs on the str
    path, whose map pass counts what it maps: the counts are the run's, and those of counting."""
    counter = StepCounter(Pipeline.preset("default"))
    data = "سَأَلَ\nسا\u0654ل إِلَى\n".encode()
    [(before, after)] = counter.block_pairs([Block(data, 0, 0)])
    assert after == "سال\nسال الي\n".encode()
    block, _ = counter.last
    assert (block is before) == (engine_path != "numpy"), "from the run only with the kernel"
    totals = counter.counts_of(before)
    assert totals == counter.counts(before)
    # diacritics: three fathas, two characters composed into one (ا◌ٔ -> أ), a kasra and a fatha
    assert (totals["diacritics"], totals["alef"], totals["ya"]) == (7, 3, 1)


def test_a_block_with_protected_spans_is_counted_whole_as_before(tmp_path):
    """With protected spans the run saw sentinels, not the block: the counts are taken on the whole
    block, URL included (elongation 2: one in the text, one in the URL path), as --stats always did."""
    path = tmp_path / "in.txt"
    path.write_text("جمييييل  كتابٌ  \nانظر https://x.org/جمييييل  و a@b.org\tإلى\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["--stats", "--preset", "search", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "جميل كتاب\nانظر https://x.org/جمييييل و a@b.org الي\n"
    rows = {line.split()[0]: line.split()[-1] for line in result.stderr.splitlines() if line.strip()}
    assert (rows["elongation"], rows["whitespace"], rows["alef"], rows["diacritics"]) == ("2", "4", "1", "1")


def test_stats_on_a_file_without_protection(tmp_path):
    """--no-protect --stats FILE: the counter cuts the file's blocks as the pipeline does (it once
    failed there: the file reader asked the counter for the pipeline's cut)."""
    path = tmp_path / "in.txt"
    path.write_text("جمييييل  كتاب\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["--stats", "--no-protect", "--preset", "search", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "جميل كتاب\n"
    rows = {line.split()[0]: line.split()[-1] for line in result.stderr.splitlines() if line.strip()}
    assert (rows["elongation"], rows["whitespace"]) == ("1", "1")


MARKDOWN_LINES = [
    "كَتَبَ أَحْمَد\n",
    "```\n",
    "إِلَى `كُتُب`\n",
    "https://x.org/أَحْمَد\n",
    "<!-- arabic-norm: off -->\n",
    "<!-- arabic-norm: on -->\n",
    "ـمَـ\n",
    "X\n",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(MARKDOWN_LINES), max_size=6).map("".join), min_size=1, max_size=6))
def test_counting_while_mapping_with_protection_on(texts):
    """With protection on (the default) a chain of maps is counted while the kernel maps it, in
    the blocks where the scanner finds no span; a fence or an off marker in one block protects
    the next ones: the output is the pipeline's and the counts those of counting each block."""
    from arabic_norm.protect import Protect

    pipeline = Pipeline.parse("diacritics tatweel alef ya", protect=Protect(markdown=True))
    counter = StepCounter(pipeline)
    blocks, at = [], 0
    for t in texts:
        blocks.append(Block(t.encode(), at, 0))
        at += len(t.encode())
    pairs = list(pipeline.block_pairs(blocks))
    got = []
    for before, after in counter.block_pairs(blocks):
        got.append((before, after))
        assert counter.counts_of(before) == counter.counts(before)  # what the kernel counted, if it did
    assert got == pairs


SMALL_CORPUS_FILES = [p for p in corpus_files() if p.stat().st_size < 10_000_000]


@pytest.mark.parametrize("path", SMALL_CORPUS_FILES, ids=lambda p: p.name)
def test_counts_taken_from_the_run_equal_counting_each_block_on_every_corpus_file(path):
    """Every preset over every corpus file under 10 MB, in blocks of 64 KiB: what --stats takes
    from the run (counted while its passes map, rules that did nothing left out) equals counting
    each block step by step. On the Uthmani Quran this once differed (uthmani 2, diacritics 42
    instead of 3 and 41 on its fourth verse): uthmani and diacritics share rule objects, which
    the counter told apart by identity, so a rule's step and place came from the other step."""
    for preset in PRESETS_ALL:
        counter = StepCounter(Pipeline.preset(preset))
        with open(path, "rb") as f:
            for before, _ in counter.iter_pairs(f.read, "surrogateescape", block_size=1 << 16):
                assert counter.counts_of(before, "surrogateescape") == counter.counts(before, "surrogateescape"), preset

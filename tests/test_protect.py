"""Protected spans (protect.py): URLs, e-mail addresses, Markdown code, off regions and the user's
patterns come out byte for byte; the text around them is normalized as before, for any block size,
any number of worker processes, and idempotently."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline, Protect, normalize
from arabic_norm import protect as P
from arabic_norm.stream.pool import normalize_file, normalize_stream
from arabic_norm.stream.ring import write_file_ordered

ALEF = Pipeline.parse("alef")
SEARCH = Pipeline.preset("search")
MARKDOWN = Protect(markdown=True)
MD_ALEF = Pipeline.parse("alef", MARKDOWN)


def all_ways(pipeline: Pipeline, text: str) -> str:
    """The output of `pipeline` for `text`, checked to be the same through str, bytes and blocks of
    every size from 1 byte."""
    out = pipeline(text)
    data = text.encode()
    assert pipeline.normalize_bytes(data).decode() == out
    for size in (1, 2, 3, 5, 8, 13, 64):
        assert b"".join(pipeline.iter_normalized(io.BytesIO(data).read, block_size=size)).decode() == out, size
    return out


# --- URLs and e-mail addresses, in every text ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        (
            "إلى https://ar.wikipedia.org/wiki/أحمد_شوقي ثم",
            "الى https://ar.wikipedia.org/wiki/أحمد_شوقي ثم",
            "an Arabic URL path stays whole: normalizing it would make a dead link",
        ),
        (
            "انظر https://ar.wikipedia.org/wiki/إبراهيم، إلى",
            "انظر https://ar.wikipedia.org/wiki/إبراهيم، الى",
            "an Arabic comma after a URL ends it",
        ),
        ("(https://x.org/wiki/إ_(أ)).", "(https://x.org/wiki/إ_(أ)).", "a bracket the URL opened is part of it"),
        ("www.x.org/إ.", "www.x.org/إ.", "www. starts a URL too; the full stop ends it"),
        ("إhttp://x.org/إ", "اhttp://x.org/إ", "a letter before the scheme is text"),
        ("http://x.org/إ\u200fإ", "http://x.org/إ\u200fا", "an invisible format character ends a URL"),
        ("إلى: a.b@x.org؟", "الى: a.b@x.org؟", "an e-mail address"),
        ("@إبراهيم", "@ابراهيم", "a mention is not an address"),
        ("mailto:إ@x.org", "mailto:ا@x.org", "an address is ASCII: the letter before @ is text"),
        ("http://x.org/إ\u00a0إ", "http://x.org/إ\u00a0ا", "a Unicode blank (no-break space) ends a URL"),
        ("«http://x.org/إ»إ", "«http://x.org/إ»ا", "a closing guillemet ends a URL"),
    ],
)
def test_urls_and_addresses_are_kept(text, expected, why):
    assert all_ways(ALEF, text) == expected, why


def test_text_next_to_a_url_is_normalized_as_next_to_a_word():
    # A quote right after a URL closes (as after a word), blanks before a URL are not trailing
    # blanks, and a run of blanks after one is collapsed.
    p = Pipeline.parse("quotes --style guillemets whitespace")
    assert all_ways(p, '"https://x.org/إ"  و  https://y.org/إ  و') == "«https://x.org/إ» و https://y.org/إ و"


def test_protect_none_normalizes_everything():
    text = "https://ar.wikipedia.org/wiki/أحمد إ"
    assert Pipeline.parse("alef", protect=None)(text) == "https://ar.wikipedia.org/wiki/احمد ا"
    assert normalize(text, steps="alef", protect=None) == "https://ar.wikipedia.org/wiki/احمد ا"
    assert normalize(text, steps="alef") == "https://ar.wikipedia.org/wiki/أحمد ا"


def test_urls_can_be_switched_off_alone():
    p = Pipeline.parse("alef", Protect(urls=False))
    assert p("https://x.org/أ\n# arabic-norm: off\nأ\n") == "https://x.org/ا\n# arabic-norm: off\nأ\n"


# --- Markdown ------------------------------------------------------------------------------------
def test_fenced_code_is_kept_with_its_fences_and_info_string():
    text = 'إ\n```python\nname = "إبراهيم"\n```\nإ\n~~~ {.py}\nإ\n~~~~\nإ\n'
    assert all_ways(MD_ALEF, text) == 'ا\n```python\nname = "إبراهيم"\n```\nا\n~~~ {.py}\nإ\n~~~~\nا\n'


def test_a_fence_closes_only_with_the_same_character_at_least_as_long():
    text = "````\nإ\n```\n~~~~\nإ\n````\nإ"
    assert all_ways(MD_ALEF, text) == "````\nإ\n```\n~~~~\nإ\n````\nا"


def test_an_unclosed_fence_runs_to_the_end():
    assert all_ways(MD_ALEF, "إ\n  ```\nإ\nإ") == "ا\n  ```\nإ\nإ"


def test_a_fence_counts_at_any_indentation_but_not_with_backticks_in_its_info():
    # CommonMark allows three spaces; but the whitespace step turns four into one, and a second run
    # must see the same fences (idempotence)
    assert all_ways(MD_ALEF, "    ```\nإ") == "    ```\nإ"
    assert all_ways(MD_ALEF, "``` a`b\nإ") == "``` a`b\nا"


def test_inline_code_is_kept():
    text = "إ `إ` إ ``إ ` إ`` إ ` إ"
    # the last backtick is alone: literal text, normalized
    assert all_ways(MD_ALEF, text) == "ا `إ` ا ``إ ` إ`` ا ` ا"


def test_inline_code_does_not_span_lines():
    assert all_ways(MD_ALEF, "`إ\nإ`") == "`ا\nا`"


def test_markdown_is_off_unless_asked():
    assert ALEF("`إ`\n```\nإ\n```") == "`ا`\n```\nا\n```"
    assert Protect().for_file("notes.md") == MARKDOWN
    assert Protect().for_file("notes.MARKDOWN.gz") == MARKDOWN
    assert Protect().for_file("notes.txt") == Protect()


# --- off / on markers ---------------------------------------------------------------------------
def test_off_region_from_marker_line_to_on_marker_line():
    text = (
        "إ\n<!-- arabic-norm: off -->\nإ\n\nإ\n<!-- arabic-norm: on -->\nإ\n# arabic-norm: off\nإ\n#arabic-norm:on\nإ"
    )
    expected = (
        "ا\n<!-- arabic-norm: off -->\nإ\n\nإ\n<!-- arabic-norm: on -->\nا\n# arabic-norm: off\nإ\n#arabic-norm:on\nا"
    )
    assert all_ways(ALEF, text) == expected


def test_marker_must_be_in_a_comment_and_an_open_region_runs_to_the_end():
    assert all_ways(ALEF, "arabic-norm: off\nإ") == "arabic-norm: off\nا", "not in a comment"
    assert all_ways(ALEF, "// arabic-norm: off\nإ\nإ") == "// arabic-norm: off\nإ\nإ"


def test_markers_inside_fenced_code_are_code():
    text = "```\n# arabic-norm: off\n```\nإ"
    assert all_ways(MD_ALEF, text) == "```\n# arabic-norm: off\n```\nا"


# --- the user's patterns ------------------------------------------------------------------------
def test_user_patterns_within_a_line():
    p = Pipeline.parse("alef", Protect(patterns=[r"\{\{[^}]*\}\}", r"إ+\n"]))
    # the second pattern spans a line break: never protects anything
    assert all_ways(p, "إ {{ إ أ }} إ\nإ") == "ا {{ إ أ }} ا\nا"


def test_a_bad_pattern_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"protect pattern '\('"):
        Protect(patterns=["("])


def test_pipelines_with_other_protection_are_different():
    assert Pipeline.parse("alef") != Pipeline.parse("alef", None)
    assert Pipeline.parse("alef", MARKDOWN) == Pipeline.parse("alef", Protect(markdown=True))
    assert "protect=None" in repr(Pipeline.parse("alef", None))
    assert (Pipeline.parse("alef", MARKDOWN) + Pipeline.parse("ya")).protect == MARKDOWN


# --- properties ---------------------------------------------------------------------------------
WORDS = ["إلى", "أحمد", "«قال»", '"نعم"', "كتابٌ", "ـ", "،", "  ", "\t", ",", "1", "X"]
PROTECTED = [
    "https://ar.wikipedia.org/wiki/أحمد_شوقي",
    "http://x.org/إ?a=أ",
    "a.b@example.org",
    "`إ «أ»`",
    "``إ ` أ``",
]
LINES = ["```py", "```", "~~~", "<!-- arabic-norm: off -->", "# arabic-norm: on", "", "    ```"]
word = st.sampled_from(WORDS + PROTECTED)
line = st.one_of(st.lists(word, max_size=8).map(" ".join), st.sampled_from(LINES))
document = st.lists(line, max_size=12).map("\n".join)
PIPELINES = [Pipeline.preset("default", MARKDOWN), Pipeline.preset("search", MARKDOWN), ALEF, SEARCH]


@settings(max_examples=150, deadline=None)
@given(document, st.sampled_from(PIPELINES), st.integers(1, 40))
def test_same_output_for_any_block_size_and_idempotent(text, pipeline, block_size):
    out = pipeline(text)
    data = text.encode()
    assert pipeline.normalize_bytes(data) == out.encode()
    assert b"".join(pipeline.iter_normalized(io.BytesIO(data).read, block_size=block_size)) == out.encode()
    assert pipeline(out) == out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(word, max_size=8).map(" ".join), max_size=6).map("\n".join), st.sampled_from(PIPELINES))
def test_spans_kept_and_the_rest_normalized_as_around_a_word(text, pipeline):
    """Without fences and markers: the output is what the unprotected pipeline makes of the text
    with every protected span replaced by X (a word no step touches), the spans put back."""
    unprotected = Pipeline(pipeline.specs, protect=None)
    found = [p for p in PROTECTED if (not p.startswith("`") or pipeline.protect.markdown)]
    pattern = re.compile("|".join(re.escape(p) for p in sorted(found, key=len, reverse=True)))
    spans = pattern.findall(text.replace("X", "Y"))
    stand_in = unprotected(pattern.sub("X", text.replace("X", "Y")))
    assert stand_in.count("X") == len(spans)
    pieces = stand_in.split("X")
    expected = pieces[0] + "".join(s + p for s, p in zip(spans, pieces[1:], strict=True))
    assert pipeline(text.replace("X", "Y")) == expected


# The URL scan before it cut URLs with regular expressions (protect.py at commit 4dedc18): each
# character of each URL went through this loop. The scan must find exactly the same spans.
def old_urls(data: bytes) -> list[tuple[int, int]]:
    spans = []
    for m in (*P._found(data, b"://", P._SCHEME_CHARS, P._URL), *P._found(data, b"www.", frozenset(), P._URL)):
        text = old_url_text(m.group().decode("utf-8", "surrogateescape"))
        if "." in text or "://" in text:
            spans.append((m.start(), m.start() + len(text.encode("utf-8", "surrogateescape"))))
    return spans


def old_url_text(text: str) -> str:
    for i, c in enumerate(text):
        if c in P._URL_STOPS or c.isspace() or unicodedata.category(c) == "Cf":
            text = text[:i]
            break
    while text:
        last = text[-1]
        if last in P._URL_TRAILING or (last in P._CLOSERS and text.count(P._CLOSERS[last]) < text.count(last)):
            text = text[:-1]
        else:
            break
    return text


# Pieces of text around URLs: Arabic, ASCII, what ends a URL (blanks of every kind, format
# characters, quotes, guillemets, sentence punctuation, brackets), backticks, bytes that are not UTF-8.
URL_PIECES = [
    "إلى",
    "أحمد",
    "abc",
    "x.org",
    "/wiki/",
    "_",
    "(",
    ")",
    "[",
    "]",
    ".",
    ",",
    "؟",
    "،",
    "…",
    "!",
    "'",
    "*",
    " ",
    "\t",
    "\n",
    "\u00a0",
    "\u2003",
    "\u3000",
    "\u200f",
    "\u200c",
    "\u2066",
    "\ufeff",
    "\u00ad",
    "\x1c",
    "\x85",
    "«",
    "»",
    "“",
    "”",
    "＂",
    '"',
    "<",
    ">",
    "`",
    "```",
    "@",
    "a.b@x.org",
    "://",
    "www.",
    "https://",
    "http://ar.wikipedia.org/wiki/أحمد_شوقي",
    "ftp+x-1.a://",
    "\ue000",
    "😀",
]
url_text = st.lists(
    st.one_of(st.sampled_from(URL_PIECES).map(str.encode), st.sampled_from([b"\xff", b"\xd8", b"\xe2\x80"])),
    max_size=30,
).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(url_text)
def test_url_scan_finds_the_spans_the_character_loop_found(data):
    assert P._urls(data) == old_urls(data)


def test_url_ends_before_brackets_it_did_not_open_and_sentence_punctuation():
    data = "(انظر http://x.org/a_(b))). ثم".encode()
    assert [data[a:b].decode() for a, b in P._urls(data)] == ["http://x.org/a_(b)"]


def test_url_scan_reference_finds_urls():
    """The reference above is not vacuous: it finds URLs, cut where they end."""
    data = "انظر https://x.org/إ_(أ)، و www.y.org.".encode()
    assert [data[a:b].decode() for a, b in old_urls(data)] == ["https://x.org/إ_(أ)", "www.y.org"]
    assert P._urls(data) == old_urls(data)


# --- worker processes ---------------------------------------------------------------------------
REGIONS = (
    "إلى أحمد https://ar.wikipedia.org/wiki/أحمد_شوقي\n" * 300
    + "<!-- arabic-norm: off -->\n"
    + "إلى أحمد\n" * 300
    + "<!-- arabic-norm: on -->\n"
    + "```\nإلى\n"
    + "إلى أحمد `إلى`\n" * 300
    + "```\n"
    + "إلى أحمد\n" * 300
)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("pipeline", [ALEF, MD_ALEF, Pipeline.parse("alef", Protect(patterns=["أحمد"]))])
def test_regions_across_blocks_with_worker_processes(tmp_path, jobs, pipeline):
    expected = pipeline(REGIONS).encode()
    assert pipeline(REGIONS) != REGIONS and expected.count("إلى".encode()) >= 300  # the off region
    path = tmp_path / "in.md"
    path.write_text(REGIONS, encoding="utf-8")
    stream, whole, ordered = io.BytesIO(), io.BytesIO(), tmp_path / "out.md"
    normalize_stream(pipeline, io.BytesIO(REGIONS.encode()).read, stream.write, jobs=jobs, block_size=1000)
    normalize_file(pipeline, str(path), whole.write, jobs=jobs, block_size=1000)
    with open(ordered, "wb") as f:
        write_file_ordered(pipeline, str(path), f.fileno(), jobs=jobs, block_size=1000)
    assert stream.getvalue() == expected
    assert whole.getvalue() == expected
    assert ordered.read_bytes() == expected


def test_stateless_blocks():
    assert Protect().stateless("إلى https://x.org/أ a@b.org ```".encode())
    assert not Protect().stateless(b"# arabic-norm: off")
    assert not MARKDOWN.stateless(b"a `b` c")
    assert not Protect(patterns=["x"]).stateless(b"")


@pytest.mark.parametrize("at", [0, 1, 4090, 4091, 4095, 4096, 8180, 9000])
@pytest.mark.parametrize("trigger", [b"arabic-norm:", b"~~~"])
def test_file_stateless_finds_a_trigger_anywhere_in_its_windows(tmp_path, monkeypatch, trigger, at):
    """The file is read in windows (4 KiB here) that overlap by a trigger's length less one: a
    trigger cut by a window's end is found whole in the next window, wherever it lies."""
    monkeypatch.setattr(P, "STATELESS_WINDOW", 4096)
    text = "كتاب ".encode() * 2000  # 18 KB
    path = tmp_path / "f.md"
    path.write_bytes(text[:at] + trigger + text[at:])
    assert not MARKDOWN.file_stateless(str(path))
    path.write_bytes(text[:at] + trigger[:-1] + b" " + trigger[1:] + text[at:])  # cut: no trigger
    assert MARKDOWN.file_stateless(str(path))


def test_file_stateless_of_an_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert Protect().file_stateless(str(tmp_path / "empty.txt"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=0), st.booleans())
def test_the_run_before_a_needle_is_found_as_one_byte_at_a_time_would(data, where, scheme):
    """_run_start (bytes.rstrip over windows of 64 bytes) finds where the run of scheme or
    e-mail characters before `://` or `@` starts, as stepping back a byte at a time does, runs
    longer than a window included."""
    data = data + b"https" * (where % 40) + data  # (long runs of scheme characters)
    at = where % (len(data) + 1)
    chars = P._SCHEME_CHARS if scheme else P._LOCAL_CHARS
    start = at
    while start > 0 and data[start - 1] in chars:
        start -= 1
    assert P._run_start(data, at, chars) == start
    assert P._run_start(data, at, b"") == at

"""JSONL fields and CSV/TSV columns: only the named values change, everything else byte for byte."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.errors import MalformedRecord, StructuredError
from arabic_norm.formats.jsonl import normalize_json_line, normalize_jsonl, normalize_jsonl_block, parse_field_path
from arabic_norm.formats.records import format_of
from arabic_norm.formats.table import normalize_table

P = Pipeline.parse("diacritics tatweel alef ya")
ARABIC = st.text(alphabet=st.sampled_from("ابتكمأإآىـ\u064e\u0650\u0651\u0652 ,\"'\n\r\t\\/€😀x1"), max_size=40)


def jsonl(pipeline, data: bytes, fields, **kw) -> tuple[bytes, object]:
    out = io.BytesIO()
    stats = normalize_jsonl(pipeline, io.BytesIO(data), out, fields, **kw)
    return out.getvalue(), stats


def table(pipeline, data: bytes, columns, **kw) -> tuple[bytes, object]:
    out = io.BytesIO()
    stats = normalize_table(pipeline, io.BytesIO(data), out, columns, **kw)
    return out.getvalue(), stats


# --- field paths and formats ----------------------------------------------------------------------
def test_field_paths():
    assert parse_field_path("text") == ("text",)
    assert parse_field_path("meta.title") == ("meta", "title")
    assert parse_field_path(r"a\.b.c") == ("a.b", "c")
    for bad in ("", "a..b", ".a"):
        with pytest.raises(StructuredError):
            parse_field_path(bad)


def test_formats():
    assert format_of("x.jsonl.gz") == "jsonl"
    assert format_of("x.NDJSON") == "jsonl"
    assert format_of("x.csv.zst") == "csv"
    assert format_of("x.tsv") == "tsv"
    assert format_of("x.txt") is None


# --- JSONL ---------------------------------------------------------------------------------------
def test_only_the_named_field_changes_and_spacing_is_kept():
    line = '{"id":1.0,  "text" : "كَتَبَ",\t"other": "كَتَبَ", "n": [1e3, null]}\r\n'
    expected = '{"id":1.0,  "text" : "كتب",\t"other": "كَتَبَ", "n": [1e3, null]}\r\n'
    assert normalize_json_line(P, line, [("text",)]) == expected


def test_nested_fields_and_lists():
    line = '{"meta": {"title": "إِلى", "x": "إ"}, "pages": ["أ", 3, "ب"], "items": [{"b": "آ"}, {"c": "آ"}]}'
    got = normalize_json_line(P, line, [("meta", "title"), ("pages",), ("items", "b")])
    assert json.loads(got) == {
        "meta": {"title": "الي", "x": "إ"},
        "pages": ["ا", 3, "ب"],
        "items": [{"b": "ا"}, {"c": "آ"}],
    }


def test_unchanged_line_is_the_same_object():
    line = '{"text": "كتب", "x": "\\u0623"}\n'
    assert normalize_json_line(P, line, [("text",)]) is line


def test_escaped_style_is_kept_for_escaped_values():
    # A writer with ensure_ascii=True spelled the value with \u escapes: the new value is too.
    line = '{"a": "\\u0623\\u064e", "b": "أَ"}'
    got = normalize_json_line(P, line, [("a",), ("b",)])
    assert got == '{"a": "\\u0627", "b": "ا"}'


def test_missing_and_non_string_fields_are_left_alone():
    line = '{"text": 5, "t": null}'
    assert normalize_json_line(P, line, [("text",), ("nope",), ("t", "x")]) is line


def test_jsonl_file_blank_lines_and_stats():
    data = '{"t": "أ"}\n\n{"t": "ب"}\n   \n{"t": "ى"}'.encode()
    out, stats = jsonl(P, data, ["t"])
    assert out == '{"t": "ا"}\n\n{"t": "ب"}\n   \n{"t": "ي"}'.encode()
    assert (stats.records, stats.changed, stats.malformed) == (3, 2, [])


@pytest.mark.parametrize(
    "bad",
    [b'{"t": "a",}', b"not json", b'{"t": "a"} x', b'{"t": "\xff"}', b'{"t": "a"', b"[1,]", b'{"a" 1}'],
)
def test_malformed_lines(bad):
    data = b'{"t": "\xd8\xa3"}\n' + bad + b'\n{"t": "\xd8\xa3"}\n'
    with pytest.raises(MalformedRecord) as e:
        jsonl(P, data, ["t"], on_error="fail")
    assert e.value.line == 2
    out, stats = jsonl(P, data, ["t"], on_error="skip")
    assert out == '{"t": "ا"}\n'.encode() + bad + '\n{"t": "ا"}\n'.encode()
    assert [line for line, _ in stats.malformed] == [2]


def test_block_function_numbers_lines_from_first_line():
    out, stats = normalize_jsonl_block(P, b'{"t": "\xd8\xa3"}\nbad\n', ["t"], on_error="skip", first_line=41)
    assert out == '{"t": "ا"}\nbad\n'.encode()
    assert stats.malformed[0][0] == 42


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | ARABIC,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["t", "x", "ى"]), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["t", "u", "meta", "أ"]), JSON_VALUES, max_size=4),
    st.sampled_from([(", ", ": "), (",", ":"), (" ,  ", " : ")]),
    st.booleans(),
)
def test_jsonl_round_trip_changes_only_named_fields(obj, separators, ensure_ascii):
    line = json.dumps(obj, separators=separators, ensure_ascii=ensure_ascii)
    got = normalize_json_line(P, line + "\n", [("t",), ("meta", "t")])
    assert got.endswith("\n")
    new = json.loads(got)

    def expect(value, path):  # the reference: normalize the parsed object directly
        if not path:
            if isinstance(value, str):
                return P(value)
            if isinstance(value, list):
                return [expect(v, path) for v in value]
            return value
        if isinstance(value, list):
            return [expect(v, path) for v in value]
        if isinstance(value, dict):
            return {k: expect(v, path[1:]) if k == path[0] else v for k, v in value.items()}
        return value

    assert new == expect(expect(obj, ("t",)), ("meta", "t"))
    assert list(new) == list(obj)  # key order
    if new == obj:
        assert got == line + "\n"
    if not ensure_ascii:
        assert "\\u" not in got or "\\u" in line  # no escapes introduced
    # everything outside the changed values is byte for byte: re-dumping gives the same layout
    assert got == json.dumps(new, separators=separators, ensure_ascii=ensure_ascii) + "\n" or got != line


# --- CSV / TSV -----------------------------------------------------------------------------------
def test_csv_quoted_fields_with_newlines_and_unchanged_rows():
    data = ('\ufeffid,text,other\r\n1,"كَتَبَ, ""قال""\r\nسطر",أَ\r\n2,كتب,أ\r\n3,"مـوسى",x\r\n4,أ,').encode()
    out, stats = table(P, data, ["text"])
    assert out == ('\ufeffid,text,other\r\n1,"كتب, ""قال""\r\nسطر",أَ\r\n2,كتب,أ\r\n3,"موسي",x\r\n4,ا,').encode()
    assert (stats.records, stats.changed) == (4, 3)


def test_csv_value_that_needs_quotes_after_normalizing():
    q = Pipeline.parse("quotes")
    out, _ = table(q, "a,b\n1,«x»\n".encode(), ["b"])
    assert list(csv.reader(io.StringIO(out.decode()))) == [["a", "b"], ["1", '"x"']]
    assert out == b'a,b\n1,"""x"""\n'


def test_tsv_has_no_quoting():
    data = 'id\ttext\n1\t"أَ" قال\n'.encode()
    out, _ = table(P, data, ["text"], kind="tsv")
    assert out == 'id\ttext\n1\t"ا" قال\n'.encode()


def test_csv_missing_column_is_an_error():
    with pytest.raises(StructuredError, match="nope"):
        table(P, b"a,b\n1,2\n", ["nope"])


def test_csv_malformed_record():
    data = 'a,t\n1,"x"y\n2,أ\n'.encode()
    with pytest.raises(MalformedRecord) as e:
        table(P, data, ["t"])
    assert e.value.line == 2
    out, stats = table(P, data, ["t"], on_error="skip")
    assert out == 'a,t\n1,"x"y\n2,ا\n'.encode()
    assert stats.malformed[0][0] == 2


def test_csv_unterminated_quote_reports_its_first_line():
    data = 'a,t\n1,أ\n2,"open\nmore\n'.encode()
    with pytest.raises(MalformedRecord) as e:
        table(P, data, ["t"])
    assert e.value.line == 3


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(ARABIC, min_size=3, max_size=3), max_size=6),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    st.sampled_from(["\r\n", "\n"]),
)
def test_csv_round_trip_changes_only_the_named_column(rows, quoting, terminator):
    buf = io.StringIO()
    w = csv.writer(buf, quoting=quoting, lineterminator=terminator)
    w.writerow(["id", "text", "other"])
    w.writerows(rows)
    data = buf.getvalue().encode()

    def records(b: bytes) -> list[list[str]]:
        return list(csv.reader(io.StringIO(b.decode(), newline="")))

    parsed_in = records(data)
    out, stats = table(P, data, ["text"])
    want = [parsed_in[0]] + [[v if i != 1 else P(v) for i, v in enumerate(r)] for r in parsed_in[1:]]
    assert records(out) == want
    changed = sum(len(r) > 1 and P(r[1]) != r[1] for r in parsed_in[1:])
    assert stats.changed == changed
    if not changed:
        assert out == data
    # the other columns keep their exact spelling: every quoted field of the input that is not in
    # the text column is still there, byte for byte, in the output
    if quoting == csv.QUOTE_ALL:
        for r in rows:
            for v in (r[0], r[2]):
                assert ('"' + v.replace('"', '""') + '"').encode() in out


def test_bom_before_a_malformed_first_record_is_kept():
    data = '\ufeff"a"x,t\nid,t\n1,أ\n'.encode()
    out, stats = table(P, data, ["t"], on_error="skip")
    assert out.startswith(b"\xef\xbb\xbf") and stats.malformed[0][0] == 1

"""Chain syntax (arabic_norm/chain.py): one scanner for the library and the command line, and each
option kind (steps/base.py: Flag, Choice, Multi, Int) parsing and printing back its own values."""

from __future__ import annotations

import pytest

from arabic_norm.chain import ChainError, parse_chain, scan
from arabic_norm.steps import STEPS
from arabic_norm.steps.options import Choice, Flag, Int, Multi


def test_scan_stops_at_the_first_word_that_is_not_a_step_or_its_option():
    specs, rest = scan(["alef", "--keep-madda", "ya", "--to", "maksura", "notes.txt", "alef"])
    assert [str(s) for s in specs] == ["alef --keep-madda", "ya --to maksura"]
    assert rest == ["notes.txt", "alef"]  # paths may have any name once the chain has ended


def test_scan_stops_at_the_separator_and_at_stdin():
    assert scan(["alef", "--", "ya"])[1] == ["--", "ya"]
    assert scan(["alef", "-"])[1] == ["-"]


def test_parse_chain_refuses_what_scan_leaves_over():
    with pytest.raises(ChainError, match=r"^unknown step 'alif' \(did you mean 'alef'\?\)$"):
        parse_chain(["alif"])
    with pytest.raises(ChainError, match=r"^option '--keep' given before any step$"):
        parse_chain(["--keep", "alef"])


@pytest.mark.parametrize(
    ("step", "kind", "tokens"),
    [
        ("alef", Flag, ["--keep-madda"]),
        ("ya", Choice, ["--to", "maksura"]),
        ("diacritics", Multi, ["--keep", "shadda,sukun"]),
        ("elongation", Int, ["--max", "3"]),
    ],
)
def test_each_option_kind_prints_back_what_it_parsed(step, kind, tokens):
    option = next(o for o in STEPS[step].options if o.flag == tokens[0])
    assert isinstance(option, kind)
    (spec,) = parse_chain([step, *tokens])
    assert str(spec) == " ".join([step, *tokens])
    assert parse_chain(str(spec).split()) == [spec]


def test_a_multi_option_given_twice_collects_its_values_in_declaration_order():
    (spec,) = parse_chain(["diacritics", "--keep", "sukun", "--keep", "shadda"])
    assert str(spec) == "diacritics --keep shadda,sukun"


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["elongation", "--max", "x"], "elongation --max: expected a whole number, got 'x'"),
        (["elongation", "--max", "0"], "elongation --max: must be at least 1, got 0"),
        (["ya", "--to", "yah"], "ya --to: invalid value 'yah' (did you mean 'yeh'?); choose from yeh, maksura"),
        (["alef", "--keep-madda=yes"], "alef --keep-madda takes no value"),
        (["ya", "--to"], "ya --to needs a value"),
    ],
)
def test_bad_values_name_the_step_and_option(tokens, message):
    with pytest.raises(ChainError) as caught:
        parse_chain(tokens)
    assert str(caught.value) == message

"""--lang: text in other languages written in Arabic script. Under `--lang CODE` (the library's
`lang=`) no step folds a letter that is a letter of its own in that language (chars.LANGUAGES)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.cli import command as main
from arabic_norm.pipeline import ChainError
from arabic_norm.presets import PRESETS
from arabic_norm.steps import STEPS
from arabic_norm.steps.chars import LANGUAGES

# (lang, preset, text, expected, why)
SENTENCES = [
    (
        "ur",
        "search",
        "اس نے کہا کہ وہ کھانا کھا رہا ہے",
        "اس نے كها كه وه كھانا كھا رها هے",
        "ھ (aspiration) and ے stay; ک ہ fold",
    ),
    ("ur", "search", "کے کی", "كے كي", "ke / ki stay apart"),
    ("ur", "search", "آۓ آئے", "آئے آئے", "ۓ is ئے: both spellings meet; آ stays"),
    ("ur", "default", "آپ کیسے ہیں", "آپ کیسے ہیں", "آ is a letter of the Urdu alphabet"),
    ("fa", "default", "او آمد", "او آمد", "Persian آمد 'came' is not امد"),
    ("fa", "search", "خانهٔ من و خانۀ تو", "خانه من و خانه تو", "ezafe ه + ٔ folds like ۀ"),
    ("ug", "default", "بىلىم يىل", "بىلىم يىل", "Uyghur ى is the vowel i"),
    ("ug", "search", "ھەممە ئادەم", "ھەممە ئادەم", "Uyghur ھ (h) and ە (ä) stay"),
    ("ckb", "search", "ھەر کوردستان", "ھەر كوردستان", "Sorani ە ھ stay"),
    ("ps", "search", "سړی سړي", "سړی سړي", "Pashto ی (-ay) and ي (-i) stay apart"),
    ("sd", "search", "گھر", "گھر", "Sindhi گھ is one letter"),
    ("ks", "default", "کٲشِٟر", "کٲشٟر", "Kashmiri ٲ and the wavy hamza below U+065F stay; kasra goes"),
    ("kk", "default", "ٵ", "ٵ", "Kazakh ٵ"),
]


@pytest.mark.parametrize(
    ("lang", "preset", "text", "expected", "why"), SENTENCES, ids=[s[0] + "-" + s[2] for s in SENTENCES]
)
def test_letters_distinct_in_the_language_are_kept(lang, preset, text, expected, why):
    p = Pipeline.preset(preset, lang=lang)
    assert p(text) == expected, why
    assert p(p(text)) == p(text)
    assert p.normalize_bytes(text.encode()) == expected.encode()


def test_arabic_is_the_default_and_folds_as_before():
    assert Pipeline.preset("search")("کے کی ھەر بىلىم") == "كي كي ههر بيليم"
    assert Pipeline.preset("search", lang="ar") == Pipeline.preset("search")


def test_unknown_language_names_the_choices():
    with pytest.raises(ChainError, match="choose from ar, fa, ur"):
        Pipeline.preset("search", lang="xx")


def test_cli_lang_option():
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "ug", "--preset", "default"], input="بىلىم\n")
    assert result.exit_code == 0, result.output
    assert result.output == "بىلىم\n"
    result = runner.invoke(main, ["--lang", "ur", "persian"], input="کھا کے\n")
    assert result.output == "كھا كے\n"
    result = runner.invoke(main, ["--lang", "xx", "ya"], input="ى\n")
    assert result.exit_code != 0 and "unknown language" in result.output


def test_persian_to_persian():
    assert Pipeline.parse("persian --to persian")("كتاب يك على") == "کتاب یک علی"


def test_every_folding_step_says_which_letters_it_keeps_for_which_language():
    for name in ("alef", "ya", "persian"):
        assert "With --lang it leaves alone" in STEPS[name].help_text, name
    assert "ى for ug, kk, ky" in STEPS["ya"].help_text


LETTERS = st.text(st.sampled_from("".join(LANGUAGES.values()) + "ابتيكىیہھەےآٵ \u064e\u0650\n"), max_size=60)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "ar"])
@settings(max_examples=60, deadline=None)
@given(text=LETTERS)
def test_no_preset_folds_a_letter_of_the_language(lang, text):
    for name, preset in PRESETS.items():
        if name == "camel":  # NFKC runs as one pass; camel-tools' recipe is Arabic-only
            continue
        p = Pipeline.preset(name, lang=lang)
        out = p(text)
        # a letter repeated for emphasis (once marks are gone) is written once: that is not a fold
        given_ = Pipeline.parse("diacritics elongation", lang=lang)(text) if "elongation" in p.chain else text
        for letter in LANGUAGES[lang]:
            assert out.count(letter) >= given_.count(letter), (name, letter)
        if preset.idempotent:
            assert p(out) == out

"""The reference docs in README.md are generated from the registries and must be current."""

from __future__ import annotations

from arabic_norm import docs
from arabic_norm.presets import PRESETS
from arabic_norm.steps import STEPS

from .conftest import ROOT


def test_readme_sections_are_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.render(readme) == readme, "README.md is stale: run `make docs`"


def test_every_step_and_option_is_documented():
    text = docs.steps_markdown()
    for step in STEPS.values():
        assert f"### `{step.name}`" in text
        for option in step.options:
            assert option.flag in text


def test_every_preset_is_documented():
    text = docs.presets_markdown()
    for preset in PRESETS.values():
        assert f"| `{preset.name}` | `{preset.chain}` |" in text

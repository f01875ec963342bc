"""Every `>>>` example in the package's docstrings runs and shows what it says (doctest), so the
documentation cannot drift from the code. A module that needs an optional package is skipped
without it."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "arabic_norm"
# Only modules with examples (and never __main__, which would run the command on import).
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    for path in PACKAGE.rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8")
)
OPTIONAL = {"arabic_norm.pandas": "pandas", "arabic_norm.dask": "dask"}


def test_the_examples_are_found():
    # A failing reading would pass every test below vacuously.
    assert {"arabic_norm.pipeline", "arabic_norm.formats.jsonl", "arabic_norm.cli.diff"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    if name in OPTIONAL:
        pytest.importorskip(OPTIONAL[name])
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) of {name} failed (printed above)"

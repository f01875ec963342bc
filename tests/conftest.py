"""Shared test helpers: where the corpora live, and a tiny assertion that shows code points."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files() -> list[Path]:
    """Every text file of the shared corpora (CI has them beside the clone)."""
    files = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "fixtures").glob("*.txt"))
    return [f for f in files if not f.name.endswith(".LICENSE.txt")]


def codepoints(text: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in text)


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    files = corpus_files()
    assert files, f"the shared corpora are missing: expected them in {CORPUS}"
    return files

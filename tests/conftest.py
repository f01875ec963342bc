"""Shared test helpers: where the corpora live, and a tiny assertion that shows code points."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from arabic_norm.engine import kernel

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


# The two engines every byte-engine property runs on: the compiled kernel (kernel.py) and the numpy
# fallback that runs when the kernel is not built.
ENGINES = ("kernel", "numpy")


@contextlib.contextmanager
def using_engine(name: str):
    """Run with the compiled kernel, or with the numpy fallback as if the kernel were not built.
    The kernel variant is skipped when it is not built (no compiler) or ARABIC_NORM_NO_KERNEL=1."""
    saved = kernel.native
    if name == "kernel" and saved is None:
        pytest.skip("the compiled kernel is not built (or ARABIC_NORM_NO_KERNEL=1)")
    kernel.native = saved if name == "kernel" else None
    try:
        yield
    finally:
        kernel.native = saved

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


# The engines every byte-engine property runs on: the compiled kernel with its vector loop (64 bytes
# at a time, where the processor has AVX-512 VBMI2), the kernel one character at a time, and the
# numpy fallback that runs when the kernel is not built.
ENGINES = ("vector", "kernel", "numpy")


@contextlib.contextmanager
def using_engine(name: str):
    """Run with the compiled kernel (its vector loop, or one character at a time), or with the
    numpy fallback as if the kernel were not built. The kernel variants are skipped when it is not
    built (no compiler) or ARABIC_NORM_NO_KERNEL=1, the vector one where the processor lacks it."""
    saved = kernel.native
    if name in ("vector", "kernel") and saved is None:
        pytest.skip("the compiled kernel is not built (or ARABIC_NORM_NO_KERNEL=1)")
    if name == "vector" and (not kernel.vector_capable or kernel.vector_switched_off):
        pytest.skip("this processor has no AVX-512 VBMI2 (or ARABIC_NORM_NO_VECTOR=1)")
    vector = saved is not None and saved.vector()
    if saved is not None:
        saved.vector(name == "vector")
    kernel.native = saved if name != "numpy" else None
    try:
        yield
    finally:
        kernel.native = saved
        if saved is not None:
            saved.vector(vector)

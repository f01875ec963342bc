"""Compressed files: round trips through every format, concatenated members, determinism."""

from __future__ import annotations

import bz2
import gzip
import lzma
import subprocess
import sys

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline
from arabic_norm.stream.compression import (
    MissingCompressionSupport,
    compression_of,
    open_compressed,
    strip_compression_suffix,
)

# Independent decompressors for each format (the standard library and zstandard directly).
DECOMPRESS = {
    ".gz": gzip.decompress,
    ".bz2": bz2.decompress,
    ".xz": lzma.decompress,
    ".zst": lambda data: zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True).read(),
}
COMPRESS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}
TEXT = "السَّلَامُ عَلَيْكُمْ\r\nمـــوسى\n".encode()


def test_kind_by_extension():
    assert compression_of("a/b.txt.gz") == "gzip"
    assert compression_of("b.JSONL.ZST") == "zstd"
    assert compression_of("b.txt") is None
    assert strip_compression_suffix("d/x.jsonl.xz").name == "x.jsonl"
    assert strip_compression_suffix("d/x.jsonl").name == "x.jsonl"


@pytest.mark.parametrize("suffix", list(DECOMPRESS))
def test_write_then_read_with_other_tools(tmp_path, suffix):
    path = tmp_path / f"out.txt{suffix}"
    with open_compressed(path, "wb") as f:
        f.write(TEXT)
    assert DECOMPRESS[suffix](path.read_bytes()) == TEXT
    with open_compressed(path, "rb") as f:
        assert f.read() == TEXT


@pytest.mark.parametrize("suffix", list(DECOMPRESS))
def test_reads_concatenated_members(tmp_path, suffix):
    path = tmp_path / f"in.txt{suffix}"
    path.write_bytes(COMPRESS[suffix](b"first\n") + COMPRESS[suffix](TEXT))
    with open_compressed(path, "rb") as f:
        assert f.read() == b"first\n" + TEXT


@pytest.mark.parametrize("suffix", list(DECOMPRESS))
def test_output_is_deterministic(tmp_path, suffix):
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    for p in (a, b):
        with open_compressed(p, "wb") as f:
            f.write(TEXT * 100)
    assert a.read_bytes() == b.read_bytes()


def test_close_closes_the_raw_file(tmp_path):
    path = tmp_path / "x.gz"
    f = open_compressed(path, "wb")
    f.write(b"x")
    raw = f._raw
    f.close()
    assert raw.closed


def test_bad_mode():
    with pytest.raises(ValueError):
        open_compressed("x.gz", "r")


def test_missing_zstandard_gives_a_clear_message(tmp_path):
    code = (
        "import sys; sys.modules['zstandard'] = None\n"
        "from arabic_norm.stream.compression import open_compressed, MissingCompressionSupport\n"
        f"try:\n    open_compressed({str(tmp_path / 'x.zst')!r}, 'wb')\n"
        "except MissingCompressionSupport as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install" in out and "zstandard" in out
    assert not (tmp_path / "x.zst").exists()
    assert issubclass(MissingCompressionSupport, RuntimeError)


@settings(max_examples=25, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ابتثأإآىـ\u064e\u0650\u0651 \n\r€😀a"), max_size=3000),
    st.sampled_from(list(DECOMPRESS)),
)
def test_normalized_round_trip(tmp_path_factory, text, suffix):
    """Compress, normalize through the compressed reader and writer, compare with plain bytes."""
    p = Pipeline.parse("diacritics tatweel alef ya")
    d = tmp_path_factory.mktemp("rt")
    src, dst = d / f"in{suffix}", d / f"out{suffix}"
    data = text.encode()
    src.write_bytes(COMPRESS[suffix](data))
    with open_compressed(src, "rb") as r, open_compressed(dst, "wb") as w:
        for block in p.iter_normalized(r.read, block_size=64):
            w.write(block)
    assert DECOMPRESS[suffix](dst.read_bytes()) == p.normalize_bytes(data)

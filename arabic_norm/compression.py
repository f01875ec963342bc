"""Compressed files by extension: `.gz`, `.bz2`, `.xz` (standard library) and `.zst` (the optional
`zstandard` package, `pip install zstandard`).

    >>> with open_compressed("corpus.txt.gz", "rb") as f:   # or "wb"
    ...     data = f.read()

Readers accept concatenated members/frames (`cat a.gz b.gz`, pzstd, pbzip2 output). Writers are
deterministic: gzip headers carry no file name and no time stamp, so the same text always compresses
to the same bytes (and `-j 1` and `-j 4` outputs can be compared byte for byte).

`reader(raw, kind)` / `writer(raw, kind)` wrap an already open binary file, e.g. the temporary file
an in-place rewrite writes beside `data.txt.gz`: the compression follows the *target's* name, not
the temporary file's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

# extension -> compression kind
SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
# Levels: the defaults of the gzip, bzip2, xz and zstd command-line tools.
LEVELS = {"gzip": 6, "bz2": 9, "xz": 6, "zstd": 3}


class MissingCompressionSupport(RuntimeError):
    """A `.zst` file was given but the optional `zstandard` package is not installed."""


def compression_of(path: str | os.PathLike | None) -> str | None:
    """The compression kind implied by a file name (`gzip`, `bz2`, `xz`, `zstd`), or None."""
    if path is None:
        return None
    return SUFFIXES.get(Path(path).suffix.lower())


def strip_compression_suffix(path: str | os.PathLike) -> Path:
    """`data.jsonl.gz` -> `data.jsonl` (to find the format of the content); other names unchanged."""
    p = Path(path)
    return p.with_suffix("") if p.suffix.lower() in SUFFIXES else p


def _zstandard():
    try:
        import zstandard
    except ImportError:
        raise MissingCompressionSupport(
            "reading or writing .zst files needs the optional zstandard package: pip install zstandard"
        ) from None
    return zstandard


def reader(raw: BinaryIO, kind: str | None) -> BinaryIO:
    """A binary reader decompressing `raw` (closing the result closes `raw`)."""
    if kind is None:
        return raw
    if kind == "gzip":
        import gzip

        return _Closing(gzip.GzipFile(fileobj=raw, mode="rb"), raw)
    if kind == "bz2":
        import bz2

        return _Closing(bz2.BZ2File(raw, mode="rb"), raw)
    if kind == "xz":
        import lzma

        return _Closing(lzma.LZMAFile(raw, mode="rb"), raw)
    if kind == "zstd":
        zstd = _zstandard()
        return zstd.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True)
    raise ValueError(f"unknown compression {kind!r}")


def writer(raw: BinaryIO, kind: str | None, level: int | None = None) -> BinaryIO:
    """A binary writer compressing into `raw`; closing it finishes the stream and closes `raw`."""
    if kind is None:
        return raw
    level = LEVELS[kind] if level is None else level
    if kind == "gzip":
        import gzip

        # filename="" and mtime=0: deterministic output whatever the file's name or the time.
        return _Closing(gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=level, mtime=0), raw)
    if kind == "bz2":
        import bz2

        return _Closing(bz2.BZ2File(raw, mode="wb", compresslevel=level), raw)
    if kind == "xz":
        import lzma

        return _Closing(lzma.LZMAFile(raw, mode="wb", preset=level), raw)
    if kind == "zstd":
        zstd = _zstandard()
        return zstd.ZstdCompressor(level=level).stream_writer(raw, closefd=True)
    raise ValueError(f"unknown compression {kind!r}")


def open_compressed(path: str | os.PathLike, mode: str = "rb", level: int | None = None) -> BinaryIO:
    """Open `path` for binary reading ("rb") or writing ("wb"), (de)compressing by its extension."""
    if mode not in ("rb", "wb"):
        raise ValueError(f"mode must be 'rb' or 'wb', not {mode!r}")
    kind = compression_of(path)
    if kind == "zstd":
        _zstandard()  # fail before creating an empty output file
    raw = open(path, mode)  # noqa: SIM115 (returned to the caller)
    try:
        return reader(raw, kind) if mode == "rb" else writer(raw, kind, level)
    except BaseException:
        raw.close()
        raise


class _Closing:
    """A compressed file object that also closes the raw file it was given (GzipFile, BZ2File and
    LZMAFile leave a passed-in file object open)."""

    def __init__(self, inner, raw):
        self._inner, self._raw = inner, raw

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def read(self, n: int = -1) -> bytes:
        return self._inner.read(n)

    def read1(self, n: int = -1) -> bytes:
        return self._inner.read1(n)

    def write(self, data) -> int:
        return self._inner.write(data)

    def __iter__(self):
        return iter(self._inner)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._raw.close()

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

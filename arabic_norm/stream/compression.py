"""Compressed files by extension: `.gz`, `.bz2`, `.xz` (standard library) and `.zst` (the optional
`zstandard` package, `pip install zstandard`).

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "corpus.txt.gz")
    >>> with open_compressed(path, "wb") as f:           # gzip, by the name
    ...     _ = f.write("كتاب".encode())
    >>> with open_compressed(path, "rb") as f:
    ...     f.read().decode()
    'كتاب'

Readers accept concatenated members/frames (`cat a.gz b.gz`, pzstd, pbzip2 output). Writers are
deterministic: gzip headers carry no file name and no time stamp, so the same text always compresses
to the same bytes (and `-j 1` and `-j 4` outputs can be compared byte for byte).

`reader(raw, kind)` / `writer(raw, kind)` wrap an already open binary file, e.g. the temporary file
an in-place rewrite writes beside `data.txt.gz`: the compression follows the *target's* name, not
the temporary file's.

A compressed input is complete or it is an error: a stream cut short (a download that stopped, a
`.zst` cut even where the text looks whole) or damaged raises `CorruptCompressedInput`, an
`OSError` naming the file, from the read that reaches the damage; never a partial text taken as
the whole.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from ..errors import CorruptCompressedInput, MissingCompressionSupport

# extension -> compression kind
SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
# Levels: the defaults of the gzip, bzip2, xz and zstd command-line tools.
LEVELS = {"gzip": 6, "bz2": 9, "xz": 6, "zstd": 3}


def compression_of(path: str | os.PathLike | None) -> str | None:
    """The compression kind implied by a file name (`gzip`, `bz2`, `xz`, `zstd`), or None."""
    if path is None:
        return None
    # os.path, not pathlib: asked three times per input, a Path costs more than reading a small file.
    return SUFFIXES.get(os.path.splitext(os.fspath(path))[1].lower())


def is_compressed(path: str | os.PathLike) -> bool:
    """Whether the file name says the content is compressed (one of `SUFFIXES`)."""
    return compression_of(path) is not None


def strip_compression_suffix(path: str | os.PathLike):
    """`data.jsonl.gz` -> `data.jsonl` (to find the format of the content); other names unchanged.
    A pathlib.Path, imported here: pathlib costs every start of the command a few milliseconds."""
    from pathlib import Path

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


def reader(raw: BinaryIO, kind: str | None, name: str | None = None) -> BinaryIO:
    """A binary reader decompressing `raw` (closing the result closes `raw`). A truncated or
    damaged stream raises `CorruptCompressedInput` naming `name` (default: `raw.name`)."""
    if kind is None:
        return raw
    name = name if name is not None else getattr(raw, "name", None)
    name = name if isinstance(name, str) else None
    if kind == "gzip":
        import gzip

        return _Checked(gzip.GzipFile(fileobj=raw, mode="rb"), raw, kind, name)
    if kind == "bz2":
        import bz2

        return _Checked(bz2.BZ2File(raw, mode="rb"), raw, kind, name)
    if kind == "xz":
        import lzma

        return _Checked(lzma.LZMAFile(raw, mode="rb"), raw, kind, name)
    if kind == "zstd":
        zstd = _zstandard()
        # zstandard's reader takes a stream that ends inside a frame as complete: the frames are
        # walked as the compressed bytes go by, and the end must fall between two frames.
        frames = _ZstdFrames(raw)
        inner = zstd.ZstdDecompressor().stream_reader(frames, read_across_frames=True, closefd=False)
        return _Checked(inner, raw, kind, name)
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
        return reader(raw, kind, os.fspath(path)) if mode == "rb" else writer(raw, kind, level)
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


def _decompression_errors() -> tuple[type[BaseException], ...]:
    """What the decompressors raise on bad data: EOFError (gzip, bz2, xz cut short), zlib.error,
    LZMAError, ZstdError, and OSError without an errno (gzip's BadGzipFile, bz2's "Invalid data
    stream"); an OSError with an errno is a real I/O error and stays what it is."""
    import sys

    errors: list[type[BaseException]] = [EOFError]
    for module, name in (("zlib", "error"), ("lzma", "LZMAError"), ("zstandard", "ZstdError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


class _Checked(_Closing):
    """A decompressing reader whose decompression errors become `CorruptCompressedInput`."""

    def __init__(self, inner, raw, kind: str, name: str | None):
        super().__init__(inner, raw)
        self._kind, self._name = kind, name

    def _checked(self, call, n: int) -> bytes:
        try:
            return call(n)
        except CorruptCompressedInput:
            raise
        except OSError as e:
            if e.errno is not None:
                raise
            raise CorruptCompressedInput(self._name, self._kind, str(e)) from None
        except _decompression_errors() as e:
            raise CorruptCompressedInput(self._name, self._kind, str(e)) from None

    def read(self, n: int = -1) -> bytes:
        return self._checked(self._inner.read, n)

    def read1(self, n: int = -1) -> bytes:
        return self._checked(self._inner.read1, n)

    def readline(self, n: int = -1) -> bytes:
        return self._checked(self._inner.readline, n)

    def __iter__(self):
        return iter(self.readline, b"")


class _ZstdFrames:
    """A pass-through reader over zstd data that walks the frame layout (RFC 8878: frame header,
    block headers, optional checksum; skippable frames) as the bytes go by, in constant memory,
    and raises `EOFError` when the data ends anywhere but between two frames."""

    def __init__(self, raw):
        self._raw = raw
        self._pending = bytearray()  # header bytes gathered so far
        self._need = 4  # header bytes the current state needs
        self._state = "magic"
        self._skip = 0  # content bytes to pass before the next header
        self._checksum = False

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if data:
            self._walk(data)
        elif self._skip or self._pending or self._state != "magic":
            raise EOFError("the data ends inside a zstd frame")
        return data

    def _walk(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            if self._skip:
                k = min(self._skip, len(data) - i)
                self._skip -= k
                i += k
                continue
            take = min(self._need - len(self._pending), len(data) - i)
            self._pending += data[i : i + take]
            i += take
            while len(self._pending) == self._need:
                header, self._pending = bytes(self._pending), bytearray()
                self._advance(header)

    def _advance(self, header: bytes) -> None:
        state = self._state
        if state == "magic":
            magic = int.from_bytes(header, "little")
            if magic == 0xFD2FB528:
                self._state, self._need = "descriptor", 1
            elif magic & 0xFFFFFFF0 == 0x184D2A50:  # a skippable frame: its size follows
                self._state, self._need = "skippable", 4
            else:
                raise EOFError(f"not a zstd frame (magic number {magic:#010x})")
        elif state == "skippable":
            self._skip = int.from_bytes(header, "little")
            self._state, self._need = "magic", 4
        elif state == "descriptor":
            fhd = header[0]
            single_segment = (fhd >> 5) & 1
            self._checksum = bool((fhd >> 2) & 1)
            content_size = (single_segment, 2, 4, 8)[fhd >> 6]
            rest = (0 if single_segment else 1) + (0, 1, 2, 4)[fhd & 3] + content_size
            self._state, self._need = "frame header", rest
            if rest == 0:
                self._state, self._need = "block", 3
        elif state == "frame header":
            self._state, self._need = "block", 3
        elif state == "block":
            h = int.from_bytes(header, "little")
            last, kind, size = h & 1, (h >> 1) & 3, h >> 3
            if kind == 3:
                raise EOFError("reserved zstd block type")
            self._skip = 1 if kind == 1 else size  # an RLE block holds one byte
            if last:
                self._state, self._need = ("checksum", 4) if self._checksum else ("magic", 4)
        else:  # checksum
            self._state, self._need = "magic", 4

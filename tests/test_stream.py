"""Reading input in blocks (arabic_norm/stream/blocks.py): what the streaming layer promises.

- `ready_reader` gathers what a pipe has ready into one block, up to the size asked for, but never
  waits for input that is not coming (a line typed at a terminal goes through at once);
- `count_lines` counts exactly what bytes.count counts, on both of its paths;
- `file_blocks` covers a regular file exactly once, leading BOM apart, in blocks that end at safe
  cuts.
"""

from __future__ import annotations

import os

import numpy  # noqa: F401  (count_lines uses numpy only once something has imported it)
import pytest

from arabic_norm.stream.blocks import BOM, count_lines, file_blocks, ready_reader


def test_ready_reader_gathers_what_is_ready_up_to_the_size_asked(tmp_path):
    """A regular file is always ready: small reads are gathered into blocks of the size asked."""
    data = "سطر\n".encode() * 10_000
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with open(path, "rb", buffering=0) as f:
        read = ready_reader(lambda n: f.read(min(n, 1000)), f.fileno())  # 1000 bytes per call
        blocks = list(iter(lambda: read(25_000), b""))
    assert b"".join(blocks) == data
    assert [len(b) for b in blocks[:-1]] == [25_000] * (len(data) // 25_000)


def test_ready_reader_does_not_wait_for_input_that_is_not_coming():
    read_end, write_end = os.pipe()
    os.write(write_end, "أحمد\n".encode())
    read = ready_reader(lambda n: os.read(read_end, n), read_end)
    assert read(1 << 18) == "أحمد\n".encode()  # returns although the pipe stays open
    os.close(write_end)
    assert read(1 << 18) == b""
    os.close(read_end)


@pytest.mark.parametrize("size", [0, 1, 100, 1 << 16, (1 << 16) + 7, 1 << 20])
def test_count_lines_equals_bytes_count(size):
    data = (b"\xd8\xa7\n\r\n" * (size // 5 + 1))[:size]
    assert count_lines(data) == data.count(b"\n")


def test_file_blocks_cover_the_file_once(tmp_path):
    data = BOM + "سطر طويل جدا\n".encode() * 20_000 + " ".join(["كلمة"] * 50_000).encode()
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with open(path, "rb") as f:
        blocks = list(file_blocks(f.fileno(), 1 << 16))
    assert blocks[0].data == BOM and blocks[0].verbatim
    assert b"".join(b.data for b in blocks) == data
    assert [b.offset for b in blocks[1:]] == [len(b"".join(x.data for x in blocks[:i])) for i in range(1, len(blocks))]
    for block in blocks[1:-1]:
        assert block.data.endswith((b"\n", "كلمة".encode())), "cut at a line end or before a space"


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux's pipe sizes")
def test_a_pipe_on_stdin_is_widened_to_a_mebibyte(tmp_path):
    """`cat big | arabic-norm`: the pipe holds 1 MiB instead of 64 KiB (the writer runs on while a
    block is worked on); a regular file on the same descriptor is left as it is."""
    import fcntl

    from arabic_norm.cli.stdin import PIPE_SIZE, widen_pipe

    read_end, write_end = os.pipe()
    try:
        assert fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ) < PIPE_SIZE
        widen_pipe(read_end)
        assert fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ) == PIPE_SIZE
    finally:
        os.close(read_end)
        os.close(write_end)
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    with open(path, "rb") as f:
        widen_pipe(f.fileno())  # not a pipe: nothing to do, nothing raised

"""-j: byte-identical output for any number of jobs and block size; worker failures are reported."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline, UndecodableInput
from arabic_norm.stream.blocks import file_ranges
from arabic_norm.stream.pool import (
    WorkerError,
    map_ordered,
    normalize_file,
    normalize_stream,
    resolve_jobs,
)

PIPELINES = [Pipeline.parse("diacritics tatweel alef ya"), Pipeline.preset("search")]
# multi-byte characters of every UTF-8 length, marks, spaces and line breaks
ALPHABET = "ابتكمأإآىـ\u064e\u0650\u0651\u0652\u0654\u0670 \t\n\r\u00a0“”«»٣ۀ€😀ﻷa"
TEXT = st.text(alphabet=st.sampled_from(ALPHABET), max_size=4000)


def serial(pipeline, data: bytes) -> bytes:
    return b"".join(pipeline.iter_normalized(io.BytesIO(data).read))


def run_stream(pipeline, data: bytes, jobs: int, block_size: int) -> bytes:
    out = io.BytesIO()
    normalize_stream(pipeline, io.BytesIO(data).read, out.write, jobs=jobs, block_size=block_size)
    return out.getvalue()


def test_resolve_jobs():
    assert resolve_jobs(0) == len(os.sched_getaffinity(0))
    assert resolve_jobs(3) == 3
    with pytest.raises(ValueError):
        resolve_jobs(-1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    TEXT,
    st.integers(min_value=1, max_value=600),
    st.sampled_from([1, 2, 4]),
    st.sampled_from(PIPELINES),
    st.booleans(),
)
def test_stream_bytes_identical_for_any_jobs_and_block_size(text, block_size, jobs, pipeline, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    # one long line too, so that blocks must be cut before a space inside a line
    data += b" ".join(["كَتَبَ".encode()] * 300)
    assert run_stream(pipeline, data, jobs, block_size) == serial(pipeline, data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, st.integers(min_value=1, max_value=700), st.sampled_from([1, 2, 4]), st.booleans())
def test_file_bytes_identical_for_any_jobs_and_block_size(tmp_path, text, block_size, jobs, bom):
    pipeline = PIPELINES[0]
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode() + ("إِلَى" * 200).encode() + b"\n" + text.encode()
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    out = io.BytesIO()
    normalize_file(pipeline, str(path), out.write, jobs=jobs, block_size=block_size)
    assert out.getvalue() == serial(pipeline, data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, st.integers(min_value=1, max_value=300))
def test_file_ranges_cover_the_file_and_cut_safely(tmp_path, text, block_size):
    data = text.encode()
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    with open(path, "rb") as f:
        ranges = list(file_ranges(f.fileno(), len(data), block_size))
    if not data:
        assert ranges == []
        return
    assert [a for a, _ in ranges] == [0] + [b for _, b in ranges[:-1]]
    assert ranges[-1][1] == len(data)
    for _, b in ranges[:-1]:
        # a line end, or before a space that follows a visible character (what safe_cut allows)
        if data[b - 1 : b] not in (b"\n", b"\r"):
            assert data[b : b + 1] == b" "
            before = data[:b].decode("utf-8", "replace")[-1]
            assert not before.isspace() and before != "\ufffd"


def test_undecodable_input_names_line_and_offset_in_parallel(tmp_path):
    data = "سطر\n".encode() * 5000 + b"bad \xff byte\n" + b"ok\n" * 10
    want_offset = data.index(b"\xff")
    for jobs in (1, 2):
        with pytest.raises(UndecodableInput) as e:
            run_stream(PIPELINES[0], data, jobs, 1024)
        assert (e.value.offset, e.value.line) == (want_offset, 5001)
        path = tmp_path / "bad.txt"
        path.write_bytes(data)
        with pytest.raises(UndecodableInput) as e:
            normalize_file(PIPELINES[0], str(path), io.BytesIO().write, jobs=jobs, block_size=1024)
        assert (e.value.offset, e.value.line) == (want_offset, 5001)


def _square(x: int) -> int:
    return x * x


def _explode(name: str) -> str:
    if name == "boom":
        raise RuntimeError("kaboom in " + name)
    if name == "weird":

        class Local(Exception):  # cannot be pickled: becomes a WorkerError
            pass

        raise Local("local failure")
    if name == "die":
        os._exit(3)
    return name.upper()


def test_map_ordered_keeps_order():
    for jobs in (1, 2, 4):
        assert [o.result() for o in map_ordered(_square, range(50), jobs=jobs)] == [i * i for i in range(50)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_worker_errors_are_reported_with_the_item(jobs):
    outcomes = list(map_ordered(_explode, ["a", "boom", "weird", "b"], jobs=jobs, describe=lambda n: f"file {n}"))
    assert [o.value for o in outcomes] == ["A", None, None, "B"]
    assert "kaboom in boom" in str(outcomes[1].error)
    assert "local failure" in str(outcomes[2].error)
    if jobs > 1:
        assert isinstance(outcomes[2].error, WorkerError) and "file weird" in str(outcomes[2].error)
        assert "kaboom" in (getattr(outcomes[1].error, "worker_traceback", "") + str(outcomes[1].error))
    with pytest.raises(RuntimeError):
        outcomes[1].result()


def test_dead_worker_is_reported_not_swallowed():
    outcomes = list(map_ordered(_explode, ["a", "die"], jobs=2, describe=lambda n: f"file {n}"))
    assert isinstance(outcomes[1].error, WorkerError)
    assert "file die" in str(outcomes[1].error)


def test_workers_read_the_file_the_parent_has_open_or_refuse(tmp_path):
    """-j reads a regular file through the descriptor the command opened: when an editor has
    renamed a new file over the path since, the workers (which open the path themselves) must
    not read the new file while the parent reads the old one: an input error, never a mix."""
    from arabic_norm.stream.parallel import file_pairs

    path = tmp_path / "a.txt"
    path.write_bytes("كَتَبَ\n".encode() * 20_000)
    p = Pipeline.parse("diacritics")
    with open(path, "rb") as f:
        whole = b"".join(out for _, out in file_pairs(p, str(path), block_size=16_384, jobs=2, fd=f.fileno()))
        assert whole == "كتب\n".encode() * 20_000
        (tmp_path / "new.txt").write_bytes("قَرَأَ\n".encode() * 20_000)
        os.replace(tmp_path / "new.txt", path)  # the editor saves
        with pytest.raises(OSError, match="changed while it was being read"):
            for _ in file_pairs(p, str(path), block_size=16_384, jobs=2, fd=f.fileno()):
                pass

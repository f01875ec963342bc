"""-j for one file written to a file descriptor (arabic_norm/stream/ring.py): the workers write their
own output, in input order, passing a token round a ring of pipes.

Specification: the bytes written are exactly those of -j 1, for any number of jobs and block size,
to a file or to a pipe; a failure in any range is raised naming the file (and the line, for bytes
that are not UTF-8) after everything before that range, and nothing after it, is written; a worker
that dies is reported, never ignored.
"""

from __future__ import annotations

import io
import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arabic_norm import Pipeline, UndecodableInput
from arabic_norm.stream.pool import WorkerError
from arabic_norm.stream.ring import write_file_ordered

PIPELINE = Pipeline.parse("diacritics tatweel alef ya")
ALPHABET = "ابتكمأإآىـ\u064e\u0650\u0651\u0652\u0654\u0670 \t\n\r\u00a0“”«»٣ۀ€😀ﻷa"
TEXT = st.text(alphabet=st.sampled_from(ALPHABET), max_size=3000)


def serial(data: bytes) -> bytes:
    return b"".join(PIPELINE.iter_normalized(io.BytesIO(data).read))


def run_to_file(path, tmp_path, **kwargs) -> tuple[bool, bytes]:
    out = tmp_path / "out.bin"
    with open(out, "wb") as f:
        changed = write_file_ordered(PIPELINE, str(path), f.fileno(), **kwargs)
    return changed, out.read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, st.integers(min_value=1, max_value=500), st.sampled_from([1, 2, 3, 4]), st.booleans())
def test_bytes_identical_to_one_job_for_any_jobs_and_block_size(tmp_path, text, block_size, jobs, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode() + ("إِلَى" * 100).encode() + b"\n" + text.encode()
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    seen = []
    changed, written = run_to_file(path, tmp_path, jobs=jobs, block_size=block_size, progress=seen.append)
    assert written == serial(data)
    assert changed == (written != data)
    assert sum(seen) == len(data), "progress accounts for every input byte once"


def test_writes_to_a_pipe_in_order(tmp_path):
    data = "".join(f"سطر رقم {i} إِلَى مُوسَى\n" for i in range(20_000)).encode()
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    read_end, write_end = os.pipe()
    received = []
    reader = threading.Thread(target=lambda: received.append(b"".join(iter(lambda: os.read(read_end, 1 << 16), b""))))
    reader.start()
    write_file_ordered(PIPELINE, str(path), write_end, jobs=3, block_size=10_000)
    os.close(write_end)
    reader.join()
    os.close(read_end)
    assert received[0] == serial(data)


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_bad_bytes_stop_the_run_after_the_ranges_before_them(tmp_path, jobs):
    head = "سَطْر\n".encode() * 5000
    data = head + b"bad \xff byte\n" + "إِلَى\n".encode() * 5000
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    out = tmp_path / "out.bin"
    with open(out, "wb") as f, pytest.raises(UndecodableInput) as e:
        write_file_ordered(PIPELINE, str(path), f.fileno(), jobs=jobs, block_size=4096)
    assert (e.value.offset, e.value.line) == (len(head) + 4, 5001)
    written = out.read_bytes()
    # every range before the bad one is written, in order, and nothing from the bad one on
    assert serial(head).startswith(written)
    assert len(serial(head)) - len(written) < 4096


def _dies_on_marker(self, block, *args, **kwargs):
    if b"DIE" in block:
        os._exit(7)  # a worker killed mid-run
    return Pipeline.normalize_block(self, block, *args, **kwargs)


class Fragile(Pipeline):
    normalize_block = _dies_on_marker


def test_a_dead_worker_is_reported_naming_the_file(tmp_path):
    data = "نص\n".encode() * 20_000 + b"DIE\n" + "نص\n".encode() * 20_000
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with open(tmp_path / "out.bin", "wb") as f, pytest.raises(WorkerError) as e:
        write_file_ordered(Fragile(PIPELINE.specs), str(path), f.fileno(), jobs=2, block_size=8192)
    assert str(path) in str(e.value)
    assert "died" in str(e.value)


def test_an_error_that_cannot_be_pickled_still_names_the_block(tmp_path):
    class Local(Exception):
        pass

    def boom(self, block, *args, **kwargs):
        if b"BOOM" in block:
            raise Local("local failure")
        return Pipeline.normalize_block(self, block, *args, **kwargs)

    Boom = type("Boom", (Pipeline,), {"normalize_block": boom})
    data = "نص\n".encode() * 20_000 + b"BOOM\n" + "نص\n".encode() * 100
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with open(tmp_path / "out.bin", "wb") as f, pytest.raises(WorkerError) as e:
        write_file_ordered(Boom(PIPELINE.specs), str(path), f.fileno(), jobs=2, block_size=8192)
    assert f"{path} (block at byte" in str(e.value)
    assert "local failure" in str(e.value)

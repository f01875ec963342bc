"""Memory stays flat: normalizing a generated 200 MB file keeps peak RSS far below its size.

The bound here is loose (100 MiB for a 200 MB input, so that an implementation that reads the
whole input, or keeps the whole output, fails); the benchmark reports the tight figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SIZE = 200 * 1000 * 1000
BOUND_KIB = 100 * 1024

# Peak RSS of a command, measured in a fresh wrapper process so that no other child of the test
# process counts: ru_maxrss of RUSAGE_CHILDREN is the largest resident set of any waited-for
# descendant (for -j, the parent or any one worker), in KiB on Linux.
MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    with open(sys.argv[1], "wb") as out:
        rc = subprocess.run(sys.argv[2:], stdout=out).returncode
    print(json.dumps({"rc": rc, "maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
    """
)

LIBRARY = textwrap.dedent(
    """
    import sys
    from arabic_norm import Pipeline
    from arabic_norm.stream.pool import normalize_file, normalize_stream
    p = Pipeline.parse("diacritics tatweel alef ya")
    jobs, source = int(sys.argv[1]), sys.argv[2]
    out = sys.stdout.buffer
    if source == "-":
        normalize_stream(p, sys.stdin.buffer.read, out.write, jobs=jobs)
    else:
        normalize_file(p, source, out.write, jobs=jobs)
    """
)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    line = "السَّلَامُ عَلَيْكُمْ وَرَحْمَةُ اللَّهِ، إِلَى مُوسَى الكـــتاب\n".encode()
    long_line = b" ".join(["كَتَبَ".encode()] * 400_000) + b"\n"  # a 5 MB line: cut before spaces
    chunk = line * 20_000 + long_line
    with open(path, "wb") as f:
        written = 0
        while written < SIZE:
            f.write(chunk)
            written += len(chunk)
    return path


def peak_rss(tmp_path: Path, command: list[str], env_line: Path | None = None) -> int:
    env = {**os.environ, "LINE": str(env_line)} if env_line else None
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tmp_path / "out.txt"), *command],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    report = json.loads(result.stdout)
    assert report["rc"] == 0, result.stderr
    return report["maxrss"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_library_streaming_memory_is_flat(big_file, tmp_path, jobs):
    rss = peak_rss(tmp_path, [sys.executable, "-c", LIBRARY, str(jobs), str(big_file)])
    out = tmp_path / "out.txt"
    assert out.stat().st_size > SIZE * 0.5  # it really ran: about 40% of the bytes are marks
    with open(out, "rb") as f:
        assert f.readline() == "السلام عليكم ورحمة الله، الي موسي الكتاب\n".encode()
    print(f"peak RSS -j {jobs}: {rss / 1024:.0f} MiB")
    assert rss < BOUND_KIB, f"peak RSS {rss / 1024:.0f} MiB for a {SIZE / 1e6:.0f} MB input"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_command_line_memory_is_flat(big_file, tmp_path, jobs):
    cli = str(Path(sys.executable).parent / "arabic-norm")
    rss = peak_rss(tmp_path, [cli, "-j", jobs, "diacritics", "tatweel", "alef", "ya", str(big_file)])
    with open(tmp_path / "out.txt", "rb") as f:
        assert f.readline() == "السلام عليكم ورحمة الله، الي موسي الكتاب\n".encode()
    print(f"peak RSS arabic-norm -j {jobs}: {rss / 1024:.0f} MiB")
    assert rss < BOUND_KIB, f"peak RSS {rss / 1024:.0f} MiB for a {SIZE / 1e6:.0f} MB input"


@pytest.fixture(scope="module")
def unspaced_line(tmp_path_factory) -> Path:
    """One 200 MB line with no space and no line break until its end (words run together)."""
    path = tmp_path_factory.mktemp("line") / "line.txt"
    words = "السَّلَامُعَلَيْكُمْوَرَحْمَةُاللَّهِإِلَىمُوسَىالكـــتاب".encode()
    with open(path, "wb") as f:
        f.write(words * (SIZE // len(words)) + b"\n")
    return path


@pytest.mark.parametrize("source", ["file", "pipe"])
def test_one_long_line_without_spaces_keeps_memory_flat(unspaced_line, tmp_path, source):
    """A line of 200 MB with no space is cut between letters the chain leaves alone: memory stays
    flat (it used to take 1.9 GiB, and time grew with the square of the line)."""
    cli = str(Path(sys.executable).parent / "arabic-norm")
    command = [cli, "diacritics", "tatweel", "alef", "ya"]
    if source == "file":
        rss = peak_rss(tmp_path, [*command, str(unspaced_line)])
    else:
        rss = peak_rss(tmp_path, ["sh", "-c", 'exec "$0" "$@" < "$LINE"', *command], env_line=unspaced_line)
    out = (tmp_path / "out.txt").read_bytes()
    words_out = "السلامعليكمورحمةاللهاليموسيالكتاب".encode()
    assert out == words_out * (SIZE // len("السَّلَامُعَلَيْكُمْوَرَحْمَةُاللَّهِإِلَىمُوسَىالكـــتاب".encode())) + b"\n"
    print(f"peak RSS, one 200 MB line without spaces from a {source}: {rss / 1024:.0f} MiB")
    assert rss < BOUND_KIB, f"peak RSS {rss / 1024:.0f} MiB for a {SIZE / 1e6:.0f} MB line"

"""The command line at corpus scale: -j, --field, --column, --on-error, compressed files."""

from __future__ import annotations

import gzip
import lzma
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [str(Path(sys.executable).parent / "arabic-norm")]
CHAIN = ["diacritics", "tatweel", "alef", "ya"]
LINE = "السَّلَامُ عَلَيْكُمْ، إِلَى مُوسَى الكـــتاب 😀\r\n"
LINE_OUT = "السلام عليكم، الي موسي الكتاب 😀\r\n"


def run(*args: str, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, cwd=cwd, check=False)


@pytest.fixture
def big(tmp_path) -> Path:
    path = tmp_path / "big.txt"
    long_line = " ".join(["كَتَبَ"] * 300_000) + "\n"  # one 3.6 MB line
    path.write_text(LINE * 60_000 + long_line + LINE * 10, encoding="utf-8", newline="")
    return path


def test_jobs_give_identical_bytes_from_file_and_stdin(big):
    want = (LINE_OUT * 60_000 + " ".join(["كتب"] * 300_000) + "\n" + LINE_OUT * 10).encode()
    for jobs in ("1", "2", "4", "0"):
        assert run("-j", jobs, *CHAIN, str(big)).stdout == want
        assert run("-j", jobs, *CHAIN, stdin=big.read_bytes()).stdout == want


def test_jobs_across_files_output_dir_and_check(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for i in range(6):
        (src / f"f{i}.txt").write_text(LINE * (i + 1), encoding="utf-8", newline="")
    (src / "sub" / "clean.txt").write_text("نص\n", encoding="utf-8")
    done = run("-j", "2", "--output-dir", str(tmp_path / "out"), *CHAIN, str(src))
    assert done.returncode == 0, done.stderr
    for i in range(6):
        assert (tmp_path / "out" / f"f{i}.txt").read_bytes() == (LINE_OUT * (i + 1)).encode()
    check = run("-j", "2", "--check", *CHAIN, str(src))
    assert check.returncode == 1
    assert check.stderr.decode().count("would change") == 7  # 6 files and the summary line
    assert "clean.txt" not in check.stderr.decode().split("files would change")[0]


def test_worker_reports_undecodable_file_by_name(tmp_path):
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(LINE, encoding="utf-8")
    bad.write_bytes(LINE.encode() + b"\xff\n")
    done = run("-j", "2", "--check", *CHAIN, str(good), str(bad))
    assert done.returncode == 3
    assert "b.txt: line 2" in done.stderr.decode()


def test_compressed_output_dir_and_in_place(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt.gz").write_bytes(gzip.compress((LINE * 3).encode()))
    (src / "b.txt.xz").write_bytes(lzma.compress((LINE * 2).encode()))
    done = run("--include", "*.gz", "--include", "*.xz", "--output-dir", str(tmp_path / "out"), *CHAIN, str(src))
    assert done.returncode == 0, done.stderr
    assert gzip.decompress((tmp_path / "out" / "a.txt.gz").read_bytes()) == (LINE_OUT * 3).encode()
    assert lzma.decompress((tmp_path / "out" / "b.txt.xz").read_bytes()) == (LINE_OUT * 2).encode()
    assert run("-i", *CHAIN, str(src / "a.txt.gz")).returncode == 0
    assert gzip.decompress((src / "a.txt.gz").read_bytes()) == (LINE_OUT * 3).encode()
    # a compressed input read to stdout, and -o choosing compression by its name
    assert run(*CHAIN, str(src / "b.txt.xz")).stdout == (LINE_OUT * 2).encode()
    assert run("-o", str(tmp_path / "x.txt.gz"), *CHAIN, str(src / "b.txt.xz")).returncode == 0
    assert gzip.decompress((tmp_path / "x.txt.gz").read_bytes()) == (LINE_OUT * 2).encode()


def test_field_changes_only_that_field(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": 1, "text": "كَتَبَ", "meta": {"t": "إلى"}, "o": "أَ"}\n{"text": "نص"}\n', encoding="utf-8")
    done = run("--field", "text", "--field", "meta.t", *CHAIN, str(path))
    assert done.stdout.decode() == '{"id": 1, "text": "كتب", "meta": {"t": "الي"}, "o": "أَ"}\n{"text": "نص"}\n'


def test_field_on_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "أ"}\n{oops\n{"text": "ى"}\n', encoding="utf-8")
    fail = run("--field", "text", *CHAIN, str(path))
    assert fail.returncode == 3 and "line 2" in fail.stderr.decode()
    skip = run("--field", "text", "--on-error", "skip", *CHAIN, str(path))
    assert skip.returncode == 0
    assert skip.stdout.decode() == '{"text": "ا"}\n{oops\n{"text": "ي"}\n'
    assert "line 2" in skip.stderr.decode()


def test_column_csv_and_tsv(tmp_path):
    csv_path = tmp_path / "d.csv"
    csv_path.write_text('id,text\r\n1,"كَتَبَ،\r\nسطر"\r\n2,نص\r\n', encoding="utf-8", newline="")
    assert run("--column", "text", *CHAIN, str(csv_path)).stdout.decode() == 'id,text\r\n1,"كتب،\r\nسطر"\r\n2,نص\r\n'
    tsv_path = tmp_path / "d.tsv"
    tsv_path.write_text('id\ttext\n"أ"\tإلى\n', encoding="utf-8")
    assert run("--column", "text", *CHAIN, str(tsv_path)).stdout.decode() == 'id\ttext\n"أ"\tالي\n'
    missing = run("--column", "nope", *CHAIN, str(csv_path))
    assert missing.returncode == 3 and "nope" in missing.stderr.decode()


def test_field_and_column_together_is_a_usage_error(tmp_path):
    assert run("--field", "a", "--column", "b", "diacritics", stdin=b"").returncode == 2


def test_jobs_report_the_line_of_bad_bytes_deep_in_a_big_file(tmp_path):
    """Workers read their own ranges of a big file and cannot count the lines before them; the
    error must still name the input's line and byte offset, and the file stays untouched."""
    path = tmp_path / "big.txt"
    head = LINE.encode() * 50_000  # about 4 MB: several blocks before the bad byte
    data = head + b"ok \xff\n" + LINE.encode() * 10
    path.write_bytes(data)
    for jobs in ("1", "2"):
        done = run("-j", jobs, "-i", *CHAIN, str(path))
        assert done.returncode == 3
        assert f"line 50001, byte offset {len(head) + 3}" in done.stderr.decode()
        assert path.read_bytes() == data


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_corrupt_compressed_input_is_an_input_error_naming_the_file(tmp_path, suffix):
    bad = tmp_path / f"bad.txt{suffix}"
    bad.write_bytes(b"this is not compressed data at all\n")
    good = tmp_path / "good.txt"
    good.write_text("أ\n", encoding="utf-8")
    done = run(*CHAIN, str(bad), str(good))
    assert done.returncode == 3
    assert f"bad.txt{suffix}:" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
    assert done.stdout == "ا\n".encode()


def test_jobs_with_output_file_give_identical_bytes(big, tmp_path):
    """With -j and -o FILE the workers write the temporary file themselves (ordered.py)."""
    want = run(*CHAIN, str(big)).stdout
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"out{jobs}.txt"
        assert run("-j", jobs, "-o", str(out), *CHAIN, str(big)).returncode == 0
        assert out.read_bytes() == want
    packed = tmp_path / "out.txt.gz"
    assert run("-j", "2", "-o", str(packed), *CHAIN, str(big)).returncode == 0
    assert gzip.decompress(packed.read_bytes()) == want


def test_jobs_with_output_file_and_bad_bytes_write_nothing(tmp_path):
    path = tmp_path / "big.txt"
    head = LINE.encode() * 50_000
    path.write_bytes(head + b"ok \xff\n" + LINE.encode() * 10)
    out = tmp_path / "out.txt"
    done = run("-j", "2", "-o", str(out), *CHAIN, str(path))
    assert done.returncode == 3
    assert f"line 50001, byte offset {len(head) + 3}" in done.stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"], "no output, no temporary file left"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_surrogateescape_passes_bad_bytes_through_in_big_blocks(tmp_path, jobs):
    """Blocks big enough for the fast engines, with a byte that is not UTF-8: passed through
    unchanged, the rest normalized (this used to end in a UnicodeEncodeError traceback)."""
    path = tmp_path / "big.txt"
    path.write_bytes(LINE.encode() * 40_000 + b"bad \xff byte\n" + LINE.encode() * 10)
    done = run("-j", jobs, "--errors", "surrogateescape", *CHAIN, str(path))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == LINE_OUT.encode() * 40_000 + b"bad \xff byte\n" + LINE_OUT.encode() * 10

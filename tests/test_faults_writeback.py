"""Faults around writing files and signals, one test each: the fault, then the guarantee."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).parent / "arabic-norm")
LINE = "السَّلَامُ عَلَيْكُمْ\n"
LINE_OUT = "السلام عليكم\n"


def test_long_arabic_file_name_in_place(tmp_path):
    """Fault: a 120-letter Arabic file name (240+ bytes). Guarantee: -i rewrites it (the temporary
    name fits NAME_MAX) and leaves no temporary file."""
    path = tmp_path / ("كتاب" * 30 + ".txt")
    path.write_text(LINE, encoding="utf-8")
    done = subprocess.run([CLI, "-i", "diacritics", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == LINE_OUT
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can replace /dev/null")
def test_output_to_dev_null_as_root_keeps_the_device():
    """Fault: -o /dev/null as root. Guarantee: written into, the device node is not replaced."""
    done = subprocess.run([CLI, "-o", "/dev/null", "diacritics"], input=LINE.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert Path("/dev/null").is_char_device()


def test_ctrl_c_exits_130_with_one_line(tmp_path):
    """Fault: Ctrl-C while reading stdin. Guarantee: exit 130, one line on stderr, no traceback."""
    process = subprocess.Popen(
        [CLI, "-j", "2", "diacritics"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.decode() == "arabic-norm: interrupted\n"


def test_in_place_refuses_hard_links_and_links_out_of_the_tree(tmp_path):
    """Fault: -i DIR where one file has a second hard link and another is a symbolic link to a
    file outside DIR. Guarantee: the hard-linked file is refused (exit 3, untouched, link kept);
    the link out of the tree is skipped with a message naming it, its target untouched."""
    tree, outside = tmp_path / "tree", tmp_path / "outside.txt"
    tree.mkdir()
    outside.write_text(LINE, encoding="utf-8")
    (tree / "out.txt").symlink_to(outside)
    (tree / "linked.txt").write_text(LINE, encoding="utf-8")
    os.link(tree / "linked.txt", tmp_path / "other-name.txt")
    done = subprocess.run([CLI, "-i", "diacritics", str(tree)], capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 3, err
    assert "hard links" in err and "out.txt: symbolic link to" in err
    assert outside.read_text(encoding="utf-8") == LINE
    assert (tree / "linked.txt").read_text(encoding="utf-8") == LINE
    assert os.stat(tree / "linked.txt").st_nlink == 2

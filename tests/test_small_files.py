"""Many small files: what is made durable and when (fsync), and the byte engine on small blocks.

- `-i`: each rewritten file's temporary copy is fsynced before it is renamed over the original
  (after a crash the file holds the old text or the new, never a cut one); each directory renamed
  into is fsynced once, after the last rename, not once per file.
- `-o`/`--output-dir`: no fsync at all, unless `--fsync` asks: then every new file before its
  rename, and its directories (those --output-dir created too) once at the end.
- The byte engine takes small blocks once numpy pays for itself (a run over many small files);
  its output is the str path's, byte for byte, for every preset on every corpus.

The command runs in this process (`main`), with `os.fsync`, `os.replace` and `os.open` wrapped to
record which file or directory each fsync was for, in order.
"""

from __future__ import annotations

import os
import stat

import pytest

from arabic_norm.cli import atomic
from arabic_norm.cli.command import main
from arabic_norm.engine import maps
from arabic_norm.pipeline import Pipeline
from arabic_norm.presets import PRESETS

from .conftest import corpus_files

CHANGES = "السَّلَامُ عَلَيْكُمْ\n".encode()  # the default preset removes the diacritics
NORMALIZED = "السلام عليكم\n".encode()


@pytest.fixture
def syscalls(monkeypatch):
    """Records ("fsync", path) and ("replace", target) in the order they happen."""
    events: list[tuple[str, str]] = []
    opened: dict[int, str] = {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def record_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        opened[fd] = os.path.realpath(path)
        return fd

    def record_fsync(fd):
        events.append(("fsync", opened.get(fd, f"fd {fd}")))
        return real_fsync(fd)

    def record_replace(src, dst, *args, **kwargs):
        events.append(("replace", os.path.realpath(dst)))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "open", record_open)
    monkeypatch.setattr(os, "fsync", record_fsync)
    monkeypatch.setattr(os, "replace", record_replace)
    return events


def tree(root, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_in_place_fsyncs_each_rewritten_file_before_its_rename_and_each_directory_once(tmp_path, syscalls):
    src = tmp_path / "src"
    tree(src, {"a/1.txt": CHANGES, "a/2.txt": CHANGES, "b/3.txt": CHANGES, "b/same.txt": NORMALIZED})
    assert main(["-q", "-i", str(src)]) == 0
    for name in ("a/1.txt", "a/2.txt", "b/3.txt", "b/same.txt"):
        assert (src / name).read_bytes() == NORMALIZED
    renames = [i for i, (kind, _) in enumerate(syscalls) if kind == "replace"]
    assert [syscalls[i][1] for i in renames] == [str((src / n).resolve()) for n in ("a/1.txt", "a/2.txt", "b/3.txt")]
    for i in renames:  # the data of the temporary file reaches the disk just before it is renamed
        kind, path = syscalls[i - 1]
        assert kind == "fsync" and os.path.basename(path).startswith(".arabic-norm-"), syscalls[i - 1]
    # The directories: once each, after the last rename (the unchanged file is never rewritten).
    after = syscalls[renames[-1] + 1 :]
    assert sorted(after) == [("fsync", str((src / "a").resolve())), ("fsync", str((src / "b").resolve()))]


def test_output_dir_writes_without_fsync_by_default(tmp_path, syscalls):
    src, out = tmp_path / "src", tmp_path / "out"
    tree(src, {"1.txt": CHANGES, "deep/er/2.txt": NORMALIZED})
    assert main(["-q", "--output-dir", str(out), str(src)]) == 0
    assert (out / "1.txt").read_bytes() == NORMALIZED
    assert (out / "deep/er/2.txt").read_bytes() == NORMALIZED
    assert [kind for kind, _ in syscalls] == ["replace", "replace"]  # still renamed into place
    assert not [name for name in os.listdir(out) if name.startswith(".arabic-norm-")]


def test_output_dir_with_fsync_syncs_every_file_before_its_rename_then_its_directories(tmp_path, syscalls):
    src, out = tmp_path / "src", tmp_path / "out"
    tree(src, {"1.txt": CHANGES, "deep/er/2.txt": NORMALIZED})
    os.chmod(src / "1.txt", 0o640)
    assert main(["-q", "--fsync", "--output-dir", str(out), str(src)]) == 0
    assert (out / "deep/er/2.txt").read_bytes() == NORMALIZED
    assert stat.S_IMODE(os.stat(out / "1.txt").st_mode) == 0o640  # the umask's bits, no more open than the input
    renames = [i for i, (kind, _) in enumerate(syscalls) if kind == "replace"]
    assert len(renames) == 2
    for i in renames:
        kind, path = syscalls[i - 1]
        assert kind == "fsync" and os.path.basename(path).startswith(".arabic-norm-")
    synced = {path for kind, path in syscalls[renames[-1] + 1 :]}
    # the directories written into and those above them, --output-dir's own among them
    for directory in (out, out / "deep", out / "deep" / "er"):
        assert str(directory.resolve()) in synced


def test_fsync_is_in_the_help():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "arabic_norm", "--help"], capture_output=True, text=True, check=True)
    assert "--fsync" in done.stdout


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_byte_engine_on_small_blocks_gives_the_str_paths_bytes(preset, monkeypatch, corpus):
    """Every corpus file cut in pieces of about 3 KB (at line ends), normalized with the byte
    engine taking small blocks from the first one, and with the str path only."""
    pieces = []
    for path in corpus_files():
        data = path.read_bytes()[: 256 << 10]
        start = 0
        while start < len(data):
            end = data.find(b"\n", start + 3000)
            end = len(data) if end < 0 else end + 1
            pieces.append(data[start:end])
            start = end
    pieces = [p for p in pieces if _decodes(p)]
    monkeypatch.setattr(maps, "SMALL_UTF8_MIN_BYTES", 1 << 40)  # never: the str path
    expected = [Pipeline.preset(preset).normalize_block(p) for p in pieces]
    monkeypatch.setattr(maps, "SMALL_UTF8_MIN_BYTES", 64)
    monkeypatch.setattr(maps, "NUMPY_PAYS_AFTER_BYTES", 0)  # at once
    pipeline = Pipeline.preset(preset)
    got = [pipeline.normalize_block(p) for p in pieces]
    if pipeline.byte_stops is not None:  # the byte engine really ran
        assert any(m._utf8 for _, m in pipeline.map_passes)
    assert got == expected


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_real_path_is_realpath_with_each_directory_resolved_once(tmp_path, monkeypatch):
    """real_path (a run resolves thousands of targets in a few directories) answers what
    os.path.realpath answers: through a linked directory, a linked file, a dangling link, `..`,
    a relative path and a path that does not exist yet."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.txt").symlink_to(tmp_path / "real" / "a.txt")
    (tmp_path / "real" / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    monkeypatch.chdir(tmp_path)
    atomic.forget_paths()
    paths = ["linked/a.txt", "linked/b.txt", "real/dangling.txt", "real/../linked/a.txt", "new/dir/c.txt", "."]
    for path in [*paths, *paths]:  # the second time from what was remembered
        assert atomic.real_path(path) == os.path.realpath(path), path


def test_a_new_run_resolves_its_directories_afresh(tmp_path):
    """A directory replaced by a link between two runs in one process: the second run writes
    where the link leads, not where the first run's remembered path did."""
    (tmp_path / "in.txt").write_bytes(CHANGES)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    out = tmp_path / "out"
    out.symlink_to(first)
    assert main(["-q", "-o", str(out / "x.txt"), str(tmp_path / "in.txt")]) == 0
    out.unlink()
    out.symlink_to(second)
    assert main(["-q", "-o", str(out / "x.txt"), str(tmp_path / "in.txt")]) == 0
    assert (first / "x.txt").read_bytes() == (second / "x.txt").read_bytes() == NORMALIZED

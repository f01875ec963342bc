"""Past one machine: whole files as tasks on a Dask cluster, and helpers for bags and dataframes.

    from distributed import Client
    from arabic_norm import Pipeline
    from arabic_norm.dask import normalize_files

    client = Client("tcp://scheduler:8786")
    summary = normalize_files(["corpus/", "extra/*.txt.gz"], "clean/", Pipeline.preset("search"), client)
    print(summary)                      # 1,204 files written to clean/ (1,180 changed), 0 errors
    for error in summary.errors: ...    # "corpus/bad.txt: line 12, byte offset 40: invalid UTF-8 ..."

`normalize_files` is `arabic-norm --output-dir` with each file a task: the same discovery (files
named as given, directories mirrored below the output directory with the same include and exclude
globs, binary files found in directories skipped), the same file engine (`process_file`, one
process per task), so every output is byte-identical to `arabic-norm -j 1 --output-dir`: line
endings, BOM, a missing final newline, bad bytes with --errors surrogateescape, `.gz .bz2 .xz .zst`
by extension. Globs are expanded as a shell would expand them for the command.

Paths are local (every worker must see them: a shared file system) or, when fsspec is installed,
URLs (`s3://...`, `memory://...`; `file://` is a local path). A remote input is copied to the
worker's temporary directory and processed there; a remote output is written there and uploaded.

Nothing half-written is ever visible: a local output is written beside its target and renamed
over it (as the command does); a remote one is uploaded under a temporary name beside the target
and moved onto it. A worker that dies mid-file (its process killed, its machine lost) is replaced
by the scheduler and its file processed again from the start; temporary files left by the killed
attempt are removed once every file is done.

`normalize_bag` and `normalize_dataframe` run the batch path (`arabic_norm.pandas`) per partition.
"""

from __future__ import annotations

import contextlib
import glob
import os
import posixpath
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from .errors import UsageError

TEMP_PREFIX = ".arabic-norm-"  # temporary files of uploads: `.arabic-norm-XXXXXXXX-NAME` beside the target
GLOB_CHARS = "*?["


def _file_layer() -> SimpleNamespace:
    """Everything taken from the command line's file layer (cli/discover.py, cli/process.py,
    cli/run.py), in one place: re-point these imports if that layer moves. `targets` raises
    ValueError where the command says 'usage error' (two inputs mirrored to one target, an input
    that would overwrite itself)."""
    from .cli import discover, process

    def targets(sources, output_dir: str) -> dict:
        from .cli.run import output_targets

        try:
            return output_targets(sources, None, output_dir)
        except UsageError as e:
            raise ValueError(str(e)) from None

    return SimpleNamespace(
        discover=discover.discover,
        matches=discover._matches,
        targets=targets,
        process_file=process.process_file,
        Settings=process.Settings,
        Source=discover.Source,
        Missing=discover.Missing,
        FileResult=process.FileResult,
        DEFAULT_INCLUDE=discover.DEFAULT_INCLUDE,
        DEFAULT_EXCLUDE=discover.DEFAULT_EXCLUDE,
        temp_pattern=".arabic-norm-*-",  # + the target's name: atomic._temp_beside's temporary files
    )


# --- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileDone:
    """One input: status changed | unchanged | skipped (binary file) | error; `message` says why."""

    source: str
    target: str | None
    status: str
    message: str = ""

    @property
    def changed(self) -> bool:
        return self.status == "changed"

    def __str__(self) -> str:
        return f"{self.source}: {self.message or self.status}"


@dataclass(frozen=True)
class Summary:
    """What `normalize_files` did, one `FileDone` per input in input order."""

    output_dir: str
    files: tuple[FileDone, ...]

    @property
    def changed(self) -> list[FileDone]:
        return [f for f in self.files if f.status == "changed"]

    @property
    def errors(self) -> list[FileDone]:
        """Inputs that failed (str() of each names the file and says why)."""
        return [f for f in self.files if f.status == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self) -> str:
        done = [f for f in self.files if f.status in ("changed", "unchanged")]

        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        head = f"{plural(len(done), 'file')} written to {self.output_dir} ({len(self.changed)} changed), "
        head += plural(len(self.errors), "error")
        return "\n".join([head] + [f"error: {f}" for f in self.errors])


# --- paths and URLs -----------------------------------------------------------------------------
def _remote(path: str | None) -> bool:
    """Whether `path` is a URL of a file system other than the local one."""
    if path is None or "://" not in path:
        return False
    protocol = path.split("://", 1)[0]
    return protocol not in ("file", "local")


def _local(path: str) -> str:
    """`file:///x` -> `/x`; other paths unchanged."""
    for prefix in ("file://", "local://"):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def _has_glob(path: str) -> bool:
    return any(c in path for c in GLOB_CHARS)


def _expand_local(paths: Iterable[str]) -> list[str]:
    """Globs expanded as a shell expands them (sorted; a glob matching nothing kept as written)."""
    expanded = []
    for path in paths:
        matches = sorted(glob.glob(path)) if _has_glob(path) else []
        expanded += matches or [path]
    return expanded


def _remote_sources(url: str, include, exclude, skip: str | None, layer) -> list:
    """`discover` for a URL (a file, a directory or a glob), through fsspec: the same order, the
    same relative paths and the same include/exclude rules as for a local directory."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    skip_root = None
    if skip is not None and _remote(skip):
        skip_fs, skip_root = fsspec.core.url_to_fs(skip)
        skip_root = skip_root.rstrip("/") if skip_fs.protocol == fs.protocol else None
    matches = sorted(fs.glob(root)) if _has_glob(root) else []
    roots = [(path, fs.unstrip_protocol(path)) for path in matches] or [(root, url)]  # no match: kept as written
    sources = []
    for path, path_url in roots:
        if fs.isdir(path):
            sources += _remote_walk(fs, path.rstrip("/"), path_url.rstrip("/"), include, exclude, skip_root, layer)
        elif fs.exists(path):
            sources.append(layer.Source(path_url, posixpath.basename(path)))
        else:
            sources.append(layer.Missing(url))
    return sources


def _remote_walk(fs, root: str, root_url: str, include, exclude, skip_root: str | None, layer) -> list:
    # The same walk as cli/discover.py (os.walk, sorted, excluded directories pruned), over fsspec;
    # files are named `root_url/RELATIVE`, as the user wrote the directory.
    sources = []
    for directory, dirnames, filenames in fs.walk(root):
        base = directory.rstrip("/")[len(root) :].strip("/")
        base = base + "/" if base else ""
        kept = sorted(
            d for d in dirnames if not layer.matches(base + d, exclude) and f"{directory.rstrip('/')}/{d}" != skip_root
        )
        dirnames[:] = kept
        for name in sorted(filenames):
            relative = base + name
            if layer.matches(relative, include) and not layer.matches(relative, exclude):
                sources.append(layer.Source(f"{root_url}/{relative}", relative, found=True))
    return sources


def _discover(paths: Sequence[str], output_dir: str, include, exclude, layer) -> list:
    """Sources (and Missing paths) in input order, as the command finds them."""
    include = tuple(include) if include is not None else layer.DEFAULT_INCLUDE
    exclude = tuple(exclude) if exclude is not None else layer.DEFAULT_EXCLUDE
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    found = []
    for path in paths:
        path = os.fspath(path)
        if path == "-":
            raise ValueError("normalize_files reads files, not stdin ('-')")
        if _remote(path):
            found += _remote_sources(path, include, exclude, output_dir, layer)
        else:
            skip = [] if _remote(output_dir) else [output_dir]
            found += layer.discover(_expand_local([_local(path)]), include, exclude, skip=skip)
    return found


# --- one file, on a worker ----------------------------------------------------------------------
def normalize_one(pipeline, source, target: str, settings):
    """Normalize one input to `target` (runs on a worker; module level so that it pickles by name).
    Returns the `FileResult` of the file engine, naming the input as given."""
    layer = _file_layer()
    if not _remote(source.path) and not _remote(target):
        return layer.process_file(pipeline, source, target, settings)
    with tempfile.TemporaryDirectory(prefix="arabic-norm-dask-") as tmp:
        local_source, local_target = source, target
        # the local copies keep the names' endings: compression goes by extension
        if _remote(source.path):
            local_source = source._replace(path=os.path.join(tmp, "in-" + posixpath.basename(source.path)))
            try:
                _copy_down(source.path, local_source.path)
            except OSError as e:
                return layer.FileResult(source.path, "error", f"cannot read: {e}")
        if _remote(target):
            local_target = os.path.join(tmp, "out-" + posixpath.basename(target))
        result = layer.process_file(pipeline, local_source, local_target, settings)
        result.source = source.name
        if result.status in ("changed", "unchanged") and _remote(target):
            _upload(local_target, target)
    return result


def _copy_down(url: str, path: str) -> None:
    import fsspec

    fs, remote = fsspec.core.url_to_fs(url)
    fs.get_file(remote, path)


def _upload(path: str, url: str) -> None:
    """Put `path` at `url` whole: under a temporary name beside it, then moved onto it (a rename
    where the file system has one; object stores show an object only once it is complete)."""
    import fsspec

    fs, remote = fsspec.core.url_to_fs(url)
    directory, name = posixpath.split(remote)
    fs.makedirs(directory, exist_ok=True)
    temporary = f"{directory}/{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-{name}"
    try:
        fs.put_file(path, temporary)
        fs.mv(temporary, remote)
    except BaseException:
        if fs.exists(temporary):
            fs.rm(temporary)
        raise


def _remove_leftovers(targets: Iterable[str]) -> None:
    """Temporary files beside the targets left by attempts killed mid-write (none in flight now)."""
    temp_pattern = _file_layer().temp_pattern
    for target in targets:
        directory, name = os.path.split(os.path.realpath(target))
        pattern = os.path.join(glob.escape(directory), temp_pattern + glob.escape(name))
        for leftover in glob.glob(pattern):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


# --- many files, on the cluster -----------------------------------------------------------------
def get_client(client=None):
    """`client` itself, a new Client for a scheduler address, or the current default client."""
    from distributed import Client, default_client

    if client is None:
        return default_client()
    if isinstance(client, str):
        return Client(client)
    return client


def _absolute(task: tuple) -> tuple:
    """The task with local paths made absolute: a worker's current directory is not the client's."""
    pipeline, source, target, settings = task
    if not _remote(source.path):
        source = source._replace(path=os.path.abspath(source.path))
    return pipeline, source, target if _remote(target) else os.path.abspath(target), settings


def run_tasks(client, tasks: Sequence[tuple], retries: int = 2) -> list:
    """Run `(pipeline, source, target, settings)` tasks, one file each, on the cluster; their
    `FileResult`s in task order, naming the sources as given. Relative paths are taken from the
    current directory here, and must mean the same files on the workers (a shared file system).
    A task that raised (or whose workers kept dying) gives status "error". Temporary files left
    by attempts killed mid-write are removed at the end."""
    layer = _file_layer()
    run = uuid.uuid4().hex  # keys unique to this run: a key seen before would return its old result
    keys = [f"arabic-norm-{os.path.basename(t[1].name)}-{run}-{n}" for n, t in enumerate(tasks)]
    absolute = [_absolute(t) for t in tasks]
    futures = client.map(normalize_one, *zip(*absolute, strict=True), key=keys, retries=retries) if tasks else []
    results = []
    for task, future in zip(tasks, futures, strict=True):
        try:
            result = future.result()
        except Exception as e:  # e.g. distributed.KilledWorker, an error in a remote file system
            result = layer.FileResult(task[1].name, "error", f"{type(e).__name__}: {e}")
        result.source = task[1].name
        results.append(result)
    _remove_leftovers(t[2] for t in absolute if not _remote(t[2]))
    return results


def normalize_files(
    paths: str | Sequence[str],
    output_dir: str,
    pipeline,
    client=None,
    *,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    errors: str = "strict",
    retries: int = 2,
) -> Summary:
    """Normalize files, directories (mirrored under `output_dir`) or globs with `pipeline`, one
    task per file on `client` (a `distributed.Client`, a scheduler address, or None for the current
    client); the result of `arabic-norm --output-dir OUTPUT_DIR PATHS...`, byte for byte.

    `include`/`exclude`: the globs for files found in directories (default: the command's);
    `errors`: "strict" (bad bytes are an error naming file, line and offset) or "surrogateescape";
    `retries`: how often a task that raised is tried again. Input errors do not raise: they are
    in the summary. Raises ValueError where the command gives a usage error."""
    layer = _file_layer()
    output_dir = os.fspath(output_dir)
    output_dir = output_dir if _remote(output_dir) else _local(output_dir)
    found = _discover(paths, output_dir, include, exclude, layer)
    sources = [s for s in found if isinstance(s, layer.Source)]
    targets = layer.targets(sources, output_dir)
    settings = layer.Settings(mode="output", errors=errors)
    results = iter(run_tasks(get_client(client), [(pipeline, s, targets[s], settings) for s in sources], retries))
    files = []
    for item in found:
        if isinstance(item, layer.Missing):
            files.append(FileDone(item.path, None, "error", "no such file or directory"))
        else:
            r = next(results)
            files.append(FileDone(item.name, targets[item], r.status, r.message))
    return Summary(output_dir, tuple(files))


# --- bags and dataframes ------------------------------------------------------------------------
def _normalize_partition(values, pipeline) -> list:
    from .pandas import normalize_strings

    values = list(values)
    positions = [i for i, v in enumerate(values) if isinstance(v, str)]
    for i, r in zip(positions, normalize_strings(pipeline, [values[i] for i in positions]), strict=True):
        values[i] = r
    return values


def normalize_bag(bag, pipeline):
    """A bag of the strings of `bag` normalized (other elements kept), one batch per partition:
    the same as `bag.map(pipeline)` on strings, faster on many short ones."""
    return bag.map_partitions(_normalize_partition, pipeline)


def normalize_dataframe(df, columns: str | Sequence[str], pipeline):
    """A dask DataFrame with the string values of `columns` normalized (others, and None/NaN,
    kept), one batch per partition and column."""
    from .pandas import normalize_series

    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"no such column: {', '.join(map(str, missing))}")
    return df.assign(**{str(c): df[c].map_partitions(normalize_series, pipeline, meta=df[c]._meta) for c in columns})

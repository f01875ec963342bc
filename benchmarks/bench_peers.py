"""arabic-norm against its peers on the four operations diacritics, tatweel, alef, ya; file to file.

    .venv/bin/python benchmarks/bench_peers.py [--runs 5] [--readme] [--targets-only]

Inputs: every corpus of ../shared/corpus over 10 MB. Tools, each a separate process reading FILE
and writing OUT:

- `cp FILE OUT`: the floor (issue 13 measures arabic-norm against it);
- `arabic-norm diacritics tatweel alef ya FILE > OUT`, and the same with `-j 2`: this checkout
  installed as a user installs it (`pip install .`, not editable) into `benchmarks/.venv-bench`,
  afresh on every run (see `install_this_checkout`);
- the PyPI package `arabic-norm` (Rust/PyO3), installed by this script into
  `benchmarks/.venv-rust` (its module name collides with ours): `normalize(text)` with its
  defaults strip_tashkeel, strip_tatweel, normalize_alif, normalize_ya;
- pyarabic: `strip_tashkeel`, `strip_tatweel`, ى -> ي, `normalize_alef` (ya first: pyarabic's
  normalize_alef also turns ى into ا);
- camel-tools: `dediac_ar`, tatweel removed with `str.replace` (camel-tools' utilities have no
  tatweel function), `normalize_alef_ar`, `normalize_alef_maksura_ar`;
- one `str.translate` table.

The peers are libraries that take a string: they read the whole file, normalize, write. Before any
timing every tool's output is compared byte for byte with arabic-norm's; a difference aborts.

**Where the peers disagree**, the comparison input is restricted: the peers agree on harakat,
tanwin, shadda, sukun (U+064B-U+0652), tatweel, أ إ آ ٱ -> ا and ى -> ي, but not on the Quranic
marks (U+0610-U+061A, U+06D6-U+06ED: the Rust library and arabic-norm remove them, pyarabic and
camel-tools keep them), combining hamza/madda (U+0653-U+0655: Rust deletes them, arabic-norm composes
them into the letter), the extended marks U+0656-U+065F, the dagger alef U+0670 (pyarabic turns it
into ا), U+08D3-U+08FF (only arabic-norm) and ٲ ٳ ٵ (only arabic-norm). Lines containing any of
these are dropped from a copy of each corpus (the script says how many); that copy is the input
for every tool.

Runs alternate between the tools (run 1 of every tool, then run 2, ...), the first round is a
warm-up that is not counted, each run starts with no output file and nothing left to write back
(`os.sync()`), and the median of `--runs` rounds is reported with the ratios to `cp`, to the
Rust library and to arabic-norm, each tool's peak RSS (`os.wait4`'s ru_maxrss of that process; for
`-j 2` the largest of the parent and its workers), and whether issue 13's targets are met on each corpus:
one process at most 4x `cp` and 0.4x the Rust library, `-j 2` no slower than one process, peak RSS
at most 64 MiB. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
MIN_SIZE = 10_000_000  # corpora at least this big are benchmarked
RESULTS = HERE / "results"
RUST_VENV = HERE / ".venv-rust"
RUST_PACKAGE = "arabic-norm==0.1.0"
BENCH_VENV = HERE / ".venv-bench"
BIN = BENCH_VENV / "bin"  # arabic-norm as a user installs it (see install_this_checkout)

# Characters the peers treat differently (see the module docstring).
DISPUTED = re.compile("[\u0610-\u061a\u0653-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff\u0672\u0673\u0675]")

READ = "import sys\nwith open(sys.argv[1], encoding='utf-8', newline='') as f:\n    text = f.read()\n"
WRITE = "with open(sys.argv[2], 'w', encoding='utf-8', newline='') as f:\n    f.write(text)\n"
SCRIPTS = {
    "rust": READ + "import arabic_norm\ntext = arabic_norm.normalize(text)\n" + WRITE,
    "pyarabic": READ
    + "from pyarabic import araby\n"
    + "text = araby.strip_tashkeel(text)\ntext = araby.strip_tatweel(text)\n"
    + "text = text.replace('\\u0649', '\\u064a')\ntext = araby.normalize_alef(text)\n"
    + WRITE,
    "camel": READ
    + "from camel_tools.utils.dediac import dediac_ar\n"
    + "from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar\n"
    + "text = normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text).replace('\\u0640', '')))\n"
    + WRITE,
    "translate": READ
    + "table = dict.fromkeys(range(0x064B, 0x0653))\ntable[0x0640] = None\n"
    + "table.update(dict.fromkeys(map(ord, '\\u0623\\u0625\\u0622\\u0671'), '\\u0627'))\n"
    + "table[0x0649] = '\\u064a'\ntext = text.translate(table)\n"
    + WRITE,
}
# -j 2 through the library when the command line has no -j yet.
LIBRARY_J2 = (
    "import sys\nfrom arabic_norm import Pipeline\nfrom arabic_norm.stream.pool import normalize_file\n"
    "p = Pipeline.parse('diacritics tatweel alef ya')\n"
    "with open(sys.argv[2], 'wb') as out:\n    normalize_file(p, sys.argv[1], out.write, jobs=2)\n"
)
CHAIN = ["diacritics", "tatweel", "alef", "ya"]
TARGET_TOOLS = ("cp", "arabic-norm", "arabic-norm -j 2", "arabic-norm (Rust, PyPI)")
PROTECTED = "arabic-norm, protection on (default)"


def ensure_rust_venv() -> Path:
    python = RUST_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing {RUST_PACKAGE} into {RUST_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(RUST_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", RUST_PACKAGE], check=True)
    return python


def install_this_checkout() -> None:
    """This checkout installed as pip installs it for a user (not editable), into
    benchmarks/.venv-bench, afresh on every run. The development .venv's editable install puts
    setuptools' import hook in every start of Python: `python -c pass` runs 88 million
    instructions there against 38 in a plain install (callgrind), a cost the peers, installed
    normally, do not pay and a user does not either."""
    python = BIN / "python"
    if not python.exists():
        print(f"installing this checkout into {BENCH_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(ROOT)], check=True)
    else:
        install = [str(python), "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", str(ROOT)]
        subprocess.run(install, check=True)


def kernel_built() -> bool:
    code = "from arabic_norm.engine import kernel; print(kernel.native is not None)"
    done = subprocess.run([str(BIN / "python"), "-I", "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip() == "True"


def cli_has_option(option: str) -> bool:
    done = subprocess.run([str(BIN / "arabic-norm"), "--help"], capture_output=True, text=True, check=False)
    return option in done.stdout


def tools(rust_python: Path) -> dict[str, tuple[list[str], bool]]:
    """name -> (command taking FILE OUT, whether the command writes to stdout)."""
    cli = str(BIN / "arabic-norm")
    # The peers protect nothing: a URL that runs into Arabic (Tashkeela's www.temawy.comبِسْمِ) keeps
    # its marks under arabic-norm's default protection, so the compared rows run --no-protect; the
    # protected row (the default command) is timed for its cost, not compared.
    off = ["--no-protect"] if cli_has_option("--no-protect") else []
    j2 = ([cli, *off, "-j", "2", *CHAIN], True)
    if not cli_has_option("--jobs"):
        j2 = ([str(BIN / "python"), "-c", LIBRARY_J2], False)
    protected = {PROTECTED: ([cli, *CHAIN], True)} if off else {}
    return {
        "cp": (["cp"], False),
        "arabic-norm": ([cli, *off, *CHAIN], True),
        **protected,
        "arabic-norm -j 2": j2,
        "arabic-norm (Rust, PyPI)": ([str(rust_python), "-I", "-c", SCRIPTS["rust"]], False),
        "pyarabic": ([sys.executable, "-I", "-c", SCRIPTS["pyarabic"]], False),
        "camel-tools": ([sys.executable, "-I", "-c", SCRIPTS["camel"]], False),
        "str.translate": ([sys.executable, "-I", "-c", SCRIPTS["translate"]], False),
    }


def run(command: list[str], to_stdout: bool, source: Path, target: Path) -> tuple[float, int]:
    """Run once; (wall seconds, peak RSS in KiB of the process or its largest descendant)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # Outside the timing: remove the previous output and flush dirty pages to disk, so that no
    # tool pays for freeing or writing back another tool's output while it runs.
    target.unlink(missing_ok=True)
    os.sync()
    start = time.perf_counter()
    if to_stdout:
        with open(target, "wb") as out:
            proc = subprocess.Popen([*command, str(source)], stdout=out, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
    else:
        proc = subprocess.Popen([*command, str(source), str(target)], env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def agreed_input(name: str) -> tuple[Path, int, int]:
    """A copy of the corpus without the lines the peers disagree on: (path, lines kept, dropped)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name.replace(".txt", ".agreed.txt")
    kept = dropped = 0
    with open(CORPUS / name, encoding="utf-8", newline="") as src, open(path, "w", encoding="utf-8", newline="") as dst:
        for line in src:
            if DISPUTED.search(line):
                dropped += 1
            else:
                kept += 1
                dst.write(line)
    return path, kept, dropped


def corpora() -> list[str]:
    """The corpora of at least MIN_SIZE bytes."""
    files = (p for p in sorted(CORPUS.glob("*.txt")) if not p.name.endswith(".LICENSE.txt"))
    return [p.name for p in files if p.stat().st_size >= MIN_SIZE]


def targets(name: str, median: dict[str, float], rss: dict[str, int]) -> str:
    """Issue 13's targets on one corpus, each with its figure and met or missed."""
    one, j2 = median["arabic-norm"], median["arabic-norm -j 2"]
    checks = [
        (f"one process {one / median['cp']:.1f}x cp (at most 4x)", one <= 4 * median["cp"]),
        (
            f"{one / median['arabic-norm (Rust, PyPI)']:.2f}x Rust (at most 0.4x)",
            one <= 0.4 * median["arabic-norm (Rust, PyPI)"],
        ),
        (f"-j 2 {j2 / one:.2f}x one process (at most 1x)", j2 <= one),
        (
            f"peak RSS {max(rss['arabic-norm'], rss['arabic-norm -j 2']) / 1024:.0f} MiB (at most 64)",
            max(rss["arabic-norm"], rss["arabic-norm -j 2"]) <= 64 * 1024,
        ),
    ]
    return f"- {name}: " + "; ".join(f"{text}: {'met' if ok else 'MISSED'}" for text, ok in checks)


def bench_file(name: str, commands: dict, runs: int) -> tuple[list[str], str]:
    source, kept, dropped = agreed_input(name)
    size = source.stat().st_size
    print(f"\n{name}: {size / 1e6:.1f} MB, {kept} lines ({dropped} lines dropped: disputed characters)")
    outputs = {t: RESULTS / f"out-{i}.txt" for i, t in enumerate(commands)}
    for tool, (command, to_stdout) in commands.items():
        run(command, to_stdout, source, outputs[tool])
    # compared in chunks: this process stays small, since a child's ru_maxrss starts from it
    for tool, path in outputs.items():
        if tool not in ("cp", PROTECTED) and not filecmp.cmp(path, outputs["arabic-norm"], shallow=False):
            raise SystemExit(f"{tool} writes different bytes from arabic-norm on {name}: not comparable")
    print("all tools write identical bytes; timing ...")
    times: dict[str, list[float]] = {t: [] for t in commands}
    rss: dict[str, int] = dict.fromkeys(commands, 0)
    for round_ in range(runs + 1):
        order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
        for tool in order:
            command, to_stdout = commands[tool]
            elapsed, peak = run(command, to_stdout, source, outputs[tool])
            if round_:  # round 0 is a warm-up
                times[tool].append(elapsed)
                rss[tool] = max(rss[tool], peak)
    for path in outputs.values():
        path.unlink()
    median = {tool: statistics.median(times[tool]) for tool in commands}
    cp, rust, ours = median["cp"], median["arabic-norm (Rust, PyPI)"], median["arabic-norm"]
    rows = []
    for tool in commands:
        rows.append(
            f"| {name} | {tool} | {median[tool]:.3f} | {size / 1e6 / median[tool]:.0f} | {median[tool] / cp:.1f}x | "
            f"{median[tool] / rust:.2f}x | {median[tool] / ours:.1f}x | {rss[tool] / 1024:.0f} |"
        )
    return rows, targets(name, median, rss)


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cores} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def update_readme(table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench-peers:start -->", "<!-- bench-peers:end -->"
    block = f"{start}\n{table}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Benchmarks\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per tool (median reported)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument(
        "--targets-only", action="store_true", help="only the tools issue 13's targets need: cp, arabic-norm, Rust"
    )
    args = parser.parse_args()
    install_this_checkout()
    commands = tools(ensure_rust_venv())
    if args.targets_only:
        commands = {k: v for k, v in commands.items() if k in TARGET_TOOLS}
    how_j2 = " ".join(commands["arabic-norm -j 2"][0][:4])
    rows, verdicts = [], []
    for name in corpora():
        file_rows, verdict = bench_file(name, commands, args.runs)
        rows += file_rows
        verdicts.append(verdict)
    header = [
        "| corpus | tool | median s | MB/s | time vs cp | time vs Rust | time vs arabic-norm | peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    j2_note = (
        "`arabic-norm --no-protect -j 2 diacritics tatweel alef ya FILE > OUT`"
        if "-j" in how_j2
        else "the library's `parallel.normalize_file(..., jobs=2)` (the command line had no -j yet)"
    )
    table = "\n".join(
        [
            f"Measured {datetime.date.today().isoformat()} on {machine()}, median of {args.runs} alternating "
            "runs after a warm-up round, file to file. Reproduce with "
            "`.venv/bin/python benchmarks/bench_peers.py --runs 5 --readme` (or `make bench`).",
            "",
            "Command: `arabic-norm --no-protect diacritics tatweel alef ya FILE > OUT`, this checkout installed "
            "as pip installs it for a user (not editable: `benchmarks/.venv-bench`) (the peers protect no "
            "URL; the default command, with protected spans, has its own row); -j 2 row: " + j2_note + ". "
            "Input: each corpus without the lines containing characters the peers define differently "
            "(Quranic marks, combining hamza, extended marks, dagger alef, ٲ ٳ ٵ; see "
            "`benchmarks/bench_peers.py`), so that every tool writes identical bytes (checked before timing).",
            "",
            *header,
            *rows,
            "",
            f"Targets (issue 13), {'compiled kernel' if kernel_built() else 'NO compiled kernel (numpy engine)'}:",
            *verdicts,
        ]
    )
    print()
    print(table)
    (RESULTS / "peers.md").write_text(table + "\n", encoding="utf-8")
    if args.readme and not args.targets_only:  # the README's table has every peer
        update_readme(table)


if __name__ == "__main__":
    main()

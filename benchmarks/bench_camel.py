"""camel-tools benchmark (issue 5): the `camel` preset against the camel-tools functions it
reproduces, on the same bytes, alternating, median of --runs. Identical output is asserted first.

    .venv/bin/python benchmarks/bench_camel.py [--runs 7] [--file cls_tashkeela_classical.txt]

camel-tools side: decode, normalize_unicode -> dediac_ar -> normalize_alef_ar ->
normalize_alef_maksura_ar -> normalize_teh_marbuta_ar on the whole text, encode.
arabic-norm side: Pipeline.preset("camel").normalize_bytes(data). Target: >= 10x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arabic_norm import Pipeline  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--file", default="cls_tashkeela_classical.txt")
    args = parser.parse_args()
    try:
        from camel_tools.utils.dediac import dediac_ar
        from camel_tools.utils.normalize import (
            normalize_alef_ar,
            normalize_alef_maksura_ar,
            normalize_teh_marbuta_ar,
            normalize_unicode,
        )
    except ImportError:
        print("camel-tools is not installed: pip install --no-deps camel-tools==1.6.0", file=sys.stderr)
        return 2

    def camel_tools(data: bytes) -> bytes:
        text = data.decode("utf-8")
        text = normalize_unicode(text)
        text = dediac_ar(text)
        text = normalize_alef_ar(text)
        text = normalize_alef_maksura_ar(text)
        return normalize_teh_marbuta_ar(text).encode("utf-8")

    pipeline = Pipeline.preset("camel")
    data = (CORPUS / args.file).read_bytes()
    ours = pipeline.normalize_bytes(data)  # also warms up: numpy import, tables
    if ours != camel_tools(data):
        print("output differs from camel-tools: not timing", file=sys.stderr)
        return 1

    times: dict[str, list[float]] = {"camel-tools": [], "arabic-norm": []}
    for _ in range(max(args.runs, 5)):
        for name, run in (("camel-tools", camel_tools), ("arabic-norm", pipeline.normalize_bytes)):
            start = time.perf_counter()
            run(data)
            times[name].append(time.perf_counter() - start)
    ct, an = statistics.median(times["camel-tools"]), statistics.median(times["arabic-norm"])
    mb = len(data) / 1e6
    print(f"{args.file}: {mb:.1f} MB, identical output, median of {len(times['camel-tools'])} alternating runs")
    print(f"  camel-tools functions       {ct:7.3f} s  {mb / ct:7.1f} MB/s")
    print(f"  arabic-norm --preset camel {an:7.3f} s  {mb / an:7.1f} MB/s")
    print(f"  ratio: {ct / an:.1f}x faster (target >= 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

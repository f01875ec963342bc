"""Engine benchmark (issue 2): the default preset's normalize_bytes against the same code point map
run with str.translate, and against plain decode + encode, in one run, alternating, on the shared
corpora. Ratios, not seconds: the machines are shared and noisy.

    .venv/bin/python benchmarks/bench_engine.py [--runs 7]

Targets: >= 6x faster than str.translate, <= 1.3x the decode+encode time.
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
from arabic_norm.engine.maps import CompiledMap  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FILES = ["cls_tashkeela_classical.txt", "msa_hindawi_public_domain_books.txt"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    pipeline = Pipeline.preset("default", protect=None)  # the map alone: str.translate protects no URL
    maps = [p for p in pipeline.passes if isinstance(p, CompiledMap)]
    assert len(maps) == 1, "the default preset should compile to one code point map"
    table = maps[0].mapping  # exactly the map the engine runs

    print(
        f"{'file':40s} {'MB':>6s} {'decode+encode':>14s} {'str.translate':>14s} {'arabic-norm':>12s} "
        f"{'vs translate':>13s} {'vs decode+encode':>17s}"
    )
    for name in FILES:
        data = (CORPUS / name).read_bytes()
        contenders = {
            "decode+encode": lambda data=data: data.decode().encode(),
            "str.translate": lambda data=data: data.decode().translate(table).encode(),
            "arabic-norm": lambda data=data: pipeline.normalize_bytes(data),
        }
        # Same bytes first (these corpora have no decomposed hamza, so the map alone is the preset).
        assert contenders["str.translate"]() == contenders["arabic-norm"](), f"outputs differ on {name}"
        times: dict[str, list[float]] = {k: [] for k in contenders}
        for _ in range(args.runs):
            for label, run in contenders.items():  # alternate, so drift hits everyone alike
                start = time.perf_counter()
                run()
                times[label].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"{name:40s} {len(data) / 1e6:6.1f} {med['decode+encode']:13.3f}s {med['str.translate']:13.3f}s "
            f"{med['arabic-norm']:11.3f}s {med['str.translate'] / med['arabic-norm']:12.1f}x "
            f"{med['arabic-norm'] / med['decode+encode']:16.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

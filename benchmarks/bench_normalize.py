"""`normalize(text, preset=...)` on a short string, and `Pipeline.normalize_batch` on a list.

    .venv/bin/python benchmarks/bench_normalize.py [--runs 7]

Per preset: microseconds per call of `normalize(text, preset=name)` (the compiled pipeline is kept
between calls), of a reused `Pipeline` (the floor), and of building the pipeline on every call
(what `normalize` did before it kept them). Then a list of 20,000 short strings (tweets of the
bundled samples): `normalize_batch` against mapping the pipeline over the list.

Each figure is the best of `--runs` repeats (timeit's advice: the others measure the machine's other
work). Issue 13's target: at most 20 us per `normalize` call for every preset. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arabic_norm import Pipeline, normalize  # noqa: E402
from arabic_norm.engine import kernel  # noqa: E402
from arabic_norm.presets import PRESETS  # noqa: E402

TEXT = "«السَّلَامُ عَلَيْكُمْ» يا أحمـــد، هل قرأتَ الكتابَ على الطاولة؟ ١٢٣"
TARGET_US = 20.0


def per_call(function, runs: int, number: int) -> float:
    """Microseconds per call, best of `runs` repeats of `number` calls."""
    return min(timeit.repeat(function, number=number, repeat=runs)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="repeats (the best is reported)")
    args = parser.parse_args()
    engine = "compiled kernel" if kernel.native is not None else "numpy engine (no kernel)"
    print(f"short string of {len(TEXT)} characters; {engine}; best of {args.runs}\n")
    print("| preset | normalize() us | reused Pipeline us | rebuilt every call us | target (20 us) |")
    print("|---|---:|---:|---:|---|")
    for name in PRESETS:
        pipeline = Pipeline.preset(name)
        cached = per_call(lambda name=name: normalize(TEXT, preset=name), args.runs, 5000)
        reused = per_call(lambda pipeline=pipeline: pipeline(TEXT), args.runs, 5000)
        rebuilt = per_call(lambda name=name: Pipeline.preset(name)(TEXT), args.runs, 20)
        verdict = "met" if cached <= TARGET_US else "MISSED"
        print(f"| {name} | {cached:.1f} | {reused:.1f} | {rebuilt:.0f} | {verdict} |")

    lines = (ROOT / "samples" / "tweets.txt").read_text(encoding="utf-8").splitlines()
    texts = (lines * (20_000 // len(lines) + 1))[:20_000]
    print(f"\n{len(texts)} strings of {sum(map(len, texts)) / len(texts):.0f} characters on average:\n")
    print("| preset | normalize_batch ms | mapping ms | mapping / batch |")
    print("|---|---:|---:|---:|")
    for name in PRESETS:
        pipeline = Pipeline.preset(name)
        assert pipeline.normalize_batch(texts) == [pipeline(t) for t in texts]
        batch = per_call(lambda pipeline=pipeline: pipeline.normalize_batch(texts), args.runs, 1) / 1000
        mapped = per_call(lambda pipeline=pipeline: [pipeline(t) for t in texts], args.runs, 1) / 1000
        print(f"| {name} | {batch:.1f} | {mapped:.1f} | {mapped / batch:.1f}x |")


if __name__ == "__main__":
    main()

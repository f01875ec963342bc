"""Regenerate samples/expected/<preset>/<sample> after a deliberate behaviour change.

Run `make golden`, then read the diff of samples/expected/ before committing it: the golden files
are what tests/test_samples.py holds the presets to.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arabic_norm import Pipeline  # noqa: E402
from arabic_norm.presets import PRESETS  # noqa: E402

SAMPLES = ROOT / "samples"


def main() -> int:
    for name in sorted(PRESETS):
        pipeline = Pipeline.preset(name)
        target = SAMPLES / "expected" / name
        target.mkdir(parents=True, exist_ok=True)
        for sample in sorted(SAMPLES.glob("*.txt")):
            (target / sample.name).write_bytes(pipeline.normalize_bytes(sample.read_bytes()))
    print(f"wrote {SAMPLES / 'expected'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

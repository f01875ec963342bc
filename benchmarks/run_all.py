"""Run every benchmark: each `benchmarks/bench_*.py` in turn, in name order (`make bench`).

Extra arguments are passed to every script (e.g. `--runs 3`). Exits non-zero if any script failed,
after running all of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode != 0:
            failed.append(script.name)
    print(
        f"\n{len(scripts) - len(failed)} of {len(scripts)} benchmarks ran"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: run every ``bench/bench_*.py`` script in turn (each writes bench/results/*.md).

Benchmarks are not part of ``make test``: the machines are shared and noisy, so figures are
quoted as medians and ratios measured in one run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

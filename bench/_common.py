"""Helpers shared by the benchmark scripts: Django setup, timing, result files."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sas_platform.settings.base")
    import django

    django.setup()


def timings_ms(func: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "max": ordered[-1],
    }


def write_result(name: str, text: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(text, encoding="utf-8")
    print(text)
    return path


def update_latest(section: str, figures: dict) -> Path:
    """Merge ``figures`` under ``section`` in ``bench/results/latest.json`` (one file for all benches).

    Each figure is kept twice, so the keys the issues name read either way: nested
    (``data["vacations"]["autofill_s"]``) and flat at the top level (``data["vacations.autofill_s"]``).
    A figure given already prefixed (``"vacations.autofill_s"``) is stored without the prefix.
    """
    import json

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    prefix = f"{section}."
    nested = {key.removeprefix(prefix): value for key, value in figures.items()}
    data = {k: v for k, v in data.items() if not k.startswith(prefix)}
    data[section] = nested
    data.update({f"{prefix}{key}": value for key, value in nested.items()})
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path

"""RPPS import on PostgreSQL: first run, idempotent re-run, re-run with changes; lines/s and memory.

    make bench                                   # every bench, this one included
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dev_cpts .venv/bin/python bench/bench_cpts_import.py
    BENCH_CPTS_BASELINE=/tmp/cpts_before .venv/bin/python bench/bench_cpts_import.py   # before/after

Runs on its own database ``bench_cpts`` (same server as ``DATABASE_URL``; created, migrated and
given the geography when missing), so emptying the directory tables never touches a shared
database. Generates ``var/bench/rpps_<n>.txt`` with ``bench/gen_rpps.py`` (25,000 and 100,000
lines) and a copy with ~5 % of the lines changed (``gen_rpps.mutate``), then runs the importer in
a fresh process per run (Django start-up and the loading of communes included) and reads its
summary, CPU time and peak RSS.

``BENCH_CPTS_BASELINE``: a directory holding an earlier version of the project (e.g.
``git archive <rev> | tar -x -C /tmp/cpts_before``); its importer runs the same files in the same
run, interleaved, on the same schema, and the ratios are written. Writes
``bench/results/cpts_import.md`` and the ``cpts_import`` section of ``bench/results/latest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = os.environ.get("BENCH_DB", "bench_cpts")  # a shared server: each developer may name their own
COUNTS = (25_000, 100_000)
CHANGED_SHARE = 0.05


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/sas_platform"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench_cpts_import : PostgreSQL requis (DATABASE_URL).")
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


os.environ["DATABASE_URL"] = _bench_database_url()
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "600000")
os.environ.setdefault("DEBUG", "false")

from _common import ROOT, setup_django, update_latest, write_result  # noqa: E402
from gen_rpps import generate, mutate  # noqa: E402

# One import in a fresh process: the service the command and the Celery task call.
CHILD = """
import json, resource, sys
import django
django.setup()
from cpts.imports.rpps import rpps_import
options = {"full": True} if sys.argv[2] == "full" else {}
stats = rpps_import(path=sys.argv[1], **options)
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM: this process's own peak RSS (ru_maxrss would carry the parent's peak across fork + exec).
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({**stats.summary(), "maxrss_kb": peak, "cpu_seconds": usage.ru_utime + usage.ru_stime}))
"""


def run_import(path: Path, *, code_dir: Path, full: bool = False) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sas_platform.settings.base", "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), "full" if full else "-"],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"Import en échec ({code_dir}) :\n{done.stderr[-3000:]}")
    return {"seconds": seconds, "deactivated": None, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from sas_platform.models import Commune

    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_geography", verbosity=0)
    baseline = os.environ.get("BENCH_CPTS_BASELINE")
    versions = [("avant", Path(baseline))] if baseline else []
    versions.append(("après", ROOT))

    load_before = os.getloadavg()
    rows, results = _run_all(versions, connection)
    load_after = os.getloadavg()
    _report(rows, results, baseline=baseline, load_before=load_before, load_after=load_after)


def _run_all(versions: list[tuple[str, Path]], connection) -> tuple[list, dict]:
    """Every import of every version on every file, in this order; (rows, results by key)."""
    rows = []
    results: dict[tuple[str, int, str], dict] = {}
    for count in COUNTS:
        path = ROOT / "var" / "bench" / f"rpps_{count}.txt"
        changed_path = path.with_name(f"rpps_{count}_changed.txt")
        if not path.exists():
            generate(count, path)
        if not changed_path.exists() or changed_path.stat().st_mtime < path.stat().st_mtime:
            mutate(path, changed_path, share=CHANGED_SHARE)
        for version, code_dir in versions:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE cpts_professional CASCADE")
            connection.close()
            runs = [
                ("first", "premier import", path, False),
                ("rerun", "ré-import (idempotent)", path, False),
                ("changed", f"ré-import, ~{CHANGED_SHARE:.0%} des lignes modifiées", changed_path, False),
            ]
            if version == "après":
                runs.append(("full", "ré-import --full (idempotent)", changed_path, True))
            for key, label, file, full in runs:
                result = run_import(file, code_dir=code_dir, full=full)
                rows.append((version, count, label, result))
                results[(version, count, key)] = result
                print(version, count, label, result, flush=True)
    return rows, results


def _report(rows: list, results: dict, *, baseline, load_before, load_after) -> None:
    """Write ``bench/results/cpts_import.md`` and the ``cpts_import`` figures of ``latest.json``."""

    def rate(r: dict) -> float:
        return r["read"] / r["seconds"]

    def n(value: float) -> str:  # French thousands separator
        return f"{value:,.0f}".replace(",", " ")

    table = "\n".join(
        f"| {version} | {n(count)} | {label} | {r['seconds']:.1f} | {n(rate(r))} | {r['cpu_seconds']:.1f} | "
        f"{n(r['created'])} | {n(r['updated'])} | {n(r['unchanged'])} | {n(r['rejected'])} | "
        f"{'' if r['deactivated'] is None else n(r['deactivated'])} | {r['maxrss_kb'] / 1024:.0f} |"
        for version, count, label, r in rows
    )
    top = COUNTS[-1]
    first, rerun = results[("après", top, "first")], results[("après", top, "rerun")]
    changed, full = results[("après", top, "changed")], results[("après", top, "full")]
    figures = {
        "lines": top,
        "first_run_lines_per_s": round(rate(first)),
        "rerun_lines_per_s": round(rate(rerun)),
        "rerun_changed": rerun["created"] + rerun["updated"],
        "peak_memory_mib": round(max(r["maxrss_kb"] for v, c, _, r in rows if v == "après") / 1024),
        "changed_rerun_lines_per_s": round(rate(changed)),
        "changed_rerun_updated": changed["updated"],
        "full_rerun_lines_per_s": round(rate(full)),
        "importer_cpu_seconds_first_run": round(first["cpu_seconds"], 1),
    }
    ratios = ""
    if baseline:
        b_first, b_rerun = results[("avant", top, "first")], results[("avant", top, "rerun")]
        b_changed = results[("avant", top, "changed")]
        figures |= {
            "baseline_first_run_lines_per_s": round(rate(b_first)),
            "baseline_rerun_lines_per_s": round(rate(b_rerun)),
            "first_run_speedup": round(rate(first) / rate(b_first), 2),
            "rerun_speedup": round(rate(rerun) / rate(b_rerun), 2),
        }
        ratios = f"""
Ratios after / before at {n(top)} lines, measured in this run (same files, same schema, interleaved):
first import ×{rate(first) / rate(b_first):.2f} ({n(rate(b_first))} → {n(rate(first))} lines/s),
idempotent re-run ×{rate(rerun) / rate(b_rerun):.2f} ({n(rate(b_rerun))} → {n(rate(rerun))} lines/s),
re-run with changes ×{rate(changed) / rate(b_changed):.2f} ({n(rate(b_changed))} → {n(rate(changed))} lines/s);
importer CPU {b_first["cpu_seconds"]:.1f} s → {first["cpu_seconds"]:.1f} s (first import),
{b_rerun["cpu_seconds"]:.1f} s → {rerun["cpu_seconds"]:.1f} s (re-run), {b_changed["cpu_seconds"]:.1f} s → \
{changed["cpu_seconds"]:.1f} s (re-run with changes).
"""
    update_latest("cpts_import", figures)
    text = f"""# cpts: RPPS extract import (issue 3)

Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores shared with
other developers, Python {platform.python_version()}), PostgreSQL database `{BENCH_DB}`, batches of 2 000 lines.
File: `bench/gen_rpps.py` (libre-accès header, 1-3 activities per person, real INSEE communes, ~0.5 % wrong
Luhn keys kept and flagged, ~0.2 % bad lines rejected); the "modifiées" file is the same with ~5 % of the
lines changed (`gen_rpps.mutate`: new phone numbers, a few married names). Each run is a fresh process
calling `cpts.imports.rpps_import` (what `manage.py import_rpps` and the Celery task call); time includes
Django start-up and loading the ~35 000 communes and postal codes. Load average of the machine:
{load_before[0]:.1f} before, {load_after[0]:.1f} after (other developers' tests run meanwhile; "CPU s" is the
importer process's own CPU time, PostgreSQL's work not included).

| code | lines | run | seconds | lines/s | CPU s (importer) | created | updated | unchanged | rejected | deactivated | peak RSS (MiB) |
| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{table}
{ratios}
Target (issue 3): ≥ 5 000 lines/s, 100 000 lines well under a minute, memory flat as the file grows
(compare the peak RSS of 25 000 and 100 000 lines). Idempotent re-run: every line `unchanged`, nothing written.
"""
    write_result("cpts_import.md", text)


if __name__ == "__main__":
    main()

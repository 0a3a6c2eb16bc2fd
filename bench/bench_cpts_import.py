"""RPPS import on PostgreSQL: first run and idempotent re-run, lines/s and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dev_cpts .venv/bin/python bench/bench_cpts_import.py

Generates ``var/bench/rpps_<n>.txt`` with ``bench/gen_rpps.py`` (25,000 and 100,000 lines),
empties the directory tables of the bench database (its name must contain ``cpts`` or
``bench``), then runs ``manage.py import_rpps`` in a fresh process per run and reads its last
line (the JSON summary) and its peak RSS. Writes ``bench/results/cpts_import.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time

from _common import ROOT, setup_django, write_result
from gen_rpps import generate

CHILD = """
import json, resource, sys
import django
django.setup()
from django.core.management import call_command
call_command("import_rpps", sys.argv[1], verbosity=0, show_rejections=0)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"maxrss_kb": usage.ru_maxrss, "cpu_seconds": usage.ru_utime + usage.ru_stime}))
"""


def run_import(path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sas_platform.settings.base", "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    return {"seconds": seconds, **json.loads(lines[-2]), **json.loads(lines[-1])}


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from sas_platform.models import Commune

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" or not any(word in name for word in ("cpts", "bench")):
        sys.exit(f"Base {name!r} : utilisez une base PostgreSQL dédiée (nom contenant cpts ou bench).")
    if not Commune.objects.exists():
        call_command("load_geography", verbosity=0)
    rows = []
    load_before = os.getloadavg()
    for count in (25_000, 100_000):
        path = ROOT / "var" / "bench" / f"rpps_{count}.txt"
        if not path.exists():
            generate(count, path)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cpts_professional CASCADE")
        connection.close()
        for label in ("premier import", "ré-import (idempotent)"):
            result = run_import(path)
            rows.append((count, label, result))
            print(count, label, result, flush=True)
    table = "\n".join(
        f"| {count:,} | {label} | {r['seconds']:.1f} | {r['read'] / r['seconds']:,.0f} | {r['cpu_seconds']:.1f} | "
        f"{r['created']:,} | "
        f"{r['updated']:,} | {r['unchanged']:,} | {r['rejected']:,} | {r['maxrss_kb'] / 1024:.0f} |"
        for count, label, r in rows
    ).replace(",", " ")
    text = f"""# cpts: RPPS extract import (issue 3)

Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores shared with
other developers, Python {platform.python_version()}), PostgreSQL database `{name}`, batches of 2 000 lines.
File: `bench/gen_rpps.py` (libre-accès header, 1-3 activities per person, real INSEE communes, ~0.5 % wrong
Luhn keys kept and flagged, ~0.2 % bad lines rejected). Each run is a fresh `manage.py import_rpps` process;
time includes Django start-up and loading the ~35 000 communes and postal codes. Load average of the
machine: {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (other developers' tests run meanwhile;
"CPU s" is the importer process's own CPU time, PostgreSQL's work not included).

| lines | run | seconds | lines/s | CPU s (importer) | created | updated | unchanged | rejected | peak RSS (MiB) |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{table}

Target (issue 3): ≥ 5 000 lines/s, 100 000 lines well under a minute, memory flat as the file grows
(compare the peak RSS of 25 000 and 100 000 lines). Re-run: every line `unchanged`, nothing written.
"""
    write_result("cpts_import.md", text)


if __name__ == "__main__":
    main()

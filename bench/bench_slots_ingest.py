"""Ingestion of slots through the real SAS IG connector, from the demo agenda editor on 127.0.0.1.

The demo editor (``python -m demo_editor``, its own process, a free port, pages of 500 slots) answers
the guide's slot search for ``BENCH_INGEST_DOCTORS`` professionals (default 1,270: about 100,000 free
slots over 14 days); its clock is frozen for the run (``DEMO_EDITOR_NOW``), so that the second poll
sees exactly the same agendas. Measured in one run, on PostgreSQL:

1. first poll: fetch (HTTP + the editor building its bundles, 25 professionals per request, ``next``
   links), parse (``parse_searchset``, timed apart) and upsert (``planning.services.slots_ingest``:
   all created), separately;
2. identical re-poll: must change nothing (created = updated = gone = 0), and be faster (the
   connector skips slots whose content hash is already known);
3. the first poll's upsert twice more (same parsed answer) and a raw ``COPY`` of the same rows into
   ``planning_slot`` (same indexes, foreign keys) three times, interleaved, each from an empty table
   rewritten compact (``VACUUM FULL``): the medians are compared (the machine is shared and noisy).

Runs on its own database ``bench_planning_ingest`` (created and migrated if missing). Writes
``bench/results/planning_ingest.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = os.environ.get(
    "BENCH_DB", "bench_planning_ingest"
)  # a shared server: each developer may name their own
DOCTORS = int(os.environ.get("BENCH_INGEST_DOCTORS", "1270"))
DAYS = 14
REPEATS = 3


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/sas_platform"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench_slots_ingest : PostgreSQL requis (DATABASE_URL).")
    import psycopg

    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


os.environ["DATABASE_URL"] = _bench_database_url()
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "600000")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

from _common import ROOT, setup_django, update_latest, write_result  # noqa: E402

setup_django()

import logging  # noqa: E402

logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the table

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

import planning.connectors.sas_ig as sas_ig  # noqa: E402
from cpts.models import PracticePlace, Professional  # noqa: E402
from planning import services  # noqa: E402
from planning.connectors.sas_ig import SasIgFhirConnector  # noqa: E402
from planning.enums import RunTrigger  # noqa: E402
from planning.models import AgendaSource, Slot, SourceCoverage, SourceRun  # noqa: E402
from planning.services.upsert import CONTENT_COLUMNS  # noqa: E402
from sas_platform.models import Commune  # noqa: E402
from sas_platform.services import geography_load  # noqa: E402

FROZEN = timezone.now().replace(second=0, microsecond=0)


def _editor() -> tuple[subprocess.Popen, str]:
    """The demo editor in its own process (so that building its bundles does not share this
    process's interpreter lock with the parsing being measured), clock frozen at ``FROZEN``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DEMO_EDITOR_PORT": str(port),
        "DEMO_EDITOR_NOW": FROZEN.isoformat(),
        "DEMO_EDITOR_PAGE_SIZE": "500",
        "PLATFORM_URL": "http://127.0.0.1:9",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_editor"], env=env, stdout=subprocess.DEVNULL, cwd=ROOT
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("bench_slots_ingest : l'éditeur de démonstration ne répond pas.")


class _ParseTimer:
    """Wraps the connector's ``parse_searchset`` to add up the time spent parsing."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._parse = sas_ig.parse_searchset

    def __call__(self, *args, **kwargs):
        begun = time.perf_counter()
        try:
            return self._parse(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - begun


def _professionals() -> list[str]:
    """``DOCTORS`` GPs (RPPS 7xxxxxxxxxx) with one place each in the communes of the 13."""
    rpps = [f"7{n:010d}" for n in range(DOCTORS)]
    if Professional.objects.filter(identifier__in=rpps).count() == DOCTORS:
        return rpps
    communes = list(
        Commune.objects.filter(departement_id="13", latitude__isnull=False).order_by("insee_code")
    )
    with transaction.atomic():
        existing = set(Professional.objects.filter(identifier__in=rpps).values_list("identifier", flat=True))
        created = Professional.objects.bulk_create(
            Professional(
                identifier_type="8", identifier=value, last_name=f"Médecin {value}", specialty_code="SM54"
            )
            for value in rpps
            if value not in existing
        )
        PracticePlace.objects.bulk_create(
            PracticePlace(
                professional=professional,
                source_key=f"bench-ingest:{professional.identifier}",
                commune=communes[n % len(communes)],
                latitude=communes[n % len(communes)].latitude,
                longitude=communes[n % len(communes)].longitude,
            )
            for n, professional in enumerate(created)
        )
    return rpps


def _reset() -> None:
    """Every timed insert starts from the same state: no slot, table and indexes rewritten compact
    (on this dedicated database, repeated insert/delete cycles would otherwise bloat the indexes and
    slow each run down a little more than the one before)."""
    Slot.objects.all().delete()
    SourceCoverage.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE planning_slot")


def _poll(
    source: AgendaSource, window: tuple[dt.datetime, dt.datetime], *, known: bool
) -> tuple[dict, object]:
    start, end = window
    known_hashes = (
        services.source_known_hashes(source=source, window_start=start, window_end=end) if known else {}
    )
    run = SourceRun.objects.create(source=source, trigger=RunTrigger.COMMAND, started_at=timezone.now())
    timer = sas_ig.parse_searchset = _ParseTimer()
    begun = time.perf_counter()
    try:
        result = SasIgFhirConnector(source).fetch(
            window_start=start, window_end=end, rpps=list(source.rpps_list), known_hashes=known_hashes
        )
    finally:
        sas_ig.parse_searchset = timer._parse
    fetched = time.perf_counter()
    services.slots_ingest(source=source, run=run, result=result, window_start=start, window_end=end)
    done = time.perf_counter()
    return {
        "fetch_s": fetched - begun,
        "parse_s": timer.seconds,
        "http_s": fetched - begun - timer.seconds,
        "upsert_s": done - fetched,
        "total_s": done - begun,
        "requests": result.requests,
        "errors": list(result.errors),
        **run.stats(),
    }, result


def _upsert_again(source: AgendaSource, result, window: tuple[dt.datetime, dt.datetime]) -> float:
    """The first poll's upsert once more, on an emptied table (every slot new again); timed."""
    _reset()
    run = SourceRun.objects.create(source=source, trigger=RunTrigger.COMMAND, started_at=timezone.now())
    begun = time.perf_counter()
    services.slots_ingest(source=source, run=run, result=result, window_start=window[0], window_end=window[1])
    elapsed = time.perf_counter() - begun
    if run.created != len(result.slots):
        sys.exit(f"bench_slots_ingest : {run.created} créés au lieu de {len(result.slots)}.")
    return elapsed


#: Every column an ingested slot has a value for (the upsert's COPY of new slots writes the same).
COPY_COLUMNS = [
    "source_id",
    "external_id",
    *CONTENT_COLUMNS,
    "status",
    "hold_reference",
    "booking_reference",
    "first_seen_at",
    "last_seen_at",
]
JSON_COLUMNS = {"slot_types", "modalities", "reasons", "structures"}


def _stored_rows(source: AgendaSource) -> list[list]:
    """The rows the first poll stored, in COPY's column order."""
    return [
        [
            json.dumps(value) if column in JSON_COLUMNS else value
            for column, value in zip(COPY_COLUMNS, values, strict=True)
        ]
        for values in Slot.objects.filter(source=source).values_list(*COPY_COLUMNS)
    ]


def _copy(rows: list[list]) -> float:
    """A bare COPY of ``rows`` into the emptied ``planning_slot`` (same indexes, foreign keys, one
    transaction); timed."""
    _reset()
    columns = ", ".join(f'"{c}"' for c in COPY_COLUMNS)
    begun = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY planning_slot ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return time.perf_counter() - begun


def main() -> None:
    call_command("migrate", verbosity=0)
    if not Commune.objects.filter(departement_id="13").exists():
        geography_load(departements={"13"})
    rpps = _professionals()
    editor, url = _editor()
    source, _ = AgendaSource.objects.update_or_create(
        name="bench-ingest",
        defaults={"label": "Agenda Démo (banc d'essai)", "base_url": f"{url}/fhir", "rpps_list": rpps},
    )
    SourceRun.objects.filter(source=source).delete()
    _reset()
    window = (FROZEN, FROZEN + dt.timedelta(days=DAYS))
    try:
        first, result = _poll(source, window, known=False)
        second, _ = _poll(source, window, known=True)
    finally:
        editor.terminate()
        editor.wait(timeout=10)
    # The shared machine is noisy: the first poll's upsert and the bare COPY, each REPEATS times,
    # interleaved, each from an empty compact table; medians compared.
    rows = _stored_rows(source)
    copied, upserts, copies = len(rows), [first["upsert_s"]], []
    for repeat in range(REPEATS):
        copies.append(_copy(rows))
        if repeat < REPEATS - 1:
            upserts.append(_upsert_again(source, result, window))
    _report(first, second, upserts=upserts, copies=copies, copied=copied)


def _report(first: dict, second: dict, *, upserts: list, copies: list, copied: int) -> None:
    """Write ``bench/results/planning_ingest.md`` and the ``ingest`` figures of ``latest.json``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]

    slots = first["created"]
    changed = second["created"] + second["updated"] + second["gone"]
    upsert_s, copy_s = statistics.median(upserts), statistics.median(copies)
    upsert_rate = slots / upsert_s
    parse_rate = first["fetched"] / first["parse_s"]
    parse_upsert_rate = slots / (first["parse_s"] + upsert_s)
    copy_rate = copied / copy_s
    line = (
        "| {label} | {fetched:,} | {created:,} | {updated:,} | {unchanged:,} | {gone:,} | {rejected:,} "
        "| {requests} | {http_s:.1f} | {parse_s:.1f} | {upsert_s:.2f} | {total_s:.1f} |"
    )
    scale = (
        ""
        if DOCTORS >= 1270
        else f"\nScaled-down run (`BENCH_INGEST_DOCTORS={DOCTORS}`; the default, 1,270, gives about 100,000 slots):"
        " rates are per slot, the stages scale linearly (batches of 25 professionals).\n"
    )
    text = f"""# Planning: ingesting slots through the SAS IG connector

Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores, shared),
Python {platform.python_version()}, {pg_version}, database `{BENCH_DB}`, `DEBUG` off.

The demo agenda editor (`python -m demo_editor`, its own process on 127.0.0.1, pages of 500 slots,
clock frozen at {FROZEN:%Y-%m-%d %H:%M} UTC) serves {DOCTORS:,} professionals' agendas over {DAYS} days; the
real connector asks it 25 professionals per request (the guide's query, `next` links followed) and
parses every page (`parse_searchset`: included resources validated with `fhir.resources`, once each
per page; each Slot by a structural check of its FHIR R4 types and formats, with the full
`fhir.resources` validation only when the check doubts). Then `slots_ingest` upserts, on
PostgreSQL: one index probe per slot for its stored id and hash, a bare `COPY` of the new slots
into `planning_slot`, `COPY` into a temporary table + one `UPDATE ... FROM` for the changed ones,
nothing for the unchanged ones of fully answered professionals (their `SourceCoverage` row is
refreshed), one `UPDATE` marking gone the vanished ones; one transaction, foreign keys checked. Both polls ask the same window.
{scale}
| run | fetched | created | updated | unchanged | gone | rejected | HTTP requests | HTTP + editor (s) | parse (s) | upsert (s) | total (s) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
{line.format(label="first poll", **first)}
{line.format(label="identical re-poll", **second)}

- **Upsert stage, first poll: {upsert_rate:,.0f} slots/s** ({slots:,} slots in {upsert_s:.2f} s, median of {REPEATS}:
  {", ".join(f"{t:.2f}" for t in upserts)} s, the same parsed answer upserted into an empty compact table;
  target ≥ 20,000 → {"met" if upsert_rate >= 20_000 else "NOT met"}).
- Parse: {parse_rate:,.0f} slots/s; parse + upsert: {parse_upsert_rate:,.0f} slots/s. Whole first poll, HTTP and the
  editor's own work included: {slots / first["total_s"]:,.0f} slots/s.
- Identical re-poll: **{changed} slots changed** (created + updated + gone), {second["fetched"] / second["total_s"]:,.0f} slots/s
  overall, {first["total_s"] / second["total_s"]:.1f}× faster than the first poll; its upsert
  {upsert_s / second["upsert_s"]:.1f}× faster (unchanged slots are recognised by their content hash before
  validation; no slot row is written: each fully answered professional's `SourceCoverage` says when
  their slots were last seen).
- Raw `COPY` of the same {copied:,} rows into `planning_slot` (same indexes and foreign keys, one transaction,
  empty compact table), interleaved with the upserts: {copy_s:.2f} s (median of {", ".join(f"{t:.2f}" for t in copies)} s),
  **{copy_rate:,.0f} slots/s**; upsert / COPY = {upsert_rate / copy_rate:.2f}.
- Errors: {len(first["errors"]) + len(second["errors"])}. Load average at the end of the run: {os.getloadavg()[0]:.1f} on
  {os.cpu_count()} cores shared with other developers' test suites.
"""
    write_result("planning_ingest.md", text)
    update_latest(
        "ingest",
        {
            "slots": slots,
            "slots_per_s": round(upsert_rate),
            "parse_slots_per_s": round(parse_rate),
            "parse_upsert_slots_per_s": round(parse_upsert_rate),
            "copy_slots_per_s": round(copy_rate),
            "ratio_upsert_to_copy": round(upsert_rate / copy_rate, 2),
            "rerun_changed": changed,
            "rerun_upsert_speedup": round(upsert_s / second["upsert_s"], 1),
        },
    )
    if changed or first["errors"] or second["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Write services of `planning`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9).

- Sources and ingestion (DOMAIN.md §3.3, ARCHITECTURE.md "How data flows" 1): poll a source,
  upsert idempotently, mark vanished slots gone, record the run and the source's health.
- Slot holds and bookings (DOMAIN.md §3.1 step 3, §3.3): conditional UPDATEs, never check-then-set.
- Declared availability (DOMAIN.md §3.3 last point, §4): blocks → platform-owned slots.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cpts.models import PracticePlace, Professional
from planning.connectors.base import FetchResult, ParsedSlot, Rejection
from planning.connectors.fhir_parse import BundleError, parse_searchset
from planning.connectors.sas_ig import SasIgFhirConnector
from planning.enums import (
    MODALITY_BITS,
    SLOT_TYPE_BITS,
    AvailabilityKind,
    RunStatus,
    RunTrigger,
    SlotStatus,
    SourceHealth,
    SourceKind,
    mask_of,
)
from planning.events import PlanningEvent, planning_event_write
from planning.exceptions import SlotAlreadyTaken, SlotNotPlatformOwned, SourceUnavailable
from planning.models import AgendaSource, DeclaredAvailability, Slot, SourceRun
from planning.selectors import sources_cache_clear
from sas_platform.exceptions import ApplicationError, NotFoundError

logger = logging.getLogger(__name__)

MAX_REJECTIONS_KEPT = 200
CHUNK = 2000
LOCK_SECONDS = 15 * 60


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Sources -------------------------------------------------------------------------------------
@transaction.atomic
def source_create(
    *,
    name: str,
    label: str,
    base_url: str = "",
    kind: str = SourceKind.FHIR_SAS_IG,
    departement_code: str | None = None,
    rpps_list: list[str] | None = None,
    feedback_token: str = "",
    actor=None,
) -> AgendaSource:
    """Create a source, its feedback token (stored hashed) and, for a polled source, its periodic task."""
    source = AgendaSource(
        name=name,
        label=label,
        base_url=base_url,
        kind=kind,
        departement_id=departement_code,
        rpps_list=sorted(set(rpps_list or [])),
        feedback_token_hash=token_hash(feedback_token) if feedback_token else "",
    )
    source.full_clean()
    source.save()
    transaction.on_commit(sources_cache_clear)
    if kind == SourceKind.FHIR_SAS_IG:
        source_schedule_ensure(source=source)
    planning_event_write(
        event_type=PlanningEvent.SOURCE_CREATED, actor=actor, obj=source, params={"name": name}
    )
    return source


def source_feedback_token_set(*, source: AgendaSource, token: str) -> None:
    """Editors authenticate their Appointment feedback with this token (only its SHA-256 is kept)."""
    source.feedback_token_hash = token_hash(token)
    source.save(update_fields=["feedback_token_hash"])


def source_schedule_ensure(*, source: AgendaSource):
    """One django-celery-beat entry per source (queue ``ingest``), created once: an administrator's
    later edit of its schedule in the admin is kept."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.get_or_create(
        every=source.poll_every_seconds, period=IntervalSchedule.SECONDS
    )
    task, _ = PeriodicTask.objects.get_or_create(
        name=source.periodic_task_name,
        defaults={
            "task": "planning.tasks.source_poll",
            "interval": interval,
            "args": json.dumps([source.pk]),
            "queue": "ingest",
            "enabled": source.is_active,
            "description": f"Interroge « {source.label} » (prochaines {source.horizon_hours} h).",
        },
    )
    return task


def source_run_request(*, source: AgendaSource, actor) -> SourceRun:
    """An administrator's "run now": a pending run, polled by a worker after commit."""
    from planning.tasks import source_poll as source_poll_task

    with transaction.atomic():
        run = SourceRun.objects.create(
            source=source, trigger=RunTrigger.MANUAL, status=RunStatus.PENDING, requested_by=actor
        )
        planning_event_write(
            event_type=PlanningEvent.SOURCE_RUN_REQUESTED, actor=actor, obj=source, params={"run": run.pk}
        )
        transaction.on_commit(lambda: source_poll_task.delay(source.pk, run.pk))
    return run


def _known_hashes(*, source: AgendaSource, window_start: datetime, window_end: datetime) -> dict[str, str]:
    """Content hashes of the source's live slots in the window: unchanged slots skip validation."""
    rows = Slot.objects.filter(source=source, start__gte=window_start, start__lte=window_end).exclude(
        status=SlotStatus.GONE
    )
    return dict(rows.values_list("external_id", "content_hash"))


def _lock_key(source_id: int) -> str:
    return f"planning:source-poll-lock:{source_id}"


def source_poll(
    *,
    source_id: int,
    trigger: str = RunTrigger.SCHEDULE,
    run_id: int | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> SourceRun:
    """Poll one source over ``window`` (default now → now + its horizon) and ingest the answer.

    Never twice at once: a cache lock per source; a second caller gets a SKIPPED run. A failing source is
    recorded (run errors, health, circuit breaker) and never raises into the caller.
    """
    source = AgendaSource.objects.get(pk=source_id)
    run = (
        SourceRun.objects.get(pk=run_id, source=source)
        if run_id
        else SourceRun(source=source, trigger=trigger)
    )
    if not cache.add(_lock_key(source.pk), "1", LOCK_SECONDS):
        run.status, run.finished_at = RunStatus.SKIPPED, timezone.now()
        run.errors = ["Une interrogation de cette source est déjà en cours."]
        run.save()
        return run
    try:
        now = timezone.now().replace(microsecond=0)
        window_start = window_start or now
        window_end = window_end or now + timedelta(hours=source.horizon_hours)
        run.status, run.started_at = RunStatus.RUNNING, now
        run.window_start, run.window_end = window_start, window_end
        rpps = [value for value in source.rpps_list if value]
        run.progress_total = (len(rpps) + 24) // 25
        run.save()

        def progress(done: int, total: int) -> None:
            SourceRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)

        connector = SasIgFhirConnector(source)
        result = connector.fetch(
            window_start=window_start,
            window_end=window_end,
            rpps=rpps,
            known_hashes=_known_hashes(source=source, window_start=window_start, window_end=window_end),
            progress=progress,
        )
        run.refresh_from_db(fields=["progress_done", "progress_total"])
        slots_ingest(source=source, run=run, result=result, window_start=window_start, window_end=window_end)
        return run
    finally:
        cache.delete(_lock_key(source.pk))


# --- Ingestion (shared by polls and replays) -----------------------------------------------------
def _places_by_professional(professional_ids: Iterable[int]) -> dict[int, list[PracticePlace]]:
    places: dict[int, list[PracticePlace]] = {}
    queryset = (
        PracticePlace.objects.filter(professional_id__in=list(professional_ids), is_active=True)
        .select_related("commune")
        .order_by("id")
    )
    for place in queryset:
        places.setdefault(place.professional_id, []).append(place)
    return places


def _coordinates(place: PracticePlace) -> tuple[float | None, float | None]:
    if place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    if place.commune is not None:
        return place.commune.latitude, place.commune.longitude
    return None, None


def _match_place(parsed: ParsedSlot, places: list[PracticePlace]) -> PracticePlace | None:
    """The directory's place for this slot: same structure identifier (1+FINESS, 3+SIRET, 4+RPPS-rang),
    else same postal code, else the professional's first geolocated place."""
    located = [p for p in places if _coordinates(p)[0] is not None]
    org = parsed.organization_id
    if org:
        for place in located:
            ids = {place.finess, place.siret, place.rpps_rang, f"1{place.finess}", f"3{place.siret}"}
            if org in ids - {"", "1", "3"}:
                return place
    if parsed.postal_code:
        for place in located:
            if place.postal_code == parsed.postal_code:
                return place
    return located[0] if located else None


@lru_cache(maxsize=1024)
def _masks(slot_types: tuple[str, ...], modalities: tuple[str, ...]) -> tuple[int, int]:
    return mask_of(slot_types, SLOT_TYPE_BITS), mask_of(modalities, MODALITY_BITS)


@lru_cache(maxsize=1024)
def _specialties(codes: tuple[str, ...], default: str) -> tuple[str, str]:
    specialties = list(codes) or ([default] if default else [])
    return (specialties[0] if specialties else "", "|" + "|".join(specialties) + "|" if specialties else "")


def _fields_for(parsed: ParsedSlot, professional: Professional, place: PracticePlace) -> dict:
    latitude, longitude = _coordinates(place)
    specialty_code, specialty_codes = _specialties(parsed.specialty_codes, professional.specialty_code)
    type_mask, modality_mask = _masks(parsed.slot_types, parsed.modalities)
    departement = place.commune.departement_id if place.commune_id else (place.postal_code or "")[:2]
    return {
        "professional_id": professional.pk,
        "place_id": place.pk,
        "start": parsed.start,
        "end": parsed.end,
        "slot_types": list(parsed.slot_types),
        "modalities": list(parsed.modalities),
        "type_mask": type_mask,
        "modality_mask": modality_mask,
        "specialty_code": specialty_code,
        "specialty_codes": specialty_codes,
        "reasons": list(parsed.reasons),
        "structures": list(parsed.structures),
        "address": parsed.address,
        "latitude": latitude,
        "longitude": longitude,
        "departement_code": departement or "",
        "bookable": parsed.bookable,
        "booking_url": parsed.booking_url,
        "content_hash": parsed.raw_hash,
    }


CONTENT_FIELDS = [
    "professional_id",
    "place_id",
    "start",
    "end",
    "slot_types",
    "modalities",
    "type_mask",
    "modality_mask",
    "specialty_code",
    "specialty_codes",
    "reasons",
    "structures",
    "address",
    "latitude",
    "longitude",
    "departement_code",
    "bookable",
    "booking_url",
    "content_hash",
    "last_seen_at",
]


def _professionals_by_national_id(national_ids: set[str]) -> dict[str, Professional]:
    by_type: dict[str, set[str]] = {}
    for value in national_ids:
        if len(value) > 1:
            by_type.setdefault(value[0], set()).add(value[1:])
    found: dict[str, Professional] = {}
    for identifier_type, identifiers in by_type.items():
        for professional in Professional.objects.filter(
            identifier_type=identifier_type, identifier__in=list(identifiers)
        ):
            found[professional.national_id] = professional
    return found


def _match_place_cached(parsed: ParsedSlot, professional: Professional, places, cache: dict):
    key = (professional.pk, parsed.organization_id, parsed.postal_code)
    if key not in cache:
        cache[key] = _match_place(parsed, places.get(professional.pk, []))
    return cache[key]


def _rows_to_upsert(result: FetchResult, rejections: list[Rejection]) -> dict[str, dict]:
    """The fields of each parsed slot whose professional and place are in the directory; the others
    are rejected with their reason. Derived values (place, masks) are computed once per distinct input."""
    professionals = _professionals_by_national_id({slot.national_id for slot in result.slots})
    places = _places_by_professional(p.pk for p in professionals.values())
    place_cache: dict = {}
    rows: dict[str, dict] = {}
    for parsed in result.slots:
        professional = professionals.get(parsed.national_id)
        if professional is None:
            rejections.append(
                Rejection(
                    f"Slot/{parsed.external_id}", f"Professionnel {parsed.national_id} absent de l'annuaire."
                )
            )
            continue
        place = _match_place_cached(parsed, professional, places, place_cache)
        if place is None:
            rejections.append(
                Rejection(
                    f"Slot/{parsed.external_id}",
                    f"Aucun lieu d'exercice géolocalisé pour {parsed.national_id}.",
                )
            )
            continue
        rows[parsed.external_id] = _fields_for(parsed, professional, place)
    return rows


#: Columns of the staging table of a PostgreSQL upsert (``external_id`` + content), in COPY order.
STAGE_COLUMNS = ["external_id", *(c for c in CONTENT_FIELDS if c != "last_seen_at")]
_JSON_FIELDS = frozenset({"slot_types", "modalities", "reasons", "structures"})


def _q(column: str) -> str:
    return f'"{column}"'


_STAGE_SQL = {
    "drop": "DROP TABLE IF EXISTS {stage}",
    "create": "CREATE TEMPORARY TABLE planning_slot_stage ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA",
    "copy": "COPY {stage} ({columns}) FROM STDIN",
    # An index on the staging table: the joins below probe it by external_id whatever the planner
    # believes of planning_slot (whose statistics lag behind the rows written in this transaction).
    "index": 'CREATE INDEX ON {stage} ("external_id")',
    "upsert": """
WITH upserted AS (
    INSERT INTO {table} ("source_id", {columns}, "status", "hold_reference", "booking_reference",
                         "first_seen_at", "last_seen_at")
    SELECT %(source)s, {columns}, 'free', '', '', %(now)s, %(now)s FROM {stage} WHERE "content_hash" IS NOT NULL
    ON CONFLICT ("source_id", "external_id") WHERE "source_id" IS NOT NULL DO UPDATE SET
        {assignments}, "last_seen_at" = EXCLUDED."last_seen_at",
        "status" = CASE WHEN {table}."status" = 'gone' THEN 'free' ELSE {table}."status" END
     WHERE {table}."content_hash" IS DISTINCT FROM EXCLUDED."content_hash" OR {table}."status" = 'gone'
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
""",
    "seen": """
UPDATE {table} s SET "last_seen_at" = %(now)s FROM {stage} t
 WHERE s."source_id" = %(source)s AND s."external_id" = t."external_id"
   AND s."last_seen_at" < %(now)s AND s."status" <> 'gone'
""",
    "gone": """
UPDATE {table} s SET "status" = 'gone'
 WHERE s."source_id" = %(source)s AND s."status" = 'free' AND s."start" >= %(start)s AND s."start" <= %(end)s
   AND s."professional_id" = ANY(%(complete)s)
   AND NOT EXISTS (SELECT 1 FROM {stage} t WHERE t."external_id" = s."external_id")
""",
}


@lru_cache(maxsize=1)
def _stage_sql() -> dict[str, str]:
    """The statements of the PostgreSQL upsert (identifiers are this module's constants)."""
    names = {
        "table": Slot._meta.db_table,
        "stage": "pg_temp.planning_slot_stage",
        "columns": ", ".join(map(_q, STAGE_COLUMNS)),
        "assignments": ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in STAGE_COLUMNS[1:]),
    }
    return {key: template.format(**names) for key, template in _STAGE_SQL.items()}


def _upsert_postgresql(
    *,
    source: AgendaSource,
    rows: dict[str, dict],
    skipped_ids: set[str],
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """Set-based upsert on PostgreSQL: COPY every slot seen (parsed rows, and the ids of slots
    skipped as unchanged by their hash) into a temporary table, then one ``INSERT ... ON CONFLICT
    (source_id, external_id) DO UPDATE ... WHERE content_hash IS DISTINCT FROM EXCLUDED.content_hash``
    (a gone slot seen again comes back free), one UPDATE of ``last_seen_at`` for the slots seen
    unchanged, and one UPDATE marking gone the free slots of fully answered professionals in the
    window that were not seen. Returns (created, updated, gone)."""
    content = STAGE_COLUMNS[1:]
    dumps: dict = {}

    def json_value(value) -> str:
        key = repr(value)
        found = dumps.get(key)
        if found is None:
            found = dumps[key] = json.dumps(value, ensure_ascii=False)
        return found

    sql = _stage_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql["drop"])
        cursor.execute(sql["create"])
        with cursor.cursor.copy(sql["copy"]) as copy:
            write = copy.write_row
            for external_id, fields in rows.items():
                write(
                    [
                        external_id,
                        *(json_value(fields[c]) if c in _JSON_FIELDS else fields[c] for c in content),
                    ]
                )
            for external_id in skipped_ids:
                write([external_id, *([None] * len(content))])
        cursor.execute(sql["index"])
        cursor.execute(sql["upsert"], {"source": source.pk, "now": now})
        created, updated = cursor.fetchone()
        cursor.execute(sql["seen"], {"source": source.pk, "now": now})
        gone = 0
        if complete_ids:
            cursor.execute(
                sql["gone"],
                {"source": source.pk, "start": window_start, "end": window_end, "complete": complete_ids},
            )
            gone = cursor.rowcount
        cursor.execute(sql["drop"])
    return created, updated, gone


def _upsert_orm(
    *,
    source: AgendaSource,
    rows: dict[str, dict],
    skipped_ids: set[str],
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """The same upsert through the ORM (SQLite and other databases): read the existing rows'
    hashes, bulk create, bulk update, then mark the vanished slots gone. Returns (created, updated, gone)."""
    existing: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(list(rows)):
        for pk, external_id, content_hash, status in Slot.objects.filter(
            source=source, external_id__in=chunk
        ).values_list("pk", "external_id", "content_hash", "status"):
            existing[external_id] = (pk, content_hash, status)
    to_create, to_update, revived, unchanged_ids = [], [], [], set(skipped_ids)
    for external_id, fields in rows.items():
        if external_id not in existing:
            to_create.append(
                Slot(source=source, external_id=external_id, first_seen_at=now, last_seen_at=now, **fields)
            )
            continue
        pk, content_hash, status = existing[external_id]
        if content_hash == fields["content_hash"] and status != SlotStatus.GONE:
            unchanged_ids.add(external_id)
            continue
        to_update.append(Slot(pk=pk, last_seen_at=now, **fields))
        if status == SlotStatus.GONE:
            revived.append(pk)
    Slot.objects.bulk_create(to_create, batch_size=CHUNK)
    Slot.objects.bulk_update(to_update, CONTENT_FIELDS, batch_size=CHUNK)
    for chunk in _chunks(revived):
        Slot.objects.filter(pk__in=chunk, status=SlotStatus.GONE).update(status=SlotStatus.FREE)
    for chunk in _chunks(sorted(unchanged_ids)):
        Slot.objects.filter(source=source, external_id__in=chunk).exclude(status=SlotStatus.GONE).update(
            last_seen_at=now
        )
    gone = 0
    if complete_ids:
        seen = set(rows) | unchanged_ids
        candidates = Slot.objects.filter(
            source=source,
            status=SlotStatus.FREE,
            start__gte=window_start,
            start__lte=window_end,
            professional_id__in=complete_ids,
        ).values_list("pk", "external_id")
        gone_ids = [pk for pk, external_id in candidates if external_id not in seen]
        for chunk in _chunks(gone_ids):
            gone += Slot.objects.filter(pk__in=chunk, status=SlotStatus.FREE).update(status=SlotStatus.GONE)
    return len(to_create), len(to_update), gone


def slots_ingest(
    *, source: AgendaSource, run: SourceRun, result: FetchResult, window_start: datetime, window_end: datetime
) -> SourceRun:
    """Upsert what a connector brought back (idempotent), mark vanished slots gone, record the run.

    - created: new slots; updated: changed content, or a gone slot back; unchanged: same content
      (recognised by the connector from its hash before validation, or here by the stored hash).
    - gone: FREE slots of professionals whose every page arrived, in the window, not seen this time.
    - rejected: malformed resources, unknown professionals, professionals without a geolocated place.
    A second identical run changes nothing (created = updated = gone = 0).

    On PostgreSQL the upsert is set-based (COPY into a temporary table, ``INSERT ... ON CONFLICT``,
    two UPDATEs: :func:`_upsert_postgresql`); elsewhere it goes through the ORM (:func:`_upsert_orm`).
    """
    now = timezone.now()
    rejections: list[Rejection] = list(result.rejections)
    rows = _rows_to_upsert(result, rejections)
    skipped_ids = result.unchanged_ids - set(rows)
    complete_ids = [
        p.pk
        for p in Professional.objects.filter(
            identifier_type="8", identifier__in=sorted(result.complete_rpps)
        ).only("pk")
    ]
    upsert = _upsert_postgresql if connection.vendor == "postgresql" else _upsert_orm
    with transaction.atomic():
        created, updated, gone = upsert(
            source=source,
            rows=rows,
            skipped_ids=skipped_ids,
            complete_ids=complete_ids,
            window_start=window_start,
            window_end=window_end,
            now=now,
        )
    unchanged = len(rows) - created - updated + len(skipped_ids)

    fetched = len(result.slots) + len(skipped_ids) + len(result.rejections)
    run.fetched, run.created, run.updated, run.unchanged, run.gone = (
        fetched,
        created,
        updated,
        unchanged,
        gone,
    )
    run.rejected = len(rejections)
    run.rejections = [r.as_dict() for r in rejections[:MAX_REJECTIONS_KEPT]]
    run.errors = list(result.errors)
    run.requests = result.requests
    asked = bool(source.rpps_list) and source.kind == SourceKind.FHIR_SAS_IG
    if not result.errors:
        run.status = RunStatus.SUCCESS
    elif result.complete_rpps or not asked:
        run.status = RunStatus.PARTIAL
    else:
        run.status = RunStatus.FAILED
    run.finished_at = timezone.now()
    run.save()
    _source_health_record(source=source, run=run)
    return run


def _source_health_record(*, source: AgendaSource, run: SourceRun) -> None:
    now = run.finished_at or timezone.now()
    fields = {"last_attempt_at": now}
    if run.status == RunStatus.FAILED:
        fields.update(
            health=SourceHealth.FAILING,
            consecutive_failures=source.consecutive_failures + 1,
            last_error=run.errors[0] if run.errors else "",
        )
    else:
        fields.update(
            health=SourceHealth.OK if run.status == RunStatus.SUCCESS else SourceHealth.DEGRADED,
            last_success_at=now,
            consecutive_failures=0,
            last_error=run.errors[0] if run.errors else "",
        )
    AgendaSource.objects.filter(pk=source.pk).update(**fields)
    for key, value in fields.items():
        setattr(source, key, value)
    sources_cache_clear()  # this process's searches see the new freshness at once


def bundle_replay(
    *,
    path: str | Path,
    source_name: str,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> SourceRun:
    """Replay a saved searchset bundle as one run of a source, through the same parsing and upsert
    (``manage.py ingest_fhir_bundle``). The source is created as a file-replay source if needed; the
    professionals covered are those the bundle names."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            f"Fichier illisible ou JSON invalide : {exc}", code="invalid_bundle_file"
        ) from exc
    source = AgendaSource.objects.filter(name=source_name).first()
    if source is None:
        source = source_create(name=source_name, label=f"Rejeu {source_name}", kind=SourceKind.FILE_REPLAY)
    try:
        parsed = parse_searchset(payload, window_start=window_start, window_end=window_end)
    except BundleError as exc:
        raise ApplicationError(str(exc), code="invalid_bundle") from exc
    named = _national_ids_named(payload)
    rpps = sorted(value[1:] for value in named if value.startswith("8"))
    if sorted(set(source.rpps_list) | set(rpps)) != sorted(source.rpps_list):
        source.rpps_list = sorted(set(source.rpps_list) | set(rpps))
        source.save(update_fields=["rpps_list"])
    result = FetchResult(slots=parsed.slots, rejections=parsed.rejections, complete_rpps=set(rpps))
    starts = [slot.start for slot in parsed.slots]
    window_start = window_start or (min(starts) if starts else timezone.now())
    window_end = window_end or (max(starts) if starts else window_start)
    run = SourceRun.objects.create(
        source=source,
        trigger=RunTrigger.COMMAND,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        window_start=window_start,
        window_end=window_end,
    )
    return slots_ingest(
        source=source, run=run, result=result, window_start=window_start, window_end=window_end
    )


def _national_ids_named(payload: dict) -> set[str]:
    from planning.connectors.fhir_parse import PRACTITIONER_SYSTEM

    found = set()
    for entry in payload.get("entry") or []:
        resource = (entry or {}).get("resource") or {}
        if resource.get("resourceType") == "Practitioner":
            for identifier in resource.get("identifier") or []:
                value = str((identifier or {}).get("value") or "")
                if (identifier or {}).get("system") == PRACTITIONER_SYSTEM and value:
                    found.add(f"8{value}" if len(value) == 11 else value)
    return found


# --- Re-check before booking ---------------------------------------------------------------------
def slot_recheck(*, slot_id: int) -> bool:
    """Live re-query of the slot's source for its professional over a narrow window (DOMAIN.md §3.3:
    "the chosen slot is re-checked live with its source before booking").

    True when the source still offers it free; when it vanished, the slot is marked GONE and False
    is returned. Platform-owned slots are answered from the database. Raises
    :class:`~planning.exceptions.SourceUnavailable` when the source cannot be asked (timeout,
    error, open circuit): the caller cannot know, and says so.
    """
    slot = Slot.objects.select_related("source", "professional").filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if slot.is_platform_owned or slot.source.kind != SourceKind.FHIR_SAS_IG:
        return slot.is_free_now
    if slot.status in (SlotStatus.BOOKED, SlotStatus.GONE):
        return False
    professional = slot.professional
    connector = SasIgFhirConnector(slot.source)
    result = connector.recheck_window(rpps=professional.identifier, start=slot.start)
    if result.errors or professional.identifier not in result.complete_rpps:
        raise SourceUnavailable(
            f"La source « {slot.source.label} » ne répond pas : impossible de vérifier ce créneau. "
            "Réessayez ou appelez le cabinet.",
            extra={"errors": result.errors[:3]},
        )
    still_there = slot.external_id in {p.external_id for p in result.slots} | result.unchanged_ids
    now = timezone.now()
    if still_there:
        Slot.objects.filter(pk=slot.pk).update(last_seen_at=now)
        return slot.is_free_now
    Slot.objects.filter(pk=slot.pk, status__in=[SlotStatus.FREE, SlotStatus.HELD]).update(
        status=SlotStatus.GONE
    )
    return False


# --- Holds and bookings (conditional UPDATEs) ------------------------------------------------------
def _free_or_expired(now) -> Q:
    return Q(status=SlotStatus.FREE) | Q(status=SlotStatus.HELD, held_until__lte=now)


@transaction.atomic
def slot_book_owned(*, slot_id: int, reference: str, actor) -> Slot:
    """Book a platform-owned slot (declared availability) for a regulation dossier ``reference``.

    One atomic ``UPDATE ... WHERE status = 'free'`` (or an expired hold, or a hold by the same
    reference), backed by the ``slot_booked_has_reference`` constraint: of two concurrent
    bookings exactly one wins, the other gets :class:`SlotAlreadyTaken` (DOMAIN.md §3.1 step 3).
    """
    if not reference:
        raise ApplicationError("Référence de réservation manquante.", code="missing_reference")
    now = timezone.now()
    won = Slot.objects.filter(
        Q(pk=slot_id, source__isnull=True)
        & (_free_or_expired(now) | Q(status=SlotStatus.HELD, hold_reference=reference))
    ).update(
        status=SlotStatus.BOOKED,
        booking_reference=reference,
        booked_at=now,
        held_until=None,
        hold_reference="",
    )
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not won:
        if not slot.is_platform_owned:
            raise SlotNotPlatformOwned()
        if slot.status == SlotStatus.BOOKED and slot.booking_reference == reference:
            return slot
        raise SlotAlreadyTaken()
    planning_event_write(
        event_type=PlanningEvent.SLOT_BOOKED, actor=actor, obj=slot, params={"reference": reference}
    )
    return slot


@transaction.atomic
def slot_hold(*, slot_id: int, reference: str, actor, minutes: int = 10) -> Slot:
    """Keep an editor's (or platform's) slot for ``minutes`` while the regulator books it in the
    editor's tool; the same reference may extend its own hold. Raises :class:`SlotAlreadyTaken`."""
    if not reference:
        raise ApplicationError("Référence de réservation manquante.", code="missing_reference")
    now = timezone.now()
    won = Slot.objects.filter(
        Q(pk=slot_id) & (_free_or_expired(now) | Q(status=SlotStatus.HELD, hold_reference=reference))
    ).update(status=SlotStatus.HELD, held_until=now + timedelta(minutes=minutes), hold_reference=reference)
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not won:
        raise SlotAlreadyTaken()
    planning_event_write(
        event_type=PlanningEvent.SLOT_HELD,
        actor=actor,
        obj=slot,
        params={"reference": reference, "minutes": minutes},
    )
    return slot


@transaction.atomic
def slot_release(*, slot_id: int, reference: str) -> bool:
    """Give back a hold (the regulator gave up). True when this reference held it."""
    released = Slot.objects.filter(pk=slot_id, status=SlotStatus.HELD, hold_reference=reference).update(
        status=SlotStatus.FREE, held_until=None, hold_reference=""
    )
    if released:
        planning_event_write(
            event_type=PlanningEvent.SLOT_RELEASED,
            actor=None,
            obj=Slot.objects.get(pk=slot_id),
            params={"reference": reference},
        )
    return bool(released)


@transaction.atomic
def slot_confirm_booking(*, slot_id: int, reference: str) -> Slot:
    """The booking happened (editor's Appointment feedback, INT_R03): the slot becomes BOOKED.

    Accepted from a hold by the same reference, a free, expired-hold or gone slot (the editor may
    have withdrawn it already); idempotent for the same reference; :class:`SlotAlreadyTaken` when
    another reference holds or booked it."""
    now = timezone.now()
    won = Slot.objects.filter(
        Q(pk=slot_id)
        & (
            _free_or_expired(now)
            | Q(status=SlotStatus.GONE)
            | Q(status=SlotStatus.HELD, hold_reference=reference)
        )
    ).update(
        status=SlotStatus.BOOKED,
        booking_reference=reference,
        booked_at=now,
        held_until=None,
        hold_reference="",
    )
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFoundError("Créneau introuvable.")
    if not won:
        if slot.status == SlotStatus.BOOKED and slot.booking_reference == reference:
            return slot
        raise SlotAlreadyTaken()
    planning_event_write(
        event_type=PlanningEvent.SLOT_BOOKED, actor=None, obj=slot, params={"reference": reference}
    )
    return slot


@transaction.atomic
def slot_mark_cancelled(*, slot_id: int, reference: str) -> bool:
    """The appointment booked with ``reference`` was cancelled: a platform-owned future slot is free
    again; an editor's slot becomes GONE until its source offers it again. True when it applied."""
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None or slot.status != SlotStatus.BOOKED or slot.booking_reference != reference:
        return False
    free_again = slot.is_platform_owned and slot.start > timezone.now()
    slot.status = SlotStatus.FREE if free_again else SlotStatus.GONE
    slot.booking_reference, slot.booked_at = "", None
    slot.save(update_fields=["status", "booking_reference", "booked_at"])
    planning_event_write(
        event_type=PlanningEvent.SLOT_CANCELLED, actor=None, obj=slot, params={"reference": reference}
    )
    return True


def slot_holds_release_expired(*, now: datetime | None = None) -> int:
    """Expired holds become FREE again (periodic task, every minute). Idempotent."""
    now = now or timezone.now()
    return Slot.objects.filter(status=SlotStatus.HELD, held_until__lte=now).update(
        status=SlotStatus.FREE, held_until=None, hold_reference=""
    )


# --- Declared availability (DOMAIN.md §3.3 last point, §4) ---------------------------------------
@transaction.atomic
def declared_availability_create(
    *,
    professional: Professional,
    actor,
    kind: str,
    start_time,
    end_time,
    modalities: list[str],
    patients: int = 1,
    weekday: int | None = None,
    date=None,
    place: PracticePlace | None = None,
    valid_until=None,
) -> DeclaredAvailability:
    """A weekly or one-off block; its slots appear at the next generation (and right away here)."""
    availability = DeclaredAvailability(
        professional=professional,
        place=place or professional.places.filter(is_active=True).order_by("id").first(),
        kind=kind,
        weekday=weekday if kind == AvailabilityKind.WEEKLY else None,
        date=date if kind == AvailabilityKind.ONE_OFF else None,
        start_time=start_time,
        end_time=end_time,
        modalities=sorted(set(modalities)),
        patients=patients,
        valid_until=valid_until,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not availability.modalities:
        raise ApplicationError(
            "Choisissez au moins une modalité.",
            code="invalid",
            extra={"fields": {"modalities": ["Obligatoire."]}},
        )
    if end_time <= start_time:
        raise ApplicationError(
            "La fin doit suivre le début.",
            code="invalid",
            extra={"fields": {"end_time": ["La fin doit suivre le début."]}},
        )
    availability.full_clean()
    availability.save()
    planning_event_write(
        event_type=PlanningEvent.AVAILABILITY_DECLARED, actor=actor, obj=availability, params={"kind": kind}
    )
    transaction.on_commit(lambda: declared_slots_generate(professional_ids=[professional.pk]))
    return availability


@transaction.atomic
def declared_availability_remove(*, availability: DeclaredAvailability, actor) -> None:
    """Stop a block; its future free slots disappear from the search."""
    availability.is_active = False
    availability.save(update_fields=["is_active"])
    Slot.objects.filter(
        declared_availability=availability, status=SlotStatus.FREE, start__gt=timezone.now()
    ).update(status=SlotStatus.GONE)
    planning_event_write(event_type=PlanningEvent.AVAILABILITY_REMOVED, actor=actor, obj=availability)


@transaction.atomic
def declared_availability_update(
    *, availability: DeclaredAvailability, actor, **changes
) -> DeclaredAvailability:
    """Change a block (times, day or date, modalities, patients, end of validity). Its future free
    slots follow: those still declared are updated in place, the others disappear from the search;
    held and booked slots are never touched (a regulator's booking stands)."""
    allowed = {"kind", "weekday", "date", "start_time", "end_time", "modalities", "patients", "valid_until"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(f"Champ non modifiable : {', '.join(sorted(unknown))}.", code="invalid")
    for field, value in changes.items():
        setattr(availability, field, sorted(set(value)) if field == "modalities" else value)
    if availability.kind == AvailabilityKind.WEEKLY:
        availability.date = None
    else:
        availability.weekday = None
    if not availability.modalities:
        raise ApplicationError(
            "Choisissez au moins une modalité.",
            code="invalid",
            extra={"fields": {"modalities": ["Obligatoire."]}},
        )
    if availability.end_time <= availability.start_time:
        raise ApplicationError(
            "La fin doit suivre le début.",
            code="invalid",
            extra={"fields": {"end_time": ["La fin doit suivre le début."]}},
        )
    availability.full_clean()
    availability.save()
    now = timezone.now()
    horizon = now + timedelta(days=settings.PLANNING_DECLARED_HORIZON_DAYS)
    wanted = {slot.external_id: slot for slot in _declared_slots(availability, now=now, horizon=horizon)}
    future = Slot.objects.filter(
        declared_availability=availability, start__gt=now, status__in=[SlotStatus.FREE, SlotStatus.GONE]
    )
    existing = dict(future.values_list("external_id", "pk"))
    revived = []
    for external_id, pk in existing.items():
        if external_id in wanted:
            slot = wanted.pop(external_id)
            slot.pk, slot.status = pk, SlotStatus.FREE
            revived.append(slot)
    future.exclude(external_id__in=[s.external_id for s in revived]).update(status=SlotStatus.GONE)
    Slot.objects.bulk_update(revived, [*DECLARED_FIELDS, "status"], batch_size=CHUNK)
    Slot.objects.bulk_create(list(wanted.values()), batch_size=CHUNK, ignore_conflicts=True)
    planning_event_write(
        event_type=PlanningEvent.AVAILABILITY_CHANGED,
        actor=actor,
        obj=availability,
        params={"fields": sorted(changes)},
    )
    return availability


DECLARED_FIELDS = [
    "place",
    "end",
    "slot_types",
    "type_mask",
    "modalities",
    "modality_mask",
    "specialty_code",
    "specialty_codes",
    "latitude",
    "longitude",
    "departement_code",
    "address",
    "last_seen_at",
]


def _declared_slots(block: DeclaredAvailability, *, now: datetime, horizon: datetime) -> list[Slot]:
    """The platform-owned slots of a block over [now, horizon): N equal slots for N patients."""
    from planning.selectors import availability_occurrences

    place = block.place
    latitude, longitude = _coordinates(place) if place else (None, None)
    slots = []
    for start, end in availability_occurrences(availability=block, start=now, end=horizon):
        step = (end - start) / block.patients
        for n in range(block.patients):
            slot_start = start + step * n
            slots.append(
                Slot(
                    source=None,
                    external_id=f"decl:{block.pk}:{slot_start:%Y%m%dT%H%M}",
                    declared_availability=block,
                    professional=block.professional,
                    place=place,
                    start=slot_start,
                    end=slot_start + step,
                    slot_types=["SNP"],
                    type_mask=mask_of(["SNP"], SLOT_TYPE_BITS),
                    modalities=list(block.modalities),
                    modality_mask=mask_of(block.modalities, MODALITY_BITS),
                    specialty_code=block.specialty_code,
                    specialty_codes=f"|{block.specialty_code}|",
                    latitude=latitude,
                    longitude=longitude,
                    departement_code=(place.commune.departement_id if place and place.commune_id else ""),
                    address=(place.address if place else ""),
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
    return slots


def declared_slots_generate(
    *, now: datetime | None = None, horizon_days: int | None = None, professional_ids: list[int] | None = None
) -> int:
    """Generate platform-owned slots from active declared blocks over the rolling horizon
    (periodic task, hourly). A block of N patients gives N equal slots. Idempotent: returns how
    many slots were created."""
    now = now or timezone.now()
    horizon = now + timedelta(days=horizon_days or settings.PLANNING_DECLARED_HORIZON_DAYS)
    blocks = DeclaredAvailability.objects.filter(is_active=True).select_related(
        "professional", "place", "place__commune"
    )
    if professional_ids is not None:
        blocks = blocks.filter(professional_id__in=professional_ids)
    to_create = []
    for block in blocks:
        to_create += _declared_slots(block, now=now, horizon=horizon)
    before = Slot.objects.filter(source__isnull=True).count()
    Slot.objects.bulk_create(to_create, batch_size=CHUNK, ignore_conflicts=True)
    return Slot.objects.filter(source__isnull=True).count() - before

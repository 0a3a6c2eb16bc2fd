"""Ingestion of `planning` (shared by polls and replays): upsert idempotently, mark vanished slots
gone, record the run and the source's health."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from cpts.models import PracticePlace, Professional
from planning.connectors.base import FetchResult, ParsedSlot, Rejection
from planning.enums import (
    MODALITY_BITS,
    SLOT_TYPE_BITS,
    RunStatus,
    SlotStatus,
    SourceHealth,
    SourceKind,
    mask_of,
)
from planning.models import AgendaSource, Slot, SourceRun
from planning.selectors import sources_cache_clear

MAX_REJECTIONS_KEPT = 200
CHUNK = 2000


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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

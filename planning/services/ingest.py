"""Ingestion of `planning` (shared by polls and replays): upsert idempotently, mark vanished slots
gone, record the run and the source's health."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

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
from planning.models import AgendaSource, Slot, SourceCoverage, SourceRun
from planning.selectors import sources_cache_clear

MAX_REJECTIONS_KEPT = 200
CHUNK = 2000


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- Ingestion (shared by polls and replays) -----------------------------------------------------
#: What matching a slot to its place reads (``_match_place``, ``_place_values``).
_PLACE_FIELDS = (
    "professional_id",
    "latitude",
    "longitude",
    "finess",
    "siret",
    "rpps_rang",
    "postal_code",
    "commune__latitude",
    "commune__longitude",
    "commune__departement_id",
)


def _places_by_professional(professional_ids: Iterable[int]) -> dict[int, list[PracticePlace]]:
    places: dict[int, list[PracticePlace]] = {}
    queryset = (
        PracticePlace.objects.filter(professional_id__in=list(professional_ids), is_active=True)
        .select_related("commune")
        .only(*_PLACE_FIELDS)
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


#: The columns a source writes on a slot, in the order of the rows built by :func:`_rows_to_upsert`.
CONTENT_COLUMNS = (
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
)
_JSON_COLUMNS = frozenset({"slot_types", "modalities", "reasons", "structures"})
_HASH = CONTENT_COLUMNS.index("content_hash")


def _place_values(professional: Professional, place: PracticePlace) -> tuple:
    """(professional_id, place_id, latitude, longitude, département) of a slot at ``place``."""
    latitude, longitude = _coordinates(place)
    departement = place.commune.departement_id if place.commune_id else (place.postal_code or "")[:2]
    return professional.pk, place.pk, latitude, longitude, departement or ""


def _row(parsed: ParsedSlot, professional: Professional, located: tuple) -> tuple:
    """The content of one slot, in ``CONTENT_COLUMNS`` order (JSON columns as tuples)."""
    professional_id, place_id, latitude, longitude, departement = located
    specialty_code, specialty_codes = _specialties(parsed.specialty_codes, professional.specialty_code)
    type_mask, modality_mask = _masks(parsed.slot_types, parsed.modalities)
    return (
        professional_id,
        place_id,
        parsed.start,
        parsed.end,
        parsed.slot_types,
        parsed.modalities,
        type_mask,
        modality_mask,
        specialty_code,
        specialty_codes,
        parsed.reasons,
        parsed.structures,
        parsed.address,
        latitude,
        longitude,
        departement,
        parsed.bookable,
        parsed.booking_url,
        parsed.raw_hash,
    )


def _professionals_by_national_id(national_ids: set[str]) -> dict[str, Professional]:
    by_type: dict[str, set[str]] = {}
    for value in national_ids:
        if len(value) > 1:
            by_type.setdefault(value[0], set()).add(value[1:])
    found: dict[str, Professional] = {}
    for identifier_type, identifiers in by_type.items():
        for professional in Professional.objects.filter(
            identifier_type=identifier_type, identifier__in=list(identifiers)
        ).only("identifier_type", "identifier", "specialty_code"):
            found[professional.national_id] = professional
    return found


def _rows_to_upsert(result: FetchResult, rejections: list[Rejection]) -> dict[str, tuple]:
    """The content of each parsed slot whose professional and place are in the directory, by external
    id; the others are rejected with their reason. The place (and what follows from it) is matched
    once per professional, structure and postal code, not once per slot."""
    professionals = _professionals_by_national_id({slot.national_id for slot in result.slots})
    places = _places_by_professional(p.pk for p in professionals.values())
    located_by_key: dict[tuple, tuple | None] = {}
    rows: dict[str, tuple] = {}
    for parsed in result.slots:
        professional = professionals.get(parsed.national_id)
        if professional is None:
            rejections.append(
                Rejection(
                    f"Slot/{parsed.external_id}", f"Professionnel {parsed.national_id} absent de l'annuaire."
                )
            )
            continue
        key = (professional.pk, parsed.organization_id, parsed.postal_code)
        if key not in located_by_key:
            place = _match_place(parsed, places.get(professional.pk, []))
            located_by_key[key] = None if place is None else _place_values(professional, place)
        located = located_by_key[key]
        if located is None:
            rejections.append(
                Rejection(
                    f"Slot/{parsed.external_id}",
                    f"Aucun lieu d'exercice géolocalisé pour {parsed.national_id}.",
                )
            )
            continue
        rows[parsed.external_id] = _row(parsed, professional, located)
    return rows


def _q(column: str) -> str:
    return f'"{column}"'


_SQL = {
    # Ingestions of one source are serialised in the database too (the poll also holds a cache lock).
    "lock": "SELECT pg_advisory_xact_lock(hashtext('planning_slot_ingest'), %(source)s)",
    "any": 'SELECT EXISTS (SELECT 1 FROM {table} WHERE "source_id" = %(source)s)',
    "existing": """
SELECT "external_id", "id", "content_hash", "status", "professional_id" FROM {table}
 WHERE "source_id" = %(source)s AND "external_id" = ANY(%(ids)s)
""",
    "copy_new": """COPY {table} ("source_id", "external_id", {columns}, "status", "hold_reference",
                   "booking_reference", "first_seen_at", "last_seen_at") FROM STDIN""",
    "stage_drop": "DROP TABLE IF EXISTS {stage}",
    "stage_create": 'CREATE TEMPORARY TABLE planning_slot_stage ON COMMIT DROP AS SELECT "id", {columns} FROM {table} WITH NO DATA',
    "stage_copy": 'COPY {stage} ("id", {columns}) FROM STDIN',
    "update_changed": """
UPDATE {table} s SET {assignments}, "last_seen_at" = %(now)s,
       "status" = CASE WHEN s."status" = 'gone' THEN 'free' ELSE s."status" END
  FROM {stage} t WHERE s."id" = t."id"
""",
    "stamp": """
UPDATE {table} SET "last_seen_at" = %(now)s
 WHERE "id" = ANY(%(ids)s) AND "status" <> 'gone' AND "last_seen_at" <> %(now)s
""",
    # Seen by this run: new and changed slots (stamped now), unchanged ones (``kept``, left out in
    # Python). The other free slots of fully answered professionals in the window have vanished.
    "gone_candidates": """
SELECT "id" FROM {table}
 WHERE "source_id" = %(source)s AND "professional_id" = ANY(%(complete)s)
   AND "start" >= %(start)s AND "start" <= %(end)s AND "status" = 'free' AND "last_seen_at" <> %(now)s
""",
    # Their last sighting is the previous complete answer covering them, if later than their own stamp.
    "gone": """
UPDATE {table} s SET "status" = 'gone',
       "last_seen_at" = GREATEST(s."last_seen_at", (
           SELECT c."seen_at" FROM {coverage} c
            WHERE c."source_id" = s."source_id" AND c."professional_id" = s."professional_id"
              AND s."start" >= c."window_start" AND s."start" <= c."window_end"))
 WHERE s."id" = ANY(%(ids)s) AND s."status" = 'free'
""",
}


@lru_cache(maxsize=1)
def _sql() -> dict[str, str]:
    """The statements of the PostgreSQL upsert (identifiers are this module's constants)."""
    names = {
        "table": Slot._meta.db_table,
        "coverage": SourceCoverage._meta.db_table,
        "stage": "pg_temp.planning_slot_stage",
        "columns": ", ".join(map(_q, CONTENT_COLUMNS)),
        "assignments": ", ".join(f"{_q(c)} = t.{_q(c)}" for c in CONTENT_COLUMNS),
    }
    return {key: template.format(**names) for key, template in _SQL.items()}


def _copy_writer(copy):
    """``write(prefix, row, suffix)`` for a COPY of ``CONTENT_COLUMNS`` rows: JSON columns are
    serialised once per distinct value (a few dozen per source), not once per slot."""
    json_indexes = [i for i, column in enumerate(CONTENT_COLUMNS) if column in _JSON_COLUMNS]
    dumps: dict = {}

    def as_json(value) -> str:
        key = value if not value or isinstance(value[0], str) else repr(value)
        text = dumps.get(key)
        if text is None:
            text = dumps[key] = json.dumps(list(value), ensure_ascii=False)
        return text

    def write(prefix: tuple, row: tuple, suffix: tuple) -> None:
        values = list(row)
        for i in json_indexes:
            values[i] = as_json(values[i])
        copy.write_row((*prefix, *values, *suffix))

    return write


class _Seen(NamedTuple):
    """What a run saw, sorted against what is stored (:func:`_sort_seen`)."""

    new: list[str]  # external ids not stored yet
    changed: list[tuple[str, int, tuple]]  # (external id, pk, row): other hash, or gone and seen again
    kept: set[int]  # pks unchanged, of fully answered professionals: their coverage says they were seen
    stamp: list[int]  # pks unchanged, of professionals not answered in full: stamped one by one


def _sort_seen(
    rows: dict[str, tuple], skipped_ids: set[str], existing: dict[str, tuple], complete: set[int]
) -> _Seen:
    """Sort the parsed rows and the ids skipped as unchanged (by the connector, from their hash)
    against ``existing`` (external id → (pk, hash, status, professional id))."""
    seen = _Seen([], [], set(), [])

    def unchanged(stored: tuple) -> None:
        if stored[3] in complete:
            seen.kept.add(stored[0])
        else:
            seen.stamp.append(stored[0])

    for external_id, row in rows.items():
        stored = existing.get(external_id)
        if stored is None:
            seen.new.append(external_id)
        elif stored[1] != row[_HASH] or stored[2] == SlotStatus.GONE:
            seen.changed.append((external_id, stored[0], row))
        else:
            unchanged(stored)
    for external_id in skipped_ids:
        stored = existing.get(external_id)
        if stored is not None and stored[2] != SlotStatus.GONE:
            unchanged(stored)
    return seen


def _upsert_postgresql(
    *,
    source: AgendaSource,
    rows: dict[str, tuple],
    skipped_ids: set[str],
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """Set-based upsert on PostgreSQL, close to a bare COPY when slots are new:

    1. read the stored id, hash, status and professional of every slot seen (one index probe each;
       none when the source has no slot yet);
    2. ``COPY`` the new slots straight into ``planning_slot`` (no staging, no ``ON CONFLICT``: the
       source's ingestions are serialised by a transaction advisory lock);
    3. ``COPY`` the changed ones (other hash, or gone and seen again) into a temporary table and
       ``UPDATE ... FROM`` it (a gone slot seen again comes back free);
    4. leave the unchanged ones alone when their professional was answered in full (the
       ``SourceCoverage`` written by :func:`slots_ingest` says they were seen), else stamp their
       ``last_seen_at``;
    5. mark gone the free slots of fully answered professionals in the window not seen by this run.

    Returns (created, updated, gone)."""
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql["lock"], {"source": source.pk})
        existing: dict[str, tuple] = {}  # external id → (pk, hash, status, professional)
        cursor.execute(sql["any"], {"source": source.pk})
        if cursor.fetchone()[0]:  # a source's first poll has nothing to look up
            cursor.execute(sql["existing"], {"source": source.pk, "ids": [*rows, *skipped_ids]})
            existing = {external_id: stored for external_id, *stored in cursor}
        new, changed, kept, stamp = _sort_seen(rows, skipped_ids, existing, set(complete_ids))
        if new:
            with cursor.cursor.copy(sql["copy_new"]) as copy:
                write, tail = _copy_writer(copy), (SlotStatus.FREE, "", "", now, now)
                for external_id in new:
                    write((source.pk, external_id), rows[external_id], tail)
        updated = 0
        if changed:
            cursor.execute(sql["stage_drop"])
            cursor.execute(sql["stage_create"])
            with cursor.cursor.copy(sql["stage_copy"]) as copy:
                write = _copy_writer(copy)
                for _, pk, row in changed:
                    write((pk,), row, ())
            cursor.execute(sql["update_changed"], {"now": now})
            updated = cursor.rowcount
            cursor.execute(sql["stage_drop"])
        if stamp:
            cursor.execute(sql["stamp"], {"ids": stamp, "now": now})
        gone = 0
        if complete_ids:
            cursor.execute(
                sql["gone_candidates"],
                {
                    "source": source.pk,
                    "complete": complete_ids,
                    "start": window_start,
                    "end": window_end,
                    "now": now,
                },
            )
            vanished = [pk for (pk,) in cursor if pk not in kept]
            if vanished:
                cursor.execute(sql["gone"], {"ids": vanished})
                gone = cursor.rowcount
    return len(new), updated, gone


def _upsert_orm(
    *,
    source: AgendaSource,
    rows: dict[str, tuple],
    skipped_ids: set[str],
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """The same upsert through the ORM (SQLite and other databases): read the existing rows, bulk
    create, bulk update, stamp the unchanged slots of professionals not answered in full, then mark
    the vanished slots gone. Returns (created, updated, gone)."""
    existing: dict[str, tuple[int, str, str, int]] = {}
    for chunk in _chunks([*rows, *skipped_ids]):
        for pk, external_id, content_hash, status, professional_id in Slot.objects.filter(
            source=source, external_id__in=chunk
        ).values_list("pk", "external_id", "content_hash", "status", "professional_id"):
            existing[external_id] = (pk, content_hash, status, professional_id)
    new, changed, kept, stamp = _sort_seen(rows, skipped_ids, existing, set(complete_ids))
    to_create = [
        Slot(
            source=source,
            external_id=external_id,
            first_seen_at=now,
            last_seen_at=now,
            **dict(zip(CONTENT_COLUMNS, rows[external_id], strict=True)),
        )
        for external_id in new
    ]
    to_update = [
        Slot(pk=pk, last_seen_at=now, **dict(zip(CONTENT_COLUMNS, row, strict=True)))
        for _, pk, row in changed
    ]
    revived = [pk for external_id, pk, _ in changed if existing[external_id][2] == SlotStatus.GONE]
    Slot.objects.bulk_create(to_create, batch_size=CHUNK)
    Slot.objects.bulk_update(to_update, [*CONTENT_COLUMNS, "last_seen_at"], batch_size=CHUNK)
    for chunk in _chunks(revived):
        Slot.objects.filter(pk__in=chunk, status=SlotStatus.GONE).update(status=SlotStatus.FREE)
    for chunk in _chunks(stamp):
        Slot.objects.filter(pk__in=chunk).exclude(status=SlotStatus.GONE).update(last_seen_at=now)
    if not complete_ids:
        return len(to_create), len(to_update), 0
    coverage = {
        c.professional_id: c
        for c in SourceCoverage.objects.filter(source=source, professional_id__in=complete_ids)
    }
    vanished = []
    for slot in Slot.objects.filter(
        source=source,
        status=SlotStatus.FREE,
        start__gte=window_start,
        start__lte=window_end,
        professional_id__in=complete_ids,
    ).only("pk", "professional_id", "start", "last_seen_at"):
        if slot.pk in kept or slot.last_seen_at == now:  # seen by this run
            continue
        covered = coverage.get(slot.professional_id)
        if covered and covered.window_start <= slot.start <= covered.window_end:
            slot.last_seen_at = max(slot.last_seen_at, covered.seen_at)
        slot.status = SlotStatus.GONE
        vanished.append(slot)
    Slot.objects.bulk_update(vanished, ["status", "last_seen_at"], batch_size=CHUNK)
    return len(to_create), len(to_update), len(vanished)


def _coverage_record(
    *,
    source: AgendaSource,
    complete_ids: list[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> None:
    """Each fully answered professional's live slots in the window were seen now (SourceCoverage)."""
    SourceCoverage.objects.bulk_create(
        [
            SourceCoverage(
                source=source,
                professional_id=pk,
                window_start=window_start,
                window_end=window_end,
                seen_at=now,
            )
            for pk in complete_ids
        ],
        update_conflicts=True,
        unique_fields=["source", "professional"],
        update_fields=["window_start", "window_end", "seen_at"],
        batch_size=CHUNK,
    )


def slots_ingest(
    *, source: AgendaSource, run: SourceRun, result: FetchResult, window_start: datetime, window_end: datetime
) -> SourceRun:
    """Upsert what a connector brought back (idempotent), mark vanished slots gone, record the run.

    - created: new slots; updated: changed content, or a gone slot back; unchanged: same content
      (recognised by the connector from its hash before validation, or here by the stored hash).
    - gone: FREE slots of professionals whose every page arrived, in the window, not seen this time.
    - rejected: malformed resources, unknown professionals, professionals without a geolocated place.
    A second identical run changes nothing (created = updated = gone = 0).

    On PostgreSQL the upsert is set-based and new slots go in by a bare COPY
    (:func:`_upsert_postgresql`); elsewhere it goes through the ORM (:func:`_upsert_orm`).
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
        _coverage_record(
            source=source,
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

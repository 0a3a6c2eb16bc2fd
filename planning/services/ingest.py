"""Ingestion of `planning` (shared by polls and replays): upsert idempotently, mark vanished slots
gone, record the run and the source's health."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from cpts.selectors import (
    place_coordinates,
    places_active_by_professional,
    professional_ids_by_rpps,
    professionals_by_national_id,
)
from planning.connectors.base import FetchResult, ParsedSlot, Rejection
from planning.enums import (
    MODALITY_BITS,
    SLOT_TYPE_BITS,
    RunStatus,
    SourceHealth,
    SourceKind,
    mask_of,
)
from planning.models import AgendaSource, SourceCoverage, SourceRun
from planning.selectors import sources_cache_clear
from planning.services.upsert import CHUNK, upsert_orm, upsert_postgresql

if TYPE_CHECKING:  # type hints only: the contract ignores them (.importlinter)
    from cpts.models import PracticePlace, Professional

MAX_REJECTIONS_KEPT = 200


# --- Ingestion (shared by polls and replays) -----------------------------------------------------
def _match_place(parsed: ParsedSlot, places: list[PracticePlace]) -> PracticePlace | None:
    """The directory's place for this slot: same structure identifier (1+FINESS, 3+SIRET, 4+RPPS-rang),
    else same postal code, else the professional's first geolocated place."""
    located = [p for p in places if place_coordinates(p)[0] is not None]
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


def _place_values(professional: Professional, place: PracticePlace) -> tuple:
    """(professional_id, place_id, latitude, longitude, département) of a slot at ``place``."""
    latitude, longitude = place_coordinates(place)
    departement = place.commune.departement_id if place.commune_id else (place.postal_code or "")[:2]
    return professional.pk, place.pk, latitude, longitude, departement or ""


def _row(parsed: ParsedSlot, professional: Professional, located: tuple) -> tuple:
    """The content of one slot, in :data:`planning.services.upsert.CONTENT_COLUMNS` order (JSON
    columns as tuples)."""
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


def _rows_to_upsert(result: FetchResult, rejections: list[Rejection]) -> dict[str, tuple]:
    """The content of each parsed slot whose professional and place are in the directory, by external
    id; the others are rejected with their reason. The place (and what follows from it) is matched
    once per professional, structure and postal code, not once per slot."""
    professionals = professionals_by_national_id(national_ids={slot.national_id for slot in result.slots})
    places = places_active_by_professional(professional_ids=[p.pk for p in professionals.values()])
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
    (:func:`upsert_postgresql`); elsewhere it goes through the ORM (:func:`upsert_orm`).
    """
    now = timezone.now()
    rejections: list[Rejection] = list(result.rejections)
    rows = _rows_to_upsert(result, rejections)
    skipped_ids = result.unchanged_ids - set(rows)
    complete_ids = professional_ids_by_rpps(rpps=result.complete_rpps)
    upsert = upsert_postgresql if connection.vendor == "postgresql" else upsert_orm
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

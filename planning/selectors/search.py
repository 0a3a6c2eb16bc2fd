"""The 48 h search (DOMAIN.md §3.2): neutral ranking, soonest start, then nearest, then fair rotation
between professionals; default radius and widening per département; explained to the regulator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from planning.models import Slot
from planning.search_settings import radius_settings
from planning.selectors.candidates import candidate_rows, slot_from_row
from planning.selectors.ranking import (
    MIN_RESULTS,
    modality_masks_for,
    rank,
    rank_reason,
    search_input_validate,
)
from planning.selectors.source_cache import excluded_source_ids, sources_metadata
from sas_platform.geo import bounding_box, haversine_km
from sas_platform.models import Commune

MAX_WINDOW = timedelta(days=7)
DECLARED_SOURCE_NAME = "Disponibilités déclarées sur la plateforme"


def _owned_source_name(slot) -> str:
    """Platform-owned slots: a CPTS vacation (issue 11) names its CPTS, else declared availability."""
    structures = [s for s in (slot.structures or []) if s.get("id")]
    if "CPTS" in (slot.slot_types or []) and structures:
        return f"Vacation CPTS : {structures[0].get('name', '')}"
    return DECLARED_SOURCE_NAME


@dataclass(frozen=True)
class SlotSearchResult:
    """One ranked slot of :func:`slots_search` and why it ranks there (DOMAIN.md §3.2: "the regulator
    sees why a slot ranks where it does (time, distance, source, freshness)")."""

    slot: Slot
    distance_km: float
    source_name: str
    freshness_seconds: int | None
    rank_reason: str
    stale: bool = False
    radius_km: float = 0.0
    widened: bool = False
    radius_initial_km: float = 0.0


def slots_search(
    *,
    latitude: float,
    longitude: float,
    radius_km: float | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    modalities: set[str] | None = None,
    specialty_code: str | None = "SM54",
    departement: str | None = None,
    limit: int = 50,
) -> list[SlotSearchResult]:
    """Free slots near a patient within 48 h, ranked neutrally (DOMAIN.md §3.2).

    - Window: ``start`` → ``end``, default now → now + 48 h (at most 7 days).
    - Radius: ``radius_km``, or the département's default (13: 10 km), widened by its step
      (13: +5 km) while fewer than 5 slots show; each result says so (``widened``, ``rank_reason``).
    - Ranking: soonest start, then distance (to 0.1 km), then fair rotation: a professional
      booked by the SAS in the last 7 days comes after an equal one who was not, then a daily
      salted order. No source, editor or structure is favoured.
    - Never HELD (unexpired), BOOKED or GONE slots. Slots of stale sources are kept and flagged
      (``stale``, ``freshness_seconds``); past the source's ``exclude_after_seconds`` they are left out.
    Raises :class:`~planning.exceptions.SearchInputError` (400, French) on out-of-range input.

    One SQL query per radius tried (usually one): candidates, display columns and the rotation's
    last bookings together; the sources' metadata comes from a copy a few seconds old at most. The
    ranking and its explanation are the pure functions of :mod:`planning.selectors.ranking`.
    """
    now = timezone.now()
    start = start or now
    end = end or start + timedelta(hours=48)
    search_input_validate(
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        start=start,
        end=end,
        modalities=modalities,
        limit=limit,
        max_window=MAX_WINDOW,
    )
    settings_ = radius_settings(departement=departement, latitude=latitude, longitude=longitude)
    radii = [radius_km] if radius_km is not None else settings_.radii()
    query = {
        "latitude": latitude,
        "longitude": longitude,
        "start": start,
        "end": end,
        "modality_masks": modality_masks_for(modalities),
        "specialty_code": specialty_code,
        "now": now,
        "fetch": limit * 2,
    }
    sources = sources_metadata()
    rows, used_radius = _widening_search(query, radii, sources, limit)
    if any(row["source_id"] is not None and row["source_id"] not in sources for row in rows):
        sources = sources_metadata(refresh=True)  # a source created since the copy was made
        rows, used_radius = _widening_search(query, radii, sources, limit)
    ranked = rank(rows, latitude=latitude, longitude=longitude, now=now, limit=limit)
    return [
        _result(ranked, index, sources, now=now, used_radius=used_radius, first_radius=radii[0])
        for index in range(len(ranked))
    ]


def _widening_search(query: dict, radii: list[float], sources: dict, limit: int) -> tuple[list[dict], float]:
    """Widen while fewer than 5 slots show; keep the smallest radius that gave the most slots."""
    excluded = excluded_source_ids(sources, query["now"])
    rows: list[dict] = []
    used = radii[0]
    for radius in radii:
        found = candidate_rows(**query, radius_km=radius, excluded_source_ids=excluded)
        if len(found) > len(rows):
            rows, used = found, radius
        if len(found) >= min(MIN_RESULTS, limit):
            break
    return rows, used


def _result(
    ranked: list[dict], index: int, sources: dict, *, now: datetime, used_radius: float, first_radius: float
) -> SlotSearchResult:
    row = ranked[index]
    slot = slot_from_row(row, sources)
    source = slot.source
    freshness = source.freshness_seconds(now) if source else None
    stale = bool(source and source.is_stale(now))
    return SlotSearchResult(
        slot=slot,
        distance_km=row["distance"],
        source_name=source.label if source else _owned_source_name(slot),
        freshness_seconds=freshness,
        rank_reason=rank_reason(
            ranked,
            index,
            local_start=timezone.localtime(slot.start),
            stale=stale,
            freshness=freshness,
            source_label=source.label if source else "",
            used_radius=used_radius,
            first_radius=first_radius,
        ),
        stale=stale,
        radius_km=used_radius,
        widened=used_radius != first_radius,
        radius_initial_km=first_radius,
    )


# --- Geography of a search ------------------------------------------------------------------------
def commune_nearest(*, latitude: float, longitude: float, within_km: float = 30.0) -> Commune | None:
    """The commune whose centre is nearest to the point (its département scopes a search made from
    coordinates); None beyond ``within_km`` (at sea, abroad)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, within_km)
    candidates = Commune.objects.filter(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
    ).only("insee_code", "name", "latitude", "longitude", "departement_id")
    best, best_km = None, within_km
    for commune in candidates:
        km = haversine_km(latitude, longitude, commune.latitude, commune.longitude)
        if km <= best_km:
            best, best_km = commune, km
    return best

"""The 48 h search (DOMAIN.md §3.2): neutral ranking, soonest start, then nearest, then fair rotation
between professionals; default radius and widening per département; explained to the regulator."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from planning.enums import MODALITY_BITS, Modality
from planning.exceptions import SearchInputError
from planning.models import Slot
from planning.search_settings import radius_settings
from planning.selectors.candidates import _candidates, _slot_from_row
from planning.selectors.source_cache import _excluded_source_ids, _sources_metadata
from sas_platform.geo import bounding_box, haversine_km, km_label, km_rounded
from sas_platform.models import Commune

MIN_RESULTS = 5  # DOMAIN.md §3.2: the national platform widens until 5 results show
MAX_WINDOW = timedelta(days=7)
MAX_RADIUS_KM = 200
DECLARED_SOURCE_NAME = "Disponibilités déclarées sur la plateforme"
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


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


def _validate(*, latitude, longitude, radius_km, start, end, modalities, limit) -> None:
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (latitude, longitude)) or not (
        -90 <= latitude <= 90 and -180 <= longitude <= 180
    ):
        raise SearchInputError(
            "Coordonnées invalides : latitude entre -90 et 90, longitude entre -180 et 180."
        )
    if radius_km is not None and not (0 < radius_km <= MAX_RADIUS_KM):
        raise SearchInputError(f"Le rayon doit être compris entre 1 et {MAX_RADIUS_KM} km.")
    if end <= start:
        raise SearchInputError("La fin de la fenêtre de recherche doit suivre son début.")
    if end - start > MAX_WINDOW:
        raise SearchInputError("La fenêtre de recherche ne peut pas dépasser 7 jours.")
    unknown = set(modalities or ()) - set(Modality.values)
    if unknown:
        raise SearchInputError(f"Modalité inconnue : {', '.join(sorted(unknown))} (AMB, VR ou HH).")
    if not (1 <= limit <= 200):
        raise SearchInputError("Le nombre de résultats doit être compris entre 1 et 200.")


def _rotation_salt(professional_id: int, day: date) -> str:
    """Daily salted order among equals: no professional is favoured by their id or name."""
    return hashlib.md5(f"{day.isoformat()}:{professional_id}".encode(), usedforsecurity=False).hexdigest()


def _km(value: float) -> str:
    return km_label(value)


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
    last bookings together; the sources' metadata comes from a copy a few seconds old at most.
    """
    now = timezone.now()
    start = start or now
    end = end or start + timedelta(hours=48)
    _validate(
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        start=start,
        end=end,
        modalities=modalities,
        limit=limit,
    )
    modality_masks = None
    if modalities:
        wanted = sum(MODALITY_BITS[Modality(code)] for code in modalities)
        modality_masks = [mask for mask in range(1, 8) if mask & wanted]
    settings_ = radius_settings(departement=departement, latitude=latitude, longitude=longitude)
    radii = [radius_km] if radius_km is not None else settings_.radii()
    sources = _sources_metadata()

    def search() -> tuple[list[dict], float]:
        # Widen while fewer than 5 slots show; keep the smallest radius that gave the most slots.
        excluded = _excluded_source_ids(sources, now)
        rows: list[dict] = []
        used = radii[0]
        for radius in radii:
            found = _candidates(
                latitude=latitude,
                longitude=longitude,
                radius_km=radius,
                start=start,
                end=end,
                modality_masks=modality_masks,
                specialty_code=specialty_code,
                excluded_source_ids=excluded,
                now=now,
                fetch=limit * 2,
            )
            if len(found) > len(rows):
                rows, used = found, radius
            if len(found) >= min(MIN_RESULTS, limit):
                break
        return rows, used

    rows, used_radius = search()
    if any(row["source_id"] is not None and row["source_id"] not in sources for row in rows):
        sources = _sources_metadata(refresh=True)  # a source created since the copy was made
        rows, used_radius = search()
    widened = used_radius != radii[0]

    today = timezone.localdate(now)
    for row in rows:
        # One distance per row, rounded once: the column, the reason and the ranking all read it.
        row["distance"] = round(haversine_km(latitude, longitude, row["latitude"], row["longitude"]), 2)
        row["key"] = (
            row["start"],
            km_rounded(row["distance"]),
            row["recent_booked_at"] is not None,
            row["recent_booked_at"] or now,
            _rotation_salt(row["professional_id"], today),
        )
    rows.sort(key=lambda row: row["key"])
    rows = rows[:limit]
    results = []
    for index, row in enumerate(rows):
        slot = _slot_from_row(row, sources)
        source = slot.source
        freshness = source.freshness_seconds(now) if source else None
        stale = bool(source and source.is_stale(now))
        local = timezone.localtime(slot.start)
        reasons = [
            f"début {WEEKDAYS_SHORT[local.weekday()]} {local.day}/{local.month:02d} à {local:%H:%M}",
            f"à {_km(row['distance'])}",
        ]
        tied = [
            other
            for other in rows[max(0, index - 1) : index + 2]
            if other is not row and other["key"][:2] == row["key"][:2]
        ]
        if tied:
            reasons.append(
                "à égalité : médecin sollicité par le SAS ces 7 derniers jours, placé après"
                if row["recent_booked_at"]
                else "à égalité : rotation équitable entre médecins"
            )
        if stale:
            minutes = (freshness or 0) // 60
            reasons.append(
                f"source « {source.label} » non mise à jour depuis {minutes} min"
                if freshness is not None
                else f"source « {source.label} » jamais mise à jour"
            )
        if widened:
            reasons.append(
                f"rayon élargi à {used_radius:g} km (moins de {MIN_RESULTS} créneaux à {radii[0]:g} km)"
            )
        reason = " ; ".join(reasons)
        results.append(
            SlotSearchResult(
                slot=slot,
                distance_km=row["distance"],
                source_name=source.label if source else DECLARED_SOURCE_NAME,
                freshness_seconds=freshness,
                rank_reason=reason[:1].upper() + reason[1:],
                stale=stale,
                radius_km=used_radius,
                widened=widened,
                radius_initial_km=radii[0],
            )
        )
    return results


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

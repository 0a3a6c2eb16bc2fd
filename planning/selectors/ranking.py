"""The 48 h search's neutral ranking and its explanation (DOMAIN.md §3.2), as pure functions over
candidate rows: no database, no clock (``now`` is given), so each rule is tested on plain data.

Soonest start, then distance (to 0.1 km), then fair rotation between professionals: one booked by
the SAS in the last 7 days comes after an equal one who was not, then a daily salted order. No
source, editor or structure weighs in.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime

from django.utils import timezone

from planning.enums import MODALITY_BITS, Modality
from planning.exceptions import SearchInputError
from sas_platform.geo import haversine_km, km_label, km_rounded

MIN_RESULTS = 5  # DOMAIN.md §3.2: the national platform widens until 5 results show
MAX_RADIUS_KM = 200
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def search_input_validate(
    *, latitude, longitude, radius_km, start, end, modalities, limit, max_window
) -> None:
    """Refuse out-of-range input in French (:class:`SearchInputError`, 400)."""
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
    if end - start > max_window:
        raise SearchInputError("La fenêtre de recherche ne peut pas dépasser 7 jours.")
    unknown = set(modalities or ()) - set(Modality.values)
    if unknown:
        raise SearchInputError(f"Modalité inconnue : {', '.join(sorted(unknown))} (AMB, VR ou HH).")
    if not (1 <= limit <= 200):
        raise SearchInputError("Le nombre de résultats doit être compris entre 1 et 200.")


def modality_masks_for(modalities: set[str] | None) -> list[int] | None:
    """The slots' modality masks that offer at least one of ``modalities`` (``None``: any)."""
    if not modalities:
        return None
    wanted = sum(MODALITY_BITS[Modality(code)] for code in modalities)
    return [mask for mask in range(1, 8) if mask & wanted]


def rotation_salt(professional_id: int, day: date) -> str:
    """Daily salted order among equals: no professional is favoured by their id or name."""
    return hashlib.md5(f"{day.isoformat()}:{professional_id}".encode(), usedforsecurity=False).hexdigest()


def rank(rows: list[dict], *, latitude: float, longitude: float, now: datetime, limit: int) -> list[dict]:
    """The ``limit`` best candidate rows, best first; each gets its ``distance`` (km, rounded once to
    0.01: the column, the reason and the ranking all read it) and its ranking ``key``: (start,
    distance as shown, to 0.1 km, booked by the SAS in the last 7 days, that booking's time, the
    day's salted order)."""
    today = timezone.localdate(now)
    for row in rows:
        row["distance"] = round(haversine_km(latitude, longitude, row["latitude"], row["longitude"]), 2)
        row["key"] = (
            row["start"],
            km_rounded(row["distance"]),
            row["recent_booked_at"] is not None,
            row["recent_booked_at"] or now,
            rotation_salt(row["professional_id"], today),
        )
    return sorted(rows, key=lambda row: row["key"])[:limit]


def rank_reason(
    ranked: list[dict],
    index: int,
    *,
    local_start: datetime,
    stale: bool,
    freshness: int | None,
    source_label: str,
    used_radius: float,
    first_radius: float,
) -> str:
    """Why ``ranked[index]`` ranks there (DOMAIN.md §3.2: "the regulator sees why a slot ranks where
    it does (time, distance, source, freshness)"): its start and distance, the tie-break when a
    neighbour has the same start and distance, a stale source, a widened radius."""
    row = ranked[index]
    reasons = [
        f"début {WEEKDAYS_SHORT[local_start.weekday()]} {local_start.day}/{local_start.month:02d} "
        f"à {local_start:%H:%M}",
        f"à {km_label(row['distance'])}",
    ]
    tied = [
        other
        for other in ranked[max(0, index - 1) : index + 2]
        if other is not row and other["key"][:2] == row["key"][:2]
    ]
    if tied:
        reasons.append(
            "à égalité : médecin sollicité par le SAS ces 7 derniers jours, placé après"
            if row["recent_booked_at"]
            else "à égalité : rotation équitable entre médecins"
        )
    if stale:
        reasons.append(
            f"source « {source_label} » non mise à jour depuis {(freshness or 0) // 60} min"
            if freshness is not None
            else f"source « {source_label} » jamais mise à jour"
        )
    if used_radius != first_radius:
        reasons.append(
            f"rayon élargi à {used_radius:g} km (moins de {MIN_RESULTS} créneaux à {first_radius:g} km)"
        )
    reason = " ; ".join(reasons)
    return reason[:1].upper() + reason[1:]

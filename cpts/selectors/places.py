"""Places of practice as other apps read them (DOMAIN.md §2): a professional's active places and a
place's coordinates (its own, else its commune's)."""

from __future__ import annotations

from collections.abc import Iterable

from cpts.models import PracticePlace

#: What matching a slot to its place reads (``planning``'s ingestion): identifiers, postal code and
#: the coordinates of the place and of its commune.
PLACE_MATCH_FIELDS = (
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


def places_active_by_professional(*, professional_ids: Iterable[int]) -> dict[int, list[PracticePlace]]:
    """Each professional's active places (``PLACE_MATCH_FIELDS`` loaded, commune joined), oldest first."""
    places: dict[int, list[PracticePlace]] = {}
    queryset = (
        PracticePlace.objects.filter(professional_id__in=list(professional_ids), is_active=True)
        .select_related("commune")
        .only(*PLACE_MATCH_FIELDS)
        .order_by("id")
    )
    for place in queryset:
        places.setdefault(place.professional_id, []).append(place)
    return places


def place_coordinates(place: PracticePlace) -> tuple[float | None, float | None]:
    """(latitude, longitude) of a place: its own when geolocated, else its commune's centroid."""
    if place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    if place.commune is not None:
        return place.commune.latitude, place.commune.longitude
    return None, None

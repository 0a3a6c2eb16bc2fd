"""Professionals of the directory: by identifier, for a user, near a point, the desk's search (DOMAIN.md §2, §3.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cpts.enums import IdentifierType, ParticipationStatus
from cpts.models import Membership, PracticePlace, Professional
from cpts.selectors.participation import (
    participating_professionals,
    participations_in_force,
)
from sas_platform.enums import Role
from sas_platform.geo import bounding_box, haversine_km, search_key
from sas_platform.identifiers import normalize_rpps
from sas_platform.models import Commune
from sas_platform.selectors import territory_codes_for_user


def professional_get_by_rpps(*, rpps: str) -> Professional | None:
    """The professional with this RPPS: 11 digits, or the national form ``8`` + RPPS (12 digits)."""
    number = normalize_rpps(rpps)
    if len(number) != 11 or not number.isdigit():
        return None
    return Professional.objects.filter(identifier_type=IdentifierType.RPPS, identifier=number).first()


def professional_for_user(*, user) -> Professional | None:
    """The professional an effecteur's account is linked to (``Professional.user``)."""
    if not user.is_authenticated:
        return None
    return Professional.objects.filter(user=user).first()


def professional_detail(*, pk: int) -> Professional | None:
    return (
        Professional.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "places",
                queryset=PracticePlace.objects.select_related("commune", "structure").order_by(
                    "-is_active", "id"
                ),
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("structure").order_by("-start_date"),
            ),
        )
        .first()
    )


def professionals_near(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    on: dt.date,
    participating_only: bool = False,
    accepts_surnumeraire: bool | None = None,
    specialty_code: str | None = None,
) -> list[tuple[Professional, PracticePlace, float]]:
    """Professionals with an active, geolocated place within ``radius_km``, nearest first.

    One tuple per professional: ``(professional, nearest place, distance in km rounded to
    0.1)``. A bounding box pre-filters in SQL, then the great-circle distance decides
    (DOMAIN.md §3.1 step 3: surnuméraire near the patient). ``participating_only`` keeps the
    participants on ``on`` (:func:`participating_professionals`); ``accepts_surnumeraire``
    (not ``None``) keeps participants whose declaration has that value.
    """
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    places = PracticePlace.objects.select_related("professional", "structure", "commune").filter(
        is_active=True,
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lon,
        longitude__lte=max_lon,
    )
    if specialty_code:
        places = places.filter(professional__specialty_code=specialty_code)
    if participating_only or accepts_surnumeraire is not None:
        participants = participating_professionals(on=on, accepts_surnumeraire=accepts_surnumeraire)
        places = places.filter(professional__in=participants.values("pk"))
    nearest: dict[int, tuple[Professional, PracticePlace, float]] = {}
    for place in places:
        distance = haversine_km(latitude, longitude, place.latitude, place.longitude)
        if distance > radius_km:
            continue
        current = nearest.get(place.professional_id)
        if current is None or distance < current[2]:
            nearest[place.professional_id] = (place.professional, place, distance)
    ordered = sorted(nearest.values(), key=lambda item: (item[2], item[0].last_name, item[0].pk))
    return [(prof, place, round(distance, 1)) for prof, place, distance in ordered]


def professionals_visible_to(*, user) -> QuerySet[Professional]:
    """Professionals practising in the user's territories (all for platform administrators)."""
    qs = Professional.objects.all()
    if user.has_role(Role.ADMIN_PLATEFORME):
        return qs
    codes = territory_codes_for_user(user=user)
    return qs.filter(
        Exists(
            PracticePlace.objects.filter(
                professional=OuterRef("pk"), is_active=True, commune__departement_id__in=codes
            )
        )
    )


def professionals_search(
    *,
    user,
    on: dt.date,
    name: str = "",
    rpps: str = "",
    profession_code: str = "",
    specialty_code: str = "",
    structure_id: int | None = None,
    status: str = "",
    accepts_surnumeraire: bool | None = None,
    commune: Commune | None = None,
    radius_km: float | None = None,
    limit: int = 200,
) -> list[dict]:
    """The directory search of the regulation desk (issue 3, pages): rows of
    ``{"professional", "place", "distance_km", "participation", "status"}`` within the user's
    territories. With ``commune`` and ``radius_km``: nearest first (distance from the commune's
    centroid); with a commune alone: places in that commune; otherwise by name.
    """
    qs = professionals_visible_to(user=user)
    if name:
        key = search_key(name)
        qs = qs.filter(Q(search_name__startswith=key) | Q(search_name__contains=f" {key}"))
    if rpps:
        qs = qs.filter(identifier=normalize_rpps(rpps))
    if profession_code:
        qs = qs.filter(profession_code=profession_code)
    if specialty_code:
        qs = qs.filter(specialty_code=specialty_code)
    if structure_id:
        qs = qs.filter(
            Q(memberships__structure_id=structure_id, memberships__end_date__isnull=True)
            | Q(places__structure_id=structure_id)
        )
    participants = participating_professionals(on=on, accepts_surnumeraire=accepts_surnumeraire)
    if status == ParticipationStatus.PARTICIPATING or accepts_surnumeraire is not None:
        qs = qs.filter(pk__in=participants.values("pk"))
    elif status == ParticipationStatus.NOT_PARTICIPATING:
        qs = qs.exclude(pk__in=participating_professionals(on=on).values("pk"))
    qs = qs.distinct()

    rows: list[dict] = []
    if commune is not None and radius_km and commune.has_coordinates:
        near = professionals_near(
            latitude=commune.latitude, longitude=commune.longitude, radius_km=radius_km, on=on
        )
        allowed = set(qs.filter(pk__in=[prof.pk for prof, _, _ in near]).values_list("pk", flat=True))
        rows = [
            {"professional": prof, "place": place, "distance_km": distance}
            for prof, place, distance in near
            if prof.pk in allowed
        ][:limit]
    else:
        if commune is not None:
            codes = [commune.insee_code, *commune.arrondissements.values_list("insee_code", flat=True)]
            qs = qs.filter(places__commune_id__in=codes, places__is_active=True).distinct()
        professionals = list(qs.order_by("last_name", "first_name", "pk")[:limit])
        places: dict[int, PracticePlace] = {}
        for place in (
            PracticePlace.objects.select_related("structure", "commune")
            .filter(professional__in=professionals, is_active=True)
            .order_by("id")
        ):
            if commune is None or place.commune_id in codes:
                places.setdefault(place.professional_id, place)
        rows = [
            {"professional": prof, "place": places.get(prof.pk), "distance_km": None}
            for prof in professionals
        ]
    _attach_participation(rows, on=on)
    return rows


def _attach_participation(rows: list[dict], *, on: dt.date) -> None:
    """Add each row's declaration in force and effective status, in two queries."""
    pks = [row["professional"].pk for row in rows]
    declarations = participations_in_force(professional_ids=pks, on=on)
    counting = set(participating_professionals(on=on).filter(pk__in=pks).values_list("pk", flat=True))
    for row in rows:
        pk = row["professional"].pk
        row["participation"] = declarations.get(pk)
        row["participating"] = pk in counting
        row["status"] = (
            ParticipationStatus.PARTICIPATING if pk in counting else ParticipationStatus.NOT_PARTICIPATING
        )


# --- Doors for other apps: look-ups by id and national identifier --------------------------------


def professional_get(*, pk: int | None) -> Professional | None:
    """The professional with this primary key, ``None`` when absent (or ``pk`` empty)."""
    if not pk:
        return None
    return Professional.objects.filter(pk=pk).first()


def professionals_by_national_id(*, national_ids: Iterable[str]) -> dict[str, Professional]:
    """National identifier (``8`` + RPPS, ``0`` + ADELI) → professional (type, identifier and
    specialty loaded); identifiers not in the directory are absent."""
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


def professional_ids_by_rpps(*, rpps: Iterable[str]) -> list[int]:
    """Primary keys of the professionals with these RPPS numbers (11 digits, no prefix)."""
    return list(
        Professional.objects.filter(
            identifier_type=IdentifierType.RPPS, identifier__in=sorted(rpps)
        ).values_list("pk", flat=True)
    )


def professional_is_rpps(professional: Professional, rpps: Iterable[str] | set[str]) -> bool:
    """Whether the professional is identified by an RPPS that is in ``rpps``."""
    return professional.identifier_type == IdentifierType.RPPS and professional.identifier in rpps


def rpps_practising_in(
    *, departement_code: str, specialty_code: str, exclude_pk: int | None = None
) -> list[str]:
    """RPPS numbers (sorted, distinct) of the professionals of a specialty with an active place in a
    département (the demo's agenda source)."""
    return sorted(
        set(
            Professional.objects.filter(
                identifier_type=IdentifierType.RPPS,
                specialty_code=specialty_code,
                places__is_active=True,
                places__commune__departement_id=departement_code,
            )
            .exclude(pk=exclude_pk)
            .values_list("identifier", flat=True)
        )
    )


def professional_for_email_or_rpps(*, email: str, rpps: str) -> Professional | None:
    """The professional linked to the account with this e-mail, else the one with this RPPS."""
    return (
        Professional.objects.filter(user__email=email).first()
        or Professional.objects.filter(identifier_type=IdentifierType.RPPS, identifier=rpps).first()
    )


def professionals_practising_in(*, departement_code: str) -> QuerySet[Professional]:
    """Professionals with a place of practice (active or not) in a département (distinct)."""
    return Professional.objects.filter(places__commune__departement_id=departement_code).distinct()


def professionals_declared_open(*, accepts_surnumeraire: bool) -> QuerySet[Professional]:
    """Professionals with an open declaration (no end date) that accepts surnuméraire (or not), whatever
    its start: the demo history's volunteers. For who *participates* on a date, see
    :func:`cpts.selectors.participating_professionals`."""
    return Professional.objects.filter(
        participations__accepts_surnumeraire=accepts_surnumeraire, participations__end_date__isnull=True
    )

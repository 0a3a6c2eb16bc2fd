"""Read selectors of `cpts`: the contract other apps build on (ARCHITECTURE.md).

``planning``, ``regulation`` and ``remuneration`` call these and never re-derive their rules:
the effective SAS participation on a date (DOMAIN.md §4), who is near a patient, a CPTS's
population and size (DOMAIN.md §6), and what each user may see (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cpts.enums import IdentifierType, ParticipationStatus, StructureKind
from cpts.models import Membership, PracticePlace, Professional, SasParticipation, Structure
from sas_platform.enums import REGULATION_ROLES, CommuneType, Role
from sas_platform.geo import bounding_box, haversine_km, search_key
from sas_platform.identifiers import normalize_rpps
from sas_platform.models import Commune
from sas_platform.selectors import territory_codes_for_user

# --- SAS participation (DOMAIN.md §4) -----------------------------------------------------


def _covering(on: dt.date) -> Q:
    """Declarations in force on ``on``: start ≤ on ≤ end (end inclusive, open when null)."""
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def participation_on(*, professional: Professional, on: dt.date) -> SasParticipation | None:
    """The declaration "je participe au SAS" in force on ``on`` (DOMAIN.md §4), or ``None``.

    History is kept (a new declaration closes the previous one the day before it starts), so
    at most one declaration covers a date. This is the *declaration*; whether it counts is
    :func:`participation_status_on`.
    """
    return (
        SasParticipation.objects.select_related("structure")
        .filter(_covering(on), professional=professional)
        .order_by("-start_date")
        .first()
    )


def _sas_open_subquery(*, on: dt.date, departements: set[str] | None = None):
    """A place of practice (active) or the participation's structure lies in a département
    whose SAS had opened on ``on`` (DOMAIN.md §4: nobody earns SAS pay before a SAS exists)."""
    places = PracticePlace.objects.filter(
        professional=OuterRef("pk"),
        is_active=True,
        commune__departement__sas_territory__opened_on__lte=on,
    )
    via_structure = SasParticipation.objects.filter(
        _covering(on),
        professional=OuterRef("pk"),
        structure__departement__sas_territory__opened_on__lte=on,
    )
    if departements is not None:
        places = places.filter(commune__departement_id__in=departements)
        via_structure = via_structure.filter(structure__departement_id__in=departements)
    return Exists(places) | Exists(via_structure)


def participating_professionals(
    *,
    on: dt.date,
    departements: set[str] | None = None,
    accepts_surnumeraire: bool | None = None,
) -> QuerySet[Professional]:
    """Professionals whose participation *counts* on ``on`` (DOMAIN.md §4).

    A professional participates when a declaration covers ``on`` **and** a SAS exists on their
    territory at that date (``SasTerritory.opened_on`` ≤ ``on`` for the département of one of
    their active places of practice, or of the structure they participate through).
    ``departements`` restricts to those départements; ``accepts_surnumeraire`` to declarations
    accepting (``True``) or refusing (``False``) surnuméraire requests (DOMAIN.md §3.1 step 3).
    The visibility condition (agenda interfaced or ≥ 2 h/week declared) is measured by
    ``planning``; remuneration combines both.
    """
    declarations = SasParticipation.objects.filter(_covering(on), professional=OuterRef("pk"))
    if accepts_surnumeraire is not None:
        declarations = declarations.filter(accepts_surnumeraire=accepts_surnumeraire)
    return Professional.objects.filter(
        Exists(declarations), _sas_open_subquery(on=on, departements=departements)
    )


def participation_status_on(*, professional: Professional, on: dt.date) -> ParticipationStatus:
    """THE effective participation status of ``professional`` on ``on`` (DOMAIN.md §4).

    ``PARTICIPATING`` when a declaration covers the date and a SAS exists on the doctor's
    territory at that date (last sentence of §4); otherwise ``NOT_PARTICIPATING``. Other apps
    use this and never re-derive it. Same rule as :func:`participating_professionals`.
    """
    if participating_professionals(on=on).filter(pk=professional.pk).exists():
        return ParticipationStatus.PARTICIPATING
    return ParticipationStatus.NOT_PARTICIPATING


def participation_history(*, professional: Professional) -> QuerySet[SasParticipation]:
    return professional.participations.select_related("structure", "declared_by").order_by(
        "-start_date", "-id"
    )


# --- Professionals ------------------------------------------------------------------------


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
    declarations = {
        p.professional_id: p
        for p in SasParticipation.objects.select_related("structure").filter(
            _covering(on), professional_id__in=pks
        )
    }
    counting = set(participating_professionals(on=on).filter(pk__in=pks).values_list("pk", flat=True))
    for row in rows:
        pk = row["professional"].pk
        row["participation"] = declarations.get(pk)
        row["participating"] = pk in counting
        row["status"] = (
            ParticipationStatus.PARTICIPATING if pk in counting else ParticipationStatus.NOT_PARTICIPATING
        )


# --- Structures ---------------------------------------------------------------------------


def structures_for_user(*, user) -> QuerySet[Structure]:
    """Structures the user may see (DOMAIN.md §2, every user acts within territories).

    Platform administrators: all. Regulation roles, SAS administrators, ARS and CPAM agents:
    the structures of their départements. Coordinators: the structures they coordinate. An
    effecteur: the structures they currently belong to.
    """
    if not user.is_authenticated:
        return Structure.objects.none()
    if user.has_role(Role.ADMIN_PLATEFORME):
        return Structure.objects.all()
    condition = Q(pk__in=[])
    if user.has_role(*REGULATION_ROLES, Role.ADMIN_SAS, Role.AGENT_ARS, Role.AGENT_CPAM):
        condition |= Q(departement_id__in=territory_codes_for_user(user=user))
    if user.has_role(Role.COORDINATEUR_STRUCTURE):
        condition |= Q(coordinators__user=user)
    if user.has_role(Role.EFFECTEUR):
        condition |= Q(memberships__professional__user=user, memberships__end_date__isnull=True)
    return Structure.objects.filter(condition).distinct()


def structures_coordinated_by(*, user) -> QuerySet[Structure]:
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(coordinators__user=user).order_by("name")


def structure_members(*, structure: Structure, on: dt.date) -> list[Membership]:
    """Current members (membership covering ``on``) with their declaration in force."""
    members = list(
        structure.memberships.select_related("professional")
        .filter(_covering(on))
        .order_by("professional__last_name", "professional__first_name")
    )
    pks = [m.professional_id for m in members]
    declarations = {
        p.professional_id: p
        for p in SasParticipation.objects.select_related("structure").filter(
            _covering(on), professional_id__in=pks
        )
    }
    counting = set(participating_professionals(on=on).filter(pk__in=pks).values_list("pk", flat=True))
    for member in members:
        member.participation = declarations.get(member.professional_id)
        member.participating = member.professional_id in counting
    return members


def memberships_current(*, professional: Professional, on: dt.date) -> QuerySet[Membership]:
    return professional.memberships.select_related("structure").filter(_covering(on))


def is_member_on(*, professional: Professional, structure: Structure, on: dt.date) -> bool:
    return Membership.objects.filter(_covering(on), professional=professional, structure=structure).exists()


# --- CPTS population and size (DOMAIN.md §6) ----------------------------------------------

#: Lower bounds of sizes 2, 3 and 4 (ACI CPTS; DOMAIN.md §6). Size 4 is "> 175,000".
_SIZE_2_FROM = 40_000
_SIZE_3_FROM = 80_000
_SIZE_4_ABOVE = 175_000


def cpts_size_for_population(population: int) -> int:
    """ACI CPTS size by population covered (DOMAIN.md §6).

    Size 1 < 40,000; size 2 from 40,000 to under 80,000; size 3 from 80,000 to 175,000
    included; size 4 > 175,000. The shared bound 80,000 goes to the upper size, like 40,000
    (half-open ranges), and 175,000 stays in size 3 because size 4 is strictly above it.
    """
    if population < _SIZE_2_FROM:
        return 1
    if population < _SIZE_3_FROM:
        return 2
    if population <= _SIZE_4_ABOVE:
        return 3
    return 4


def territory_communes_deduplicated(*, structure: Structure) -> list[Commune]:
    """The territory's communes, each inhabitant counted once (DOMAIN.md §6).

    A municipal arrondissement is dropped when its city is listed too (13055 Marseille already
    counts 13201..13216), so a territory naming both never double counts.
    """
    communes = list(structure.territory_communes.all())
    listed = {c.insee_code for c in communes}
    return [
        c
        for c in communes
        if not (c.type == CommuneType.ARRONDISSEMENT and c.parent_id is not None and c.parent_id in listed)
    ]


def cpts_population(*, structure: Structure) -> int:
    """Population 2021 of the CPTS territory, communes deduplicated (DOMAIN.md §6)."""
    return sum(c.population_2021 for c in territory_communes_deduplicated(structure=structure))


def cpts_computed_size(*, structure: Structure) -> int:
    return cpts_size_for_population(cpts_population(structure=structure))


def cpts_size(*, structure: Structure) -> int:
    """Size 1-4 of a CPTS: the administrator's override (the contract's value) when set,
    otherwise computed from the territory's population (DOMAIN.md §6)."""
    if structure.size_override:
        return int(structure.size_override)
    return cpts_computed_size(structure=structure)


def cpts_list(*, user) -> QuerySet[Structure]:
    return (
        structures_for_user(user=user)
        .filter(kind=StructureKind.CPTS)
        .select_related("departement")
        .prefetch_related("territory_communes")
        .order_by("name")
    )


#: Avenant 2 of the ACI CPTS came into force on 03/09/2022 (seed 001, DOMAIN.md §7.6).
ACI_AVENANT_2_DATE = dt.date(2022, 9, 3)


def cpts_contract_case(*, structure: Structure, on: dt.date) -> dict:
    """The contract facts remuneration needs: signed before/after avenant 2, territory with or
    without a SAS on ``on`` (the 4 cases of seed 001, DOMAIN.md §7.6)."""
    territory = getattr(structure.departement, "sas_territory", None) if structure.departement_id else None
    with_sas = bool(territory and territory.opened_on and territory.opened_on <= on)
    signed = structure.aci_signed_on
    return {
        "aci_signed_on": signed,
        "signed_before_avenant_2": bool(signed and signed < ACI_AVENANT_2_DATE),
        "territory_with_sas": with_sas,
    }


def structure_member_doctors(*, structure_id: int, on: dt.date) -> list[Professional]:
    """The structure's current member **doctors** (RPPS profession code 10), by name: whom its
    coordinator may name when accepting a surnuméraire request (seed 004, second-level
    orientation; the act's RPPS is what pay needs, DOMAIN.md §7.2)."""
    members = Membership.objects.filter(_covering(on), structure_id=structure_id).values("professional_id")
    return list(
        Professional.objects.filter(pk__in=members, profession_code="10").order_by(
            "last_name", "first_name", "pk"
        )
    )

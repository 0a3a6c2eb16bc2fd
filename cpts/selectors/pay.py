"""Directory facts for `remuneration`, read-only and as plain data (DOMAIN.md §4, §5, §6, §7.6).

A public selector module of its own (``selectors.py`` is being split by theme). The rules stay the
directory's: sizes from :func:`cpts.selectors.cpts_size`, the contract case from
:func:`cpts.selectors.cpts_contract_case`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from cpts.enums import StructureKind
from cpts.models import Membership, Professional, SasParticipation, Structure
from cpts.selectors import cpts_contract_case, cpts_population, cpts_size

DOCTOR_PROFESSION_CODE = "10"


@dataclass(frozen=True)
class PayeeIdentity:
    professional_id: int
    rpps: str
    last_name: str
    first_name: str
    is_doctor: bool


def payees_by_rpps(*, rpps_list) -> dict[str, PayeeIdentity]:
    """Names of the professionals paid, by RPPS (one query)."""
    rows = Professional.objects.filter(identifier__in=list(rpps_list)).values_list(
        "pk", "identifier", "last_name", "first_name", "profession_code"
    )
    return {r[1]: PayeeIdentity(r[0], r[1], r[2], r[3], r[4] == DOCTOR_PROFESSION_CODE) for r in rows}


@dataclass(frozen=True)
class Declaration:
    start: dt.date
    end: dt.date | None
    mode: str
    structure_id: int | None
    visibility: str


@dataclass(frozen=True)
class ParticipantFacts:
    """A doctor's participation declarations overlapping a period, on one SAS territory (DOMAIN.md §4)."""

    professional_id: int
    rpps: str
    last_name: str
    first_name: str
    declarations: tuple[Declaration, ...]


def _declarations_in(departement: str, start: dt.date, end: dt.date):
    overlap = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    in_territory = Q(
        professional__places__is_active=True, professional__places__commune__departement_id=departement
    ) | Q(structure__departement_id=departement)
    return SasParticipation.objects.filter(overlap).filter(in_territory)


def participants_declared_since(*, departement: str, start: dt.date, end: dt.date, since: dt.datetime) -> set:
    """RPPS of the doctors of :func:`participants_of_territory` with a declaration overlapping
    ``[start, end]`` recorded after ``since`` (a late declaration for a locked year: issue 12 §3)."""
    rows = _declarations_in(departement, start, end).filter(created_at__gt=since)
    return set(rows.values_list("professional__identifier", flat=True))


def participants_of_territory(*, departement: str, start: dt.date, end: dt.date) -> list[ParticipantFacts]:
    """Doctors with a declaration overlapping ``[start, end]`` who practise in the département (an
    active place there) or participate through one of its structures."""
    rows = (
        _declarations_in(departement, start, end)
        .values_list(
            "professional_id",
            "professional__identifier",
            "professional__last_name",
            "professional__first_name",
            "start_date",
            "end_date",
            "mode",
            "structure_id",
            "visibility",
        )
        .distinct()
        .order_by("professional_id", "start_date")
    )
    grouped: dict[int, list] = {}
    names: dict[int, tuple[str, str, str]] = {}
    for pk, rpps, last, first, d_start, d_end, mode, structure_id, visibility in rows:
        names[pk] = (rpps, last, first)
        grouped.setdefault(pk, []).append(Declaration(d_start, d_end, mode, structure_id, visibility))
    return [ParticipantFacts(pk, *names[pk], declarations=tuple(decls)) for pk, decls in grouped.items()]


@dataclass(frozen=True)
class CptsFacts:
    """What the ACI computation needs about a CPTS (DOMAIN.md §6, §7.6)."""

    id: int
    name: str
    finess: str
    siret: str
    size: int
    population: int
    size_overridden: bool
    members: int
    aci_signed_on: dt.date | None
    signed_before_avenant_2: bool
    territory_with_sas: bool
    sas_opened_on: dt.date | None


def _members_count(structure: Structure, on: dt.date) -> int:
    """Members on ``on``: professionals with a membership covering the date (seed 001 counts the
    health professionals plus the structures that joined; structures joining are not recorded)."""
    return (
        Membership.objects.filter(structure=structure, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("professional_id")
        .distinct()
        .count()
    )


def cpts_facts(*, structure: Structure, on: dt.date) -> CptsFacts:
    case = cpts_contract_case(structure=structure, on=on)
    territory = getattr(structure.departement, "sas_territory", None) if structure.departement_id else None
    return CptsFacts(
        id=structure.pk,
        name=structure.name,
        finess=structure.finess,
        siret=structure.siret,
        size=cpts_size(structure=structure),
        population=cpts_population(structure=structure),
        size_overridden=bool(structure.size_override),
        members=_members_count(structure, on),
        aci_signed_on=case["aci_signed_on"],
        signed_before_avenant_2=case["signed_before_avenant_2"],
        territory_with_sas=case["territory_with_sas"],
        sas_opened_on=territory.opened_on if territory else None,
    )


def cpts_of_territory(*, departement: str, on: dt.date) -> list[CptsFacts]:
    """The CPTS of a département with a signed ACI, as plain facts."""
    structures = (
        Structure.objects.filter(
            kind=StructureKind.CPTS, departement_id=departement, aci_signed_on__isnull=False
        )
        .select_related("departement__sas_territory")
        .prefetch_related("territory_communes")
        .order_by("name")
    )
    return [cpts_facts(structure=s, on=on) for s in structures]


def cpts_facts_for_structures(*, structure_ids, on: dt.date) -> list[CptsFacts]:
    structures = (
        Structure.objects.filter(pk__in=list(structure_ids), kind=StructureKind.CPTS)
        .select_related("departement__sas_territory")
        .prefetch_related("territory_communes")
        .order_by("name")
    )
    return [cpts_facts(structure=s, on=on) for s in structures]


def cpts_participation_counts(*, structure_id: int, on: dt.date) -> dict[str, int]:
    """CPTS indicators of DOMAIN.md §5: participating doctors (declared via this CPTS, in force on
    ``on``) and other professionals (members who are not doctors)."""
    covering = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))
    doctors = (
        SasParticipation.objects.filter(covering, structure_id=structure_id)
        .values("professional_id")
        .distinct()
    )
    others = (
        Membership.objects.filter(covering, structure_id=structure_id)
        .exclude(professional__profession_code=DOCTOR_PROFESSION_CODE)
        .values("professional_id")
        .distinct()
    )
    return {"participating_doctors": doctors.count(), "other_professionals": others.count()}


def structure_identity(*, structure_id: int) -> dict:
    s = Structure.objects.filter(pk=structure_id).values("pk", "name", "finess", "siret", "kind").first()
    return s or {}


@dataclass(frozen=True)
class StructureIdentity:
    id: int
    kind: str
    name: str
    finess: str
    siret: str


def structures_by_id(*, structure_ids) -> dict[int, StructureIdentity]:
    """Kind and identifiers of structures (a centre de santé is paid for its doctors: DOMAIN.md §7.2)."""
    rows = Structure.objects.filter(pk__in=list(structure_ids)).values_list(
        "pk", "kind", "name", "finess", "siret"
    )
    return {r[0]: StructureIdentity(*r) for r in rows}


def structures_of_departement(*, departement: str) -> dict[int, StructureIdentity]:
    rows = Structure.objects.filter(departement_id=departement).values_list(
        "pk", "kind", "name", "finess", "siret"
    )
    return {r[0]: StructureIdentity(*r) for r in rows}


def professions_by_id(*, professional_ids) -> dict[int, tuple[str, str]]:
    """``{professional id: (RPPS profession code, specialty code)}`` (one query): which SNP
    consultations were by GPs, other specialists or paramedics (DOMAIN.md §5)."""
    rows = Professional.objects.filter(pk__in=[p for p in professional_ids if p]).values_list(
        "pk", "profession_code", "specialty_code"
    )
    return {pk: (profession or "", specialty or "") for pk, profession, specialty in rows}

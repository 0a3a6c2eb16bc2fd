"""Surnuméraire: candidates near the patient in fair rotation, requests, their target (DOMAIN.md §3.1 step 3; seed 004)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from regulation import policies
from regulation.enums import RequestStatus
from regulation.models import Dossier, SurnumeraireRequest
from sas_platform.exceptions import ApplicationError
from sas_platform.permissions import can_work_regulation_desk
from sas_platform.selectors import territory_codes_for_user


def last_asked_at(*, professional_ids=(), structure_ids=()) -> tuple[dict, dict]:
    """When each doctor / structure was last asked for a surnuméraire (fair rotation)."""
    by_professional = dict(
        SurnumeraireRequest.objects.filter(professional_id__in=list(professional_ids))
        .values("professional_id")
        .annotate(last=Max("asked_at"))
        .values_list("professional_id", "last")
    )
    by_structure = dict(
        SurnumeraireRequest.objects.filter(structure_id__in=list(structure_ids))
        .values("structure_id")
        .annotate(last=Max("asked_at"))
        .values_list("structure_id", "last")
    )
    return by_professional, by_structure


def structure_requests(*, structure_ids, pending_only: bool = False) -> list[SurnumeraireRequest]:
    """Requests addressed to these structures (their coordinators' page), newest first."""
    qs = SurnumeraireRequest.objects.filter(structure_id__in=list(structure_ids)).select_related(
        "dossier", "dossier__commune", "structure", "accepting_professional"
    )
    if pending_only:
        qs = qs.filter(status=RequestStatus.PENDING)
    return list(qs.order_by("status", "-asked_at")[:200])


@dataclass(frozen=True)
class SurnumeraireCandidate:
    """A doctor to call directly, or a structure to call for its members (DOMAIN.md §3.1 step 3, §4)."""

    kind: str  # "doctor" | "structure"
    pk: int
    label: str
    phone: str
    distance_km: float
    last_asked_at: dt.datetime | None
    detail: str


def surnumeraire_candidates(
    *, dossier: Dossier, on: dt.date | None = None, radius_km: float = 20, limit: int = 10
) -> tuple[list[SurnumeraireCandidate], list[SurnumeraireCandidate]]:
    """Participating doctors accepting surnuméraire near the patient, in fair rotation (least
    recently asked first, then nearest), and the structures to call for doctors who participate
    through a CPTS / MSP / SOS / CDS (seed 004: "le régulateur appelle la CPTS"). Bounded queries."""
    from cpts import selectors as cpts_selectors
    from cpts.enums import ParticipationMode

    if dossier.latitude is None or dossier.longitude is None:
        return [], []
    on = on or timezone.localdate()
    near = cpts_selectors.professionals_near(
        latitude=dossier.latitude,
        longitude=dossier.longitude,
        radius_km=radius_km,
        on=on,
        participating_only=True,
        accepts_surnumeraire=True,
    )
    # One query for the declarations in force (mode, structure) of these doctors.
    declarations = cpts_selectors.participations_in_force(
        professional_ids=[prof.pk for prof, _, _ in near], on=on
    )
    doctors: dict[int, tuple] = {}
    structures: dict[int, tuple] = {}
    for professional, place, distance in near:
        declaration = declarations.get(professional.pk)
        if declaration is None:
            continue
        if declaration.mode == ParticipationMode.INDIVIDUAL:
            doctors[professional.pk] = (professional, place, distance)
        elif declaration.structure_id and declaration.structure_id not in structures:
            structures[declaration.structure_id] = (declaration.structure, distance)
    by_professional, by_structure = last_asked_at(professional_ids=doctors, structure_ids=structures)
    doctor_rows = [
        SurnumeraireCandidate(
            kind="doctor",
            pk=pk,
            label=f"Dr {doctors[pk][0]}",
            phone=doctors[pk][1].phone,
            distance_km=distance,
            last_asked_at=last,
            detail=doctors[pk][1].commune.name if doctors[pk][1].commune_id else doctors[pk][1].address,
        )
        for pk, distance, last in policies.rotation_order(
            [(pk, row[2]) for pk, row in doctors.items()], by_professional
        )[:limit]
    ]
    structure_rows = [
        SurnumeraireCandidate(
            kind="structure",
            pk=pk,
            label=str(structures[pk][0]),
            phone=structures[pk][0].phone,
            distance_km=distance,
            last_asked_at=last,
            detail="membre le plus proche",
        )
        for pk, distance, last in policies.rotation_order(
            [(pk, row[1]) for pk, row in structures.items()], by_structure
        )[:limit]
    ]
    return doctor_rows, structure_rows


def surnumeraire_requests_for_user(
    *, user, dossier_id: int | None = None, status: str | None = None, limit: int = 200
) -> list[SurnumeraireRequest]:
    """Requests a user may see: the desk's of their territories, a coordinator's of their structures."""
    from sas_platform.enums import Role

    scope = Q(pk__in=[])
    if can_work_regulation_desk(user):
        scope |= Q(dossier__territory_id__in=territory_codes_for_user(user=user))
    if user.has_role(Role.COORDINATEUR_STRUCTURE):
        from cpts.selectors import structures_coordinated_by

        scope |= Q(structure__in=structures_coordinated_by(user=user))
    qs = SurnumeraireRequest.objects.filter(scope)
    if dossier_id is not None:
        qs = qs.filter(dossier_id=dossier_id)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-asked_at", "-pk")[:limit])


def surnumeraire_target(*, professional_id: int | None, structure_id: int | None) -> tuple:
    """``(professional, structure)`` a surnuméraire request goes to (DOMAIN.md §3.1 step 3, seed 004):
    exactly one of a doctor of the directory or a structure, else a French refusal (nothing written).
    One rule for the orientation page and the API."""
    from cpts import selectors as cpts_selectors

    professional = cpts_selectors.professional_get(pk=professional_id)
    structure = cpts_selectors.structure_get(pk=structure_id)
    if (professional is None) == (structure is None):
        raise ApplicationError("Indiquez un médecin ou une structure.", code="invalid")
    return professional, structure

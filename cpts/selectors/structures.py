"""Structures and their members, as each user may see them (DOMAIN.md §2)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from cpts.models import Membership, Professional, SasParticipation, Structure
from cpts.selectors.participation import (
    in_force_on,
    participating_professionals,
    participations_in_force,
)
from sas_platform.enums import REGULATION_ROLES, Role
from sas_platform.selectors import territory_codes_for_user


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
        .filter(in_force_on(on))
        .order_by("professional__last_name", "professional__first_name")
    )
    pks = [m.professional_id for m in members]
    declarations = participations_in_force(professional_ids=pks, on=on)
    counting = set(participating_professionals(on=on).filter(pk__in=pks).values_list("pk", flat=True))
    for member in members:
        member.participation = declarations.get(member.professional_id)
        member.participating = member.professional_id in counting
    return members


def memberships_current(*, professional: Professional, on: dt.date) -> QuerySet[Membership]:
    return professional.memberships.select_related("structure").filter(in_force_on(on))


def is_member_on(*, professional: Professional, structure: Structure, on: dt.date) -> bool:
    return Membership.objects.filter(in_force_on(on), professional=professional, structure=structure).exists()


def structure_get(*, pk: int | None) -> Structure | None:
    """The structure with this primary key, ``None`` when absent (or ``pk`` empty)."""
    if not pk:
        return None
    return Structure.objects.filter(pk=pk).first()


def structures_with_participants() -> QuerySet[Structure]:
    """Structures through which at least one declaration was ever made (the demo's history)."""
    return Structure.objects.filter(
        pk__in=SasParticipation.objects.filter(structure__isnull=False).values("structure_id")
    )


def structure_member_doctors(*, structure_id: int, on: dt.date) -> list[Professional]:
    """The structure's current member **doctors** (RPPS profession code 10), by name: whom its
    coordinator may name when accepting a surnuméraire request (seed 004, second-level
    orientation; the act's RPPS is what pay needs, DOMAIN.md §7.2)."""
    members = Membership.objects.filter(in_force_on(on), structure_id=structure_id).values("professional_id")
    return list(
        Professional.objects.filter(pk__in=members, profession_code="10").order_by(
            "last_name", "first_name", "pk"
        )
    )


def structures_in(*, departement_code: str) -> QuerySet[Structure]:
    """Structures of a département."""
    return Structure.objects.filter(departement_id=departement_code)

"""Reads of the directory that the vacation planning (``planning.vacations``, issue 11) needs.

A small module beside ``cpts.selectors`` (which is being split into a package): structures,
their coordinators and members, professionals and places, as plain model instances or ids.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from cpts.models import Membership, PracticePlace, Professional, Structure, StructureCoordinator


def structure_get(*, pk: int) -> Structure | None:
    return Structure.objects.filter(pk=pk).first()


def structure_is_coordinated_by(*, structure_id: int, user) -> bool:
    """True when ``user`` is one of the structure's coordinators (they administer its plannings)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return StructureCoordinator.objects.filter(structure_id=structure_id, user=user).exists()


def structure_ids_coordinated_by(*, user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(StructureCoordinator.objects.filter(user=user).values_list("structure_id", flat=True))


def coordinator_users_of(*, structure_id: int) -> list:
    return [
        c.user for c in StructureCoordinator.objects.select_related("user").filter(structure_id=structure_id)
    ]


def _covering(on: dt.date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def structure_member_ids(*, structure_id: int, on: dt.date) -> list[int]:
    """Ids of the professionals members of the structure on ``on``."""
    return list(
        Membership.objects.filter(_covering(on), structure_id=structure_id)
        .values_list("professional_id", flat=True)
        .distinct()
    )


def structure_member_names(*, structure_id: int, on: dt.date) -> list[tuple[int, str]]:
    """``[(id, "Nom Prénom")]`` of the structure's members on ``on``, by name, in one query."""
    members = Membership.objects.filter(_covering(on), structure_id=structure_id).values("professional_id")
    rows = (
        Professional.objects.filter(pk__in=members)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", "last_name", "first_name")
    )
    return [(pk, f"{last} {first}".strip()) for pk, last, first in rows]


def structure_ids_of_professional(*, professional_id: int, on: dt.date) -> list[int]:
    return list(
        Membership.objects.filter(_covering(on), professional_id=professional_id).values_list(
            "structure_id", flat=True
        )
    )


def professionals_by_ids(*, ids) -> dict[int, Professional]:
    return {p.pk: p for p in Professional.objects.filter(pk__in=list(ids)).select_related("user")}


def professionals_queryset(*, ids) -> QuerySet[Professional]:
    return Professional.objects.filter(pk__in=list(ids)).order_by("last_name", "first_name")


def professional_of_user(*, user) -> Professional | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Professional.objects.filter(user=user).first()


def place_get(*, pk: int | None) -> PracticePlace | None:
    if not pk:
        return None
    return PracticePlace.objects.select_related("commune", "structure").filter(pk=pk).first()


def places_of_structure(*, structure_id: int) -> QuerySet[PracticePlace]:
    """The structure's own sites and its members' active places (geolocated)."""
    members = Membership.objects.filter(structure_id=structure_id).values("professional_id")
    return (
        PracticePlace.objects.filter(
            Q(structure_id=structure_id) | Q(professional_id__in=members), is_active=True
        )
        .select_related("commune")
        .order_by("name", "id")
    )


def first_place_of(*, professional_id: int) -> PracticePlace | None:
    """The professional's first active place (where a vacation without a place is held)."""
    return (
        PracticePlace.objects.select_related("commune")
        .filter(professional_id=professional_id, is_active=True)
        .order_by("id")
        .first()
    )


def cpts_structures() -> QuerySet[Structure]:
    """Every CPTS (the demo gives each one a vacation planning)."""
    return Structure.objects.filter(kind="cpts").order_by("name")

"""The effective SAS participation on a date (DOMAIN.md §4): declarations in force, who counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from cpts.enums import ParticipationStatus
from cpts.models import PracticePlace, Professional, SasParticipation


def in_force_on(on: dt.date) -> Q:
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
        .filter(in_force_on(on), professional=professional)
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
        in_force_on(on),
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
    declarations = SasParticipation.objects.filter(in_force_on(on), professional=OuterRef("pk"))
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


def participations_in_force(*, professional_ids: Iterable[int], on: dt.date) -> dict[int, SasParticipation]:
    """Professional id → the declaration in force on ``on`` (structure joined), in one query."""
    return {
        p.professional_id: p
        for p in SasParticipation.objects.select_related("structure").filter(
            in_force_on(on), professional_id__in=list(professional_ids)
        )
    }

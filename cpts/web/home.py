"""What the effecteur's home section says, read from the « Je participe au SAS » page's selectors.

DOMAIN.md §4: a doctor participates when a declaration covers today and a SAS exists on their
territory; the home says so (with the date the continuous participation began) instead of
asking a participating doctor to declare again.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format

from cpts import selectors
from cpts.enums import ParticipationStatus
from sas_platform.navigation import HomeStatus


def participating_since(*, professional, current) -> dt.date:
    """Start of the unbroken run of declarations ending with ``current`` (a re-declaration keeps it)."""
    since = current.start_date
    for declaration in selectors.participation_history(professional=professional):
        if declaration.pk == current.pk or declaration.start_date >= since:
            continue
        if declaration.end_date is not None and declaration.end_date >= since - dt.timedelta(days=1):
            since = declaration.start_date
    return since


def effecteur_status(*, user) -> HomeStatus | None:
    professional = selectors.professional_for_user(user=user)
    if professional is None:
        return None
    today = timezone.localdate()
    current = selectors.participation_on(professional=professional, on=today)
    if current is None:
        return None
    since = date_format(participating_since(professional=professional, current=current), "j F Y")
    status = selectors.participation_status_on(professional=professional, on=today)
    if status != ParticipationStatus.PARTICIPATING:
        return HomeStatus(
            message=f"Votre participation est déclarée depuis le {since}, mais aucun SAS n'est encore "
            "ouvert sur votre territoire : elle ne compte pas encore.",
            level="warning",
        )
    surnumeraire = (
        "vous acceptez les demandes en surnuméraire"
        if current.accepts_surnumeraire
        else "vous n'acceptez pas les demandes en surnuméraire"
    )
    return HomeStatus(
        message=f"Vous participez au SAS depuis le {since} ({current.get_mode_display().lower()}, "
        f"{current.get_visibility_display().lower()}) ; {surnumeraire}.",
        level="success",
    )

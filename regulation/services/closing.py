"""Closing of dossiers (DOMAIN.md §3.1 step 4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from regulation.enums import (
    CLOSING_RESULTS,
    AppointmentStatus,
    ClosureReason,
    DossierState,
    OrientationResult,
    RequestStatus,
    Transition,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.models import Booking, Dossier, SurnumeraireRequest
from regulation.policies import Action
from regulation.services.workflow import (
    close_apply,
    close_without_appointment,
    dossier_locked,
    dossier_save,
    ensure_may_act,
    route_apply,
    setting,
    transition_apply,
)
from sas_platform.exceptions import ApplicationError

# --- Closing (DOMAIN.md §3.1 step 4) -----------------------------------------------------------


@transaction.atomic
def dossier_orientation_close(
    *, dossier_id: int, actor, result: OrientationResult, notes: str = ""
) -> Dossier:
    """OSNP outcomes without an appointment: advice, ED, PDSA (close); back to AMU (re-route)."""
    result = OrientationResult(result)
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    if result == OrientationResult.AMU:
        route_apply(dossier, Transition.ROUTE_AMU, actor, now, notes)
    elif result in CLOSING_RESULTS:
        close_without_appointment(dossier, result, actor, now, notes)
    else:
        raise ApplicationError(
            "Cette issue se fait par une réservation ou une demande.", code="invalid_result"
        )
    SurnumeraireRequest.objects.filter(dossier=dossier, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED, answered_at=now
    )
    return dossier


@transaction.atomic
def dossier_orientation_reopen(*, dossier_id: int, actor, notes: str = "") -> Dossier:
    """The appointment fell through before it happened: back to orientation."""
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    transition_apply(dossier, Transition.REOPEN_ORIENTATION, now)
    dossier.orientation_result, dossier.oriented_at = "", None
    dossier_save(dossier, "orientation_result", "oriented_at")
    for booking in Booking.objects.filter(dossier=dossier, status=AppointmentStatus.BOOKED):
        booking.status, booking.outcome_at = AppointmentStatus.CANCELLED, now
        booking.save(update_fields=["status", "outcome_at"])
    dossier_event_write(
        event_type=RegulationEvent.ORIENTATION_REOPENED,
        actor=actor,
        dossier=dossier,
        params={"notes": notes[:200]},
    )
    return dossier


def dossiers_auto_close(*, now: dt.datetime | None = None) -> int:
    """Close oriented dossiers whose outcome never came, after the delay: « issue inconnue » (task)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=setting("REGULATION_AUTO_CLOSE_HOURS"))
    ids = list(
        Dossier.objects.filter(state=DossierState.ORIENTED, oriented_at__lt=limit).values_list(
            "pk", flat=True
        )
    )
    closed = 0
    for dossier_id in ids:
        with transaction.atomic():
            dossier = dossier_locked(dossier_id)
            if dossier.state != DossierState.ORIENTED:
                continue
            close_apply(dossier, ClosureReason.OUTCOME_UNKNOWN, Transition.CLOSE_OUTCOME_UNKNOWN, None, now)
            closed += 1
    return closed

"""Orientation, booking outcome and closing of a demo dossier."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from regulation.demo_history._common import Walk
from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    ClosureReason,
    Transition,
)
from regulation.events import RegulationEvent
from regulation.services.facts import act_facts_record


def orient_and_close(
    walk, rng, booking, at, result, category, actor, schedule, unknown: bool = False
) -> Walk:
    dossier = walk.dossier
    act_facts_record(dossier, booking, schedule)  # the services' pay facts (DOMAIN.md §7.2-§7.4)
    walk.move(Transition.ORIENT, at)
    dossier.orientation_result, dossier.orientation_category, dossier.oriented_at = result, category, at
    walk.event(at, RegulationEvent.ORIENTED, actor, result=result.value, category=category, booking=0)
    walk.bookings = [booking]  # type: ignore[attr-defined]
    now = timezone.now()
    if unknown:
        closed = at + dt.timedelta(hours=72, minutes=rng.randint(0, 59))
        booking.status = AppointmentStatus.BOOKED
        if closed < now:
            walk.move(Transition.CLOSE_OUTCOME_UNKNOWN, closed)
            dossier.closed_at, dossier.closure_reason = closed, ClosureReason.OUTCOME_UNKNOWN
            walk.event(closed, RegulationEvent.CLOSED, None, reason=ClosureReason.OUTCOME_UNKNOWN.value)
        return walk
    outcome_at = booking.start + dt.timedelta(minutes=rng.randint(30, 180))
    if outcome_at >= now:
        booking.status = AppointmentStatus.BOOKED  # still to come: stays oriented, in « issue à venir »
        return walk
    status = rng.choices(
        [AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED],
        weights=[84, 9, 7],
    )[0]
    booking.status, booking.outcome_at = status, outcome_at
    via = "fhir" if booking.kind == BookingKind.EDITOR_SLOT else "desk"
    walk.event(
        outcome_at,
        RegulationEvent.OUTCOME_RECORDED,
        None if via == "fhir" else walk.dossier.decided_by,
        booking=0,
        status=status.value,
        via=via,
    )
    walk.move(Transition.RECORD_OUTCOME, outcome_at)
    walk.move(Transition.CLOSE, outcome_at)
    dossier.closed_at, dossier.closure_reason = outcome_at, ClosureReason.OUTCOME_KNOWN
    walk.event(outcome_at, RegulationEvent.CLOSED, None, reason=ClosureReason.OUTCOME_KNOWN.value)
    return walk

"""Orientation (DOMAIN.md §3.1 step 3): its start, its result, new bookings and the treating doctor call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    DossierState,
    OrientationCategory,
    OrientationResult,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.exceptions import (
    SlotTaken,
)
from regulation.models import Booking, Dossier
from regulation.policies import Action
from regulation.services._common import _check_appointment, _ensure_may_act, _locked, _move, _save
from regulation.services.facts import _record_act_facts
from sas_platform.exceptions import ApplicationError

# --- Orientation (DOMAIN.md §3.1 step 3) -------------------------------------------------------


def _start_orientation(dossier: Dossier, actor, now: dt.datetime) -> None:
    if dossier.state == DossierState.REGULATED:
        _move(dossier, Transition.START_ORIENTATION, now)
        _save(dossier)
        dossier_event_write(event_type=RegulationEvent.ORIENTATION_STARTED, actor=actor, dossier=dossier)


def _orient(
    dossier: Dossier,
    result: OrientationResult,
    category: str,
    actor,
    now: dt.datetime,
    booking: Booking | None = None,
) -> None:
    _move(dossier, Transition.ORIENT, now)
    dossier.orientation_result, dossier.orientation_category, dossier.oriented_at = result, category, now
    dossier.holder, dossier.held_since = None, None  # off the queue: anyone on the desk records the outcome
    _save(dossier, "orientation_result", "orientation_category", "oriented_at", "holder", "held_since")
    dossier_event_write(
        event_type=RegulationEvent.ORIENTED,
        actor=actor,
        dossier=dossier,
        params={"result": result.value, "category": category, "booking": booking.pk if booking else None},
    )


def _new_booking(dossier: Dossier, actor, **fields: Any) -> Booking:
    fields.setdefault("created_at", timezone.now())
    booking = Booking(dossier=dossier, created_by=actor, **fields)
    _record_act_facts(dossier, booking)
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise SlotTaken(
            "Créneau déjà pris, ou un rendez-vous est déjà en cours pour ce dossier.", code="slot_taken"
        ) from exc
    return booking


@transaction.atomic
def treating_doctor_call_record(
    *,
    dossier_id: int,
    actor,
    result: TreatingDoctorCallResult,
    name: str = "",
    phone: str = "",
    rpps: str = "",
    appointment_start: dt.datetime | None = None,
) -> Dossier:
    """The médecin traitant is tried first (DOMAIN.md §3.1 step 3). Reachable within 48 h:
    appointment with the MT, recorded as an act by the patient's MT (§7.4 fact)."""
    result = TreatingDoctorCallResult(result)
    dossier = _locked(dossier_id)
    _ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    _start_orientation(dossier, actor, now)
    if result == TreatingDoctorCallResult.APPOINTMENT and appointment_start is None:
        raise ApplicationError(
            "Indiquez l'heure du rendez-vous avec le médecin traitant.",
            code="appointment_start_required",
            extra={
                "fields": {"appointment_start": ["Obligatoire quand le médecin traitant reçoit le patient."]}
            },
        )
    if result == TreatingDoctorCallResult.APPOINTMENT:
        _check_appointment(dossier, appointment_start, now, "appointment_start")
    dossier.treating_doctor_call = result
    dossier.treating_doctor_name = name.strip() or dossier.treating_doctor_name
    dossier.treating_doctor_phone = phone.strip() or dossier.treating_doctor_phone
    dossier.treating_doctor_rpps = rpps.strip() or dossier.treating_doctor_rpps
    dossier.updated_at = now
    dossier.full_clean()
    dossier.save(
        update_fields=[
            "treating_doctor_call",
            "treating_doctor_name",
            "treating_doctor_phone",
            "treating_doctor_rpps",
            "updated_at",
        ]
    )
    dossier_event_write(
        event_type=RegulationEvent.TREATING_DOCTOR_CALLED,
        actor=actor,
        dossier=dossier,
        params={"result": result},
    )
    if result == TreatingDoctorCallResult.APPOINTMENT:
        booking = _new_booking(
            dossier,
            actor,
            kind=BookingKind.TREATING_DOCTOR,
            status=AppointmentStatus.BOOKED,
            doctor_name=dossier.treating_doctor_name,
            rpps=dossier.treating_doctor_rpps,
            start=appointment_start,
            confirmed_at=now,
            is_treating_doctor=True,
        )
        _orient(dossier, OrientationResult.TREATING_DOCTOR, OrientationCategory.PS, actor, now, booking)
    return dossier

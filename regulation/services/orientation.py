"""Orientation (DOMAIN.md §3.1 step 3): its start, its result, new bookings and the treating doctor call."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    OrientationCategory,
    OrientationResult,
    TreatingDoctorCallResult,
)
from regulation.events import RegulationEvent, dossier_event_write
from regulation.models import Dossier
from regulation.policies import Action
from regulation.services.workflow import (
    appointment_check,
    booking_new,
    dossier_locked,
    ensure_may_act,
    orient_apply,
    orientation_start,
)
from sas_platform.exceptions import ApplicationError

# --- Orientation (DOMAIN.md §3.1 step 3) -------------------------------------------------------


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
    dossier = dossier_locked(dossier_id)
    ensure_may_act(dossier, actor, Action.ORIENT)
    now = timezone.now()
    orientation_start(dossier, actor, now)
    if result == TreatingDoctorCallResult.APPOINTMENT and appointment_start is None:
        raise ApplicationError(
            "Indiquez l'heure du rendez-vous avec le médecin traitant.",
            code="appointment_start_required",
            extra={
                "fields": {"appointment_start": ["Obligatoire quand le médecin traitant reçoit le patient."]}
            },
        )
    if result == TreatingDoctorCallResult.APPOINTMENT:
        appointment_check(dossier, appointment_start, now, "appointment_start")
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
        booking = booking_new(
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
        orient_apply(dossier, OrientationResult.TREATING_DOCTOR, OrientationCategory.PS, actor, now, booking)
    return dossier

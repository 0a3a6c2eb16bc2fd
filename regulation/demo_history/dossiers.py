"""One dossier's walk of the state machine, from pick-up to its decision and orientation."""

from __future__ import annotations

import datetime as dt

from regulation import policies
from regulation.demo_history._common import REASONS, Walk, later
from regulation.demo_history.orientation import orient_and_close
from regulation.demo_history.surnumeraire import surnumeraire_story
from regulation.enums import (
    BookingKind,
    ClosureReason,
    Decision,
    DossierState,
    OrientationCategory,
    OrientationResult,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.events import RegulationEvent
from regulation.models import Booking, Dossier


def walk_story(
    rng, story, picked, *, commune, arm, regulateur, osnp, doctors, surnum_doctors, structures, schedule
) -> Walk:
    dossier = Dossier(
        territory_id="13",
        state=DossierState.OPENED,
        call_received_at=picked - dt.timedelta(seconds=rng.choice([4, 8, 12, 20, 25, 35, 45, 60, 75, 110])),
        picked_up_at=picked,
        created_by=arm,
        origin=rng.choice(["15", "116117", "116117", "15"]),
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        reason=rng.choice(REASONS),
        priority=rng.choices(["P0", "P1", "P2", "P3"], weights=[2, 10, 70, 18])[0],
        patient_age=rng.randint(1, 92),
        patient_sex=rng.choice(["F", "M"]),
        patient_last_name=f"Patient{rng.randint(100, 999)}",
        updated_at=picked,
    )
    walk = Walk(dossier)
    walk.bookings, walk.requests = [], []  # type: ignore[attr-defined]
    walk.event(
        picked,
        RegulationEvent.DOSSIER_OPENED,
        arm,
        origin=dossier.origin,
        commune=commune.insee_code,
        priority=dossier.priority,
    )
    routed = later(picked, rng, 0.5, 3)
    dossier.routed_at = routed
    if story == "amu":
        dossier.priority = "P0" if rng.random() < 0.5 else "P1"
        walk.move(Transition.ROUTE_AMU, routed)
        dossier.amu_handover_at = routed
        walk.event(routed, RegulationEvent.ROUTED_AMU, arm, **{"from": "opened", "reason": ""})
        return walk
    walk.move(Transition.ROUTE_GENERAL_PRACTICE, routed)
    walk.event(routed, RegulationEvent.ROUTED_GENERAL_PRACTICE, arm, **{"from": "opened", "reason": ""})
    claimed = later(routed, rng, 1, 20)
    walk.event(claimed, RegulationEvent.CLAIMED, regulateur)
    decided = later(claimed, rng, 3, 12)
    decision = {
        "advice": Decision.ADVICE,
        "prescription": Decision.PRESCRIPTION,
        "emergency": Decision.EMERGENCY_DEPARTMENT,
        "pdsa": Decision.PDSA,
    }.get(story) or rng.choices(
        [Decision.APPOINTMENT_48H, Decision.TELECONSULTATION, Decision.HOME_VISIT], weights=[80, 15, 5]
    )[0]
    dossier.decision, dossier.decided_by, dossier.decided_at = decision, regulateur, decided
    dossier.decision_notes = "Démonstration"
    walk.event(
        decided,
        RegulationEvent.DECIDED,
        regulateur,
        decision=decision.value,
        priority=dossier.priority,
        care_level="",
    )
    if decision in policies.DECISIONS_CLOSING:
        result = policies.DECISIONS_CLOSING[decision]
        walk.move(Transition.CLOSE_WITHOUT_APPOINTMENT, decided)
        dossier.orientation_result, dossier.oriented_at = result, decided
        dossier.closed_at, dossier.closure_reason = decided, ClosureReason.WITHOUT_APPOINTMENT
        walk.event(decided, RegulationEvent.CLOSED_WITHOUT_APPOINTMENT, regulateur, result=result.value)
        return walk
    walk.move(Transition.DECIDE, decided)
    started = later(decided, rng, 1, 15)
    walk.move(Transition.START_ORIENTATION, started)
    walk.event(started, RegulationEvent.ORIENTATION_STARTED, osnp)
    called = later(started, rng, 1, 4)
    if story == "treating_doctor":
        dossier.treating_doctor_call = TreatingDoctorCallResult.APPOINTMENT
        dossier.treating_doctor_name = "Dr " + rng.choice(
            ["Anne Lefèvre", "Marc Vidal", "Sophie Blanc", "Karim Haddad"]
        )
        walk.event(called, RegulationEvent.TREATING_DOCTOR_CALLED, osnp, result="appointment")
        booking = Booking(
            kind=BookingKind.TREATING_DOCTOR,
            doctor_name=dossier.treating_doctor_name,
            start=later(decided, rng, 120, 1800),
            is_treating_doctor=True,
            created_by=osnp,
            created_at=called,
            confirmed_at=called,
        )
        return orient_and_close(
            walk,
            rng,
            booking,
            called,
            OrientationResult.TREATING_DOCTOR,
            OrientationCategory.PS,
            osnp,
            schedule,
        )
    dossier.treating_doctor_call = rng.choice(
        [
            TreatingDoctorCallResult.UNREACHABLE,
            TreatingDoctorCallResult.NONE,
            TreatingDoctorCallResult.NO_SLOT,
        ]
    )
    walk.event(called, RegulationEvent.TREATING_DOCTOR_CALLED, osnp, result=dossier.treating_doctor_call)
    if story == "surnumeraire":
        return surnumeraire_story(walk, rng, called, osnp, surnum_doctors, structures, schedule)
    doctor = rng.choice(doctors)
    editor = rng.random() < 0.5
    booked = later(called, rng, 2, 10)
    start = later(decided, rng, 60, 3300)  # mostly within 48 h, some beyond
    booking = Booking(
        kind=BookingKind.EDITOR_SLOT if editor else BookingKind.PLATFORM_SLOT,
        professional=doctor,
        rpps=doctor.identifier,
        doctor_name=str(doctor),
        start=start,
        end=start + dt.timedelta(minutes=15),
        modality=policies.DECISION_MODALITY.get(decision, "AMB"),
        source_name="Éditeur démo" if editor else "",
        created_by=osnp,
        created_at=booked,
        confirmed_at=later(booked, rng, 1, 6) if editor else booked,
    )
    if editor:
        walk.event(
            booked,
            RegulationEvent.SLOT_HELD,
            osnp,
            booking=0,
            slot=None,
            until=(booked + dt.timedelta(minutes=10)).isoformat(),
        )
        walk.event(
            booking.confirmed_at, RegulationEvent.APPOINTMENT_FEEDBACK, None, booking=0, status="booked"
        )
    else:
        walk.event(booked, RegulationEvent.SLOT_BOOKED, osnp, booking=0, slot=None, start=start.isoformat())
    return orient_and_close(
        walk,
        rng,
        booking,
        booking.confirmed_at,
        OrientationResult.APPOINTMENT,
        OrientationCategory.PS,
        None if editor else osnp,
        schedule,
        unknown=story == "unknown",
    )

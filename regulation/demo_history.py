"""Three weeks of past calls for the demo (``seed_demo``, step 30): dossiers with their timelines,
bookings and outcomes, surnuméraire requests and answers, act facts and regulators' shifts, so
the dashboard, the timelines and the monthly schedule are alive in ``make run``.

Past moments cannot go through the services (they stamp ``now``), so the rows are written in bulk
here, **following the same rules**: every dossier's path is a walk of ``policies.TRANSITIONS``
(checked with ``transition_target``), the timeline uses the services' event types, pay facts come
from ``policies.act_facts`` and shift minutes from ``policies.split_on_duty_minutes``. A few
hundred dossiers take well under a second. Deterministic for a given day (``rng`` drives
everything, times are relative to today's midnight).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from regulation import policies
from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    ClosureReason,
    Decision,
    DossierState,
    OrientationCategory,
    OrientationResult,
    RequestChannel,
    RequestStatus,
    ShiftOrigin,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.events import RegulationEvent
from regulation.models import ActFact, Booking, Dossier, RegulatorShift, SurnumeraireRequest
from regulation.selectors import pdsa_schedule_for
from sas_platform.models import AuditEvent, Commune

DAYS = 21
#: Calls per hour of the day (relative weights: mornings and early evenings peak; DOMAIN.md §3.1).
HOURLY = [2, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 7, 6, 6, 6, 7, 9, 10, 9, 7, 5, 4, 3]
STORIES = {
    "amu": 14,
    "advice": 14,
    "prescription": 5,
    "emergency": 5,
    "treating_doctor": 10,
    "slot": 30,
    "surnumeraire": 15,
    "unknown": 4,
    "pdsa": 3,
}
REASONS = [
    "Fièvre à 39 °C depuis 2 jours",
    "Douleur lombaire aiguë",
    "Brûlures urinaires",
    "Otalgie chez un enfant",
    "Toux persistante, pas de gêne respiratoire",
    "Entorse de cheville",
    "Éruption cutanée",
    "Gastro-entérite, vomissements",
    "Renouvellement de traitement impossible",
    "Douleur dentaire",
    "Conjonctivite",
    "Malaise sans perte de connaissance",
]


@dataclass
class Walk:
    """One dossier being written: its state follows the state machine as events are added."""

    dossier: Dossier
    events: list[tuple[dt.datetime, str, object, dict]] = field(default_factory=list)

    def event(self, at: dt.datetime, event: RegulationEvent, actor, **params) -> None:
        self.events.append((at, event.value, actor, params))

    def move(self, transition: Transition, at: dt.datetime) -> None:
        target = policies.transition_target(transition, self.dossier.state)
        if target is None:  # the demo must tell the same story as the services
            raise ValueError(f"{transition} impossible depuis {self.dossier.state}")
        self.dossier.state = target
        self.dossier.updated_at = at


def seed_history(rng: random.Random, *, arm, regulateur, osnp, supervisor, communes: list[Commune]) -> dict:
    """Write the past three weeks (idempotent: the caller checks nothing past exists yet)."""
    from cpts.models import Professional, SasParticipation, Structure

    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    schedule = pdsa_schedule_for(territory_code="13")
    doctors = list(
        Professional.objects.filter(places__commune__departement_id="13").distinct().order_by("pk")[:40]
    )
    surnum_doctors = (
        list(
            Professional.objects.filter(
                participations__accepts_surnumeraire=True, participations__end_date__isnull=True
            ).order_by("pk")[:10]
        )
        or doctors[:5]
    )
    structures = list(
        Structure.objects.filter(
            pk__in=SasParticipation.objects.filter(structure__isnull=False).values("structure_id")
        ).order_by("pk")[:5]
    ) or list(Structure.objects.filter(departement_id="13").order_by("pk")[:3])
    walks: list[Walk] = []
    stories = list(STORIES)
    weights = list(STORIES.values())
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        calls = rng.randint(10, 16) if day.weekday() < 5 else rng.randint(14, 20)
        for _ in range(calls):
            hour = rng.choices(range(24), weights=HOURLY)[0]
            picked = dt.datetime.combine(
                day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)), tzinfo=tz
            )
            story = rng.choices(stories, weights=weights)[0]
            if story == "pdsa" and not policies.is_pdsa_time(picked, schedule):
                story = "advice"
            if story in ("slot", "unknown") and not doctors:
                story = "advice"
            if story == "surnumeraire" and not (surnum_doctors or structures):
                story = "advice"
            walks.append(
                _walk(
                    rng,
                    story,
                    picked,
                    commune=rng.choice(communes),
                    arm=arm,
                    regulateur=regulateur,
                    osnp=osnp,
                    doctors=doctors,
                    surnum_doctors=surnum_doctors,
                    structures=structures,
                    schedule=schedule,
                )
            )
    Dossier.objects.bulk_create([w.dossier for w in walks], batch_size=500)
    bookings, requests, events, facts = [], [], [], []
    for walk in walks:
        for booking in getattr(walk, "bookings", []):
            booking.dossier = walk.dossier
            bookings.append(booking)
        for request in getattr(walk, "requests", []):
            request.dossier = walk.dossier
            requests.append(request)
    Booking.objects.bulk_create(bookings, batch_size=500)
    SurnumeraireRequest.objects.bulk_create(requests, batch_size=500)
    for walk in walks:
        for booking in getattr(walk, "bookings", []):
            if booking.status in (
                AppointmentStatus.FULFILLED,
                AppointmentStatus.NOSHOW,
                AppointmentStatus.CANCELLED,
            ):
                facts.append(_fact(walk.dossier, booking))
        reference = walk.dossier.reference
        for at, event_type, actor, params in sorted(walk.events, key=lambda e: e[0]):
            if "booking" in params:
                params["booking"] = walk.bookings[0].pk  # type: ignore[attr-defined]
            if "request" in params:
                params["request"] = walk.requests[params["request"]].pk  # type: ignore[attr-defined]
            events.append(
                AuditEvent(
                    occurred_at=at,
                    event_type=event_type,
                    actor=actor,
                    actor_label=actor.email if actor else "système",
                    object_type=Dossier._meta.label_lower,
                    object_id=str(walk.dossier.pk),
                    object_repr=reference,
                    params=params,
                )
            )
    ActFact.objects.bulk_create(facts, batch_size=500)
    shifts = _shifts(rng, today, regulateur, supervisor, schedule)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return {
        "past_dossiers": len(walks),
        "past_bookings": len(bookings),
        "past_requests": len(requests),
        "act_facts": len(facts),
        "shifts": shifts,
    }


def _later(at: dt.datetime, rng: random.Random, low: float, high: float) -> dt.datetime:
    """``at`` plus between ``low`` and ``high`` minutes."""
    return at + dt.timedelta(seconds=round(rng.uniform(low, high) * 60))


def _walk(
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
    routed = _later(picked, rng, 0.5, 3)
    dossier.routed_at = routed
    if story == "amu":
        dossier.priority = "P0" if rng.random() < 0.5 else "P1"
        walk.move(Transition.ROUTE_AMU, routed)
        dossier.amu_handover_at = routed
        walk.event(routed, RegulationEvent.ROUTED_AMU, arm, **{"from": "opened", "reason": ""})
        return walk
    walk.move(Transition.ROUTE_GENERAL_PRACTICE, routed)
    walk.event(routed, RegulationEvent.ROUTED_GENERAL_PRACTICE, arm, **{"from": "opened", "reason": ""})
    claimed = _later(routed, rng, 1, 20)
    walk.event(claimed, RegulationEvent.CLAIMED, regulateur)
    decided = _later(claimed, rng, 3, 12)
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
    started = _later(decided, rng, 1, 15)
    walk.move(Transition.START_ORIENTATION, started)
    walk.event(started, RegulationEvent.ORIENTATION_STARTED, osnp)
    called = _later(started, rng, 1, 4)
    if story == "treating_doctor":
        dossier.treating_doctor_call = TreatingDoctorCallResult.APPOINTMENT
        dossier.treating_doctor_name = "Dr " + rng.choice(
            ["Anne Lefèvre", "Marc Vidal", "Sophie Blanc", "Karim Haddad"]
        )
        walk.event(called, RegulationEvent.TREATING_DOCTOR_CALLED, osnp, result="appointment")
        booking = Booking(
            kind=BookingKind.TREATING_DOCTOR,
            doctor_name=dossier.treating_doctor_name,
            start=_later(decided, rng, 120, 1800),
            is_treating_doctor=True,
            created_by=osnp,
            created_at=called,
            confirmed_at=called,
        )
        return _orient_and_close(
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
        return _surnumeraire(walk, rng, called, osnp, surnum_doctors, structures, schedule)
    doctor = rng.choice(doctors)
    editor = rng.random() < 0.5
    booked = _later(called, rng, 2, 10)
    start = _later(decided, rng, 60, 3300)  # mostly within 48 h, some beyond
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
        confirmed_at=_later(booked, rng, 1, 6) if editor else booked,
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
    return _orient_and_close(
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


def _surnumeraire(walk, rng, at, osnp, doctors, structures, schedule) -> Walk:
    requests = []
    asked = _later(at, rng, 1, 5)
    if rng.random() < 0.4:  # a first refusal
        target = rng.choice(doctors) if doctors and (not structures or rng.random() < 0.5) else None
        refused = SurnumeraireRequest(
            professional=target,
            structure=None if target else rng.choice(structures),
            channel=RequestChannel.PHONE,
            asked_by=osnp,
            asked_at=asked,
            status=RequestStatus.REFUSED,
            answered_at=_later(asked, rng, 1, 12),
            answered_by=osnp,
        )
        requests.append(refused)
        walk.event(
            asked,
            RegulationEvent.SURNUMERAIRE_ASKED,
            osnp,
            request=len(requests) - 1,
            target=str(target or refused.structure),
            channel="phone",
        )
        walk.event(
            refused.answered_at,
            RegulationEvent.SURNUMERAIRE_ANSWERED,
            osnp,
            request=len(requests) - 1,
            status="refused",
            answer_seconds=int((refused.answered_at - asked).total_seconds()),
        )
        asked = _later(refused.answered_at, rng, 1, 4)
    via_structure = bool(structures) and (not doctors or rng.random() < 0.5)
    doctor = rng.choice(doctors) if doctors else None
    answered = _later(asked, rng, 3, 45 if via_structure else 10)
    start = _later(answered, rng, 60, 1500)
    accepted = SurnumeraireRequest(
        professional=None if via_structure else doctor,
        structure=rng.choice(structures) if via_structure else None,
        channel=RequestChannel.PLATFORM if via_structure else RequestChannel.PHONE,
        asked_by=osnp,
        asked_at=asked,
        status=RequestStatus.ACCEPTED,
        answered_at=answered,
        answered_by=osnp,
        accepting_doctor_name=f"Dr {doctor}" if doctor else "Dr Paul Durand",
        accepting_professional=doctor,
        appointment_at=start,
    )
    requests.append(accepted)
    walk.requests = requests  # type: ignore[attr-defined]
    target = str(accepted.professional or accepted.structure)
    walk.event(
        asked,
        RegulationEvent.SURNUMERAIRE_ASKED,
        osnp,
        request=len(requests) - 1,
        target=target,
        channel=accepted.channel,
    )
    walk.event(
        answered,
        RegulationEvent.SURNUMERAIRE_ANSWERED,
        osnp,
        request=len(requests) - 1,
        status="accepted",
        answer_seconds=int((answered - asked).total_seconds()),
    )
    booking = Booking(
        kind=BookingKind.SURNUMERAIRE,
        professional=doctor,
        structure=accepted.structure,
        rpps=doctor.identifier if doctor else "",
        doctor_name=accepted.accepting_doctor_name,
        start=start,
        is_surnumeraire=True,
        created_by=osnp,
        created_at=answered,
        confirmed_at=answered,
    )
    category = accepted.structure.kind.upper() if accepted.structure else OrientationCategory.PS
    if category not in OrientationCategory.values:
        category = OrientationCategory.PS
    return _orient_and_close(
        walk, rng, booking, answered, OrientationResult.SURNUMERAIRE, category, osnp, schedule
    )


def _orient_and_close(
    walk, rng, booking, at, result, category, actor, schedule, unknown: bool = False
) -> Walk:
    dossier = walk.dossier
    facts = policies.act_facts(
        regulated_at=dossier.decided_at,
        appointment_start=booking.start,
        surnumeraire=booking.is_surnumeraire,
        by_treating_doctor=booking.is_treating_doctor,
        schedule=schedule,
    )
    booking.within_48h, booking.outside_pdsa, booking.snp_candidate = (
        facts.within_48h,
        facts.outside_pdsa,
        facts.snp_candidate,
    )
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


def _fact(dossier: Dossier, booking: Booking) -> ActFact:
    return ActFact(
        booking=booking,
        dossier=dossier,
        territory_id=dossier.territory_id,
        kind=booking.kind,
        professional=booking.professional,
        structure=booking.structure,
        rpps=booking.rpps,
        doctor_name=booking.doctor_name,
        regulated_at=dossier.decided_at,
        appointment_start=booking.start,
        outcome=booking.status,
        outcome_at=booking.outcome_at,
        is_surnumeraire=booking.is_surnumeraire,
        is_treating_doctor=booking.is_treating_doctor,
        within_48h=booking.within_48h,
        outside_pdsa=booking.outside_pdsa,
        snp_candidate=booking.snp_candidate,
        recorded_at=booking.outcome_at,
    )


def _shifts(rng: random.Random, today: dt.date, regulateur, supervisor, schedule) -> int:
    """The demo régulateur's past shifts (weekday mornings and evenings, Saturday mornings), one of
    them corrected (two versions) so the history shows."""
    tz = timezone.get_default_timezone()
    rows: list[RegulatorShift] = []
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() == 6:
            continue
        periods = [(8, 14)] if day.weekday() == 5 else [(9, 13), (18, 22)] if back % 2 else [(13, 19)]
        for start_hour, end_hour in periods:
            start = dt.datetime.combine(day, dt.time(start_hour), tzinfo=tz)
            end = dt.datetime.combine(day, dt.time(end_hour), tzinfo=tz)
            sas, pdsa = policies.split_on_duty_minutes(start, end, schedule)
            rows.append(
                RegulatorShift(
                    territory_id="13",
                    regulator=regulateur,
                    start=start,
                    end=end,
                    sas_minutes=sas,
                    pdsa_minutes=pdsa,
                    origin=ShiftOrigin.SCHEDULE,
                    recorded_by=supervisor,
                    recorded_at=start - dt.timedelta(days=7),
                )
            )
    RegulatorShift.objects.bulk_create(rows)
    if rows:  # the first shift ended 30 minutes late: corrected, history kept
        old = rows[0]
        RegulatorShift.objects.filter(pk=old.pk).update(is_current=False)
        end = old.end + dt.timedelta(minutes=30)
        sas, pdsa = policies.split_on_duty_minutes(old.start, end, schedule)
        corrected = RegulatorShift.objects.create(
            lineage=old.lineage,
            version=2,
            supersedes=old,
            territory_id="13",
            regulator=regulateur,
            start=old.start,
            end=end,
            sas_minutes=sas,
            pdsa_minutes=pdsa,
            origin=ShiftOrigin.CORRECTION,
            reason="Fin réelle relevée au standard",
            recorded_by=supervisor,
            recorded_at=end + dt.timedelta(days=1),
        )
        AuditEvent.objects.create(
            occurred_at=corrected.recorded_at,
            event_type=RegulationEvent.SHIFT_CORRECTED.value,
            actor=supervisor,
            actor_label=supervisor.email,
            object_type=RegulatorShift._meta.label_lower,
            object_id=str(corrected.pk),
            object_repr=str(corrected)[:255],
            params={"version": 2, "reason": corrected.reason},
        )
    return len(rows) + (1 if rows else 0)

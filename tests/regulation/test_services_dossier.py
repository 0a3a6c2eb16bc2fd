"""Services of the dossier: each transition writes its audit event; refusals change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from regulation import services
from regulation.enums import (
    AppointmentStatus,
    ClosureReason,
    Decision,
    DossierState,
    OrientationResult,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.exceptions import DossierHeldByOther, TransitionNotAllowed
from regulation.models import Dossier
from regulation.selectors import dossier_timeline
from sas_platform.exceptions import ApplicationError
from sas_platform.models import AuditEvent


def events_of(dossier) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="regulation.dossier", object_id=str(dossier.pk))
        .order_by("occurred_at", "id")
        .values_list("event_type", flat=True)
    )


def test_open_geocodes_at_commune_centroid_and_audits(open_dossier, arm, marseille):
    dossier = open_dossier(origin="116117", caller_phone="0601020304", priority="P1")
    assert dossier.state == DossierState.OPENED
    assert (dossier.latitude, dossier.longitude) == (marseille.latitude, marseille.longitude)
    assert dossier.reference == f"SAS13-{dossier.pk:06d}"
    assert Dossier.pk_from_reference(dossier.reference) == dossier.pk
    event = AuditEvent.objects.get(object_type="regulation.dossier", object_id=str(dossier.pk))
    assert (event.event_type, event.actor, event.params["origin"]) == (
        "regulation.dossier_opened",
        arm,
        "116117",
    )
    assert "Durand" not in str(event.params)


def test_open_and_route_in_one_action(open_dossier):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    assert dossier.state == DossierState.GENERAL_PRACTICE
    assert dossier.routed_at is not None
    assert events_of(dossier) == ["regulation.dossier_opened", "regulation.routed_general_practice"]


def test_open_refuses_unknown_fields_and_writes_nothing(open_dossier):
    with pytest.raises(ApplicationError):
        open_dossier(nir="1850513055123")
    assert not Dossier.objects.exists()


def test_reorientation_both_ways_keeps_handover_time(open_dossier, arm):
    dossier = open_dossier(route=Transition.ROUTE_AMU)
    assert dossier.state == DossierState.AMU and dossier.amu_handover_at is not None
    dossier = services.dossier_route(dossier_id=dossier.pk, actor=arm, to=Transition.ROUTE_GENERAL_PRACTICE)
    assert dossier.state == DossierState.GENERAL_PRACTICE
    dossier = services.dossier_route(dossier_id=dossier.pk, actor=arm, to=Transition.ROUTE_AMU)
    assert dossier.state == DossierState.AMU
    assert events_of(dossier)[1:] == [
        "regulation.routed_amu",
        "regulation.routed_general_practice",
        "regulation.routed_amu",
    ]


def test_transition_not_allowed_changes_nothing(open_dossier, regulateur):
    dossier = open_dossier()
    before = events_of(dossier)
    with pytest.raises(TransitionNotAllowed) as error:
        services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    assert "impossible" in error.value.message
    dossier.refresh_from_db()
    assert (dossier.state, dossier.decision, dossier.decided_by) == (DossierState.OPENED, "", None)
    assert events_of(dossier) == before


def test_decide_appointment_waits_for_osnp(regulated_dossier, regulateur):
    dossier = regulated_dossier
    assert (dossier.state, dossier.decision, dossier.decided_by) == (
        DossierState.REGULATED,
        Decision.APPOINTMENT_48H,
        regulateur,
    )
    assert events_of(dossier)[-1] == "regulation.decided"


@pytest.mark.parametrize(
    ("decision", "state", "result"),
    [
        (Decision.ADVICE, DossierState.CLOSED, OrientationResult.ADVICE),
        (Decision.EMERGENCY_DEPARTMENT, DossierState.CLOSED, OrientationResult.EMERGENCY_DEPARTMENT),
        (Decision.PDSA, DossierState.CLOSED, OrientationResult.PDSA),
        (Decision.AMU, DossierState.AMU, ""),
    ],
)
def test_decisions_that_do_not_need_an_osnp(open_dossier, regulateur, decision, state, result):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    dossier = services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=decision, notes="Vu")
    assert (dossier.state, dossier.orientation_result) == (state, result)
    assert "regulation.decided" in events_of(dossier)


def test_claim_is_exclusive_and_take_over_is_explicit(open_dossier, arm, regulateur, make_user):
    from sas_platform.enums import Role

    other = make_user(Role.REGULATEUR)
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    with pytest.raises(DossierHeldByOther):
        services.dossier_claim(dossier_id=dossier.pk, actor=other)
    with pytest.raises(DossierHeldByOther):
        services.dossier_decide(dossier_id=dossier.pk, actor=other, decision=Decision.ADVICE)
    dossier.refresh_from_db()
    assert (dossier.holder, dossier.state) == (regulateur, DossierState.GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=other, take_over=True)
    dossier.refresh_from_db()
    assert dossier.holder == other
    services.dossier_release(dossier_id=dossier.pk, actor=regulateur)  # not the holder: no effect
    dossier.refresh_from_db()
    assert dossier.holder == other
    services.dossier_release(dossier_id=dossier.pk, actor=other)
    dossier.refresh_from_db()
    assert dossier.holder is None
    assert events_of(dossier)[-3:] == ["regulation.claimed", "regulation.taken_over", "regulation.released"]


def test_treating_doctor_first_with_appointment(regulated_dossier, osnp):
    start = dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=5)
    dossier = services.treating_doctor_call_record(
        dossier_id=regulated_dossier.pk,
        actor=osnp,
        result=TreatingDoctorCallResult.APPOINTMENT,
        name="Dr Martin",
        appointment_start=start,
    )
    assert (dossier.state, dossier.orientation_result) == (
        DossierState.ORIENTED,
        OrientationResult.TREATING_DOCTOR,
    )
    booking = dossier.bookings.get()
    assert (booking.status, booking.is_treating_doctor, booking.within_48h) == (
        AppointmentStatus.BOOKED,
        True,
        True,
    )
    assert events_of(dossier)[-3:] == [
        "regulation.orientation_started",
        "regulation.treating_doctor_called",
        "regulation.oriented",
    ]
    services.booking_outcome_record(booking_id=booking.pk, actor=osnp, status=AppointmentStatus.FULFILLED)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.closure_reason) == (DossierState.CLOSED, ClosureReason.OUTCOME_KNOWN)
    assert events_of(dossier)[-2:] == ["regulation.outcome_recorded", "regulation.closed"]


def test_treating_doctor_unreachable_keeps_orienting(regulated_dossier, osnp):
    dossier = services.treating_doctor_call_record(
        dossier_id=regulated_dossier.pk, actor=osnp, result=TreatingDoctorCallResult.UNREACHABLE
    )
    assert dossier.state == DossierState.ORIENTING
    assert not dossier.bookings.exists()


def test_osnp_closes_with_advice_or_sends_back_to_amu(regulated_dossier, osnp, open_dossier, regulateur):
    dossier = services.dossier_orientation_close(
        dossier_id=regulated_dossier.pk, actor=osnp, result=OrientationResult.ADVICE, notes="Conseils donnés"
    )
    assert (dossier.state, dossier.closure_reason) == (DossierState.CLOSED, ClosureReason.WITHOUT_APPOINTMENT)
    other = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=other.pk, actor=regulateur)
    services.dossier_decide(dossier_id=other.pk, actor=regulateur, decision=Decision.HOME_VISIT)
    other = services.dossier_orientation_close(dossier_id=other.pk, actor=osnp, result=OrientationResult.AMU)
    assert other.state == DossierState.AMU


def test_auto_close_after_delay_outcome_unknown(regulated_dossier, osnp, settings):
    settings.REGULATION_AUTO_CLOSE_HOURS = 72
    services.treating_doctor_call_record(
        dossier_id=regulated_dossier.pk,
        actor=osnp,
        result=TreatingDoctorCallResult.APPOINTMENT,
        appointment_start=dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=2),
    )
    assert services.dossiers_auto_close(now=dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=71)) == 0
    assert services.dossiers_auto_close(now=dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=73)) == 1
    assert (
        services.dossiers_auto_close(now=dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=74)) == 0
    )  # idempotent
    regulated_dossier.refresh_from_db()
    assert (regulated_dossier.state, regulated_dossier.closure_reason) == (
        DossierState.CLOSED,
        ClosureReason.OUTCOME_UNKNOWN,
    )
    closing = AuditEvent.objects.filter(object_id=str(regulated_dossier.pk)).order_by("-id").first()
    assert (closing.event_type, closing.actor, closing.actor_label) == ("regulation.closed", None, "système")


def test_timeline_lists_every_step_with_actor(regulated_dossier, arm, regulateur):
    timeline = dossier_timeline(dossier=regulated_dossier)
    assert [(entry.label, entry.actor) for entry in timeline] == [
        ("Dossier ouvert", arm.email),
        ("Orienté vers la médecine générale", arm.email),
        ("Pris en charge", regulateur.email),
        ("Décision du régulateur", regulateur.email),
    ]


@time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False)
def test_hours_status_by_territory_calendar(territory):
    from regulation.models import PdsaCalendar
    from regulation.selectors import hours_status

    assert hours_status(territory_code="13").pdsa is False  # Tuesday 10:00 Paris
    PdsaCalendar.objects.create(territory=territory, bridge_days=["2026-11-24"])
    status = hours_status(territory_code="13")
    assert status.pdsa is True
    assert status.next_opening.isoformat() == "2026-11-25T08:00:00+01:00"


def test_oriented_dossier_is_released_so_a_colleague_records_the_outcome(regulated_dossier, osnp, make_user):
    from sas_platform.enums import Role

    services.dossier_claim(dossier_id=regulated_dossier.pk, actor=osnp)
    services.treating_doctor_call_record(
        dossier_id=regulated_dossier.pk,
        actor=osnp,
        result=TreatingDoctorCallResult.APPOINTMENT,
        appointment_start=dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=1),
    )
    regulated_dossier.refresh_from_db()
    assert regulated_dossier.holder is None
    colleague = make_user(Role.OSNP)
    booking = regulated_dossier.bookings.get()
    services.booking_outcome_record(booking_id=booking.pk, actor=colleague, status=AppointmentStatus.NOSHOW)
    regulated_dossier.refresh_from_db()
    assert regulated_dossier.state == DossierState.CLOSED

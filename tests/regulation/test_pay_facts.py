"""Facts for pay recorded as they happen (DOMAIN.md §7.2-§7.4), with DOMAIN's worked examples:
SNP majoration candidate = within 48 h after the SAS's regulation, by a doctor who is not the
patient's MT, outside PDSA hours (§7.3); no MRT when the SAS sends the patient back to their MT
(seed 004, Précisions « Rémunération » 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from regulation import policies, services
from regulation.enums import (
    AppointmentStatus,
    BookingKind,
    Decision,
    RequestChannel,
    RequestStatus,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.models import ActFact, Booking
from sas_platform.models import AuditEvent
from tests.regulation import factories

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


# Tuesday 10 March 2026, 10:00: the regulator decides « RDV sous 48 h ».
REGULATED = paris(2026, 3, 10, 10, 0)


@pytest.mark.parametrize(
    ("start", "by_mt", "within", "outside_pdsa", "snp"),
    [
        (paris(2026, 3, 11, 16, 0), False, True, True, True),  # Wednesday 16:00, another doctor
        (paris(2026, 3, 11, 16, 0), True, True, True, False),  # the MT: never SNP (§7.3)
        (paris(2026, 3, 12, 10, 30), False, False, True, False),  # 48 h 30 after regulation
        (paris(2026, 3, 10, 21, 0), False, True, False, False),  # Tuesday 21:00: PDSA night
        (paris(2026, 3, 14, 11, 0), False, False, True, False),  # Saturday 11:00 but > 48 h
        (paris(2026, 3, 9, 16, 0), False, False, True, False),  # before the regulation
    ],
)
def test_act_facts_worked_examples(start, by_mt, within, outside_pdsa, snp):
    facts = policies.act_facts(
        regulated_at=REGULATED, appointment_start=start, surnumeraire=False, by_treating_doctor=by_mt
    )
    assert (facts.within_48h, facts.outside_pdsa, facts.snp_candidate) == (within, outside_pdsa, snp)
    assert facts.mrt_candidate is False  # seed 004, Précisions « Rémunération » 5


def test_friday_evening_regulation_saturday_morning_appointment_is_snp():
    facts = policies.act_facts(
        regulated_at=paris(2026, 3, 13, 18, 0),  # Friday 18:00
        appointment_start=paris(2026, 3, 14, 11, 0),  # Saturday 11:00: SAS hours (PDSA from 12:00)
        surnumeraire=True,
        by_treating_doctor=False,
    )
    assert facts.snp_candidate and facts.surnumeraire
    saturday_afternoon = policies.act_facts(
        regulated_at=paris(2026, 3, 13, 18, 0),
        appointment_start=paris(2026, 3, 14, 14, 0),
        surnumeraire=True,
        by_treating_doctor=False,
    )
    assert not saturday_afternoon.outside_pdsa and not saturday_afternoon.snp_candidate


@pytest.fixture
def regulated_on_tuesday(open_dossier, regulateur):
    with time_machine.travel(REGULATED, tick=False):
        dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE, treating_doctor_rpps="10000000008")
        services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
        return services.dossier_decide(
            dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H
        )


def test_surnumeraire_by_another_doctor_is_recorded_as_snp_candidate(regulated_on_tuesday, osnp):
    prof, _ = factories.professional(last_name="Surnum")
    with time_machine.travel(paris(2026, 3, 10, 10, 20), tick=False):
        request = services.surnumeraire_request_create(
            dossier_id=regulated_on_tuesday.pk, actor=osnp, channel=RequestChannel.PHONE, professional=prof
        )
        services.surnumeraire_request_answer(
            request_id=request.pk,
            actor=osnp,
            status=RequestStatus.ACCEPTED,
            appointment_at=paris(2026, 3, 11, 16, 0),
        )
    booking = Booking.objects.get(dossier=regulated_on_tuesday)
    assert (booking.is_surnumeraire, booking.is_treating_doctor, booking.within_48h) == (True, False, True)
    assert booking.snp_candidate and booking.outside_pdsa
    assert not ActFact.objects.exists()  # the act is not known until its outcome
    with time_machine.travel(paris(2026, 3, 11, 17, 0), tick=False):
        services.booking_outcome_record(booking_id=booking.pk, actor=osnp, status=AppointmentStatus.FULFILLED)
    fact = ActFact.objects.get()
    assert (fact.booking, fact.rpps, fact.territory_id, fact.kind) == (
        booking,
        prof.identifier,
        "13",
        BookingKind.SURNUMERAIRE,
    )
    assert (fact.outcome, fact.regulated_at, fact.appointment_start, fact.outcome_at) == (
        AppointmentStatus.FULFILLED,
        REGULATED,
        paris(2026, 3, 11, 16, 0),
        paris(2026, 3, 11, 17, 0),
    )
    assert (fact.is_surnumeraire, fact.is_treating_doctor, fact.within_48h, fact.outside_pdsa) == (
        True,
        False,
        True,
        True,
    )
    assert fact.snp_candidate
    # Written in the outcome's transaction, next to its audit event.
    assert AuditEvent.objects.filter(event_type="regulation.outcome_recorded").count() == 1


def test_treating_doctor_act_is_neither_snp_nor_mrt(regulated_on_tuesday, osnp):
    with time_machine.travel(paris(2026, 3, 10, 10, 15), tick=False):
        services.treating_doctor_call_record(
            dossier_id=regulated_on_tuesday.pk,
            actor=osnp,
            result=TreatingDoctorCallResult.APPOINTMENT,
            name="Dr Anne Lefèvre",
            appointment_start=paris(2026, 3, 10, 17, 0),
        )
        booking = Booking.objects.get(dossier=regulated_on_tuesday)
        services.booking_outcome_record(booking_id=booking.pk, actor=osnp, status=AppointmentStatus.FULFILLED)
    fact = ActFact.objects.get()
    assert (fact.is_treating_doctor, fact.within_48h, fact.outside_pdsa, fact.snp_candidate) == (
        True,
        True,
        True,
        False,
    )
    assert not hasattr(fact, "mrt_candidate")  # neutral facts only: remuneration applies seed 004


def test_platform_slot_with_the_patients_mt_is_recognised_by_rpps(regulated_on_tuesday, osnp):
    prof, place = factories.professional(last_name="Traitant", rpps="10000000008")
    with time_machine.travel(paris(2026, 3, 10, 10, 15), tick=False):
        slot = factories.slot(prof, place, start=paris(2026, 3, 11, 9, 0))
        booking = services.slot_book_platform(dossier_id=regulated_on_tuesday.pk, slot_id=slot.pk, actor=osnp)
    assert (booking.is_treating_doctor, booking.snp_candidate, booking.within_48h) == (True, False, True)


def test_saturday_afternoon_platform_slot_is_not_snp(regulated_on_tuesday, osnp):
    prof, place = factories.professional(last_name="Samedi")
    with time_machine.travel(paris(2026, 3, 10, 10, 15), tick=False):
        slot = factories.slot(prof, place, start=paris(2026, 3, 11, 20, 30))  # Wednesday night: PDSA
        booking = services.slot_book_platform(dossier_id=regulated_on_tuesday.pk, slot_id=slot.pk, actor=osnp)
        services.booking_outcome_record(booking_id=booking.pk, actor=osnp, status=AppointmentStatus.NOSHOW)
    fact = ActFact.objects.get()
    assert (fact.outcome, fact.within_48h, fact.outside_pdsa, fact.snp_candidate) == (
        AppointmentStatus.NOSHOW,
        True,
        False,
        False,
    )


def test_second_outcome_changes_nothing(regulated_on_tuesday, osnp):
    prof, place = factories.professional(last_name="Deux")
    with time_machine.travel(paris(2026, 3, 10, 10, 15), tick=False):
        slot = factories.slot(prof, place, start=paris(2026, 3, 11, 9, 0))
        booking = services.slot_book_platform(dossier_id=regulated_on_tuesday.pk, slot_id=slot.pk, actor=osnp)
        services.booking_outcome_record(booking_id=booking.pk, actor=osnp, status=AppointmentStatus.FULFILLED)
        from sas_platform.exceptions import ApplicationError

        with pytest.raises(ApplicationError, match="déjà connue"):
            services.booking_outcome_record(
                booking_id=booking.pk, actor=osnp, status=AppointmentStatus.CANCELLED
            )
    assert list(ActFact.objects.values_list("outcome", flat=True)) == [AppointmentStatus.FULFILLED]


def test_surnumeraire_without_time_is_candidate_for_nothing_time_bound(regulated_on_tuesday, osnp):
    structure = factories.structure()
    durand, _ = factories.professional(last_name="Durand", first_name="Paul")
    factories.member(durand, structure)
    with time_machine.travel(paris(2026, 3, 10, 10, 20), tick=False):
        request = services.surnumeraire_request_create(
            dossier_id=regulated_on_tuesday.pk, actor=osnp, channel=RequestChannel.PHONE, structure=structure
        )
        services.surnumeraire_request_answer(
            request_id=request.pk, actor=osnp, status=RequestStatus.ACCEPTED, member=durand.identifier
        )
        booking = Booking.objects.get(dossier=regulated_on_tuesday)
        services.booking_outcome_record(booking_id=booking.pk, actor=osnp, status=AppointmentStatus.FULFILLED)
    fact = ActFact.objects.get()
    assert (fact.is_surnumeraire, fact.appointment_start, fact.within_48h, fact.snp_candidate) == (
        True,
        None,
        False,
        False,
    )
    assert fact.structure == structure and fact.doctor_name == "Dr Paul Durand"

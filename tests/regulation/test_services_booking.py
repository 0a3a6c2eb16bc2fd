"""Booking: platform-owned slots (atomic, once), editor slots (re-check, hold, expiry), surnuméraire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cpts.enums import ParticipationMode
from planning.enums import SlotStatus
from regulation import services
from regulation.enums import (
    AppointmentStatus,
    Decision,
    DossierState,
    OrientationCategory,
    OrientationResult,
    RequestChannel,
    RequestStatus,
    Transition,
)
from regulation.exceptions import RequestAlreadyAnswered, SlotTaken, TransitionNotAllowed
from regulation.models import Booking
from regulation.selectors import surnumeraire_candidates
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from tests.regulation import factories


def last_event(dossier) -> str:
    return (
        AuditEvent.objects.filter(object_id=str(dossier.pk), object_type="regulation.dossier")
        .order_by("-id")[0]
        .event_type
    )


@pytest.fixture
def doctor(territory):
    return factories.professional(last_name="Bernard")


def test_platform_slot_booked_once_with_facts(regulated_dossier, osnp, doctor, open_dossier, regulateur):
    slot = factories.slot(*doctor)
    booking = services.slot_book_platform(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    slot.refresh_from_db()
    regulated_dossier.refresh_from_db()
    assert (slot.status, slot.booking_reference) == (SlotStatus.BOOKED, regulated_dossier.reference)
    assert (booking.status, booking.rpps, booking.within_48h, booking.is_surnumeraire) == (
        AppointmentStatus.BOOKED,
        doctor[0].identifier,
        True,
        False,
    )
    assert (regulated_dossier.state, regulated_dossier.orientation_result) == (
        DossierState.ORIENTED,
        OrientationResult.APPOINTMENT,
    )
    assert last_event(regulated_dossier) == "regulation.oriented"
    other = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=other.pk, actor=regulateur)
    services.dossier_decide(dossier_id=other.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    before = AuditEvent.objects.count()
    with pytest.raises(SlotTaken) as error:
        services.slot_book_platform(dossier_id=other.pk, slot_id=slot.pk, actor=osnp)
    assert "déjà pris" in error.value.message
    other.refresh_from_db()
    assert other.state == DossierState.REGULATED and not other.bookings.exists()
    assert AuditEvent.objects.count() == before


def test_booking_refused_when_state_does_not_allow(open_dossier, osnp, doctor):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)  # not regulated yet
    slot = factories.slot(*doctor)
    with pytest.raises(TransitionNotAllowed):
        services.slot_book_platform(dossier_id=dossier.pk, slot_id=slot.pk, actor=osnp)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.FREE


def test_editor_slot_hold_redirect_and_expiry(regulated_dossier, osnp, doctor):
    source = factories.editor_source()
    slot = factories.slot(*doctor, source=source, booking_url="https://editeur.example/rdv/42?lang=fr")
    booking = services.slot_hold_editor(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    slot.refresh_from_db()
    assert (booking.status, slot.status, slot.hold_reference) == (
        AppointmentStatus.HELD,
        SlotStatus.HELD,
        regulated_dossier.reference,
    )
    assert services.editor_redirect_url(booking) == (
        f"https://editeur.example/rdv/42?lang=fr&origin=sas&sas_reference={regulated_dossier.reference}"
    )
    regulated_dossier.refresh_from_db()
    assert regulated_dossier.state == DossierState.ORIENTING
    assert services.holds_expire(now=timezone.now() + dt.timedelta(minutes=5)) == 0
    assert services.holds_expire(now=timezone.now() + dt.timedelta(minutes=11)) == 1
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert (booking.status, slot.status) == (AppointmentStatus.EXPIRED, SlotStatus.FREE)
    assert last_event(regulated_dossier) == "regulation.slot_hold_expired"


def test_editor_slot_gone_at_recheck(regulated_dossier, osnp, doctor):
    slot = factories.slot(*doctor, source=factories.editor_source())
    slot.status = SlotStatus.GONE
    slot.save()
    with pytest.raises(SlotTaken) as error:
        services.slot_hold_editor(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    assert "plus disponible" in error.value.message
    assert not Booking.objects.exists()


def test_surnumeraire_candidates_rotation_and_structures(regulated_dossier, osnp, make_user):
    near, _ = factories.professional(last_name="Proche", insee="13055")
    far, _ = factories.professional(last_name="Loin", insee="13001")  # Aix-en-Provence
    factories.participation(near)
    factories.participation(far)
    cpts = factories.structure()
    member, _ = factories.professional(last_name="Membre")
    factories.participation(member, mode=ParticipationMode.CPTS, structure=cpts)
    refuser, _ = factories.professional(last_name="Refuse")
    factories.participation(refuser, accepts_surnumeraire=False)
    doctors, structures = surnumeraire_candidates(dossier=regulated_dossier, radius_km=40)
    assert [d.label for d in doctors] == ["Dr Claire Proche", "Dr Claire Loin"]
    assert [s.pk for s in structures] == [cpts.pk]
    services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PHONE, professional=near
    )
    doctors, _ = surnumeraire_candidates(dossier=regulated_dossier, radius_km=40)
    assert [d.label for d in doctors] == ["Dr Claire Loin", "Dr Claire Proche"]  # least recently asked first


def test_structure_answers_with_doctor_name(
    regulated_dossier, osnp, make_user, settings, django_capture_on_commit_callbacks
):
    settings.REGULATION_SURNUMERAIRE_REMINDER_MINUTES = 15
    coordinator = make_user(Role.COORDINATEUR_STRUCTURE)
    cpts = factories.structure(email="sas@cpts.example", coordinator=coordinator)
    refused_doctor, _ = factories.professional(last_name="Occupé")
    blanc, _ = factories.professional(last_name="Blanc", first_name="Hélène")
    factories.member(blanc, cpts)
    first = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PHONE, professional=refused_doctor
    )
    services.surnumeraire_request_answer(request_id=first.pk, actor=osnp, status=RequestStatus.REFUSED)
    request = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PLATFORM, structure=cpts
    )
    with pytest.raises(Exception, match="parmi les membres de la structure"):
        services.surnumeraire_request_answer(
            request_id=request.pk, actor=coordinator, status=RequestStatus.ACCEPTED
        )
    # A reminder past the delay, once, with a mail to the structure.
    later = timezone.now() + dt.timedelta(minutes=16)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.surnumeraire_reminders_send(now=later) == 1
    assert services.surnumeraire_reminders_send(now=later) == 0
    assert mail.outbox[-1].to == ["sas@cpts.example"]
    appointment = timezone.now() + dt.timedelta(hours=4)
    services.surnumeraire_request_answer(
        request_id=request.pk,
        actor=coordinator,
        status=RequestStatus.ACCEPTED,
        member=blanc.identifier,
        appointment_at=appointment,
    )
    request.refresh_from_db()
    regulated_dossier.refresh_from_db()
    assert (request.status, request.accepting_doctor_name, request.answered_by) == (
        RequestStatus.ACCEPTED,
        "Dr Hélène Blanc",
        coordinator,
    )
    assert request.answer_seconds is not None and request.answer_seconds >= 0
    assert (regulated_dossier.state, regulated_dossier.orientation_category) == (
        DossierState.ORIENTED,
        OrientationCategory.CPTS,
    )
    booking = regulated_dossier.bookings.get()
    assert (booking.is_surnumeraire, booking.doctor_name, booking.within_48h) == (
        True,
        "Dr Hélène Blanc",
        True,
    )
    with pytest.raises(RequestAlreadyAnswered):
        services.surnumeraire_request_answer(request_id=request.pk, actor=osnp, status=RequestStatus.REFUSED)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_accepting_withdraws_other_pending_requests(regulated_dossier, osnp):
    a, _ = factories.professional(last_name="A")
    b, _ = factories.professional(last_name="B")
    ra = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PHONE, professional=a
    )
    rb = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.SMS, professional=b
    )
    services.surnumeraire_request_answer(request_id=ra.pk, actor=osnp, status=RequestStatus.ACCEPTED)
    rb.refresh_from_db()
    assert rb.status == RequestStatus.CANCELLED
    with pytest.raises(RequestAlreadyAnswered):
        services.surnumeraire_request_answer(
            request_id=rb.pk, actor=osnp, status=RequestStatus.ACCEPTED, doctor_name="B"
        )

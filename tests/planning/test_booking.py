"""Holds, bookings, re-check and appointment matching (DOMAIN.md §3.1 step 3, §3.3)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from planning.enums import SlotStatus
from planning.exceptions import SlotAlreadyTaken, SlotNotPlatformOwned, SourceUnavailable
from planning.models import AgendaSource, Slot
from planning.selectors import agenda_source_authenticate, slot_find_for_appointment
from planning.services import (
    slot_book_owned,
    slot_confirm_booking,
    slot_hold,
    slot_holds_release_expired,
    slot_mark_cancelled,
    slot_recheck,
    slot_release,
    source_create,
    source_poll,
)
from sas_platform.exceptions import ConflictError
from sas_platform.models import AuditEvent
from tests.planning.conftest import ig_bundle
from tests.planning.factories import make_slot, professional_with_place

SOON = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=3)


@pytest.fixture
def doctor(db):
    return professional_with_place("10000000101", insee="13201")


@pytest.fixture
def editor(db):
    return AgendaSource.objects.create(name="editeur", label="Éditeur", last_success_at=timezone.now())


def test_booking_a_platform_owned_slot(doctor, make_user):
    osnp = make_user()
    slot = make_slot(doctor, SOON)

    booked = slot_book_owned(slot_id=slot.pk, reference="DOS-1", actor=osnp)

    assert (booked.status, booked.booking_reference) == (SlotStatus.BOOKED, "DOS-1")
    assert booked.booked_at is not None
    assert AuditEvent.objects.filter(event_type="planning.slot_booked", object_id=str(slot.pk)).count() == 1
    assert slot_book_owned(slot_id=slot.pk, reference="DOS-1", actor=osnp).status == SlotStatus.BOOKED
    with pytest.raises(SlotAlreadyTaken, match=r"Ce créneau vient d.être pris\.") as caught:
        slot_book_owned(slot_id=slot.pk, reference="DOS-2", actor=osnp)
    assert isinstance(caught.value, ConflictError) and caught.value.status_code == 409


def test_an_editors_slot_is_not_booked_on_the_platform(doctor, editor):
    slot = make_slot(doctor, SOON, source=editor)

    with pytest.raises(SlotNotPlatformOwned):
        slot_book_owned(slot_id=slot.pk, reference="DOS-1", actor=None)
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.FREE


def test_database_refuses_a_booked_slot_without_reference(doctor):
    slot = make_slot(doctor, SOON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.BOOKED)


def test_two_concurrent_bookings_exactly_one_wins(geography_13):
    assert connection.vendor == "postgresql"
    doctor = professional_with_place("10000000102", insee="13201")
    slot = make_slot(doctor, SOON)
    barrier, outcomes = threading.Barrier(2), []

    def book(reference):
        try:
            barrier.wait()
            slot_book_owned(slot_id=slot.pk, reference=reference, actor=None)
            outcomes.append(("won", reference))
        except SlotAlreadyTaken:
            outcomes.append(("lost", reference))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(ref,)) for ref in ("DOS-A", "DOS-B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _ in outcomes) == ["lost", "won"]
    winner = next(ref for kind, ref in outcomes if kind == "won")
    assert Slot.objects.get(pk=slot.pk).booking_reference == winner


def test_hold_release_confirm_and_cancel_an_editors_slot(doctor, editor):
    slot = make_slot(doctor, SOON, source=editor)

    held = slot_hold(slot_id=slot.pk, reference="DOS-1", actor=None)
    assert held.status == SlotStatus.HELD and held.held_until > timezone.now() + timedelta(minutes=9)
    with pytest.raises(SlotAlreadyTaken):
        slot_hold(slot_id=slot.pk, reference="DOS-2", actor=None)
    assert slot_release(slot_id=slot.pk, reference="DOS-2") is False
    assert slot_release(slot_id=slot.pk, reference="DOS-1") is True
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.FREE

    slot_hold(slot_id=slot.pk, reference="DOS-3", actor=None)
    with pytest.raises(SlotAlreadyTaken):
        slot_confirm_booking(slot_id=slot.pk, reference="DOS-4")
    booked = slot_confirm_booking(slot_id=slot.pk, reference="DOS-3")
    assert (booked.status, booked.booking_reference, booked.hold_reference) == (
        SlotStatus.BOOKED,
        "DOS-3",
        "",
    )
    assert slot_confirm_booking(slot_id=slot.pk, reference="DOS-3").status == SlotStatus.BOOKED

    assert slot_mark_cancelled(slot_id=slot.pk, reference="DOS-9") is False
    assert slot_mark_cancelled(slot_id=slot.pk, reference="DOS-3") is True
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.GONE  # back when its source offers it again


def test_cancelled_platform_slot_is_free_again(doctor):
    slot = make_slot(doctor, SOON)
    slot_book_owned(slot_id=slot.pk, reference="DOS-1", actor=None)

    assert slot_mark_cancelled(slot_id=slot.pk, reference="DOS-1") is True
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.FREE


def test_expired_holds_are_released(doctor, editor):
    slot = make_slot(doctor, SOON, source=editor)
    slot_hold(slot_id=slot.pk, reference="DOS-1", actor=None, minutes=1)

    assert slot_holds_release_expired(now=timezone.now()) == 0
    assert slot_holds_release_expired(now=timezone.now() + timedelta(minutes=2)) == 1
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.FREE


def test_slot_find_for_appointment_prefers_the_referenced_hold(doctor, editor):
    other_place = professional_with_place("10000000101", insee="13202")
    assert other_place == doctor
    first = make_slot(doctor, SOON, source=editor, external_id="a")
    second = make_slot(doctor, SOON, source=editor, external_id="b")
    slot_hold(slot_id=second.pk, reference="DOS-7", actor=None)

    assert slot_find_for_appointment(rpps="810000000101", start=SOON, reference="DOS-7") == second
    assert slot_find_for_appointment(rpps="10000000101", start=SOON) == second  # a held one first
    slot_release(slot_id=second.pk, reference="DOS-7")
    assert slot_find_for_appointment(rpps="10000000101", start=SOON) == first
    assert slot_find_for_appointment(rpps="10000000101", start=SOON + timedelta(minutes=5)) is None


def test_agenda_source_authenticate_by_token(db):
    source = source_create(name="ed", label="Éd", kind="file_replay", feedback_token="secret-1")

    assert agenda_source_authenticate(token="secret-1") == source
    assert agenda_source_authenticate(token="secret-2") is None
    assert agenda_source_authenticate(token="") is None
    assert "secret-1" not in source.feedback_token_hash
    source.is_active = False
    source.save()
    assert agenda_source_authenticate(token="secret-1") is None


WINDOW = {"window_start": datetime(2021, 11, 4, tzinfo=UTC), "window_end": datetime(2021, 11, 7, tzinfo=UTC)}


def test_recheck_asks_the_source_live_and_marks_a_vanished_slot_gone(httpserver, ig_professionals):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = source_create(
        name="e", label="E", base_url=httpserver.url_for("/fhir"), rpps_list=["10100050075", "10002673899"]
    )
    source_poll(source_id=source.pk, **WINDOW)
    slot = Slot.objects.get(external_id="ExampleSlotPSIndiv1")

    assert slot_recheck(slot_id=slot.pk) is True
    request, _ = httpserver.log[-1]
    assert "start=ge2021-11-05T08:59:00+00:00&start=le2021-11-05T09:01:00+00:00" in request.url.replace(
        "%2B", "+"
    )
    assert "urn:oid:1.2.250.1.71.4.2.1|810100050075&" in request.url.replace("%7C", "|")

    empty = ig_bundle("PSIndiv")
    empty["entry"] = []
    httpserver.clear()
    httpserver.expect_request("/fhir/Slot").respond_with_json(empty)
    assert slot_recheck(slot_id=slot.pk) is False
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.GONE

    other = Slot.objects.get(external_id="ExampleSlotPSIndiv3")
    httpserver.clear()
    httpserver.expect_request("/fhir/Slot").respond_with_data("panne", status=500)
    with pytest.raises(SourceUnavailable, match="ne répond pas"):
        slot_recheck(slot_id=other.pk)
    assert Slot.objects.get(pk=other.pk).status == SlotStatus.FREE

"""``Booking.slot`` is a real foreign key to planning's slot (database constraint ON DELETE SET NULL)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from regulation import services
from regulation.enums import AppointmentStatus, BookingKind
from regulation.models import Booking
from tests.regulation import factories

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="constraint added on PostgreSQL")


def test_a_booking_cannot_point_to_a_missing_slot(regulated_dossier):
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            dossier=regulated_dossier,
            kind=BookingKind.PLATFORM_SLOT,
            status=AppointmentStatus.BOOKED,
            slot_id=987654321,
        )


def test_deleting_a_slot_keeps_the_booking_and_its_copies(regulated_dossier, osnp):
    prof, place = factories.professional(last_name="Purge")
    slot = factories.slot(prof, place)
    booking = services.slot_book_platform(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    assert booking.slot == slot
    type(slot).objects.filter(pk=slot.pk).delete()  # planning purges old slots
    booking.refresh_from_db()
    assert (booking.slot_id, booking.rpps, booking.start) == (None, prof.identifier, slot.start)

"""Issue 9 point 3: walk-in slots (``appointmentType`` WALKIN, DOMAIN.md §3.3) are shown « sans
rendez-vous » and never held nor booked, on the web and through the API; nothing is written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from planning.enums import SlotStatus
from planning.exceptions import SlotNotBookable
from regulation import services
from regulation.enums import DossierState
from regulation.models import Booking
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from tests.regulation import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(territory):
    return factories.professional(last_name="Bernard")


def _walk_in(doctor, **kwargs):
    slot = factories.slot(*doctor, **kwargs)
    slot.bookable = False
    slot.address = "12 rue de la République"
    slot.save(update_fields=["bookable", "address"])
    return slot


def _unchanged(slot, dossier, events_before):
    slot.refresh_from_db()
    dossier.refresh_from_db()
    assert (slot.status, slot.hold_reference, slot.booking_reference) == (SlotStatus.FREE, "", "")
    assert dossier.state == DossierState.REGULATED
    assert not Booking.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_editor_walk_in_slot_is_not_held(regulated_dossier, osnp, doctor):
    slot = _walk_in(doctor, source=factories.editor_source(), booking_url="https://editeur.example/rdv/1")
    before = AuditEvent.objects.count()
    with pytest.raises(SlotNotBookable) as error:
        services.slot_hold_editor(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    assert error.value.message.startswith("Ce créneau est « sans rendez-vous »")
    _unchanged(slot, regulated_dossier, before)


def test_platform_walk_in_slot_is_not_booked(regulated_dossier, osnp, doctor):
    slot = _walk_in(doctor)
    before = AuditEvent.objects.count()
    with pytest.raises(SlotNotBookable):
        services.slot_book_platform(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    _unchanged(slot, regulated_dossier, before)


def test_api_refuses_a_walk_in_slot_in_french(api_client_for, regulated_dossier, doctor):
    slot = _walk_in(doctor)
    client = api_client_for(Role.OSNP)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/api/v1/regulation/dossiers/{regulated_dossier.pk}/book/", {"slot": slot.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "slot_walk_in"
    assert "sans rendez-vous" in response.json()["message"]
    _unchanged(slot, regulated_dossier, before)


def test_orientation_page_marks_walk_in_slots_without_booking_button(client, regulated_dossier, osnp, doctor):
    walk_in = _walk_in(doctor, source=factories.editor_source(), booking_url="https://editeur.example/rdv/1")
    bookable = factories.slot(
        *doctor, source=factories.editor_source(name="autre"), booking_url="https://e/2"
    )
    client.force_login(osnp)
    html = client.get(reverse("regulation-orientation-results", args=[regulated_dossier.pk])).content.decode()
    row = html.split(f'data-slot="{walk_in.pk}"')[1].split("</tr>")[0]
    assert "Sans rendez-vous" in row and "12 rue de la République" in row
    assert "Réserver" not in row and "<form" not in row
    other = html.split(f'data-slot="{bookable.pk}"')[1].split("</tr>")[0]
    assert "Réserver chez l'éditeur" in other and "Sans rendez-vous" not in other


def test_web_hold_of_a_walk_in_slot_says_why(client, regulated_dossier, osnp, doctor):
    slot = _walk_in(doctor, source=factories.editor_source(), booking_url="https://editeur.example/rdv/1")
    client.force_login(osnp)
    response = client.post(
        reverse("regulation-orientation-hold", args=[regulated_dossier.pk]), {"slot": slot.pk}, follow=True
    )
    assert "sans rendez-vous" in response.content.decode()
    assert not Booking.objects.exists()

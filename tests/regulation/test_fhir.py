"""FHIR feedback endpoint with the IG's Appointment examples (sas-ig gestion_rdv; DOMAIN.md §3.3)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.appointment import Appointment

from planning.enums import SlotStatus
from regulation import services
from regulation.enums import AppointmentStatus, ClosureReason, DossierState
from regulation.models import Booking
from sas_platform.models import AuditEvent
from tests.regulation import factories

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "sas-ig" / "examples"
URL = "/fhir/r4/Appointment"
TOKEN = "jeton-editeur-demo"
IDENTIFIER = "urn:oid:1.1.111.1.11.1.1.1|b6e39355-8a61-4556-b340-36f7b95fec6a"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"Appointment-{name}.json").read_text())


@pytest.mark.parametrize("name", ["1", "2", "12345678"])
def test_ig_examples_validate_with_r4b(name):
    assert Appointment.model_validate(example(name)).status in {"booked", "cancelled", "pending"}


@pytest.fixture
def held(regulated_dossier, osnp, territory):
    """A hold matching Appointment-1: RPPS 10100050075 (``8``-prefixed in the example), 04/09/2022 14:00+01:00."""
    source = factories.editor_source(token=TOKEN)
    prof, place = factories.professional(rpps="10100050075", last_name="Effecteur")
    start = dt.datetime(2022, 9, 4, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    slot = factories.slot(prof, place, source=source, start=start, booking_url="https://editeur.example/rdv")
    booking = services.slot_hold_editor(dossier_id=regulated_dossier.pk, slot_id=slot.pk, actor=osnp)
    return booking, slot


def post(client, body, token=TOKEN, method="post", query=""):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(
        URL + query,
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/fhir+json",
        **headers,
    )


def test_post_confirms_hold_then_repeat_is_idempotent_then_put_cancels(client, held):
    booking, slot = held
    response = post(client, example("1"))
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(f"/fhir/r4/Appointment/{booking.pk}")
    booking.refresh_from_db()
    slot.refresh_from_db()
    dossier = booking.dossier
    dossier.refresh_from_db()
    assert (booking.status, booking.fhir_value, slot.status) == (
        AppointmentStatus.BOOKED,
        "b6e39355-8a61-4556-b340-36f7b95fec6a",
        SlotStatus.BOOKED,
    )
    assert dossier.state == DossierState.ORIENTED
    events = AuditEvent.objects.count()
    again = post(client, example("1"))
    assert again.status_code == 200 and again["Location"] == response["Location"]
    assert AuditEvent.objects.count() == events
    assert Booking.objects.count() == 1
    cancelled = post(client, example("2"), method="put", query=f"?identifier={IDENTIFIER}")
    assert cancelled.status_code == 200, cancelled.content
    booking.refresh_from_db()
    dossier.refresh_from_db()
    assert booking.status == AppointmentStatus.CANCELLED
    assert (dossier.state, dossier.closure_reason) == (DossierState.CLOSED, ClosureReason.OUTCOME_KNOWN)
    assert post(client, example("2"), method="put", query=f"?Identifier={IDENTIFIER}").status_code == 200


def test_unknown_editor_is_refused(client, held):
    response = post(client, example("1"), token="pas-le-bon")
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
    assert post(client, example("1"), token="").status_code == 401
    held[0].refresh_from_db()
    assert held[0].status == AppointmentStatus.HELD


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda b: b.pop("identifier"), 400),
        (lambda b: b.pop("start"), 400),
        (lambda b: b.pop("extension"), 400),
        (lambda b: b.update(status="pas-un-statut"), 400),
        (lambda b: b.update(resourceType="Patient"), 400),
        (lambda b: b["participant"][0]["actor"]["identifier"].update(value="810101010101"), 422),
        (lambda b: b.update(start="2022-09-04T15:00:00+01:00", end="2022-09-04T15:15:00+01:00"), 422),
    ],
    ids=[
        "no-identifier",
        "no-start",
        "no-operator",
        "bad-status",
        "not-appointment",
        "other-rpps",
        "other-time",
    ],
)
def test_bad_input_answers_operation_outcome_and_changes_nothing(client, held, mutate, status):
    body = copy.deepcopy(example("1"))
    mutate(body)
    response = post(client, body)
    assert response.status_code == status
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["diagnostics"]
    held[0].refresh_from_db()
    assert held[0].status == AppointmentStatus.HELD


def test_malformed_json_and_sos_example(client, held):
    assert post(client, "{pas du json").status_code == 400
    sos = post(client, example("12345678"))
    assert sos.status_code == 422  # no effecteur to match, status pending


def test_put_identifier_must_match_body(client, held):
    response = post(client, example("1"), method="put", query="?identifier=urn:x|autre")
    assert response.status_code == 400


def test_feedback_after_hold_expired_books_when_slot_still_free(client, held):
    booking, _ = held
    services.holds_expire(now=dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=30))
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.EXPIRED
    assert post(client, example("1")).status_code == 201
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.BOOKED


def test_feedback_after_hold_expired_and_slot_taken_by_another_dossier(
    client, held, open_dossier, regulateur, osnp
):
    from regulation.enums import Decision, Transition

    booking, slot = held
    services.holds_expire(now=dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=30))
    other = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=other.pk, actor=regulateur)
    services.dossier_decide(dossier_id=other.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    services.slot_hold_editor(dossier_id=other.pk, slot_id=slot.pk, actor=osnp)
    body = example("1")
    body["basedOn"] = [{"identifier": {"value": booking.dossier.reference}}]
    response = post(client, body)
    assert response.status_code == 422
    assert "pris pour un autre patient" in response.json()["issue"][0]["diagnostics"]
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.EXPIRED

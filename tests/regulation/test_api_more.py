"""API of the desk, the rest of issue 5 item 8: live queue, orientation through the MT, a dossier's
bookings, surnuméraire requests listed by scope; permission matrix, nothing written on denial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from regulation import services
from regulation.enums import RequestChannel, Transition
from regulation.models import Booking, Dossier
from sas_platform.enums import Role
from sas_platform.models import AuditEvent, PatientDataAccess
from tests.regulation import factories

BASE = "/api/v1/regulation"


def snapshot():
    return (
        AuditEvent.objects.count(),
        PatientDataAccess.objects.count(),
        list(Dossier.objects.values_list("state", "holder_id", "treating_doctor_call")),
        Booking.objects.count(),
    )


PROTECTED = [
    ("get", "/queue/", None, Role.ARM, 200),
    ("get", "/dossiers/{pk}/bookings/", None, Role.OSNP, 200),
    ("post", "/dossiers/{pk}/treating-doctor/", {"result": "unreachable"}, Role.OSNP, 200),
    ("get", "/surnumeraire-requests/", None, Role.OSNP, 200),
]


@pytest.mark.parametrize(("method", "path", "data", "role", "ok"), PROTECTED, ids=str)
@pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_territory", "right_role"])
def test_permission_matrix(
    api_client, api_client_for, regulated_dossier, other_territory, method, path, data, role, ok, who
):
    client = {
        "anonymous": lambda: api_client,
        "wrong_role": lambda: api_client_for(Role.EFFECTEUR, Role.AGENT_CPAM),
        "other_territory": lambda: api_client_for(Role.ARM, Role.REGULATEUR, Role.OSNP, territories=["83"]),
        "right_role": lambda: api_client_for(role),
    }[who]()
    before = snapshot()
    url = BASE + path.format(pk=regulated_dossier.pk)
    response = client.get(url) if method == "get" else client.post(url, data, format="json")
    if who == "other_territory" and method == "get" and "{pk}" not in path:
        assert response.status_code == 200 and response.json() == []  # nothing of territory 13
    else:
        expected = {"anonymous": 401, "wrong_role": 403, "other_territory": 403, "right_role": ok}[who]
        assert response.status_code == expected, response.content
    if who != "right_role" or method == "get":
        assert snapshot() == before


def test_queue_with_waiting_time_and_territory_filter(api_client_for, open_dossier, other_territory):
    dossier = open_dossier(
        route=Transition.ROUTE_GENERAL_PRACTICE, picked_up_at=timezone.now() - dt.timedelta(minutes=5)
    )
    client = api_client_for(Role.REGULATEUR)
    body = client.get(f"{BASE}/queue/").json()
    assert [row["reference"] for row in body] == [dossier.reference]
    assert 299 <= body[0]["waiting_seconds"] <= 330 and body[0]["priority_rank"] == 3
    assert "patient_last_name" not in body[0]
    assert client.get(f"{BASE}/queue/?territory=83").status_code == 403


def test_treating_doctor_appointment_orients_and_lists_the_booking(api_client_for, regulated_dossier):
    client = api_client_for(Role.OSNP)
    start = (timezone.now() + dt.timedelta(hours=4)).replace(microsecond=0)
    missing = client.post(
        f"{BASE}/dossiers/{regulated_dossier.pk}/treating-doctor/", {"result": "appointment"}, format="json"
    )
    assert missing.status_code == 400 and "appointment_start" in missing.json()["extra"]["fields"]
    response = client.post(
        f"{BASE}/dossiers/{regulated_dossier.pk}/treating-doctor/",
        {"result": "appointment", "name": "Dr Anne Lefèvre", "appointment_start": start.isoformat()},
        format="json",
    )
    assert response.status_code == 200 and response.json()["orientation_result"] == "treating_doctor"
    bookings = client.get(f"{BASE}/dossiers/{regulated_dossier.pk}/bookings/").json()
    assert [(b["kind"], b["is_treating_doctor"], b["snp_candidate"]) for b in bookings] == [
        ("treating_doctor", True, False)
    ]


def test_surnumeraire_requests_scoped_for_desk_and_coordinators(
    api_client_for, regulated_dossier, osnp, make_user
):
    from rest_framework.test import APIClient

    coordinator, stranger = make_user(Role.COORDINATEUR_STRUCTURE), make_user(Role.COORDINATEUR_STRUCTURE)
    cpts = factories.structure(coordinator=coordinator)
    prof, _ = factories.professional(last_name="Direct")
    to_cpts = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PLATFORM, structure=cpts
    )
    to_doctor = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PHONE, professional=prof
    )
    desk = api_client_for(Role.OSNP)
    assert {
        r["id"] for r in desk.get(f"{BASE}/surnumeraire-requests/?dossier={regulated_dossier.pk}").json()
    } == {
        to_cpts.pk,
        to_doctor.pk,
    }
    assert [r["id"] for r in desk.get(f"{BASE}/surnumeraire-requests/?status=pending&dossier=0").json()] == []
    assert desk.get(f"{BASE}/surnumeraire-requests/?dossier=abc").status_code == 400
    client = APIClient()
    client.force_authenticate(coordinator)
    assert [r["id"] for r in client.get(f"{BASE}/surnumeraire-requests/").json()] == [to_cpts.pk]
    client.force_authenticate(stranger)
    assert client.get(f"{BASE}/surnumeraire-requests/").json() == []


def test_pickup_time_from_telephony(api_client_for, territory):
    import time_machine

    received = "2026-03-10T09:04:30+01:00"
    with time_machine.travel(dt.datetime.fromisoformat("2026-03-10T09:05:00+01:00"), tick=False):
        response = api_client_for(Role.ARM).post(
            f"{BASE}/dossiers/",
            {"commune": "13055", "reason": "Fièvre", "call_received_at": received},
            format="json",
        )
    assert response.status_code == 201
    dossier = Dossier.objects.get()
    assert dossier.call_received_at == dt.datetime.fromisoformat(received)


def test_openapi_schema_lists_the_desk_with_examples(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    body = schema.json()
    paths = body["paths"]
    for path in (
        "/api/v1/regulation/queue/",
        "/api/v1/regulation/shifts/",
        "/api/v1/regulation/shifts/{id}/correct/",
        "/api/v1/regulation/surnumeraire-requests/",
        "/api/v1/regulation/dossiers/{id}/treating-doctor/",
    ):
        assert path in paths, path
    book = paths["/api/v1/regulation/dossiers/{id}/book/"]["post"]
    assert "examples" in book["requestBody"]["content"]["application/json"]

"""REST API of the desk: same services as the pages, scoped by territory and role; denial writes nothing."""

from __future__ import annotations

import pytest

from regulation.enums import DossierState, Transition
from regulation.models import Dossier
from sas_platform.enums import Role
from sas_platform.models import AuditEvent, PatientDataAccess
from tests.regulation import factories

BASE = "/api/v1/regulation"


def snapshot():
    return (
        AuditEvent.objects.count(),
        PatientDataAccess.objects.count(),
        list(Dossier.objects.values_list("state", "holder_id")),
    )


@pytest.fixture
def gp_dossier(open_dossier):
    return open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)


def test_arm_creates_and_routes_in_one_call(api_client_for, territory):
    client = api_client_for(Role.ARM)
    response = client.post(
        f"{BASE}/dossiers/",
        {
            "commune": "13055",
            "reason": "Fièvre",
            "route": "general_practice",
            "origin": "116117",
            "patient_age": 34,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["territory"], body["origin"]) == (
        DossierState.GENERAL_PRACTICE,
        "13",
        "116117",
    )
    assert body["allowed_transitions"] == ["route_amu", "decide", "close_without_appointment"]


def test_create_in_another_territory_is_refused(api_client_for, territory, other_territory):
    client = api_client_for(Role.ARM)
    before = snapshot()
    response = client.post(f"{BASE}/dossiers/", {"commune": "83137", "reason": "Toux"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert snapshot() == before


PROTECTED = [
    ("get", "/dossiers/{pk}/", {}, Role.OSNP),
    ("post", "/dossiers/{pk}/route/", {"route": "amu"}, Role.ARM),
    ("post", "/dossiers/{pk}/claim/", {}, Role.REGULATEUR),
    ("post", "/dossiers/{pk}/decide/", {"decision": "advice"}, Role.REGULATEUR),
]


@pytest.mark.parametrize(("method", "path", "data", "role"), PROTECTED, ids=lambda v: str(v))
@pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_territory", "right_role"])
def test_permission_matrix(
    api_client, api_client_for, gp_dossier, other_territory, method, path, data, role, who
):
    client = {
        "anonymous": lambda: api_client,
        "wrong_role": lambda: api_client_for(Role.EFFECTEUR),
        "other_territory": lambda: api_client_for(Role.ARM, Role.REGULATEUR, Role.OSNP, territories=["83"]),
        "right_role": lambda: api_client_for(role),
    }[who]()
    if who == "right_role" and "decide" in path:  # a régulateur claims before deciding (issue 9)
        assert client.post(f"{BASE}/dossiers/{gp_dossier.pk}/claim/", {}, format="json").status_code == 200
    before = snapshot()
    response = getattr(client, method)(BASE + path.format(pk=gp_dossier.pk), data, format="json")
    expected = {"anonymous": 401, "wrong_role": 403, "other_territory": 403, "right_role": 200}[who]
    assert response.status_code == expected, response.content
    if who != "right_role":
        assert snapshot() == before
    elif method == "get":
        assert PatientDataAccess.objects.filter(object_id=str(gp_dossier.pk), purpose="api").count() == 1


def test_transition_not_allowed_is_a_french_409(api_client_for, open_dossier):
    dossier = open_dossier()  # still OPENED
    response = api_client_for(Role.REGULATEUR).post(
        f"{BASE}/dossiers/{dossier.pk}/decide/", {"decision": "appointment_48h"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed" and "impossible" in response.json()["message"]


def test_book_then_loser_gets_slot_taken(api_client_for, regulated_dossier, open_dossier, regulateur):
    from regulation import services
    from regulation.enums import Decision

    prof, place = factories.professional(last_name="Api")
    slot = factories.slot(prof, place)
    osnp = api_client_for(Role.OSNP)
    response = osnp.post(f"{BASE}/dossiers/{regulated_dossier.pk}/book/", {"slot": slot.pk}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "booked"
    other = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=other.pk, actor=regulateur)
    services.dossier_decide(dossier_id=other.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    lost = osnp.post(f"{BASE}/dossiers/{other.pk}/book/", {"slot": slot.pk}, format="json")
    assert lost.status_code == 409 and lost.json()["code"] == "slot_taken"
    outcome = osnp.post(
        f"{BASE}/bookings/{response.json()['id']}/outcome/", {"status": "noshow"}, format="json"
    )
    assert outcome.status_code == 200 and outcome.json()["status"] == "noshow"


def test_queue_lists_no_patient_identity(api_client_for, gp_dossier):
    body = api_client_for(Role.OSNP).get(f"{BASE}/dossiers/").json()
    assert [row["reference"] for row in body] == [gp_dossier.reference]
    assert "patient_last_name" not in body[0]


def test_surnumeraire_request_and_single_answer(api_client_for, regulated_dossier, make_user):
    coordinator = make_user(Role.COORDINATEUR_STRUCTURE)
    cpts = factories.structure(coordinator=coordinator)
    durand, _ = factories.professional(last_name="Durand", first_name="Paul")
    factories.member(durand, cpts)
    outsider, _ = factories.professional(last_name="Dehors", first_name="Jean")
    osnp = api_client_for(Role.OSNP)
    created = osnp.post(
        f"{BASE}/surnumeraire-requests/",
        {"dossier": regulated_dossier.pk, "structure": cpts.pk, "channel": "platform"},
        format="json",
    )
    assert created.status_code == 201
    request_id = created.json()["id"]
    stranger = api_client_for(Role.COORDINATEUR_STRUCTURE)
    assert (
        stranger.post(
            f"{BASE}/surnumeraire-requests/{request_id}/answer/", {"status": "refused"}, format="json"
        ).status_code
        == 403
    )
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(coordinator)
    url = f"{BASE}/surnumeraire-requests/{request_id}/answer/"
    free_text = client.post(url, {"status": "accepted", "doctor_name": "Dr Paul Durand"}, format="json")
    assert free_text.status_code == 400 and free_text.json()["code"] == "member_required"
    stranger_doctor = client.post(url, {"status": "accepted", "member": outsider.identifier}, format="json")
    assert stranger_doctor.status_code == 400
    assert stranger_doctor.json()["message"] == (
        f"Ce médecin ({outsider.identifier}) n'est pas un médecin membre de CPTS Marseille Centre."
    )
    answer = client.post(url, {"status": "accepted", "member": str(durand.pk)}, format="json")
    assert answer.status_code == 200 and answer.json()["accepting_doctor_name"] == "Dr Paul Durand"
    from regulation.models import Booking

    assert Booking.objects.get(dossier=regulated_dossier).rpps == durand.identifier  # what pay needs
    again = client.post(
        f"{BASE}/surnumeraire-requests/{request_id}/answer/", {"status": "refused"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "request_already_answered"

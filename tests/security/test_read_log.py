"""Probe finding 5 (issue 13): every API answer carrying a dossier's patient data writes a read-log
row (DOMAIN.md §8), claim, release, decide, route and book included."""

import pytest
from rest_framework.test import APIClient

from regulation import services
from regulation.enums import Transition
from regulation.models import Dossier
from sas_platform.models import PatientDataAccess
from tests.regulation import factories

BASE = "/api/v1/regulation/dossiers"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _reads(user, dossier) -> int:
    return PatientDataAccess.objects.filter(
        actor=user, object_type=Dossier._meta.label_lower, object_id=str(dossier.pk)
    ).count()


@pytest.mark.django_db
def test_route_logs_a_read(arm, open_dossier):
    dossier = open_dossier()
    response = _client(arm).post(f"{BASE}/{dossier.pk}/route/", {"route": "general_practice"}, format="json")
    assert response.status_code == 200 and response.json()["patient_last_name"] == "Durand"
    assert _reads(arm, dossier) == 1
    row = PatientDataAccess.objects.get(actor=arm)
    assert row.purpose == "api" and row.path == f"{BASE}/{dossier.pk}/route/"


@pytest.mark.django_db
def test_claim_and_release_log_a_read_each(regulateur, open_dossier):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    client = _client(regulateur)
    assert client.post(f"{BASE}/{dossier.pk}/claim/", {}, format="json").status_code == 200
    assert _reads(regulateur, dossier) == 1
    assert client.post(f"{BASE}/{dossier.pk}/release/").status_code == 200
    assert _reads(regulateur, dossier) == 2


@pytest.mark.django_db
def test_decide_logs_a_read(regulateur, open_dossier):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    response = _client(regulateur).post(f"{BASE}/{dossier.pk}/decide/", {"decision": "advice"}, format="json")
    assert response.status_code == 200
    assert _reads(regulateur, dossier) == 1


@pytest.mark.django_db
def test_book_logs_a_read(osnp, regulated_dossier):
    prof, place = factories.professional(last_name="Lecture")
    slot = factories.slot(prof, place)
    response = _client(osnp).post(f"{BASE}/{regulated_dossier.pk}/book/", {"slot": slot.pk}, format="json")
    assert response.status_code == 201
    assert _reads(osnp, regulated_dossier) == 1


@pytest.mark.django_db
def test_create_logs_a_read(arm, territory):
    response = _client(arm).post(
        f"{BASE}/",
        {
            "commune": "13055",
            "reason": "Fièvre",
            "patient_last_name": "Durand",
            "patient_first_name": "Alice",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    dossier = Dossier.objects.get(pk=response.json()["id"])
    assert _reads(arm, dossier) == 1


@pytest.mark.django_db
def test_a_refused_action_logs_nothing(regulateur, open_dossier):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision="advice")
    response = _client(regulateur).post(f"{BASE}/{dossier.pk}/decide/", {"decision": "advice"}, format="json")
    assert response.status_code == 409
    assert _reads(regulateur, dossier) == 0

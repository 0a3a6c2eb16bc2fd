"""API under /api/v1/planning/ (issue 11 §10): same services as the pages, permissions, 409 on a
changed state, OpenAPI schema with the operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from planning.vacations.models import TransferRequest, Vacation
from sas_platform.enums import Role
from tests.factories import UserFactory
from tests.planning.vacations.factories import make_planning, make_vacation, paris

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def setup():
    data = make_planning(accounts=True)
    day = timezone.localdate() + timedelta(days=10)
    data["open"] = make_vacation(data, paris(day.year, day.month, day.day, 14))
    data["mine"] = make_vacation(
        data, paris(day.year, day.month, day.day + 1 if day.day < 27 else 1, 9), assignee=data["people"][0]
    )
    return data


def test_lists_by_period_group_and_person(setup):
    member = _client(setup["people"][1].user)
    plannings = member.get(f"{BASE}/plannings/").json()
    assert [p["id"] for p in plannings] == [setup["planning"].pk]
    start = timezone.localdate().isoformat()
    end = (timezone.localdate() + timedelta(days=40)).isoformat()
    url = f"{BASE}/plannings/{setup['planning'].pk}/vacations/?start={start}&end={end}"
    assert len(member.get(url).json()) == 2
    assert len(member.get(url + f"&professional={setup['people'][0].pk}").json()) == 1
    assert member.get(url + f"&group={setup['group'].pk}").status_code == 200
    assert (
        member.get(f"{BASE}/plannings/{setup['planning'].pk}/vacations/?start=2027-13-01").status_code == 400
    )
    outsider = _client(make_planning()["coordinator"])
    assert outsider.get(url).status_code == 404


def test_assign_is_for_coordinators_and_rules_answer_in_french(setup):
    url = f"{BASE}/vacations/{setup['open'].pk}/assign/"
    member = _client(setup["people"][1].user)
    assert member.post(url, {"professional": setup["people"][1].pk}, format="json").status_code == 403
    coordinator = _client(setup["coordinator"])
    from tests.planning.vacations.factories import rule

    rule(setup, "Une par mois", "cap", period="month", max_count=1)
    response = coordinator.post(url, {"professional": setup["people"][0].pk}, format="json")
    if timezone.localtime(setup["open"].starts_at).month == timezone.localtime(setup["mine"].starts_at).month:
        assert response.status_code == 400 and "Une par mois" in response.json()["message"]
    response = coordinator.post(url, {"professional": setup["people"][1].pk}, format="json")
    assert response.status_code == 200 and response.json()["assignee"] == setup["people"][1].pk


def test_claim_twice_gives_409(setup):
    setup["planning"].self_assignment_opens_at = timezone.now() - timedelta(hours=1)
    setup["planning"].save()
    Vacation.objects.filter(pk=setup["open"].pk).update(published=True)
    url = f"{BASE}/vacations/{setup['open'].pk}/claim/"
    assert _client(setup["people"][1].user).post(url).status_code == 200
    response = _client(setup["people"][2].user).post(url)
    assert response.status_code == 409 and "vient d'être prise" in response.json()["message"]


def test_release_accept_refuse_cancel_approve(setup):
    owner, colleague, third = (p.user for p in setup["people"])
    release = _client(owner).post(f"{BASE}/vacations/{setup['mine'].pk}/release/")
    assert release.status_code == 201
    pk = release.json()["id"]
    assert _client(colleague).post(f"{BASE}/transfer-requests/{pk}/approve/").status_code == 403
    assert _client(colleague).post(f"{BASE}/transfer-requests/{pk}/accept/").status_code == 200
    assert _client(third).post(f"{BASE}/transfer-requests/{pk}/accept/").status_code == 409
    assert Vacation.objects.get(pk=setup["mine"].pk).assignee_id == setup["people"][1].pk
    cession = _client(colleague).post(
        f"{BASE}/transfer-requests/",
        {"vacation": setup["mine"].pk, "kind": "cession", "to_professional": setup["people"][2].pk},
        format="json",
    )
    assert cession.status_code == 201
    pk = cession.json()["id"]
    assert _client(owner).post(f"{BASE}/transfer-requests/{pk}/refuse/").status_code == 400
    assert _client(third).post(f"{BASE}/transfer-requests/{pk}/refuse/").status_code == 200
    assert TransferRequest.objects.get(pk=pk).status == "refused"


def test_confirm_and_statistics(setup):
    past = make_vacation(setup, paris(2026, 3, 2, 14), assignee=setup["people"][0])
    owner = _client(setup["people"][0].user)
    assert (
        _client(setup["people"][1].user)
        .post(f"{BASE}/vacations/{past.pk}/confirm/", {"done": True}, format="json")
        .status_code
        == 403
    )
    response = owner.post(
        f"{BASE}/vacations/{past.pk}/confirm/", {"done": True, "patients_seen": 6}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "done"
    stats_url = f"{BASE}/plannings/{setup['planning'].pk}/statistics/?start=2026-03-01&end=2026-03-31"
    assert owner.get(stats_url).status_code == 403
    [row] = _client(setup["coordinator"]).get(stats_url).json()
    assert row["done"] == 1 and row["hours"] == "4.00" and row["patients"] == 6


def test_anonymous_and_other_roles(setup):
    assert APIClient().get(f"{BASE}/plannings/").status_code in (401, 403)
    osnp = _client(UserFactory(roles=[Role.OSNP], territories=["13"]))
    assert osnp.get(f"{BASE}/plannings/").json() == []
    assert osnp.post(f"{BASE}/vacations/{setup['open'].pk}/claim/").status_code == 404


def test_openapi_lists_the_operations(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/planning/plannings/",
        "/api/v1/planning/plannings/{id}/vacations/",
        "/api/v1/planning/vacations/{id}/assign/",
        "/api/v1/planning/vacations/{id}/claim/",
        "/api/v1/planning/transfer-requests/",
        "/api/v1/planning/transfer-requests/{id}/accept/",
        "/api/v1/planning/plannings/{id}/statistics/",
    ):
        assert path in paths, path
    assert "examples" in str(paths["/api/v1/planning/transfer-requests/"])

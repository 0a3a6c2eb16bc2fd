"""API of leave, closure days, notification preferences and load against target (issue 11 §10):
the pages' services, permissions and French messages; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from planning.vacations.models import Unavailability, VacationPlanning
from planning.vacations.models_notify import NotificationPreference
from sas_platform.enums import Role
from tests.factories import UserFactory
from tests.planning.vacations.factories import make_planning, make_vacation, paris

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _osnp() -> APIClient:
    return _client(UserFactory(roles=[Role.OSNP], territories=["13"]))


@pytest.fixture
def setup():
    data = make_planning(accounts=True)
    day = timezone.localdate() + timedelta(days=10)
    data["day"] = day
    data["held"] = make_vacation(data, paris(day.year, day.month, day.day, 14), assignee=data["people"][0])
    return data


def _leave(start, end) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat()}


# --- unavailability ----------------------------------------------------------------------------
def test_professional_declares_lists_and_deletes_own_leave(setup):
    colleague = setup["people"][1]
    client = _client(colleague.user)
    start = setup["day"] + timedelta(days=3)
    created = client.post(
        f"{BASE}/unavailabilities/", _leave(start, start + timedelta(days=2)), format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["professional"] == colleague.pk and body["end"] == (start + timedelta(days=2)).isoformat()
    listed = client.get(f"{BASE}/unavailabilities/").json()
    assert listed["count"] == 1 and listed["results"][0]["deletable"] is True
    # another member may not delete it (404: not theirs), the owner may
    assert (
        _client(setup["people"][2].user).delete(f"{BASE}/unavailabilities/{body['id']}/").status_code == 404
    )
    assert client.delete(f"{BASE}/unavailabilities/{body['id']}/").status_code == 204
    assert not Unavailability.objects.filter(professional=colleague).exists()


def test_leave_bad_input_changes_nothing(setup):
    owner, client = setup["people"][0], _client(setup["people"][0].user)
    url = f"{BASE}/unavailabilities/"
    day = setup["day"]
    # end before start, in the past, unreadable dates: 400 with the service's French message
    response = client.post(url, _leave(day, day - timedelta(days=1)), format="json")
    assert response.status_code == 400 and "précède son début" in response.json()["message"]
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url, _leave(yesterday, day), format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert client.post(url, {"start": "2027-13-01", "end": "x"}, format="json").status_code == 400
    # over a vacation the professional holds: refused (409), naming it
    response = client.post(url, _leave(day, day), format="json")
    assert response.status_code == 409 and "Vous tenez 1 vacation" in response.json()["message"]
    # a professional cannot declare a colleague's leave without a planning they coordinate
    other = {
        **_leave(day + timedelta(days=5), day + timedelta(days=6)),
        "professional": setup["people"][1].pk,
    }
    assert client.post(url, other, format="json").status_code == 400
    assert not Unavailability.objects.exists()
    assert owner.pk  # unchanged world


def test_coordinator_declares_for_a_member_with_confirmation(setup):
    coordinator = _client(setup["coordinator"])
    owner = setup["people"][0]
    body = {
        **_leave(setup["day"], setup["day"]),
        "planning": setup["planning"].pk,
        "professional": owner.pk,
        "reason": "Formation",
    }
    first = coordinator.post(f"{BASE}/unavailabilities/", body, format="json")
    assert first.status_code == 400 and first.json()["code"] == "confirm"
    assert "Confirmez" in first.json()["message"] and not Unavailability.objects.exists()
    confirmed = coordinator.post(f"{BASE}/unavailabilities/", {**body, "confirm": True}, format="json")
    assert confirmed.status_code == 201 and confirmed.json()["reason"] == "Formation"
    listed = coordinator.get(f"{BASE}/unavailabilities/?planning={setup['planning'].pk}").json()
    assert [row["professional"] for row in listed["results"]] == [owner.pk]
    # a stranger to the structure is refused, the list of another planning is not theirs
    outsider = make_planning(members=1)
    response = coordinator.post(
        f"{BASE}/unavailabilities/",
        {**body, "professional": outsider["people"][0].pk, "confirm": True},
        format="json",
    )
    assert response.status_code == 400 and "membre de la structure" in response.json()["message"]
    assert coordinator.get(f"{BASE}/unavailabilities/?planning={outsider['planning'].pk}").status_code == 404
    assert coordinator.get(f"{BASE}/unavailabilities/?planning=x").status_code == 400
    assert Unavailability.objects.count() == 1


def test_unavailability_permissions(setup):
    leave = Unavailability.objects.create(
        professional=setup["people"][1],
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(days=1),
    )
    url = f"{BASE}/unavailabilities/{leave.pk}/"
    assert APIClient().get(f"{BASE}/unavailabilities/").status_code in (401, 403)
    assert APIClient().delete(url).status_code in (401, 403)
    other_coordinator = _client(make_planning()["coordinator"])
    assert other_coordinator.delete(url).status_code == 404
    assert other_coordinator.get(f"{BASE}/unavailabilities/").status_code == 403  # not a professional
    body = {**_leave(setup["day"], setup["day"]), "planning": setup["planning"].pk}
    assert other_coordinator.post(f"{BASE}/unavailabilities/", body, format="json").status_code == 404
    assert _osnp().get(f"{BASE}/unavailabilities/").status_code == 403
    assert _osnp().delete(url).status_code == 404
    # a leave under way is history: refused by the page's rule, kept
    response = _client(setup["coordinator"]).delete(url)
    assert response.status_code == 409 and "à venir" in response.json()["message"]
    assert Unavailability.objects.filter(pk=leave.pk).exists()


# --- closure days ------------------------------------------------------------------------------
def test_closure_days_put_replaces_and_names_generated_vacations(setup):
    coordinator, pk = _client(setup["coordinator"]), setup["planning"].pk
    url = f"{BASE}/plannings/{pk}/closure-days/"
    assert coordinator.get(url).json() == {"days": [], "already_generated": []}
    day, later = setup["day"], setup["day"] + timedelta(days=20)
    response = coordinator.put(url, {"days": [day.isoformat(), later.isoformat()]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["days"] == [day.isoformat(), later.isoformat()]
    assert len(response.json()["already_generated"]) == 1  # the held vacation stays, named
    response = coordinator.put(url, {"days": [later.isoformat()]}, format="json")
    assert response.json() == {"days": [later.isoformat()], "already_generated": []}


def test_closure_days_bad_input_changes_nothing(setup):
    coordinator, pk = _client(setup["coordinator"]), setup["planning"].pk
    url = f"{BASE}/plannings/{pk}/closure-days/"
    keep = (setup["day"] + timedelta(days=1)).isoformat()
    coordinator.put(url, {"days": [keep]}, format="json")
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = coordinator.put(url, {"days": [past]}, format="json")  # removes keep, then refuses
    assert response.status_code == 400 and "passé" in response.json()["message"]
    assert coordinator.put(url, {"days": ["2027-02-30"]}, format="json").status_code == 400
    assert coordinator.put(url, {"jours": []}, format="json").status_code == 400
    assert VacationPlanning.objects.get(pk=pk).closure_days == [keep]


def test_closure_days_permissions(setup):
    url = f"{BASE}/plannings/{setup['planning'].pk}/closure-days/"
    body = {"days": [setup["day"].isoformat()]}
    assert APIClient().get(url).status_code in (401, 403)
    assert _client(make_planning()["coordinator"]).put(url, body, format="json").status_code == 404
    assert _osnp().get(url).status_code == 404
    assert _client(setup["people"][0].user).put(url, body, format="json").status_code == 403
    assert VacationPlanning.objects.get(pk=setup["planning"].pk).closure_days in ([], None)


# --- notification preferences ------------------------------------------------------------------
def test_preferences_defaults_then_saved(setup):
    client = _client(setup["people"][0].user)
    url = f"{BASE}/notification-preferences/"
    current = client.get(url).json()
    assert set(current["channels"]) and all("email" in c for c in current["channels"].values())
    channels = {kind: ["email"] for kind in current["channels"]}
    channels["reminder"] = ["email", "sms"]
    response = client.put(url, {"mobile_phone": "06 12 34 56 78", "channels": channels}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["mobile_phone"] == "0612345678"
    assert response.json()["channels"]["reminder"] == ["email", "sms"]
    # a coordinator has theirs too
    assert _client(setup["coordinator"]).get(url).status_code == 200


def test_preferences_bad_input_changes_nothing(setup):
    client = _client(setup["people"][0].user)
    url = f"{BASE}/notification-preferences/"
    channels = {"reminder": ["sms"]}
    response = client.put(url, {"mobile_phone": "", "channels": channels}, format="json")
    assert response.status_code == 400 and "indiquez un numéro de mobile" in response.json()["message"]
    response = client.put(url, {"mobile_phone": "01 23", "channels": {}}, format="json")
    assert response.status_code == 400 and "Numéro de mobile invalide" in response.json()["message"]
    response = client.put(url, {"mobile_phone": "", "channels": {"inconnu": ["email"]}}, format="json")
    assert response.status_code == 400 and response.json()["message"] == "Type de message inconnu."
    assert (
        client.put(url, {"mobile_phone": "", "channels": {"reminder": ["pigeon"]}}, format="json").status_code
        == 400
    )
    assert not NotificationPreference.objects.exists()


def test_preferences_permissions(setup):
    url = f"{BASE}/notification-preferences/"
    assert APIClient().get(url).status_code in (401, 403)
    assert _osnp().get(url).status_code == 403
    assert _osnp().put(url, {"mobile_phone": "", "channels": {}}, format="json").status_code == 403
    assert not NotificationPreference.objects.exists()


# --- load against target -----------------------------------------------------------------------
def test_load_rows_and_permissions(setup):
    day = setup["day"]
    url = f"{BASE}/plannings/{setup['planning'].pk}/load/?month={day:%Y-%m}"
    response = _client(setup["coordinator"]).get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["month"] == f"{day:%Y-%m}" and len(body["rows"]) == 3
    row = next(r for r in body["rows"] if r["id"] == setup["people"][0].pk)
    assert row["held"] == 1 and body["period_total"] >= 1
    bad = _client(setup["coordinator"]).get(f"{BASE}/plannings/{setup['planning'].pk}/load/?month=2027-13")
    assert bad.status_code == 400 and bad.json()["message"] == "Mois attendu au format AAAA-MM."
    assert APIClient().get(url).status_code in (401, 403)
    assert _client(make_planning()["coordinator"]).get(url).status_code == 404
    assert _osnp().get(url).status_code == 404
    assert _client(setup["people"][0].user).get(url).status_code == 403


def test_openapi_has_the_new_operations_with_examples(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "post" in paths["/api/v1/planning/unavailabilities/"]
    assert "delete" in paths["/api/v1/planning/unavailabilities/{id}/"]
    assert "put" in paths["/api/v1/planning/plannings/{id}/closure-days/"]
    assert "put" in paths["/api/v1/planning/notification-preferences/"]
    assert "get" in paths["/api/v1/planning/plannings/{id}/load/"]
    for path in ("/api/v1/planning/unavailabilities/", "/api/v1/planning/plannings/{id}/closure-days/"):
        assert "examples" in str(paths[path]), path

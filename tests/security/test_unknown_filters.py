"""Unknown filter values are refused with a 400, never ignored (issue 13, finding 11).

Before: ``?status=inconnu`` answered the whole list as if no filter had been given.
"""

from __future__ import annotations

import pytest

from sas_platform.enums import Role

pytestmark = pytest.mark.django_db

CASES = [
    (Role.COORDINATEUR_STRUCTURE, "/api/v1/structures/", "kind", "cpts"),
    (Role.OSNP, "/api/v1/regulation/surnumeraire-requests/", "status", "pending"),
    (Role.AGENT_CPAM, "/api/v1/remuneration/bordereaux/", "kind", "regulators"),
    (Role.AGENT_CPAM, "/api/v1/remuneration/bordereaux/", "status", "draft"),
]


@pytest.mark.parametrize(("role", "url", "name", "good"), CASES)
def test_an_unknown_filter_value_is_a_400_naming_the_filter(api_client_for, role, url, name, good):
    client = api_client_for(role)
    answer = client.get(url, {name: "inconnu"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid_filter"
    assert f"« {name} »" in body["message"] and "« inconnu »" in body["message"]
    assert name in body["extra"]["fields"]
    assert client.get(url, {name: good}).status_code == 200
    assert client.get(url, {name: ""}).status_code == 200


def test_a_non_numeric_identifier_filter_is_a_400(api_client_for):
    answer = api_client_for(Role.OSNP).get("/api/v1/regulation/surnumeraire-requests/", {"dossier": "abc"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_filter"

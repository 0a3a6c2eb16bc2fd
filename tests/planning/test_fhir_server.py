"""The FHIR server's edges (issue 9 point 11): ``/fhir/r4/metadata`` is a real R4
CapabilityStatement of what the server supports; unknown paths and methods answer an
OperationOutcome (never HTML); ``grant_fhir_slot_access`` gives a consumer what the README says
``GET /fhir/r4/Slot`` needs, and the admin's user form shows the permissions."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from rest_framework.authtoken.models import Token

from sas_platform.enums import Role
from sas_platform.models import AuditEvent, User
from tests.planning.test_fhir_slots import RPPS, _query, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_metadata_is_a_valid_capability_statement_of_what_is_supported(client):
    response = client.get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    statement = CapabilityStatement.model_validate(body)  # raises on an invalid resource
    assert statement.kind == "instance" and statement.fhirVersion == "4.0.1"
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert set(resources) == {"Slot", "Appointment"}
    slot = resources["Slot"]
    assert [i["code"] for i in slot["interaction"]] == ["search-type"]
    assert {p["name"] for p in slot["searchParam"]} == {
        "start",
        "status",
        "schedule.actor:Practitioner.identifier",
        "_count",
    }
    assert "Slot:schedule" in slot["searchInclude"]
    assert {i["code"] for i in resources["Appointment"]["interaction"]} == {"create", "update", "read"}
    assert resources["Appointment"]["conditionalUpdate"] is True
    assert body["implementation"]["url"] == "http://testserver/fhir/r4"


def test_metadata_parameters_are_those_the_slot_search_accepts(client, world):  # noqa: F811
    from planning.fhir.views import KNOWN

    body = client.get("/fhir/r4/metadata").json()
    slot = next(r for r in body["rest"][0]["resource"] if r["type"] == "Slot")
    assert {p["name"] for p in slot["searchParam"]} <= KNOWN


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/fhir/r4/Patient", 404),
        ("post", "/fhir/r4/Inconnu/12", 404),
        ("get", "/fhir/r4/", 404),
        ("delete", "/fhir/r4/Slot", 405),
        ("post", "/fhir/r4/Slot", 405),
        ("get", "/fhir/r4/Appointment", 405),
        ("post", "/fhir/r4/metadata", 405),
        ("delete", "/fhir/r4/Appointment/1", 405),
    ],
)
def test_unknown_paths_and_methods_answer_an_operation_outcome(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == ("not-found" if status == 404 else "not-supported")
    if status == 405:
        assert response["Allow"]


def test_grant_command_gives_a_consumer_the_slot_search(client, world):  # noqa: F811
    out = StringIO()
    call_command("grant_fhir_slot_access", "Agregateur@Editeur.fr", stdout=out)
    user = User.objects.get(email="agregateur@editeur.fr")
    key = Token.objects.get(user=user).key
    assert f"Authorization: Bearer {key}" in out.getvalue()
    assert user.has_perm("planning.consume_fhir_slots") and not user.has_usable_password()
    assert AuditEvent.objects.filter(
        event_type="planning.fhir_access_granted", object_id=str(user.pk)
    ).exists()

    response = client.get(
        "/fhir/r4/Slot", QUERY_STRING=urlencode(_query(world)), headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["total"] == 3

    again = StringIO()
    call_command("grant_fhir_slot_access", "agregateur@editeur.fr", stdout=again)
    assert "Compte existant" in again.getvalue()
    new_key = Token.objects.get(user=user).key
    assert new_key != key and f"Jeton : {new_key}" in again.getvalue()  # rotated (issue 13)
    assert User.objects.filter(email="agregateur@editeur.fr").count() == 1
    stale = client.get(
        "/fhir/r4/Slot", QUERY_STRING=urlencode(_query(world)), headers={"Authorization": f"Bearer {key}"}
    )
    assert stale.status_code == 401


def test_grant_command_keeps_an_existing_users_roles(make_user):
    user = make_user(Role.OSNP)
    call_command("grant_fhir_slot_access", user.email, stdout=StringIO())
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("planning.consume_fhir_slots")
    assert user.groups.filter(name=Role.OSNP.value).exists() or user.groups.exists()


def test_grant_command_refuses_a_bad_address_and_creates_nothing():
    before = User.objects.count()
    with pytest.raises(CommandError, match="Adresse invalide"):
        call_command("grant_fhir_slot_access", "pas-une-adresse", stdout=StringIO())
    assert User.objects.count() == before


def test_admin_user_form_has_the_permission_field(client, make_user):
    admin = make_user(Role.ADMIN_PLATEFORME)
    client.force_login(admin)
    target = make_user(territories=())
    response = client.get(f"/admin/sas_platform/user/{target.pk}/change/")
    assert response.status_code == 200
    assert 'name="user_permissions"' in response.content.decode()

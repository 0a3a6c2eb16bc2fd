"""Probe finding 4 (issue 13): deeply nested JSON never gives a 500 (RecursionError), with or
without logging in, on the API and on ``POST /fhir/r4/Appointment``."""

import json

import pytest

from sas_platform.enums import Role
from tests.regulation.factories import editor_source

DEEP = "[" * 1000 + "]" * 1000
DEEP_IN_OBJECT = '{"email": "a@b.fr", "password": ' + "[" * 5000 + "]" * 5000 + "}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [DEEP, DEEP_IN_OBJECT, '{"a":' * 3000 + "1" + "}" * 3000], ids=["array", "in-object", "objects"]
)
def test_token_endpoint_anonymous_deep_json_is_400(client, body):
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["message"] == "Requête mal formée."


@pytest.mark.django_db
def test_reasonable_nesting_is_still_parsed(client):
    body = {"email": "pas-une-adresse", "password": "x", "extra": [[[[{"a": [1, 2, {"b": "]"}]}]]]]}
    response = client.post("/api/v1/auth/token/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # parsed, then refused by the serializer


@pytest.mark.django_db
def test_depth_limit_counts_brackets_outside_strings_only(client):
    body = json.dumps({"email": "pas-une-adresse", "password": "[" * 5000})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_authenticated_endpoint_deep_json_is_400(api_client_for):
    client = api_client_for(Role.ARM)
    response = client.post("/api/v1/regulation/dossiers/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_fhir_appointment_deep_json_is_an_operation_outcome(client):
    editor_source(token="jeton-editeur-profond")
    response = client.post(
        "/fhir/r4/Appointment",
        DEEP,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION="Bearer jeton-editeur-profond",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "structure"


@pytest.mark.django_db
def test_fhir_body_over_the_size_limit_is_an_operation_outcome(client, settings):
    """Probe finding 11 (issue 13): an HTML 400 before."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    editor_source(token="jeton-editeur-gros")
    body = json.dumps({"resourceType": "Appointment", "comment": "x" * 4096})
    response = client.post(
        "/fhir/r4/Appointment",
        body,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION="Bearer jeton-editeur-gros",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response.json()["issue"][0]["code"] == "too-costly"

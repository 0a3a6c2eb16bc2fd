"""Probe finding 10 (issue 13): pages and API answers carrying patient data are never cached."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from regulation.enums import Transition


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_dossier_page_is_no_store(client, regulateur, open_dossier):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    client.force_login(regulateur)
    response = client.get(f"/regulation/dossiers/{dossier.pk}/")
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.django_db
def test_queue_and_its_rows_are_no_store(client, regulateur):
    client.force_login(regulateur)
    assert _no_store(client.get("/regulation/"))
    assert _no_store(client.get("/regulation/file/lignes/"))


@pytest.mark.django_db
def test_api_dossier_by_token_is_no_store(regulateur, open_dossier):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=regulateur).key}")
    response = client.get(f"/api/v1/regulation/dossiers/{dossier.pk}/")
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.django_db
def test_api_errors_are_no_store_too(client):
    assert _no_store(client.get("/api/v1/me/"))


@pytest.mark.django_db
def test_static_files_stay_cacheable(client):
    response = client.get("/static/vendor/htmx/htmx-2.0.4.min.js")
    response.close()
    assert response.status_code == 200
    assert not _no_store(response)

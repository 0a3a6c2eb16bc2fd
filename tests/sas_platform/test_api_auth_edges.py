"""API edges (issue 9 point 11): ``Authorization: Bearer`` works like ``Token`` on ``/api/v1/``;
a POST to an unknown API route answers the JSON error shape (404), not the CSRF page."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from sas_platform.enums import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_token_under_either_scheme(client, make_user, scheme):
    user = make_user(Role.OSNP)
    key = Token.objects.create(user=user).key
    response = client.get("/api/v1/me/", headers={"Authorization": f"{scheme} {key}"})
    assert response.status_code == 200
    assert response.json()["email"] == user.email


@pytest.mark.parametrize("header", ["Bearer inconnu", "Bearer", "Bearer a b", "Token inconnu"])
def test_bad_token_401_in_the_error_shape(client, header):
    response = client.get("/api/v1/me/", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "extra"}


def test_inactive_users_bearer_token_is_refused(client, make_user):
    user = make_user(Role.OSNP)
    key = Token.objects.create(user=user).key
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me/", headers={"Authorization": f"Bearer {key}"}).status_code == 401


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("method", ["post", "put", "delete", "get"])
def test_unknown_api_route_answers_json_404_without_csrf_page(make_user, signed_in, method):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(make_user(Role.OSNP))
    if method == "get":
        response = client.get("/api/v1/route-inconnue/")
    else:
        response = getattr(client, method)(
            "/api/v1/route-inconnue/", data="{}", content_type="application/json"
        )
    assert response.status_code == 404
    assert response.json() == {
        "message": "Ressource introuvable.",
        "code": "not_found",
        "extra": {"fields": {}},
    }

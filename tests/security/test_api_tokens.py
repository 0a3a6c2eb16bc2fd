"""Probe finding 6 (issue 13): API tokens expire, rotate, die with a password change and respect the
idle timeout."""

import datetime as dt

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sas_platform.enums import Role
from tests.factories import DEFAULT_PASSWORD

PARIS = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2025, 3, 3, 8, 0, tzinfo=PARIS)


@pytest.fixture
def cpam(make_user):
    return make_user(Role.OSNP, email="cpam13@exemple.fr")  # a role without a second factor


def _obtain(password=DEFAULT_PASSWORD) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": "cpam13@exemple.fr", "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


@pytest.mark.django_db
def test_each_obtain_rotates_the_token(cpam):
    first = _obtain()
    second = _obtain()
    assert first != second
    assert _me(first).status_code == 401
    assert _me(second).status_code == 200
    assert Token.objects.filter(user=cpam).count() == 1


@pytest.mark.django_db
def test_token_expires_after_its_lifetime_even_when_used(cpam, settings):
    settings.API_TOKEN_LIFETIME_SECONDS = 12 * 3600
    with time_machine.travel(START, tick=False):
        token = _obtain()
    step = dt.timedelta(minutes=20)
    moment = START
    while moment + step < START + dt.timedelta(hours=12):
        moment += step
        with time_machine.travel(moment, tick=False):
            assert _me(token).status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=12, seconds=1), tick=False):
        response = _me(token)
    assert response.status_code == 401
    assert response.json()["message"] == "Jeton expiré : demandez-en un nouveau."


@pytest.mark.django_db
def test_token_expires_after_the_idle_timeout(cpam, settings):
    with time_machine.travel(START, tick=False):
        token = _obtain()
    with time_machine.travel(START + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60), tick=False):
        assert _me(token).status_code == 200
    later = START + dt.timedelta(seconds=2 * settings.SESSION_IDLE_TIMEOUT)
    with time_machine.travel(later, tick=False):
        response = _me(token)
    assert response.status_code == 401
    assert response.json()["message"] == "Jeton expiré : demandez-en un nouveau."


@pytest.mark.django_db
def test_password_change_kills_the_token(cpam):
    token = _obtain()
    cpam.set_password("Calanques-de-Cassis-2025")
    cpam.save()
    assert _me(token).status_code == 401


@pytest.mark.django_db
def test_saving_the_user_without_a_new_password_keeps_the_token(cpam):
    token = _obtain()
    cpam.first_name = "Anne"
    cpam.save()
    assert _me(token).status_code == 200


@pytest.mark.django_db
def test_deactivated_user_token_refused(cpam):
    token = _obtain()
    cpam.is_active = False
    cpam.save()
    assert _me(token).status_code == 401


@pytest.mark.django_db
def test_a_machine_users_token_skips_the_idle_rule_but_expires(make_user, settings):
    """FHIR consumers (no usable password) cannot ask for a new token: theirs lives 90 days."""
    from sas_platform.api.tokens import api_token_rotate, api_token_user

    machine = make_user(territories=())
    machine.set_unusable_password()
    machine.save()
    with time_machine.travel(START, tick=False):
        key = api_token_rotate(user=machine).key
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        assert api_token_user(key=key) == machine
    with time_machine.travel(
        START + dt.timedelta(days=settings.API_MACHINE_TOKEN_LIFETIME_DAYS, seconds=1), tick=False
    ):
        assert api_token_user(key=key) is None

"""Probe finding 1 (issue 13): lock-out by the e-mail's case, per-address limit, the real client
address behind the reverse proxy, password-reset mails rate-limited."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache

from sas_platform.enums import Role
from tests.factories import DEFAULT_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def osnp(make_user):
    return make_user(Role.OSNP, email="osnp13@exemple.fr")


def _login(client, email, password, **meta):
    return client.post("/connexion/", {"username": email, "password": password}, **meta)


def _token(api_client, email, password, **meta):
    return api_client.post(TOKEN_URL, {"email": email, "password": password}, format="json", **meta)


# --- The e-mail's case ----------------------------------------------------------------------
@pytest.mark.django_db
def test_web_lockout_holds_whatever_the_case(client, osnp, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "osnp13@exemple.fr", "pas-le-bon")
    assert _login(client, "OSNP13@exemple.fr", "pas-le-bon").status_code == 429
    # The right password under another case neither logs in nor clears the lock.
    assert _login(client, "Osnp13@Exemple.FR", DEFAULT_PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session
    assert _login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD).status_code == 429


@pytest.mark.django_db
def test_web_failures_count_across_cases(client, osnp, settings):
    variants = ["osnp13@exemple.fr", "OSNP13@exemple.fr", "Osnp13@exemple.fr", "osnp13@EXEMPLE.fr"]
    for index in range(settings.AXES_FAILURE_LIMIT):
        _login(client, variants[index % len(variants)], "pas-le-bon")
    assert _login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD).status_code == 429


@pytest.mark.django_db
def test_api_token_lockout_holds_whatever_the_case(api_client, osnp, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token(api_client, "osnp13@exemple.fr", "faux")
    assert _token(api_client, "OSNP13@EXEMPLE.FR", DEFAULT_PASSWORD).status_code == 429
    assert _token(api_client, "osnp13@exemple.fr", DEFAULT_PASSWORD).status_code == 429


# --- One address, many accounts -------------------------------------------------------------
@pytest.mark.django_db
def test_one_address_cannot_spray_one_password_over_many_accounts(client, make_user, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    victim = make_user(Role.OSNP, email="victime@exemple.fr")
    for index in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert _login(client, f"compte{index}@exemple.fr", "Printemps2025!").status_code == 200
    # The address is now refused, even on an account it never tried and with the right password.
    assert _login(client, victim.email, DEFAULT_PASSWORD).status_code == 429
    # Another address is not concerned.
    response = _login(client, victim.email, DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_cannot_spray_the_token_endpoint(api_client, make_user, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    make_user(Role.AGENT_CPAM, email="cpam@exemple.fr")
    for index in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert _token(api_client, f"compte{index}@exemple.fr", "Printemps2025!").status_code == 400
    response = _token(api_client, "cpam@exemple.fr", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


# --- The real client address behind the reverse proxy ---------------------------------------
@pytest.mark.django_db
def test_behind_the_proxy_one_client_cannot_lock_out_another(client, osnp, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, osnp.email, "pas-le-bon", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert (
        _login(client, osnp.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code
        == 429
    )
    other = _login(client, osnp.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert other.status_code == 302


@pytest.mark.django_db
def test_forwarded_header_is_ignored_without_a_trusted_proxy(client, osnp, settings):
    """A client cannot escape its lock-out by inventing an X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 0
    for index in range(settings.AXES_FAILURE_LIMIT):
        _login(client, osnp.email, "pas-le-bon", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}")
    response = _login(client, osnp.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


@pytest.mark.django_db
def test_only_the_trusted_hops_are_peeled(client, osnp, settings):
    """With one trusted proxy, the client is the last address the proxy appended, whatever the
    client wrote before it."""
    settings.TRUSTED_PROXY_COUNT = 1
    for index in range(settings.AXES_FAILURE_LIMIT):
        _login(
            client,
            osnp.email,
            "pas-le-bon",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}, 203.0.113.5",
            REMOTE_ADDR="10.0.0.2",
        )
    response = _login(
        client,
        osnp.email,
        DEFAULT_PASSWORD,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5",
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 429


# --- Password reset mails -------------------------------------------------------------------
@pytest.mark.django_db
def test_password_reset_mails_are_limited_per_target(client, osnp, settings):
    settings.PASSWORD_RESET_TARGET_LIMIT = 3
    for index in range(6):
        response = client.post(
            "/mot-de-passe/oubli/", {"email": osnp.email}, REMOTE_ADDR=f"198.51.100.{index}"
        )
        # Always the same answer: it reveals nothing about the account nor the limit.
        assert (response.status_code, response.url) == (302, "/mot-de-passe/oubli/envoye/")
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_address(client, make_user, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 4
    users = [make_user(Role.OSNP, email=f"agent{index}@exemple.fr") for index in range(8)]
    answers = [client.post("/mot-de-passe/oubli/", {"email": user.email}).status_code for user in users]
    assert answers[:4] == [302] * 4
    assert set(answers[4:]) == {429}
    assert len(mail.outbox) == 4
    page = client.post("/mot-de-passe/oubli/", {"email": users[0].email})
    assert "Trop de demandes" in page.content.decode()

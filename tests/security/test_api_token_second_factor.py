"""An API token is a sign-in: the roles that must give a second factor on the site give it to
``POST /api/v1/auth/token/`` too (issue 13, two factors). Before, a CPAM agent got a token that
exports bordereaux with a password alone."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from sas_platform.enums import Role
from tests.factories import DEFAULT_PASSWORD
from tests.otp import next_code

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"
EMAIL = "cpam13@exemple.fr"


@pytest.fixture
def cpam(make_user):
    return make_user(Role.AGENT_CPAM, email=EMAIL)


def _post(api_client, **extra):
    return api_client.post(URL, {"email": EMAIL, "password": DEFAULT_PASSWORD, **extra}, format="json")


def test_a_cpam_agent_without_a_second_factor_gets_no_token(api_client, cpam):
    answer = _post(api_client)
    assert (answer.status_code, answer.json()["code"]) == (400, "otp_enrolment_required")
    assert not Token.objects.filter(user=cpam).exists()


def test_a_cpam_agent_must_send_a_valid_code(api_client, cpam):
    device = TOTPDevice.objects.create(user=cpam, name="téléphone", confirmed=True)
    missing = _post(api_client)
    assert (missing.status_code, missing.json()["code"]) == (400, "otp_required")
    assert "otp" in missing.json()["extra"]["fields"]
    assert not Token.objects.filter(user=cpam).exists()
    right = _post(api_client, otp=next_code(device))
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=cpam).key


def test_a_wrong_code_gets_no_token(api_client, cpam):
    device = TOTPDevice.objects.create(user=cpam, name="téléphone", confirmed=True)
    wrong = _post(api_client, otp="000000" if next_code(device) != "000000" else "111111")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "otp_invalid")
    assert not Token.objects.filter(user=cpam).exists()


def test_a_role_without_a_second_factor_needs_no_code(api_client, make_user):
    make_user(Role.OSNP, email=EMAIL)
    assert _post(api_client).status_code == 200

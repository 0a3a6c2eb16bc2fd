""" "Mon compte" (issue 13's leftovers): identity and second factor at a glance, self-service renewal of
the recovery codes after a current code, and sign-out at Pro Santé Connect for a PSC session
(against the real OIDC provider on 127.0.0.1, tests/psc_provider.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpts.enums import IdentifierType
from cpts.models import Professional
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from sas_platform.otp import services
from tests.otp import next_code
from tests.psc_provider import OidcProvider

PASSWORD = "mot-de-passe-solide-42"
RPPS = "10003384327"

pytestmark = pytest.mark.django_db


def _enrolled_cpam(client, make_user):
    user = make_user(Role.AGENT_CPAM, password=PASSWORD, territories=["13"])
    assert client.post("/connexion/", {"username": user.email, "password": PASSWORD}).status_code == 302
    client.get("/double-facteur/activer/")
    device = TOTPDevice.objects.get(user=user)
    codes = client.post("/double-facteur/activer/", {"code": next_code(device)}).context["codes"]
    return user, device, codes


def test_account_page_shows_roles_and_second_factor_for_anyone_signed_in(client, make_user):
    assert client.get("/compte/").status_code == 302  # anonymous: to the sign-in page
    osnp = make_user(Role.OSNP, password=PASSWORD, territories=["13"])
    client.force_login(osnp)
    body = client.get("/compte/").content.decode()
    assert "OSNP" in body and osnp.email in body
    assert "Non activée : votre rôle ne l'exige pas" in body
    home = client.get("/").content.decode()
    assert 'href="/compte/"' in home  # the name in the header leads there


def test_recovery_codes_are_renewed_after_a_current_code_only(client, make_user):
    user, device, old_codes = _enrolled_cpam(client, make_user)
    client.post("/double-facteur/verifier/", {"code": old_codes[0]})  # one used: 9 left
    page = client.get("/compte/").content.decode()
    assert "Il vous reste <strong>9</strong> codes de secours" in page
    form = client.get("/double-facteur/codes-de-secours/").content.decode()
    assert "Il vous reste <strong>9</strong> codes de secours" in form
    device.refresh_from_db()
    device.throttle_reset()
    # A wrong code: a French error, the codes unchanged.
    wrong = client.post("/double-facteur/codes-de-secours/", {"code": "000000"})
    assert wrong.status_code == 200 and "Code incorrect" in wrong.content.decode()
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(
        old_codes[1:]
    )
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/double-facteur/codes-de-secours/", {"code": next_code(device)})
    new_codes = done.context["codes"]
    assert len(new_codes) == 10 and "les anciens ne fonctionnent plus" in done.content.decode()
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(
        new_codes
    )
    assert not set(new_codes) & set(old_codes)
    assert AuditEvent.objects.filter(event_type="platform.otp_recovery_renewed", actor=user).count() == 1
    # An old code no longer opens a session; a new one does.
    with pytest.raises(services.OtpError):
        services.otp_verify(user=user, token=old_codes[1])
    device.refresh_from_db()
    device.throttle_reset()  # the refused old code counted against both devices' throttles
    StaticDevice.objects.get(user=user).throttle_reset()
    assert services.otp_verify(user=user, token=new_codes[0]) is not None


def test_renewal_without_a_device_sends_to_enrolment(client, make_user):
    osnp = make_user(Role.OSNP, password=PASSWORD)
    client.force_login(osnp)
    response = client.get("/double-facteur/codes-de-secours/")
    assert response.status_code == 302 and response["Location"] == "/double-facteur/activer/"


@pytest.fixture
def psc(settings):
    provider = OidcProvider().start()
    provider.settings_for(settings)
    yield provider
    provider.stop()


def test_signing_out_of_a_psc_session_ends_it_at_psc_too(client, psc, make_user):
    user = make_user(Role.REGULATEUR, rpps=RPPS, email="paul.roux@exemple.fr")
    Professional.objects.create(
        identifier_type=IdentifierType.RPPS, identifier=RPPS, last_name="ROUX", first_name="Paul"
    )
    psc.identity = {"preferred_username": f"8{RPPS}", "acr": "eidas1", "claims": {}}
    start = client.get("/psc/connexion/")
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(authorize.headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "Session ouverte avec Pro Santé Connect" in client.get("/compte/").content.decode()

    response = client.post("/deconnexion/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{psc.issuer}/protocol/openid-connect/logout"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["id_token_hint"] == psc.id_tokens[-1]
    assert query["post_logout_redirect_uri"] == "http://testserver/connexion/"
    assert "_auth_user_id" not in client.session  # signed out of the platform first
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/connexion/"
    assert psc.logout_requests[-1]["client_id"] == "sas-plateforme-test"
    assert AuditEvent.objects.filter(event_type="platform.psc_logout", actor=user).exists()


def test_a_password_session_signs_out_locally_only(client, psc, make_user):
    user = make_user(Role.OSNP, password=PASSWORD)
    client.post("/connexion/", {"username": user.email, "password": PASSWORD})
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/connexion/"
    assert psc.logout_requests == []

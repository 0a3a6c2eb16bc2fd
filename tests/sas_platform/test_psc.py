"""Pro Santé Connect end to end against a real OIDC provider on 127.0.0.1 (tests/psc_provider.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from cpts.enums import IdentifierType
from cpts.models import Professional
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from sas_platform.psc.policies import PscRefused, check_acr, regulation_access_label, rpps_from_national_id
from tests.psc_provider import OidcProvider

RPPS = "10003384327"


@pytest.fixture
def psc(settings):
    provider = OidcProvider().start()
    provider.settings_for(settings)
    yield provider
    provider.stop()


def _sign_in(client, provider):
    """Start at the platform, let the provider answer, come back: the callback's response."""
    start = client.get("/psc/connexion/?next=/regulation/")
    assert start.status_code == 302
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302
    callback = urlsplit(authorize.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.mark.django_db
def test_authorization_request_asks_scopes_acr_and_pkce(client, psc):
    response = client.get("/psc/connexion/")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(f"{psc.url}/auth?")
    assert query["scope"] == ["openid scope_all"]
    assert query["acr_values"] == ["eidas1"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43 and query["nonce"] and query["state"]


@pytest.mark.django_db
def test_happy_path_signs_the_regulator_in_and_links_the_directory(client, psc, make_user):
    user = make_user(Role.REGULATEUR, rpps=RPPS, email="paul.roux@exemple.fr")
    professional = Professional.objects.create(
        identifier_type=IdentifierType.RPPS, identifier=RPPS, last_name="ROUX", first_name="Paul"
    )
    psc.identity = {
        "preferred_username": f"8{RPPS}",
        "acr": "eidas1",
        "claims": {"Acces_Regulation_Medicale": "FR"},
    }
    response = _sign_in(client, psc)
    assert response.status_code == 302 and response["Location"] == "/regulation/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["strong_auth_acr"] == "eidas1"
    professional.refresh_from_db()
    assert professional.user_id == user.pk
    assert any(
        "Accès à la régulation médicale selon Pro Santé Connect : FR" in m for m in _messages(response)
    )
    assert psc.token_requests[-1]["code_verifier"]  # PKCE verifier sent, checked by the provider
    assert AuditEvent.objects.filter(event_type="platform.psc_login", actor=user).exists()


@pytest.mark.django_db
def test_matching_is_on_the_rpps_never_on_the_email(client, psc, make_user):
    """A local account with the token's e-mail but another RPPS is not signed in."""
    make_user(Role.REGULATEUR, rpps="10101010105", email="paul.roux@exemple.fr")
    psc.identity = {
        "preferred_username": f"8{RPPS}",
        "acr": "eidas1",
        "claims": {"email": "paul.roux@exemple.fr"},
    }
    response = _sign_in(client, psc)
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session
    assert any("Aucun compte de la plateforme" in m for m in _messages(response))


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        ({"acr": "eidas0"}, "Niveau d'authentification insuffisant (eidas0)"),
        ({"acr": None}, "Niveau d'authentification insuffisant (absent)"),
        ({"expired": True}, "Jeton d'identité expiré"),
        ({"bad_signature": True}, "Signature du jeton d'identité invalide"),
        ({"preferred_username": "810000000001"}, "clé de contrôle"),
        ({"preferred_username": "0123456789"}, "seuls les professionnels inscrits au RPPS"),
        ({"preferred_username": "810101010105"}, "Aucun compte de la plateforme"),
    ],
    ids=["wrong-acr", "no-acr", "expired", "bad-signature", "bad-rpps-key", "adeli", "unknown-rpps"],
)
@pytest.mark.django_db
def test_refusals_sign_nobody_in_and_say_why(client, psc, make_user, identity, expected):
    make_user(Role.REGULATEUR, rpps=RPPS)
    psc.identity = {"preferred_username": f"8{RPPS}", "acr": "eidas1", "claims": {}, **identity}
    response = _sign_in(client, psc)
    assert response.status_code == 302 and response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session
    assert any(expected in m for m in _messages(response)), _messages(response)
    assert AuditEvent.objects.filter(event_type="platform.psc_refused").count() == 1


@pytest.mark.django_db
def test_no_habilitation_no_sign_in_whatever_the_token_says(client, psc, make_user):
    """An account without a role is not signed in, even when PSC says it may regulate."""
    make_user(rpps=RPPS)
    psc.identity = {
        "preferred_username": f"8{RPPS}",
        "acr": "eidas1",
        "claims": {"Acces_Regulation_Medicale": "FR"},
    }
    response = _sign_in(client, psc)
    assert "_auth_user_id" not in client.session
    assert any("aucune habilitation active" in m for m in _messages(response))


@pytest.mark.django_db
def test_replayed_code_is_refused_by_the_provider(client, psc, make_user):
    make_user(Role.OSNP, rpps=RPPS)
    start = client.get("/psc/connexion/")
    callback = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    client.get(f"{callback.path}?{callback.query}")
    client.logout()
    # The state was consumed: a second use of the same callback URL signs nobody in.
    again = client.get(f"{callback.path}?{callback.query}")
    assert again.status_code in (302, 400)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_disabled_psc_is_not_found_and_login_page_has_no_button(client, settings):
    settings.PSC_ENABLED = False
    assert client.get("/psc/connexion/").status_code == 404
    assert "Pro Santé Connect" not in client.get("/connexion/").content.decode()


@pytest.mark.django_db
def test_login_page_shows_the_psc_button_and_keeps_the_password_form(client, psc):
    page = client.get("/connexion/").content.decode()
    assert "Se connecter avec Pro Santé Connect" in page
    assert 'name="password"' in page


def test_policies_boundaries():
    assert rpps_from_national_id("810003384327") == RPPS
    for bad in ("10003384327", "8100033843270", "", None, "81000338432x"):
        with pytest.raises(PscRefused):
            rpps_from_national_id(bad)
    assert check_acr("eidas1", ["eidas1"]) == "eidas1"
    with pytest.raises(PscRefused):
        check_acr("eidas2", ["eidas1"])
    assert regulation_access_label({}) == "non renseigné"
    assert regulation_access_label({"Acces_Regulation_Medicale": ["FR", "13"]}) == "FR, 13"


@pytest.mark.django_db
def test_psc_at_eidas1_counts_as_the_second_factor(client, psc, make_user):
    """A SAS administrator who is a doctor signs in with the card: no TOTP asked on top."""
    make_user(Role.ADMIN_SAS, rpps=RPPS)
    psc.identity = {"preferred_username": f"8{RPPS}", "acr": "eidas1", "claims": {}}
    _sign_in(client, psc)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_professional_linked_to_another_account_is_left_alone(client, psc, make_user):
    other = make_user(Role.EFFECTEUR, email="autre@exemple.fr")
    professional = Professional.objects.create(
        identifier_type=IdentifierType.RPPS, identifier=RPPS, last_name="ROUX", user=other
    )
    user = make_user(Role.REGULATEUR, rpps=RPPS)
    psc.identity = {"preferred_username": f"8{RPPS}", "acr": "eidas1", "claims": {}}
    _sign_in(client, psc)
    assert int(client.session["_auth_user_id"]) == user.pk
    professional.refresh_from_db()
    assert professional.user_id == other.pk

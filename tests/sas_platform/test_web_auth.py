"""Log-in, lock-out, password reset, log-out, idle timeout (issue 2, item 4 and "Bad input")."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail

from sas_platform.enums import AuditEventType, Role
from sas_platform.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

WRONG_LOGIN = "Adresse électronique ou mot de passe incorrect."
PARIS = dt.timezone(dt.timedelta(hours=2))


def _alerts(response) -> list[str]:
    """Error messages shown at the top of the form (its error summary)."""
    text = response.content.decode()
    summary = re.search(r'data-testid="error-summary">(.*?)</div>', text, re.S)
    return [m.strip() for m in re.findall(r"<li>([^<]*)</li>", summary.group(1))] if summary else []


def _post_login(client, email, password, **extra):
    return client.post("/connexion/", {"username": email, "password": password, **extra})


@pytest.fixture
def osnp(make_user):
    return make_user(Role.OSNP, email="osnp13@exemple.fr")


# --- Log-in ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_login_page_is_french_and_labelled(client):
    response = client.get("/connexion/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in html
    assert "<h1>Connexion</h1>" in html
    assert re.search(r'<label for="id_username" class="fr-label">\s*Adresse électronique', html)
    assert re.search(r'<label for="id_password" class="fr-label">\s*Mot de passe', html)
    assert 'autocomplete="current-password"' in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html


@pytest.mark.django_db
def test_login_ok_redirects_home_and_audits(client, osnp):
    response = _post_login(client, "OSNP13@exemple.fr", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[SESSION_KEY] == str(osnp.pk)
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGGED_IN, actor=osnp).count() == 1


@pytest.mark.django_db
def test_login_follows_next(client, osnp):
    response = _post_login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD, next="/api/docs/")
    assert response.url == "/api/docs/"


@pytest.mark.django_db
def test_login_refuses_external_next(client, osnp):
    response = _post_login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD, next="https://pirate.example/")
    assert response.url == "/"


@pytest.mark.django_db
def test_logged_in_user_visiting_login_goes_home(client, osnp):
    client.force_login(osnp)
    response = client.get("/connexion/")
    assert (response.status_code, response.url) == (302, "/")


@pytest.mark.django_db
def test_wrong_password_french_message(client, osnp):
    response = _post_login(client, "osnp13@exemple.fr", "pas-le-bon")
    assert response.status_code == 200
    assert _alerts(response) == [WRONG_LOGIN]
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_unknown_account_gets_exactly_the_same_answer(client, osnp):
    known = _post_login(client, "osnp13@exemple.fr", "pas-le-bon")
    unknown = _post_login(client, "personne@exemple.fr", "pas-le-bon")
    assert known.status_code == unknown.status_code == 200
    assert _alerts(known) == _alerts(unknown) == [WRONG_LOGIN]

    def _without_tokens(response):
        html = response.content.decode()
        html = re.sub(r'value="[A-Za-z0-9]{64}"', "", html)
        html = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', "", html)
        return html.replace("osnp13@exemple.fr", "EMAIL").replace("personne@exemple.fr", "EMAIL")

    assert _without_tokens(known) == _without_tokens(unknown)


@pytest.mark.django_db
def test_inactive_account_gets_the_same_message(client, make_user):
    make_user(Role.OSNP, email="inactif@exemple.fr", is_active=False)
    response = _post_login(client, "inactif@exemple.fr", DEFAULT_PASSWORD)
    assert _alerts(response) == [WRONG_LOGIN]
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_malformed_email_field_error_in_french(client):
    response = _post_login(client, "pas-une-adresse", "x")
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide." in response.content.decode()


# --- Lock-out (django-axes) -----------------------------------------------------------------
@pytest.mark.django_db
def test_lockout_after_failure_limit_in_french(client, osnp):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert _post_login(client, "osnp13@exemple.fr", "pas-le-bon").status_code == 200

    locked = _post_login(client, "osnp13@exemple.fr", "pas-le-bon")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "<h1>Connexion temporairement bloquée</h1>" in html
    assert "Réessayez dans 15 minutes" in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html

    # Even the right password is refused while locked out.
    again = _post_login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD)
    assert again.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_lockout_reveals_nothing_about_the_account(client, osnp):
    for email in ("osnp13@exemple.fr", "personne@exemple.fr"):
        responses = [_post_login(client, email, "pas-le-bon") for _ in range(settings.AXES_FAILURE_LIMIT)]
        assert responses[-1].status_code == 429
    known = _post_login(client, "osnp13@exemple.fr", "x").content.decode()
    unknown = _post_login(client, "personne@exemple.fr", "x").content.decode()
    csrf = r'"X-CSRFToken": "[A-Za-z0-9]{64}"|value="[A-Za-z0-9]{64}"'
    assert re.sub(csrf, "", known) == re.sub(csrf, "", unknown)


@pytest.mark.django_db
def test_lockout_ends_after_cooloff(client, osnp):
    start = dt.datetime(2025, 3, 3, 10, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _post_login(client, "osnp13@exemple.fr", "pas-le-bon")
        assert _post_login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD).status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1), tick=False):
        response = _post_login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD)
    assert (response.status_code, response.url) == (302, "/")


@pytest.mark.django_db
def test_success_resets_the_failure_count(client, osnp):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post_login(client, "osnp13@exemple.fr", "pas-le-bon")
    assert _post_login(client, "osnp13@exemple.fr", DEFAULT_PASSWORD).status_code == 302
    client.post("/deconnexion/")
    assert _post_login(client, "osnp13@exemple.fr", "pas-le-bon").status_code == 200


# --- Password reset -------------------------------------------------------------------------
@pytest.mark.django_db
def test_password_reset_full_flow(client, osnp):
    response = client.post("/mot-de-passe/oubli/", {"email": "OSNP13@exemple.fr"})
    assert (response.status_code, response.url) == (302, "/mot-de-passe/oubli/envoye/")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["osnp13@exemple.fr"]
    assert message.subject == "Plateforme SAS & CPTS : réinitialisation du mot de passe"
    assert "INVALID_TEMPLATE_VARIABLE" not in message.subject + message.body
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/[^/]+/[^/]+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "<h1>Nouveau mot de passe</h1>" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")

    done = client.post(
        set_password_url,
        {"new_password1": "Calanques-de-Cassis-2025", "new_password2": "Calanques-de-Cassis-2025"},
    )
    assert (done.status_code, done.url) == (302, "/mot-de-passe/modifie/")
    assert "Mot de passe modifié" in client.get(done.url).content.decode()

    osnp.refresh_from_db()
    assert osnp.check_password("Calanques-de-Cassis-2025")
    assert _post_login(client, "osnp13@exemple.fr", "Calanques-de-Cassis-2025").status_code == 302
    # The link works once.
    assert "Ce lien n'est plus valable" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_password_reset_unknown_address_same_answer_no_mail(client):
    response = client.post("/mot-de-passe/oubli/", {"email": "personne@exemple.fr"})
    assert (response.status_code, response.url) == (302, "/mot-de-passe/oubli/envoye/")
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_reset_refuses_weak_password_in_french(client, osnp):
    client.post("/mot-de-passe/oubli/", {"email": "osnp13@exemple.fr"})
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/[^/]+/[^/]+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce mot de passe est trop court." in html
    osnp.refresh_from_db()
    assert osnp.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_password_reset_pages_render_without_unknown_variables(client):
    for url in ("/mot-de-passe/oubli/", "/mot-de-passe/oubli/envoye/", "/mot-de-passe/modifie/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode()
    bad = client.get("/mot-de-passe/nouveau/MQ/mauvais-jeton/")
    assert "Ce lien n'est plus valable" in bad.content.decode()


# --- Log-out --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_logout_by_post(client, osnp):
    client.force_login(osnp)
    response = client.post("/deconnexion/")
    assert (response.status_code, response.url) == (302, "/connexion/")
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGGED_OUT, actor=osnp).count() == 1


@pytest.mark.django_db
def test_logout_by_get_is_refused(client, osnp):
    client.force_login(osnp)
    assert client.get("/deconnexion/").status_code == 405
    assert client.session[SESSION_KEY] == str(osnp.pk)


@pytest.mark.django_db
def test_logout_needs_csrf(osnp):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(osnp)
    assert client.post("/deconnexion/").status_code == 403
    assert client.session[SESSION_KEY] == str(osnp.pk)


# --- Idle timeout ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_idle_session_is_closed_with_a_message(client, osnp):
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        client.force_login(osnp)
        assert client.get("/").status_code == 200
    idle = start + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1)
    with time_machine.travel(idle, tick=False):
        response = client.get("/")
        assert (response.status_code, response.url) == (302, "/connexion/?next=%2F")
        assert SESSION_KEY not in client.session
        page = client.get(response.url)
    assert "Votre session a expiré après une période d'inactivité. Reconnectez-vous." in unescape(
        page.content.decode()
    )
    assert AuditEvent.objects.filter(event_type=AuditEventType.USER_LOGGED_OUT, actor=osnp).count() == 1


@pytest.mark.django_db
def test_activity_keeps_the_session_open(client, osnp):
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)
    step = dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60)
    client.force_login(osnp)
    for n in range(4):  # two hours of activity, a request every 29 minutes
        with time_machine.travel(start + n * step, tick=False):
            assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_idle_api_session_answers_json_401(client, osnp):
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        client.force_login(osnp)
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1), tick=False):
        response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentification requise.",
        "code": "not_authenticated",
        "extra": {"fields": {}},
    }

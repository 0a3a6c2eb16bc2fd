"""Two factors (django-otp, TOTP + recovery codes) for administrators, CPAM and ARS agents."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from sas_platform.otp import services
from sas_platform.otp.demo import DEMO_TOTP_BASE32, DEMO_TOTP_KEY, seed_otp_demo
from sas_platform.otp.policies import OTP_REQUIRED_ROLES, otp_required
from tests.otp import code_at, code_for, next_code

PASSWORD = "mot-de-passe-solide-42"


def _login(client, user):
    response = client.post("/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("role", sorted(OTP_REQUIRED_ROLES))
@pytest.mark.django_db
def test_roles_that_need_a_second_factor_are_sent_to_enrolment(client, make_user, role):
    user = make_user(role, password=PASSWORD)
    _login(client, user)
    for path in ("/", "/admin/", "/remuneration/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/double-facteur/activer/")
    api = client.get("/api/v1/")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"


@pytest.mark.parametrize(
    "role", [Role.ARM, Role.REGULATEUR, Role.OSNP, Role.EFFECTEUR, Role.COORDINATEUR_STRUCTURE]
)
@pytest.mark.django_db
def test_other_roles_are_not_asked(client, make_user, role):
    user = make_user(role, password=PASSWORD)
    _login(client, user)
    assert client.get("/").status_code == 200
    assert not otp_required(user)


@pytest.mark.django_db
def test_enrolment_then_sign_in_with_totp_then_with_a_recovery_code(client, make_user):
    user = make_user(Role.AGENT_CPAM, password=PASSWORD)
    _login(client, user)
    page = client.get("/double-facteur/activer/?next=/remuneration/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "Activer la double authentification" in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    # A wrong code: French error, nothing confirmed.
    wrong = client.post("/double-facteur/activer/", {"code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device = TOTPDevice.objects.get(user=user)
    device.throttle_reset()
    done = client.post("/double-facteur/activer/", {"code": next_code(device), "next": "/remuneration/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/").status_code == 200  # this session is verified
    assert AuditEvent.objects.filter(event_type="platform.otp_enrolled", actor=user).exists()

    client.logout()
    _login(client, user)
    assert client.get("/")["Location"].startswith("/double-facteur/verifier/")
    ok = client.post("/double-facteur/verifier/", {"code": code_for(user.email), "next": "/remuneration/"})
    assert ok.status_code == 302 and ok["Location"] == "/remuneration/"
    assert client.get("/").status_code == 200

    client.logout()
    _login(client, user)
    ok = client.post("/double-facteur/verifier/", {"code": codes[0]})
    assert ok.status_code == 302 and client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9  # single use

    client.logout()
    _login(client, user)
    reused = client.post("/double-facteur/verifier/", {"code": codes[0]})
    assert reused.status_code == 200 and "Code incorrect" in reused.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_code_is_single_use_and_failures_are_throttled(make_user):
    user = make_user(Role.AGENT_ARS)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    code = next_code(device)
    assert services.otp_verify(user=user, token=code) == device
    with pytest.raises(services.OtpError, match="Code incorrect"):
        services.otp_verify(user=user, token=code)  # same time step again
    with pytest.raises(services.OtpError, match="Trop de codes erronés"):
        services.otp_verify(user=user, token=next_code(device))  # within the 1 s delay after a failure
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert AuditEvent.objects.filter(event_type="platform.otp_failed", actor=user).count() == 1


@pytest.mark.django_db
def test_open_redirect_is_refused_after_verification(client, make_user):
    user = make_user(Role.ADMIN_SAS, password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    _login(client, user)
    response = client.post(
        "/double-facteur/verifier/", {"code": code_for(user.email), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_demo_accounts_are_pre_enrolled_and_the_demo_code_shows_in_demo_mode_only(client, make_user):
    cpam = make_user(Role.AGENT_CPAM, email="cpam@demo.sas", password=PASSWORD)
    make_user(Role.OSNP, email="osnp@demo.sas")
    assert seed_otp_demo(None) == {"otp_enrolled": 1}
    assert seed_otp_demo(None) == {"otp_enrolled": 0}  # idempotent
    device = TOTPDevice.objects.get(user=cpam)
    assert device.key == DEMO_TOTP_KEY and len(DEMO_TOTP_BASE32) == 32
    _login(client, cpam)
    with override_settings(DEMO_MODE=True):
        shown = client.get("/double-facteur/verifier/").context["demo_code"]
    now_t = int(__import__("time").time() // 30)
    assert shown in {code_at(device, now_t), code_at(device, now_t + 1)}
    with override_settings(DEMO_MODE=False):
        assert client.get("/double-facteur/verifier/").context["demo_code"] == ""


@pytest.mark.django_db
def test_otp_reset_removes_devices_and_asks_to_enrol_again(client, make_user):
    admin = make_user(Role.ADMIN_PLATEFORME)
    user = make_user(Role.AGENT_CPAM, password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    services.otp_reset(user=user, actor=admin)
    assert not services.has_confirmed_device(user=user)
    _login(client, user)
    assert client.get("/")["Location"].startswith("/double-facteur/activer/")


@pytest.mark.django_db
def test_otp_reset_command(make_user):
    from django.core.management import CommandError, call_command

    user = make_user(Role.AGENT_ARS)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    call_command("otp_reset", user.email.upper())
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(event_type="platform.otp_reset").exists()
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("otp_reset", "personne@exemple.fr")


@pytest.mark.django_db
def test_enrolling_again_is_no_way_around_an_existing_device(client, make_user):
    user = make_user(Role.ADMIN_PLATEFORME, password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    _login(client, user)
    response = client.get("/double-facteur/activer/")
    assert response.status_code == 302 and response["Location"].startswith("/double-facteur/verifier/")
    client.post("/double-facteur/activer/", {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=user)) == [device]  # nothing pending, nothing replaced
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/double-facteur/activer/", "/double-facteur/verifier/"])
@pytest.mark.django_db
def test_second_factor_pages_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert client.post(path, {"code": "123456"})["Location"].startswith("/connexion/")


@pytest.mark.django_db
def test_the_tests_codes_follow_a_drift_learnt_at_enrolment(make_user):
    """A step boundary crossed while enrolling (the browser journey waits 1.1 s after a wrong code)
    leaves the device a drift of -1: the next code the tests compute must still be accepted."""
    import time as _time

    user = make_user(Role.AGENT_CPAM)
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True, drift=-1)
    counter = int((_time.time() - device.t0) // device.step) + device.drift
    device.last_t = counter  # the current counter was just used
    device.save()
    assert device.verify_token(next_code(device))

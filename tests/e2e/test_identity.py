"""Identity journeys (issue 13): Pro Santé Connect against a test OIDC provider on 127.0.0.1, the
regulator's account arriving at the demo editor (INT_R02), and a CPAM agent enrolling TOTP."""

from __future__ import annotations

import base64
import threading
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from planning.demo import DEMO_SOURCE_NAME
from planning.models import AgendaSource, RegulatorAccount
from sas_platform.enums import Role
from tests.factories import UserFactory
from tests.otp import code_for
from tests.psc_provider import OidcProvider

REGULATOR_RPPS = "10003384327"  # regulateur@demo.sas (sas_platform.demo)


@pytest.fixture
def psc(settings):
    provider = OidcProvider().start()
    provider.settings_for(settings)
    yield provider
    provider.stop()


@pytest.fixture
def editor():
    from demo_editor.server import make_server

    server = make_server(port=0, platform_url="http://127.0.0.1:9", token="jeton-de-test")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_tasks(monkeypatch):
    from sas_platform.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)


def test_regulator_signs_in_with_psc_lands_on_the_desk_and_the_editor_has_the_account(
    page, live_server, demo_world, psc, editor, eager_tasks, screenshot
):
    AgendaSource.objects.filter(name=DEMO_SOURCE_NAME).update(base_url=f"{editor.url}/fhir")
    psc.identity = {
        "preferred_username": f"8{REGULATOR_RPPS}",
        "acr": "eidas1",
        "claims": {"Acces_Regulation_Medicale": "FR"},
    }
    page.goto(f"{live_server.url}/regulation/")
    expect(page).to_have_url(f"{live_server.url}/connexion/?next=/regulation/")
    screenshot(page, "identity-login-psc-button")
    page.get_by_role("link", name="Se connecter avec Pro Santé Connect").click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(f"{live_server.url}/regulation/")
    expect(page.get_by_text("Accès à la régulation médicale selon Pro Santé Connect : FR")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("Paul")
    screenshot(page, "identity-psc-regulator-desk")
    assert psc.authorize_requests[-1]["acr_values"] == "eidas1"

    received = editor.RequestHandlerClass.state.regulators.received
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.2)
    method, practitioner = received[-1]
    assert method == "POST" and practitioner["active"] is True
    assert practitioner["identifier"][0]["value"] == f"8{REGULATOR_RPPS}"
    assert RegulatorAccount.objects.get(user__email="regulateur@demo.sas").status == "ok"


def test_cpam_agent_enrols_totp_then_signs_in_with_it(page, live_server, demo_platform, screenshot):
    UserFactory(
        email="agent.cpam@exemple.fr",
        password="mot-de-passe-solide-42",
        roles=[Role.AGENT_CPAM],
        territories=["13"],
    )

    def password_step():
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Adresse électronique").fill("agent.cpam@exemple.fr")
        page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")

    password_step()
    expect(page).to_have_url(f"{live_server.url}/double-facteur/activer/?next=%2F")
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    screenshot(page, "identity-otp-enrol")
    # Like an authenticator app: the code from the key shown on the page.
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    page.get_by_label("Code à usage unique").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_text("Code incorrect")).to_be_visible()
    page.get_by_label("Code à usage unique").fill(code)
    time.sleep(1.1)  # the throttle after one wrong code (1 s)
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(page, "identity-otp-recovery-codes")
    page.get_by_role("link", name="Continuer").click()
    expect(page.locator('section[data-role="agent_cpam"]')).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    password_step()
    expect(page).to_have_url(f"{live_server.url}/double-facteur/verifier/?next=%2F")
    screenshot(page, "identity-otp-verify")
    page.goto(f"{live_server.url}/admin/")  # nothing else before the second factor
    expect(page).to_have_url(f"{live_server.url}/double-facteur/verifier/?next=%2Fadmin%2F")
    page.goto(f"{live_server.url}/")
    page.get_by_label("Code à usage unique").fill(code_for("agent.cpam@exemple.fr"))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator('section[data-role="agent_cpam"]')).to_be_visible()
    screenshot(page, "identity-otp-cpam-signed-in")

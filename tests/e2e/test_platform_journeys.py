"""One journey per role: log in, land on the role's home, log out."""

import pytest
from playwright.sync_api import expect

from sas_platform.demo import DEMO_USERS


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=lambda u: u.role.value)
def test_role_journey(page, live_server, demo_platform, login, screenshot, demo_user):
    login(page, demo_user.email)
    expect(page.locator(f'section[data-role="{demo_user.role.value}"]')).to_be_visible()
    expect(page.locator(".fr-header")).to_be_visible()
    expect(page.locator(".fr-footer")).to_be_visible()
    screenshot(page, f"home-{demo_user.role.value}")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")


def test_wrong_password_then_success(page, live_server, demo_platform, login, screenshot):
    login(page, "osnp@demo.sas", password="pas-le-bon-mot-de-passe")
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_role("alert")).to_contain_text("Adresse électronique ou mot de passe incorrect.")
    screenshot(page, "login-wrong-password")
    login(page, "osnp@demo.sas")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator('section[data-role="osnp"]')).to_be_visible()


def test_login_page_layout(page, live_server, screenshot):
    page.goto(f"{live_server.url}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_label("Adresse électronique")).to_be_focused()  # autofocus
    screenshot(page, "login")
    # The skip link shows on focus and takes keyboard users to the content.
    skip = page.locator('.fr-skiplinks a[href="#contenu"]')
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()


def test_api_docs_render_offline(page, live_server, demo_platform, login, screenshot):
    """Swagger UI draws the schema with only the live server's own files (no CDN)."""
    outside: list[str] = []
    csp_errors: list[str] = []

    def _only_local(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", _only_local)
    page.on(
        "console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    login(page, "admin@demo.sas")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API de la plateforme SAS & CPTS")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    screenshot(page, "api-docs")
    assert outside == []
    assert csp_errors == []

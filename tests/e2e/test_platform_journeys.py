"""One journey per role: log in, land on the role's home, log out."""

import pytest
from playwright.sync_api import expect

from sas_platform.demo import DEMO_USERS


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=lambda u: u.role.value)
def test_role_journey(page, live_server, demo_world, login, screenshot, demo_user):
    login(page, demo_user.email)
    expect(page.locator(f'section[data-role="{demo_user.role.value}"]')).to_be_visible()
    expect(page.locator(".fr-header")).to_be_visible()
    expect(page.locator(".fr-footer")).to_be_visible()
    screenshot(page, f"home-{demo_user.role.value}")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")

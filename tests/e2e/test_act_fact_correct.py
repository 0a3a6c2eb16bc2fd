"""Browser journey (issue 12 §3): a SAS administrator corrects an act's pay facts on its page; a
wrong RPPS key is refused in French and changes nothing; the correction shows its message and
history. The page is checked for accessibility and at 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sas_platform.demo import DEMO_PASSWORD
from sas_platform.enums import Role
from sas_platform.models import User
from sas_platform.services import user_create
from tests.remuneration.conftest import make_acts, paris


@pytest.fixture
def act(demo_platform):
    user_create(
        email="sas13@demo.sas",
        password=DEMO_PASSWORD,
        roles=[Role.ADMIN_SAS],
        territories=["13"],
        first_name="Inès",
        last_name="Marchand",
    )
    [fact] = make_acts([{"start": paris(2026, 10, 5, 9, 0)}], actor=User.objects.get(email="arm@demo.sas"))
    return fact


def test_a_sas_administrator_corrects_an_act(page, live_server, login, act, screenshot):
    login(page, "sas13@demo.sas")
    # The administrator finds the act from the menu: the territory's acts of October 2026.
    page.get_by_role("link", name="Actes rémunérés").first.click()
    page.get_by_label("Mois du rendez-vous").fill("2026-10")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_test_id("act-count")).to_have_text("1 acte.")
    screenshot(page, "act-facts-list")
    page.get_by_test_id("act-rows").get_by_role("link", name="Ouvrir").click()
    expect(page).to_have_url(f"{live_server.url}/regulation/actes/{act.pk}/")
    form = page.get_by_test_id("act-correct")
    form.get_by_label("RPPS de l'effecteur").fill("10003384328")
    form.get_by_label("Motif de la correction").fill("Remplaçant")
    form.get_by_role("button", name="Enregistrer la correction").click()
    expect(page.get_by_text("clé de contrôle incorrecte").first).to_be_visible()
    act.refresh_from_db()
    assert act.rpps == "10101010105" and act.corrected_at is None
    screenshot(page, "act-fact-refused")

    form = page.get_by_test_id("act-correct")
    form.get_by_label("RPPS de l'effecteur").fill("10101010105")
    form.get_by_label("Issue").select_option("noshow")
    form.get_by_label("Motif de la correction").fill("Patient non venu")
    form.get_by_role("button", name="Enregistrer la correction").click()
    expect(page.get_by_text("régularisée sur le prochain bordereau")).to_be_visible()
    expect(page.get_by_test_id("act-corrections")).to_contain_text("Patient non venu")
    act.refresh_from_db()
    assert act.outcome == "noshow" and act.corrected_at is not None
    screenshot(page, "act-fact-corrected")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "act-fact-corrected-375")

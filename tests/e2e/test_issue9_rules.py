"""Browser journeys of issue 9 points 2, 6, 7 and 8 on the demo (Chromium): an implausible
appointment is refused with its year shown; an overlapping block is refused naming the block; the
2 h/week page counts doctors and credits interfaced agendas; an ARM is offered neither « Prendre »
nor « Vers l'AMU » on a dossier waiting for the OSNP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _regulated(demo_world):
    """A fresh dossier routed by the ARM and regulated « RDV sous 48 h » by the régulateur."""
    from regulation import services
    from regulation.enums import Decision, Transition
    from sas_platform.models import Commune, User

    regulateur = User.objects.get(email="regulateur@demo.sas")
    dossier = services.dossier_open(
        actor=User.objects.get(email="arm@demo.sas"),
        territory_code="13",
        commune=Commune.objects.get(insee_code="13055"),
        reason="Otalgie depuis hier (issue 9)",
        route=Transition.ROUTE_GENERAL_PRACTICE,
        patient_last_name="Garnier",
        patient_age=29,
    )
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    return dossier


def test_point8_arm_is_not_offered_claim_or_amu_on_a_dossier_waiting_for_the_osnp(
    page, live_server, login, screenshot, demo_world
):
    dossier = _regulated(demo_world)
    login(page, "arm@demo.sas")
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/")
    expect(page.locator("h1")).to_contain_text(dossier.reference)
    expect(page.locator("[data-testid=claim]")).to_have_count(0)
    expect(page.locator("[data-testid=route-amu]")).to_have_count(0)
    screenshot(page, "issue9-arm-dossier-waiting-for-osnp")
    page.goto(f"{live_server.url}/regulation/")
    expect(page.locator(f"[data-testid=claim-{dossier.reference}]")).to_have_count(0)
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "osnp@demo.sas")  # the OSNP takes it
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/")
    page.locator("[data-testid=claim]").click()
    expect(page).to_have_url(re.compile(r"/orientation/"))
    screenshot(page, "issue9-osnp-claims")


def test_point2_mt_appointment_in_2020_is_refused_with_its_year(
    page, live_server, login, screenshot, demo_world
):
    from regulation.models import Booking, Dossier

    dossier = _regulated(demo_world)
    login(page, "osnp@demo.sas")
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/orientation/")
    page.locator("select[name=result]").first.select_option("appointment")
    page.locator("input[name=name]").fill("Dr Anne Lefèvre")
    page.locator("input[name=appointment_start]").fill("2020-01-01T10:00")
    page.get_by_role("button", name="Enregistrer l'appel au médecin traitant").click()
    expect(page.locator("#messages")).to_contain_text("L'heure du rendez-vous (01/01/2020 10:00) est passée")
    screenshot(page, "issue9-mt-appointment-2020-refused")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "regulated" and not Booking.objects.filter(dossier=dossier).exists()


def test_point6_overlapping_block_is_refused_naming_the_block(
    page, live_server, login, screenshot, demo_world
):
    from planning.models import DeclaredAvailability

    login(page, "effecteur@demo.sas")
    page.goto(f"{live_server.url}/planning/disponibilites/")
    before = DeclaredAvailability.objects.filter(is_active=True).count()

    def declare(start, end):
        page.locator("select[name=kind]").select_option("weekly")
        page.locator("select[name=weekday]").select_option("0")
        page.locator("input[name=start_time]").fill(start)
        page.locator("input[name=end_time]").fill(end)
        # A DSFR checkbox: its label is what the user clicks (the input sits under it).
        page.locator(
            "label[for=" + page.locator("input[name=modalities][value=AMB]").get_attribute("id") + "]"
        ).click()
        expect(page.locator("input[name=modalities][value=AMB]")).to_be_checked()
        page.get_by_role("button", name="Enregistrer").click()

    declare("18:00", "20:00")
    expect(page.locator("#messages")).to_contain_text("Disponibilité enregistrée")
    declare("19:00", "21:00")
    expect(page.locator(".fr-alert--error")).to_contain_text(
        "Ce créneau chevauche une disponibilité déjà déclarée : lundi 18:00–20:00."
    )
    screenshot(page, "issue9-overlap-refused")
    assert DeclaredAvailability.objects.filter(is_active=True).count() == before + 1


def test_point7_rule_page_counts_doctors_and_credits_interfaced_agendas(
    page, live_server, login, screenshot, demo_world
):
    login(page, "coordinateur@demo.sas")
    page.goto(f"{live_server.url}/planning/structures/")
    lead = page.locator("[data-testid=meeting-now]")
    expect(lead).to_contain_text(re.compile(r"\d+ médecins? sur \d+"))
    expect(page.locator("[data-testid=reason]").first).to_be_visible()
    reasons = " ".join(page.locator("[data-testid=reason]").all_inner_texts())
    assert "Agenda en ligne interfacé" in reasons or "déclarées" in reasons
    screenshot(page, "issue9-structure-rule")
    met, total = map(int, re.findall(r"\d+", lead.inner_text())[:2])
    assert total > 0 and met > 0, lead.inner_text()  # « 0 membres sur 148 » no more

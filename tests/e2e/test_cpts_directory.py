"""Journeys of the directory (issue 3), in Chromium against the live server and the demo data.

- a regulator finds the GPs within 10 km of a commune who accept surnuméraire requests;
- a coordinator sees their CPTS (territory, size), adds a member and declares their participation;
- a doctor declares "je participe au SAS via ma CPTS".
"""

from __future__ import annotations

from playwright.sync_api import expect

from cpts.models import Membership, PracticePlace, SasParticipation, StructureCoordinator


def test_regulator_finds_gps_near_a_commune_accepting_surnumeraire(
    page, live_server, demo_world, login, screenshot
):
    login(page, "regulateur@demo.sas")
    page.get_by_role("link", name="Annuaire").first.click()
    expect(page.get_by_role("heading", name="Annuaire de l'offre de soins")).to_be_visible()
    commune = page.get_by_role("combobox", name="Commune")
    commune.press_sequentially("Aubag", delay=40)  # the autocomplete, used with the keyboard only
    options = page.locator("#directory-commune-options [role=option]")
    expect(options.first).to_contain_text("Aubagne")
    commune.press("ArrowDown")
    expect(commune).to_have_attribute("aria-activedescendant", "directory-commune-options-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    screenshot(page, "cpts-directory-autocomplete")
    commune.press("Enter")  # chooses the option; does not submit the form
    expect(commune).to_have_value("Aubagne (INSEE 13005)")
    expect(commune).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("directory-row")).to_have_count(0)
    page.get_by_label("Rayon de recherche").select_option("10")
    page.get_by_label("Spécialité (savoir-faire)").select_option("SM54")
    page.get_by_text("Accepte le surnuméraire").click()
    page.get_by_role("button", name="Rechercher").click()
    rows = page.get_by_test_id("directory-row")
    expect(rows.first).to_be_visible()
    expect(page.get_by_text("autour de Aubagne (13400)")).to_be_visible()
    assert rows.count() == page.get_by_test_id("badge-surnumeraire").count() > 0
    distances = [
        float(t.split()[0].replace(",", ".")) for t in rows.locator("td:nth-child(3)").all_inner_texts()
    ]
    assert distances == sorted(distances)
    assert distances[-1] <= 10
    assert "commune=Aubagne" in page.url  # hx-push-url: the search can be shared and reloaded
    screenshot(page, "cpts-directory-regulator")
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Historique de participation au SAS")).to_be_visible()
    expect(page.get_by_text("Participe au SAS").first).to_be_visible()
    screenshot(page, "cpts-professional")


def test_coordinator_sees_their_cpts_adds_a_member_and_declares_for_them(
    page, live_server, demo_world, login, screenshot
):
    cpts = StructureCoordinator.objects.get(user__email="coordinateur@demo.sas").structure
    newcomer = (
        PracticePlace.objects.filter(professional__profession_code="10", commune_id="13001")
        .exclude(professional__memberships__structure=cpts)
        .exclude(professional__participations__isnull=False)
        .select_related("professional")
        .first()
        .professional
    )
    login(page, "coordinateur@demo.sas")
    page.get_by_role("link", name="Ma CPTS").first.click()
    expect(page.get_by_role("heading", name="CPTS Marseille Centre", level=1)).to_be_visible()
    expect(page.get_by_test_id("cpts-size")).to_contain_text("taille 4")
    expect(page.get_by_test_id("cpts-communes")).to_contain_text("13201")
    screenshot(page, "cpts-coordinator-structure")

    page.get_by_label("RPPS du professionnel").fill(newcomer.identifier)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text(f"{newcomer} est désormais membre")).to_be_visible()
    row = page.get_by_test_id("member-row").filter(has_text=newcomer.identifier)
    row.get_by_role("link", name="Déclarer sa participation").click()
    expect(
        page.get_by_role("heading", name=f"Déclarer la participation au SAS de {newcomer}")
    ).to_be_visible()
    page.get_by_text("J'accepte les demandes de prise en charge en surnuméraire").click()
    page.get_by_text("Agenda en ligne interfacé").click()
    page.get_by_role("button", name="Enregistrer la participation").click()
    # The field's own message, and the error summary at the top of the form linking to the field.
    expect(
        page.locator(".fr-message--error", has_text="Recueillez le consentement du médecin")
    ).to_be_visible()
    expect(page.get_by_test_id("error-summary").locator('a[href="#id_consent"]')).to_be_visible()
    assert not SasParticipation.objects.filter(professional=newcomer).exists()
    page.get_by_text("Agenda en ligne interfacé").click()
    page.locator('label[for="id_consent"]').click()  # the field, not its link in the error summary
    page.get_by_role("button", name="Enregistrer la participation").click()
    expect(page.get_by_text(f"Participation au SAS de {newcomer} enregistrée")).to_be_visible()
    participation = SasParticipation.objects.get(professional=newcomer)
    assert (participation.structure, participation.accepts_surnumeraire) == (cpts, True)
    assert participation.consent_recorded_at is not None
    assert Membership.objects.filter(professional=newcomer, structure=cpts, end_date__isnull=True).exists()
    screenshot(page, "cpts-coordinator-declared")


def test_doctor_declares_via_their_cpts(page, live_server, demo_world, login, screenshot):
    login(page, "effecteur@demo.sas")
    page.get_by_role("link", name="Je participe au SAS").first.click()
    expect(page.get_by_test_id("current-participation")).to_contain_text("À titre individuel")
    page.get_by_text("Via ma CPTS").click()
    page.get_by_label("Structure").select_option(label="CPTS Marseille Centre")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre participation au SAS est enregistrée.")).to_be_visible()
    expect(page.get_by_test_id("current-participation")).to_contain_text(
        "Via ma CPTS (CPTS Marseille Centre)"
    )
    screenshot(page, "cpts-doctor-participation")

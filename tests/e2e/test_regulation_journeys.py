"""Browser journeys of the regulation desk (issue 5 "Done when"), on the demo territory (SAS 13).

1. ARM picks up and routes → régulateur decides « RDV sous 48 h » → OSNP books an editor's slot
   through the demo editor's booking page → the editor's feedback (FHIR) confirms it → outcome
   fulfilled → dossier closed with its timeline.
2. OSNP orients to surnuméraire through a CPTS; the CPTS's coordinator answers with the doctor's name.
"""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect

from regulation.enums import DossierState
from regulation.models import Dossier

EDITOR_TOKEN = "jeton-editeur-e2e"


@pytest.fixture
def demo_editor(live_server):
    """The demo agenda editor, sending its appointment feedback to the live server."""
    from demo_editor.server import make_server

    server = make_server(port=0, platform_url=live_server.url, token=EDITOR_TOKEN)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def editor_slots(demo_world, demo_editor, monkeypatch):
    """Three GPs in Marseille whose agendas the platform aggregates from the demo editor.

    The demo's own source (``agenda-demo``, served by ``bin/run-demo`` on port 8100) is not running
    here: it is switched off so that the search shows this test's editor. The editor receives the
    SAS's regulator accounts (INT_R02), sent when they sign in (Celery tasks run eagerly here)."""
    from sas_platform.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
    from planning.enums import SourceKind
    from planning.models import AgendaSource

    AgendaSource.objects.filter(name="agenda-demo").update(is_active=False)
    from planning.services import source_create, source_poll
    from tests.regulation.factories import luhn_rpps, participation, professional

    doctors = [
        professional(last_name=name, rpps=luhn_rpps(f"1099{i:06d}"))[0]
        for i, name in enumerate(["Aubert", "Brun", "Carré"])
    ]
    for doctor in doctors:
        participation(doctor)
    source = source_create(
        name="editeur-e2e",
        label="Éditeur e2e",
        base_url=f"{demo_editor.url}/fhir",
        kind=SourceKind.FHIR_SAS_IG,
        departement_code="13",
        rpps_list=[d.identifier for d in doctors],
        feedback_token=EDITOR_TOKEN,
    )
    source.manages_regulator_accounts = True
    source.save(update_fields=["manages_regulator_accounts"])
    run = source_poll(source_id=source.pk)
    assert run.created > 0, run.errors if hasattr(run, "errors") else run
    return doctors


def choose_commune(page, text: str):
    search = page.locator("#commune-search")
    search.fill(text)
    expect(page.locator("#commune-options [role=option]").first).to_be_visible()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_address")).to_be_focused()


def test_arm_picks_up_regulator_decides_osnp_books_editor_slot(
    page, live_server, login, screenshot, editor_slots
):
    # 1. ARM: keyboard-first pick-up, created and routed in one action.
    login(page, "arm@demo.sas")
    page.goto(f"{live_server.url}/regulation/appel/")
    expect(page.locator("#id_origin")).to_be_focused()
    page.select_option("#id_origin", "116117")
    page.keyboard.press("Tab")
    page.keyboard.type("Sylvie Morel")  # caller name: focus follows the form order
    page.fill("#id_caller_phone", "0612345678")
    page.fill("#id_patient_last_name", "Morel")
    page.fill("#id_patient_first_name", "Jules")
    page.fill("#id_patient_age", "7")
    choose_commune(page, "13001")  # by postal code
    page.locator("#commune-search").fill("")
    choose_commune(page, "Marseille")  # by name
    page.fill("#id_reason", "Fièvre à 39 °C depuis 2 jours, otalgie droite")
    screenshot(page, "regulation-arm-pickup")
    page.get_by_role("button", name=re.compile("Médecine générale")).click()
    expect(page.locator("#messages")).to_contain_text("orienté vers la médecine générale")
    dossier = Dossier.objects.get(patient_last_name="Morel")
    assert (dossier.state, dossier.commune_id, dossier.origin) == (
        DossierState.GENERAL_PRACTICE,
        "13055",
        "116117",
    )
    page.get_by_role("button", name="Se déconnecter").click()

    # 2. Régulateur: the queue, claim, decision « RDV sous 48 h ».
    login(page, "regulateur@demo.sas")
    page.goto(f"{live_server.url}/regulation/")
    row = page.locator(f'tr[data-reference="{dossier.reference}"]')
    expect(row).to_be_visible()
    screenshot(page, "regulation-queue")
    row.get_by_role("button", name="Prendre").click()
    expect(page).to_have_url(re.compile(rf"/regulation/dossiers/{dossier.pk}/decision/"))
    # A DSFR radio: its label is what the user clicks (the input sits under it).
    page.locator("label", has_text="RDV en ville sous 48 h (cabinet)").click()
    expect(page.get_by_label("RDV en ville sous 48 h (cabinet)")).to_be_checked()
    screenshot(page, "regulation-decision")
    page.get_by_role("button", name=re.compile("Enregistrer la décision")).click()
    expect(page.locator("#messages")).to_contain_text("Décision enregistrée")
    page.get_by_role("button", name="Se déconnecter").click()

    # 3. OSNP: claim, search within 48 h, book an editor's slot at the editor with origin=sas.
    login(page, "osnp@demo.sas")
    page.goto(f"{live_server.url}/regulation/")
    page.locator(f'tr[data-reference="{dossier.reference}"]').get_by_role("button", name="Prendre").click()
    expect(page).to_have_url(re.compile(rf"/regulation/dossiers/{dossier.pk}/orientation/"))
    first = (
        page.locator("#slot-results tbody tr")
        .filter(has_text="Éditeur e2e")
        .filter(has=page.get_by_role("button", name="Réserver chez l'éditeur"))
        .first
    )
    expect(first).to_be_visible()
    screenshot(page, "regulation-osnp-orientation")
    first.get_by_role("button", name="Réserver chez l'éditeur").click()
    expect(page.locator("[data-testid=active-booking]")).to_contain_text("Créneau retenu")
    page.locator("[data-testid=editor-link]").click()
    expect(page).to_have_url(re.compile(r"origin=sas"))
    expect(page.locator("body")).to_contain_text("Connexion depuis le SAS")
    # The OSNP's account reached the editor when she signed in (INT_R02): she books under it.
    expect(page.get_by_label("Compte régulateur")).to_contain_text("Léa FABRE")
    page.fill("input[name=patient]", "Jules Morel")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.locator("[data-feedback]")).to_contain_text("HTTP 201")
    screenshot(page, "regulation-editor-booked")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ORIENTED

    # 4. Outcome entered by hand: fulfilled → closed, with the timeline.
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/")
    expect(page.locator("[data-testid=booking]")).to_contain_text("RDV pris")
    page.select_option("select[name=status]", "fulfilled")
    page.get_by_role("button", name="Enregistrer l'issue").click()
    expect(page.locator("[data-testid=closed]")).to_contain_text("issue connue")
    timeline = page.locator("[data-testid=timeline]")
    for step in [
        "Dossier ouvert",
        "Orienté vers la médecine générale",
        "Décision du régulateur",
        "Créneau d'éditeur retenu",
        "Retour de l'éditeur (RDV)",
        "Patient orienté",
        "Issue du rendez-vous",
        "Dossier clos",
    ]:
        expect(timeline).to_contain_text(step)
    screenshot(page, "regulation-dossier-closed")


def test_osnp_orients_to_surnumeraire_through_a_cpts(page, live_server, login, screenshot, demo_world):
    from cpts.enums import ParticipationMode
    from regulation import services
    from regulation.enums import Decision, Transition
    from sas_platform.models import Commune, User
    from tests.regulation.factories import member, participation, professional, structure

    coordinator = User.objects.get(email="coordinateur@demo.sas")
    cpts = structure(name="CPTS Marseille Sud (e2e)", coordinator=coordinator)
    for name in ["Durand", "Petit"]:
        doctor = professional(last_name=name)[0]
        participation(doctor, mode=ParticipationMode.CPTS, structure=cpts)
        member(doctor, cpts)
    dossier = services.dossier_open(
        actor=User.objects.get(email="arm@demo.sas"),
        territory_code="13",
        commune=Commune.objects.get(insee_code="13055"),
        reason="Douleur abdominale modérée depuis ce matin",
        route=Transition.ROUTE_GENERAL_PRACTICE,
        patient_last_name="Leroy",
        patient_age=45,
    )
    regulateur = User.objects.get(email="regulateur@demo.sas")
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    services.dossier_decide(
        dossier_id=dossier.pk,
        actor=regulateur,
        decision=Decision.APPOINTMENT_48H,
    )

    login(page, "osnp@demo.sas")
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/orientation/")
    page.select_option("#id_result", "unreachable")
    page.get_by_role("button", name="Enregistrer l'appel au médecin traitant").click()
    expect(page.locator("#messages")).to_contain_text("Appel au médecin traitant enregistré")
    candidates = page.locator("[data-testid=candidates-structure]")
    expect(candidates).to_contain_text("CPTS Marseille Sud (e2e)")
    candidates.locator("select[name=channel]").first.select_option("platform")
    candidates.get_by_role("button", name="Demande faite").first.click()
    expect(page.locator("#messages")).to_contain_text("Demande en surnuméraire enregistrée")
    screenshot(page, "regulation-osnp-surnumeraire")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "coordinateur@demo.sas")
    page.goto(f"{live_server.url}/regulation/structures/demandes/")
    card = page.locator("[data-testid=structure-request]").first
    expect(card).to_contain_text(dossier.reference)
    card.locator("select[name=status]").select_option("accepted")
    durand = cpts.memberships.get(professional__last_name="Durand").professional
    card.locator("select[name=member]").select_option(durand.identifier)  # a pick among the members
    screenshot(page, "regulation-coordinator-requests")
    card.get_by_role("button", name="Répondre au SAS").click()
    expect(page.locator("#messages")).to_contain_text("Patient pris en charge")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.orientation_result, dossier.orientation_category) == (
        DossierState.ORIENTED,
        "surnumeraire",
        "CPTS",
    )
    booking = dossier.bookings.get()
    assert (booking.is_surnumeraire, booking.doctor_name, booking.rpps) == (
        True,
        "Dr Claire Durand",
        durand.identifier,
    )

"""Browser journeys of issue 9 (points 3, 4, 5 and the phone-width queue of point 12).

Screenshots go to ``var/screenshots/`` (git-ignored) and were looked at.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
EDITOR_TOKEN = "jeton-editeur-e2e-9"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"issue9-{name}.png"), full_page=True)


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


@pytest.fixture
def demo_editor(live_server):
    from demo_editor.server import make_server

    server = make_server(port=0, platform_url=live_server.url, token=EDITOR_TOKEN)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def _badge_count(page, role: str) -> int:
    section = page.locator(f'[data-testid="home-status-{role}"]')
    expect(section).to_be_visible()
    badge = section.locator("[data-count]")
    return int(badge.get_attribute("data-count")) if badge.count() else 0


def test_home_pages_tell_what_the_pages_show(page, live_server, login, demo_world):
    """Point 5: each role's home counts what the linked page lists (same selector, same scope)."""
    from regulation import selectors
    from regulation.enums import DossierState
    from sas_platform.models import User

    regulateur = User.objects.get(email="regulateur@demo.sas")
    waiting = selectors.open_dossier_count(user=regulateur)[DossierState.GENERAL_PRACTICE]
    assert waiting > 0, "the demo has dossiers waiting for a decision"

    login(page, "regulateur@demo.sas")
    assert _badge_count(page, "regulateur") == waiting
    expect(page.locator('[data-testid="home-status-regulateur"]')).not_to_contain_text("Aucun dossier")
    shot(page, "home-regulateur")
    page.get_by_role("link", name="File d'attente").first.click()
    rows = page.locator("#queue-rows tbody tr").filter(has_text="Médecine générale")
    expect(rows).to_have_count(waiting)
    logout(page)

    login(page, "arm@demo.sas")
    expect(page.locator('[data-testid="home-status-arm"]')).to_be_visible()
    shot(page, "home-arm")
    logout(page)

    login(page, "coordinateur@demo.sas")
    pending = _badge_count(page, "coordinateur_structure")
    shot(page, "home-coordinateur")
    page.get_by_role("link", name="Demandes du SAS").first.click()
    expect(page.locator("[data-testid=structure-request]")).to_have_count(pending)
    logout(page)

    login(page, "effecteur@demo.sas")
    status = page.locator('[data-testid="home-status-effecteur"]')
    expect(status).to_contain_text("Vous participez au SAS depuis le")
    expect(status).not_to_contain_text("pas encore déclaré")
    shot(page, "home-effecteur")
    logout(page)

    login(page, "cpam@demo.sas")
    cpam = page.locator('[data-testid="home-status-agent_cpam"]')
    expect(cpam).to_contain_text("à marquer payé")  # the demo's locked month (issue 12)
    expect(page.locator("main")).not_to_contain_text("pas encore disponible")
    shot(page, "home-cpam")


def test_walk_in_slot_shown_sans_rendez_vous_and_not_bookable(
    page, live_server, login, demo_world, demo_editor
):
    """Point 3: a WALKIN slot of an editor is marked « Sans rendez-vous », with where and when instead
    of a booking button; the bookable ones keep « Réserver chez l'éditeur »."""
    from planning.enums import SourceKind
    from planning.models import AgendaSource, Slot
    from planning.services import source_create, source_poll
    from regulation import services
    from regulation.enums import Decision, Transition
    from sas_platform.models import Commune, User
    from tests.regulation.factories import luhn_rpps, participation, professional

    AgendaSource.objects.filter(name="agenda-demo").update(is_active=False)
    doctors = [
        professional(last_name=n, rpps=luhn_rpps(f"1098{i:06d}"))[0] for i, n in enumerate(["Abel", "Bodin"])
    ]
    for doctor in doctors:
        participation(doctor)
    source = source_create(
        name="editeur-e2e-9",
        label="Éditeur e2e",
        base_url=f"{demo_editor.url}/fhir",
        kind=SourceKind.FHIR_SAS_IG,
        departement_code="13",
        rpps_list=[d.identifier for d in doctors],
        feedback_token=EDITOR_TOKEN,
    )
    source_poll(source_id=source.pk)
    # The editor's agenda announces this slot as WALKIN (``appointmentType``), as parsed on ingest.
    walk_in = (
        Slot.objects.filter(source=source, start__gte=timezone.now() + dt.timedelta(minutes=30))
        .order_by("start")
        .first()
    )
    assert walk_in is not None
    Slot.objects.filter(pk=walk_in.pk).update(bookable=False, address="3 rue Colbert, 13001 Marseille")

    arm, regulateur = (User.objects.get(email=f"{r}@demo.sas") for r in ("arm", "regulateur"))
    dossier = services.dossier_open(
        actor=arm,
        territory_code="13",
        commune=Commune.objects.get(insee_code="13055"),
        reason="Fièvre",
        route=Transition.ROUTE_GENERAL_PRACTICE,
        patient_last_name="Roche",
        patient_age=40,
    )
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)

    login(page, "osnp@demo.sas")
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/orientation/")
    row = page.locator(f'#slot-results tr[data-slot="{walk_in.pk}"]')
    expect(row).to_contain_text("Sans rendez-vous")
    expect(row).to_contain_text("se présente sans rendez-vous")
    expect(row.get_by_role("button")).to_have_count(0)
    others = page.locator("#slot-results tbody tr").filter(has_not_text="Sans rendez-vous")
    expect(others.first.get_by_role("button", name="Réserver chez l'éditeur")).to_be_visible()
    expect(page.locator("[data-testid=search-scope]")).to_contain_text("dans un rayon de")
    row.scroll_into_view_if_needed()
    shot(page, "walk-in-slot")
    assert Slot.objects.get(pk=walk_in.pk).status == "free"


def test_demo_editor_names_the_platform_doctor(page, live_server, login, demo_world, demo_editor):
    """Point 4: the editor's booking page shows the doctor the platform shows for the same RPPS."""
    from cpts.models import Professional
    from demo_editor.agenda import free_slots

    now = timezone.now()
    doctor, slot = None, None
    for candidate in Professional.objects.filter(
        identifier__startswith="1013", profession_code="10"
    ).order_by("identifier")[1:40]:
        found = free_slots(candidate.identifier, now, now + dt.timedelta(hours=48), now=now)
        if found:
            doctor, slot = candidate, found[0]
            break
    assert doctor is not None

    login(page, "regulateur@demo.sas")
    page.goto(f"{live_server.url}/annuaire/professionnels/{doctor.pk}/")
    expect(page.locator("h1")).to_contain_text(doctor.last_name)
    shot(page, "platform-doctor")
    page.goto(f"{demo_editor.url}/rdv/{doctor.identifier}?creneau={slot.id}&origin=sas")
    expect(page.locator(".box")).to_contain_text(f"Dr {doctor.first_name} {doctor.last_name}")
    shot(page, "editor-same-doctor")


def test_queue_fits_a_phone(page, live_server, login, demo_world):
    """Point 12: the queue's table scrolls inside its DSFR wrapper; the page never overflows a phone."""
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, "regulateur@demo.sas")
    page.goto(f"{live_server.url}/regulation/")
    expect(page.locator("#queue-rows table")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    shot(page, "queue-phone")

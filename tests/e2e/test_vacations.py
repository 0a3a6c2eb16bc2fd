"""Browser journeys of the CPTS vacation planning (issue 11 "Done when").

1. A coordinator creates a planning, sets up a weekly template and a rule, generates next month,
   runs the fair auto-fill, reviews the proposal and publishes.
2. A doctor releases a vacation to the pool and a colleague claims it; the doctor's ICS feed
   shows the change.
3. An OSNP books a vacation's slot for a dossier from the desk.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def cpts(demo_platform):
    """A CPTS coordinated by coordinateur@demo.sas, with three doctors who have accounts."""
    from cpts.models import StructureCoordinator
    from sas_platform.models import User
    from tests.cpts.factories import StructureFactory
    from tests.planning.vacations.factories import member

    structure = StructureFactory(name="CPTS Vieux-Port (e2e)")
    StructureCoordinator.objects.create(
        user=User.objects.get(email="coordinateur@demo.sas"), structure=structure
    )
    doctors = [member(structure, with_account=True) for _ in range(3)]
    return structure, doctors


def test_coordinator_creates_generates_fills_reviews_and_publishes(
    page, live_server, login, screenshot, cpts
):
    structure, _doctors = cpts
    login(page, "coordinateur@demo.sas")
    page.get_by_role("link", name="Plannings de vacations").first.click()
    page.get_by_label("Nom du planning").fill("SNP Vieux-Port")
    page.get_by_role("button", name="Créer le planning").click()
    expect(page.locator("#messages")).to_contain_text("Planning « SNP Vieux-Port » créé")
    page.get_by_role("link", name="Paramétrage").click()
    page.get_by_label("Groupe (nouveau ou existant)").fill("Centre")
    page.locator("#id_t-start_time").fill("14:00")
    page.locator("#id_t-end_time").fill("18:00")
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_text(day, exact=True).click()
    page.get_by_role("button", name="Ajouter le modèle").click()
    expect(page.locator("[data-testid=template]")).to_have_count(5)
    page.get_by_label("Nom de la règle").fill("Deux par semaine")
    page.get_by_label("Valeur (nombre, % ou heures)").fill("2")
    page.get_by_role("button", name="Ajouter la règle").click()
    expect(page.locator("[data-testid=rule]")).to_contain_text("Deux par semaine")
    screenshot(page, "vacations-setup")
    page.get_by_role("link", name="voir le calendrier").click()
    page.get_by_role("link", name="Mois suivant").click()
    page.locator("summary", has_text="Générer ou remplir une période").click()
    page.get_by_role("button", name="Générer les vacations").click()
    expect(page.locator("#messages")).to_contain_text("vacation(s) générée(s)")
    generated = int(re.search(r"(\d+) vacation", page.locator("[data-testid=counts]").inner_text()).group(1))
    assert generated >= 19
    page.locator("summary", has_text="Générer ou remplir une période").click()
    page.get_by_role("button", name="Remplissage automatique équitable").click()
    expect(page.locator("h1")).to_have_text("Proposition de remplissage")
    lines = page.locator("[data-testid=proposal-line]")
    expect(lines.first).to_be_visible()
    screenshot(page, "vacations-proposal")
    proposed = lines.count()
    # Three doctors, two a week each: six a week at most; the rest is explained.
    assert 0 < proposed <= generated
    page.get_by_role("button", name="Appliquer les lignes cochées").click()
    expect(page.locator("#messages")).to_contain_text(f"{proposed} attribution(s) appliquée(s)")
    page.get_by_role("button", name="Publier le mois").click()
    expect(page.locator("#messages")).to_contain_text("publiée(s)")
    screenshot(page, "vacations-calendar-published")
    from planning.vacations.models import Vacation

    assert (
        Vacation.objects.filter(planning__structure=structure, state="assigned", published=True).count()
        == proposed
    )


def test_doctor_releases_to_the_pool_and_a_colleague_claims_it(page, live_server, login, screenshot, cpts):
    from planning.vacations.ics import token_renew
    from planning.vacations.models import Vacation, VacationPlanning, VacationType
    from planning.vacations.services import vacation_assign

    structure, (alice, bob, _carol) = cpts
    planning = VacationPlanning.objects.create(structure=structure, name="SNP Vieux-Port")
    vtype = VacationType.objects.create(
        planning=planning,
        name="SNP cabinet 14 h–18 h",
        default_start="14:00",
        default_end="18:00",
        capacity=4,
    )
    start = (timezone.now() + timedelta(days=4)).replace(hour=13, minute=0, second=0, microsecond=0)
    vacation = Vacation.objects.create(
        planning=planning,
        vacation_type=vtype,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        published=True,
    )
    vacation_assign(vacation_id=vacation.pk, professional_id=alice.pk, actor=None)
    feed = token_renew(actor=None, professional_id=alice.pk)

    login(page, alice.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Mes vacations").first.click()
    expect(page.locator("[data-testid=my-vacation]")).to_have_count(1)
    page.get_by_role("button", name="Remettre au pot commun").click()
    expect(page.locator("#messages")).to_contain_text("Demande envoyée")
    expect(page.locator("[data-testid=my-vacation]")).to_contain_text("Remise au pot commun")
    screenshot(page, "vacations-mine-released")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, bob.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Pot commun").first.click()
    item = page.locator("[data-testid=pool-item]")
    expect(item).to_have_count(1)
    screenshot(page, "vacations-pool")
    item.get_by_role("button", name="Prendre cette vacation").click()
    expect(page.locator("#messages")).to_contain_text("Vacation prise")
    page.get_by_role("link", name="Mes vacations").first.click()
    expect(page.locator("[data-testid=my-vacation]")).to_have_count(1)
    vacation.refresh_from_db()
    assert vacation.assignee_id == bob.pk
    ics = page.request.get(f"{live_server.url}/planning/vacations/calendrier/{feed.token}.ics")
    assert ics.status == 200 and "BEGIN:VCALENDAR" in ics.text() and "VEVENT" not in ics.text()


def test_osnp_books_a_vacation_slot_from_the_desk(page, live_server, login, screenshot, cpts):
    from planning.models import Slot
    from planning.vacations.models import Vacation, VacationPlanning, VacationType
    from planning.vacations.services import vacation_assign
    from regulation import services
    from regulation.enums import Decision, Transition
    from sas_platform.models import Commune, User

    structure, (alice, _bob, _carol) = cpts
    planning = VacationPlanning.objects.create(structure=structure, name="SNP Vieux-Port")
    vtype = VacationType.objects.create(
        planning=planning, name="SNP cabinet", default_start="14:00", default_end="18:00", capacity=4
    )
    start = (timezone.now() + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    vacation = Vacation.objects.create(
        planning=planning, vacation_type=vtype, starts_at=start, ends_at=start + timedelta(hours=2), capacity=4,
        published=True,
    )  # fmt: skip
    vacation_assign(vacation_id=vacation.pk, professional_id=alice.pk, actor=None)
    first_slot = Slot.objects.filter(vacation_link__vacation=vacation).order_by("start").first()
    dossier = services.dossier_open(
        actor=User.objects.get(email="arm@demo.sas"),
        territory_code="13",
        commune=Commune.objects.get(insee_code="13201"),
        reason="Fièvre et toux depuis deux jours",
        route=Transition.ROUTE_GENERAL_PRACTICE,
        patient_last_name="Roche",
        patient_age=34,
    )
    regulator = User.objects.get(email="regulateur@demo.sas")
    services.dossier_claim(dossier_id=dossier.pk, actor=regulator)
    services.dossier_decide(
        dossier_id=dossier.pk,
        actor=regulator,
        decision=Decision.APPOINTMENT_48H,
    )
    login(page, "osnp@demo.sas")
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/")
    page.get_by_role("button", name=re.compile("^Prendre")).first.click()
    page.goto(f"{live_server.url}/regulation/dossiers/{dossier.pk}/orientation/")
    page.select_option("#id_result", "unreachable")
    page.get_by_role("button", name="Enregistrer l'appel au médecin traitant").click()
    row = page.locator(f'tr[data-slot="{first_slot.pk}"]')
    expect(row).to_be_visible()
    screenshot(page, "vacations-osnp-search")
    row.get_by_role("button", name="Réserver").click()
    expect(page.locator("#messages")).to_contain_text("Rendez-vous réservé")
    screenshot(page, "vacations-osnp-booked")
    first_slot.refresh_from_db()
    assert first_slot.status == "booked" and first_slot.booking_reference == dossier.reference

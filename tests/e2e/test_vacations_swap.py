"""Browser journeys of the daily changes between doctors (issue 11 "Done when": "a swap accepted by
both", "the doctor's ICS feed shows the change"), and the doctor's notification choices.

1. Doctor A proposes an échange of one of their vacations with doctor B's; B accepts; the
   coordinator approves (the planning asks for approval); each sees the swapped vacations in
   "Mes vacations" and A's ICS feed shows B's former vacation instead of their own.
2. Doctor A cedes a vacation to doctor C, who accepts (no approval on this planning).
3. A doctor chooses their notifications: an SMS without a mobile number is refused, then saved.
"""

from __future__ import annotations

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

    structure = StructureFactory(name="CPTS Calanques (e2e)")
    StructureCoordinator.objects.create(
        user=User.objects.get(email="coordinateur@demo.sas"), structure=structure
    )
    doctors = [member(structure, with_account=True) for _ in range(3)]
    return structure, doctors


def _planning(structure, **options):
    from planning.vacations.models import VacationPlanning, VacationType

    planning = VacationPlanning.objects.create(structure=structure, name="SNP Calanques", **options)
    vtype = VacationType.objects.create(
        planning=planning, name="SNP cabinet", default_start="14:00", default_end="18:00", capacity=4
    )
    return planning, vtype


def _vacation(planning, vtype, days: int, professional):
    from planning.vacations.models import Vacation
    from planning.vacations.services import vacation_assign

    start = (timezone.now() + timedelta(days=days)).replace(hour=13, minute=0, second=0, microsecond=0)
    vacation = Vacation.objects.create(
        planning=planning, vacation_type=vtype, starts_at=start, ends_at=start + timedelta(hours=4), published=True
    )  # fmt: skip
    vacation_assign(vacation_id=vacation.pk, professional_id=professional.pk, actor=None)
    return vacation


def _mine(page, count: int):
    page.get_by_role("link", name="Mes vacations").first.click()
    cards = page.locator("[data-testid=my-vacation]")
    expect(cards).to_have_count(count)
    return cards


def _day(vacation) -> str:
    return f"{timezone.localtime(vacation.starts_at):%d/%m}"


def test_swap_accepted_by_both_and_approved_shows_in_mes_vacations_and_the_feed(
    page, live_server, login, screenshot, cpts
):
    from planning.vacations.ics import token_renew

    structure, (alice, bob, _carol) = cpts
    planning, vtype = _planning(structure, requires_approval=True)
    mine = _vacation(planning, vtype, 4, alice)
    theirs = _vacation(planning, vtype, 6, bob)
    feed = token_renew(actor=None, professional_id=alice.pk)
    feed_url = f"{live_server.url}/planning/vacations/calendrier/{feed.token}.ics"

    login(page, alice.user.email, DEFAULT_PASSWORD)
    _mine(page, 1).get_by_role("link", name="Céder ou échanger…").click()
    expect(page.locator("h1")).to_have_text("Changer une vacation")
    page.get_by_label("Type de changement").select_option("exchange")
    counter = page.get_by_label("Vacation à recevoir (échange)")
    expect(counter.locator("option")).to_have_count(2)  # "—" and Bob's vacation
    counter.select_option(str(theirs.pk))
    expect(counter).to_contain_text(str(bob))
    page.get_by_label("Message").fill("Je suis en congé ce jour-là, merci !")
    screenshot(page, "vacations-swap-propose")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#messages")).to_contain_text("Demande envoyée")
    expect(page.locator("[data-testid=my-vacation]")).to_contain_text("Échange : en attente")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, bob.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Mes vacations").first.click()
    offer = page.locator("[data-testid=for-me]")
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text(f"Échange proposée par {alice}")
    expect(offer).to_contain_text("Je suis en congé ce jour-là")
    screenshot(page, "vacations-swap-to-answer")
    offer.get_by_role("button", name="Accepter").click()
    expect(page.locator("#messages")).to_contain_text("en attente de validation du coordinateur")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "coordinateur@demo.sas")
    page.goto(f"{live_server.url}/planning/vacations/{planning.pk}/demandes/")
    row = page.locator("[data-testid=request]")
    expect(row).to_contain_text("En attente de validation du coordinateur")
    expect(row).to_contain_text(f"contre {theirs}")  # both sides of the swap
    screenshot(page, "vacations-swap-approve")
    row.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text("Changement validé")
    page.get_by_role("button", name="Se déconnecter").click()

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.assignee_id, theirs.assignee_id) == (bob.pk, alice.pk)
    login(page, alice.user.email, DEFAULT_PASSWORD)
    expect(_mine(page, 1)).to_contain_text(f"{timezone.localtime(theirs.starts_at):%d/%m}")
    screenshot(page, "vacations-swap-done-alice")
    ics = page.request.get(feed_url).text()
    assert f"vacation-{theirs.pk}@sas-cpts" in ics and f"vacation-{mine.pk}@sas-cpts" not in ics
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, bob.user.email, DEFAULT_PASSWORD)
    expect(_mine(page, 1)).to_contain_text(f"{timezone.localtime(mine.starts_at):%d/%m}")


def test_cession_accepted_by_the_colleague(page, live_server, login, screenshot, cpts):
    structure, (alice, _bob, carol) = cpts
    planning, vtype = _planning(structure)
    vacation = _vacation(planning, vtype, 3, alice)

    login(page, alice.user.email, DEFAULT_PASSWORD)
    _mine(page, 1).get_by_role("link", name="Céder ou échanger…").click()
    page.get_by_label("Type de changement").select_option("cession")
    page.get_by_label("Confrère (cession)").select_option(str(carol.pk))
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#messages")).to_contain_text("Demande envoyée")
    expect(page.locator("[data-testid=my-vacation]")).to_contain_text("Cession à un confrère : en attente")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, carol.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Mes vacations").first.click()
    offer = page.locator("[data-testid=for-me]")
    expect(offer).to_contain_text(f"proposée par {alice}")
    offer.get_by_role("button", name="Accepter").click()
    expect(page.locator("#messages")).to_contain_text("la vacation est à vous")
    expect(page.locator("[data-testid=my-vacation]")).to_have_count(1)
    screenshot(page, "vacations-cession-done")
    vacation.refresh_from_db()
    assert vacation.assignee_id == carol.pk
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, alice.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Mes vacations").first.click()
    expect(page.locator("[data-testid=my-vacation]")).to_have_count(0)


def test_doctor_chooses_notifications(page, live_server, login, screenshot, cpts):
    from planning.vacations.models import NotificationPreference

    _structure, (alice, _bob, _carol) = cpts
    page.set_viewport_size({"width": 375, "height": 800})  # a doctor's phone
    login(page, alice.user.email, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/planning/vacations/mes-vacations/")
    page.get_by_role("link", name="Mes notifications").click()
    expect(page.locator("h1")).to_have_text("Mes notifications")
    reminders = page.get_by_role("group", name="Rappels avant une de mes vacations")
    reminders.get_by_text("SMS", exact=True).click()  # the DSFR label covers the box
    expect(reminders.get_by_label("SMS")).to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("notification-preferences")).to_contain_text("indiquez un numéro de mobile")
    screenshot(page, "vacations-notifications-error")
    assert not NotificationPreference.objects.exists()
    page.get_by_label("Téléphone mobile pour les SMS").fill("06 12 34 56 78")
    digest = page.get_by_role("group", name="Offres du pot commun (un résumé par jour)")
    digest.get_by_text("Courriel", exact=True).click()
    expect(digest.get_by_label("Courriel")).not_to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#messages")).to_contain_text("Préférences de notification enregistrées")
    screenshot(page, "vacations-notifications-saved")
    saved = NotificationPreference.objects.get(user=alice.user)
    assert saved.mobile_phone == "0612345678"
    assert saved.channels["reminder"] == ["email", "sms"] and saved.channels["pool_digest"] == []


def test_coordinator_sets_the_planning_reminders_and_followups(page, live_server, login, screenshot, cpts):
    structure, _doctors = cpts
    planning, _vtype = _planning(structure)
    login(page, "coordinateur@demo.sas")
    page.goto(f"{live_server.url}/planning/vacations/{planning.pk}/parametrage/")
    page.get_by_role("link", name="rappels et relances").click()
    expect(page.get_by_label("Rappels avant chaque vacation (heures)")).to_have_value("48, 2")
    page.get_by_label("Rappels avant chaque vacation (heures)").fill("24, 2")
    page.get_by_label("Relances sur les vacations du pot commun", exact=False).fill("72, douze")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("planning-notices")).to_contain_text("« douze » n'est pas un nombre d'heures")
    page.get_by_label("Relances sur les vacations du pot commun", exact=False).fill("72, 12")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#messages")).to_contain_text("Rappels et relances du planning enregistrés")
    screenshot(page, "vacations-planning-notices")
    planning.refresh_from_db()
    assert (planning.reminder_hours, planning.followup_hours) == ([24, 2], [72, 12])

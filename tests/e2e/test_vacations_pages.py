"""Browser journeys of the planning's other pages (issue 11 §7 and §3).

1. A coordinator: the week view (keyboard, person filter, a phone's 375 px), the load against
   target chart, a person's history, and a closure day.
2. A professional declares a leave, which then blocks their claim of an open vacation (the pool
   says why, without a button).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def planning_world(demo_platform):
    """A CPTS coordinated by coordinateur@demo.sas: three doctors, a planning with vacations this
    week and next (assigned and free), past done ones, self-assignment open."""
    from cpts.models import StructureCoordinator
    from planning.vacations.models import Vacation, VacationGroup, VacationPlanning, VacationType
    from sas_platform.models import User
    from tests.cpts.factories import StructureFactory
    from tests.planning.vacations.factories import member

    structure = StructureFactory(name="CPTS Calanques (e2e)")
    StructureCoordinator.objects.create(
        user=User.objects.get(email="coordinateur@demo.sas"), structure=structure
    )
    doctors = [member(structure, with_account=True) for _ in range(3)]
    planning = VacationPlanning.objects.create(
        structure=structure, name="SNP Calanques", self_assignment_opens_at=timezone.now() - timedelta(days=1)
    )
    group = VacationGroup.objects.create(planning=planning, name="Centre")
    vtype = VacationType.objects.create(
        planning=planning,
        name="SNP cabinet 14 h–18 h",
        default_start="14:00",
        default_end="18:00",
        capacity=4,
    )
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    def at(day, hour=14):
        return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(
            hours=hour
        )

    vacations = []
    for offset in range(14):
        day = monday + timedelta(days=offset)
        holder = doctors[0] if offset % 3 else (doctors[1] if offset % 2 else None)
        vacations.append(
            Vacation.objects.create(
                planning=planning, vacation_type=vtype, group=group, starts_at=at(day), ends_at=at(day, 18),
                capacity=4, published=True, state="assigned" if holder else "open", assignee=holder,
            )
        )  # fmt: skip
    for weeks in range(1, 4):
        day = monday - timedelta(days=7 * weeks)
        Vacation.objects.create(
            planning=planning, vacation_type=vtype, group=group, starts_at=at(day), ends_at=at(day, 18),
            capacity=4, published=True, state="done", assignee=doctors[0], patients_seen=3 + weeks,
        )  # fmt: skip
    return {"planning": planning, "doctors": doctors, "monday": monday, "vacations": vacations}


def test_coordinator_week_load_history_and_closure_day(page, live_server, login, screenshot, planning_world):
    planning, doctors = planning_world["planning"], planning_world["doctors"]
    login(page, "coordinateur@demo.sas")
    page.goto(f"{live_server.url}/planning/vacations/{planning.pk}/calendrier/")
    page.get_by_role("link", name="Vue semaine").click()
    expect(page.locator("[data-testid=week-day]")).to_have_count(7)
    first_week = page.locator("[data-testid=week]").inner_text()
    # Keyboard: focus the next-week link and press Enter.
    page.get_by_role("link", name="Semaine suivante").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=week]")).not_to_have_text(first_week)
    page.get_by_role("link", name="Semaine précédente").click()
    expect(page.locator("[data-testid=week]")).to_have_text(first_week)
    expect(page.locator("[data-testid=vacation]")).to_have_count(7)
    screenshot(page, "vacations-week")
    page.select_option("#personne", str(doctors[0].pk))
    page.get_by_role("button", name="Filtrer").click()
    held = sum(1 for offset in range(7) if offset % 3)
    expect(page.locator("[data-testid=vacation]")).to_have_count(held)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "vacations-week-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Vue mois").click()
    page.get_by_role("link", name="Charge et cible").click()
    expect(page.locator("h1")).to_have_text("Charge et cible par personne")
    bars = page.locator("[data-testid=load-bar]")
    expect(bars).to_have_count(3)
    expect(bars.first).to_contain_text(str(doctors[0]))  # the most loaded: the largest gap first
    expect(page.locator("[data-testid=load-table] tbody tr")).to_have_count(3)
    screenshot(page, "vacations-load")

    bars.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(str(doctors[0]))
    expect(page.locator("[data-testid=person-totals]")).to_contain_text("3 effectuée(s)")
    screenshot(page, "vacations-person-history")

    page.goto(f"{live_server.url}/planning/vacations/{planning.pk}/fermetures/")
    closed = planning_world["monday"] + timedelta(days=35)
    page.get_by_label("Jour de fermeture").fill(closed.isoformat())
    page.get_by_role("button", name="Ajouter le jour de fermeture").click()
    expect(page.locator("#messages")).to_contain_text("Jour de fermeture ajouté")
    expect(page.locator("[data-testid=closure]")).to_have_count(1)
    screenshot(page, "vacations-closures")
    planning.refresh_from_db()
    assert planning.closure_days == [closed.isoformat()]

    # A leave over a vacation the doctor holds: refused naming it, recorded once confirmed, and the
    # vacation stays theirs (to reassign), never silently unassigned.
    from planning.vacations.models import Unavailability

    held = next(
        v
        for v in planning_world["vacations"]
        if v.assignee_id == doctors[0].pk and v.starts_at > timezone.now()
    )
    day = timezone.localtime(held.starts_at).date()
    page.goto(f"{live_server.url}/planning/vacations/{planning.pk}/indisponibilites/")
    page.select_option("#id_professional", str(doctors[0].pk))
    page.locator("#id_start").fill(day.isoformat())
    page.locator("#id_end").fill(day.isoformat())
    page.get_by_role("button", name="Enregistrer l'indisponibilité").click()
    expect(page.locator("main")).to_contain_text("Confirmez pour l'enregistrer quand même")
    screenshot(page, "vacations-leave-confirm")
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Enregistrer l'indisponibilité").click()
    expect(page.locator("#messages")).to_contain_text("restent attribuées")
    expect(page.locator("[data-testid=leave]")).to_have_count(1)
    held.refresh_from_db()
    assert (
        held.assignee_id == doctors[0].pk and Unavailability.objects.filter(professional=doctors[0]).exists()
    )


def test_professional_declares_a_leave_that_blocks_a_claim(
    page, live_server, login, screenshot, planning_world
):
    from planning.vacations.models import Unavailability

    bob = planning_world["doctors"][2]
    now = timezone.now()
    target = next(
        v for v in planning_world["vacations"] if v.state == "open" and v.starts_at > now + timedelta(days=1)
    )
    day = timezone.localtime(target.starts_at).date()
    login(page, bob.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Mes vacations").first.click()
    page.get_by_role("link", name="Mes indisponibilités").click()
    page.locator("#id_start").fill(day.isoformat())
    page.get_by_label("Au (inclus)").fill(day.isoformat())
    page.get_by_label("Motif (facultatif)").fill("Formation")
    page.get_by_role("button", name="Déclarer l'indisponibilité").click()
    expect(page.locator("#messages")).to_contain_text("Indisponibilité enregistrée")
    expect(page.locator("[data-testid=my-leave]")).to_have_count(1)
    screenshot(page, "vacations-my-leaves")
    assert Unavailability.objects.filter(professional=bob).count() == 1

    page.goto(f"{live_server.url}/planning/vacations/pot-commun/")
    card = page.locator("[data-testid=open-vacation]", has_text=f"{day:%d/%m}").first
    # The pool says why, with no button to press (the claim would be refused with the same words).
    expect(card.get_by_test_id("pool-blocked")).to_contain_text("Indisponibilité")
    expect(card.get_by_role("button", name="Prendre cette vacation")).to_have_count(0)
    screenshot(page, "vacations-claim-blocked-by-leave")
    target.refresh_from_db()
    assert target.state == "open" and target.assignee_id is None

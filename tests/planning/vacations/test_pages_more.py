"""The week view, load against target, person history, leave and closure days, and the unfilled
list recomputed live (issue 11 §7 and §3): who may reach each page, what it shows, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.vacations.models import AutofillProposal, Unavailability, Vacation
from planning.vacations.services import vacation_assign, vacation_claim
from planning.vacations.services.autofill import autofill_propose
from planning.vacations.services.unavailability import unavailability_declare
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError
from tests.factories import UserFactory
from tests.planning.vacations.factories import make_planning, make_vacation, paris, rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    data = make_planning(accounts=True)
    today = timezone.localdate()
    day = today + timedelta(days=14 - today.weekday())  # a Monday, 8 to 14 days ahead
    data["day"] = day
    data["vacation"] = make_vacation(
        data, paris(day.year, day.month, day.day, 14), assignee=data["people"][0]
    )
    data["free"] = make_vacation(data, paris(day.year, day.month, day.day, 14) + timedelta(days=1))
    return data


def _urls(setup):
    pk, pid = setup["planning"].pk, setup["people"][0].pk
    month = f"{timezone.localtime(setup['vacation'].starts_at):%Y-%m}"
    return {
        "week": reverse("vacations-week", args=[pk]) + f"?semaine={setup['day']:%Y-%m-%d}",
        "load": reverse("vacations-load", args=[pk]) + f"?mois={month}",
        "person": reverse("vacations-person", args=[pk, pid]),
        "leaves": reverse("vacations-leaves", args=[pk]),
        "closures": reverse("vacations-closures", args=[pk]),
    }


def test_permissions_of_the_new_pages(client, setup):
    urls = _urls(setup)
    for url in urls.values():
        assert client.get(url).status_code == 302  # anonymous: to the log-in page
    client.force_login(setup["coordinator"])
    for name, url in urls.items():
        assert client.get(url).status_code == 200, name
    # The member: the week and their own history; not the coordinator's pages nor another's history.
    client.force_login(setup["people"][0].user)
    expected = {"week": 200, "person": 200, "load": 403, "leaves": 403, "closures": 403}
    for name, url in urls.items():
        assert client.get(url).status_code == expected[name], name
    client.force_login(setup["people"][1].user)
    assert client.get(urls["person"]).status_code == 403
    assert client.get(reverse("vacations-my-leaves")).status_code == 200
    # Another structure's coordinator and an OSNP: nothing.
    for user in (make_planning()["coordinator"], UserFactory(roles=[Role.OSNP], territories=["13"])):
        client.force_login(user)
        for name, url in urls.items():
            assert client.get(url).status_code == 403, name
    assert client.get(reverse("vacations-my-leaves")).status_code == 403


def test_person_of_another_structure_is_not_found(client, setup):
    stranger = make_planning()["people"][0]
    client.force_login(setup["coordinator"])
    url = reverse("vacations-person", args=[setup["planning"].pk, stranger.pk])
    assert client.get(url).status_code == 404


def test_week_view_shows_the_week_filtered(client, setup, django_assert_max_num_queries):
    client.force_login(setup["coordinator"])
    url = _urls(setup)["week"]
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert page.count('data-testid="week-day"') == 7
    assert page.count('data-testid="vacation"') == 2
    assert "Semaine suivante" in page and "Vue mois" in page
    mine = client.get(url + f"&personne={setup['people'][0].pk}").content.decode()
    assert mine.count('data-testid="vacation"') == 1
    assert client.get(url + "&groupe=999999").content.decode().count('data-testid="vacation"') == 0
    assert client.get(url.split("?")[0] + "?semaine=nimporte").status_code == 200


def test_month_page_keeps_few_queries_with_the_person_filter(client, setup, django_assert_max_num_queries):
    client.force_login(setup["coordinator"])
    month = f"{timezone.localtime(setup['vacation'].starts_at):%Y-%m}"
    with django_assert_max_num_queries(13):
        page = client.get(reverse("vacations-calendar", args=[setup["planning"].pk]) + f"?mois={month}")
    assert 'id="personne"' in page.content.decode()


def test_load_against_target_shows_largest_gap_first(client, setup):
    first = setup["people"][0]
    day = setup["day"]
    for n in range(2, 5):
        make_vacation(setup, paris(day.year, day.month, day.day, 8) + timedelta(days=n), assignee=first)
    client.force_login(setup["coordinator"])
    response = client.get(_urls(setup)["load"])
    rows = response.context["data"]["rows"]
    assert rows[0]["id"] == first.pk and rows[0]["gap"] > 1 and rows[0]["over"]
    assert sum(r["target"] for r in rows) == pytest.approx(sum(r["load"] for r in rows) + 1, abs=0.2)
    page = response.content.decode()
    assert page.count('data-testid="load-bar"') == 3 and 'data-testid="load-table"' in page


def test_person_history_lists_vacations_and_transfers_paginated(client, setup):
    person = setup["people"][0]
    for n in range(25):
        make_vacation(setup, setup["vacation"].starts_at - timedelta(days=30 + n), assignee=person)
    client.force_login(setup["coordinator"])
    url = _urls(setup)["person"]
    page = client.get(url).content.decode()
    assert "Page suivante" in page and "26 attribuée(s)" in page
    assert client.get(url + "?page=2").status_code == 200
    assert client.get(url + "?page=abc").status_code == 200


def test_professional_declares_a_leave_then_cannot_claim(client, setup):
    planning = setup["planning"]
    planning.self_assignment_opens_at = timezone.now() - timedelta(hours=1)
    planning.save()
    colleague = setup["people"][1]
    client.force_login(colleague.user)
    day = timezone.localtime(setup["free"].starts_at).date()
    response = client.post(reverse("vacations-my-leaves"), {"start": day, "end": day, "reason": "Congé"})
    assert response.status_code == 302
    assert Unavailability.objects.filter(professional=colleague).count() == 1
    # The pool shows why, with no button; a colleague free that day still gets the button.
    pool = client.get(reverse("vacations-pool")).content.decode()
    assert 'data-testid="pool-blocked"' in pool and "Indisponibilité" in pool
    assert "Prendre cette vacation" not in pool
    client.force_login(setup["people"][2].user)
    assert "Prendre cette vacation" in client.get(reverse("vacations-pool")).content.decode()
    with pytest.raises(ApplicationError, match="Indisponibilité"):
        vacation_claim(vacation_id=setup["free"].pk, professional_id=colleague.pk, actor=colleague.user)
    with pytest.raises(ApplicationError, match="Indisponibilité"):
        vacation_assign(
            vacation_id=setup["free"].pk, professional_id=colleague.pk, actor=setup["coordinator"]
        )
    proposal = autofill_propose(planning=planning, start=day, end=day, actor=setup["coordinator"])
    assert all(line["professional_id"] != colleague.pk for line in proposal.items)


@pytest.mark.parametrize(
    ("delta_start", "delta_end", "message"),
    [(5, 3, "précède"), (-3, 2, "avant aujourd"), (900, 901, "peu plausible"), (1, 400, "peu plausible")],
)
def test_bad_leave_changes_nothing(client, setup, delta_start, delta_end, message):
    client.force_login(setup["people"][1].user)
    today = timezone.localdate()
    response = client.post(
        reverse("vacations-my-leaves"),
        {"start": today + timedelta(days=delta_start), "end": today + timedelta(days=delta_end)},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Unavailability.objects.exists()


def test_overlapping_leave_and_held_vacations_are_refused_naming_them(client, setup):
    holder = setup["people"][0]
    client.force_login(holder.user)
    day = setup["day"]
    response = client.post(reverse("vacations-my-leaves"), {"start": day, "end": day + timedelta(days=2)})
    page = response.content.decode()
    assert "Vous tenez 1 vacation(s)" in page and f"{day:%d/%m/%Y}" in page
    assert not Unavailability.objects.exists()
    client.post(
        reverse("vacations-my-leaves"), {"start": day + timedelta(days=5), "end": day + timedelta(days=6)}
    )
    response = client.post(
        reverse("vacations-my-leaves"), {"start": day + timedelta(days=6), "end": day + timedelta(days=8)}
    )
    assert "Chevauchement" in response.content.decode()
    assert Unavailability.objects.count() == 1


def test_coordinator_must_confirm_a_leave_over_held_vacations_which_stay_assigned(client, setup):
    holder, day = setup["people"][0], setup["day"]
    client.force_login(setup["coordinator"])
    url = reverse("vacations-leaves", args=[setup["planning"].pk])
    data = {"professional": holder.pk, "start": day, "end": day}
    response = client.post(url, data)
    assert "Confirmez" in response.content.decode() and not Unavailability.objects.exists()
    response = client.post(url, {**data, "confirm": "on"}, follow=True)
    assert "restent attribuées" in response.content.decode()
    assert Unavailability.objects.filter(professional=holder).count() == 1
    vacation = Vacation.objects.get(pk=setup["vacation"].pk)
    assert vacation.state == "assigned" and vacation.assignee_id == holder.pk  # never silently unassigned


def test_only_future_leave_is_deleted_and_only_by_who_may(client, setup):
    person = setup["people"][1]
    today = timezone.localdate()
    leave, _ = unavailability_declare(
        professional_id=person.pk, start=today + timedelta(days=3), end=today + timedelta(days=4), actor=None
    )
    current = Unavailability.objects.create(
        professional=person,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1),
    )
    url = reverse("vacations-leave-delete", args=[leave.pk])
    client.force_login(setup["people"][0].user)
    assert client.post(url).status_code == 403
    client.force_login(make_planning()["coordinator"])
    assert client.post(url).status_code == 403
    client.force_login(person.user)
    response = client.post(reverse("vacations-leave-delete", args=[current.pk]), follow=True)
    assert "à venir" in response.content.decode() and Unavailability.objects.filter(pk=current.pk).exists()
    client.force_login(setup["coordinator"])
    assert client.post(url).status_code == 302
    assert not Unavailability.objects.filter(pk=leave.pk).exists()


def test_closure_days_are_managed_and_skipped_by_generation(client, setup):
    planning = setup["planning"]
    client.force_login(setup["coordinator"])
    url = reverse("vacations-closures", args=[planning.pk])
    today = timezone.localdate()
    monday = today + timedelta(days=14 - today.weekday())
    assert client.post(url, {"day": monday}).status_code == 302
    planning.refresh_from_db()
    assert planning.closure_days == [monday.isoformat()]
    for bad, message in (
        (monday, "déjà un jour de fermeture"),
        (today - timedelta(days=1), "passé"),
        ("x", "valide"),
    ):
        response = client.post(url, {"day": bad})
        assert message in response.content.decode(), bad
    planning.refresh_from_db()
    assert planning.closure_days == [monday.isoformat()]
    client.post(
        reverse("vacations-generate", args=[planning.pk]),
        {"start": monday, "end": monday + timedelta(days=7)},
    )
    generated = Vacation.objects.filter(planning=planning, template__isnull=False)
    assert [timezone.localtime(v.starts_at).date() for v in generated] == [monday + timedelta(days=7)]
    client.post(url, {"action": "remove", "day": monday.isoformat()})
    planning.refresh_from_db()
    assert planning.closure_days == []
    client.force_login(setup["people"][0].user)
    assert client.post(url, {"day": monday}).status_code == 403


def test_unfilled_is_recomputed_from_current_data_not_the_last_proposal(client, setup):
    planning, free = setup["planning"], setup["free"]
    day = timezone.localtime(free.starts_at).date()
    AutofillProposal.objects.create(
        planning=planning, period_start=day, period_end=day, items=[],
        unfilled=[{"vacation_id": free.pk, "starts_at": "", "label": "", "reasons": ["Raison périmée."]}],
    )  # fmt: skip
    client.force_login(setup["coordinator"])
    url = reverse("vacations-unfilled", args=[planning.pk]) + f"?mois={day:%Y-%m}"
    page = client.get(url).content.decode()
    assert "Raison périmée" not in page
    assert 'data-testid="eligible"' in page and "3 professionnel(s) éligible(s)" in page
    # Everyone else on leave, the holder capped: nobody now, and the page says which rule blocks.
    rule(setup, "Une par mois", "cap", period="month", max_count=1)
    for person in setup["people"][1:]:
        unavailability_declare(professional_id=person.pk, start=day, end=day, actor=None)
    page = client.get(url).content.decode()
    assert 'data-testid="blocked"' in page
    assert "2 × indisponibilité" in page and "Une par mois" in page

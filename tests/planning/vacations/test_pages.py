"""Pages of the vacation planning (issue 11 §7): who may see and do what, and the main flows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from planning.vacations.models import AutofillProposal, TransferRequest, Vacation
from sas_platform.enums import Role
from tests.factories import UserFactory
from tests.planning.vacations.factories import make_planning, make_vacation, paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    data = make_planning(accounts=True)
    day = timezone.localdate() + timedelta(days=10)
    data["vacation"] = make_vacation(
        data, paris(day.year, day.month, day.day, 14), assignee=data["people"][0]
    )
    return data


def _pages(setup):
    planning, vacation = setup["planning"], setup["vacation"]
    return {
        "calendar": reverse("vacations-calendar", args=[planning.pk]),
        "unfilled": reverse("vacations-unfilled", args=[planning.pk]),
        "requests": reverse("vacations-requests", args=[planning.pk]),
        "statistics": reverse("vacations-statistics", args=[planning.pk]),
        "vacation": reverse("vacations-vacation", args=[vacation.pk]),
    }


COORDINATOR_ONLY = {"unfilled", "requests", "statistics"}


def test_anonymous_is_sent_to_login(client, setup):
    for url in [*_pages(setup).values(), reverse("vacations-plannings"), reverse("vacations-mine")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_coordinator_sees_every_page_of_their_planning(client, setup):
    client.force_login(setup["coordinator"])
    for name, url in _pages(setup).items():
        assert client.get(url).status_code == 200, name
    assert setup["planning"].name in client.get(reverse("vacations-plannings")).content.decode()


def test_member_sees_the_calendar_not_the_coordinator_pages(client, setup):
    client.force_login(setup["people"][1].user)
    for name, url in _pages(setup).items():
        expected = 403 if name in COORDINATOR_ONLY else 200
        assert client.get(url).status_code == expected, name
    assert client.get(reverse("vacations-mine")).status_code == 200
    assert client.get(reverse("vacations-pool")).status_code == 200


def test_another_structures_coordinator_and_an_osnp_are_refused(client, setup):
    other = make_planning()
    client.force_login(other["coordinator"])
    for url in _pages(setup).values():
        assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[Role.OSNP], territories=["13"]))
    for url in _pages(setup).values():
        assert client.get(url).status_code == 403
    assert client.get(reverse("vacations-mine")).status_code == 403
    assert client.post(reverse("vacations-generate", args=[setup["planning"].pk])).status_code == 403


def test_month_calendar_shows_vacations_in_few_queries(client, setup, django_assert_max_num_queries):
    for n in range(30):
        make_vacation(setup, setup["vacation"].starts_at + timedelta(days=1, hours=n % 5), capacity=0)
    client.force_login(setup["coordinator"])
    month = timezone.localtime(setup["vacation"].starts_at).strftime("%Y-%m")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("vacations-calendar", args=[setup["planning"].pk]) + f"?mois={month}")
    assert response.content.decode().count('data-testid="vacation"') >= 31


def test_coordinator_generates_fills_and_applies(client, setup):
    client.force_login(setup["coordinator"])
    planning = setup["planning"]
    start = timezone.localdate() + timedelta(days=35)
    end = start + timedelta(days=27)
    url = reverse("vacations-generate", args=[planning.pk])
    response = client.post(url, {"start": start.isoformat(), "end": end.isoformat()})
    assert response.status_code == 302
    generated = Vacation.objects.filter(planning=planning, template__isnull=False).count()
    assert generated == 4
    response = client.post(
        reverse("vacations-autofill", args=[planning.pk]),
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    proposal = AutofillProposal.objects.get(planning=planning)
    assert response["Location"] == reverse("vacations-proposal", args=[proposal.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="proposal-line"') == 4
    keep = [line["vacation_id"] for line in proposal.items[:3]]
    client.post(response["Location"], {"action": "apply", "keep": keep})
    assert Vacation.objects.filter(planning=planning, template__isnull=False, state="assigned").count() == 3


def test_bad_generation_period_changes_nothing(client, setup):
    client.force_login(setup["coordinator"])
    before = Vacation.objects.count()
    response = client.post(
        reverse("vacations-generate", args=[setup["planning"].pk]),
        {"start": "2027-02-10", "end": "2027-02-01"},
        follow=True,
    )
    assert "précède" in response.content.decode()
    assert Vacation.objects.count() == before


def test_professional_releases_to_pool_and_a_colleague_claims(client, setup):
    owner, colleague = setup["people"][0], setup["people"][1]
    client.force_login(owner.user)
    response = client.post(reverse("vacations-transfer", args=[setup["vacation"].pk]), {"kind": "pool"})
    assert response.status_code == 302
    request = TransferRequest.objects.get(vacation=setup["vacation"])
    client.force_login(colleague.user)
    assert 'data-testid="pool-item"' in client.get(reverse("vacations-pool")).content.decode()
    client.post(reverse("vacations-claim", args=[setup["vacation"].pk]), {"request": request.pk})
    setup["vacation"].refresh_from_db()
    assert setup["vacation"].assignee_id == colleague.pk
    # The former owner cannot change it any more.
    client.force_login(owner.user)
    assert client.get(reverse("vacations-transfer", args=[setup["vacation"].pk])).status_code == 404


def test_statistics_exports(client, setup):
    Vacation.objects.filter(pk=setup["vacation"].pk).update(
        state="done",
        patients_seen=5,
        patients_from_sas=2,
        starts_at=paris(2026, 3, 2, 14),
        ends_at=paris(2026, 3, 2, 18),
    )
    client.force_login(setup["coordinator"])
    url = reverse("vacations-statistics", args=[setup["planning"].pk]) + "?du=2026-01-01&au=2026-12-31"
    csv = client.get(url + "&format=csv").content.decode("utf-8-sig")
    assert "Heures" in csv.splitlines()[0] and ";4,00;5;2;3" in csv
    xlsx = client.get(url + "&format=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=7).value == 4.0 and sheet.cell(row=2, column=8).value == 5


def test_setup_page_adds_templates_and_rules_for_coordinators_only(client, setup):
    url = reverse("vacations-setup", args=[setup["planning"].pk])
    client.force_login(setup["people"][1].user)
    assert client.get(url).status_code == 403
    client.force_login(setup["coordinator"])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "form": "template", "t-name": "Nuit", "t-group": "Secteur ouest", "t-start_time": "20:00",
            "t-end_time": "08:00", "t-weekdays": ["5", "6"], "t-modality": "HH", "t-capacity": "3", "t-count": "1",
        },
    )  # fmt: skip
    from planning.vacations.models import DistributionRule, VacationGroup, VacationTemplate

    assert (
        VacationTemplate.objects.filter(planning=setup["planning"], vacation_type__name="Nuit").count() == 2
    )
    assert VacationGroup.objects.get(planning=setup["planning"], name="Secteur ouest").members.count() == 3
    client.post(
        url,
        {"form": "rule", "r-name": "Deux par semaine", "r-kind": "cap", "r-period": "week", "r-value": "2"},
    )
    assert DistributionRule.objects.get(planning=setup["planning"], name="Deux par semaine").max_count == 2
    response = client.post(
        url, {"form": "rule", "r-name": "Trop", "r-kind": "share", "r-period": "month", "r-value": "150"}
    )
    assert "dépasser 100" in response.content.decode()
    assert not DistributionRule.objects.filter(name="Trop").exists()

"""The pool page checks every offer against the rules in one batch (issue 11 §5): the same
answers as the claim's one-by-one check, in a number of queries that does not grow with the
number of offers, and no offer left unchecked."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planning.vacations import selectors
from planning.vacations.models import Unavailability, VacationGroup, VacationPlanning, VacationType
from planning.vacations.services import transfer_create
from tests.planning.vacations.factories import make_planning, make_vacation, paris, rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    data = make_planning(accounts=True)
    VacationPlanning.objects.filter(pk=data["planning"].pk).update(
        self_assignment_opens_at=timezone.now() - timedelta(hours=1)
    )
    data["start"] = timezone.localdate() + timedelta(days=3)
    return data


def _open_vacations(setup, count: int, offset: int = 0):
    day = setup["start"]
    return [
        make_vacation(setup, paris(day.year, day.month, day.day, 8) + timedelta(hours=7 * (offset + i)))
        for i in range(count)
    ]


def _pool_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/planning/vacations/pot-commun/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_batch_gives_the_same_problems_as_the_claim_check(setup):
    me, colleague = setup["people"][0], setup["people"][1]
    day = setup["start"]
    rule(setup, "Deux par semaine", "cap", period="week", max_count=2)
    rule(setup, "Part", "share", period="month", share_percent=Decimal("20"))
    rule(setup, "Repos", "min_rest", min_rest_hours=11)
    other_group = VacationGroup.objects.create(planning=setup["planning"], name="Aubagne")
    other_group.members.add(colleague)
    nurse_type = VacationType.objects.create(
        planning=setup["planning"], name="Infirmier", default_start="08:00", default_end="12:00",
        profession_codes=["60"],
    )  # fmt: skip
    make_vacation(setup, paris(day.year, day.month, day.day, 8), assignee=me)
    Unavailability.objects.create(
        professional=me,
        starts_at=paris(day.year, day.month, day.day, 0) + timedelta(days=2),
        ends_at=paris(day.year, day.month, day.day, 0) + timedelta(days=3),
    )
    candidates = [
        *_open_vacations(setup, 12),
        make_vacation(setup, paris(day.year, day.month, day.day, 14), group=other_group),
        make_vacation(setup, paris(day.year, day.month, day.day, 14), vacation_type=nurse_type),
    ]
    batch = selectors.problems_for_many(vacations=candidates, professional_id=me.pk)
    kinds = set()
    for vacation in candidates:
        expected = selectors.problems_for(vacation=vacation, professional_id=me.pk)
        assert batch[vacation.pk] == expected, vacation
        kinds |= {p.split(" ")[0] for p in expected}
    assert {"Chevauchement", "Règle", "Indisponibilité", "Groupe", "Profession"} <= kinds


def test_pool_page_queries_do_not_grow_with_offers(client, setup, django_assert_max_num_queries):
    me, giver = setup["people"][0], setup["people"][1]
    day = setup["start"]
    rule(setup, "Deux par semaine", "cap", period="week", max_count=2)

    def release(vacation):
        transfer_create(vacation_id=vacation.pk, kind="pool", from_professional_id=giver.pk, actor=giver.user)

    held = make_vacation(setup, paris(day.year, day.month, day.day, 20) + timedelta(days=40), assignee=giver)
    release(held)
    _open_vacations(setup, 4)
    client.force_login(me.user)
    _pool_queries(client)  # the first request after logging in also writes the session
    few, _ = _pool_queries(client)
    for i in range(5):
        release(
            make_vacation(
                setup, paris(day.year, day.month, day.day, 20) + timedelta(days=41 + i), assignee=giver
            )
        )
    _open_vacations(setup, 20, offset=4)
    Unavailability.objects.create(  # a leave over all of them: every offer is checked and blocked
        professional=me,
        starts_at=paris(day.year, day.month, day.day),
        ends_at=held.ends_at + timedelta(days=9),
    )
    with django_assert_max_num_queries(few):
        many, page = _pool_queries(client)
    assert many == few
    assert page.count('data-testid="pool-blocked"') == 30

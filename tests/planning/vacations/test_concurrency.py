"""Concurrency on PostgreSQL (issue 11 "Done when"): 50 threads claim the same pool vacation, 20
rounds: exactly one success per round and a French "already taken" message for every other; same
for accepting one transfer request twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from planning.vacations import services
from planning.vacations.models import Vacation
from sas_platform.exceptions import ApplicationError
from tests.planning.vacations.factories import make_planning, make_vacation, member

pytestmark = [pytest.mark.django_db(transaction=True)]

THREADS, ROUNDS = 50, 20


def _race(func, arguments: list) -> tuple[list, list, list]:
    """Run ``func(arg)`` in one thread per argument, all released together."""
    barrier = threading.Barrier(len(arguments))
    wins, refusals, errors = [], [], []
    lock = threading.Lock()

    def run(arg):
        try:
            barrier.wait()
            result = func(arg)
            with lock:
                wins.append((arg, result))
        except ApplicationError as exc:
            with lock:
                refusals.append(str(exc))
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return wins, refusals, errors


@pytest.fixture
def crowd(geography_13):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement")
    setup = make_planning(members=1)
    people = setup["people"] + [member(setup["structure"]) for _ in range(THREADS - 1)]
    setup["planning"].self_assignment_opens_at = timezone.now() - timedelta(hours=1)
    setup["planning"].save()
    return setup, people


def test_fifty_claims_of_one_open_vacation_twenty_rounds(crowd):
    setup, people = crowd
    start = timezone.now() + timedelta(days=5)
    for round_ in range(ROUNDS):
        vacation = make_vacation(setup, start + timedelta(days=round_), capacity=0)
        wins, refusals, errors = _race(
            lambda p, v=vacation: services.vacation_claim(vacation_id=v.pk, professional_id=p.pk, actor=None),
            people,
        )
        assert errors == []
        assert len(wins) == 1, f"tour {round_}"
        assert len(refusals) == THREADS - 1
        assert set(refusals) == {"Cette vacation vient d'être prise par un autre professionnel."}
        assert Vacation.objects.get(pk=vacation.pk).assignee_id == wins[0][0].pk


def test_fifty_takers_of_one_pool_request_twenty_rounds(crowd):
    setup, people = crowd
    giver, takers = people[0], people[1:]
    start = timezone.now() + timedelta(days=40)
    for round_ in range(ROUNDS):
        vacation = make_vacation(setup, start + timedelta(days=round_), assignee=giver, capacity=0)
        request = services.transfer_create(
            vacation_id=vacation.pk, kind="pool", from_professional_id=giver.pk, actor=None
        )
        wins, refusals, errors = _race(
            lambda p, r=request: services.transfer_accept(request_id=r.pk, professional_id=p.pk, actor=None),
            takers,
        )
        assert errors == []
        assert len(wins) == 1 and len(refusals) == len(takers) - 1
        assert all("plus ouverte" in text for text in refusals)
        assert Vacation.objects.get(pk=vacation.pk).assignee_id == wins[0][0].pk


def test_one_cession_accepted_twice_at_once(crowd):
    setup, people = crowd
    giver, receiver = people[0], people[1]
    for round_ in range(ROUNDS):
        vacation = make_vacation(
            setup, timezone.now() + timedelta(days=70 + round_), assignee=giver, capacity=0
        )
        request = services.transfer_create(
            vacation_id=vacation.pk,
            kind="cession",
            from_professional_id=giver.pk,
            to_professional_id=receiver.pk,
            actor=None,
        )
        wins, refusals, errors = _race(
            lambda p, r=request: services.transfer_accept(request_id=r.pk, professional_id=p.pk, actor=None),
            [receiver, receiver],
        )
        assert errors == [] and len(wins) == 1 and len(refusals) == 1

"""Races on PostgreSQL, with real threads and connections (DOMAIN.md §3.1 step 3: a slot is booked
once; nobody works a dossier unknowingly; one answer per surnuméraire request)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from planning.enums import SlotStatus
from regulation import services
from regulation.enums import Decision, RequestChannel, RequestStatus, Transition
from regulation.exceptions import DossierHeldByOther, RequestAlreadyAnswered, SlotTaken
from regulation.models import Booking, SurnumeraireRequest
from sas_platform.enums import Role
from tests.regulation import factories

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="races are measured on PostgreSQL")

THREADS = 50
ROUNDS = 20


def race(callables) -> Counter:
    """Run the callables at the same instant (barrier); count outcomes by exception class name."""
    barrier = threading.Barrier(len(callables))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            fn()
            result = "ok"
        except Exception as exc:  # counted, asserted below
            result = type(exc).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _geography_models():
    from sas_platform.models import Commune, CommuneName, Departement, PostalCode, Region

    return [Region, Departement, Commune, PostalCode, CommuneName]  # parents first


@pytest.fixture(scope="module", autouse=True)
def geography_restored(django_db_blocker):
    """Transactional tests flush every table, geography included. Instead of reloading the CSV files
    (about 20 s), copy the geography tables aside before and copy them back after (under a second)."""
    from django.core.management.color import no_style

    models = _geography_models()
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f'DROP TABLE IF EXISTS "_races_{table}"')
            cursor.execute(f'CREATE UNLOGGED TABLE "_races_{table}" AS TABLE "{table}"')
    yield
    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if not cursor.fetchone()[0]:
                cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "_races_{table}"')
            cursor.execute(f'DROP TABLE "_races_{table}"')
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture
def geography_13(transactional_db):
    from sas_platform.models import Commune
    from sas_platform.services import geography_load

    if not Commune.objects.filter(insee_code="13055").exists():
        geography_load(departements={"13"})


@pytest.fixture
def regulated_many(geography_13, territory, marseille, make_user):
    arm, regulateur = make_user(Role.ARM), make_user(Role.REGULATEUR)

    def _make(count):
        dossiers = []
        for _ in range(count):
            dossier = services.dossier_open(
                actor=arm,
                territory_code="13",
                commune=marseille,
                reason="Fièvre",
                route=Transition.ROUTE_GENERAL_PRACTICE,
            )
            services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
            services.dossier_decide(
                dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H
            )
            dossiers.append(dossier)
        return dossiers

    return _make


def test_fifty_osnp_book_the_same_platform_slot(regulated_many, make_user):
    osnps = [make_user(Role.OSNP) for _ in range(THREADS)]
    prof, place = factories.professional(last_name="Course")
    dossiers = regulated_many(THREADS + ROUNDS)
    losers = dossiers[:THREADS]  # every round's losers stay regulated and race again
    winners_pool = iter(dossiers[THREADS:])
    total = Counter()
    for _ in range(ROUNDS):
        slot = factories.slot(prof, place)
        racers = [*losers[: THREADS - 1], next(winners_pool)]
        calls = [
            (lambda d=d, u=u, s=slot.pk: services.slot_book_platform(dossier_id=d.pk, slot_id=s, actor=u))
            for d, u in zip(racers, osnps, strict=True)
        ]
        outcomes = race(calls)
        assert outcomes["ok"] == 1, outcomes
        assert set(outcomes) <= {"ok", SlotTaken.__name__}, outcomes
        assert Booking.objects.filter(slot_id=slot.pk).count() == 1
        slot.refresh_from_db()
        assert slot.status == SlotStatus.BOOKED
        winner = Booking.objects.get(slot_id=slot.pk).dossier
        if winner in losers:
            losers[losers.index(winner)] = racers[-1]
        total += outcomes
    assert total["ok"] == ROUNDS and total[SlotTaken.__name__] == ROUNDS * (THREADS - 1)


def test_two_people_claim_the_same_dossier(regulated_many, make_user):
    users = [make_user(Role.OSNP) for _ in range(20)]
    for dossier in regulated_many(5):
        outcomes = race(
            [(lambda u=u, d=dossier: services.dossier_claim(dossier_id=d.pk, actor=u)) for u in users]
        )
        assert outcomes == Counter({"ok": 1, DossierHeldByOther.__name__: 19})


def test_two_answers_to_one_surnumeraire_request(regulated_many, make_user):
    osnp = make_user(Role.OSNP)
    answerers = [make_user(Role.OSNP) for _ in range(20)]
    prof, _ = factories.professional(last_name="Surnum")
    for dossier in regulated_many(5):
        request = services.surnumeraire_request_create(
            dossier_id=dossier.pk, actor=osnp, channel=RequestChannel.PHONE, professional=prof
        )
        outcomes = race(
            [
                (
                    lambda u=u, i=i, r=request.pk: services.surnumeraire_request_answer(
                        request_id=r,
                        actor=u,
                        status=RequestStatus.ACCEPTED if i % 2 else RequestStatus.REFUSED,
                        doctor_name="Dr Surnum",
                    )
                )
                for i, u in enumerate(answerers)
            ]
        )
        assert outcomes == Counter({"ok": 1, RequestAlreadyAnswered.__name__: 19})
        request.refresh_from_db()
        assert request.status in (RequestStatus.ACCEPTED, RequestStatus.REFUSED)
        assert Booking.objects.filter(dossier=dossier).count() == (
            1 if request.status == RequestStatus.ACCEPTED else 0
        )
        assert SurnumeraireRequest.objects.filter(dossier=dossier).count() == 1

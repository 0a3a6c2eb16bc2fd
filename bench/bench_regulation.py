"""The regulation desk on PostgreSQL (issue 5): the booking race, opening a dossier, booking by API.

- ``booking_race``: 20 rounds; in each, 50 threads (50 OSNP, each with their own connection and
  their own regulated dossier) book the same platform-owned slot at the same instant (barrier).
  Exactly one may win; ``double_bookings`` counts slots with more than one active booking or a
  booked slot whose reference is not its single booking's dossier (must be 0), ``other_errors``
  counts outcomes other than success and the clean « créneau déjà pris » (must be 0).
- ``dossier_open``: ``GET /regulation/dossiers/<pk>/`` (the dossier page: patient data, bookings,
  requests, timeline of ~10 steps; the read is logged) by an OSNP, Django test client.
- ``api_booking``: ``POST /api/v1/regulation/dossiers/<pk>/book/``, a fresh dossier and slot each.

Background volume: three weeks of past calls (the demo's history builder, written 5 times:
about 1,500 dossiers and 10,000 audit events) so the indexes are exercised.

Runs on its own database ``bench_regulation`` (same server as ``DATABASE_URL``, created, migrated
and given the geography of the Bouches-du-Rhône if missing). Writes ``bench/results/regulation.md``
and the ``regulation`` section of ``bench/results/latest.json``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import sys
import threading
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = os.environ.get(
    "BENCH_DB", "bench_regulation"
)  # a shared server: each developer may name their own
THREADS, ROUNDS, REPEAT = 50, 20, 200


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/sas_platform"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench_regulation : PostgreSQL requis (DATABASE_URL).")
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


os.environ["DATABASE_URL"] = _bench_database_url()
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "600000")

from _common import setup_django, summary, timings_ms, update_latest, write_result  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from cpts.models import PracticePlace, Professional  # noqa: E402
from planning.enums import SlotStatus  # noqa: E402
from planning.models import Slot  # noqa: E402
from regulation import services  # noqa: E402
from regulation.demo_history import seed_history  # noqa: E402
from regulation.enums import ACTIVE_APPOINTMENT_STATUSES, Decision, Transition  # noqa: E402
from regulation.exceptions import SlotTaken  # noqa: E402
from regulation.models import Booking  # noqa: E402
from sas_platform.enums import Role  # noqa: E402
from sas_platform.models import Commune, Departement, SasTerritory, User  # noqa: E402
from sas_platform.services import geography_load, roles_ensure_groups, user_create  # noqa: E402


def _prepare() -> tuple[dict, Professional, PracticePlace, Commune]:
    call_command("migrate", verbosity=0, interactive=False)
    if not Commune.objects.filter(insee_code="13055").exists():
        geography_load(departements={"13"})
    roles_ensure_groups()
    SasTerritory.objects.get_or_create(
        departement=Departement.objects.get(code="13"),
        defaults={"name": "SAS 13", "opened_on": dt.date(2022, 3, 31)},
    )
    run = timezone.now().strftime("%Y%m%d%H%M%S")

    def user(role: Role, name: str) -> User:
        return user_create(email=f"{name}-{run}@bench.sas", password=None, roles=[role], territories=["13"])

    users = {
        "arm": user(Role.ARM, "arm"),
        "regulateur": user(Role.REGULATEUR, "regulateur"),
        "osnp": [user(Role.OSNP, f"osnp{i}") for i in range(THREADS)],
        "admin": user(Role.ADMIN_SAS, "admin"),
    }
    marseille = Commune.objects.get(insee_code="13055")
    professional = Professional.objects.create(
        identifier_type="8",
        identifier=f"9{run[-10:]}",
        last_name="Banc",
        first_name="Essai",
        profession_code="10",
    )
    place = PracticePlace.objects.create(
        professional=professional,
        source_key=f"bench-regulation:{run}",
        name="Cabinet du banc d'essai",
        commune=marseille,
        latitude=marseille.latitude,
        longitude=marseille.longitude,
    )
    return users, professional, place, marseille


def _regulated(users: dict, commune: Commune, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        dossier = services.dossier_open(
            actor=users["arm"],
            territory_code="13",
            commune=commune,
            reason="Fièvre (banc d'essai)",
            route=Transition.ROUTE_GENERAL_PRACTICE,
            patient_age=40,
        )
        services.dossier_claim(dossier_id=dossier.pk, actor=users["regulateur"])
        services.dossier_decide(
            dossier_id=dossier.pk, actor=users["regulateur"], decision=Decision.APPOINTMENT_48H
        )
        ids.append(dossier.pk)
    return ids


def _slot(professional: Professional, place: PracticePlace, n: int) -> Slot:
    start = (timezone.now() + dt.timedelta(hours=2, minutes=15 * n)).replace(second=0, microsecond=0)
    return Slot.objects.create(
        external_id=f"bench-regulation-{professional.pk}-{n}",
        professional=professional,
        place=place,
        start=start,
        end=start + dt.timedelta(minutes=15),
        modalities=["AMB"],
        modality_mask=1,
        slot_types=["PUBLIC"],
        type_mask=1,
        specialty_code="SM54",
        specialty_codes="|SM54|",
        latitude=place.latitude,
        longitude=place.longitude,
        departement_code="13",
        status=SlotStatus.FREE,
    )


def _race(calls) -> Counter:
    barrier = threading.Barrier(len(calls))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            fn()
            result = "ok"
        except SlotTaken:
            result = "slot_taken"
        except Exception as exc:  # counted and reported: must be none
            result = type(exc).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def booking_race(users, professional, place, commune) -> dict:
    """Each round: a new free slot, 50 regulated dossiers (the previous round's losers and one new)."""
    racers = _regulated(users, commune, THREADS)
    total: Counter = Counter()
    double = 0
    for round_number in range(ROUNDS):
        slot = _slot(professional, place, 1000 + round_number)
        calls = [
            (lambda d=d, u=u, s=slot.pk: services.slot_book_platform(dossier_id=d, slot_id=s, actor=u))
            for d, u in zip(racers, users["osnp"], strict=True)
        ]
        outcomes = _race(calls)
        total += outcomes
        active = list(Booking.objects.filter(slot=slot, status__in=ACTIVE_APPOINTMENT_STATUSES))
        slot.refresh_from_db()
        if (
            len(active) != 1
            or slot.status != SlotStatus.BOOKED
            or slot.booking_reference != active[0].dossier.reference
        ):
            double += 1
        winners = {b.dossier_id for b in active}
        racers = [d for d in racers if d not in winners] + _regulated(users, commune, len(winners))
    return {
        "rounds": ROUNDS,
        "attempts_per_round": THREADS,
        "double_bookings": double,
        "successes": total["ok"],
        "refused": total["slot_taken"],
        "other_errors": sum(n for k, n in total.items() if k not in ("ok", "slot_taken")),
    }


def main() -> None:
    users, professional, place, commune = _prepare()
    communes = list(
        Commune.objects.filter(departement_id="13", population_2021__gt=5000).order_by("insee_code")
    )
    for i in range(5):
        seed_history(
            random.Random(f"bench:{i}"),
            arm=users["arm"],
            regulateur=users["regulateur"],
            osnp=users["osnp"][0],
            supervisor=users["admin"],
            communes=communes,
        )
    race = booking_race(users, professional, place, commune)
    dossier_open, api_booking = _latencies(users, professional, place, commune)
    _report(race, dossier_open, api_booking)


def _latencies(users, professional, place, commune) -> tuple[dict, dict]:
    """Opening a dossier's page and booking by API, in ms (Django test client)."""
    osnp = users["osnp"][0]
    # The dossier page: a dossier with a booking and a timeline of ~10 steps.
    [page_dossier] = _regulated(users, commune, 1)
    services.slot_book_platform(
        dossier_id=page_dossier, slot_id=_slot(professional, place, 5000).pk, actor=osnp
    )
    for _ in range(3):
        services.dossier_claim(dossier_id=page_dossier, actor=osnp)
        services.dossier_release(dossier_id=page_dossier, actor=osnp)
    booking_dossiers = iter(_regulated(users, commune, REPEAT + 3))
    booking_slots = iter([_slot(professional, place, 6000 + i).pk for i in range(REPEAT + 3)])
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        client = Client()
        client.force_login(osnp)
        page_url = f"/regulation/dossiers/{page_dossier}/"
        assert client.get(page_url).status_code == 200
        dossier_open = summary(timings_ms(lambda: client.get(page_url), repeat=REPEAT))
        api = APIClient()
        api.force_authenticate(osnp)

        def book():
            response = api.post(
                f"/api/v1/regulation/dossiers/{next(booking_dossiers)}/book/",
                {"slot": next(booking_slots)},
                format="json",
            )
            assert response.status_code == 201, response.content

        api_booking = summary(timings_ms(book, repeat=REPEAT))
    return dossier_open, api_booking


def _report(race: dict, dossier_open: dict, api_booking: dict) -> None:
    """Write ``bench/results/regulation.md`` and the ``regulation`` figures of ``latest.json``."""
    figures = {
        "booking_race": {
            "rounds": race["rounds"],
            "attempts_per_round": race["attempts_per_round"],
            "double_bookings": race["double_bookings"],
            "other_errors": race["other_errors"],
        },
        "dossier_open_p95_ms": round(dossier_open["p95"], 2),
        "api_booking_p95_ms": round(api_booking["p95"], 2),
    }
    update_latest("regulation", figures)
    volume = (
        f"{Booking.objects.count():,} bookings, "
        f"{connection.cursor().execute('SELECT count(*) FROM regulation_dossier').fetchone()[0]:,} dossiers"
    )
    text = f"""# regulation: the booking race, opening a dossier, booking by API (issue 5)

Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores shared with
other developers, Python {platform.python_version()}), PostgreSQL database `{BENCH_DB}` ({volume} after the run).

## booking_race (platform-owned slot, `services.slot_book_platform`)

{ROUNDS} rounds × {THREADS} threads (one connection and one regulated dossier each, released together by a
barrier) booking the same free slot: planning's conditional `UPDATE ... WHERE status = 'free'` decides,
the partial unique constraint `booking_one_active_per_slot` backs it up.

| rounds | attempts per round | successes | « créneau déjà pris » | other errors | double bookings |
| --- | --- | --- | --- | --- | --- |
| {race["rounds"]} | {race["attempts_per_round"]} | {race["successes"]} | {race["refused"]} | {race["other_errors"]} | **{race["double_bookings"]}** |

## Latency (Django test client, no network; {REPEAT} requests after 3 warm-up, ms)

| request | n | p50 | p95 | max |
| --- | --- | --- | --- | --- |
| GET /regulation/dossiers/<pk>/ (OSNP, read logged) | {dossier_open["n"]} | {dossier_open["p50"]:.2f} | {dossier_open["p95"]:.2f} | {dossier_open["max"]:.2f} |
| POST /api/v1/regulation/dossiers/<pk>/book/ | {api_booking["n"]} | {api_booking["p50"]:.2f} | {api_booking["p95"]:.2f} | {api_booking["max"]:.2f} |

Booking by API includes the dossier's row lock, planning's conditional update, the booking row with its
pay facts, two audit events and the orientation (one transaction).
"""
    write_result("regulation.md", text)
    if race["double_bookings"] or race["other_errors"]:
        sys.exit("bench_regulation : double réservation ou erreur inattendue.")


if __name__ == "__main__":
    main()

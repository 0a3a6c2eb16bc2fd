"""CPTS vacation planning (issue 11): the fair auto-fill and the month calendar on PostgreSQL.

A CPTS with 150 professionals (three groups of 50), a month of about 1,200 vacations (morning,
afternoon, evening and night sessions every day, plus a midwife session nobody can take), rules
(3 per week, 12 per month, at most 3 % of the month per person, 11 h of rest), 10 % unavailability
(each person away 3 consecutive days) and a past quarter of done vacations (the history).

- ``vacations.autofill_s``: the proposal service (database → plain data → CP-SAT → stored diff);
- ``vacations.unfilled``: vacations the proposal leaves empty;
- ``vacations.unfillable``: vacations no eligible person can take, counted independently (every
  person checked with ``policies.assignment_problems`` against what they already hold);
- ``vacations.max_gap_to_target``: largest |load − target| over the people, in vacations;
- ``vacations.calendar_p95_ms`` / ``vacations.calendar_queries``: the coordinator's month calendar
  page (``GET /planning/vacations/<pk>/calendrier/?mois=``), after the proposal is applied.

Runs on ``DATABASE_URL`` (``make bench``: the bench database, migrated, geography loaded).
Writes ``bench/results/vacations.md`` and the ``vacations`` section of ``latest.json``.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time as clock
from datetime import date, datetime, time, timedelta

os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "600000")

from _common import setup_django, summary, timings_ms, update_latest, write_result

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from cpts.models import Membership, PracticePlace, Professional, Structure, StructureCoordinator  # noqa: E402
from planning.vacations.enums import VacationState  # noqa: E402
from planning.vacations.models import (  # noqa: E402
    DistributionRule,
    Unavailability,
    Vacation,
    VacationGroup,
    VacationPlanning,
    VacationTemplate,
    VacationType,
)
from planning.vacations.policies import PARIS  # noqa: E402
from planning.vacations.services import vacations_generate  # noqa: E402
from sas_platform.enums import Role  # noqa: E402
from sas_platform.models import Commune, Departement, User  # noqa: E402

MONTH = date(2027, 1, 1)
PEOPLE, GROUPS = 150, 3
SEED = 11


def _build():
    rng = random.Random(SEED)
    old = Structure.objects.filter(name="CPTS banc d'essai vacations")
    for planning in VacationPlanning.objects.filter(structure__in=old):
        from planning.models import Slot

        Slot.objects.filter(vacation_link__vacation__planning=planning).delete()
        Vacation.objects.filter(planning=planning).delete()
        planning.delete()
    Professional.objects.filter(identifier__startswith="8119").delete()
    old.delete()
    commune = Commune.objects.get(insee_code="13201")
    structure = Structure.objects.create(
        kind="cpts",
        name="CPTS banc d'essai vacations",
        departement=Departement.objects.get(code="13"),
        phone="0491000000",
    )
    user, _ = User.objects.get_or_create(email="coordinateur-bench@vacations.test")
    user.set_password("x")
    user.save()
    from sas_platform.services import user_set_roles, user_set_territories

    user_set_roles(user=user, roles=[Role.COORDINATEUR_STRUCTURE], actor=None)
    user_set_territories(user=user, territories=["13"], actor=None)
    StructureCoordinator.objects.get_or_create(user=user, structure=structure)
    people = Professional.objects.bulk_create(
        [
            Professional(
                identifier_type="8",
                identifier=f"8119{n:07d}",
                last_name=f"Banc{n:03d}",
                first_name="Dr",
                profession_code="10",
                specialty_code="SM54",
            )
            for n in range(PEOPLE)
        ]
    )
    PracticePlace.objects.bulk_create(
        [
            PracticePlace(
                professional=p,
                source_key=f"bench-vac:{p.pk}",
                name="Cabinet",
                commune=commune,
                latitude=commune.latitude,
                longitude=commune.longitude,
            )
            for p in people
        ]
    )
    Membership.objects.bulk_create(
        [Membership(professional=p, structure=structure, start_date=date(2020, 1, 1)) for p in people]
    )
    planning, made, groups = _planning(structure, people)
    return _period(planning, made, groups, people, user, rng)


def _planning(structure, people):
    planning = VacationPlanning.objects.create(structure=structure, name="Planning SNP banc d'essai")
    groups = [VacationGroup.objects.create(planning=planning, name=f"Secteur {g + 1}") for g in range(GROUPS)]
    for n, p in enumerate(people):
        groups[n % GROUPS].members.add(p)
    types = {
        "matin": (time(8), time(12), 4, ["10"]),
        "apres-midi": (time(14), time(18), 4, ["10"]),
        "soir": (time(18), time(22), 3, ["10"]),
        "nuit": (time(20), time(8), 2, ["10"]),
        "sage-femme": (time(9), time(12), 1, ["50"]),
    }
    made = {}
    for name, (start, end, _count, professions) in types.items():
        made[name] = VacationType.objects.create(
            planning=planning,
            name=name,
            default_start=start,
            default_end=end,
            capacity=3,
            profession_codes=professions,
        )
    for group in groups:
        for weekday in range(7):
            for name, (start, end, count, _p) in types.items():
                if name == "sage-femme" and weekday != 6:
                    continue
                VacationTemplate.objects.create(
                    planning=planning,
                    vacation_type=made[name],
                    group=group,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    count=count,
                    on_holidays=True,
                )
    for name, kind, extra in (
        ("Trois par semaine", "cap", {"period": "week", "max_count": 3}),
        ("Douze par mois", "cap", {"period": "month", "max_count": 12}),
        ("Pas plus de 3 % du mois", "share", {"period": "month", "share_percent": 3}),
        ("Repos de 11 h", "min_rest", {"min_rest_hours": 11}),
    ):
        DistributionRule.objects.create(planning=planning, name=name, kind=kind, **extra)
    return planning, made, groups


def _period(planning, made, groups, people, user, rng):
    end = date(2027, 1, 31)
    created = vacations_generate(planning=planning, start=MONTH, end=end, actor=None)
    leave = []
    for p in people:
        day = MONTH + timedelta(days=rng.randrange(0, 29))
        leave.append(
            Unavailability(
                professional=p,
                starts_at=datetime.combine(day, time.min, tzinfo=PARIS),
                ends_at=datetime.combine(day + timedelta(days=3), time.min, tzinfo=PARIS),
            )
        )
    Unavailability.objects.bulk_create(leave)
    past = []
    for p in people:
        for k in range(rng.randrange(0, 6)):
            start = datetime.combine(
                date(2026, 10, 5) + timedelta(days=7 * k + rng.randrange(0, 3)), time(14), tzinfo=PARIS
            )
            past.append(
                Vacation(
                    planning=planning,
                    vacation_type=made["apres-midi"],
                    group=groups[0],
                    starts_at=start,
                    ends_at=start + timedelta(hours=4),
                    state=VacationState.DONE,
                    assignee=p,
                    published=True,
                )
            )
    Vacation.objects.bulk_create(past)
    return planning, user, len(created)


def _unfillable(data) -> int:
    from planning.vacations.policies import assignment_problems

    count = 0
    for shift in data["shifts"]:
        if not any(
            not assignment_problems(
                person, shift, data["fixed"].get(person.id, []), data["rules"], data["ctx"]
            )
            for person in data["people"]
        ):
            count += 1
    return count


def main() -> int:
    from planning.vacations.models import Vacation
    from planning.vacations.services.autofill import autofill_apply, autofill_propose, solver_input

    planning, user, generated = _build()
    end = date(2027, 1, 31)
    unfillable = _unfillable(solver_input(planning=planning, start=MONTH, end=end))
    started, cpu = clock.perf_counter(), clock.process_time()
    proposal = autofill_propose(planning=planning, start=MONTH, end=end, actor=None)
    autofill_s, autofill_cpu = clock.perf_counter() - started, clock.process_time() - cpu
    load = os.getloadavg()[0]
    autofill_apply(proposal_id=proposal.pk, actor=None)
    Vacation.objects.filter(planning=planning).update(published=True)
    client = Client()
    client.force_login(user)
    url = reverse("vacations-calendar", args=[planning.pk]) + "?mois=2027-01"
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with override_settings(ALLOWED_HOSTS=["*"]):
        client.get(url)  # warm-up (session, templates)
        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        samples = timings_ms(lambda: client.get(url), repeat=40)
        cpu_samples = []
        for _ in range(20):
            before = clock.process_time()
            client.get(url)
            cpu_samples.append((clock.process_time() - before) * 1000)
    calendar = summary(samples)
    calendar_cpu = summary(cpu_samples)
    figures = {
        "vacations.autofill_s": round(autofill_s, 2),
        "vacations.unfilled": len(proposal.unfilled),
        "vacations.unfillable": unfillable,
        "vacations.max_gap_to_target": proposal.figures["max_gap"],
        "vacations.calendar_p95_ms": round(calendar["p95"], 1),
        "vacations.calendar_queries": len(executed),
        "vacations.generated": generated,
        "vacations.assigned": len(proposal.items),
        "vacations.solver_status": proposal.figures["status"],
        "vacations.autofill_cpu_s": round(autofill_cpu, 2),
        "vacations.calendar_cpu_p95_ms": round(calendar_cpu["p95"], 1),
        "vacations.load_average": round(load, 1),
    }
    update_latest("vacations", figures)
    lines = [
        "# Vacations (issue 11)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {connection.vendor}.",
        f"{PEOPLE} professionals in {GROUPS} groups, {generated} vacations in January 2027, caps 3/week and "
        "12/month, share 3 %/month, 11 h rest, 10 % unavailability, a past quarter of history.",
        "",
        "| key | value | target |",
        "| --- | --- | --- |",
        f"| vacations.autofill_s | {figures['vacations.autofill_s']} (CPU {autofill_cpu:.2f} s, load {load:.1f}) | ≤ 10 |",
        f"| vacations.unfilled | {figures['vacations.unfilled']} | = unfillable |",
        f"| vacations.unfillable | {figures['vacations.unfillable']} | |",
        f"| vacations.max_gap_to_target | {figures['vacations.max_gap_to_target']} | ≤ 1 |",
        f"| vacations.calendar_p95_ms | {figures['vacations.calendar_p95_ms']} (p50 {calendar['p50']:.1f}; CPU p95 {calendar_cpu['p95']:.1f}) | ≤ 150 |",
        f"| vacations.calendar_queries | {figures['vacations.calendar_queries']} | ≤ 15 |",
        "",
        f"Solver status: {figures['vacations.solver_status']}; {figures['vacations.assigned']} assignments proposed.",
    ]
    write_result("vacations.md", "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

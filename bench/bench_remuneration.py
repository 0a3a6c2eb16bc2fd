"""Remuneration on PostgreSQL (issue 12): a year of facts for 3,000 doctors, a month of 2,000 shifts.

Facts (written once, then reused): 3,000 doctors of the Bouches-du-Rhône, each with a place of
practice and a participation declaration, 1,000 of them with 2 h of weekly declared availability;
200,000 acts over 2025 (dossier + booking + act facts; ~25 % surnuméraire, ~10 % by the MT, a few
without RPPS, outcomes mostly seen); 2,000 regulators' shifts in December 2025 by 300 regulators.

Measured in the same run:
- ``compute_s``: the bordereaux indicator 8 (2025), indicator 9 (the 4 quarters of 2025), SNP/MRT
  (the 12 months of 2025) and regulators (December 2025), computed from scratch through
  ``bordereau_compute`` (facts read through the selectors, rules applied, lines written);
- ``sql_s``: a bare SQL aggregate of the same counts (surnuméraire acts per doctor and quarter,
  eligible SNP/MRT acts per doctor, ISO week and month, declarations and declared hours per
  doctor, SAS minutes per regulator); ``ratio_to_sql`` = compute_s / sql_s;
- ``export_xlsx_s`` / ``export_pdf_s``: the regulators' bordereau (2,000 lines) rendered.

Database: ``REMUNERATION_BENCH_DB`` (default ``bench_remuneration``) on the server of ``DATABASE_URL``,
created and migrated if missing. Writes ``bench/results/remuneration.md`` and the ``remuneration``
section of ``bench/results/latest.json``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import sys
import time
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = os.environ.get("REMUNERATION_BENCH_DB", "bench_remuneration")
DOCTORS, ACTS, REGULATORS, SHIFTS, YEAR = 3_000, 200_000, 300, 2_000, 2025


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/sas_platform"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench_remuneration : PostgreSQL requis (DATABASE_URL).")
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


os.environ["DATABASE_URL"] = _bench_database_url()
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "600000")

from _common import setup_django, update_latest, write_result  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from remuneration_baselines import facts_fetch, lines_write, sql_aggregate  # noqa: E402

from cpts.enums import ParticipationMode, VisibilityMode  # noqa: E402
from cpts.models import PracticePlace, Professional, SasParticipation  # noqa: E402
from planning.enums import AvailabilityKind  # noqa: E402
from planning.models import DeclaredAvailability  # noqa: E402
from regulation import policies  # noqa: E402
from regulation.enums import AppointmentStatus, BookingKind, ShiftOrigin  # noqa: E402
from regulation.models import ActFact, Booking, Dossier, RegulatorShift  # noqa: E402
from remuneration.exports import render_export  # noqa: E402
from remuneration.models import Bordereau  # noqa: E402
from remuneration.services import bordereau_compute  # noqa: E402
from sas_platform.enums import Role  # noqa: E402
from sas_platform.models import Commune, Departement, SasTerritory, User  # noqa: E402
from sas_platform.services import geography_load, roles_ensure_groups  # noqa: E402

PARIS = timezone.get_default_timezone()


def _rpps(n: int) -> str:
    body = f"9{n:09d}"
    digits = [int(c) for c in body]
    total = sum(d if i % 2 else sum(divmod(d * 2, 10)) for i, d in enumerate(reversed(digits)))
    return body + str((10 - total % 10) % 10)


def _doctors(rng: random.Random, communes: list[Commune]) -> list[Professional]:
    existing = list(Professional.objects.filter(identifier__startswith="9").order_by("pk")[:DOCTORS])
    if len(existing) >= DOCTORS:
        return existing
    pros = Professional.objects.bulk_create(
        [
            Professional(
                identifier_type="8",
                identifier=_rpps(n),
                last_name=f"Bench{n}",
                first_name="Doc",
                profession_code="10",
                profession_label="Médecin",
                search_name=f"bench{n} doc",
            )
            for n in range(DOCTORS)
        ]
    )
    PracticePlace.objects.bulk_create(
        [
            PracticePlace(professional=p, source_key="bench", commune=rng.choice(communes), is_active=True)
            for p in pros
        ]
    )
    SasParticipation.objects.bulk_create(
        [
            SasParticipation(
                professional=p,
                mode=ParticipationMode.INDIVIDUAL,
                accepts_surnumeraire=True,
                visibility=VisibilityMode.DECLARED_AVAILABILITY,
                start_date=dt.date(YEAR - 1, rng.randint(1, 12), 1),
            )
            for p in pros
        ]
    )
    DeclaredAvailability.objects.bulk_create(
        [
            DeclaredAvailability(
                professional=p,
                kind=AvailabilityKind.WEEKLY,
                weekday=rng.randint(0, 4),
                valid_from=dt.date(YEAR, 1, 1),
                start_time=dt.time(14, 0),
                end_time=dt.time(16, 0),
                modalities=["AMB"],
            )
            for p in pros[:1000]
        ]
    )
    return pros


def _acts(rng: random.Random, doctors: list[Professional], arm: User) -> None:
    if ActFact.objects.filter(territory_id="13", appointment_start__year=YEAR).count() >= ACTS:
        return
    start_of_year = dt.datetime(YEAR, 1, 1, tzinfo=PARIS)
    batch = 20_000
    for offset in range(0, ACTS, batch):
        specs = []
        for _ in range(batch):
            doctor = rng.choice(doctors)
            appointment = start_of_year + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            regulated = appointment - dt.timedelta(hours=rng.choice((1, 3, 20, 47, 50)))
            specs.append(
                (
                    doctor,
                    appointment,
                    regulated,
                    rng.random() < 0.25,
                    rng.random() < 0.1,
                    AppointmentStatus.FULFILLED if rng.random() < 0.9 else AppointmentStatus.NOSHOW,
                    rng.random() < 0.002,
                )
            )
        with transaction.atomic():
            dossiers = Dossier.objects.bulk_create(
                [
                    Dossier(
                        territory_id="13", reason="bench", created_by=arm, commune_id="13055", decided_at=s[2]
                    )
                    for s in specs
                ],
                batch_size=5000,
            )
            bookings = Booking.objects.bulk_create(
                [
                    Booking(
                        dossier=d,
                        kind=BookingKind.SURNUMERAIRE if s[3] else BookingKind.PLATFORM_SLOT,
                        status=s[5],
                        rpps="" if s[6] else s[0].identifier,
                        doctor_name=f"Dr Doc {s[0].last_name}",
                        start=s[1],
                        professional=s[0],
                    )
                    for d, s in zip(dossiers, specs, strict=True)
                ],
                batch_size=5000,
            )
            facts = []
            for d, b, s in zip(dossiers, bookings, specs, strict=True):
                f = policies.act_facts(
                    regulated_at=s[2], appointment_start=s[1], surnumeraire=s[3], by_treating_doctor=s[4]
                )
                facts.append(
                    ActFact(
                        booking=b,
                        dossier=d,
                        territory_id="13",
                        kind=b.kind,
                        professional=s[0],
                        rpps=b.rpps,
                        doctor_name=b.doctor_name,
                        regulated_at=s[2],
                        appointment_start=s[1],
                        outcome=s[5],
                        outcome_at=s[1],
                        is_surnumeraire=s[3],
                        is_treating_doctor=s[4],
                        within_48h=f.within_48h,
                        outside_pdsa=f.outside_pdsa,
                        snp_candidate=f.snp_candidate,
                        recorded_at=s[1],
                    )
                )
            ActFact.objects.bulk_create(facts, batch_size=5000)
        print(f"actes : {offset + batch}/{ACTS}", flush=True)


def _shifts(rng: random.Random) -> None:
    start, end = dt.datetime(YEAR, 12, 1, tzinfo=PARIS), dt.datetime(YEAR + 1, 1, 1, tzinfo=PARIS)
    if RegulatorShift.objects.filter(territory_id="13", start__gte=start, start__lt=end).count() >= SHIFTS:
        return
    regulators = []
    for n in range(REGULATORS):
        email = f"regulateur{n}@bench.sas"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email,
            password=None,
            first_name="Régulateur",
            last_name=f"Bench{n}",
            rpps=_rpps(500_000 + n),
        )
        regulators.append(user)
    rows, per_regulator = [], SHIFTS // REGULATORS + 1
    for index, regulator in enumerate(regulators):
        for k in range(per_regulator):
            if len(rows) >= SHIFTS:
                break
            day = dt.date(YEAR, 12, 1 + (index + 4 * k) % 31)
            begin = dt.datetime.combine(day, dt.time(rng.choice((8, 9, 13, 14))), tzinfo=PARIS)
            finish = begin + dt.timedelta(hours=rng.choice((4, 5, 6, 7)))
            sas, pdsa = policies.split_on_duty_minutes(begin, finish)
            rows.append(
                RegulatorShift(
                    territory_id="13",
                    regulator=regulator,
                    start=begin,
                    end=finish,
                    sas_minutes=sas,
                    pdsa_minutes=pdsa,
                    origin=ShiftOrigin.SCHEDULE,
                    recorded_by=regulator,
                )
            )
    RegulatorShift.objects.bulk_create(rows)


def _prepare() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    if not Commune.objects.filter(insee_code="13055").exists():
        geography_load(departements={"13"})
    roles_ensure_groups()
    SasTerritory.objects.get_or_create(
        departement=Departement.objects.get(code="13"),
        defaults={"name": "SAS 13", "opened_on": dt.date(2022, 3, 31)},
    )
    rng = random.Random(12)
    arm = User.objects.filter(email="arm@bench.sas").first() or User.objects.create_user(
        email="arm@bench.sas", password=None
    )
    arm.groups.add(
        *__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(name=Role.ARM)
    )
    communes = list(Commune.objects.filter(departement_id="13"))
    doctors = _doctors(rng, communes)
    _acts(rng, doctors, arm)
    _shifts(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


JOBS = [
    ("indicator8", str(YEAR)),
    *[("indicator9", f"{YEAR}-Q{q}") for q in range(1, 5)],
    *[("snp_mrt", f"{YEAR}-{m:02d}") for m in range(1, 13)],
    ("regulators", f"{YEAR}-12"),
]


def _compute() -> tuple[float, dict]:
    from remuneration.models import BordereauLine

    BordereauLine.objects.filter(bordereau__status__in=["draft", "sent_back"]).delete()
    Bordereau.objects.filter(status__in=["draft", "sent_back"]).delete()
    started, lines, by_kind = time.perf_counter(), {}, {}
    for kind, period in JOBS:
        t = time.perf_counter()
        b = bordereau_compute(actor=None, kind=kind, territory_code="13", period=period).bordereau
        by_kind[kind] = by_kind.get(kind, 0.0) + time.perf_counter() - t
        lines[kind] = lines.get(kind, 0) + b.lines_count
    return time.perf_counter() - started, lines, by_kind


def main() -> None:
    _prepare()
    sql_runs = [sql_aggregate(YEAR) for _ in range(3)]
    fetch_s = min(facts_fetch(YEAR) for _ in range(3))
    compute_runs, lines, by_kind = [], {}, {}
    for _ in range(2):
        elapsed, lines, kinds = _compute()
        if not compute_runs or elapsed < min(compute_runs):
            by_kind = kinds
        compute_runs.append(elapsed)
    compute_s, sql_s = min(compute_runs), min(sql_runs)
    write_s = min(lines_write(YEAR) for _ in range(3))
    regulators = Bordereau.objects.get(kind="regulators", territory_id="13", period=f"{YEAR}-12")
    t0 = time.perf_counter()
    xlsx = render_export(regulators, "xlsx")
    t1 = time.perf_counter()
    pdf = render_export(regulators, "pdf")
    t2 = time.perf_counter()
    figures = {
        "compute_s": round(compute_s, 3),
        "sql_s": round(sql_s, 3),
        "ratio_to_sql": round(compute_s / sql_s, 2),
        "compute_by_kind_s": {kind: round(v, 3) for kind, v in by_kind.items()},
        "facts_fetch_s": round(fetch_s, 3),
        "facts_fetch_ratio_to_sql": round(fetch_s / sql_s, 2),
        "lines_write_s": round(write_s, 3),
        "lines_write_ratio_to_sql": round(write_s / sql_s, 2),
        "export_xlsx_s": round(t1 - t0, 3),
        "export_pdf_s": round(t2 - t1, 3),
        "lines": lines,
        "acts": ActFact.objects.filter(territory_id="13", appointment_start__year=YEAR).count(),
        "shifts": RegulatorShift.objects.filter(territory_id="13", start__year=YEAR, start__month=12).count(),
        "xlsx_bytes": len(xlsx.content),
        "pdf_bytes": len(pdf.content),
    }
    update_latest("remuneration", figures)
    write_result(
        "remuneration.md",
        "# Remuneration bench (issue 12)\n\n"
        f"PostgreSQL, {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU.\n\n"
        f"- facts: {figures['acts']} acts of {YEAR} for {DOCTORS} doctors, {figures['shifts']} shifts in December\n"
        f"- compute (indicator 8, 4 × indicator 9, 12 × SNP/MRT, regulators; best of 2): **{compute_s:.2f} s** "
        f"(target ≤ 60 s)\n"
        f"- bare SQL aggregate of the same counts (best of 3): {sql_s:.3f} s → ratio **{compute_s / sql_s:.2f}** (target ≤ 3)\n"
        f"- by kind (s): {figures['compute_by_kind_s']}\n"
        f"- floor: reading the year's {figures['acts']} act rows once (what rules that see every act must do) "
        f"takes {fetch_s:.3f} s alone, {fetch_s / sql_s:.1f} × the bare SQL; writing the year's "
        f"{sum(lines.values())} lines again server-side (no Python, unindexed copy) {write_s:.3f} s, "
        f"{write_s / sql_s:.1f} × the bare SQL\n"
        f"- exports of the regulators' bordereau ({lines.get('regulators', 0)} lines): XLSX {t1 - t0:.2f} s, PDF {t2 - t1:.2f} s\n"
        f"- lines written: {lines}\n",
    )


if __name__ == "__main__":
    main()

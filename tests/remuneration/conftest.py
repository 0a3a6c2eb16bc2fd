"""Fixtures of remuneration: territories 13 and 83, users per role, facts written in bulk."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regulation import policies
from regulation.enums import AppointmentStatus, BookingKind, ShiftOrigin
from regulation.models import ActFact, Booking, Dossier, RegulatorShift
from sas_platform.enums import Role
from sas_platform.models import Departement, SasTerritory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def territory(db):
    return SasTerritory.objects.update_or_create(
        departement=Departement.objects.get(code="13"),
        defaults={"name": "SAS 13", "opened_on": dt.date(2022, 3, 31)},
    )[0]


@pytest.fixture
def other_territory(db):
    return SasTerritory.objects.update_or_create(
        departement=Departement.objects.get(code="83"),
        defaults={"name": "SAS 83", "opened_on": dt.date(2023, 1, 1)},
    )[0]


@pytest.fixture
def people(make_user, territory, other_territory):
    return {
        "admin_sas": make_user(Role.ADMIN_SAS, email="admin.sas@test.fr"),
        "ars": make_user(Role.AGENT_ARS, email="ars13@test.fr", first_name="Marc", last_name="Olivier"),
        "ars83": make_user(Role.AGENT_ARS, territories=["83"], email="ars83@test.fr"),
        "cpam": make_user(Role.AGENT_CPAM, email="cpam13@test.fr"),
        "cpam83": make_user(Role.AGENT_CPAM, territories=["83"], email="cpam83@test.fr"),
        "coordinator": make_user(Role.COORDINATEUR_STRUCTURE, email="coord@test.fr"),
        "regulateur": make_user(
            Role.REGULATEUR, email="reg@test.fr", first_name="Paul", last_name="Roux", rpps="10003384327"
        ),
        "effecteur": make_user(Role.EFFECTEUR, email="eff@test.fr", rpps="10101010105"),
    }


def make_shift(regulator, start, end, *, territory="13", recorded_by=None) -> RegulatorShift:
    sas, pdsa = policies.split_on_duty_minutes(start, end) if end else (0, 0)
    return RegulatorShift.objects.create(
        territory_id=territory,
        regulator=regulator,
        start=start,
        end=end,
        sas_minutes=sas,
        pdsa_minutes=pdsa,
        origin=ShiftOrigin.SCHEDULE,
        recorded_by=recorded_by or regulator,
    )


def make_acts(specs: list[dict], *, actor, territory="13") -> list[ActFact]:
    """``specs``: dicts with ``start`` (aware), optional ``regulated`` (default start − 3 h), ``rpps``,
    ``mt``, ``surnumeraire``, ``outcome``, ``name``, ``structure_id``."""
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                territory_id=territory,
                reason="test",
                created_by=actor,
                commune_id=f"{territory}055" if territory == "13" else "83137",
                decided_at=s.get("regulated", s["start"] - dt.timedelta(hours=3)),
            )
            for s in specs
        ]
    )
    bookings = Booking.objects.bulk_create(
        [
            Booking(
                dossier=d,
                kind=BookingKind.SURNUMERAIRE if s.get("surnumeraire") else BookingKind.PLATFORM_SLOT,
                status=s.get("outcome", AppointmentStatus.FULFILLED),
                rpps=s.get("rpps", "10101010105"),
                doctor_name=s.get("name", "Dr Claire Martin"),
                start=s["start"],
                created_by=actor,
            )
            for d, s in zip(dossiers, specs, strict=True)
        ]
    )
    facts = []
    for dossier, booking, spec in zip(dossiers, bookings, specs, strict=True):
        f = policies.act_facts(
            regulated_at=dossier.decided_at,
            appointment_start=spec["start"],
            surnumeraire=bool(spec.get("surnumeraire")),
            by_treating_doctor=bool(spec.get("mt")),
        )
        facts.append(
            ActFact(
                booking=booking,
                dossier=dossier,
                territory_id=territory,
                kind=booking.kind,
                rpps=booking.rpps,
                doctor_name=booking.doctor_name,
                regulated_at=dossier.decided_at,
                appointment_start=spec["start"],
                outcome=booking.status,
                outcome_at=spec["start"],
                is_surnumeraire=f.surnumeraire,
                is_treating_doctor=f.by_treating_doctor,
                within_48h=f.within_48h,
                outside_pdsa=f.outside_pdsa,
                snp_candidate=f.snp_candidate,
                structure_id=spec.get("structure_id"),
            )
        )
    return ActFact.objects.bulk_create(facts)


@pytest.fixture(autouse=True)
def _baremes(request):
    """The barèmes seeded by migration 0002, back after a transactional test's flush (browser tests)."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if marker is None:
            return
    request.getfixturevalue("db")
    from remuneration.migrations._bareme_seed import seed
    from remuneration.models import Bareme

    if not Bareme.objects.exists():
        seed(Bareme)

"""Bordereaux: compute (idempotent, anomalies, gaps), workflow, lock in the database, adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from regulation import services as regulation_services
from remuneration.enums import BordereauStatus
from remuneration.exceptions import BaremeGapError, BordereauLockedError, BordereauStateError, PeriodError
from remuneration.models import Bordereau, BordereauLine
from remuneration.services import (
    bordereau_compute,
    bordereau_lock,
    bordereau_mark_paid,
    bordereau_send_back,
    bordereau_validate,
)
from sas_platform.exceptions import ApplicationError, PermissionDeniedError
from tests.remuneration.conftest import make_acts, make_shift, paris


@pytest.fixture
def october(people):
    reg = people["regulateur"]
    make_shift(reg, paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 0))  # 6 h
    make_shift(reg, paris(2026, 10, 6, 14, 0), paris(2026, 10, 6, 21, 0))  # 6 h SAS + 1 h PDSA
    return people


def compute(people, kind="regulators", period="2026-10", territory="13"):
    return bordereau_compute(actor=people["admin_sas"], kind=kind, territory_code=territory, period=period)


def test_regulators_bordereau_worked_example(october):
    result = compute(october)
    b = result.bordereau
    lines = list(b.lines.order_by("position"))
    assert [(line.quantity, line.unit_amount, line.amount) for line in lines] == [
        (Decimal("6.00"), Decimal("100.00"), Decimal("600.00")),
        (Decimal("6.00"), Decimal("100.00"), Decimal("600.00")),
    ]
    assert b.total == Decimal("1200.00") and b.status == BordereauStatus.DRAFT and b.anomalies == []
    assert lines[1].why["pdsa_minutes"] == 60 and lines[0].identifier == "10003384327"


def test_computing_twice_changes_nothing(october):
    first = compute(october)
    ids = list(first.bordereau.lines.values_list("pk", flat=True))
    second = compute(october)
    assert second.changed is False and list(second.bordereau.lines.values_list("pk", flat=True)) == ids


def test_anomalies_listed_and_block_validation(people):
    reg = people["regulateur"]
    make_shift(reg, paris(2026, 10, 5, 7, 0), paris(2026, 10, 5, 19, 30))  # 12.5 h
    make_shift(reg, paris(2026, 10, 5, 19, 0), paris(2026, 10, 5, 20, 0))  # overlapping
    other = people["admin_sas"]
    make_shift(other, paris(2026, 10, 7, 8, 0), None)  # without end
    b = compute(people).bordereau
    assert sorted(a["code"] for a in b.anomalies) == [
        "regulator_without_rpps",
        "shift_over_12h",
        "shift_overlap",
        "shift_without_end",
    ]
    with pytest.raises(BordereauStateError) as excinfo:
        bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    assert "anomalie" in excinfo.value.message
    b.refresh_from_db()
    assert b.status == BordereauStatus.DRAFT


def test_a_barème_gap_writes_nothing(people):
    with pytest.raises(BaremeGapError) as excinfo:
        compute(people, kind="indicator8", period="2026")
    assert "Indicateur 8" in excinfo.value.message and "31/12/2026" in excinfo.value.message
    assert not Bordereau.objects.exists()


def test_bad_period_and_territory(people):
    with pytest.raises(PeriodError):
        compute(people, period="2026-13")
    with pytest.raises(ApplicationError):
        compute(people, territory="99")
    assert not Bordereau.objects.exists()


def test_workflow_and_permissions(october):
    people = october
    b = compute(people).bordereau
    with pytest.raises(PermissionDeniedError):
        bordereau_validate(actor=people["ars83"], bordereau_id=b.pk)
    with pytest.raises(PermissionDeniedError):
        bordereau_validate(actor=people["cpam"], bordereau_id=b.pk)
    b.refresh_from_db()
    assert b.status == BordereauStatus.DRAFT and b.validated_by is None
    with pytest.raises(ApplicationError):
        bordereau_send_back(actor=people["ars"], bordereau_id=b.pk, reason="  ")
    bordereau_send_back(actor=people["ars"], bordereau_id=b.pk, reason="Heures du 6 à vérifier")
    b.refresh_from_db()
    assert b.status == BordereauStatus.SENT_BACK and b.sent_back_reason == "Heures du 6 à vérifier"
    with pytest.raises(BordereauStateError):
        bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)
    bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    with pytest.raises(BordereauStateError):
        compute(people)
    with pytest.raises(PermissionDeniedError):
        bordereau_lock(actor=people["cpam83"], bordereau_id=b.pk)
    bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)
    b.refresh_from_db()
    assert b.status == BordereauStatus.LOCKED and sorted(b.exports.values_list("format", flat=True)) == [
        "csv",
        "pdf",
        "xlsx",
    ]
    with pytest.raises(BordereauLockedError):
        compute(people)
    bordereau_mark_paid(actor=people["cpam"], bordereau_id=b.pk)
    b.refresh_from_db()
    assert b.status == BordereauStatus.PAID and b.paid_by == people["cpam"]


def _locked(people, period="2026-10"):
    b = compute(people, period=period).bordereau
    bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    return bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)


@pytest.mark.sqlite_crawl  # the triggers exist on both databases: `make test` runs this on SQLite too
def test_the_database_refuses_changes_to_a_locked_bordereau(october):
    b = _locked(october)
    line = b.lines.first()
    for change in (
        lambda: BordereauLine.objects.filter(pk=line.pk).update(amount=Decimal("1")),
        lambda: BordereauLine.objects.filter(pk=line.pk).delete(),
        lambda: Bordereau.objects.filter(pk=b.pk).update(total=Decimal("1")),
        lambda: Bordereau.objects.filter(pk=b.pk).update(status=BordereauStatus.DRAFT),
        lambda: b.exports.all().update(sha256="x"),
        lambda: BordereauLine.objects.create(
            bordereau=b,
            position=99,
            identifier_type="RPPS",
            label="x",
            quantity=1,
            unit="x",
            unit_amount=1,
            amount=1,
            fact_key="x",
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    line.refresh_from_db()
    b.refresh_from_db()
    assert (
        line.amount == Decimal("600.00")
        and b.total == Decimal("1200.00")
        and b.status == BordereauStatus.LOCKED
    )


@pytest.mark.sqlite_crawl
def test_a_shift_corrected_after_the_lock_is_an_adjustment_next_month(october):
    people = october
    b = _locked(people)
    shift = regulation_services.shift_correct(
        actor=people["admin_sas"],
        shift_id=b.lines.first().facts[0]["shift"],
        reason="Fin réelle 15:00",
        end=paris(2026, 10, 5, 15, 0),
    )
    make_shift(people["regulateur"], paris(2026, 11, 2, 8, 0), paris(2026, 11, 2, 10, 0))
    november = compute(people, period="2026-11").bordereau
    adjustment = november.lines.get(corrects__isnull=False)
    assert adjustment.corrects.bordereau == b and adjustment.amount == Decimal("100.00")
    assert adjustment.quantity == Decimal("1.00") and adjustment.facts[0]["shift"] == shift.pk
    assert november.total == Decimal("300.00")
    b.refresh_from_db()
    assert b.total == Decimal("1200.00")  # the locked month never changes
    assert compute(people, period="2026-11").changed is False


def test_snp_mrt_bordereau_cap_and_act_without_rpps(people):
    monday = paris(2026, 10, 5, 9, 0)
    specs = [{"start": monday + dt.timedelta(minutes=15 * i)} for i in range(21)]
    specs += [
        {"start": paris(2026, 10, 6, 10, 0), "mt": True},
        {"start": paris(2026, 10, 6, 11, 0), "rpps": ""},
    ]
    make_acts(specs, actor=people["admin_sas"])
    b = compute(people, kind="snp_mrt").bordereau
    by_key = {line.fact_key: line for line in b.lines.all()}
    assert by_key["snp:10101010105"].quantity == 20 and by_key["snp:10101010105"].amount == Decimal("300.00")
    assert by_key["mrt:10101010105"].amount == Decimal("15.00")
    assert {a["code"] for a in b.anomalies} == {"act_without_rpps", "snp_weekly_cap"}


def test_indicator9_bordereau_by_tier(people):
    specs = [
        {"start": paris(2026, 8, 3, 9, 0) + dt.timedelta(days=i), "surnumeraire": True} for i in range(15)
    ]
    specs += [{"start": paris(2026, 8, 3, 9, 0), "surnumeraire": True, "outcome": "noshow"}]
    make_acts(specs, actor=people["admin_sas"])
    b = compute(people, kind="indicator9", period="2026-Q3").bordereau
    line = b.lines.get()
    assert line.amount == Decimal("210.00") and len(line.facts) == 15 and line.provisional and b.provisional

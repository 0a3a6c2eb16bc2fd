"""Act facts corrected after the lock: an adjustment line in a later period (issue 12 §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from regulation.services import act_fact_correct
from remuneration.models import BordereauLine
from remuneration.services import bordereau_compute, bordereau_lock, bordereau_validate
from sas_platform.exceptions import ApplicationError
from tests.remuneration.conftest import make_acts, paris

DOCTOR = "10101010105"


def compute(people, kind, period):
    return bordereau_compute(actor=people["admin_sas"], kind=kind, territory_code="13", period=period)


def locked(people, kind, period):
    b = compute(people, kind, period).bordereau
    bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    return bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)


@pytest.fixture
def october_snp(people):
    """Three SNP acts of the same doctor in October 2026 (45 €) and one act in November."""
    acts = make_acts(
        [{"start": paris(2026, 10, 5, 9, 0) + dt.timedelta(hours=i)} for i in range(3)]
        + [{"start": paris(2026, 11, 3, 10, 0)}],
        actor=people["admin_sas"],
    )
    october = locked(people, "snp_mrt", "2026-10")
    assert october.total == Decimal("45.00")
    return people, acts, october


def _adjustments(bordereau):
    return list(bordereau.lines.filter(fact_key__contains="@").order_by("position"))


@pytest.mark.sqlite_crawl  # the act-by-act path and bulk_create on SQLite: `make test` runs it there too
def test_an_act_corrected_after_the_lock_is_an_adjustment_next_month(october_snp):
    people, acts, october = october_snp
    act_fact_correct(
        actor=people["admin_sas"], act_id=acts[1].pk, reason="Patient non venu", outcome="noshow"
    )
    november = compute(people, "snp_mrt", "2026-11").bordereau
    [adjustment] = _adjustments(november)
    paid = october.lines.get(fact_key=f"snp:{DOCTOR}")
    assert adjustment.corrects == paid and adjustment.fact_key == f"snp:{DOCTOR}@2026-10"
    assert adjustment.quantity == Decimal("-1.00") and adjustment.amount == Decimal("-15.00")
    assert adjustment.label.startswith("Régularisation 2026-10 : Majorations SNP 2026-10")
    assert adjustment.facts == [acts[1].pk] and adjustment.why["paid"] == "45.00"
    assert november.total == Decimal("0.00")  # 15 € for November's act, −15 € regularised
    october.refresh_from_db()
    assert october.total == Decimal("45.00") and october.lines.count() == 1  # never changes
    assert compute(people, "snp_mrt", "2026-11").changed is False  # computed once


def test_the_adjustment_is_made_once_across_periods(october_snp):
    people, acts, _october = october_snp
    act_fact_correct(actor=people["admin_sas"], act_id=acts[0].pk, reason="Erreur", outcome="noshow")
    locked(people, "snp_mrt", "2026-11")
    december = compute(people, "snp_mrt", "2026-12").bordereau
    assert _adjustments(december) == []
    assert BordereauLine.objects.filter(fact_key=f"snp:{DOCTOR}@2026-10").count() == 1


def test_an_act_recorded_after_the_lock_is_a_positive_adjustment(people):
    make_acts([{"start": paris(2026, 10, 5, 9, 0)}], actor=people["admin_sas"])
    october = locked(people, "snp_mrt", "2026-10")
    [late] = make_acts([{"start": paris(2026, 10, 6, 9, 0)}], actor=people["admin_sas"])  # outcome known late
    [adjustment] = _adjustments(compute(people, "snp_mrt", "2026-11").bordereau)
    assert adjustment.amount == Decimal("15.00") and adjustment.quantity == Decimal("1.00")
    assert adjustment.corrects.bordereau_id == october.pk and adjustment.facts == [late.pk]


def test_a_corrected_rpps_moves_the_pay_to_the_right_doctor(october_snp):
    people, acts, _october = october_snp
    act_fact_correct(
        actor=people["admin_sas"], act_id=acts[2].pk, reason="Autre effecteur", rpps="10003384327"
    )
    lines = {line.fact_key: line for line in _adjustments(compute(people, "snp_mrt", "2026-11").bordereau)}
    assert lines[f"snp:{DOCTOR}@2026-10"].amount == Decimal("-15.00")
    newcomer = lines["snp:10003384327@2026-10"]
    assert newcomer.amount == Decimal("15.00") and newcomer.corrects is None  # no line of theirs to correct
    assert "absente du bordereau 2026-10" in newcomer.label and newcomer.facts == [acts[2].pk]


def test_a_correction_that_changes_nothing_paid_makes_no_line(people):
    acts = make_acts(
        [{"start": paris(2026, 10, 5, 9, 0)}, {"start": paris(2026, 10, 6, 9, 0), "outcome": "noshow"}],
        actor=people["admin_sas"],
    )
    locked(people, "snp_mrt", "2026-10")
    fact = act_fact_correct(
        actor=people["admin_sas"], act_id=acts[1].pk, reason="Annulé", outcome="cancelled"
    )
    assert fact.corrected_at is not None  # a real correction, of an act that was not paid either way
    same = act_fact_correct(actor=people["admin_sas"], act_id=acts[0].pk, reason="x", outcome="fulfilled")
    assert same.corrected_at is None  # same value: nothing written
    assert _adjustments(compute(people, "snp_mrt", "2026-11").bordereau) == []


def test_indicator9_tier_lost_after_the_lock_is_regularised_next_quarter(people):
    acts = make_acts(
        [{"start": paris(2026, 8, 3, 9, 0) + dt.timedelta(days=i), "surnumeraire": True} for i in range(15)],
        actor=people["admin_sas"],
    )
    q3 = locked(people, "indicator9", "2026-Q3")
    assert q3.total == Decimal("210.00")  # 15 acts: tier 15-24
    act_fact_correct(actor=people["admin_sas"], act_id=acts[0].pk, reason="Non vu", outcome="noshow")
    q4 = compute(people, "indicator9", "2026-Q4").bordereau
    [adjustment] = _adjustments(q4)
    assert adjustment.amount == Decimal("-140.00")  # 14 acts: tier 5-14 (70 €)
    assert adjustment.corrects == q3.lines.get() and adjustment.quantity == Decimal("0.00")
    assert adjustment.label.startswith("Régularisation 2026-Q3 : Indicateur 9")
    assert compute(people, "indicator9", "2026-Q4").changed is False


def test_act_fact_correct_refuses_bad_input(october_snp):
    people, acts, _october = october_snp
    with pytest.raises(ApplicationError):
        act_fact_correct(actor=people["admin_sas"], act_id=acts[0].pk, reason="", outcome="noshow")
    with pytest.raises(ApplicationError):
        act_fact_correct(actor=people["admin_sas"], act_id=acts[0].pk, reason="x", outcome="perdu")
    with pytest.raises(ApplicationError):
        act_fact_correct(actor=people["admin_sas"], act_id=acts[0].pk, reason="x", appointment_start=None)
    acts[0].refresh_from_db()
    assert acts[0].outcome == "fulfilled" and acts[0].corrected_at is None


@pytest.mark.sqlite_crawl
def test_lines_written_by_copy_keep_every_character(people):
    """The COPY rows escape tabs, newlines, backslashes and the writer's own separators."""
    from remuneration.models import Bordereau
    from remuneration.services.builders._common import Draft, LineData
    from remuneration.services.lines_write import lines_replace, lines_serialise

    tricky = "Tab\there\nnew\\line \x1f\x1e end"
    draft = Draft(
        lines=[
            LineData(
                "RPPS",
                DOCTOR,
                tricky,
                "Éloïse",
                tricky,
                None,
                Decimal("1.50"),
                "heure",
                Decimal("100.00"),
                Decimal("150.00"),
                "k:1",
                [1, 2],
                {"why": tricky},
            ),
            LineData(
                "RPPS",
                DOCTOR,
                "Martin",
                "Claire",
                "ok",
                dt.date(2026, 10, 5),
                Decimal("1"),
                "acte",
                Decimal("15.00"),
                Decimal("15.00"),
                "k:2",
                [3],
                {"n": 1},
                True,
            ),
        ]
    )
    rows, fingerprint = lines_serialise(draft)
    assert lines_serialise(draft)[1] == fingerprint
    b = Bordereau.objects.create(kind="snp_mrt", territory_id="13", period="2026-10")
    lines_replace(b, draft, rows)
    lines_replace(b, draft, rows)  # replaces, never duplicates
    first, second = b.lines.order_by("position")
    assert (first.last_name, first.label, first.why, first.facts) == (tricky, tricky, {"why": tricky}, [1, 2])
    assert first.fact_date is None and first.corrects_id is None and first.quantity == Decimal("1.50")
    assert second.fact_date == dt.date(2026, 10, 5) and second.provisional and second.position == 2

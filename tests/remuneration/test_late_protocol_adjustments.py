"""Protocol acts recorded, corrected or deleted after their semester was locked (issue 12 §3, §7.7).

The structures' page refuses a locked semester's dates (test_protocol_pages); the admin can still
change the facts, and each change lands once, as an adjustment line of the structure in the next
computed semester, pointing to the locked line it corrects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpts.enums import StructureKind
from remuneration.models import BordereauLine, ProtocolAct
from remuneration.services import bordereau_compute, bordereau_lock, bordereau_validate
from tests.cpts.factories import StructureFactory
from tests.planning.vacations.factories import member

pytestmark = pytest.mark.django_db
D = dt.date


def compute(people, period):
    return bordereau_compute(actor=people["admin_sas"], kind="protocols", territory_code="13", period=period)


def locked(people, period):
    b = compute(people, period).bordereau
    bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    return bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)


def act(people, msp, day, pseudonym, *, protocol="ankle_sprain", second=False):
    return ProtocolAct.objects.create(
        structure=msp["structure"],
        protocol=protocol,
        patient_pseudonym=pseudonym,
        act_date=day,
        professional=msp["physio"],
        is_second=second,
        recorded_by=people["admin_sas"],
    )


def adjustments(bordereau):
    return list(bordereau.lines.filter(fact_key__contains="@").order_by("position"))


@pytest.fixture
def msp(people, territory):
    structure = StructureFactory(kind=StructureKind.MSP, name="MSP du Panier", finess="130011111")
    return {"structure": structure, "physio": member(structure, last_name="Kiné", profession_code="50")}


@pytest.fixture
def s1(people, msp):
    """Three ankle-sprain inclusions in 2026-S1 (3 × 25 €), locked; one inclusion in 2026-S2."""
    acts = [act(people, msp, D(2026, 3, 2 + i), f"PAT-{i}") for i in range(3)]
    acts.append(act(people, msp, D(2026, 9, 1), "PAT-S2"))
    bordereau = locked(people, "2026-S1")
    assert bordereau.total == Decimal("75.00")
    return acts, bordereau


def test_a_common_law_billing_found_after_the_lock_is_a_negative_adjustment(people, msp, s1):
    acts, january = s1
    acts[1].common_law_billed = True  # not cumulable: no longer paid (§7.7), corrected in the admin
    acts[1].save()
    s2 = compute(people, "2026-S2").bordereau
    [line] = adjustments(s2)
    paid = january.lines.get(fact_key=f"protocol_first:{msp['structure'].pk}")
    assert line.corrects == paid and line.fact_key == f"protocol_first:{msp['structure'].pk}@2026-S1"
    assert (line.quantity, line.amount) == (Decimal("-1.00"), Decimal("-25.00"))
    assert line.identifier == "130011111" and line.last_name == "MSP du Panier"
    assert (
        line.label.startswith("Régularisation 2026-S1 : Protocoles SNP")
        and "corrige la ligne 1" in line.label
    )
    assert line.facts == [acts[1].pk] and line.why["paid"] == "75.00" and line.why["now"] == "50.00"
    assert s2.total == Decimal("0.00")  # 25 € for September's inclusion, −25 € regularised
    january.refresh_from_db()
    assert january.total == Decimal("75.00") and january.lines.count() == 1  # never changes
    assert compute(people, "2026-S2").changed is False  # computing twice changes nothing


def test_a_deleted_act_and_a_late_second_consultation(people, msp, s1):
    acts, _january = s1
    deleted = acts[0].pk
    acts[0].delete()  # recorded by mistake
    late = act(people, msp, D(2026, 3, 16), "PAT-1", second=True)  # report reached the CPAM late: 20 €
    first, second = adjustments(compute(people, "2026-S2").bordereau)
    assert (first.amount, first.facts, first.corrects is not None) == (Decimal("-25.00"), [deleted], True)
    assert second.fact_key == f"protocol_second:{msp['structure'].pk}@2026-S1"
    assert (second.quantity, second.amount, second.corrects) == (Decimal("1.00"), Decimal("20.00"), None)
    assert "absente du bordereau 2026-S1" in second.label and second.facts == [late.pk]


def test_a_correction_that_changes_nothing_paid_makes_no_line(people, msp, s1):
    acts, _january = s1
    acts[0].act_date = D(2026, 4, 1)  # another day of the same semester
    acts[1].protocol = "low_back_pain"  # another first consultation: 25 € too
    acts[0].save()
    acts[1].save()
    s2 = compute(people, "2026-S2").bordereau
    assert adjustments(s2) == [] and s2.total == Decimal("25.00")


def test_an_act_moved_out_of_the_locked_semester_is_paid_once(people, msp, s1):
    acts, _january = s1
    acts[2].act_date = D(2026, 7, 2)  # its real date was in S2
    acts[2].save()
    s2 = compute(people, "2026-S2").bordereau
    [line] = adjustments(s2)
    assert line.amount == Decimal("-25.00") and s2.total == Decimal("25.00")  # 2 × 25 − 25


def test_the_adjustment_is_made_once_across_semesters(people, msp):
    act(people, msp, D(2025, 10, 1), "PAT-A")
    act(people, msp, D(2025, 10, 2), "PAT-B")
    locked(people, "2025-S2")
    ProtocolAct.objects.filter(patient_pseudonym="PAT-B").delete()
    s1 = locked(people, "2026-S1")
    assert [line.amount for line in adjustments(s1)] == [Decimal("-25.00")]
    assert adjustments(compute(people, "2026-S2").bordereau) == []
    assert BordereauLine.objects.filter(fact_key__endswith="@2025-S2").count() == 1

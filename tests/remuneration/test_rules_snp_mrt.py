"""SNP / MRT / SHE act by act (DOMAIN.md §7.3, §7.4, §3.4): 48 h, MT, PDSA, 20 per week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from regulation.selectors.pay import PdsaSchedule, is_pdsa_time
from remuneration.exceptions import BaremeGapError
from remuneration.rules.snp_mrt import snp_mrt_evaluate
from tests.remuneration._rows import gap_error, rows

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Act:
    id: int
    appointment_start: dt.datetime | None
    regulated_at: dt.datetime
    rpps: str = "10101010105"
    outcome: str = "fulfilled"
    is_treating_doctor: bool = False


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def evaluate(acts):
    return snp_mrt_evaluate(
        acts,
        snp_rows=rows("snp"),
        mrt_rows=rows("mrt"),
        she_rows=rows("she"),
        is_pdsa_time=is_pdsa_time,
        schedule=PdsaSchedule(),
        gap_error=gap_error,
    )


def one(act):
    return evaluate([act])[0]


def test_worked_example_snp_15_eur():
    decision = one(Act(1, at(2026, 11, 3, 10, 0), at(2026, 11, 2, 16, 0)))
    assert (decision.code, decision.paid, decision.amount) == ("snp", True, Decimal("15.00"))


@pytest.mark.parametrize(
    ("delay", "paid"), [(dt.timedelta(hours=48), True), (dt.timedelta(hours=48, minutes=1), False)]
)
def test_48_hours_exactly_is_within(delay, paid):
    start = at(2026, 11, 5, 10, 0)  # Thursday
    assert one(Act(1, start, start - delay)).paid is paid


def test_treating_doctor_gets_mrt_not_snp():
    decision = one(Act(1, at(2026, 11, 3, 10, 0), at(2026, 11, 3, 8, 0), is_treating_doctor=True))
    assert decision.code == "mrt" and decision.amount == Decimal("15.00")


@pytest.mark.parametrize(
    ("start", "eligible"),
    [
        (at(2026, 11, 7, 11, 59), True),  # Saturday before noon
        (at(2026, 11, 7, 12, 0), False),  # Saturday 12:00: PDSA
        (at(2026, 11, 4, 19, 59), True),  # weekday before 20:00
        (at(2026, 11, 4, 20, 0), False),  # weekday 20:00: PDSA
        (at(2026, 11, 11, 10, 0), False),  # 11 November, public holiday
        (at(2026, 11, 8, 10, 0), False),  # Sunday
    ],
)
def test_outside_pdsa_boundaries(start, eligible):
    decision = one(Act(1, start, start - dt.timedelta(hours=2)))
    assert decision.paid is eligible
    if not eligible:
        assert "PDSA" in decision.reasons[0]


def test_20th_paid_21st_flagged_in_an_iso_week():
    monday = at(2026, 11, 2, 9, 0)
    acts = [Act(i, monday + dt.timedelta(minutes=15 * i), monday - dt.timedelta(hours=1)) for i in range(21)]
    decisions = evaluate(acts)
    assert [d.paid for d in decisions].count(True) == 20
    assert decisions[19].paid and not decisions[20].paid
    assert "21e" in decisions[20].reasons[-1]
    # The next ISO week starts again at 1.
    next_week = one(Act(99, at(2026, 11, 9, 9, 0), at(2026, 11, 9, 8, 0)))
    assert next_week.paid


def test_no_show_and_act_without_rpps_are_not_paid_with_reason():
    assert "non vu" in one(Act(1, at(2026, 11, 3, 10), at(2026, 11, 3, 9), outcome="noshow")).reasons[0]
    assert "sans RPPS" in one(Act(1, at(2026, 11, 3, 10), at(2026, 11, 3, 9), rpps="")).reasons[0]
    assert "inconnue" in one(Act(1, None, at(2026, 11, 3, 9))).reasons[0]


def test_she_between_19_and_21_is_provisional_and_from_22_december_2024():
    decision = one(Act(1, at(2026, 11, 3, 19, 30), at(2026, 11, 3, 18, 0)))
    assert decision.she and decision.she_amount == Decimal("5.00") and decision.provisional
    assert not one(Act(1, at(2026, 11, 3, 18, 59), at(2026, 11, 3, 18, 0))).she
    assert not one(Act(1, at(2024, 12, 20, 19, 30), at(2024, 12, 20, 18, 0))).she  # before 22/12/2024
    assert not one(Act(1, at(2026, 11, 3, 19, 30), at(2026, 11, 3, 18, 0), is_treating_doctor=True)).she


def test_no_snp_row_raises_a_french_gap_error():
    with pytest.raises(BaremeGapError) as excinfo:
        one(Act(1, at(2022, 7, 5, 10), at(2022, 7, 5, 9)))  # before the arrêté of 11/07/2022
    assert "Majoration SNP" in excinfo.value.message and "05/07/2022" in excinfo.value.message

"""Regulators (§7.5), ACI CPTS (§7.6), cooperation protocols (§7.7), CPTS indicators (§5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from regulation.selectors.pay import PdsaSchedule, sas_minutes_by_day
from remuneration.exceptions import BaremeGapError
from remuneration.rules.aci import (
    AciInput,
    aci_envelope,
    contract_case,
    fixed_payment_schedule,
    size_for_population,
)
from remuneration.rules.cpts_indicators import cpts_indicators
from remuneration.rules.protocols import protocol_act_pay
from remuneration.rules.regulators import shift_anomalies, shift_pay
from tests.remuneration._rows import gap_error, rows, tables

PARIS = ZoneInfo("Europe/Paris")
D = dt.date


def at(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def pay(start, end, schedule=None):
    days = sas_minutes_by_day(start=start, end=end, schedule=schedule or PdsaSchedule())
    return shift_pay(day_minutes=days, rows=rows("regulator_hour"), gap_error=gap_error)


def test_regulator_worked_example_6_hours_at_100():
    lines = pay(at(2026, 11, 3, 8, 0), at(2026, 11, 3, 14, 0))
    assert [(line.hours, line.rate, line.amount) for line in lines] == [
        (Decimal("6.00"), Decimal("100.00"), Decimal("600.00"))
    ]


def test_regulator_90_eur_in_october_2022():
    assert pay(at(2022, 10, 3, 8, 0), at(2022, 10, 3, 12, 30))[0].amount == Decimal("405.00")


def test_a_shift_over_midnight_pays_only_sas_hours_day_by_day():
    # Local schedule with SAS hours until midnight and from 00:00 (nights not PDSA), for the test.
    schedule = PdsaSchedule(day_start=dt.time(0, 0), night_start=dt.time(23, 59))
    lines = pay(at(2026, 11, 3, 22, 0), at(2026, 11, 4, 2, 0), schedule)
    assert [(line.day, line.minutes) for line in lines] == [(D(2026, 11, 3), 119), (D(2026, 11, 4), 120)]
    # With the regulatory calendar the whole night is PDSA: nothing paid.
    assert pay(at(2026, 11, 3, 22, 0), at(2026, 11, 4, 2, 0)) == []


def test_a_shift_across_the_change_of_rate_is_paid_at_each_days_rate():
    schedule = PdsaSchedule(day_start=dt.time(0, 0), night_start=dt.time(23, 59))
    lines = pay(at(2022, 9, 30, 22, 0), at(2022, 10, 1, 1, 0), schedule)
    assert [(line.rate, line.minutes) for line in lines] == [(Decimal("100.00"), 119), (Decimal("90.00"), 60)]


def test_regulator_rate_gap_before_july_2022():
    with pytest.raises(BaremeGapError):
        pay(at(2022, 7, 4, 8, 0), at(2022, 7, 4, 10, 0))


@dataclass(frozen=True)
class Shift:
    id: int
    regulator_id: int
    start: dt.datetime
    end: dt.datetime | None
    cancelled: bool = False
    first_name: str = "Paul"
    last_name: str = "Roux"


def test_shift_anomalies_without_end_over_12h_overlapping():
    shifts = [
        Shift(1, 1, at(2026, 11, 2, 8), None),
        Shift(2, 2, at(2026, 11, 2, 8), at(2026, 11, 2, 20, 1)),
        Shift(3, 3, at(2026, 11, 3, 8), at(2026, 11, 3, 12)),
        Shift(4, 3, at(2026, 11, 3, 11), at(2026, 11, 3, 13)),
        Shift(5, 4, at(2026, 11, 3, 8), at(2026, 11, 3, 20)),  # exactly 12 h: fine
    ]
    codes = sorted(a["code"] for a in shift_anomalies(shifts))
    assert codes == ["shift_over_12h", "shift_overlap", "shift_without_end"]


@pytest.mark.parametrize(
    ("population", "size"), [(39_999, 1), (40_000, 2), (79_999, 2), (80_000, 3), (175_000, 3), (175_001, 4)]
)
def test_cpts_size_bounds(population, size):
    assert size_for_population(population) == size


def envelope(**kwargs):
    base = {"size": 4, "members": 99, "signed_on": D(2023, 1, 15), "with_sas": True, "year": 2026}
    return aci_envelope(AciInput(**{**base, **kwargs}), tables(D(2026, 1, 1)))


def test_access_mission_by_size():
    assert [envelope(size=s).total for s in (1, 2, 3, 4)] == [
        Decimal(v) for v in ("80000", "100000", "125000", "155000")
    ]
    assert envelope(size=2).fixed == Decimal("70000.00") and envelope(size=2).variable == Decimal("30000.00")


def test_size4_majoration_99_and_100_members():
    assert envelope(members=99).total == Decimal("155000.00")
    assert envelope(members=100).total == Decimal("170500.00")  # seed 001's example
    assert envelope(size=3, members=150).total == Decimal("125000.00")


def test_size4_majoration_on_every_mission_not_on_operating():
    result = envelope(members=120, missions=("access", "parcours", "prevention", "quality", "support"))
    assert result.total == Decimal("170500") + Decimal("110000") + Decimal("44000") * 2 + Decimal("33000")


def test_majoration_not_retroactive_in_2022():
    result = aci_envelope(
        AciInput(size=4, members=100, signed_on=D(2021, 5, 1), with_sas=True, year=2022),
        tables(D(2022, 12, 31)),
    )
    # From 03/09/2022 to 31/12/2022: 120 days of 365.
    assert result.majoration == Decimal("5095.89")
    assert result.operating_increase == Decimal("67500.00")  # signed by 30/09/2022


def test_four_contract_cases():
    assert contract_case(D(2022, 9, 2), True)[0] == "before_with_sas"
    assert contract_case(D(2022, 9, 3), True)[0] == "after_with_sas"
    assert contract_case(D(2021, 1, 1), False)[0] == "before_without_sas"
    assert "conditions initiales" in contract_case(D(2023, 1, 1), False)[1]


def test_crisis_mission_years_and_declared_crisis():
    assert envelope(size=1, missions=("crisis",), year_of_contract=1).total == Decimal("25000.00")
    assert envelope(size=2, missions=("crisis",), year_of_contract=2).total == Decimal("17500.00")
    declared = envelope(size=3, missions=("crisis",), year_of_contract=2, crisis="declared")
    assert (declared.fixed, declared.variable) == (Decimal("22500.00"), Decimal("67500.00"))


def test_early_mission_and_variable_part_reached():
    assert envelope(size=2, missions=(), early_mission=True).total == Decimal("17500.00")
    half = envelope(size=1, variable_reached=Decimal("0.5"))
    assert half.variable == Decimal("12500.00") and half.total == Decimal("67500.00")


def test_fixed_part_75_percent_at_start_prorated():
    prorata, advance, balance = fixed_payment_schedule(Decimal("110000"), D(2026, 7, 1))
    assert prorata == Decimal(184) / Decimal(365)
    assert advance == Decimal("41589.04") and advance + balance == Decimal("55452.05")


@dataclass(frozen=True)
class PAct:
    id: int
    protocol: str
    act_date: dt.date
    is_second: bool = False
    common_law_billed: bool = False


def protocol(act):
    return protocol_act_pay(
        act, first_rows=rows("protocol_first"), second_rows=rows("protocol_second"), gap_error=gap_error
    )


def test_protocols_25_and_20_and_non_cumulation():
    assert protocol(PAct(1, "ankle_sprain", D(2026, 3, 2))).amount == Decimal("25.00")
    assert protocol(PAct(2, "ankle_sprain", D(2026, 3, 16), is_second=True)).amount == Decimal("20.00")
    assert protocol(PAct(3, "urinary", D(2026, 3, 3), is_second=True)).amount == Decimal("25.00")
    refused = protocol(PAct(4, "urinary", D(2026, 3, 3), common_law_billed=True))
    assert refused.amount == Decimal("0.00") and "non cumulable" in refused.reason


@dataclass(frozen=True)
class SeenAct:
    outcome: str
    is_treating_doctor: bool


def test_cpts_indicators_from_plain_facts():
    result = cpts_indicators(
        counts={"participating_doctors": 12, "other_professionals": 30},
        requests={"asked": 10, "appointment": 7},
        acts=[SeenAct("fulfilled", True), SeenAct("fulfilled", False), SeenAct("noshow", False)],
    )
    assert (result.consultations_own_patients, result.consultations_other_patients) == (1, 1)
    assert result.request_success_rate == 0.7

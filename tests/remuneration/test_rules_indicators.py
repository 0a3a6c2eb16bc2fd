"""Indicators 8 and 9, periods (DOMAIN.md §7.1, §7.2, §4): worked examples and boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from remuneration.exceptions import PeriodError
from remuneration.rules.indicator8 import WeekEvidence, indicator8
from remuneration.rules.indicator9 import indicator9_tier
from remuneration.rules.periods import period_parse, previous_period, quarter_of
from tests.remuneration._rows import rows

D = dt.date
UTC = dt.UTC
TIERS = rows("indicator9")[0].tiers


@pytest.mark.parametrize(
    ("acts", "amount", "tier_from"),
    [
        (0, "0.00", None),
        (4, "0.00", None),
        (5, "70.00", 5),
        (14, "70.00", 5),
        (15, "210.00", 15),
        (24, "210.00", 15),
        (25, "350.00", 25),
        (34, "350.00", 25),
        (35, "490.00", 35),
        (120, "490.00", 35),
    ],
)
def test_indicator9_tier_edges(acts, amount, tier_from):
    result = indicator9_tier(acts, TIERS)
    assert result.amount == Decimal(amount)
    assert result.tier_from == tier_from


def test_indicator9_quarter_boundary_in_paris_time():
    # 31/03/2026 22:30 UTC is 01/04/2026 00:30 in Paris (summer time): Q2.
    assert quarter_of(dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == "2026-Q2"
    assert quarter_of(dt.datetime(2026, 3, 31, 21, 59, tzinfo=UTC)) == "2026-Q1"
    # 31/12 23:30 UTC is 01/01 00:30 in Paris (winter time): next year's Q1.
    assert quarter_of(dt.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "2026-Q1"


def test_periods_parse_and_bounds():
    q3 = period_parse("indicator9", "2026-Q3")
    assert (q3.first_day, q3.last_day) == (D(2026, 7, 1), D(2026, 9, 30))
    assert q3.start == dt.datetime(2026, 7, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert period_parse("protocols", "2026-S2").first_day == D(2026, 7, 1)
    assert period_parse("regulators", "2026-02").last_day == D(2026, 2, 28)
    assert period_parse("aci", "2026").last_day == D(2026, 12, 31)
    assert previous_period("regulators", "2026-01") == "2025-12"
    assert previous_period("indicator9", "2026-Q1") == "2025-Q4"
    with pytest.raises(PeriodError) as excinfo:
        period_parse("regulators", "2026-Q3")
    assert "2026-11" in excinfo.value.message


def _weeks(year, hours_by_week_start: dict) -> list[WeekEvidence]:
    return [WeekEvidence(start, Decimal(h), False) for start, h in hours_by_week_start.items()]


def test_indicator8_worked_example_full_amount_without_pro_rata():
    # Declared from 01/09/2025, 2 h declared in one week of September: both conditions met in 2025.
    result = indicator8(
        year=2025,
        declarations=[(D(2025, 9, 1), None)],
        weeks=_weeks(2025, {D(2025, 9, 1): "2"}),
        sas_opened_on=D(2022, 3, 31),
        amount=Decimal("1400.00"),
    )
    assert result.eligible and result.amount == Decimal("1400.00")  # no pro-rata
    assert result.months_met == (9,)


def test_indicator8_just_under_two_hours_is_not_visibility():
    result = indicator8(
        year=2025,
        declarations=[(D(2025, 1, 1), None)],
        weeks=_weeks(2025, {D(2025, 3, 3): "1.99"}),
        sas_opened_on=D(2022, 3, 31),
        amount=Decimal("1400.00"),
    )
    assert not result.eligible and result.amount == Decimal("0.00")


def test_indicator8_interfaced_agenda_counts_and_months_met():
    weeks = [WeekEvidence(D(2025, m, 3), Decimal(0), True) for m in (1, 2, 6)]
    result = indicator8(
        year=2025,
        declarations=[(D(2025, 2, 15), D(2025, 6, 30))],
        weeks=weeks,
        sas_opened_on=D(2022, 3, 31),
        amount=Decimal("1400.00"),
    )
    assert result.months_met == (2, 6)


def test_indicator8_nothing_before_a_sas_exists():
    result = indicator8(
        year=2025,
        declarations=[(D(2025, 1, 1), None)],
        weeks=_weeks(2025, {D(2025, 3, 3): "4"}),
        sas_opened_on=D(2025, 6, 1),
        amount=Decimal("1400.00"),
    )
    assert result.months_met == ()  # March is before the SAS opened
    no_sas = indicator8(
        year=2025,
        declarations=[(D(2025, 1, 1), None)],
        weeks=_weeks(2025, {D(2025, 3, 3): "4"}),
        sas_opened_on=None,
        amount=Decimal("1400.00"),
    )
    assert not no_sas.eligible and "Aucun SAS" in no_sas.reasons[0]


def test_indicator8_after_the_scheme_ended_conditions_shown_nothing_paid():
    result = indicator8(
        year=2026,
        declarations=[(D(2026, 1, 1), None)],
        weeks=_weeks(2026, {D(2026, 1, 5): "3"}),
        sas_opened_on=D(2022, 3, 31),
        amount=None,
    )
    assert result.eligible and result.amount == Decimal("0.00")
    assert "dispositif terminé" in result.reasons[-1]

"""The distribution rules as pure functions (DOMAIN.md §5; issue 11 §3), with worked examples and
boundaries, and the generation across the October clock change (issue 11 §2)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from planning.vacations.generation import TemplateSpec, french_holidays, occurrences
from planning.vacations.policies import (
    Context,
    Person,
    Rule,
    Shift,
    assignment_problems,
    hours_between,
    is_hard,
    share_limit,
)
from tests.planning.vacations.factories import paris

ALICE = Person(id=1, name="Dr Alice Martin", profession_code="10", specialty_code="SM54")


def shift(pk, start, hours=4, **kw):
    return Shift(
        id=pk, planning_id=kw.pop("planning_id", 1), start=start, end=start + timedelta(hours=hours), **kw
    )


def test_afternoon_on_the_october_change_day_lasts_4_hours():
    [occ] = occurrences(
        [TemplateSpec(1, 6, time(14), time(18))], start=date(2026, 10, 25), end=date(2026, 10, 25)
    )
    assert hours_between(occ.start, occ.end) == Decimal("4.00")


def test_night_across_the_october_change_lasts_13_hours_and_12_the_week_before():
    night = TemplateSpec(1, 5, time(20), time(8))
    found = occurrences([night], start=date(2026, 10, 17), end=date(2026, 10, 24))
    assert [hours_between(o.start, o.end) for o in found] == [Decimal("12.00"), Decimal("13.00")]


def test_night_across_the_march_change_lasts_11_hours():
    [occ] = occurrences(
        [TemplateSpec(1, 5, time(20), time(8))], start=date(2026, 3, 28), end=date(2026, 3, 28)
    )
    assert hours_between(occ.start, occ.end) == Decimal("11.00")


def test_holidays_are_skipped_unless_the_template_says_so_and_closures_always():
    monday = TemplateSpec(1, 0, time(14), time(18))
    monday_holidays = TemplateSpec(2, 0, time(8), time(12), on_holidays=True)
    # Easter Monday 2026 is 6 April; 13 April is a closure day.
    holidays = french_holidays(date(2026, 4, 1), date(2026, 4, 30))
    assert date(2026, 4, 6) in holidays
    found = occurrences(
        [monday, monday_holidays],
        start=date(2026, 4, 6),
        end=date(2026, 4, 20),
        holidays=holidays,
        closures={date(2026, 4, 13)},
    )
    assert [(o.template_id, o.start.date()) for o in found] == [
        (2, date(2026, 4, 6)),
        (2, date(2026, 4, 20)),
        (1, date(2026, 4, 20)),
    ]


def test_share_limit_worked_example_and_boundaries():
    assert share_limit(40, Decimal("10")) == 4
    assert share_limit(41, Decimal("10")) == 5
    assert share_limit(1, Decimal("10")) == 1
    assert share_limit(0, Decimal("10")) == 0


def test_cap_per_week_boundary_names_the_rule():
    cap = Rule(name="Trois par semaine", kind="cap", planning_id=1, period="week", max_count=3)
    week = [shift(i, paris(2026, 11, 2 + i, 14)) for i in range(3)]  # Mon-Wed
    fourth = shift(10, paris(2026, 11, 6, 14))
    next_week = shift(11, paris(2026, 11, 9, 14))
    assert assignment_problems(ALICE, week[2], week[:2], [cap], Context()) == []
    [problem] = assignment_problems(ALICE, fourth, week, [cap], Context())
    assert "Règle « Trois par semaine »" in problem and "4 vacations" in problem and "02/11/2026" in problem
    assert assignment_problems(ALICE, next_week, week, [cap], Context()) == []


def test_share_rule_uses_the_planning_totals_of_the_period():
    share = Rule(
        name="Pas plus de 10 %", kind="share", planning_id=1, period="month", share_percent=Decimal("10")
    )
    mine = [shift(i, paris(2026, 11, 2 + i, 14)) for i in range(4)]
    ctx = Context(totals={(None, "month", (2026, 11)): 40})
    candidate = shift(20, paris(2026, 11, 20, 14))
    [problem] = assignment_problems(ALICE, candidate, mine, [share], ctx)
    assert "Pas plus de 10 %" in problem and "10 % de 40 vacations, soit 4 au plus" in problem
    assert assignment_problems(ALICE, candidate, mine[:3], [share], ctx) == []


def test_min_rest_boundary_and_across_the_clock_change():
    rest = Rule(name="Repos de 11 h", kind="min_rest", planning_id=1, min_rest_hours=11)
    night = shift(1, paris(2026, 10, 24, 20), hours=13)  # ends 25/10 08:00 (winter time)
    exactly = shift(2, paris(2026, 10, 25, 19))  # 11 h after
    too_soon = shift(3, paris(2026, 10, 25, 18))  # 10 h after
    assert assignment_problems(ALICE, exactly, [night], [rest], Context()) == []
    [problem] = assignment_problems(ALICE, too_soon, [night], [rest], Context())
    assert "Règle « Repos de 11 h »" in problem and "10,0 h" in problem


def test_overlap_in_another_planning_is_always_refused():
    other = shift(1, paris(2026, 11, 2, 15), planning_id=99, label="Téléconsultation")
    candidate = shift(2, paris(2026, 11, 2, 14))
    [problem] = assignment_problems(ALICE, candidate, [other], [], Context())
    assert problem.startswith("Chevauchement") and "Téléconsultation" in problem
    touching = shift(3, paris(2026, 11, 2, 19))
    assert assignment_problems(ALICE, touching, [other], [], Context()) == []


def test_unavailability_profession_and_group():
    away = Person(
        id=2, name="Dr Bob", profession_code="10", unavailable=((paris(2026, 11, 2), paris(2026, 11, 3)),)
    )
    candidate = shift(1, paris(2026, 11, 2, 14), group_id=7, profession_codes=("10",))
    problems = assignment_problems(away, candidate, [], [], Context(groups_with_members=frozenset({7})))
    assert problems[0].startswith("Groupe") or problems[0].startswith("Indisponibilité")
    assert any(p.startswith("Indisponibilité") for p in problems)
    nurse = Person(id=3, name="M. Infirmier", profession_code="60")
    [problem] = assignment_problems(
        nurse, shift(2, paris(2026, 11, 3, 14), profession_codes=("10",)), [], [], Context()
    )
    assert problem.startswith("Profession")


@pytest.mark.parametrize(
    ("start", "hours", "hard"),
    [
        (paris(2026, 11, 2, 14), 4, False),  # Monday afternoon
        (paris(2026, 11, 2, 20), 12, True),  # night
        (paris(2026, 11, 7, 14), 4, True),  # Saturday
        (paris(2026, 11, 11, 14), 4, True),  # 11 November
    ],
)
def test_hard_vacations(start, hours, hard):
    assert (
        is_hard(start, start + timedelta(hours=hours), french_holidays(date(2026, 11, 1), date(2026, 11, 30)))
        is hard
    )

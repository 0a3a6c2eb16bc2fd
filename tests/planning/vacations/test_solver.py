"""The fair auto-fill (issue 11 §4): every rule respected, load balanced against targets
(history-aware), unfillable vacations explained. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from planning.vacations.policies import Context, Person, Rule, Shift, assignment_problems
from planning.vacations.solver import History, autofill, fair_targets
from tests.planning.vacations.factories import paris


def _shifts(n, start=None, hours=4, **kw):
    start = start or paris(2026, 11, 2, 14)
    return [
        Shift(
            id=i + 1,
            planning_id=1,
            start=start + timedelta(days=i),
            end=start + timedelta(days=i, hours=hours),
            **kw,
        )
        for i in range(n)
    ]


def test_fair_targets_worked_example():
    assert fair_targets({1: 0, 2: 6}, {1: 10, 2: 10}, 10) == {1: 4.0, 2: 6.0}
    assert fair_targets({1: 0, 2: 0, 3: 0}, {1: 1, 2: 10, 3: 10}, 9) == {1: 1.0, 2: 4.0, 3: 4.0}


def test_balanced_fill_respects_caps_and_history():
    people = [Person(id=i, name=f"Dr {i}", profession_code="10") for i in (1, 2, 3)]
    shifts = _shifts(10, start=paris(2026, 11, 4, 14))
    rules = [Rule(name="Deux par semaine", kind="cap", planning_id=1, period="week", max_count=2)]
    history = {1: History(count=3)}
    proposal = autofill(people=people, shifts=shifts, fixed={}, rules=rules, ctx=Context(), history=history)
    # Wed 4 to Fri 13 Nov: 5 + 5 vacations, at most 6 a week for 3 people.
    loads = {p.id: sum(1 for v in proposal.assignments.values() if v == p.id) for p in people}
    assert sum(loads.values()) == 10 and not proposal.unfilled
    assert proposal.max_gap <= 1
    assert loads[1] < loads[2] and loads[1] < loads[3]  # the history counts
    for sid, pid in proposal.assignments.items():
        mine = [s for s in shifts if proposal.assignments.get(s.id) == pid and s.id != sid]
        shift = next(s for s in shifts if s.id == sid)
        assert assignment_problems(people[pid - 1], shift, mine, rules, Context()) == []


def test_rest_and_overlap_between_new_vacations():
    people = [Person(id=1, name="Dr Seul", profession_code="10")]
    night = Shift(id=1, planning_id=1, start=paris(2026, 11, 2, 20), end=paris(2026, 11, 3, 8))
    morning = Shift(id=2, planning_id=1, start=paris(2026, 11, 3, 9), end=paris(2026, 11, 3, 12))
    rules = [Rule(name="Repos de 11 h", kind="min_rest", planning_id=1, min_rest_hours=11)]
    proposal = autofill(people=people, shifts=[night, morning], fixed={}, rules=rules, ctx=Context())
    assert len(proposal.assignments) == 1
    [reasons] = proposal.unfilled.values()
    assert "Repos de 11 h" in " ".join(reasons)


def test_unfillable_vacations_say_why():
    people = [
        Person(
            id=1,
            name="Dr Absent",
            profession_code="10",
            unavailable=((paris(2026, 11, 1), paris(2026, 11, 30)),),
        ),
        Person(id=2, name="Mme Infirmière", profession_code="60"),
    ]
    [shift] = _shifts(1, profession_codes=("10",))
    proposal = autofill(people=people, shifts=[shift], fixed={}, rules=[], ctx=Context())
    assert proposal.assignments == {}
    [reason] = proposal.unfilled[shift.id]
    assert (
        reason.startswith("Aucun professionnel éligible")
        and "indisponibilité" in reason
        and "profession" in reason
    )


def test_share_rule_in_the_solver():
    people = [Person(id=i, name=f"Dr {i}", profession_code="10") for i in (1, 2)]
    shifts = _shifts(10, start=paris(2026, 11, 2, 14))
    rules = [
        Rule(name="Au plus 30 %", kind="share", planning_id=1, period="month", share_percent=Decimal("30"))
    ]
    ctx = Context(totals={(None, "month", (2026, 11)): 10})
    proposal = autofill(people=people, shifts=shifts, fixed={}, rules=rules, ctx=ctx)
    assert len(proposal.assignments) == 6 and len(proposal.unfilled) == 4
    assert date(2026, 11, 2)  # period of the rule: November

"""The boolean eligibility of the auto-fill and the load page (``planning.vacations.eligibility``)
answers exactly what ``policies.assignment_problems`` answers pair by pair, on random plannings
with every kind of rule, leave and the October clock change. Pure: no database."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest

from planning.vacations.eligibility import eligible_pairs, limit_of, upper_bounds
from planning.vacations.policies import (
    Context,
    Person,
    Rule,
    Shift,
    assignment_problems,
    period_key,
    rule_applies,
)
from tests.planning.vacations.factories import paris

START = paris(2026, 10, 19, 8)  # the clock changes on Sunday 25 October


def _world(seed: int):
    rng = random.Random(seed)
    groups = [10, 11]
    people = [
        Person(
            id=pid,
            name=f"Dr {pid}",
            profession_code=rng.choice(["10", "10", "60"]),
            group_ids=frozenset(g for g in groups if rng.random() < 0.6),
            unavailable=(
                ((START + timedelta(days=d), START + timedelta(days=d + 2)),)
                if (d := rng.randrange(30)) < 8
                else ()
            ),
        )
        for pid in range(1, 13)
    ]

    def shift(sid, planning_id=1):
        start = START + timedelta(hours=rng.choice([0, 6, 11, 14]) + 24 * rng.randrange(28))
        return Shift(
            id=sid,
            planning_id=planning_id,
            start=start,
            end=start + timedelta(hours=rng.choice([4, 5, 12])),
            group_id=rng.choice([None, *groups]),
            profession_codes=rng.choice([(), ("10",)]),
        )

    shifts = [shift(sid) for sid in range(1, 60)]
    fixed = defaultdict(list)
    for sid in range(100, 160):
        fixed[rng.randrange(1, 13)].append(shift(sid, planning_id=rng.choice([1, 2])))
    rules = [
        Rule(name="Cap semaine", kind="cap", planning_id=1, period="week", max_count=rng.choice([1, 2, 3])),
        Rule(name="Cap groupe", kind="cap", planning_id=1, group_id=10, period="month", max_count=3),
        Rule(
            name="Part",
            kind="share",
            planning_id=1,
            period="month",
            share_percent=Decimal(rng.choice([5, 10])),
        ),
        Rule(name="Repos", kind="min_rest", planning_id=1, min_rest_hours=rng.choice([0, 11])),
        Rule(name="Repos groupe", kind="min_rest", planning_id=1, group_id=11, min_rest_hours=24),
    ]
    totals = defaultdict(int)
    for s in shifts + [s for held in fixed.values() for s in held]:
        if s.planning_id == 1:
            totals[(None, "month", period_key(s.start, "month"))] += 1
    ctx = Context(groups_with_members=frozenset([10]), totals=dict(totals))
    return people, shifts, dict(fixed), rules, ctx


@pytest.mark.parametrize("seed", range(12))
def test_eligible_pairs_equal_the_policies_pair_by_pair(seed):
    people, shifts, fixed, rules, ctx = _world(seed)
    found = eligible_pairs(people, shifts, fixed, rules, ctx)
    for shift in shifts:
        expected = [
            p.id for p in people if not assignment_problems(p, shift, fixed.get(p.id, []), rules, ctx)
        ]
        assert found[shift.id] == expected, shift


@pytest.mark.parametrize("seed", range(6))
def test_upper_bounds_cap_eligible_vacations_per_rule_and_period(seed):
    people, shifts, fixed, rules, ctx = _world(seed)
    eligible = eligible_pairs(people, shifts, fixed, rules, ctx)
    by_person = defaultdict(list)
    for sid, pids in eligible.items():
        for pid in pids:
            by_person[pid].append(sid)
    shift_by_id = {s.id: s for s in shifts}
    bounds = upper_bounds([p.id for p in people], by_person, shift_by_id, fixed, rules, ctx)
    for person in people:  # the plain definition, rule by rule
        mine = [shift_by_id[s] for s in by_person[person.id]]
        expected = len(mine)
        for rule in (r for r in rules if r.kind in ("cap", "share")):
            per_key, outside = defaultdict(int), 0
            for s in mine:
                if rule_applies(rule, s):
                    per_key[period_key(s.start, rule.period)] += 1
                else:
                    outside += 1
            held = defaultdict(int)
            for o in fixed.get(person.id, []):
                if rule_applies(rule, o):
                    held[period_key(o.start, rule.period)] += 1
            room = sum(max(0, min(n, limit_of(rule, k, ctx) - held[k])) for k, n in per_key.items())
            expected = min(expected, outside + room)
        assert bounds[person.id] == expected

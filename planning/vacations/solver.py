"""Fair auto-fill of open vacations with OR-Tools CP-SAT, as a pure function over plain data
(issue 11 §4; ARCHITECTURE.md "How the two newest parts sit in the house").

Input: the people, the open vacations to fill, each person's vacations already held (all
plannings), the distribution rules, the planning's totals (share rules) and each person's history
(the last quarter's load, hard vacations apart). Output: a proposal (vacation → person), the
unfilled vacations with the reason why, and each person's target and load.

The model, per component of the eligibility graph (people and vacations that can meet; solved
apart, exactly, since every rule is per person):

- ``x[p, v]`` for each *eligible* pair (profession, group, unavailability, no overlap nor short
  rest with what the person already holds: ``policies.eligibility_problems`` / ``conflict_problems``);
- each vacation at most one person;
- overlap and minimum rest between new vacations: for each person and each start instant ``t``,
  at most one of the vacations whose ``[start, end + rest)`` contains ``t`` (interval cliques);
- caps and shares per person, scope and period, minus what the person already holds there;
- objective, lexicographic by weights: most vacations filled, then the smallest largest gap
  between a person's load and their target, then the smallest total gap, then the fewest hard
  vacations (nights, weekends, public holidays) for the most loaded in them.

Targets (``fair_targets``): the load each person would carry if the work (history + vacations to
fill) were shared equally, "water-filled" between what they already carry (history) and the most
they could take (their eligible vacations, their caps).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from planning.vacations.eligibility import eligible_pairs
from planning.vacations.eligibility import limit_of as _limit
from planning.vacations.eligibility import upper_bounds as _upper_bounds
from planning.vacations.greedy import greedy
from planning.vacations.policies import (
    Context,
    Person,
    Rule,
    Shift,
    assignment_problems,
    period_key,
    rule_applies,
)

SCALE = 10  # targets are fractional: gaps are counted in tenths of a vacation
W_FILL, W_MAXGAP, W_GAP, W_HARD = 1_000_000, 2_000, 10, 1


@dataclass(frozen=True)
class History:
    count: int = 0
    hard: int = 0


@dataclass
class Proposal:
    assignments: dict[int, int] = field(default_factory=dict)  # vacation id → person id
    unfilled: dict[int, list[str]] = field(default_factory=dict)  # vacation id → reasons (French)
    targets: dict[int, float] = field(default_factory=dict)
    loads: dict[int, int] = field(default_factory=dict)
    status: str = ""
    seconds: float = 0.0

    @property
    def max_gap(self) -> float:
        gaps = [abs(self.loads.get(p, 0) - t) for p, t in self.targets.items()]
        return round(max(gaps), 2) if gaps else 0.0


def fair_targets(lows: dict[int, float], highs: dict[int, float], total: float) -> dict[int, float]:
    """Water-filling: ``target_p = clamp(level, low_p, high_p)`` with ``sum(target) == total``.
    Worked example: lows {1: 0, 2: 6}, highs {1: 10, 2: 10}, total 10 → {1: 4, 2: 6}."""
    if not lows:
        return {}
    lo, hi = min(lows.values()), max(highs.values())
    for _ in range(60):
        level = (lo + hi) / 2
        if sum(min(max(level, lows[p]), highs[p]) for p in lows) < total:
            lo = level
        else:
            hi = level
    level = (lo + hi) / 2
    return {p: round(min(max(level, lows[p]), highs[p]), 3) for p in lows}


def _components(eligible: dict[int, list[int]]) -> list[tuple[set[int], set[int]]]:
    """Connected components of the eligibility graph: (people, vacations) that can meet."""
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        root = a
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[a] != root:
            parent[a], a = root, parent[a]
        return root

    for person_ids in eligible.values():
        if person_ids:
            first = find(person_ids[0])
            for other in person_ids[1:]:
                root = find(other)
                if root != first:
                    parent[root] = first
    groups: dict = defaultdict(lambda: (set(), set()))
    for pid in list(parent):
        groups[find(pid)][0].add(pid)
    for shift_id, person_ids in eligible.items():
        if person_ids:
            groups[find(person_ids[0])][1].add(shift_id)
    return [g for g in groups.values() if g[1]]


def targets_for(people, shifts, fixed, rules, ctx, history) -> tuple[dict, dict, dict]:
    """``(eligible, lows, targets)``: who may take each vacation, each person's history load and
    their fair target (history + the vacations that can be filled, water-filled to their room)."""
    shift_by_id, by_person = {s.id: s for s in shifts}, defaultdict(list)
    eligible = eligible_pairs(people, shifts, fixed, rules, ctx)
    for sid, pids in eligible.items():
        for pid in pids:
            by_person[pid].append(sid)
    bounds = _upper_bounds([p.id for p in people], by_person, shift_by_id, fixed, rules, ctx)
    lows = {p.id: float(history.get(p.id, History()).count) for p in people}
    fillable = sum(1 for pids in eligible.values() if pids)
    targets = fair_targets(lows, {p: lows[p] + bounds[p] for p in lows}, sum(lows.values()) + fillable)
    return eligible, lows, targets


def autofill(
    *,
    people: Sequence[Person],
    shifts: Sequence[Shift],
    fixed: dict[int, list[Shift]],
    rules: Sequence[Rule],
    ctx: Context,
    history: dict[int, History] | None = None,
    time_limit: float = 3.0,
    workers: int = 2,
) -> Proposal:
    """The fair proposal for ``shifts`` (see the module docstring)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    history = history or {}
    shift_by_id = {s.id: s for s in shifts}
    eligible, lows, targets = targets_for(people, shifts, fixed, rules, ctx, history)
    everyone = [p.id for p in people]
    proposal = Proposal(targets=targets, status="OPTIMAL")
    rest_hours = max([r.min_rest_hours or 0 for r in rules if r.kind == "min_rest"] or [0])
    for person_ids, shift_ids in _components(eligible):
        status = _solve_component(
            cp_model,
            person_ids,
            shift_ids,
            eligible,
            shift_by_id,
            fixed,
            rules,
            ctx,
            history,
            targets,
            rest_hours,
            max(1.0, time_limit * len(shift_ids) / max(1, len(shifts))),
            workers,
            proposal,
        )
        if status != "OPTIMAL":
            proposal.status = status
    proposal.loads = {
        p: int(lows[p]) + sum(1 for a in proposal.assignments.values() if a == p) for p in everyone
    }
    _explain(proposal, people, shifts, eligible, fixed, rules, ctx)
    proposal.seconds = round(time.perf_counter() - started, 3)
    return proposal


def _solve_component(
    cp_model,
    person_ids,
    shift_ids,
    eligible,
    shift_by_id,
    fixed,
    rules,
    ctx,
    history,
    targets,
    rest_hours,
    time_limit,
    workers,
    proposal,
) -> str:
    model = cp_model.CpModel()
    x = {(p, s): model.new_bool_var(f"x_{p}_{s}") for s in shift_ids for p in eligible[s] if p in person_ids}
    for s in shift_ids:
        model.add_at_most_one(x[p, s] for p in eligible[s] if (p, s) in x)
    mine: dict[int, list[Shift]] = defaultdict(list)
    for p, s in x:
        mine[p].append(shift_by_id[s])
    _add_rule_constraints(cp_model, model, x, mine, person_ids, fixed, rules, ctx, rest_hours)
    first = greedy(
        person_ids=person_ids, shift_ids=shift_ids, eligible=eligible, shift_by_id=shift_by_id, fixed=fixed,
        rules=rules, limit_of=lambda rule, key: _limit(rule, key, ctx), history=history, targets=targets,
        rest_hours=rest_hours,
    )  # fmt: skip
    hint = {key: int(first.get(key[1]) == key[0]) for key in x}
    for key, var in x.items():
        model.add_hint(var, hint[key])
    filled = cp_model.LinearExpr.sum(list(x.values()))
    max_gap = model.new_int_var(0, 100_000, "max_gap")
    hard_max = model.new_int_var(0, 10_000, "hard_max")
    gaps, hint_gaps, hint_hards = [], [], []
    for p in person_ids:
        base = history.get(p, History())
        mine_p = mine.get(p, [])
        load = SCALE * base.count + SCALE * cp_model.LinearExpr.sum([x[p, s.id] for s in mine_p])
        target = round(SCALE * targets.get(p, 0))
        gap = model.new_int_var(0, 100_000, f"gap_{p}")
        model.add(gap >= load - target)
        model.add(gap >= target - load)
        model.add(max_gap >= gap)
        gaps.append(gap)
        model.add(hard_max >= base.hard + cp_model.LinearExpr.sum([x[p, s.id] for s in mine_p if s.hard]))
        hinted_load = SCALE * base.count + SCALE * sum(hint[p, s.id] for s in mine_p)
        hint_gaps.append(abs(hinted_load - target))
        model.add_hint(gap, hint_gaps[-1])
        hint_hards.append(base.hard + sum(hint[p, s.id] for s in mine_p if s.hard))
    model.add_hint(max_gap, max(hint_gaps, default=0))
    model.add_hint(hard_max, max(hint_hards, default=0))
    model.maximize(
        W_FILL * filled - W_MAXGAP * max_gap - W_GAP * cp_model.LinearExpr.sum(gaps) - W_HARD * hard_max
    )
    greedy_value = (
        W_FILL * len(first) - W_MAXGAP * max(hint_gaps, default=0) - W_GAP * sum(hint_gaps)
        - W_HARD * max(hint_hards, default=0)
    )  # fmt: skip
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    # Probing and symmetry detection cost seconds on this size and help little: the greedy hint
    # (complete, so it is the first solution) is improved by the search.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_presolve = False
    solver.parameters.use_lns_only = True
    result = solver.solve(model)
    if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or solver.objective_value < greedy_value:
        proposal.assignments.update(first)  # every rule holds in the greedy solution too
        return "GREEDY"
    for (p, s), var in x.items():
        if solver.value(var):
            proposal.assignments[s] = p
    return solver.status_name(result)


def _add_rule_constraints(cp_model, model, x, mine, person_ids, fixed, rules, ctx, rest_hours) -> None:
    """Overlap and rest (interval cliques) and counting rules (caps, shares) per person."""
    from datetime import timedelta

    rest = timedelta(hours=rest_hours)
    held: dict = defaultdict(int)
    for p in person_ids:
        for o in fixed.get(p, ()):
            for i, rule in enumerate(rules):
                if rule.kind in ("cap", "share") and rule_applies(rule, o):
                    held[p, i, period_key(o.start, rule.period)] += 1
    for p, shifts in mine.items():
        shifts.sort(key=lambda v: v.start)
        previous: set = set()
        active: list[Shift] = []
        for shift in shifts:
            # Sliding window: the earlier vacations whose [start, end + rest) still covers this start.
            active = [o for o in active if shift.start < o.end + rest]
            clique = {shift.id, *(o.id for o in active)}
            if len(clique) > 1 and not clique <= previous:
                model.add_at_most_one(x[p, sid] for sid in clique)
            previous = clique
            active.append(shift)
        for i, rule in enumerate(rules):
            if rule.kind not in ("cap", "share"):
                continue
            per_key: dict = defaultdict(list)
            for shift in shifts:
                if rule_applies(rule, shift):
                    per_key[period_key(shift.start, rule.period)].append(shift.id)
            for key, sids in per_key.items():
                used = held[p, i, key]
                room = _limit(rule, key, ctx) - used
                if room < len(sids):
                    model.add(cp_model.LinearExpr.sum([x[p, sid] for sid in sids]) <= max(0, room))


def _explain(proposal: Proposal, people, shifts, eligible, fixed, rules, ctx, limit: int = 6) -> None:
    """Why each unfilled vacation stays empty: nobody eligible (with the reasons, most frequent
    first), or who was eligible and which rule blocks them given the proposal."""
    by_id = {p.id: p for p in people}
    shift_by_id = {s.id: s for s in shifts}
    taken: dict[int, list[Shift]] = defaultdict(list)
    for sid, pid in proposal.assignments.items():
        taken[pid].append(shift_by_id[sid])
    for shift in shifts:
        if shift.id in proposal.assignments:
            continue
        pids = eligible.get(shift.id, [])
        if not pids:
            counts: dict[str, int] = defaultdict(int)
            for person in people:
                problems = assignment_problems(person, shift, fixed.get(person.id, []), rules, ctx)
                if problems:
                    counts[problems[0].split(" :")[0]] += 1
            detail = ", ".join(f"{n} × {k.lower()}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
            proposal.unfilled[shift.id] = [f"Aucun professionnel éligible ({detail or 'aucun membre'})."]
            continue
        reasons = [f"{len(pids)} professionnel(s) éligible(s), tous bloqués :"]
        for pid in pids[:limit]:
            person = by_id[pid]
            problems = assignment_problems(person, shift, [*fixed.get(pid, []), *taken[pid]], rules, ctx)
            reasons.append(
                problems[0] if problems else f"{person.name} : possible (laissée libre par l'équilibrage)."
            )
        proposal.unfilled[shift.id] = reasons

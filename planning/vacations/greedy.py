"""A first solution for the auto-fill (a complete hint for CP-SAT, and the fallback if the solver
finds nothing in its time): hardest vacations first (fewest eligible people), each to the eligible
person furthest below their target who still respects every rule; then moves from the most loaded
to the least loaded while that narrows the largest gap to target."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from planning.vacations.policies import period_key, rule_applies


class _State:
    def __init__(self, *, person_ids, fixed, rules, limit_of, history, rest_hours):
        self.rest = timedelta(hours=rest_hours)
        self.counting = [(i, r) for i, r in enumerate(rules) if r.kind in ("cap", "share")]
        self.limit_of = limit_of
        self.used: dict = defaultdict(int)
        self.taken: dict[int, list] = defaultdict(list)
        self.load = {pid: (history.get(pid).count if history.get(pid) else 0) for pid in person_ids}
        for pid in person_ids:
            for other in fixed.get(pid, ()):
                for i, key, _rule in self.keys(other):
                    self.used[pid, i, key] += 1

    def keys(self, shift):
        return [(i, period_key(shift.start, r.period), r) for i, r in self.counting if rule_applies(r, shift)]

    def fits(self, pid, shift) -> bool:
        rest = self.rest
        if any(a.start < shift.end + rest and shift.start < a.end + rest for a in self.taken[pid]):
            return False
        return all(
            self.used[pid, i, key] + 1 <= self.limit_of(rule, key) for i, key, rule in self.keys(shift)
        )

    def put(self, pid, shift, sign=1):
        if sign > 0:
            self.taken[pid].append(shift)
        else:
            self.taken[pid].remove(shift)
        self.load[pid] += sign
        for i, key, _rule in self.keys(shift):
            self.used[pid, i, key] += sign


def greedy(
    *, person_ids, shift_ids, eligible, shift_by_id, fixed, rules, limit_of, history, targets, rest_hours
):
    state = _State(
        person_ids=person_ids,
        fixed=fixed,
        rules=rules,
        limit_of=limit_of,
        history=history,
        rest_hours=rest_hours,
    )
    result: dict[int, int] = {}
    order = sorted(shift_ids, key=lambda s: (len(eligible[s]), shift_by_id[s].start))
    for sid in order:
        shift = shift_by_id[sid]
        best, best_score = None, None
        for pid in eligible[sid]:
            if pid not in person_ids or not state.fits(pid, shift):
                continue
            score = state.load[pid] - targets.get(pid, 0)
            if best_score is None or score < best_score:
                best, best_score = pid, score
        if best is not None:
            result[sid] = best
            state.put(best, shift)
    _rebalance(result, state, eligible, shift_by_id, person_ids, targets)
    return result


def _rebalance(result, state, eligible, shift_by_id, person_ids, targets, rounds: int = 2000) -> None:
    """Move one vacation at a time from a person above target to one below, while it helps."""

    def gap(pid):
        return state.load[pid] - targets.get(pid, 0)

    for _ in range(rounds):
        over = sorted((p for p in person_ids if gap(p) > 0.5), key=gap, reverse=True)
        moved = False
        for giver in over:
            mine = [sid for sid, pid in result.items() if pid == giver]
            for sid in mine:
                shift = shift_by_id[sid]
                takers = sorted(
                    (
                        p
                        for p in eligible[sid]
                        if p in person_ids and p != giver and gap(p) < gap(giver) - 1.0
                    ),
                    key=gap,
                )
                for taker in takers:
                    if state.fits(taker, shift):
                        state.put(giver, shift, -1)
                        state.put(taker, shift)
                        result[sid] = taker
                        moved = True
                        break
                if moved:
                    break
            if moved:
                break
        if not moved:
            return

"""Who may take each open vacation on its own, and the most each person could take (issue 11 §4;
the first steps of the fair auto-fill and of the coordinator's load against target).

Pure functions over the policies' plain data. They answer exactly what
``policies.assignment_problems`` answers for one person and one vacation (profession, group,
unavailability, overlap and minimum rest with what the person holds, caps and shares), but
as booleans computed once per vacation and per (rule, period) instead of French messages
built for every pair: the messages are for the one vacation someone asks about.
"""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, timedelta

from planning.vacations.policies import Context, Person, Rule, Shift, period_key, rule_applies, share_limit


@functools.lru_cache(maxsize=4096)
def _share(total: int, percent) -> int:
    return share_limit(total, percent)


def limit_of(rule: Rule, key: tuple, ctx: Context) -> int:
    """The most vacations one person may hold under a cap or share ``rule`` in period ``key``."""
    if rule.kind == "cap":
        return rule.max_count or 0
    return _share(ctx.totals.get((rule.group_id, rule.period, key), 0), rule.share_percent or 0)


class _Keys:
    """``period_key`` of each (instant, period), computed once (it converts to Paris time)."""

    def __init__(self):
        self.cache: dict = {}

    def __call__(self, moment, period: str) -> tuple:
        found = self.cache.get((moment, period))
        if found is None:
            found = self.cache[moment, period] = period_key(moment, period)
        return found


class _Held:
    """One person's held vacations, by start (UTC), to find the few near a vacation quickly."""

    def __init__(self, shifts: Sequence[Shift]):
        self.shifts = sorted(shifts, key=lambda s: s.start)
        self.starts = [s.start.astimezone(UTC) for s in self.shifts]
        self.longest = max((s.end - s.start for s in self.shifts), default=timedelta(0))

    def clash(self, shift: Shift, start, end, rest: timedelta) -> bool:
        """Overlap with, or less than ``rest`` between, ``shift`` ([start, end) in UTC) and a held
        vacation (``policies.conflict_problems`` as a boolean)."""
        first = bisect.bisect_left(self.starts, start - rest - self.longest)
        last = bisect.bisect_right(self.starts, end + rest)
        for other in self.shifts[first:last]:
            if other.id == shift.id:
                continue
            o_start, o_end = other.start.astimezone(UTC), other.end.astimezone(UTC)
            if o_start < end and start < o_end:
                return True
            gap = start - o_end if o_end <= start else o_start - end
            if gap < rest:
                return True
        return False


def eligible_pairs(
    people: Sequence[Person], shifts: Sequence[Shift], fixed: dict[int, list[Shift]], rules, ctx
) -> dict[int, list[int]]:
    """Vacation id → ids of the people who may take it on its own: the policies' eligibility and
    conflict checks against what they hold, and room left under every counting rule."""
    keys = _Keys()
    counting = [(i, r) for i, r in enumerate(rules) if r.kind in ("cap", "share")]
    held: dict = defaultdict(lambda: defaultdict(int))  # (rule index, period) → person → count
    for person in people:
        for other in fixed.get(person.id, ()):
            for i, rule in counting:
                if rule_applies(rule, other):
                    held[i, keys(other.start, rule.period)][person.id] += 1
    full: dict = {}  # (rule index, period, limit) → people already at the limit there
    holding = {p.id: _Held(fixed.get(p.id, ())) for p in people}
    found: dict[int, list[int]] = {}
    for shift in shifts:
        allowed = set(shift.profession_codes)
        gated = shift.group_id in ctx.groups_with_members
        blocked: set[int] = set()
        for i, rule in counting:
            if rule_applies(rule, shift):
                key = keys(shift.start, rule.period)
                limit = limit_of(rule, key, ctx)
                if (i, key, limit) not in full:
                    full[i, key, limit] = (
                        {p.id for p in people}
                        if limit < 1
                        else {p for p, n in held[i, key].items() if n + 1 > limit}
                    )
                blocked |= full[i, key, limit]
        rests = [r.min_rest_hours or 0 for r in rules if r.kind == "min_rest" and rule_applies(r, shift)]
        rest = timedelta(hours=max(rests, default=0))
        start, end = shift.start.astimezone(UTC), shift.end.astimezone(UTC)
        found[shift.id] = [
            person.id
            for person in people
            if (not allowed or person.profession_code in allowed or person.specialty_code in allowed)
            and (not gated or shift.group_id in person.group_ids)
            and person.id not in blocked
            and not (
                person.unavailable and any(s < shift.end and shift.start < e for s, e in person.unavailable)
            )
            and not holding[person.id].clash(shift, start, end, rest)
        ]
    return found


def upper_bounds(person_ids, by_person, shift_by_id, fixed, rules, ctx) -> dict[int, int]:
    """Most new vacations each person could take: their eligible vacations, capped by each
    counting rule per period (minus what they hold there)."""
    keys = _Keys()
    counting = [r for r in rules if r.kind in ("cap", "share")]
    # Each vacation's period under each counting rule (None: the rule does not apply), once.
    scope = {
        sid: [keys(s.start, r.period) if rule_applies(r, s) else None for r in counting]
        for sid, s in shift_by_id.items()
    }
    limits: dict = {}
    bounds = {}
    for pid in person_ids:
        mine = by_person.get(pid, [])
        bound = len(mine)
        for index, rule in enumerate(counting):
            per_key: dict = defaultdict(int)
            outside = 0
            for sid in mine:
                key = scope[sid][index]
                if key is None:
                    outside += 1
                else:
                    per_key[key] += 1
            capped = outside
            held: dict = defaultdict(int)
            for o in fixed.get(pid, ()):
                if rule_applies(rule, o):
                    held[keys(o.start, rule.period)] += 1
            for key, count in per_key.items():
                if (index, key) not in limits:
                    limits[index, key] = limit_of(rule, key, ctx)
                capped += max(0, min(count, limits[index, key] - held[key]))
            bound = min(bound, capped)
        bounds[pid] = bound
    return bounds

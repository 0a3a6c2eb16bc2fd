"""Distribution rules and eligibility of the vacation planning, as pure functions (DOMAIN.md §5).

DOMAIN.md §5 (seed 002, the FlexiVac description): "règles de répartition (plafond en nombre de
vacations, ou pourcentages) appliquées aux groupes". Issue 11 §3 adds a minimum rest between two
vacations, never two overlapping vacations for one person **across all plannings**, and the
professional's declared unavailability. Every message is French and names the rule broken.

Inputs are plain frozen dataclasses (no database): the services, the solver and the explanation
of unfillable vacations all call the same functions.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Shift:
    """A vacation as the rules see it (``start``/``end`` aware)."""

    id: int
    planning_id: int
    start: datetime
    end: datetime
    group_id: int | None = None
    profession_codes: tuple[str, ...] = ()
    label: str = ""
    hard: bool = False  # night, weekend or public holiday (weighs separately in fairness)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    profession_code: str = ""
    specialty_code: str = ""
    group_ids: frozenset[int] = frozenset()
    unavailable: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A distribution rule: ``kind`` cap / share / min_rest; ``group_id`` None = the whole planning."""

    name: str
    kind: str
    planning_id: int
    group_id: int | None = None
    period: str = "month"
    max_count: int | None = None
    share_percent: Decimal | None = None
    min_rest_hours: int | None = None


@dataclass
class Context:
    """What the checks of one planning need beyond the person and the shift: the planning's
    groups with explicit members, and totals of vacations per (group or None, period key)."""

    groups_with_members: frozenset[int] = frozenset()
    totals: dict[tuple[int | None, str, tuple], int] = field(default_factory=dict)


def local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Elapsed hours (UTC arithmetic: right on the days clocks change)."""
    seconds = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()
    return (Decimal(int(seconds)) / Decimal(3600)).quantize(Decimal("0.01"))


@functools.lru_cache(maxsize=65536)
def period_key(moment: datetime, period: str) -> tuple:
    """The week (ISO year, week), month (year, month) or quarter (year, q) of a moment, in Paris."""
    day = local(moment).date()
    if period == "week":
        iso = day.isocalendar()
        return (iso.year, iso.week)
    if period == "quarter":
        return (day.year, (day.month - 1) // 3 + 1)
    return (day.year, day.month)


def period_label(key: tuple, period: str) -> str:
    if period == "week":
        monday = date.fromisocalendar(key[0], key[1], 1)
        return f"la semaine du {monday:%d/%m/%Y}"
    if period == "quarter":
        return f"le trimestre T{key[1]} {key[0]}"
    return f"le mois {key[1]:02d}/{key[0]}"


def _when(shift: Shift) -> str:
    start, end = local(shift.start), local(shift.end)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def leave_span(start: datetime, end: datetime) -> str:
    """« du 29/11/2026 au 30/11/2026 inclus » for whole Paris days, else with the hours."""
    s, e = local(start), local(end)
    if (s.hour, s.minute, e.hour, e.minute) == (0, 0, 0, 0):
        return f"du {s:%d/%m/%Y} au {e - timedelta(days=1):%d/%m/%Y} inclus"
    return f"du {s:%d/%m/%Y %H:%M} au {e:%d/%m/%Y %H:%M}"


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def rule_applies(rule: Rule, shift: Shift) -> bool:
    return rule.planning_id == shift.planning_id and (
        rule.group_id is None or rule.group_id == shift.group_id
    )


def share_limit(total: int, percent: Decimal) -> int:
    """Most vacations one person may take under a share rule: ⌈total × percent / 100⌉ (at least 1
    when there is any vacation). Worked example: 40 vacations, 10 % → 4; 41 → 5."""
    if total <= 0:
        return 0
    return max(1, math.ceil(Decimal(total) * Decimal(percent) / Decimal(100)))


def eligibility_problems(person: Person, shift: Shift, ctx: Context) -> list[str]:
    """Static reasons ``person`` cannot take ``shift`` (profession, group, unavailability)."""
    problems = []
    if shift.profession_codes and not (
        {person.profession_code, person.specialty_code} & set(shift.profession_codes)
    ):
        problems.append(
            f"Profession : {person.name} n'exerce pas une profession autorisée pour cette vacation "
            f"({', '.join(shift.profession_codes)})."
        )
    if shift.group_id in ctx.groups_with_members and shift.group_id not in person.group_ids:
        problems.append(f"Groupe : {person.name} n'est pas membre du groupe de cette vacation.")
    for start, end in person.unavailable:
        if overlaps(start, end, shift.start, shift.end):
            problems.append(f"Indisponibilité : {person.name} est indisponible {leave_span(start, end)}.")
            break
    return problems


def conflict_problems(
    person: Person, shift: Shift, others: Iterable[Shift], rules: Sequence[Rule]
) -> list[str]:
    """Overlap with any other vacation of the person (all plannings) and minimum rest rules."""
    problems = []
    rest_rules = [r for r in rules if r.kind == "min_rest" and rule_applies(r, shift)]
    for other in others:
        if other.id == shift.id:
            continue
        if overlaps(other.start, other.end, shift.start, shift.end):
            problems.append(
                f"Chevauchement : {person.name} a déjà une vacation {_when(other)}"
                f"{f' ({other.label})' if other.label else ''}."
            )
            continue
        for rule in rest_rules:
            # Both in UTC: a rest across the October clock change counts its real hours.
            rest = timedelta(hours=rule.min_rest_hours or 0)
            gap = (
                shift.start.astimezone(UTC) - other.end.astimezone(UTC)
                if other.end <= shift.start
                else other.start.astimezone(UTC) - shift.end.astimezone(UTC)
            )
            if gap < rest:
                problems.append(
                    f"Règle « {rule.name} » : {person.name} n'aurait que {_hours(gap)} h "
                    f"de repos avec sa vacation {_when(other)} (minimum {rule.min_rest_hours} h)."
                )
    return problems


def _hours(delta: timedelta) -> str:
    value = (Decimal(int(delta.total_seconds())) / Decimal(3600)).quantize(Decimal("0.1"))
    return f"{value}".replace(".", ",")


def count_problems(
    person: Person, shift: Shift, others: Iterable[Shift], rules: Sequence[Rule], ctx: Context
) -> list[str]:
    """Caps and shares: the person's vacations in the rule's scope and period, ``shift`` included."""
    problems = []
    mine = [o for o in others if o.id != shift.id]
    for rule in rules:
        if rule.kind not in ("cap", "share") or not rule_applies(rule, shift):
            continue
        key = period_key(shift.start, rule.period)
        count = 1 + sum(1 for o in mine if rule_applies(rule, o) and period_key(o.start, rule.period) == key)
        if rule.kind == "cap":
            limit = rule.max_count or 0
            detail = f"plafond {limit}"
        else:
            total = ctx.totals.get((rule.group_id, rule.period, key), 0)
            limit = share_limit(total, rule.share_percent or Decimal(0))
            detail = f"{rule.share_percent} % de {total} vacations, soit {limit} au plus"
        if count > limit:
            problems.append(
                f"Règle « {rule.name} » : {person.name} aurait {count} vacations "
                f"{period_label(key, rule.period)} ({detail})."
            )
    return problems


def assignment_problems(
    person: Person, shift: Shift, others: Sequence[Shift], rules: Sequence[Rule], ctx: Context
) -> list[str]:
    """Every reason ``person`` may not take ``shift`` given their ``others`` vacations (all
    plannings); empty when the assignment is allowed. Checked at every assignment and change."""
    return [
        *eligibility_problems(person, shift, ctx),
        *conflict_problems(person, shift, others, rules),
        *count_problems(person, shift, others, rules, ctx),
    ]


def is_hard(start: datetime, end: datetime, holidays: Iterable[date]) -> bool:
    """Night (any part between 20:00 and 08:00), weekend or public holiday (DOMAIN.md §3.4 hours)."""
    s, e = local(start), local(end)
    if s.weekday() >= 5 or s.date() in set(holidays):
        return True
    return (
        s.hour >= 20 or s.hour < 8 or e.date() > s.date() or (e.hour > 20 or (e.hour == 20 and e.minute > 0))
    )


#: A leave may not start more than this many days ahead, nor last longer (implausible dates).
LEAVE_HORIZON_DAYS = 730
LEAVE_MAX_DAYS = 366


def leave_problems(
    *, start: date, end: date, today: date, others: Iterable[tuple[date, date]] = ()
) -> list[str]:
    """Why a leave from ``start`` to ``end`` (Paris days, both included) cannot be declared
    (issue 11 §3 "unavailability (leave) declared by the professional"): end before start, a
    start in the past, implausibly far or long dates, an overlap with the person's ``others``
    leaves (inclusive day ranges). Empty when it can. Vacations the person holds then are checked
    apart (``leave_conflicts``): a coordinator may confirm over them, never silently unassign."""
    if end < start:
        return ["La fin de l'indisponibilité précède son début."]
    problems = []
    if start < today:
        problems.append("Une indisponibilité ne peut pas commencer avant aujourd'hui.")
    if start > today + timedelta(days=LEAVE_HORIZON_DAYS):
        problems.append(
            f"Date peu plausible : l'indisponibilité commence plus de {LEAVE_HORIZON_DAYS // 365} ans "
            "après aujourd'hui."
        )
    if (end - start).days + 1 > LEAVE_MAX_DAYS:
        problems.append(f"Durée peu plausible : une indisponibilité dure au plus {LEAVE_MAX_DAYS} jours.")
    for other_start, other_end in others:
        if start <= other_end and other_start <= end:
            problems.append(
                f"Chevauchement : une indisponibilité du {other_start:%d/%m/%Y} au {other_end:%d/%m/%Y} "
                "est déjà déclarée."
            )
    return problems


def leave_conflicts(start: datetime, end: datetime, held: Iterable[Shift]) -> list[Shift]:
    """The held vacations a leave over [start, end) would overlap, in time order."""
    return sorted((s for s in held if overlaps(start, end, s.start, s.end)), key=lambda s: s.start)


def describe_shift(shift: Shift) -> str:
    """« SNP cabinet le 12/01/2027 de 14:00 à 18:00 » (for messages naming vacations)."""
    return f"{shift.label} {_when(shift)}".strip()


def closure_problems(*, day: date, today: date, existing: Iterable[str]) -> list[str]:
    """Why ``day`` cannot become a closure day of a planning (generation skips those days):
    in the past, implausibly far, or already closed."""
    if day < today:
        return ["Un jour de fermeture ne peut pas être dans le passé."]
    if day > today + timedelta(days=LEAVE_HORIZON_DAYS):
        return [f"Date peu plausible : plus de {LEAVE_HORIZON_DAYS // 365} ans après aujourd'hui."]
    if day.isoformat() in set(existing):
        return [f"Le {day:%d/%m/%Y} est déjà un jour de fermeture."]
    return []

"""Reads of the vacation planning: the rules' plain data, plannings visible to a user, calendars.

Structures and professionals come only through ``cpts.selectors.vacations``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations.enums import VacationState
from planning.vacations.generation import french_holidays
from planning.vacations.models import (
    DistributionRule,
    Unavailability,
    Vacation,
    VacationGroup,
    VacationPlanning,
)
from planning.vacations.policies import Context, Person, Rule, Shift, is_hard, period_key
from sas_platform.permissions import is_platform_admin

#: States in which a vacation occupies its professional (overlap, rest, caps).
HOLDING_STATES = (VacationState.ASSIGNED, VacationState.DONE)
#: States that count in a planning's totals (share rules).
COUNTED_STATES = (VacationState.OPEN, VacationState.ASSIGNED, VacationState.DONE, VacationState.NOT_DONE)


def plannings_for_user(*, user) -> QuerySet[VacationPlanning]:
    """Plannings the user administers (coordinators of the structure; platform administrators all)
    or takes part in (members of the structure)."""
    if not getattr(user, "is_authenticated", False):
        return VacationPlanning.objects.none()
    if is_platform_admin(user):
        return VacationPlanning.objects.all()
    structure_ids = set(directory.structure_ids_coordinated_by(user=user))
    professional = directory.professional_of_user(user=user)
    if professional is not None:
        structure_ids |= set(
            directory.structure_ids_of_professional(professional_id=professional.pk, on=timezone.localdate())
        )
    return VacationPlanning.objects.filter(structure_id__in=structure_ids, is_active=True)


def plannings_managed_by(*, user) -> QuerySet[VacationPlanning]:
    if not getattr(user, "is_authenticated", False):
        return VacationPlanning.objects.none()
    if is_platform_admin(user):
        return VacationPlanning.objects.all()
    return VacationPlanning.objects.filter(structure_id__in=directory.structure_ids_coordinated_by(user=user))


def shift_of(vacation: Vacation, *, holidays: Iterable[date] = ()) -> Shift:
    vacation_type = vacation.vacation_type
    return Shift(
        id=vacation.pk,
        planning_id=vacation.planning_id,
        start=vacation.starts_at,
        end=vacation.ends_at,
        group_id=vacation.group_id,
        profession_codes=tuple(vacation_type.profession_codes or ()),
        label=vacation_type.name,
        hard=is_hard(vacation.starts_at, vacation.ends_at, holidays),
    )


def rule_of(r: DistributionRule) -> Rule:
    """A distribution rule as the pure policies read it."""
    return Rule(
        name=r.name,
        kind=r.kind,
        planning_id=r.planning_id,
        group_id=r.group_id,
        period=r.period,
        max_count=r.max_count,
        share_percent=r.share_percent,
        min_rest_hours=r.min_rest_hours,
    )


def rules_of(*, planning_id: int) -> list[Rule]:
    return [rule_of(r) for r in DistributionRule.objects.filter(planning_id=planning_id)]


def _bounds_for(rules: list[Rule], start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The window of other vacations the rules need around [start, end] (a quarter at most)."""
    margin = timedelta(days=2)
    if any(r.period == "quarter" for r in rules if r.kind in ("cap", "share")):
        margin = timedelta(days=93)
    elif any(r.period == "month" for r in rules if r.kind in ("cap", "share")):
        margin = timedelta(days=32)
    elif any(r.kind in ("cap", "share") for r in rules):
        margin = timedelta(days=8)
    return start - margin, end + margin


def people_of(*, planning: VacationPlanning, professional_ids: Iterable[int], start: datetime, end: datetime):
    """``{id: Person}`` with their groups in this planning and their unavailability in the window."""
    ids = list(set(professional_ids))
    professionals = directory.professionals_by_ids(ids=ids)
    groups: dict[int, set[int]] = defaultdict(set)
    through = VacationGroup.members.through
    for group_id, professional_id in through.objects.filter(
        vacationgroup__planning=planning, professional_id__in=ids
    ).values_list("vacationgroup_id", "professional_id"):
        groups[professional_id].add(group_id)
    leave: dict[int, list] = defaultdict(list)
    for u in Unavailability.objects.filter(professional_id__in=ids, starts_at__lt=end, ends_at__gt=start):
        leave[u.professional_id].append((u.starts_at, u.ends_at))
    return {
        pk: Person(
            id=pk,
            name=str(p),
            profession_code=p.profession_code,
            specialty_code=p.specialty_code,
            group_ids=frozenset(groups[pk]),
            unavailable=tuple(leave[pk]),
        )
        for pk, p in professionals.items()
    }


def shifts_of_people(
    *, professional_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Shift]]:
    """Each person's holding vacations in [start, end), in ALL plannings (overlap is global)."""
    found: dict[int, list[Shift]] = defaultdict(list)
    rows = (
        Vacation.objects.filter(
            assignee_id__in=list(professional_ids),
            state__in=HOLDING_STATES,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .order_by("starts_at")
        .values_list("assignee_id", *SHIFT_COLUMNS)
    )
    for assignee_id, *row in rows:  # plain rows: thousands of them for a planning's month
        found[assignee_id].append(shift_of_row(row))
    return found


#: The columns :func:`shift_of_row` reads (``values_list``), in its order.
SHIFT_COLUMNS = (
    "pk",
    "planning_id",
    "starts_at",
    "ends_at",
    "group_id",
    "vacation_type__profession_codes",
    "vacation_type__name",
)


def shift_of_row(row, *, holidays: Iterable[date] = ()) -> Shift:
    """:func:`shift_of` from a row of :data:`SHIFT_COLUMNS` (no model instances)."""
    pk, planning_id, starts_at, ends_at, group_id, codes, label = row
    return Shift(
        id=pk,
        planning_id=planning_id,
        start=starts_at,
        end=ends_at,
        group_id=group_id,
        profession_codes=tuple(codes or ()),
        label=label,
        hard=is_hard(starts_at, ends_at, holidays),
    )


def context_of(*, planning: VacationPlanning, rules: list[Rule], start: datetime, end: datetime) -> Context:
    """Groups with explicit members and the planning's totals per (group, period) for share rules."""
    with_members = frozenset(
        VacationGroup.objects.filter(planning=planning, members__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )
    totals: dict = defaultdict(int)
    shares = [r for r in rules if r.kind == "share"]
    if shares:
        low, high = _bounds_for(rules, start, end)
        rows = Vacation.objects.filter(
            planning=planning, state__in=COUNTED_STATES, starts_at__gte=low, starts_at__lt=high
        ).values_list("starts_at", "group_id")
        for starts_at, group_id in rows:
            for rule in shares:
                if rule.group_id is None or rule.group_id == group_id:
                    totals[(rule.group_id, rule.period, period_key(starts_at, rule.period))] += 1
    return Context(groups_with_members=with_members, totals=dict(totals))


def problems_for(*, vacation: Vacation, professional_id: int, ignore_ids: Iterable[int] = ()) -> list[str]:
    """Every rule ``professional_id`` would break by holding ``vacation`` (``ignore_ids``: vacations
    they give away in the same change, e.g. the other side of a swap)."""
    planning = vacation.planning
    rules = rules_of(planning_id=planning.pk)
    low, high = _bounds_for(rules, vacation.starts_at, vacation.ends_at)
    person = people_of(planning=planning, professional_ids=[professional_id], start=low, end=high)[
        professional_id
    ]
    ignored = set(ignore_ids)
    others = [
        s
        for s in shifts_of_people(professional_ids=[professional_id], start=low, end=high)[professional_id]
        if s.id not in ignored
    ]
    ctx = context_of(planning=planning, rules=rules, start=vacation.starts_at, end=vacation.ends_at)
    from planning.vacations.policies import assignment_problems

    return assignment_problems(person, shift_of(vacation), others, rules, ctx)


def problems_for_many(*, vacations: list[Vacation], professional_id: int) -> dict[int, list[str]]:
    """Vacation id → every rule ``professional_id`` would break by holding it (the claim's own
    checks, :func:`problems_for`, for many vacations at once: the pool page). The person's
    groups, leave and held vacations, and each planning's rules and context, are read once for
    the window the rules need around all the vacations; each vacation is then checked with the
    pure ``policies.assignment_problems``. A fixed number of queries, whatever the number of
    vacations (DOMAIN.md §5 "remise au pot commun"; issue 11 §3)."""
    from planning.vacations.policies import assignment_problems

    if not vacations:
        return {}
    planning_ids = {v.planning_id for v in vacations}
    rules: dict[int, list[Rule]] = defaultdict(list)
    for r in DistributionRule.objects.filter(planning_id__in=planning_ids):
        rules[r.planning_id].append(rule_of(r))
    all_rules = [rule for planning_rules in rules.values() for rule in planning_rules]
    low, high = _bounds_for(all_rules, min(v.starts_at for v in vacations), max(v.ends_at for v in vacations))
    professional = directory.professionals_by_ids(ids=[professional_id])[professional_id]
    group_rows = VacationGroup.members.through.objects.filter(
        vacationgroup__planning_id__in=planning_ids, professional_id=professional_id
    ).values_list("vacationgroup_id", flat=True)
    leave = Unavailability.objects.filter(
        professional_id=professional_id, starts_at__lt=high, ends_at__gt=low
    )
    person = Person(
        id=professional_id,
        name=str(professional),
        profession_code=professional.profession_code,
        specialty_code=professional.specialty_code,
        group_ids=frozenset(group_rows),  # group ids are unique across plannings
        unavailable=tuple((u.starts_at, u.ends_at) for u in leave),
    )
    held = shifts_of_people(professional_ids=[professional_id], start=low, end=high).get(professional_id, [])
    contexts = _contexts_of(planning_ids=planning_ids, rules=rules, start=low, end=high)
    return {
        v.pk: assignment_problems(person, shift_of(v), held, rules[v.planning_id], contexts[v.planning_id])
        for v in vacations
    }


def _contexts_of(*, planning_ids, rules: dict[int, list[Rule]], start: datetime, end: datetime) -> dict:
    """:func:`context_of` for several plannings in two queries (``start``/``end``: already the
    rules' window, which holds every period a checked vacation falls in)."""
    with_members: dict[int, set[int]] = defaultdict(set)
    for planning_id, group_id in (
        VacationGroup.objects.filter(planning_id__in=planning_ids, members__isnull=False)
        .values_list("planning_id", "id")
        .distinct()
    ):
        with_members[planning_id].add(group_id)
    totals: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    shares = {pid: [r for r in planning_rules if r.kind == "share"] for pid, planning_rules in rules.items()}
    with_shares = [pid for pid, share_rules in shares.items() if share_rules]
    if with_shares:
        rows = Vacation.objects.filter(
            planning_id__in=with_shares, state__in=COUNTED_STATES, starts_at__gte=start, starts_at__lt=end
        ).values_list("planning_id", "starts_at", "group_id")
        for planning_id, starts_at, group_id in rows:
            for rule in shares[planning_id]:
                if rule.group_id is None or rule.group_id == group_id:
                    totals[planning_id][(rule.group_id, rule.period, period_key(starts_at, rule.period))] += 1
    return {
        pid: Context(groups_with_members=frozenset(with_members[pid]), totals=dict(totals[pid]))
        for pid in planning_ids
    }


def holidays_between(start: datetime, end: datetime) -> set[date]:
    return french_holidays(timezone.localtime(start).date(), timezone.localtime(end).date())


def vacations_between(
    *,
    planning: VacationPlanning,
    start: datetime,
    end: datetime,
    group_id: int | None = None,
    professional_id=None,
) -> QuerySet[Vacation]:
    qs = Vacation.objects.filter(planning=planning, starts_at__lt=end, ends_at__gt=start)
    if group_id:
        qs = qs.filter(group_id=group_id)
    if professional_id:
        qs = qs.filter(assignee_id=professional_id)
    return qs.select_related("vacation_type", "group", "assignee").order_by("starts_at", "id")


def open_pool_q() -> Q:
    return Q(transfers__kind="pool", transfers__status="pending")


def planning_people(*, planning: VacationPlanning) -> list[tuple[int, str]]:
    """``[(id, "Nom Prénom")]`` of the planning's structure members today, by name (the calendar's
    person filter, the coordinator's pickers)."""
    return directory.structure_member_names(structure_id=planning.structure_id, on=timezone.localdate())


def leaves_of_planning(*, planning: VacationPlanning, since: datetime) -> QuerySet[Unavailability]:
    """Leaves of the planning's current members that end after ``since``, by start."""
    ids = directory.structure_member_ids(structure_id=planning.structure_id, on=timezone.localdate())
    return (
        Unavailability.objects.filter(professional_id__in=ids, ends_at__gt=since)
        .select_related("professional")
        .order_by("starts_at", "id")
    )


def leaves_of(*, professional_id: int) -> QuerySet[Unavailability]:
    return Unavailability.objects.filter(professional_id=professional_id).order_by("-starts_at", "-id")


def closure_days_of(*, planning: VacationPlanning) -> list[dict]:
    """The planning's closure days, by date: ``{"day", "iso", "past"}`` (unreadable entries skipped)."""
    today = timezone.localdate()
    days = []
    for raw in planning.closure_days or []:
        try:
            day = date.fromisoformat(raw)
        except (TypeError, ValueError):
            continue
        days.append({"day": day, "iso": raw, "past": day < today})
    return sorted(days, key=lambda d: d["day"])

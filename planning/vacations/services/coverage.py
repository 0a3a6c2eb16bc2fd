"""What the coordinator reads about coverage and fairness (issue 11 §4 and §7), computed from the
current data at request time, with the same plain data and functions as the fair auto-fill:

- ``load_against_target``: per person, the vacations held in a period against their fair target
  (``solver.targets_for``: history-aware, the last quarter counts, water-filled to each person's
  room under the rules), largest gaps first;
- ``unfilled_now``: each open vacation of a period, who may take it now, or which rule blocks
  each member (``policies.assignment_problems``), never the last proposal's stale explanation;
- ``person_history``: one professional's vacations and transfers in a planning, paginated.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Q, Sum

from planning.vacations import selectors
from planning.vacations.enums import TransferStatus, VacationState
from planning.vacations.models import TransferRequest, Vacation, VacationPlanning
from planning.vacations.policies import assignment_problems
from planning.vacations.services.autofill import solver_input
from planning.vacations.services.unavailability import day_bounds
from planning.vacations.solver import History, eligible_pairs, targets_for

SHOWN_NAMES = 6
PAGE_SIZE = 20


def load_against_target(*, planning: VacationPlanning, start: date, end: date) -> dict:
    """``{"rows": [...], "max_gap", "period_total"}``. Each row: ``id``, ``name``, ``history``
    (vacations held in the quarter before the period), ``held`` (in the period), ``load``
    (both), ``target`` (fair share of history + the period's vacations), ``gap`` (load − target)
    and ``load_pct`` / ``target_pct`` for the bars; sorted by the largest gap (absolute) first."""
    data = solver_input(planning=planning, start=start, end=end)
    low, high = day_bounds(start, end)
    period = list(
        Vacation.objects.filter(
            planning=planning,
            starts_at__gte=low,
            starts_at__lt=high,
            state__in=[VacationState.OPEN, VacationState.ASSIGNED, VacationState.DONE],
        ).values_list("state", "assignee_id", *selectors.SHIFT_COLUMNS)
    )
    ids = {row[2] for row in period}
    held = Counter(assignee for state, assignee, *_row in period if state != VacationState.OPEN)
    # As if the period's vacations were all to share: what people hold in it is not "fixed".
    fixed = {pid: [s for s in shifts if s.id not in ids] for pid, shifts in data["fixed"].items()}
    history = {
        pid: History(count=max(0, h.count - held[pid]), hard=h.hard) for pid, h in data["history"].items()
    }
    shifts = [selectors.shift_of_row(row) for _state, _assignee, *row in period]
    _eligible, lows, targets = targets_for(data["people"], shifts, fixed, data["rules"], data["ctx"], history)
    rows = []
    for person in data["people"]:
        load = int(lows[person.id]) + held[person.id]
        target = round(targets.get(person.id, 0.0), 1)
        rows.append(
            {
                "id": person.id,
                "name": person.name,
                "history": int(lows[person.id]),
                "held": held[person.id],
                "load": load,
                "target": target,
                "gap": round(load - target, 1),
            }
        )
    scale = max([max(r["load"], r["target"]) for r in rows] or [0]) or 1
    for row in rows:
        row["load_pct"] = round(100 * row["load"] / scale, 1)
        row["target_pct"] = round(100 * row["target"] / scale, 1)
        row["over"] = row["gap"] > 1
        row["under"] = row["gap"] < -1
    rows.sort(key=lambda r: (-abs(r["gap"]), r["name"]))
    return {
        "rows": rows,
        "max_gap": max([abs(r["gap"]) for r in rows] or [0]),
        "period_total": len(period),
        "period_open": sum(1 for row in period if row[0] == VacationState.OPEN),
    }


def unfilled_now(*, planning: VacationPlanning, start: date, end: date) -> list[dict]:
    """Each open vacation of [start, end] with ``eligible`` (names of who may take it now) and,
    when nobody may, ``summary`` (blocking reasons counted by kind) and ``details`` (the first
    reason of each member, those of the right profession and group first)."""
    data = solver_input(planning=planning, start=start, end=end)
    people, rules, ctx, fixed = data["people"], data["rules"], data["ctx"], data["fixed"]
    eligible = eligible_pairs(people, data["shifts"], fixed, rules, ctx)
    names = {p.id: p.name for p in people}
    vacations = {
        v.pk: v
        for v in Vacation.objects.filter(pk__in=[s.id for s in data["shifts"]]).select_related(
            "vacation_type", "group"
        )
    }
    rows = []
    for shift in sorted(data["shifts"], key=lambda s: (s.start, s.id)):
        pids = eligible.get(shift.id, [])
        row = {"vacation": vacations[shift.id], "eligible": sorted(names[p] for p in pids)}
        row["more"] = max(0, len(row["eligible"]) - SHOWN_NAMES)
        row["eligible"] = row["eligible"][:SHOWN_NAMES] if row["more"] else row["eligible"]
        if not pids:
            blocked = [
                problems
                for person in people
                if (problems := assignment_problems(person, shift, fixed.get(person.id, []), rules, ctx))
            ]
            kinds = Counter(problems[0].split(" :")[0] for problems in blocked)
            row["summary"] = ", ".join(f"{n} × {k.lower()}" for k, n in kinds.most_common()) or "aucun membre"
            close = [p for p in blocked if not p[0].startswith(("Profession", "Groupe"))]
            row["details"] = [p[0] for p in close[:SHOWN_NAMES]]
        rows.append(row)
    return rows


def person_history(
    *, planning: VacationPlanning, professional_id: int, page: str | int | None, transfers_page=None
) -> dict:
    """A professional's vacations in ``planning`` (latest first) and transfers given or received,
    each paginated, with their totals (done, not done, coming, patients)."""
    vacations = (
        Vacation.objects.filter(planning=planning, assignee_id=professional_id)
        .select_related("vacation_type", "group")
        .order_by("-starts_at", "-id")
    )
    totals = vacations.aggregate(patients=Sum("patients_seen"))
    states = Counter(vacations.values_list("state", flat=True))
    transfers = (
        TransferRequest.objects.filter(vacation__planning=planning)
        .filter(
            Q(from_professional_id=professional_id)
            | Q(to_professional_id=professional_id)
            | Q(taken_by_id=professional_id)
        )
        .select_related("vacation__vacation_type", "from_professional", "to_professional", "taken_by")
        .order_by("-created_at", "-id")
    )
    transfer_page = Paginator(transfers, PAGE_SIZE).get_page(transfers_page)
    for item in transfer_page:
        item.given = item.from_professional_id == professional_id
        item.done = item.status == TransferStatus.DONE
    return {
        "vacations": Paginator(vacations, PAGE_SIZE).get_page(page),
        "transfers": transfer_page,
        "done": states[VacationState.DONE],
        "not_done": states[VacationState.NOT_DONE],
        "coming": states[VacationState.ASSIGNED],
        "patients": totals["patients"] or 0,
    }


def person_in_planning(*, planning: VacationPlanning, professional_id: int, on: date) -> bool:
    """A member of the planning's structure on ``on``, or anyone who held a vacation in it."""
    from cpts.selectors import vacations as directory

    return (
        professional_id in directory.structure_member_ids(structure_id=planning.structure_id, on=on)
        or Vacation.objects.filter(planning=planning, assignee_id=professional_id).exists()
    )

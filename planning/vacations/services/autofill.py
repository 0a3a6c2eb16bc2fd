"""The fair auto-fill as a service (issue 11 §4): build the solver's plain data from the database,
store the proposal for the coordinator's review (a diff), apply an accepted one (each assignment
checked again, in one transaction)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations import selectors
from planning.vacations.enums import VacationEventKind, VacationState
from planning.vacations.events import VacationAudit
from planning.vacations.models import AutofillProposal, Vacation, VacationPlanning
from planning.vacations.policies import PARIS, is_hard
from planning.vacations.solver import History, Proposal, autofill
from sas_platform.events import audit_event_write
from sas_platform.exceptions import ApplicationError


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=PARIS),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS),
    )


def solver_input(*, planning: VacationPlanning, start: date, end: date) -> dict:
    """The solver's keyword arguments for the open vacations of [start, end] (inclusive)."""
    low, high = _bounds(start, end)
    holidays = selectors.holidays_between(low - timedelta(days=92), high)
    open_vacations = Vacation.objects.filter(
        planning=planning, state=VacationState.OPEN, starts_at__gte=low, starts_at__lt=high
    ).values_list(*selectors.SHIFT_COLUMNS)
    member_ids = directory.structure_member_ids(structure_id=planning.structure_id, on=start)
    rules = selectors.rules_of(planning_id=planning.pk)
    window_low, window_high = selectors._bounds_for(rules, low, high)
    people = selectors.people_of(
        planning=planning, professional_ids=member_ids, start=window_low, end=window_high
    )
    fixed = selectors.shifts_of_people(professional_ids=member_ids, start=window_low, end=window_high)
    history: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    past = Vacation.objects.filter(
        planning=planning,
        assignee_id__in=member_ids,
        state__in=[VacationState.ASSIGNED, VacationState.DONE],
        starts_at__gte=low - timedelta(days=92),
        starts_at__lt=high,
    ).values_list("assignee_id", "starts_at", "ends_at")
    for pid, s, e in past:
        history[pid][0] += 1
        history[pid][1] += int(is_hard(s, e, holidays))
    return {
        "people": [people[pk] for pk in sorted(people)],
        "shifts": [selectors.shift_of_row(row, holidays=holidays) for row in open_vacations],
        "fixed": fixed,
        "rules": rules,
        "ctx": selectors.context_of(planning=planning, rules=rules, start=low, end=high),
        "history": {pk: History(count=c, hard=h) for pk, (c, h) in history.items()},
    }


WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def _when(shift) -> str:
    start, end = shift.start.astimezone(PARIS), shift.end.astimezone(PARIS)
    return f"{WEEKDAYS[start.weekday()]} {start:%d/%m/%Y %H:%M}–{end:%H:%M}"


@transaction.atomic
def autofill_propose(
    *, planning: VacationPlanning, start: date, end: date, actor, time_limit: float = 3.0
) -> AutofillProposal:
    """Compute and store a proposal for the coordinator to review (nothing assigned yet)."""
    data = solver_input(planning=planning, start=start, end=end)
    if not data["shifts"]:
        raise ApplicationError("Aucune vacation à pourvoir sur cette période.", code="invalid")
    result: Proposal = autofill(**data, time_limit=time_limit)
    people = {p.id: p.name for p in data["people"]}
    shifts = {s.id: s for s in data["shifts"]}
    items = [
        {
            "vacation_id": sid,
            "professional_id": pid,
            "professional": people.get(pid, ""),
            "starts_at": shifts[sid].start.isoformat(),
            "ends_at": shifts[sid].end.isoformat(),
            "label": shifts[sid].label,
            "when": _when(shifts[sid]),
        }
        for sid, pid in sorted(result.assignments.items(), key=lambda kv: shifts[kv[0]].start)
    ]
    unfilled = [
        {
            "vacation_id": sid,
            "starts_at": shifts[sid].start.isoformat(),
            "label": shifts[sid].label,
            "reasons": r,
        }
        for sid, r in sorted(result.unfilled.items(), key=lambda kv: shifts[kv[0]].start)
    ]
    proposal = AutofillProposal.objects.create(
        planning=planning,
        period_start=start,
        period_end=end,
        items=items,
        unfilled=unfilled,
        figures={
            "seconds": result.seconds,
            "status": result.status,
            "max_gap": result.max_gap,
            "targets": {str(k): v for k, v in result.targets.items()},
            "loads": {str(k): v for k, v in result.loads.items()},
        },
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_write(
        event_type=VacationAudit.AUTOFILL_PROPOSED,
        actor=actor,
        obj=planning,
        params={"proposal": proposal.pk, "items": len(items), "unfilled": len(unfilled)},
    )
    return proposal


@transaction.atomic
def autofill_apply(*, proposal_id: int, actor, rejected_vacation_ids=()) -> dict:
    """Apply a reviewed proposal except the rejected lines. Each line is assigned through the same
    checks as a coordinator's assignment; a line no longer valid (the vacation changed meanwhile,
    a rule now blocks) is skipped and reported. Returns ``{"applied": n, "skipped": [...]}``."""
    from planning.vacations.services.assignment import (
        ensure_member,
        ensure_rules,
        lock_professional,
        locked_vacation,
        set_assignee,
    )

    proposal = AutofillProposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise ApplicationError("Proposition introuvable.", code="not_found")
    if proposal.status != "pending":
        raise ApplicationError("Cette proposition a déjà été appliquée ou rejetée.", code="conflict")
    rejected = {int(v) for v in rejected_vacation_ids}
    applied, skipped = 0, []
    for item in proposal.items:
        if item["vacation_id"] in rejected:
            continue
        try:
            with transaction.atomic():
                lock_professional(item["professional_id"])
                vacation = locked_vacation(item["vacation_id"])
                if vacation.state != VacationState.OPEN:
                    raise ApplicationError("La vacation a changé depuis la proposition.", code="stale")
                ensure_member(vacation=vacation, professional_id=item["professional_id"])
                ensure_rules(vacation=vacation, professional_id=item["professional_id"])
                set_assignee(
                    vacation=vacation,
                    professional_id=item["professional_id"],
                    actor=actor,
                    kind=VacationEventKind.ASSIGNED,
                    audit=VacationAudit.ASSIGNED,
                    note=f"Remplissage automatique (proposition {proposal.pk})",
                )
                applied += 1
        except ApplicationError as exc:
            skipped.append({"vacation_id": item["vacation_id"], "reason": str(exc)})
    proposal.status = "applied"
    proposal.figures = {
        **proposal.figures,
        "applied": applied,
        "skipped": skipped,
        "rejected": sorted(rejected),
    }
    proposal.save(update_fields=["status", "figures"])
    audit_event_write(
        event_type=VacationAudit.AUTOFILL_APPLIED,
        actor=actor,
        obj=proposal.planning,
        params={"proposal": proposal.pk, "applied": applied, "skipped": len(skipped)},
    )
    return {"applied": applied, "skipped": skipped}


@transaction.atomic
def autofill_reject(*, proposal_id: int, actor) -> AutofillProposal:
    proposal = AutofillProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != "pending":
        raise ApplicationError("Cette proposition a déjà été appliquée ou rejetée.", code="conflict")
    proposal.status = "rejected"
    proposal.save(update_fields=["status"])
    return proposal


def now_local_date() -> date:
    return timezone.localdate()

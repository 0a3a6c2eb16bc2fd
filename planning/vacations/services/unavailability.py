"""Unavailability (leave) and closure days (issue 11 §3 and §2; DOMAIN.md §5).

A professional declares their leave (whole Paris days, both included); the coordinator of a
planning they belong to may declare one for them. ``policies.leave_problems`` refuses bad dates
and overlapping leave. A leave over vacations the person already holds is refused, naming them;
the coordinator may confirm it, and those vacations then stay assigned (never silently unassigned:
the coordinator reassigns them). Claims, assignments and the auto-fill read ``Unavailability``
through ``selectors.people_of``, so a new leave blocks them at once.

Closure days (``VacationPlanning.closure_days``) are skipped by generation; vacations already
generated on a day closed afterwards are named, never deleted here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from planning.vacations import selectors
from planning.vacations.events import VacationAudit
from planning.vacations.models import Unavailability, Vacation, VacationPlanning
from planning.vacations.policies import (
    PARIS,
    closure_problems,
    describe_shift,
    leave_conflicts,
    leave_problems,
)
from planning.vacations.services.assignment import lock_professional
from sas_platform.events import audit_event_write
from sas_platform.exceptions import ApplicationError


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Paris midnight of ``start`` to Paris midnight after ``end`` (aware; right across DST)."""
    return (
        datetime.combine(start, time.min, tzinfo=PARIS),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS),
    )


def leave_days(leave: Unavailability) -> tuple[date, date]:
    """The Paris days a stored leave covers (both included)."""
    return (
        timezone.localtime(leave.starts_at, PARIS).date(),
        timezone.localtime(leave.ends_at - timedelta(microseconds=1), PARIS).date(),
    )


@transaction.atomic
def unavailability_declare(
    *,
    professional_id: int,
    start: date,
    end: date,
    actor,
    reason: str = "",
    by_coordinator: bool = False,
    confirm: bool = False,
) -> tuple[Unavailability, list[int]]:
    """Record a leave; returns it and the ids of held vacations it overlaps (only when a
    coordinator confirmed). Raises ``ApplicationError`` (French) and changes nothing otherwise:
    code ``invalid`` (dates), ``conflict`` (a professional holding vacations then) or ``confirm``
    (a coordinator who has not confirmed yet; ``extra["vacations"]`` lists them)."""
    lock_professional(professional_id)  # serialised with claims and assignments of this person
    today = timezone.localdate()
    existing = [leave_days(u) for u in Unavailability.objects.filter(professional_id=professional_id)]
    problems = leave_problems(start=start, end=end, today=today, others=existing)
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid", extra={"problems": problems})
    low, high = day_bounds(start, end)
    held = selectors.shifts_of_people(professional_ids=[professional_id], start=low, end=high)
    conflicts = leave_conflicts(low, high, held.get(professional_id, []))
    ids = [s.id for s in conflicts]
    if conflicts:
        named = " ; ".join(describe_shift(s) for s in conflicts)
        if not by_coordinator:
            raise ApplicationError(
                f"Vous tenez {len(conflicts)} vacation(s) pendant cette indisponibilité : {named}. "
                "Cédez-les ou remettez-les au pot commun d'abord, ou demandez au coordinateur.",
                code="conflict",
                extra={"vacations": ids},
            )
        if not confirm:
            raise ApplicationError(
                f"Ce professionnel tient {len(conflicts)} vacation(s) pendant cette indisponibilité : "
                f"{named}. Confirmez pour l'enregistrer quand même : ces vacations resteront "
                "attribuées et seront à réattribuer.",
                code="confirm",
                extra={"vacations": ids},
            )
    leave = Unavailability.objects.create(
        professional_id=professional_id, starts_at=low, ends_at=high, reason=(reason or "").strip()[:150]
    )
    audit_event_write(
        event_type=VacationAudit.LEAVE_DECLARED,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        obj=leave,
        params={"professional": professional_id, "from": str(start), "to": str(end), "held": ids},
    )
    return leave, ids


@transaction.atomic
def unavailability_delete(*, unavailability_id: int, actor) -> None:
    """Delete a leave that has not started yet (a past or current one is history)."""
    leave = Unavailability.objects.select_for_update().filter(pk=unavailability_id).first()
    if leave is None:
        raise ApplicationError("Indisponibilité introuvable.", code="not_found")
    if leave.starts_at <= timezone.now():
        raise ApplicationError(
            "Seules les indisponibilités à venir peuvent être supprimées.", code="conflict"
        )
    audit_event_write(
        event_type=VacationAudit.LEAVE_DELETED,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        obj=leave,
        params={"professional": leave.professional_id, "from": leave.starts_at.isoformat()},
    )
    leave.delete()


def _locked_planning(planning_id: int) -> VacationPlanning:
    return VacationPlanning.objects.select_for_update().get(pk=planning_id)


@transaction.atomic
def closure_day_add(*, planning_id: int, day: date, actor) -> list[str]:
    """Close the planning on ``day`` (generation skips it). Returns the vacations already
    generated that day (described), which stay as they are: the coordinator cancels them."""
    planning = _locked_planning(planning_id)
    problems = closure_problems(day=day, today=timezone.localdate(), existing=planning.closure_days or [])
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid")
    planning.closure_days = sorted({*(planning.closure_days or []), day.isoformat()})
    planning.save(update_fields=["closure_days"])
    audit_event_write(
        event_type=VacationAudit.CLOSURE_CHANGED, actor=actor, obj=planning, params={"added": str(day)}
    )
    low, high = day_bounds(day, day)
    already = Vacation.objects.filter(planning=planning, starts_at__gte=low, starts_at__lt=high).exclude(
        state="cancelled"
    )
    return [describe_shift(selectors.shift_of(v)) for v in already.select_related("vacation_type")]


@transaction.atomic
def closure_day_remove(*, planning_id: int, day: date, actor) -> None:
    planning = _locked_planning(planning_id)
    if day.isoformat() not in (planning.closure_days or []):
        raise ApplicationError(f"Le {day:%d/%m/%Y} n'est pas un jour de fermeture.", code="invalid")
    planning.closure_days = [d for d in planning.closure_days if d != day.isoformat()]
    planning.save(update_fields=["closure_days"])
    audit_event_write(
        event_type=VacationAudit.CLOSURE_CHANGED, actor=actor, obj=planning, params={"removed": str(day)}
    )


@transaction.atomic
def closure_days_set(*, planning_id: int, days: list[date], actor) -> list[str]:
    """Make ``days`` the planning's closure days (the API's whole-list form of the page's add and
    remove, with the same checks): days kept stay, days removed are removed, days added are
    checked like ``closure_day_add``; the first refusal undoes everything. Returns the vacations
    already generated on the added days (described), which stay as they are."""
    wanted = {d.isoformat(): d for d in days}
    current = set(_locked_planning(planning_id).closure_days or [])
    for raw in sorted(current - set(wanted)):
        closure_day_remove(planning_id=planning_id, day=date.fromisoformat(raw), actor=actor)
    already = []
    for raw in sorted(set(wanted) - current):
        already += closure_day_add(planning_id=planning_id, day=wanted[raw], actor=actor)
    return already

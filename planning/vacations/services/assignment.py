"""Assignment of vacations (issue 11 §4; DOMAIN.md §5 "attribution initiale par l'administrateur ou
par les professionnels eux-mêmes").

Every change runs in one transaction: the vacation row is locked (``select_for_update``), the
rules are checked for the receiver (``planning.vacations.policies`` through
``selectors.problems_for``), the assignment is rewritten, its SAS slots follow, and one history
row plus one audit row are written. Two professionals claiming the same vacation at once: the
second waits for the first's lock, then finds it taken and gets a French message.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations import selectors
from planning.vacations.enums import VacationEventKind, VacationState
from planning.vacations.events import VacationAudit, vacation_history_write
from planning.vacations.models import Vacation
from planning.vacations.services.slots import vacation_slots_sync
from sas_platform.exceptions import ApplicationError


def lock_professional(professional_id: int) -> None:
    """Serialise changes touching one professional (their overlap and caps are checked against
    their other vacations): a transaction-scoped advisory lock on PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [1100, professional_id])


def locked_vacation(vacation_id: int) -> Vacation:
    vacation = (
        Vacation.objects.select_for_update(of=("self",))
        .select_related("planning", "vacation_type")
        .filter(pk=vacation_id)
        .first()
    )
    if vacation is None:
        raise ApplicationError("Vacation introuvable.", code="not_found")
    return vacation


def ensure_rules(*, vacation: Vacation, professional_id: int, ignore_ids=()) -> None:
    problems = selectors.problems_for(
        vacation=vacation, professional_id=professional_id, ignore_ids=ignore_ids
    )
    if problems:
        raise ApplicationError(" ".join(problems), code="rule", extra={"problems": problems})


def ensure_member(*, vacation: Vacation, professional_id: int) -> None:
    on = timezone.localtime(vacation.starts_at).date()
    members = directory.structure_member_ids(structure_id=vacation.planning.structure_id, on=on)
    if professional_id not in members:
        raise ApplicationError(
            "Ce professionnel n'est pas membre de la structure du planning à cette date.", code="rule"
        )


def set_assignee(
    *, vacation: Vacation, professional_id: int | None, actor, kind, audit, note=""
) -> list[str]:
    """Rewrite the assignment (row already locked), its slots and its history; returns the
    references of dossiers booked on slots it no longer offers."""
    before = vacation.assignee_id
    vacation.assignee_id = professional_id
    vacation.state = VacationState.ASSIGNED if professional_id else VacationState.OPEN
    vacation.version += 1
    vacation.save(update_fields=["assignee", "state", "version"])
    concerned = vacation_slots_sync(vacation=vacation)
    vacation_history_write(
        vacation=vacation,
        kind=kind,
        actor=actor,
        audit=audit,
        before=before,
        after=professional_id,
        note=note,
    )
    _notice_on_commit(vacation, [before, professional_id])
    return concerned


def _notice_on_commit(vacation: Vacation, professional_ids, *, moved: bool = False) -> None:
    """After the change is committed, tell the people concerned (only if it was published)."""
    if not vacation.published:
        return
    from planning.vacations.services.notify import change_notice

    transaction.on_commit(
        lambda: change_notice(vacation=vacation, professional_ids=professional_ids, moved=moved)
    )


def _ensure_changeable(vacation: Vacation) -> None:
    if vacation.state in (VacationState.CANCELLED, VacationState.DONE, VacationState.NOT_DONE):
        raise ApplicationError(
            f"Cette vacation est « {vacation.get_state_display().lower()} » : elle ne peut plus changer de titulaire.",
            code="conflict",
        )


@transaction.atomic
def vacation_assign(*, vacation_id: int, professional_id: int, actor, force: bool = False) -> Vacation:
    """The coordinator assigns (or reassigns) a vacation. ``force`` overrides the distribution
    rules (never an overlap: one person cannot be in two places), and is audited as such."""
    lock_professional(professional_id)
    vacation = locked_vacation(vacation_id)
    _ensure_changeable(vacation)
    if vacation.assignee_id == professional_id:
        return vacation
    ensure_member(vacation=vacation, professional_id=professional_id)
    problems = selectors.problems_for(vacation=vacation, professional_id=professional_id)
    blocking = [p for p in problems if not force or p.startswith("Chevauchement")]
    if blocking:
        raise ApplicationError(" ".join(blocking), code="rule", extra={"problems": blocking})
    note = "Attribution forcée : " + " ".join(problems) if problems else ""
    set_assignee(
        vacation=vacation,
        professional_id=professional_id,
        actor=actor,
        kind=VacationEventKind.ASSIGNED,
        audit=VacationAudit.ASSIGNED,
        note=note,
    )
    return vacation


@transaction.atomic
def vacation_unassign(*, vacation_id: int, actor, note: str = "") -> list[str]:
    """The coordinator frees a vacation (e.g. undoes a mistaken take); returns dossiers concerned."""
    vacation = locked_vacation(vacation_id)
    _ensure_changeable(vacation)
    if vacation.assignee_id is None:
        return []
    return set_assignee(
        vacation=vacation,
        professional_id=None,
        actor=actor,
        kind=VacationEventKind.UNASSIGNED,
        audit=VacationAudit.UNASSIGNED,
        note=note,
    )


@transaction.atomic
def vacation_claim(*, vacation_id: int, professional_id: int, actor) -> Vacation:
    """A professional takes an open vacation during the planning's self-assignment window: first
    valid claim wins (the row lock orders the claims; the later ones find it taken)."""
    lock_professional(professional_id)
    vacation = locked_vacation(vacation_id)
    if vacation.state != VacationState.OPEN or vacation.assignee_id is not None:
        raise ApplicationError(
            "Cette vacation vient d'être prise par un autre professionnel.", code="conflict"
        )
    if not vacation.published:
        raise ApplicationError("Cette vacation n'est pas encore publiée.", code="conflict")
    if not vacation.planning.self_assignment_open():
        raise ApplicationError(
            "L'auto-attribution n'est pas ouverte sur ce planning : demandez au coordinateur.", code="closed"
        )
    if vacation.starts_at <= timezone.now():
        raise ApplicationError("Cette vacation a déjà commencé.", code="conflict")
    ensure_member(vacation=vacation, professional_id=professional_id)
    ensure_rules(vacation=vacation, professional_id=professional_id)
    set_assignee(
        vacation=vacation,
        professional_id=professional_id,
        actor=actor,
        kind=VacationEventKind.CLAIMED,
        audit=VacationAudit.CLAIMED,
    )
    return vacation


@transaction.atomic
def vacation_cancel(*, vacation_id: int, actor, reason: str = "") -> list[str]:
    """Cancel a vacation: its free slots leave the search; returns the dossiers already booked on
    it (the coordinator must re-orient them)."""
    vacation = locked_vacation(vacation_id)
    if vacation.state in (VacationState.DONE, VacationState.NOT_DONE):
        raise ApplicationError(
            "Cette vacation est déjà confirmée : elle ne peut pas être annulée.", code="conflict"
        )
    if vacation.state == VacationState.CANCELLED:
        return []
    before = vacation.assignee_id
    vacation.state = VacationState.CANCELLED
    vacation.version += 1
    vacation.save(update_fields=["state", "version"])
    concerned = vacation_slots_sync(vacation=vacation)
    vacation_history_write(
        vacation=vacation,
        kind=VacationEventKind.CANCELLED,
        actor=actor,
        audit=VacationAudit.CANCELLED,
        before=before,
        note=reason,
    )
    _notice_on_commit(vacation, [before])
    from planning.vacations.models import TransferRequest

    TransferRequest.objects.filter(vacation=vacation, status__in=["pending", "awaiting_approval"]).update(
        status="cancelled", decided_at=timezone.now()
    )
    return concerned


@transaction.atomic
def vacation_move(*, vacation_id: int, starts_at, ends_at, actor) -> list[str]:
    """Move a vacation in time; the assignee's rules are checked again; its slots follow."""
    vacation = locked_vacation(vacation_id)
    _ensure_changeable(vacation)
    if ends_at <= starts_at:
        raise ApplicationError("La fin doit suivre le début.", code="invalid")
    vacation.starts_at, vacation.ends_at = starts_at, ends_at
    if vacation.assignee_id:
        lock_professional(vacation.assignee_id)
        ensure_rules(vacation=vacation, professional_id=vacation.assignee_id)
    vacation.version += 1
    vacation.save(update_fields=["starts_at", "ends_at", "version"])
    concerned = vacation_slots_sync(vacation=vacation)
    vacation_history_write(
        vacation=vacation, kind=VacationEventKind.MOVED, actor=actor, audit=VacationAudit.MOVED
    )
    _notice_on_commit(vacation, [vacation.assignee_id], moved=True)
    return concerned

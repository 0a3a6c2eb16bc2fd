"""Daily changes by professionals (issue 11 §5; DOMAIN.md §5): one request model for cession
(give to a named colleague, who accepts), échange (swap two vacations, both accept: the request's
creator by creating it, the other by accepting) and remise au pot commun (release to the pool; any
eligible member claims it; first valid claim wins).

Per planning: optional coordinator approval, and a deadline before the vacation (after it, only
the coordinator acts). Rules are checked for the receiver when the request is taken and again when
approved. The assignment is rewritten in one transaction with history and audit rows.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from planning.vacations.enums import TransferKind, TransferStatus, VacationEventKind, VacationState
from planning.vacations.events import VacationAudit
from planning.vacations.models import TransferRequest, Vacation
from planning.vacations.services.assignment import (
    ensure_member,
    ensure_rules,
    lock_professional,
    locked_vacation,
    set_assignee,
)
from sas_platform.events import audit_event_write
from sas_platform.exceptions import ApplicationError


def _deadline(vacation: Vacation) -> timedelta:
    return vacation.starts_at - timedelta(hours=vacation.planning.change_deadline_hours)


@transaction.atomic
def transfer_create(
    *,
    vacation_id: int,
    kind: str,
    from_professional_id: int,
    actor,
    to_professional_id: int | None = None,
    counter_vacation_id: int | None = None,
    message: str = "",
    by_coordinator: bool = False,
) -> TransferRequest:
    """Open a request on the giver's vacation (a coordinator may act for the professional)."""
    vacation = locked_vacation(vacation_id)
    if vacation.assignee_id != from_professional_id or vacation.state != VacationState.ASSIGNED:
        raise ApplicationError(
            "Seul le titulaire d'une vacation attribuée peut la céder ou l'échanger.", code="rule"
        )
    deadline = _deadline(vacation)
    if timezone.now() >= deadline and not by_coordinator:
        raise ApplicationError(
            f"Trop tard : les changements se font au plus tard {vacation.planning.change_deadline_hours} h "
            "avant la vacation. Contactez le coordinateur.",
            code="closed",
        )
    counter = None
    if kind == TransferKind.EXCHANGE:
        if not counter_vacation_id:
            raise ApplicationError("Choisissez la vacation à recevoir en échange.", code="invalid")
        counter = locked_vacation(counter_vacation_id)
        if counter.state != VacationState.ASSIGNED or counter.assignee_id is None:
            raise ApplicationError("La vacation demandée en échange n'est pas attribuée.", code="rule")
        if counter.assignee_id == from_professional_id:
            raise ApplicationError("Vous ne pouvez pas échanger avec vous-même.", code="invalid")
        to_professional_id = counter.assignee_id
    elif kind == TransferKind.CESSION:
        if not to_professional_id or to_professional_id == from_professional_id:
            raise ApplicationError("Choisissez le confrère à qui céder la vacation.", code="invalid")
        ensure_member(vacation=vacation, professional_id=to_professional_id)
    elif kind == TransferKind.POOL:
        to_professional_id = None
    else:
        raise ApplicationError("Type de demande inconnu.", code="invalid")
    try:
        with transaction.atomic():
            request = TransferRequest.objects.create(
                kind=kind,
                vacation=vacation,
                counter_vacation=counter,
                from_professional_id=from_professional_id,
                to_professional_id=to_professional_id,
                requires_approval=vacation.planning.requires_approval,
                deadline=deadline if deadline > timezone.now() else vacation.starts_at,
                message=message[:300],
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                vacation_version=vacation.version,
                counter_version=counter.version if counter else 0,
            )
    except IntegrityError as exc:
        raise ApplicationError("Une demande est déjà en cours sur cette vacation.", code="conflict") from exc
    audit_event_write(
        event_type=VacationAudit.TRANSFER_CREATED, actor=actor, obj=request, params={"kind": kind}
    )
    if to_professional_id and vacation.published:
        from planning.vacations.services.notify import request_notice

        transaction.on_commit(lambda: request_notice(request_id=request.pk))
    return request


def _locked_request(request_id: int) -> TransferRequest:
    request = TransferRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise ApplicationError("Demande introuvable.", code="not_found")
    return request


def _ensure_open(request: TransferRequest, *, by_coordinator: bool = False) -> None:
    if request.status not in (TransferStatus.PENDING, TransferStatus.AWAITING_APPROVAL):
        raise ApplicationError(
            f"Cette demande n'est plus ouverte (« {request.get_status_display().lower()} »).", code="conflict"
        )
    if timezone.now() >= request.deadline and not by_coordinator:
        raise ApplicationError(
            "Cette demande a expiré : seul le coordinateur peut encore agir.", code="expired"
        )


def _apply(request: TransferRequest, *, taker_id: int, actor) -> None:
    """Rewrite the assignment(s) of an accepted (and approved) request; rules checked again."""
    ids = [request.vacation_id] + ([request.counter_vacation_id] if request.counter_vacation_id else [])
    for pk in sorted({taker_id, request.from_professional_id}):
        lock_professional(pk)
    vacations = {pk: locked_vacation(pk) for pk in sorted(ids)}
    vacation = vacations[request.vacation_id]
    if vacation.version != request.vacation_version or vacation.assignee_id != request.from_professional_id:
        raise ApplicationError(
            "La vacation a changé depuis la demande : elle ne peut plus être acceptée.", code="stale"
        )
    ensure_member(vacation=vacation, professional_id=taker_id)
    if request.kind == TransferKind.EXCHANGE:
        counter = vacations[request.counter_vacation_id]
        if counter.version != request.counter_version or counter.assignee_id != taker_id:
            raise ApplicationError(
                "L'autre vacation de l'échange a changé entre-temps : l'échange est impossible.", code="stale"
            )
        ensure_rules(vacation=vacation, professional_id=taker_id, ignore_ids=[counter.pk])
        ensure_rules(vacation=counter, professional_id=request.from_professional_id, ignore_ids=[vacation.pk])
        set_assignee(
            vacation=counter,
            professional_id=request.from_professional_id,
            actor=actor,
            kind=VacationEventKind.TRANSFERRED,
            audit=VacationAudit.TRANSFER_DECIDED,
            note=f"Échange (demande {request.pk})",
        )
    else:
        ensure_rules(vacation=vacation, professional_id=taker_id)
    label = {"cession": "Cession", "exchange": "Échange", "pool": "Pot commun"}[request.kind]
    set_assignee(
        vacation=vacation,
        professional_id=taker_id,
        actor=actor,
        kind=VacationEventKind.TRANSFERRED,
        audit=VacationAudit.TRANSFER_DECIDED,
        note=f"{label} (demande {request.pk})",
    )


def _close(request: TransferRequest, status: str, actor, taker_id=None) -> TransferRequest:
    request.status = status
    request.taken_by_id = taker_id or request.taken_by_id
    request.decided_at = timezone.now()
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.save(update_fields=["status", "taken_by", "decided_at", "decided_by"])
    audit_event_write(
        event_type=VacationAudit.TRANSFER_DECIDED, actor=actor, obj=request, params={"status": status}
    )
    return request


@transaction.atomic
def transfer_accept(
    *, request_id: int, professional_id: int, actor, by_coordinator: bool = False
) -> TransferRequest:
    """The named colleague accepts a cession or an échange, or an eligible member claims a pool
    vacation (first valid claim wins: the request row is locked, later takers find it closed)."""
    request = _locked_request(request_id)
    _ensure_open(request, by_coordinator=by_coordinator)
    if request.status == TransferStatus.AWAITING_APPROVAL:
        raise ApplicationError(
            "Cette demande a déjà été acceptée et attend la validation du coordinateur.", code="conflict"
        )
    if request.kind == TransferKind.POOL:
        if professional_id == request.from_professional_id:
            raise ApplicationError(
                "Vous ne pouvez pas reprendre votre propre vacation au pot commun : annulez la demande.",
                code="invalid",
            )
    elif professional_id != request.to_professional_id:
        raise ApplicationError("Cette demande est adressée à un autre professionnel.", code="forbidden")
    if request.requires_approval and not by_coordinator:
        # Check the rules now (the receiver must be able to take it), apply at approval.
        vacation = Vacation.objects.select_related("planning", "vacation_type").get(pk=request.vacation_id)
        ensure_member(vacation=vacation, professional_id=professional_id)
        ignore = [request.counter_vacation_id] if request.counter_vacation_id else []
        ensure_rules(vacation=vacation, professional_id=professional_id, ignore_ids=ignore)
        from planning.vacations.services.notify import approval_notice

        transaction.on_commit(lambda: approval_notice(request_id=request_id))
        return _close(request, TransferStatus.AWAITING_APPROVAL, actor, taker_id=professional_id)
    _apply(request, taker_id=professional_id, actor=actor)
    return _close(request, TransferStatus.DONE, actor, taker_id=professional_id)


@transaction.atomic
def transfer_approve(*, request_id: int, actor) -> TransferRequest:
    """The coordinator approves an accepted request: rules checked again, assignment rewritten."""
    request = _locked_request(request_id)
    if request.status != TransferStatus.AWAITING_APPROVAL:
        raise ApplicationError("Cette demande n'attend pas de validation.", code="conflict")
    _apply(request, taker_id=request.taken_by_id, actor=actor)
    return _close(request, TransferStatus.DONE, actor)


@transaction.atomic
def transfer_refuse(
    *, request_id: int, professional_id: int | None, actor, by_coordinator: bool = False
) -> TransferRequest:
    """The named colleague (or the coordinator) refuses."""
    request = _locked_request(request_id)
    _ensure_open(request, by_coordinator=True)
    if not by_coordinator and professional_id != request.to_professional_id:
        raise ApplicationError("Seul le destinataire peut refuser cette demande.", code="forbidden")
    return _close(request, TransferStatus.REFUSED, actor)


@transaction.atomic
def transfer_cancel(
    *, request_id: int, professional_id: int | None, actor, by_coordinator: bool = False
) -> TransferRequest:
    """The giver (or the coordinator) withdraws the request."""
    request = _locked_request(request_id)
    _ensure_open(request, by_coordinator=True)
    if not by_coordinator and professional_id != request.from_professional_id:
        raise ApplicationError("Seul l'auteur de la demande peut l'annuler.", code="forbidden")
    return _close(request, TransferStatus.CANCELLED, actor)


def transfers_expire(*, now=None) -> int:
    """Mark requests past their deadline expired (periodic; idempotent)."""
    now = now or timezone.now()
    return TransferRequest.objects.filter(
        status__in=[TransferStatus.PENDING, TransferStatus.AWAITING_APPROVAL], deadline__lte=now
    ).update(status=TransferStatus.EXPIRED, decided_at=now)

"""The workflow of a bordereau (DOMAIN.md §7.5; issue 12): validated by the ARS (or sent back with a
reason), exported by the CPAM and locked, paid. Each step checks the actor, is atomic and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from remuneration.enums import EDITABLE_STATUSES, BordereauStatus, ExportFormat
from remuneration.events import RemunerationEvent, remuneration_event_write
from remuneration.exceptions import BordereauLockedError, BordereauStateError
from remuneration.models import Bordereau, BordereauExport
from remuneration.permissions import can_pay_bordereau, can_validate_bordereau
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError


def _load(bordereau_id: int) -> Bordereau:
    bordereau = Bordereau.objects.select_for_update().filter(pk=bordereau_id).first()
    if bordereau is None:
        raise NotFoundError("Bordereau introuvable.", code="bordereau_not_found")
    return bordereau


def _deny(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message)


@transaction.atomic
def bordereau_validate(*, actor, bordereau_id: int) -> Bordereau:
    """The ARS agent of the territory validates a draft without blocking anomaly."""
    bordereau = _load(bordereau_id)
    if not can_validate_bordereau(actor, bordereau):
        raise _deny("Seul un agent de l'ARS du territoire peut valider ce bordereau.")
    if bordereau.status not in EDITABLE_STATUSES:
        raise BordereauStateError(
            f"Bordereau {bordereau.get_status_display().lower()} : validation impossible."
        )
    blocking = [a for a in bordereau.anomalies if a.get("blocking", True)]
    if blocking:
        raise BordereauStateError(
            f"{len(blocking)} anomalie(s) à corriger par l'administrateur du SAS avant validation.",
            extra={"anomalies": blocking},
        )
    bordereau.status = BordereauStatus.VALIDATED
    bordereau.validated_at, bordereau.validated_by = timezone.now(), actor
    bordereau.save(update_fields=["status", "validated_at", "validated_by"])
    remuneration_event_write(event_type=RemunerationEvent.BORDEREAU_VALIDATED, actor=actor, obj=bordereau)
    return bordereau


@transaction.atomic
def bordereau_send_back(*, actor, bordereau_id: int, reason: str) -> Bordereau:
    bordereau = _load(bordereau_id)
    if not can_validate_bordereau(actor, bordereau):
        raise _deny("Seul un agent de l'ARS du territoire peut renvoyer ce bordereau.")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Indiquez le motif du renvoi.",
            code="reason_required",
            extra={"fields": {"reason": ["Obligatoire."]}},
        )
    if bordereau.status not in (BordereauStatus.DRAFT, BordereauStatus.VALIDATED):
        raise BordereauStateError(f"Bordereau {bordereau.get_status_display().lower()} : renvoi impossible.")
    bordereau.status = BordereauStatus.SENT_BACK
    bordereau.sent_back_at, bordereau.sent_back_by, bordereau.sent_back_reason = (
        timezone.now(),
        actor,
        reason[:500],
    )
    bordereau.validated_at = bordereau.validated_by = None
    bordereau.save(
        update_fields=[
            "status",
            "sent_back_at",
            "sent_back_by",
            "sent_back_reason",
            "validated_at",
            "validated_by",
        ]
    )
    remuneration_event_write(
        event_type=RemunerationEvent.BORDEREAU_SENT_BACK,
        actor=actor,
        obj=bordereau,
        params={"reason": reason[:200]},
    )
    return bordereau


@transaction.atomic
def bordereau_lock(*, actor, bordereau_id: int) -> Bordereau:
    """The CPAM agent exports a validated bordereau: the three files are rendered once, stored with
    their SHA-256, and the bordereau is locked (database triggers keep it so)."""
    from remuneration.exports import render_export

    bordereau = _load(bordereau_id)
    if not can_pay_bordereau(actor, bordereau):
        raise _deny("Seul un agent de la CPAM du territoire peut exporter et verrouiller ce bordereau.")
    if bordereau.is_locked:
        raise BordereauLockedError("Ce bordereau est déjà exporté et verrouillé.")
    if bordereau.status != BordereauStatus.VALIDATED:
        raise BordereauStateError("Le bordereau doit d'abord être validé par l'ARS.")
    now = timezone.now()
    bordereau.status, bordereau.locked_at, bordereau.locked_by = BordereauStatus.LOCKED, now, actor
    for fmt in ExportFormat:
        rendered = render_export(bordereau, fmt)
        BordereauExport.objects.create(
            bordereau=bordereau,
            format=fmt,
            filename=rendered.filename,
            content=rendered.content,
            sha256=rendered.sha256,
            created_at=now,
        )
    bordereau.save(update_fields=["status", "locked_at", "locked_by"])
    remuneration_event_write(
        event_type=RemunerationEvent.BORDEREAU_LOCKED,
        actor=actor,
        obj=bordereau,
        params={"sha256": {e.format: e.sha256 for e in bordereau.exports.all()}},
    )
    return bordereau


@transaction.atomic
def bordereau_mark_paid(*, actor, bordereau_id: int) -> Bordereau:
    bordereau = _load(bordereau_id)
    if not can_pay_bordereau(actor, bordereau):
        raise _deny("Seul un agent de la CPAM du territoire peut enregistrer le paiement.")
    if bordereau.status != BordereauStatus.LOCKED:
        raise BordereauStateError("Seul un bordereau exporté et verrouillé peut être marqué payé.")
    bordereau.status, bordereau.paid_at, bordereau.paid_by = BordereauStatus.PAID, timezone.now(), actor
    bordereau.save(update_fields=["status", "paid_at", "paid_by"])
    remuneration_event_write(event_type=RemunerationEvent.BORDEREAU_PAID, actor=actor, obj=bordereau)
    return bordereau

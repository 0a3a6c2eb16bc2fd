"""Audit event types of the vacation planning (values ``planning.<event>``), written beside each
vacation's own history (``VacationEvent``)."""

from __future__ import annotations

from django.db import models

from planning.vacations.enums import VacationEventKind
from planning.vacations.models import Vacation, VacationEvent
from sas_platform.events import audit_event_write


class VacationAudit(models.TextChoices):
    PLANNING_CREATED = "planning.vacation_planning_created", "Planning de vacations créé"
    GENERATED = "planning.vacations_generated", "Vacations générées"
    ASSIGNED = "planning.vacation_assigned", "Vacation attribuée"
    UNASSIGNED = "planning.vacation_unassigned", "Vacation libérée"
    CLAIMED = "planning.vacation_claimed", "Vacation prise"
    CANCELLED = "planning.vacation_cancelled", "Vacation annulée"
    MOVED = "planning.vacation_moved", "Vacation déplacée"
    CONFIRMED = "planning.vacation_confirmed", "Vacation confirmée (effectuée ou non)"
    TRANSFER_CREATED = "planning.transfer_created", "Demande de changement créée"
    TRANSFER_DECIDED = "planning.transfer_decided", "Demande de changement tranchée"
    AUTOFILL_PROPOSED = "planning.autofill_proposed", "Remplissage automatique proposé"
    AUTOFILL_APPLIED = "planning.autofill_applied", "Remplissage automatique appliqué"
    TOKEN_CHANGED = "planning.calendar_token_changed", "Jeton de calendrier créé ou révoqué"
    LEAVE_DECLARED = "planning.unavailability_declared", "Indisponibilité déclarée"
    LEAVE_DELETED = "planning.unavailability_deleted", "Indisponibilité supprimée"
    CLOSURE_CHANGED = "planning.closure_days_changed", "Jours de fermeture modifiés"
    NOTIFICATIONS_SET = "planning.vacation_notifications_set", "Rappels et relances d'un planning modifiés"


def vacation_history_write(
    *,
    vacation: Vacation,
    kind: VacationEventKind,
    actor,
    audit: VacationAudit,
    before=None,
    after=None,
    note="",
) -> VacationEvent:
    """One row of the vacation's history and one of the platform's audit trail (inside the
    service's transaction)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = VacationEvent.objects.create(
        vacation=vacation,
        kind=kind,
        actor=user,
        from_professional_id=before,
        to_professional_id=after,
        note=note[:300],
    )
    audit_event_write(
        event_type=audit,
        actor=user,
        obj=vacation,
        params={"from": before, "to": after, "note": note[:200]} if (before or after or note) else None,
    )
    return event

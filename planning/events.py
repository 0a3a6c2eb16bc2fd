"""Audit event types and writers of `planning` (values ``planning.<event>``)."""

from __future__ import annotations

from typing import Any

from django.db import models

from sas_platform.events import audit_event_write


class PlanningEvent(models.TextChoices):
    SOURCE_CREATED = "planning.source_created", "Source d'agenda créée"
    FHIR_ACCESS_GRANTED = "planning.fhir_access_granted", "Accès FHIR Slot donné"
    SOURCE_RUN_REQUESTED = "planning.source_run_requested", "Interrogation d'une source demandée"
    SLOT_HELD = "planning.slot_held", "Créneau réservé temporairement"
    SLOT_RELEASED = "planning.slot_released", "Créneau libéré"
    SLOT_BOOKED = "planning.slot_booked", "Créneau pris"
    SLOT_CANCELLED = "planning.slot_cancelled", "Rendez-vous annulé sur un créneau"
    AVAILABILITY_DECLARED = "planning.availability_declared", "Disponibilité déclarée"
    AVAILABILITY_CHANGED = "planning.availability_changed", "Disponibilité modifiée"
    AVAILABILITY_REMOVED = "planning.availability_removed", "Disponibilité retirée"


def planning_event_write(
    *, event_type: PlanningEvent, actor, obj: models.Model | None = None, params: dict[str, Any] | None = None
):
    """Write one audit row (call inside the service's transaction)."""
    return audit_event_write(event_type=event_type, actor=actor, obj=obj, params=params)

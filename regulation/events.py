"""Audit event types and writers of `regulation` (values ``regulation.<event>``).

Every change of a dossier, and of the bookings and requests made for it, is written on the
dossier itself: the dossier's timeline is its audit trail (DOMAIN.md §3.1 step 4, §8).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from sas_platform.events import audit_event_write


class RegulationEvent(models.TextChoices):
    DOSSIER_OPENED = "regulation.dossier_opened", "Dossier ouvert"
    DOSSIER_UPDATED = "regulation.dossier_updated", "Dossier complété"
    ROUTED_AMU = "regulation.routed_amu", "Orienté vers l'AMU"
    ROUTED_GENERAL_PRACTICE = "regulation.routed_general_practice", "Orienté vers la médecine générale"
    DECIDED = "regulation.decided", "Décision du régulateur"
    ORIENTATION_STARTED = "regulation.orientation_started", "Orientation commencée"
    TREATING_DOCTOR_CALLED = "regulation.treating_doctor_called", "Médecin traitant appelé"
    SLOT_BOOKED = "regulation.slot_booked", "RDV pris sur un créneau"
    SLOT_BOOKING_REFUSED = "regulation.slot_booking_refused", "Créneau déjà pris"
    SLOT_HELD = "regulation.slot_held", "Créneau d'éditeur retenu"
    SLOT_HOLD_RELEASED = "regulation.slot_hold_released", "Créneau retenu libéré"
    SLOT_HOLD_EXPIRED = "regulation.slot_hold_expired", "Retenue de créneau expirée"
    APPOINTMENT_FEEDBACK = "regulation.appointment_feedback", "Retour de l'éditeur (RDV)"
    SURNUMERAIRE_ASKED = "regulation.surnumeraire_asked", "Demande en surnuméraire"
    SURNUMERAIRE_ANSWERED = "regulation.surnumeraire_answered", "Réponse à une demande en surnuméraire"
    SURNUMERAIRE_REMINDED = "regulation.surnumeraire_reminded", "Relance d'une demande en surnuméraire"
    ORIENTED = "regulation.oriented", "Patient orienté"
    ORIENTATION_REOPENED = "regulation.orientation_reopened", "Orientation reprise"
    CLOSED_WITHOUT_APPOINTMENT = "regulation.closed_without_appointment", "Clos sans rendez-vous"
    OUTCOME_RECORDED = "regulation.outcome_recorded", "Issue du rendez-vous"
    CLOSED = "regulation.closed", "Dossier clos"
    CLAIMED = "regulation.claimed", "Pris en charge"
    RELEASED = "regulation.released", "Relâché"
    TAKEN_OVER = "regulation.taken_over", "Repris d'un collègue"
    SHIFT_STARTED = "regulation.shift_started", "Prise de garde"
    SHIFT_ENDED = "regulation.shift_ended", "Fin de garde"
    SHIFT_SCHEDULED = "regulation.shift_scheduled", "Garde saisie au planning"
    SHIFT_CORRECTED = "regulation.shift_corrected", "Garde corrigée"
    SHIFT_CANCELLED = "regulation.shift_cancelled", "Garde annulée"
    ACT_FACT_CORRECTED = "regulation.act_fact_corrected", "Fait d'acte corrigé (rémunération)"


EVENT_LABELS = dict(RegulationEvent.choices)


def dossier_event_write(*, event_type: RegulationEvent, actor, dossier, params: dict[str, Any] | None = None):
    """One step of the dossier's timeline (actor, time, type, parameters without patient identity)."""
    return audit_event_write(event_type=event_type, actor=actor, obj=dossier, params=params or {})


def shift_event_write(*, event_type: RegulationEvent, actor, shift, params: dict[str, Any] | None = None):
    """One step of a regulator's shift (start, end, schedule entry, correction, cancellation)."""
    return audit_event_write(event_type=event_type, actor=actor, obj=shift, params=params or {})

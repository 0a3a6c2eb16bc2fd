"""Write services of `regulation`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9).

Every change of a dossier goes through :func:`transition_apply` (the state machine of ``policies``) under a
row lock, and writes its audit event in the same transaction. Someone else holding the
dossier (claim) makes every change fail with a clear message (nobody works a dossier unknowingly).
"""

import logging

from regulation.services.bookings import (
    FHIR_STATUS,
    appointment_feedback_record,
    booking_hold_release,
    booking_outcome_record,
    editor_redirect_url,
    holds_expire,
    slot_book_platform,
    slot_hold_editor,
)
from regulation.services.closing import (
    dossier_orientation_close,
    dossier_orientation_reopen,
    dossiers_auto_close,
)
from regulation.services.dossiers import (
    OPEN_FIELDS,
    dossier_claim,
    dossier_decide,
    dossier_open,
    dossier_release,
    dossier_route,
)
from regulation.services.facts import act_fact_correct
from regulation.services.orientation import treating_doctor_call_record
from regulation.services.shifts import shift_correct, shift_end, shift_schedule, shift_start
from regulation.services.surnumeraire import (
    surnumeraire_reminders_send,
    surnumeraire_request_answer,
    surnumeraire_request_create,
)
from regulation.services.workflow import setting

logger = logging.getLogger(__name__)

__all__ = [
    "FHIR_STATUS",
    "OPEN_FIELDS",
    "act_fact_correct",
    "appointment_feedback_record",
    "booking_hold_release",
    "booking_outcome_record",
    "dossier_claim",
    "dossier_decide",
    "dossier_open",
    "dossier_orientation_close",
    "dossier_orientation_reopen",
    "dossier_release",
    "dossier_route",
    "dossiers_auto_close",
    "editor_redirect_url",
    "holds_expire",
    "setting",
    "shift_correct",
    "shift_end",
    "shift_schedule",
    "shift_start",
    "slot_book_platform",
    "slot_hold_editor",
    "surnumeraire_reminders_send",
    "surnumeraire_request_answer",
    "surnumeraire_request_create",
    "treating_doctor_call_record",
]

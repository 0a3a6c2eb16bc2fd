"""Pages of `regulation` (DSFR + HTMX): thin views calling services and selectors.

Every page showing a dossier's patient data reads it through ``selectors.dossier_read`` (the
read is logged); refusals (403/404) happen before anything is written.
"""

from __future__ import annotations

from regulation.web.views._common import page_for
from regulation.web.views.dossiers import (
    decision,
    dossier_claim,
    dossier_detail,
    dossier_release,
    dossier_route,
)
from regulation.web.views.orientation_pages import (
    booking_outcome,
    orientation,
    orientation_book,
    orientation_close,
    orientation_hold,
    orientation_hold_release,
    orientation_results,
    orientation_surnumeraire,
    orientation_treating_doctor,
)
from regulation.web.views.pickup import pickup
from regulation.web.views.queue_pages import queue, queue_rows
from regulation.web.views.surnumeraire import request_answer, structure_requests

__all__ = [
    "booking_outcome",
    "decision",
    "dossier_claim",
    "dossier_detail",
    "dossier_release",
    "dossier_route",
    "orientation",
    "orientation_book",
    "orientation_close",
    "orientation_hold",
    "orientation_hold_release",
    "orientation_results",
    "orientation_surnumeraire",
    "orientation_treating_doctor",
    "page_for",
    "pickup",
    "queue",
    "queue_rows",
    "request_answer",
    "structure_requests",
]

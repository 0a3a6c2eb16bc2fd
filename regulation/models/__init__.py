"""Models of `regulation` (THE CALL): dossiers, bookings, surnuméraire requests, PDSA calendars.

A dossier's history is the audit trail itself (``sas_platform.AuditEvent`` rows on the dossier,
written by the services in the same transaction as each change): the timeline is read from it.
"""

from __future__ import annotations

from regulation.models.bookings import Booking
from regulation.models.calendars import PdsaCalendar
from regulation.models.dossiers import REFERENCE_PREFIX, Dossier
from regulation.models.facts import ActFact
from regulation.models.shifts import RegulatorShift
from regulation.models.surnumeraire import SurnumeraireRequest

__all__ = [
    "REFERENCE_PREFIX",
    "ActFact",
    "Booking",
    "Dossier",
    "PdsaCalendar",
    "RegulatorShift",
    "SurnumeraireRequest",
]

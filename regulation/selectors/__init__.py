"""Read selectors of `regulation`, scoped by territory (STYLE.md 10).

Reading a dossier's patient data goes through :func:`dossier_read`, which logs the read
(DOMAIN.md §8). The queue shows no patient identity (reference, priority, commune, age, waiting
time, who holds it), so listing it is not a read of patient data.

A package by theme: ``hours`` (PDSA calendar, SAS or PDSA hours), ``dossiers`` (queue, reads,
timeline, the territory of a new dossier), ``surnumeraire`` (candidates, requests, the target of a
request), ``shifts`` (regulators' shifts).
"""

from __future__ import annotations

from regulation.selectors.dossiers import (
    TimelineEntry,
    dossier_bookings,
    dossier_read,
    dossier_requests,
    dossier_territory_for,
    dossier_timeline,
    dossiers_for_user,
    open_dossier_count,
    queue_for_user,
    recent_for_user,
)
from regulation.selectors.facts import (
    ActFactCorrection,
    act_fact_corrections,
    act_fact_get,
    act_facts_of_dossier,
    act_facts_of_month,
)
from regulation.selectors.hours import (
    HoursStatus,
    hours_status,
    pdsa_schedule_for,
    pdsa_schedule_of,
)
from regulation.selectors.shifts import (
    ShiftTotal,
    month_bounds,
    regulators_of,
    shift_history,
    shift_open_for,
    shift_totals_of_month,
    shifts_of_month,
    shifts_visible_to,
)
from regulation.selectors.surnumeraire import (
    SurnumeraireCandidate,
    last_asked_at,
    structure_requests,
    surnumeraire_candidates,
    surnumeraire_requests_for_user,
    surnumeraire_target,
)

__all__ = [
    "ActFactCorrection",
    "HoursStatus",
    "ShiftTotal",
    "SurnumeraireCandidate",
    "TimelineEntry",
    "act_fact_corrections",
    "act_fact_get",
    "act_facts_of_dossier",
    "act_facts_of_month",
    "dossier_bookings",
    "dossier_read",
    "dossier_requests",
    "dossier_territory_for",
    "dossier_timeline",
    "dossiers_for_user",
    "hours_status",
    "last_asked_at",
    "month_bounds",
    "open_dossier_count",
    "pdsa_schedule_for",
    "pdsa_schedule_of",
    "queue_for_user",
    "recent_for_user",
    "regulators_of",
    "shift_history",
    "shift_open_for",
    "shift_totals_of_month",
    "shifts_of_month",
    "shifts_visible_to",
    "structure_requests",
    "surnumeraire_candidates",
    "surnumeraire_requests_for_user",
    "surnumeraire_target",
]

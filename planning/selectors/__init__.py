"""Read selectors of `planning`, scoped by territory (STYLE.md 10).

The 48 h search (DOMAIN.md §3.2): neutral ranking, soonest start, then nearest, then fair rotation
between professionals; default radius and widening per département; explained to the regulator.

A package split by theme (STYLE.md: past ~400 lines); everything importable from
``planning.selectors`` before stays importable here (except the per-process cache itself, which
lives in ``source_cache``). Submodules: ``search`` (the 48 h search), ``candidates`` (its SQL),
``ranking`` (the search's ranking and explanation, pure functions), ``source_cache``, ``slots``
(appointment feedback), ``declared``, ``sources``, ``fhir``; ``vacation_facts`` (done CPTS vacations,
read by ``remuneration``) lives in ``planning.vacations.facts``.
"""

from __future__ import annotations

from planning.selectors.candidates import (
    CANDIDATES_SQL,
    KM_PER_DEGREE,
    ROTATION_DAYS,
    SLOT_COLUMNS,
    candidate_rows,
    candidates_queryset,
    candidates_sql,
    slot_from_row,
)
from planning.selectors.declared import (
    TWO_HOURS,
    availability_occurrences,
    declared_availabilities_of,
    declared_hours,
    declared_hours_by_professional,
    declared_hours_per_week,
    interfaced_rpps,
    meets_two_hours_rule,
    week_bounds,
)
from planning.selectors.fhir import (
    fhir_client_certificate_find,
    fhir_consumer_authenticate,
    owned_slots_for_fhir,
)
from planning.selectors.ranking import (
    MAX_RADIUS_KM,
    MIN_RESULTS,
    WEEKDAYS_SHORT,
    modality_masks_for,
    rank,
    rank_reason,
    rotation_salt,
    search_input_validate,
)
from planning.selectors.search import (
    DECLARED_SOURCE_NAME,
    MAX_WINDOW,
    SlotSearchResult,
    commune_nearest,
    slots_search,
)
from planning.selectors.slots import (
    agenda_source_authenticate,
    slot_find_for_appointment,
    slot_last_seen_at,
)
from planning.selectors.source_cache import (
    excluded_source_ids,
    sources_cache_clear,
    sources_metadata,
)
from planning.selectors.sources import (
    source_last_runs,
    source_runs_of,
    sources_visible_to,
)
from planning.selectors.structure_rule import StructureRule, structure_rule, week_verdict
from planning.selectors.vacation_totals import VacationTotals, vacation_totals_by_structure
from planning.vacations.facts import VacationFact, vacation_facts

__all__ = [
    "CANDIDATES_SQL",
    "DECLARED_SOURCE_NAME",
    "KM_PER_DEGREE",
    "MAX_RADIUS_KM",
    "MAX_WINDOW",
    "MIN_RESULTS",
    "ROTATION_DAYS",
    "SLOT_COLUMNS",
    "TWO_HOURS",
    "WEEKDAYS_SHORT",
    "SlotSearchResult",
    "StructureRule",
    "VacationFact",
    "VacationTotals",
    "agenda_source_authenticate",
    "availability_occurrences",
    "candidate_rows",
    "candidates_queryset",
    "candidates_sql",
    "commune_nearest",
    "declared_availabilities_of",
    "declared_hours",
    "declared_hours_by_professional",
    "declared_hours_per_week",
    "excluded_source_ids",
    "fhir_client_certificate_find",
    "fhir_consumer_authenticate",
    "interfaced_rpps",
    "meets_two_hours_rule",
    "modality_masks_for",
    "owned_slots_for_fhir",
    "rank",
    "rank_reason",
    "rotation_salt",
    "search_input_validate",
    "slot_find_for_appointment",
    "slot_from_row",
    "slot_last_seen_at",
    "slots_search",
    "source_last_runs",
    "source_runs_of",
    "sources_cache_clear",
    "sources_metadata",
    "sources_visible_to",
    "structure_rule",
    "vacation_facts",
    "vacation_totals_by_structure",
    "week_bounds",
    "week_verdict",
]

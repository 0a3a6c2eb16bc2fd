"""Read selectors of `planning`, scoped by territory (STYLE.md 10).

The 48 h search (DOMAIN.md §3.2): neutral ranking, soonest start, then nearest, then fair rotation
between professionals; default radius and widening per département; explained to the regulator.

A package split by theme (STYLE.md: past ~400 lines); everything importable from
``planning.selectors`` before stays importable here (except the per-process cache itself, which
lives in ``source_cache``). Submodules: ``search`` (the 48 h search), ``candidates`` (its SQL),
``source_cache``, ``slots`` (appointment feedback), ``declared``, ``sources``, ``fhir``.
"""

from __future__ import annotations

from planning.selectors.candidates import (
    _JSON_COLUMNS,
    _SQL_TEMPLATE,
    KM_PER_DEGREE,
    ROTATION_DAYS,
    SLOT_COLUMNS,
    _candidates,
    _candidates_queryset,
    _candidates_sql,
    _slot_from_row,
)
from planning.selectors.declared import (
    TWO_HOURS,
    _declared_hours,
    _week_bounds,
    availability_occurrences,
    declared_availabilities_of,
    declared_hours_by_professional,
    declared_hours_per_week,
    interfaced_rpps,
    meets_two_hours_rule,
)
from planning.selectors.fhir import (
    fhir_consumer_authenticate,
    owned_slots_for_fhir,
)
from planning.selectors.search import (
    DECLARED_SOURCE_NAME,
    MAX_RADIUS_KM,
    MAX_WINDOW,
    MIN_RESULTS,
    WEEKDAYS_SHORT,
    SlotSearchResult,
    _km,
    _rotation_salt,
    _validate,
    commune_nearest,
    slots_search,
)
from planning.selectors.slots import (
    agenda_source_authenticate,
    slot_find_for_appointment,
    slot_last_seen_at,
)
from planning.selectors.source_cache import (
    _excluded_source_ids,
    _sources_metadata,
    sources_cache_clear,
)
from planning.selectors.sources import (
    source_last_runs,
    source_runs_of,
    sources_visible_to,
)
from planning.selectors.structure_rule import StructureRule, structure_rule, week_verdict

__all__ = [
    "DECLARED_SOURCE_NAME",
    "KM_PER_DEGREE",
    "MAX_RADIUS_KM",
    "MAX_WINDOW",
    "MIN_RESULTS",
    "ROTATION_DAYS",
    "SLOT_COLUMNS",
    "TWO_HOURS",
    "WEEKDAYS_SHORT",
    "_JSON_COLUMNS",
    "_SQL_TEMPLATE",
    "SlotSearchResult",
    "StructureRule",
    "_candidates",
    "_candidates_queryset",
    "_candidates_sql",
    "_declared_hours",
    "_excluded_source_ids",
    "_km",
    "_rotation_salt",
    "_slot_from_row",
    "_sources_metadata",
    "_validate",
    "_week_bounds",
    "agenda_source_authenticate",
    "availability_occurrences",
    "commune_nearest",
    "declared_availabilities_of",
    "declared_hours_by_professional",
    "declared_hours_per_week",
    "fhir_consumer_authenticate",
    "interfaced_rpps",
    "meets_two_hours_rule",
    "owned_slots_for_fhir",
    "slot_find_for_appointment",
    "slot_last_seen_at",
    "slots_search",
    "source_last_runs",
    "source_runs_of",
    "sources_cache_clear",
    "sources_visible_to",
    "structure_rule",
    "week_verdict",
]

"""WHEN: agenda sources and their connectors (the ANS SAS FHIR guide), aggregated slots, availability
declared on the platform (and the 2 h/week rule), the 48 h search, holds and platform bookings.

CPTS vacation plannings do not exist yet (a later issue). The directory is read through
:mod:`cpts.selectors` only. The search keeps the sources' metadata (active, last success) in a
per-process copy for ``PLANNING_SEARCH_SOURCES_CACHE_SECONDS`` (5 s): a new source is seen at once,
a deactivated one within that delay; freshness is always computed against the current time.
"""

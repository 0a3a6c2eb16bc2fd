"""Source metadata of the search, cached a few seconds per process."""

from __future__ import annotations

import math
import time as time_module
from datetime import datetime

from django.conf import settings

from planning.models import AgendaSource

# --- Source metadata, cached a few seconds per process -------------------------------------------
_sources_cache: tuple[float, dict[int, AgendaSource]] = (-math.inf, {})


def sources_cache_clear() -> None:
    """Forget the cached source metadata (services call it when they change a source)."""
    global _sources_cache
    _sources_cache = (-math.inf, {})


def sources_metadata(*, refresh: bool = False) -> dict[int, AgendaSource]:
    """Every source (a handful), read at most every ``PLANNING_SEARCH_SOURCES_CACHE_SECONDS`` per
    process. A source unknown to the copy (created meanwhile) makes the search reload it at once;
    freshness is always computed against the current time from ``last_success_at``."""
    global _sources_cache
    loaded_at, sources = _sources_cache
    ttl = settings.PLANNING_SEARCH_SOURCES_CACHE_SECONDS
    if refresh or ttl <= 0 or time_module.monotonic() - loaded_at > ttl:
        sources = {
            s.pk: s
            for s in AgendaSource.objects.only(
                "pk",
                "name",
                "label",
                "is_active",
                "last_success_at",
                "stale_after_seconds",
                "exclude_after_seconds",
            )
        }
        _sources_cache = (time_module.monotonic(), sources)
    return sources


def excluded_source_ids(sources: dict[int, AgendaSource], now: datetime) -> list[int]:
    """Sources whose slots are left out: inactive, never successful, or older than their
    ``exclude_after_seconds`` (stale but younger ones are searched and flagged)."""
    return sorted(
        pk
        for pk, s in sources.items()
        if not s.is_active
        or s.last_success_at is None
        or (now - s.last_success_at).total_seconds() > s.exclude_after_seconds
    )

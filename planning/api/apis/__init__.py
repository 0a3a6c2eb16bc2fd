"""API views of `planning`: one class per operation, nested Input/Output serializers (STYLE.md 3).

- ``GET slots/search/``: the 48 h search (DOMAIN.md §3.2) for the regulation desk of the patient's
  territory (the commune's département, or the nearest commune's for coordinates).
- ``GET agenda-sources/``, ``GET agenda-sources/{id}/runs/``, ``POST agenda-sources/{id}/run/``:
  sources' health and freshness, their runs, "run now" (administrators).
- ``declared-availabilities/``: the effecteur's own declared availability (DOMAIN.md §3.3, §4).

Objects outside the caller's scope answer 404; a visible object the caller may not act on, 403.

A package split by theme (STYLE.md: past ~400 lines): ``search``, ``sources``, ``declared``; every
view and serializer stays importable from ``planning.api.apis``.
"""

from __future__ import annotations

from planning.api.apis.declared import (
    AVAILABILITY_EXAMPLE,
    DeclaredAvailabilityCreateApi,
    DeclaredAvailabilityDeleteApi,
    DeclaredAvailabilityDetailApi,
    DeclaredAvailabilityInputSerializer,
    DeclaredAvailabilityListApi,
    DeclaredAvailabilityOutputSerializer,
    DeclaredAvailabilityUpdateApi,
    DeclaredWeekSerializer,
)
from planning.api.apis.search import (
    SlotPlaceSerializer,
    SlotProfessionalSerializer,
    SlotResultSerializer,
    SlotSearchApi,
)
from planning.api.apis.sources import (
    AgendaSourceListApi,
    AgendaSourceRunApi,
    AgendaSourceRunListApi,
    RunOutputSerializer,
)

__all__ = [
    "AVAILABILITY_EXAMPLE",
    "AgendaSourceListApi",
    "AgendaSourceRunApi",
    "AgendaSourceRunListApi",
    "DeclaredAvailabilityCreateApi",
    "DeclaredAvailabilityDeleteApi",
    "DeclaredAvailabilityDetailApi",
    "DeclaredAvailabilityInputSerializer",
    "DeclaredAvailabilityListApi",
    "DeclaredAvailabilityOutputSerializer",
    "DeclaredAvailabilityUpdateApi",
    "DeclaredWeekSerializer",
    "RunOutputSerializer",
    "SlotPlaceSerializer",
    "SlotProfessionalSerializer",
    "SlotResultSerializer",
    "SlotSearchApi",
]

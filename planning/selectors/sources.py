"""The sources page: sources visible to a user, their runs."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from planning.models import AgendaSource, SourceRun
from sas_platform.enums import Role
from sas_platform.selectors import territory_codes_for_user


# --- Sources page ---------------------------------------------------------------------------------
def sources_visible_to(*, user) -> QuerySet[AgendaSource]:
    """Platform administrators see every source; SAS administrators and coordinators those of their
    territories and the national ones (no département)."""
    qs = AgendaSource.objects.select_related("departement").order_by("label")
    if user.has_role(Role.ADMIN_PLATEFORME):
        return qs
    return qs.filter(Q(departement__isnull=True) | Q(departement_id__in=territory_codes_for_user(user=user)))


def source_last_runs(*, sources) -> dict[int, SourceRun]:
    """The latest run of each source, in one query (``DISTINCT ON`` on PostgreSQL, a scan elsewhere)."""
    ids = [source.pk for source in sources]
    if not ids:
        return {}
    runs = SourceRun.objects.filter(source_id__in=ids)
    if connection.vendor == "postgresql":
        return {
            run.source_id: run
            for run in runs.order_by("source_id", "-created_at", "-id").distinct("source_id")
        }
    latest: dict[int, SourceRun] = {}
    for run in runs.order_by("-created_at", "-id"):
        latest.setdefault(run.source_id, run)
    return latest


def source_runs_of(*, source: AgendaSource) -> QuerySet[SourceRun]:
    """A source's runs, newest first (paginated by the API)."""
    return SourceRun.objects.filter(source=source).order_by("-created_at", "-id")

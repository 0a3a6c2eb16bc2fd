"""Retention of `planning`: past slots and old runs leave the database.

The slot table is a fresh local copy of the next hours (DOMAIN.md §3.2-§3.3); a slot that ended long
ago and was never booked serves nobody, and left there it would grow the table (and the search's
and the ingest's indexes) by every source's agendas, day after day. Booked slots stay: regulation's
bookings and the facts for pay point at them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from planning.enums import SlotStatus
from planning.models import Slot, SourceRun

PURGE_BATCH = 10_000


def _delete_in_batches(queryset, batch_size: int) -> int:
    """Delete ``queryset`` by batches of primary keys (short transactions, short locks)."""
    deleted = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        with transaction.atomic():
            _, by_model = queryset.model.objects.filter(pk__in=batch).delete()
        deleted += by_model.get(queryset.model._meta.label, 0)


def planning_purge(*, now: datetime | None = None, batch_size: int = PURGE_BATCH) -> dict[str, int]:
    """Delete the slots that ended more than ``PLANNING_SLOT_RETENTION_DAYS`` ago and were never
    booked (free, held, gone), and the source runs older than ``PLANNING_RUN_RETENTION_DAYS`` but
    each source's latest (its health and the sources page read it). Idempotent.

    Returns ``{"slots": deleted, "runs": deleted}``.
    """
    now = now or timezone.now()
    slot_cutoff = now - timedelta(days=settings.PLANNING_SLOT_RETENTION_DAYS)
    run_cutoff = now - timedelta(days=settings.PLANNING_RUN_RETENTION_DAYS)
    past_slots = Slot.objects.filter(end__lt=slot_cutoff).exclude(status=SlotStatus.BOOKED)
    latest = (
        SourceRun.objects.filter(source=OuterRef("source")).order_by("-created_at", "-id").values("id")[:1]
    )
    old_runs = (
        SourceRun.objects.filter(created_at__lt=run_cutoff)
        .annotate(latest_id=Subquery(latest))
        .exclude(id=F("latest_id"))
    )
    return {
        "slots": _delete_in_batches(past_slots, batch_size),
        "runs": _delete_in_batches(old_runs, batch_size),
    }

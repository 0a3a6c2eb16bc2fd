"""Sources of `planning`: creation, schedule, manual runs and polls (DOMAIN.md §3.3,
ARCHITECTURE.md "How data flows" 1)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from planning.connectors.sas_ig import SasIgFhirConnector
from planning.enums import (
    RunStatus,
    RunTrigger,
    SlotStatus,
    SourceKind,
)
from planning.events import PlanningEvent, planning_event_write
from planning.models import AgendaSource, Slot, SourceRun
from planning.selectors import sources_cache_clear
from planning.services.ingest import slots_ingest

LOCK_SECONDS = 15 * 60


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Sources -------------------------------------------------------------------------------------
@transaction.atomic
def source_create(
    *,
    name: str,
    label: str,
    base_url: str = "",
    kind: str = SourceKind.FHIR_SAS_IG,
    departement_code: str | None = None,
    rpps_list: list[str] | None = None,
    feedback_token: str = "",
    actor=None,
) -> AgendaSource:
    """Create a source, its feedback token (stored hashed) and, for a polled source, its periodic task."""
    source = AgendaSource(
        name=name,
        label=label,
        base_url=base_url,
        kind=kind,
        departement_id=departement_code,
        rpps_list=sorted(set(rpps_list or [])),
        feedback_token_hash=token_hash(feedback_token) if feedback_token else "",
    )
    source.full_clean()
    source.save()
    transaction.on_commit(sources_cache_clear)
    if kind == SourceKind.FHIR_SAS_IG:
        source_schedule_ensure(source=source)
    planning_event_write(
        event_type=PlanningEvent.SOURCE_CREATED, actor=actor, obj=source, params={"name": name}
    )
    return source


def source_feedback_token_set(*, source: AgendaSource, token: str) -> None:
    """Editors authenticate their Appointment feedback with this token (only its SHA-256 is kept)."""
    source.feedback_token_hash = token_hash(token)
    source.save(update_fields=["feedback_token_hash"])


def source_schedule_ensure(*, source: AgendaSource):
    """One django-celery-beat entry per source (queue ``ingest``), created once: an administrator's
    later edit of its schedule in the admin is kept."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.get_or_create(
        every=source.poll_every_seconds, period=IntervalSchedule.SECONDS
    )
    task, _ = PeriodicTask.objects.get_or_create(
        name=source.periodic_task_name,
        defaults={
            "task": "planning.tasks.source_poll",
            "interval": interval,
            "args": json.dumps([source.pk]),
            "queue": "ingest",
            "enabled": source.is_active,
            "description": f"Interroge « {source.label} » (prochaines {source.horizon_hours} h).",
        },
    )
    return task


def source_run_request(*, source: AgendaSource, actor) -> SourceRun:
    """An administrator's "run now": a pending run. The interface that asks for it enqueues the poll
    (:func:`planning.tasks.source_poll_enqueue`, after commit); the service never imports its tasks."""
    with transaction.atomic():
        run = SourceRun.objects.create(
            source=source, trigger=RunTrigger.MANUAL, status=RunStatus.PENDING, requested_by=actor
        )
        planning_event_write(
            event_type=PlanningEvent.SOURCE_RUN_REQUESTED, actor=actor, obj=source, params={"run": run.pk}
        )
    return run


def source_known_hashes(
    *, source: AgendaSource, window_start: datetime, window_end: datetime
) -> dict[str, str]:
    """Content hashes of the source's live slots in the window: unchanged slots skip validation."""
    rows = Slot.objects.filter(source=source, start__gte=window_start, start__lte=window_end).exclude(
        status=SlotStatus.GONE
    )
    return dict(rows.values_list("external_id", "content_hash"))


def source_poll_lock_key(source_id: int) -> str:
    return f"planning:source-poll-lock:{source_id}"


def source_poll(
    *,
    source_id: int,
    trigger: str = RunTrigger.SCHEDULE,
    run_id: int | None = None,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> SourceRun:
    """Poll one source over ``window`` (default now → now + its horizon) and ingest the answer.

    Never twice at once: a cache lock per source; a second caller gets a SKIPPED run. A failing source is
    recorded (run errors, health, circuit breaker) and never raises into the caller.
    """
    source = AgendaSource.objects.get(pk=source_id)
    run = (
        SourceRun.objects.get(pk=run_id, source=source)
        if run_id
        else SourceRun(source=source, trigger=trigger)
    )
    if not cache.add(source_poll_lock_key(source.pk), "1", LOCK_SECONDS):
        run.status, run.finished_at = RunStatus.SKIPPED, timezone.now()
        run.errors = ["Une interrogation de cette source est déjà en cours."]
        run.save()
        return run
    try:
        now = timezone.now().replace(microsecond=0)
        window_start = window_start or now
        window_end = window_end or now + timedelta(hours=source.horizon_hours)
        run.status, run.started_at = RunStatus.RUNNING, now
        run.window_start, run.window_end = window_start, window_end
        rpps = [value for value in source.rpps_list if value]
        run.progress_total = (len(rpps) + 24) // 25
        run.save()

        def progress(done: int, total: int) -> None:
            SourceRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)

        connector = SasIgFhirConnector(source)
        result = connector.fetch(
            window_start=window_start,
            window_end=window_end,
            rpps=rpps,
            known_hashes=source_known_hashes(source=source, window_start=window_start, window_end=window_end),
            progress=progress,
        )
        run.refresh_from_db(fields=["progress_done", "progress_total"])
        slots_ingest(source=source, run=run, result=result, window_start=window_start, window_end=window_end)
        return run
    finally:
        cache.delete(source_poll_lock_key(source.pk))

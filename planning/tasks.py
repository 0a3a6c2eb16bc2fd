"""Celery tasks of `planning`: thin, idempotent; the service does the work (STYLE.md 6).

Periodic entries: one per source (``planning-source-<id>``, queue ``ingest``, created with the
source, editable in the admin) and the global ones registered in ``planning.apps``.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from planning import services


@shared_task(name="planning.tasks.source_poll", queue="ingest", time_limit=300, soft_time_limit=270)
def source_poll(source_id: int, run_id: int | None = None) -> dict:
    """Poll one source for the next hours (its horizon) and ingest; returns the run's statistics."""
    run = services.source_poll(source_id=source_id, run_id=run_id)
    return {"run": run.pk, "status": run.status, **run.stats()}


def source_poll_enqueue(*, source_id: int, run_id: int) -> None:
    """Poll a source for a recorded run on a worker once the current transaction commits (STYLE.md 5):
    called by the interfaces that request a run (page, API, ``poll_sources``)."""
    transaction.on_commit(lambda: source_poll.delay(source_id, run_id))


@shared_task(name="planning.tasks.release_expired_holds", time_limit=60)
def release_expired_holds() -> int:
    """Holds past their ``held_until`` become free again."""
    return services.slot_holds_release_expired()


@shared_task(name="planning.tasks.declared_slots_generate", time_limit=300)
def declared_slots_generate() -> int:
    """Slots of declared availability over the rolling horizon (14 days)."""
    return services.declared_slots_generate()


@shared_task(name="planning.tasks.purge", time_limit=1800, soft_time_limit=1700)
def purge() -> dict:
    """Past slots never booked and old source runs leave the database (nightly)."""
    return services.planning_purge()


@shared_task(
    bind=True,
    name="planning.tasks.regulator_account_sync",
    autoretry_for=(services.RegulatorSyncRetry,),
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    time_limit=60,
)
def regulator_account_sync(self, user_id: int, source_id: int, reason: str = "") -> str:
    """INT_R02: send one regulator's account to one editor; 5 retries at most (30 s, 60 s... 15 min)."""
    return services.regulator_account_sync(
        user_id=user_id, source_id=source_id, reason=reason, attempt=self.request.retries + 1
    )

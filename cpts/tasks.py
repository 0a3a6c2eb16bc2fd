"""Celery tasks of `cpts`: thin, idempotent, ids in and nothing else (STYLE.md 6)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from cpts.imports.runs import import_run_execute


@shared_task(name="cpts.import_run", acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_run_task(run_id: int) -> dict:
    """Run one directory import; a finished run is not run again (safe to deliver twice)."""
    return import_run_execute(run_id=run_id).summary()


def import_run_enqueue(*, run_id: int) -> None:
    """Start a recorded import on a worker once the current transaction commits (STYLE.md 5). The
    interfaces that create a run (API, admin) call this; the service never imports its tasks."""
    transaction.on_commit(lambda: import_run_task.delay(run_id))

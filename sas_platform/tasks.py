"""Periodic tasks of the shared kernel (registered in ``sas_platform.celery.PERIODIC_TASKS``)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

HEARTBEAT_KEY = "platform:worker-heartbeat"


@shared_task(name="sas_platform.tasks.heartbeat", time_limit=30)
def heartbeat() -> str:
    """Record the time a worker last ran a task (read by ``/healthz/``)."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@shared_task(name="sas_platform.tasks.clear_expired_sessions", time_limit=300)
def clear_expired_sessions() -> None:
    """Delete expired sessions (idempotent)."""
    call_command("clearsessions")


@shared_task(name="sas_platform.tasks.add", time_limit=30)
def add(x: int, y: int) -> int:
    """Smallest real task: used by ``/healthz/?worker=1`` and the worker round-trip test."""
    return x + y

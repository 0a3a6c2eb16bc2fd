"""Periodic tasks of the shared kernel (registered in ``sas_platform.celery.PERIODIC_TASKS``)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

HEARTBEAT_KEY = "platform:worker-heartbeat"
logger = logging.getLogger(__name__)


def heartbeat_record() -> str | None:
    """Write now as the worker's last heartbeat (read by ``/healthz/``); a broken cache is logged,
    never raised (the worker's timer calls this, see ``sas_platform.celery.WorkerHeartbeat``)."""
    now = timezone.now().isoformat()
    try:
        cache.set(HEARTBEAT_KEY, now, timeout=None)
    except Exception:
        logger.exception("Battement du worker non enregistré (cache indisponible)")
        return None
    return now


@shared_task(name="sas_platform.tasks.heartbeat", time_limit=30)
def heartbeat() -> str | None:
    """Record the time a worker last ran a task (read by ``/healthz/``): the periodic proof that beat
    and the queue work; the worker also records its own heartbeat every 30 s while it runs."""
    return heartbeat_record()


@shared_task(name="sas_platform.tasks.clear_expired_sessions", time_limit=300)
def clear_expired_sessions() -> None:
    """Delete expired sessions (idempotent)."""
    call_command("clearsessions")


@shared_task(name="sas_platform.tasks.add", time_limit=30)
def add(x: int, y: int) -> int:
    """Smallest real task: used by ``/healthz/?worker=1`` and the worker round-trip test."""
    return x + y

"""Health checks of each part the platform needs: database, cache, broker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report any driver error as the part's failure
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None if value == "ok" else "le cache ne rend pas la valeur écrite"


def check_broker() -> str | None:
    from sas_platform.celery import app

    try:
        # The URL is read from settings at each check (not cached by the Celery app).
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=1, timeout=3)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def worker_last_heartbeat() -> str | None:
    """When a Celery worker last ran the periodic heartbeat task (information, not a check:
    a worker may be idle between two beats)."""
    from sas_platform.tasks import HEARTBEAT_KEY

    try:
        return cache.get(HEARTBEAT_KEY)
    except Exception:  # the cache check already reports a broken cache
        return None


def health_report() -> tuple[bool, dict[str, dict]]:
    """Run every check; return (all ok, {part: {"status": "ok"|"error", "detail"?}})."""
    parts: dict[str, dict] = {}
    for name, check in CHECKS.items():
        error = check()
        parts[name] = {"status": "ok"} if error is None else {"status": "error", "detail": error}
    return all(p["status"] == "ok" for p in parts.values()), parts

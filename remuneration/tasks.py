"""Celery tasks of `remuneration`: thin, idempotent; the service does the work.

Progress of a long computation is kept in the cache under :func:`progress_key` (the page polls it
with HTMX); computing twice changes nothing (``bordereau_compute`` compares fingerprints).
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from sas_platform.exceptions import ApplicationError

PROGRESS_TTL = 3600


def progress_key(kind: str, territory: str, period: str) -> str:
    return f"remuneration:progress:{kind}:{territory}:{period}"


@shared_task(name="remuneration.tasks.compute_bordereau", time_limit=900, soft_time_limit=840)
def compute_bordereau(kind: str, territory: str, period: str, actor_id: int | None = None) -> dict:
    from remuneration.services import bordereau_compute
    from sas_platform.models import User

    key = progress_key(kind, territory, period)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None

    def progress(done: int, total: int) -> None:
        cache.set(key, {"state": "running", "done": done, "total": total}, PROGRESS_TTL)

    cache.set(key, {"state": "running", "done": 0, "total": 0}, PROGRESS_TTL)
    try:
        result = bordereau_compute(
            actor=actor, kind=kind, territory_code=territory, period=period, progress=progress
        )
    except ApplicationError as error:
        cache.set(key, {"state": "error", "message": error.message}, PROGRESS_TTL)
        return {"error": error.message}
    b = result.bordereau
    summary = {
        "state": "done",
        "bordereau": b.pk,
        "lines": b.lines_count,
        "total_eur": f"{b.total:.2f}",
        "anomalies": len(b.anomalies),
        "changed": result.changed,
    }
    cache.set(key, summary, PROGRESS_TTL)
    return summary

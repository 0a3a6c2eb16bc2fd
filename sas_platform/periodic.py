"""Sync the one registry of periodic tasks into django-celery-beat (editable in admin)."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from sas_platform.celery import PERIODIC_TASKS


def _schedule_for(entry: dict) -> dict:
    if "every" in entry:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=entry["every"], period=IntervalSchedule.SECONDS
        )
        return {"interval": interval, "crontab": None}
    minute, hour, day_of_month, month_of_year, day_of_week = entry["crontab"].split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="Europe/Paris",
    )
    return {"interval": None, "crontab": crontab}


@transaction.atomic
def periodic_tasks_sync(*, reset: bool = False, registry: dict[str, dict] | None = None) -> tuple[int, int]:
    """Create the registry's periodic tasks that are missing; with ``reset``, restore schedules."""
    created = updated = 0
    for name, entry in (registry or PERIODIC_TASKS).items():
        task = PeriodicTask.objects.filter(name=name).first()
        if task is None:
            PeriodicTask.objects.create(
                name=name, task=entry["task"], queue=entry.get("queue"), **_schedule_for(entry)
            )
            created += 1
        elif reset:
            for key, value in _schedule_for(entry).items():
                setattr(task, key, value)
            task.task = entry["task"]
            task.save()
            updated += 1
    return created, updated

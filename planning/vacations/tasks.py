"""Celery tasks of the vacation planning: thin, idempotent (ids in, a service called)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="planning.tasks_vacations.vacation_reminders")
def vacation_reminders() -> dict:
    from planning.vacations.services.notify import reminders_send
    from planning.vacations.services.pool_notify import followups_send
    from planning.vacations.services.transfers import transfers_expire

    return {"reminders": reminders_send(), "expired": transfers_expire(), "followups": followups_send()}


@shared_task(name="planning.tasks_vacations.pool_digest")
def pool_digest() -> dict:
    from planning.vacations.services.pool_notify import pool_digest_send

    return {"digest": pool_digest_send()}

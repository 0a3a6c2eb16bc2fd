"""Celery tasks of `regulation`: thin, idempotent; the service does the work."""

from celery import shared_task

from regulation import services


@shared_task(time_limit=120)
def expire_holds() -> int:
    return services.holds_expire()


@shared_task(time_limit=120)
def remind_surnumeraire() -> int:
    return services.surnumeraire_reminders_send()


@shared_task(time_limit=300)
def auto_close_dossiers() -> int:
    return services.dossiers_auto_close()

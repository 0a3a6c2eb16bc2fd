"""Celery tasks of `remuneration`: thin, idempotent; the service does the work."""

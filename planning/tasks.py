"""Celery tasks of `planning`: thin, idempotent; the service does the work."""

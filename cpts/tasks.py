"""Celery tasks of `cpts`: thin, idempotent; the service does the work."""

"""Celery tasks of `regulation`: thin, idempotent; the service does the work."""

"""The project package: settings, URLs, the Celery app and the shared kernel."""

from sas_platform.celery import app as celery_app

__all__ = ["celery_app"]

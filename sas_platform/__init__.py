"""The project package: settings, URLs, the Celery app and the shared kernel (users, roles and
territories, audit trail, geography, French identifiers, SQL helpers, navigation and demo registries).

The kernel imports no domain app; every app may use it (``.importlinter``: its web, urls, admin,
tasks and settings modules excepted).
"""

from sas_platform.celery import app as celery_app

__all__ = ["celery_app"]

"""The Celery application of the platform.

Configuration comes from Django settings (``CELERY_*``); tasks are discovered in each app's
``tasks.py``. Periodic tasks live in one registry, :data:`PERIODIC_TASKS`, written into
django-celery-beat's tables by ``python manage.py sync_periodic_tasks`` (run by
``make install``), where administrators can then edit schedules in the admin.
"""

from __future__ import annotations

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sas_platform.settings.base")

app = Celery("sas_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The single registry of periodic tasks (STYLE.md 7). Each entry: name -> task, schedule.
# ``every`` is in seconds; a comment says when and why it runs.
PERIODIC_TASKS: dict[str, dict] = {
    # Every 10 minutes: record that the worker and beat are alive (shown on /healthz/).
    "platform-heartbeat": {"task": "sas_platform.tasks.heartbeat", "every": 600},
    # Every night at 03:15: drop expired sessions so the session table stays small.
    "platform-clear-sessions": {"task": "sas_platform.tasks.clear_expired_sessions", "crontab": "15 3 * * *"},
}


# --- The worker's heartbeat (shown by /healthz/ as ``worker_last_heartbeat``) -----------------
# Written by the worker itself when it starts and then every HEARTBEAT_SECONDS, from its timer: it
# works on every broker (Celery's event heartbeats need a broker with fanout, which the embedded
# SQLite transport lacks) and does not wait for beat's first ``platform-heartbeat`` run.
HEARTBEAT_SECONDS = 30


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Record ``sas_platform.tasks.HEARTBEAT_KEY`` in the cache while the worker runs."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from sas_platform.tasks import heartbeat_record

        heartbeat_record()
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_SECONDS, heartbeat_record)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(WorkerHeartbeat)

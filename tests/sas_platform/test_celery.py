"""Celery: a real worker round-trip, configuration, the one registry of periodic tasks (item 3)."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from sas_platform.celery import PERIODIC_TASKS, app
from sas_platform.periodic import periodic_tasks_sync
from sas_platform.tasks import add, heartbeat


# --- A real worker --------------------------------------------------------------------------
@pytest.mark.celery_worker
def test_real_worker_runs_a_task_and_returns_its_result(celery_worker_process):
    result = add.delay(2, 40)
    assert result.get(timeout=30) == 42
    assert result.successful()


@pytest.mark.celery_worker
def test_real_worker_runs_tasks_in_order_on_the_default_queue(celery_worker_process):
    results = [add.delay(n, n) for n in range(5)]
    assert [r.get(timeout=30) for r in results] == [0, 2, 4, 6, 8]
    assert {r.backend.get_task_meta(r.id)["status"] for r in results} == {"SUCCESS"}


# --- Configuration --------------------------------------------------------------------------
def test_celery_configuration():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.timezone == "Europe/Paris"
    assert (conf.task_time_limit, conf.task_soft_time_limit) == (600, 540)
    assert conf.task_default_queue == "default"
    assert conf.task_acks_late is True
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_tasks_are_discovered():
    app.loader.import_default_modules()
    assert {
        "sas_platform.tasks.add",
        "sas_platform.tasks.heartbeat",
        "sas_platform.tasks.clear_expired_sessions",
    } <= set(app.tasks)
    for entry in PERIODIC_TASKS.values():
        assert entry["task"] in app.tasks


def test_heartbeat_records_the_time_in_the_cache():
    from django.core.cache import cache

    from sas_platform.tasks import HEARTBEAT_KEY

    value = heartbeat.apply().get()
    assert cache.get(HEARTBEAT_KEY) == value


# --- The registry of periodic tasks ---------------------------------------------------------
@pytest.mark.django_db
def test_sync_periodic_tasks_creates_the_registry(capsys):
    PeriodicTask.objects.filter(name__in=PERIODIC_TASKS).delete()

    call_command("sync_periodic_tasks")

    assert capsys.readouterr().out.strip() == (
        f"Tâches planifiées : {len(PERIODIC_TASKS)} créée(s), 0 remise(s) à l'horaire du registre."
    )
    heartbeat_task = PeriodicTask.objects.get(name="platform-heartbeat")
    assert heartbeat_task.task == "sas_platform.tasks.heartbeat"
    assert (heartbeat_task.interval.every, heartbeat_task.interval.period) == (600, IntervalSchedule.SECONDS)
    assert heartbeat_task.crontab is None
    sessions = PeriodicTask.objects.get(name="platform-clear-sessions")
    crontab = sessions.crontab
    assert (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    ) == (
        "15",
        "3",
        "*",
        "*",
        "*",
    )
    assert str(crontab.timezone) == "Europe/Paris"


@pytest.mark.django_db
def test_sync_periodic_tasks_is_idempotent(capsys):
    call_command("sync_periodic_tasks")
    counts = (PeriodicTask.objects.count(), IntervalSchedule.objects.count(), CrontabSchedule.objects.count())
    capsys.readouterr()

    call_command("sync_periodic_tasks")

    assert (
        capsys.readouterr().out.strip()
        == "Tâches planifiées : 0 créée(s), 0 remise(s) à l'horaire du registre."
    )
    assert (
        PeriodicTask.objects.count(),
        IntervalSchedule.objects.count(),
        CrontabSchedule.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_admin_edited_schedule_is_kept_unless_reset():
    periodic_tasks_sync()
    task = PeriodicTask.objects.get(name="platform-heartbeat")
    task.interval = IntervalSchedule.objects.create(every=120, period=IntervalSchedule.SECONDS)
    task.enabled = False
    task.save()

    assert periodic_tasks_sync() == (0, 0)
    task.refresh_from_db()
    assert task.interval.every == 120

    assert periodic_tasks_sync(reset=True) == (0, len(PERIODIC_TASKS))
    task.refresh_from_db()
    assert task.interval.every == 600
    assert task.enabled is False  # reset restores schedules, not the administrator's on/off switch


@pytest.mark.django_db
def test_sync_with_a_custom_registry_and_queue():
    registry = {"essai-file": {"task": "sas_platform.tasks.add", "every": 30, "queue": "ingest"}}
    assert periodic_tasks_sync(registry=registry) == (1, 0)
    task = PeriodicTask.objects.get(name="essai-file")
    assert (task.queue, task.interval.every) == ("ingest", 30)


@pytest.mark.django_db
def test_periodic_task_admin_is_available_to_platform_admin(client, make_user):
    from sas_platform.enums import Role

    periodic_tasks_sync()
    client.force_login(make_user(Role.ADMIN_PLATEFORME))
    response = client.get("/admin/django_celery_beat/periodictask/")
    assert response.status_code == 200
    assert "platform-heartbeat" in response.content.decode()


def test_worker_records_its_own_heartbeat_step_and_value(settings):
    """Issue 9 point 13: the worker writes its heartbeat itself (any broker), read by /healthz/."""
    from django.core.cache import cache

    from sas_platform.celery import WorkerHeartbeat, app
    from sas_platform.health import worker_last_heartbeat
    from sas_platform.tasks import HEARTBEAT_KEY, heartbeat_record

    assert WorkerHeartbeat in app.steps["worker"]
    cache.delete(HEARTBEAT_KEY)
    assert worker_last_heartbeat() is None
    written = heartbeat_record()
    assert written and worker_last_heartbeat() == written


def test_heartbeat_record_survives_a_broken_cache(monkeypatch, caplog):
    from sas_platform import tasks

    def broken(*args, **kwargs):
        raise ConnectionError("cache en panne")

    monkeypatch.setattr(tasks.cache, "set", broken)
    assert tasks.heartbeat_record() is None
    assert "Battement du worker non enregistré" in caplog.text

"""A real Celery worker on Redis (queue ``ingest``) polls the demo editor through the periodic task."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from planning.models import Slot
from planning.services import source_create
from planning.tasks import source_poll
from tests.planning.factories import professional_with_place

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ingest_worker(geography_13, tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("Un worker réel a besoin de Redis (REDIS_URL).")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sas_platform.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "sas_platform", "worker", "-Q", "ingest", "--pool=solo",
         "--loglevel=WARNING", "--hostname", f"planning-test-{os.getpid()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield worker
    worker.terminate()
    worker.wait(timeout=20)
    log.close()


@pytest.mark.celery_worker
def test_source_poll_task_runs_on_a_real_worker_on_the_ingest_queue(ingest_worker, demo_editor):
    doctors = [professional_with_place(f"1{n:010d}", insee="13201") for n in range(1, 6)]
    source = source_create(
        name="demo-worker",
        label="Agenda Démo",
        base_url=f"{demo_editor.url}/fhir",
        rpps_list=[d.identifier for d in doctors],
    )

    outcome = source_poll.delay(source.pk).get(timeout=90)

    assert outcome["status"] == "success"
    assert outcome["created"] > 0
    assert Slot.objects.filter(source=source).count() == outcome["created"]

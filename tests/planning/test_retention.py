"""Retention: past slots never booked and old source runs leave the database; booked slots and
each source's latest run stay (planning.services.retention)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from planning.enums import RunStatus, SlotStatus
from planning.models import Slot, SourceRun
from planning.services import planning_purge, source_create
from tests.planning.factories import make_slot, professional_with_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(db):
    return professional_with_place("10000000601", insee="13201")


def test_past_slots_never_booked_are_deleted_and_booked_or_recent_ones_stay(doctor, settings):
    settings.PLANNING_SLOT_RETENTION_DAYS = 7
    now = timezone.now()
    old = now - timedelta(days=8)
    free = make_slot(doctor, old)
    gone = make_slot(doctor, old + timedelta(hours=1), status=SlotStatus.GONE)
    held = make_slot(
        doctor, old + timedelta(hours=2), status=SlotStatus.HELD, held_until=old, hold_reference="h"
    )
    booked = make_slot(doctor, old + timedelta(hours=3), status=SlotStatus.BOOKED, booking_reference="rdv-1")
    recent = make_slot(doctor, now - timedelta(days=6))  # ended 6 days ago: kept
    upcoming = make_slot(doctor, now + timedelta(hours=2))

    first = planning_purge(now=now, batch_size=2)  # several batches
    second = planning_purge(now=now)

    assert first == {"slots": 3, "runs": 0}
    assert second == {"slots": 0, "runs": 0}
    assert set(Slot.objects.values_list("pk", flat=True)) == {booked.pk, recent.pk, upcoming.pk}
    assert not Slot.objects.filter(pk__in=[free.pk, gone.pk, held.pk]).exists()


def test_old_runs_are_deleted_but_each_sources_latest_stays(db, settings):
    settings.PLANNING_RUN_RETENTION_DAYS = 30
    now = timezone.now()
    busy = source_create(name="active", label="Active", base_url="http://127.0.0.1:9/fhir")
    quiet = source_create(name="silencieuse", label="Silencieuse", base_url="http://127.0.0.1:9/fhir")

    def run(source, days_ago):
        return SourceRun.objects.create(
            source=source, status=RunStatus.SUCCESS, created_at=now - timedelta(days=days_ago)
        )

    old_busy = [run(busy, 40), run(busy, 35)]
    recent_busy = run(busy, 1)
    old_quiet = run(quiet, 50)
    latest_quiet = run(quiet, 45)  # its latest run, however old: the sources page reads it

    assert planning_purge(now=now) == {"slots": 0, "runs": 3}
    assert set(SourceRun.objects.values_list("pk", flat=True)) == {recent_busy.pk, latest_quiet.pk}
    assert not SourceRun.objects.filter(pk__in=[r.pk for r in old_busy] + [old_quiet.pk]).exists()


def test_the_nightly_purge_is_registered_as_a_periodic_task():
    from sas_platform.celery import PERIODIC_TASKS

    assert PERIODIC_TASKS["planning-purge"] == {"task": "planning.tasks.purge", "crontab": "40 3 * * *"}


def test_admin_shows_a_slots_last_sighting_and_the_coverage_read_only(client, make_user, doctor):
    """The slot's page shows its last sighting through the coverage; coverage rows are read only;
    a role other than the administrators' has no admin."""
    from planning.models import SourceCoverage
    from sas_platform.enums import Role

    source = source_create(name="couverte", label="Couverte", base_url="http://127.0.0.1:9/fhir")
    now = timezone.now()
    slot = make_slot(doctor, now + timedelta(hours=3), source=source, last_seen_at=now - timedelta(hours=1))
    coverage = SourceCoverage.objects.create(
        source=source,
        professional=doctor,
        window_start=now,
        window_end=now + timedelta(hours=72),
        seen_at=now,
    )

    from planning.selectors import slot_last_seen_at

    assert slot_last_seen_at(slot) == now  # the coverage, later than the slot's own stamp
    client.force_login(make_user(Role.OSNP))
    assert client.get(f"/admin/planning/slot/{slot.pk}/change/").status_code == 302  # to the admin log-in
    client.force_login(make_user(Role.ADMIN_PLATEFORME))
    page = client.get(f"/admin/planning/slot/{slot.pk}/change/")
    assert page.status_code == 200
    assert "Vu à la source pour la dernière fois" in page.content.decode()
    assert client.get("/admin/planning/sourcecoverage/").status_code == 200
    assert client.get(f"/admin/planning/sourcecoverage/{coverage.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/planning/sourcecoverage/add/").status_code == 403
    response = client.post(
        f"/admin/planning/sourcecoverage/{coverage.pk}/change/",
        {"seen_at_0": "01/01/2020", "seen_at_1": "00:00"},
    )
    assert response.status_code == 403
    coverage.refresh_from_db()
    assert coverage.seen_at == now

"""Sources page (health, freshness, last run, run now with HTMX progress) and declared availability
page: permission matrix (anonymous, wrong role, other territory, right role; nothing written on denial)."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.enums import RunStatus, SourceHealth
from planning.models import AgendaSource, DeclaredAvailability, SourceRun
from sas_platform.enums import Role
from tests.planning.factories import professional_with_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_13(db):
    source = AgendaSource.objects.create(
        name="editeur-13",
        label="Éditeur des Bouches-du-Rhône",
        departement_id="13",
        rpps_list=["10000000001"],
        health=SourceHealth.FAILING,
        last_error="Lot 1/1 : Erreur HTTP 500 de la source.",
        last_success_at=timezone.now(),
    )
    SourceRun.objects.create(source=source, status=RunStatus.SUCCESS, fetched=7, created=5, unchanged=2)
    return source


def _client(client, make_user, *roles, territories=("13",)):
    client.force_login(make_user(*roles, territories=territories))
    return client


def test_sources_page_shows_health_freshness_last_run_and_errors(client, make_user, source_13):
    response = _client(client, make_user, Role.ADMIN_SAS).get(reverse("planning-sources"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Éditeur des Bouches-du-Rhône" in html and "En échec" in html and "il y a 0 min" in html
    assert "7 reçus, 5 créés, 0 modifiés, 2 inchangés, 0 disparus, 0 rejetés" in html
    assert "Erreur HTTP 500 de la source." in html
    assert "Lancer maintenant" in html


def test_coordinator_sees_sources_without_the_run_button(client, make_user, source_13):
    html = (
        _client(client, make_user, Role.COORDINATEUR_STRUCTURE)
        .get(reverse("planning-sources"))
        .content.decode()
    )
    assert "Éditeur des Bouches-du-Rhône" in html and "Lancer maintenant" not in html


@pytest.mark.parametrize(
    ("roles", "territories", "status"),
    [
        ((), ("13",), 302),
        ((Role.OSNP,), ("13",), 403),
        ((Role.ADMIN_SAS,), ("83",), 403),
        ((Role.COORDINATEUR_STRUCTURE,), ("13",), 403),
    ],
    ids=["anonymous", "wrong-role", "other-territory", "coordinator"],
)
def test_run_now_is_refused_and_writes_nothing(client, make_user, source_13, roles, territories, status):
    if roles:
        _client(client, make_user, *roles, territories=territories)
    before = SourceRun.objects.count()

    response = client.post(reverse("planning-source-run", args=[source_13.pk]))

    assert response.status_code == status
    assert SourceRun.objects.count() == before


def test_other_territory_does_not_see_the_source(client, make_user, source_13):
    client = _client(client, make_user, Role.ADMIN_SAS, territories=("83",))
    assert "Éditeur des Bouches-du-Rhône" not in client.get(reverse("planning-sources")).content.decode()
    assert client.get(reverse("planning-source", args=[source_13.pk])).status_code == 403


def test_run_now_creates_a_pending_run_and_shows_live_progress(
    client, make_user, source_13, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("planning.tasks.source_poll.delay", lambda *args: queued.append(args))
    client = _client(client, make_user, Role.ADMIN_SAS)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning-source-run", args=[source_13.pk]), HTTP_HX_REQUEST="true")

    run = SourceRun.objects.latest("id")
    assert (run.status, run.trigger) == (RunStatus.PENDING, "manual")
    assert queued == [(source_13.pk, run.pk)]
    html = response.content.decode()
    assert (
        f'hx-get="{reverse("planning-run-progress", args=[run.pk])}"' in html
        and 'hx-trigger="every 1s"' in html
    )
    run.status, run.progress_done, run.progress_total, run.created = RunStatus.SUCCESS, 1, 1, 3
    run.save()
    done = client.get(reverse("planning-run-progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in done and "Réussie" in done and "3 créés" in done


def test_source_detail_lists_runs_and_rejections(client, make_user, source_13):
    SourceRun.objects.create(
        source=source_13,
        status=RunStatus.SUCCESS,
        rejected=1,
        rejections=[{"resource": "Slot/x", "reason": "Hors de la fenêtre demandée."}],
    )
    html = (
        _client(client, make_user, Role.ADMIN_PLATEFORME)
        .get(reverse("planning-source", args=[source_13.pk]))
        .content.decode()
    )
    assert "Slot/x" in html and "Hors de la fenêtre demandée." in html


def test_effecteur_declares_availability_and_sees_the_two_hours_rule(client, make_user):
    user = make_user(Role.EFFECTEUR)
    doctor = professional_with_place("10000000301", insee="13201")
    doctor.user = user
    doctor.save()
    client.force_login(user)

    response = client.post(
        reverse("planning-availability"),
        {
            "kind": "weekly",
            "weekday": "1",
            "start_time": "14:00",
            "end_time": "16:00",
            "modalities": ["AMB"],
            "patients": "4",
        },
    )

    assert response.status_code == 302
    block = DeclaredAvailability.objects.get(professional=doctor)
    assert (block.weekday, block.start_time, block.patients) == (1, time(14, 0), 4)
    html = client.get(reverse("planning-availability")).content.decode()
    assert html.count("Respectée") >= 3 and "2,00" in html  # this week may already be past Tuesday


@pytest.mark.parametrize(
    "roles", [(), (Role.OSNP,), (Role.EFFECTEUR,)], ids=["anonymous", "wrong-role", "no-directory-entry"]
)
def test_availability_page_is_refused_and_writes_nothing(client, make_user, roles):
    if roles:
        client.force_login(make_user(*roles))
    response = client.post(
        reverse("planning-availability"),
        {
            "kind": "weekly",
            "weekday": "1",
            "start_time": "14:00",
            "end_time": "16:00",
            "modalities": ["AMB"],
            "patients": "1",
        },
    )
    assert response.status_code in (302, 403) and (roles == () or response.status_code == 403)
    assert DeclaredAvailability.objects.count() == 0

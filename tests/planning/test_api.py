"""REST API of `planning`: the 48 h search, agenda sources and their runs, run now, declared availability.

Authorisation matrix for each endpoint (anonymous, wrong role, other territory: département 83, right
role); on denial, nothing is written.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from planning.enums import RunStatus, SlotStatus, SourceHealth
from planning.models import AgendaSource, DeclaredAvailability, Slot, SourceRun
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from tests.planning.factories import make_slot, professional_with_place

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/slots/search/"
PATIENT = (43.30018, 5.38276)  # Marseille 1er arrondissement (13201)
KM_LON = 1 / (111.195 * 0.7283)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _hour(hours: float):
    return timezone.now().replace(second=0, microsecond=0) + timedelta(hours=hours)


# --- The 48 h search ------------------------------------------------------------------------------
@pytest.fixture
def marseille_slots(db):
    near = professional_with_place(
        "10000000501", insee="13201", last_name="Proche", latitude=PATIENT[0], longitude=PATIENT[1] + KM_LON
    )
    far = professional_with_place(
        "10000000502", insee="13201", last_name="Loin", latitude=PATIENT[0], longitude=PATIENT[1] + 4 * KM_LON
    )
    source = AgendaSource.objects.create(
        name="editeur-api", label="Éditeur API", departement_id="13", last_success_at=timezone.now()
    )
    return {
        "first": make_slot(far, _hour(1), source=source, external_id="a1"),
        "second": make_slot(near, _hour(2), modalities=["VR"]),
        "held": make_slot(
            near, _hour(3), status=SlotStatus.HELD, held_until=_hour(1), hold_reference="DOS-9"
        ),
    }


def test_search_by_commune_ranks_and_explains(make_user, marseille_slots):
    response = _client(make_user(Role.OSNP)).get(SEARCH, {"commune": "13201"})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["radius_km"], body["widened"], body["departement"]) == (2, 10.0, False, "13")
    first, second = body["results"]
    assert (first["id"], second["id"]) == (marseille_slots["first"].pk, marseille_slots["second"].pk)
    assert first["professional"]["last_name"] == "Loin" and first["professional"]["rpps"] == "10000000502"
    assert first["place"]["commune"] == "13201" and first["place"]["commune_name"]
    assert first["source_name"] == "Éditeur API" and first["freshness_seconds"] == 0 and not first["stale"]
    assert first["platform_owned"] is False and second["platform_owned"] is True
    assert second["source_name"] == "Disponibilités déclarées sur la plateforme"
    assert second["distance_km"] == pytest.approx(1.0, abs=0.05)
    assert first["rank_reason"].startswith("Début ") and "à 4,0 km" in first["rank_reason"]


def test_search_by_coordinates_with_modalities_and_window(make_user, marseille_slots):
    response = _client(make_user(Role.REGULATEUR)).get(
        SEARCH,
        {
            "latitude": PATIENT[0],
            "longitude": PATIENT[1],
            "modalities": "VR,HH",
            "radius_km": 3,
            "start": _hour(0).isoformat(),
            "end": _hour(24).isoformat(),
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [marseille_slots["second"].pk]
    assert response.json()["radius_km"] == 3.0


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "commune", "Indiquez la commune du patient (code INSEE) ou ses coordonnées."),
        ({"commune": "99999"}, "commune", "Commune 99999 inconnue."),
        ({"latitude": 43.3}, "longitude", "Latitude et longitude vont ensemble."),
        ({"latitude": 95, "longitude": 5}, "latitude", None),
        ({"latitude": 47.0, "longitude": -12.0}, "latitude", "Aucune commune connue à moins de 30 km"),
        ({"commune": "13201", "radius_km": 500}, "radius_km", None),
        (
            {"commune": "13201", "modalities": "AMB,XX"},
            "modalities",
            "Modalité inconnue : XX (AMB, VR ou HH).",
        ),
        ({"commune": "13201", "start": "demain"}, "start", None),
    ],
)
def test_search_bad_input_is_a_french_400(make_user, params, field, message):
    response = _client(make_user(Role.OSNP)).get(SEARCH, params)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"} and field in body["extra"]["fields"]
    if message:
        assert body["extra"]["fields"][field][0].startswith(message)


def test_search_window_over_seven_days_is_a_french_400(make_user):
    response = _client(make_user(Role.OSNP)).get(
        SEARCH, {"commune": "13201", "start": _hour(0).isoformat(), "end": _hour(24 * 8).isoformat()}
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": "La fenêtre de recherche ne peut pas dépasser 7 jours.",
        "code": "invalid_search",
        "extra": {"fields": {}},
    }


def test_search_anonymous_is_401(marseille_slots):
    response = APIClient().get(SEARCH, {"commune": "13201"})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role", [Role.EFFECTEUR, Role.AGENT_CPAM, Role.COORDINATEUR_STRUCTURE])
def test_search_wrong_role_is_403(make_user, marseille_slots, role):
    response = _client(make_user(role)).get(SEARCH, {"commune": "13201"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    "params",
    [{"commune": "13201"}, {"latitude": PATIENT[0], "longitude": PATIENT[1]}],
    ids=["commune", "point"],
)
def test_search_other_territory_is_403(make_user, marseille_slots, params):
    response = _client(make_user(Role.OSNP, territories=["83"])).get(SEARCH, params)
    assert response.status_code == 403
    assert (
        response.json()["message"]
        == "Vous ne pouvez chercher des créneaux que pour un patient de vos territoires."
    )


def test_search_in_the_var_for_a_var_desk(make_user):
    toulon = professional_with_place("10000000503", insee="83137", last_name="Toulonnais")
    make_slot(toulon, _hour(1))
    response = _client(make_user(Role.OSNP, territories=["83"])).get(SEARCH, {"commune": "83137"})
    assert response.status_code == 200
    assert [r["professional"]["last_name"] for r in response.json()["results"]] == ["Toulonnais"]


# --- Agenda sources -------------------------------------------------------------------------------
@pytest.fixture
def sources(db):
    source_13 = AgendaSource.objects.create(
        name="editeur-13",
        label="Éditeur 13",
        departement_id="13",
        rpps_list=["10000000001", "10000000002"],
        health=SourceHealth.OK,
        last_success_at=timezone.now() - timedelta(seconds=30),
    )
    source_83 = AgendaSource.objects.create(name="editeur-83", label="Éditeur 83", departement_id="83")
    old = SourceRun.objects.create(
        source=source_13, status=RunStatus.FAILED, errors=["Erreur HTTP 500 de la source."]
    )
    SourceRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    last = SourceRun.objects.create(
        source=source_13,
        status=RunStatus.PARTIAL,
        fetched=8,
        created=5,
        unchanged=2,
        rejected=1,
        rejections=[{"resource": "Slot/x", "reason": "Hors de la fenêtre demandée."}],
    )
    return {"13": source_13, "83": source_83, "last_run": last, "old_run": old}


def test_sources_list_shows_health_freshness_and_last_run(make_user, sources):
    response = _client(make_user(Role.ADMIN_SAS)).get("/api/v1/agenda-sources/")

    assert response.status_code == 200
    (row,) = response.json()
    assert (row["name"], row["health"], row["stale"], row["circuit"], row["professionals"]) == (
        "editeur-13",
        "ok",
        False,
        "closed",
        2,
    )
    assert 30 <= row["freshness_seconds"] < 60 and row["can_run"] is True
    assert row["last_run"]["id"] == sources["last_run"].pk
    assert (row["last_run"]["fetched"], row["last_run"]["created"], row["last_run"]["rejected"]) == (8, 5, 1)


def test_coordinator_lists_sources_without_run_right(make_user, sources):
    (row,) = _client(make_user(Role.COORDINATEUR_STRUCTURE)).get("/api/v1/agenda-sources/").json()
    assert row["can_run"] is False


def test_platform_admin_lists_every_source(make_user, sources):
    rows = _client(make_user(Role.ADMIN_PLATEFORME, territories=[])).get("/api/v1/agenda-sources/").json()
    assert [r["name"] for r in rows] == ["editeur-13", "editeur-83"]
    assert rows[1]["last_run"] is None and rows[1]["freshness_seconds"] is None and rows[1]["stale"]


def test_source_runs_newest_first_with_rejections(make_user, sources):
    response = _client(make_user(Role.ADMIN_SAS)).get(f"/api/v1/agenda-sources/{sources['13'].pk}/runs/")

    assert response.status_code == 200
    runs = response.json()["results"]
    assert [r["id"] for r in runs] == [sources["last_run"].pk, sources["old_run"].pk]
    assert runs[0]["rejections"] == [{"resource": "Slot/x", "reason": "Hors de la fenêtre demandée."}]
    assert runs[1]["errors"] == ["Erreur HTTP 500 de la source."]


@pytest.mark.parametrize(
    ("roles", "territories", "status"),
    [((), (), 401), ((Role.OSNP,), ("13",), 403), ((Role.ADMIN_SAS,), ("83",), 404)],
    ids=["anonymous", "wrong-role", "other-territory"],
)
def test_sources_and_runs_are_refused(make_user, sources, roles, territories, status):
    client = _client(make_user(*roles, territories=territories)) if roles else APIClient()
    response = client.get(f"/api/v1/agenda-sources/{sources['13'].pk}/runs/")
    assert response.status_code == status
    listing = client.get("/api/v1/agenda-sources/")
    if roles == (Role.ADMIN_SAS,):
        assert [r["name"] for r in listing.json()] == ["editeur-83"]
    else:
        assert listing.status_code == status


def test_run_now_enqueues_a_poll_and_returns_the_run(
    make_user, sources, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("planning.tasks.source_poll.delay", lambda *args: queued.append(args))
    user = make_user(Role.ADMIN_SAS)

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(user).post(f"/api/v1/agenda-sources/{sources['13'].pk}/run/")

    assert response.status_code == 202
    run = SourceRun.objects.get(pk=response.json()["run_id"])
    assert response.json() == {"run_id": run.pk, "status": "pending"}
    assert (run.source, run.trigger, run.requested_by) == (sources["13"], "manual", user)
    assert queued == [(sources["13"].pk, run.pk)]
    assert AuditEvent.objects.filter(event_type="planning.source_run_requested").count() == 1


@pytest.mark.parametrize(
    ("roles", "territories", "status"),
    [
        ((), (), 401),
        ((Role.OSNP,), ("13",), 403),
        ((Role.COORDINATEUR_STRUCTURE,), ("13",), 403),
        ((Role.ADMIN_SAS,), ("83",), 404),
    ],
    ids=["anonymous", "wrong-role", "coordinator", "other-territory"],
)
def test_run_now_is_refused_and_writes_nothing(
    make_user, sources, monkeypatch, django_capture_on_commit_callbacks, roles, territories, status
):
    queued = []
    monkeypatch.setattr("planning.tasks.source_poll.delay", lambda *args: queued.append(args))
    client = _client(make_user(*roles, territories=territories)) if roles else APIClient()
    runs = SourceRun.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/agenda-sources/{sources['13'].pk}/run/")

    assert response.status_code == status
    assert SourceRun.objects.count() == runs and queued == []
    assert not AuditEvent.objects.filter(event_type="planning.source_run_requested").exists()


# --- Declared availability ------------------------------------------------------------------------
@pytest.fixture
def effecteur(make_user):
    user = make_user(Role.EFFECTEUR)
    doctor = professional_with_place("10000000601", insee="13201", last_name="Déclarant")
    doctor.user = user
    doctor.save()
    return user


BLOCK = {
    "kind": "weekly",
    "weekday": 1,
    "start_time": "14:00",
    "end_time": "16:00",
    "modalities": ["AMB", "VR"],
    "patients": 4,
}


def test_effecteur_declares_lists_updates_and_removes_a_block(effecteur, django_capture_on_commit_callbacks):
    client = _client(effecteur)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/declared-availabilities/create/", BLOCK, format="json")

    assert created.status_code == 201
    body = created.json()
    assert (body["weekday"], body["start_time"], body["end_time"], body["patients"]) == (
        1,
        "14:00",
        "16:00",
        4,
    )
    assert body["modalities"] == ["AMB", "VR"]
    slots = Slot.objects.filter(declared_availability_id=body["id"], status=SlotStatus.FREE)
    assert slots.count() in (8, 12)  # two or three Tuesdays in the next 14 days, 4 slots each
    assert {(s.end - s.start) for s in slots} == {timedelta(minutes=30)}

    listing = client.get("/api/v1/declared-availabilities/").json()
    assert [b["id"] for b in listing["results"]] == [body["id"]]
    assert len(listing["weeks"]) == 4 and listing["weeks"][1] == {
        "week_start": listing["weeks"][1]["week_start"],
        "hours": "2.00",
        "meets_two_hours_rule": True,
    }
    assert client.get(f"/api/v1/declared-availabilities/{body['id']}/").json() == body

    updated = client.post(
        f"/api/v1/declared-availabilities/{body['id']}/update/", {"patients": 2}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["patients"] == 2
    free = Slot.objects.filter(declared_availability_id=body["id"], status=SlotStatus.FREE)
    assert free.count() in (4, 6) and {(s.end - s.start) for s in free} == {timedelta(hours=1)}

    removed = client.post(f"/api/v1/declared-availabilities/{body['id']}/delete/")
    assert removed.status_code == 204
    assert not DeclaredAvailability.objects.get(pk=body["id"]).is_active
    assert not Slot.objects.filter(declared_availability_id=body["id"], status=SlotStatus.FREE).exists()
    assert client.get(f"/api/v1/declared-availabilities/{body['id']}/").status_code == 404


def test_update_keeps_held_and_booked_slots_and_revives_the_declared_ones(effecteur):
    doctor = effecteur.professional
    block = DeclaredAvailability.objects.create(
        professional=doctor,
        place=doctor.places.first(),
        kind="one_off",
        date=timezone.localdate() + timedelta(days=2),
        start_time=time(9, 0),
        end_time=time(10, 0),
        modalities=["AMB"],
        patients=2,
    )
    from planning.services import declared_slots_generate

    declared_slots_generate(professional_ids=[doctor.pk])
    first, second = Slot.objects.filter(declared_availability=block).order_by("start")
    Slot.objects.filter(pk=first.pk).update(status=SlotStatus.BOOKED, booking_reference="DOS-1")

    _client(effecteur).post(
        f"/api/v1/declared-availabilities/{block.pk}/update/", {"patients": 1}, format="json"
    )
    assert Slot.objects.get(pk=first.pk).status == SlotStatus.BOOKED
    assert Slot.objects.get(pk=second.pk).status == SlotStatus.GONE

    _client(effecteur).post(
        f"/api/v1/declared-availabilities/{block.pk}/update/", {"patients": 2}, format="json"
    )
    assert Slot.objects.get(pk=second.pk).status == SlotStatus.FREE
    assert Slot.objects.filter(declared_availability=block).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**BLOCK, "weekday": None}, "weekday"),
        ({**BLOCK, "kind": "one_off", "date": None}, "date"),
        ({**BLOCK, "kind": "one_off", "date": str(date(2020, 1, 6))}, "date"),
        ({**BLOCK, "end_time": "13:00"}, "end_time"),
        ({**BLOCK, "modalities": []}, "modalities"),
        ({**BLOCK, "modalities": ["XX"]}, "modalities"),
    ],
)
def test_bad_block_is_a_400_and_writes_nothing(effecteur, payload, field):
    response = _client(effecteur).post("/api/v1/declared-availabilities/create/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["extra"]["fields"]
    assert DeclaredAvailability.objects.count() == 0


@pytest.mark.parametrize(
    ("roles", "status"),
    [((), 401), ((Role.OSNP,), 403), ((Role.EFFECTEUR,), 403)],
    ids=["anonymous", "wrong-role", "effecteur-without-directory-entry"],
)
def test_declaring_is_refused_and_writes_nothing(make_user, roles, status):
    client = _client(make_user(*roles)) if roles else APIClient()
    assert client.post("/api/v1/declared-availabilities/create/", BLOCK, format="json").status_code == status
    assert client.get("/api/v1/declared-availabilities/").status_code == status
    assert DeclaredAvailability.objects.count() == 0


def test_another_doctors_block_is_404_and_unchanged(effecteur, make_user):
    other_user = make_user(Role.EFFECTEUR, territories=["83"])
    other = professional_with_place("10000000602", insee="83137", last_name="Varois")
    other.user = other_user
    other.save()
    block = DeclaredAvailability.objects.create(
        professional=other,
        kind="weekly",
        weekday=2,
        start_time=time(9),
        end_time=time(11),
        modalities=["AMB"],
    )
    client = _client(effecteur)

    assert client.get(f"/api/v1/declared-availabilities/{block.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/declared-availabilities/{block.pk}/update/", {"patients": 3}, format="json"
    )
    assert response.status_code == 404
    assert client.post(f"/api/v1/declared-availabilities/{block.pk}/delete/").status_code == 404
    block.refresh_from_db()
    assert (block.patients, block.is_active) == (1, True)
    assert _client(other_user).get(f"/api/v1/declared-availabilities/{block.pk}/").status_code == 200

"""API of `cpts`: behaviour and authorisation matrix (anonymous, wrong role, other territory, right role)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cpts.enums import ImportStatus
from cpts.models import ImportRun, SasParticipation
from sas_platform.celery import app as celery_app
from sas_platform.enums import Role
from sas_platform.models import AuditEvent, Commune
from tests.cpts.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ParticipationFactory,
    PracticePlaceFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db

PSC_SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "fixtures/rpps/Extraction_ProSanteConnect_Personne_activite_202112120512.txt"
)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(sas13):
    """Two GPs in Marseille and Aubagne (13), one in Avignon (84)."""
    marseille = PracticePlaceFactory(professional__last_name="MARSEILLAIS").professional
    aubagne = PracticePlaceFactory(
        professional__last_name="AUBAGNAIS",
        commune=Commune.objects.get(insee_code="13005"),
        postal_code="13400",
    ).professional
    avignon = PracticePlaceFactory(
        professional__last_name="AVIGNONNAIS",
        commune=Commune.objects.get(insee_code="84007"),
        postal_code="84000",
    ).professional
    ParticipationFactory(professional=aubagne, surnumeraire=True, start_date=dt.date(2024, 1, 1))
    return {"marseille": marseille, "aubagne": aubagne, "avignon": avignon}


# --- Directory search -----------------------------------------------------------------


def test_search_anonymous_is_401(api_client, world):
    assert api_client.get("/api/v1/professionals/").status_code in (401, 403)


@pytest.mark.parametrize("role", [Role.EFFECTEUR, Role.AGENT_CPAM, Role.COORDINATEUR_STRUCTURE])
def test_search_wrong_role_is_403(make_user, world, role):
    response = client_for(make_user(role)).get("/api/v1/professionals/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_search_is_scoped_to_the_territory(make_user, world):
    osnp13 = make_user(Role.OSNP)
    names = [r["last_name"] for r in client_for(osnp13).get("/api/v1/professionals/").json()["results"]]
    assert names == ["AUBAGNAIS", "MARSEILLAIS"]
    osnp84 = make_user(Role.OSNP, territories=["84"])
    names = [r["last_name"] for r in client_for(osnp84).get("/api/v1/professionals/").json()["results"]]
    assert names == ["AVIGNONNAIS"]


def test_search_near_a_commune_accepting_surnumeraire(make_user, world):
    response = client_for(make_user(Role.REGULATEUR)).get(
        "/api/v1/professionals/",
        {"commune": "13055", "radius_km": 20, "accepts_surnumeraire": "true", "on": "2024-06-01"},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["last_name"] for r in results] == ["AUBAGNAIS"]
    assert results[0]["status"] == "participating"
    assert results[0]["participation"]["accepts_surnumeraire"] is True
    assert 10 < results[0]["distance_km"] < 20


def test_search_unknown_commune_is_a_french_400(make_user, world):
    response = client_for(make_user(Role.OSNP)).get("/api/v1/professionals/", {"commune": "99999"})
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["commune"] == ["Commune 99999 inconnue."]


def test_professional_detail_other_territory_is_404(make_user, world):
    osnp = make_user(Role.OSNP)
    assert client_for(osnp).get(f"/api/v1/professionals/{world['avignon'].pk}/").status_code == 404
    response = client_for(osnp).get(f"/api/v1/professionals/{world['aubagne'].pk}/")
    assert response.status_code == 200
    assert response.json()["places"][0]["commune"] == "13005"
    assert len(response.json()["participations"]) == 1


# --- CPTS -------------------------------------------------------------------------------


def test_cpts_detail_with_population_and_size(make_user, sas13):
    cpts = StructureFactory(name="CPTS Aubagne-La Ciotat", communes=["13005", "13028"])
    response = client_for(make_user(Role.ADMIN_SAS)).get(f"/api/v1/cpts/{cpts.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["population"], body["computed_size"], body["size"]) == (84_329, 3, 3)
    assert {c["insee_code"] for c in body["communes"]} == {"13005", "13028"}


def test_cpts_other_coordinator_sees_nothing(make_user, sas13):
    mine = CoordinatorFactory(user=make_user(Role.COORDINATEUR_STRUCTURE))
    other = StructureFactory()
    client = client_for(mine.user)
    assert client.get(f"/api/v1/cpts/{other.pk}/").status_code == 404
    assert [c["id"] for c in client.get("/api/v1/cpts/").json()] == [mine.structure.pk]


# --- Participation ------------------------------------------------------------------------


def _payload(professional, structure=None, **extra):
    return {
        "professional": professional.pk,
        "mode": "cpts" if structure else "individual",
        "structure": structure.pk if structure else None,
        "accepts_surnumeraire": True,
        "visibility": "declared_availability",
        "start_date": "2024-09-02",
        **extra,
    }


def test_doctor_declares_for_themself(make_user, world):
    doctor = world["marseille"]
    doctor.user = make_user(Role.EFFECTEUR)
    doctor.save()
    response = client_for(doctor.user).post("/api/v1/participations/", _payload(doctor), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["mode"] == "individual"


def test_doctor_cannot_declare_for_a_colleague(make_user, world):
    someone = make_user(Role.EFFECTEUR)
    response = client_for(someone).post(
        "/api/v1/participations/", _payload(world["marseille"]), format="json"
    )
    assert response.status_code == 403
    assert not SasParticipation.objects.filter(professional=world["marseille"]).exists()


def test_coordinator_declares_for_member_with_consent_only(make_user, world):
    coordination = CoordinatorFactory(user=make_user(Role.COORDINATEUR_STRUCTURE))
    member = world["marseille"]
    MembershipFactory(professional=member, structure=coordination.structure)
    client = client_for(coordination.user)
    refused = client.post("/api/v1/participations/", _payload(member, coordination.structure), format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "participation_consent_required"
    assert not SasParticipation.objects.filter(professional=member).exists()
    accepted = client.post(
        "/api/v1/participations/", _payload(member, coordination.structure, consent=True), format="json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["consent_recorded_at"] is not None


def test_coordinator_cannot_touch_another_cpts_members(make_user, world):
    coordination = CoordinatorFactory(user=make_user(Role.COORDINATEUR_STRUCTURE))
    other = StructureFactory()
    MembershipFactory(professional=world["marseille"], structure=other)
    response = client_for(coordination.user).post(
        "/api/v1/participations/", _payload(world["marseille"], other, consent=True), format="json"
    )
    assert response.status_code == 403
    assert not SasParticipation.objects.filter(professional=world["marseille"]).exists()


def test_via_a_structure_the_doctor_does_not_belong_to_is_refused_in_french(make_user, world):
    doctor = world["marseille"]
    doctor.user = make_user(Role.EFFECTEUR)
    doctor.save()
    cpts = StructureFactory(name="CPTS Étoile")
    response = client_for(doctor.user).post("/api/v1/participations/", _payload(doctor, cpts), format="json")
    assert response.status_code == 400
    assert "n'est pas membre de « CPTS Étoile »" in response.json()["message"]


def test_close_participation(make_user, world):
    doctor = world["aubagne"]
    doctor.user = make_user(Role.EFFECTEUR)
    doctor.save()
    participation = doctor.participations.get()
    url = f"/api/v1/participations/{participation.pk}/close/"
    assert client_for(make_user(Role.EFFECTEUR)).post(url, {"end_date": "2024-06-30"}).status_code == 403
    participation.refresh_from_db()
    assert participation.end_date is None
    response = client_for(doctor.user).post(url, {"end_date": "2024-06-30"})
    assert response.status_code == 200
    assert response.json()["end_date"] == "2024-06-30"


# --- Import runs ------------------------------------------------------------------------


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_import_upload_runs_the_task_after_commit(
    make_user, eager_celery, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    admin = make_user(Role.ADMIN_PLATEFORME)
    client = client_for(admin)
    upload = SimpleUploadedFile(PSC_SAMPLE.name, PSC_SAMPLE.read_bytes(), content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/api/v1/import-runs/create/", {"kind": "rpps", "file": upload}, format="multipart"
        )
    assert response.status_code == 202
    assert len(callbacks) == 1
    run = ImportRun.objects.get()
    assert (run.status, run.created_by) == (ImportStatus.DONE, admin)
    detail = client.get(f"/api/v1/import-runs/{run.pk}/").json()
    assert (detail["read"], detail["created"], detail["rejected"], detail["progress_percent"]) == (
        10,
        9,
        0,
        100,
    )
    assert detail["file_format"] == "psc"


@pytest.mark.parametrize("role", [Role.OSNP, Role.COORDINATEUR_STRUCTURE, Role.EFFECTEUR])
def test_import_upload_forbidden_writes_nothing(make_user, role, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("x.txt", b"a|b\n")
    response = client_for(make_user(role)).post(
        "/api/v1/import-runs/create/", {"kind": "rpps", "file": upload}
    )
    assert response.status_code == 403
    assert not ImportRun.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="cpts.").exists()
    assert not list(tmp_path.iterdir())


def test_openapi_schema_lists_cpts_endpoints(make_user):
    response = client_for(make_user(Role.ADMIN_PLATEFORME)).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/professionals/", "/api/v1/participations/", "/api/v1/import-runs/create/"} <= set(
        schema["paths"]
    )
    assert "ParticipationCreateInputRequest" in schema["components"]["schemas"]

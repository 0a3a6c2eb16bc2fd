"""Admin of `cpts`: read-mostly pages for support staff, contract facts through the service."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpts.models import ImportRun, Structure
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from tests.cpts.factories import MembershipFactory, PracticePlaceFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMIN_PLATEFORME, is_staff=True))
    return client


def test_changelists_and_pages(admin_client):
    place = PracticePlaceFactory()
    membership = MembershipFactory(professional=place.professional)
    for name in ("professional", "structure", "importrun", "structurecoordinator"):
        assert admin_client.get(reverse(f"admin:cpts_{name}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:cpts_professional_change", args=[place.professional.pk]))
    assert page.status_code == 200
    assert (
        admin_client.get(reverse("admin:cpts_structure_change", args=[membership.structure.pk])).status_code
        == 200
    )


def test_size_override_goes_through_the_service(admin_client):
    cpts = StructureFactory(communes=["13201"])
    response = admin_client.post(
        reverse("admin:cpts_structure_change", args=[cpts.pk]),
        {"size_override": "3", "aci_signed_on": "2022-11-08"},
    )
    assert response.status_code == 302
    cpts.refresh_from_db()
    assert cpts.size_override == 3
    assert AuditEvent.objects.filter(
        event_type="cpts.structure_contract_updated", object_id=str(cpts.pk)
    ).exists()
    assert Structure.objects.count() == 1


def test_import_upload_from_admin(admin_client, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("annuaire.json", b'{"resourceType": "Bundle", "entry": []}')
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(reverse("admin:cpts_importrun_add"), {"kind": "fhir", "upload": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.kind, run.file_name, run.status) == ("fhir", "annuaire.json", "pending")
    assert len(callbacks) == 1  # the Celery task is enqueued after commit


def test_admin_closed_to_coordinators(client, make_user):
    client.force_login(make_user(Role.COORDINATEUR_STRUCTURE, is_staff=True))
    response = client.get(reverse("admin:cpts_professional_changelist"))
    assert response.status_code == 302

"""Probe findings 2 and 3 (issue 13): an agenda source's token is never readable; the Django admin is
closed to everyone but platform administrators; ``view_slot`` does not open the national FHIR feed."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.authtoken.models import Token

from planning.models import AgendaSource
from sas_platform.enums import Role
from sas_platform.services import roles_ensure_groups

SECRET = "s3cret-jeton-editeur-0123456789"


@pytest.fixture
def source(db):
    return AgendaSource.objects.create(
        name="editeur-13", label="Éditeur 13", base_url="https://editeur.example/fhir", request_token=SECRET
    )


@pytest.fixture
def sas_admin_83(make_user):
    roles_ensure_groups()
    return make_user(Role.ADMIN_SAS, territories=["83"])


@pytest.fixture
def platform_admin(make_user):
    roles_ensure_groups()
    return make_user(Role.ADMIN_PLATEFORME, territories=())


# --- Finding 2: the agenda source's token ---------------------------------------------------
@pytest.mark.django_db
def test_superuser_never_sees_the_source_token(client, platform_admin, source):
    assert platform_admin.is_superuser
    client.force_login(platform_admin)
    page = client.get(f"/admin/planning/agendasource/{source.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html
    assert not re.search(r'name="request_token"[^>]*value=', html)
    assert "Jeton enregistré" in html


@pytest.mark.django_db
def test_sas_admin_never_sees_the_source_token(client, sas_admin_83, source):
    client.force_login(sas_admin_83)
    for url in (
        f"/admin/planning/agendasource/{source.pk}/change/",
        "/admin/planning/agendasource/",
        f"/admin/planning/agendasource/{source.pk}/history/",
    ):
        response = client.get(url)
        assert SECRET not in response.content.decode()
        assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_the_token_is_replaced_write_only(client, platform_admin, source):
    client.force_login(platform_admin)
    url = f"/admin/planning/agendasource/{source.pk}/change/"
    data = {
        "name": source.name,
        "label": source.label,
        "kind": source.kind,
        "base_url": source.base_url,
        "departement": "",
        "rpps_list": "[]",
        "client_cert_path": "",
        "client_key_path": "",
        "poll_every_seconds": 300,
        "horizon_hours": 72,
        "stale_after_seconds": 900,
        "exclude_after_seconds": 3600,
        "is_active": "on",
        "new_request_token": "",
    }
    assert client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.request_token == SECRET  # empty: kept
    assert client.post(url, {**data, "new_request_token": "nouveau-jeton-42"}).status_code == 302
    source.refresh_from_db()
    assert source.request_token == "nouveau-jeton-42"
    assert "nouveau-jeton-42" not in client.get(url).content.decode()


# --- Finding 3: the admin is for platform administrators only --------------------------------
ADMIN_PAGES = [
    "/admin/",
    "/admin/regulation/dossier/",
    "/admin/sas_platform/auditevent/",
    "/admin/sas_platform/patientdataaccess/",
    "/admin/regulation/actfact/",
    "/admin/regulation/regulatorshift/",
    "/admin/planning/slot/",
    "/admin/cpts/structurecoordinator/",
    "/admin/sas_platform/user/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_sas_admin_of_another_territory_cannot_read_the_admin(client, sas_admin_83, url):
    client.force_login(sas_admin_83)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_platform_admin_reads_the_admin(client, platform_admin, url):
    client.force_login(platform_admin)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_sas_admin_group_holds_no_model_permission(db):
    group = next(g for g in roles_ensure_groups() if g.name == Role.ADMIN_SAS)
    assert not group.permissions.exists()


@pytest.mark.django_db
def test_sas_admin_token_does_not_open_the_national_slot_feed(client, sas_admin_83):
    token = Token.objects.create(user=sas_admin_83).key
    response = client.get(reverse("fhir-slot-search"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.django_db
def test_view_slot_alone_does_not_open_the_feed(client, make_user):
    user = make_user(territories=())
    user.user_permissions.add(
        Permission.objects.get(codename="view_slot", content_type__app_label="planning")
    )
    token = Token.objects.create(user=user).key
    response = client.get(reverse("fhir-slot-search"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_dedicated_consumer_permission_opens_the_feed(client, make_user):
    user = make_user(territories=())
    user.user_permissions.add(
        Permission.objects.get(codename="consume_fhir_slots", content_type__app_label="planning")
    )
    token = Token.objects.create(user=user).key
    response = client.get(reverse("fhir-slot-search"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400  # authorised: the query parameters are missing

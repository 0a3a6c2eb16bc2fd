"""Append-only audit trail: writers in the service's transaction, no update/delete path (item 7)."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from sas_platform.enums import AccessPurpose, AuditEventType, Role
from sas_platform.events import audit_event_write, patient_data_access_write
from sas_platform.models import AuditEvent, Commune, PatientDataAccess
from sas_platform.models.audit import AppendOnlyError

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only"
)


@pytest.fixture
def event(make_user):
    actor = make_user(Role.ADMIN_SAS)
    return audit_event_write(
        event_type=AuditEventType.USER_ROLES_CHANGED,
        actor=actor,
        obj=actor,
        params={"before": [], "after": ["admin_sas"]},
    )


@pytest.fixture
def access(make_user):
    reader = make_user(Role.OSNP)
    return patient_data_access_write(
        actor=reader, obj=Commune.objects.get(insee_code="13055"), purpose=AccessPurpose.VIEW, path="/x/"
    )


# --- Writers --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_audit_event_write_records_actor_object_and_params(make_user):
    actor = make_user(Role.ADMIN_SAS, email="admin13@exemple.fr")
    commune = Commune.objects.get(insee_code="13028")

    row = audit_event_write(
        event_type=AuditEventType.GEOGRAPHY_LOADED, actor=actor, obj=commune, params={"n": 1}
    )

    row.refresh_from_db()
    assert row.event_type == "platform.geography_loaded"
    assert row.actor == actor
    assert row.actor_label == "admin13@exemple.fr"
    assert (row.object_type, row.object_id, row.object_repr) == (
        "sas_platform.commune",
        "13028",
        "La Ciotat (13600)",  # the postal code, not the INSEE code (issue 9)
    )
    assert row.params == {"n": 1}
    assert row.occurred_at is not None


@pytest.mark.django_db
def test_audit_event_write_for_the_system():
    row = audit_event_write(event_type=AuditEventType.GEOGRAPHY_LOADED, actor=None)
    assert (row.actor, row.actor_label, row.object_type, row.params) == (None, "système", "", {})


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["nodot", "Platform.Upper", "a.b.c", "platform.with-dash", ""])
def test_audit_event_write_refuses_malformed_event_type(bad):
    with pytest.raises(ValueError, match="Type d'événement d'audit invalide"):
        audit_event_write(event_type=bad, actor=None)
    assert AuditEvent.objects.filter(event_type=bad).count() == 0


@pytest.mark.django_db
def test_writer_inside_a_transaction_rolls_back_with_it():
    before = AuditEvent.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit_event_write(event_type=AuditEventType.GEOGRAPHY_LOADED, actor=None)
        assert AuditEvent.objects.count() == before + 1
        raise Boom

    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_patient_data_access_write(access):
    access.refresh_from_db()
    assert (access.object_type, access.object_id, access.purpose, access.path) == (
        "sas_platform.commune",
        "13055",
        "view",
        "/x/",
    )


# --- No update or delete path in code --------------------------------------------------------
@pytest.mark.django_db
def test_saving_an_existing_event_is_refused(event):
    event.params = {"forged": True}
    with pytest.raises(AppendOnlyError, match="aucune modification"):
        event.save()
    event.refresh_from_db()
    assert event.params == {"before": [], "after": ["admin_sas"]}


@pytest.mark.django_db
def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError, match="aucune suppression"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(params={})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["params"])
    assert AuditEvent.objects.get(pk=event.pk).params == {"before": [], "after": ["admin_sas"]}


@pytest.mark.django_db
def test_patient_data_access_is_append_only(access):
    with pytest.raises(AppendOnlyError):
        access.save()
    with pytest.raises(AppendOnlyError):
        access.delete()
    with pytest.raises(AppendOnlyError):
        PatientDataAccess.objects.filter(pk=access.pk).update(path="")
    with pytest.raises(AppendOnlyError):
        PatientDataAccess.objects.filter(pk=access.pk).delete()
    assert PatientDataAccess.objects.get(pk=access.pk).path == "/x/"


@pytest.mark.django_db
def test_deleting_a_user_with_audit_rows_is_refused(event):
    actor = event.actor
    with pytest.raises(ProtectedError), transaction.atomic():
        actor.delete()
    assert AuditEvent.objects.filter(pk=event.pk, actor=actor).exists()


# --- The PostgreSQL trigger refuses raw SQL --------------------------------------------------
@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE sas_platform_auditevent SET params = '{}' WHERE id = %s",
        "DELETE FROM sas_platform_auditevent WHERE id = %s",
    ],
)
def test_trigger_refuses_raw_sql_on_audit_events(event, sql):
    with (
        pytest.raises(DatabaseError, match="Le journal d'audit est en ajout seul"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).params == {"before": [], "after": ["admin_sas"]}


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE sas_platform_patientdataaccess SET path = '' WHERE id = %s",
        "DELETE FROM sas_platform_patientdataaccess WHERE id = %s",
    ],
)
def test_trigger_refuses_raw_sql_on_patient_data_accesses(access, sql):
    with (
        pytest.raises(DatabaseError, match="Le journal d'audit est en ajout seul"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [access.pk])
    assert PatientDataAccess.objects.get(pk=access.pk).path == "/x/"


# --- Admin: read only -----------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("model", [AuditEvent, PatientDataAccess])
def test_admin_has_no_add_change_or_delete(make_user, model):
    request = RequestFactory().get("/admin/")
    request.user = make_user(Role.ADMIN_PLATEFORME)  # superuser: every Django permission
    model_admin = site._registry[model]
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.get_actions(request) == {}


@pytest.mark.django_db
def test_admin_pages_of_the_audit_trail(client, make_user, event):
    client.force_login(make_user(Role.ADMIN_PLATEFORME))
    assert client.get("/admin/sas_platform/auditevent/").status_code == 200
    assert client.get(f"/admin/sas_platform/auditevent/{event.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/sas_platform/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/sas_platform/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- Log-in / log-out are audited ------------------------------------------------------------
@pytest.mark.django_db
def test_login_failure_is_audited_without_the_password(client, make_user):
    user = make_user(Role.OSNP, email="osnp13@exemple.fr")
    client.post("/connexion/", {"username": "osnp13@exemple.fr", "password": "mauvais-mot-de-passe"})
    row = AuditEvent.objects.get(event_type=AuditEventType.USER_LOGIN_FAILED)
    assert row.params == {"email": "osnp13@exemple.fr"}
    assert row.object_id == str(user.pk)
    assert "mauvais-mot-de-passe" not in str(row.params)

"""Probe finding 8 (issue 13): as the application's database role, the audit trail resists
TRUNCATE, DISABLE TRIGGER and ``session_replication_role = replica`` (as well as UPDATE/DELETE);
a TRUNCATE trigger guards it from any non-superuser allowed to truncate."""

import os

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from sas_platform.dbroles import app_role_grant
from sas_platform.enums import AuditEventType
from sas_platform.events import audit_event_write
from sas_platform.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

ROLE = f"sas_app_test_{os.getpid()}"


def _as_role(role, sql, params=None):
    """Run ``sql`` as ``role`` in a savepoint; returns the rows or raises ``DatabaseError``."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def app_role():
    app_role_grant(role=ROLE)  # inside the test's transaction: rolled back with it
    audit_event_write(event_type=AuditEventType.USER_LOGGED_IN, actor=None)
    return ROLE


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE sas_platform_auditevent",
        "TRUNCATE sas_platform_patientdataaccess",
        "ALTER TABLE sas_platform_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE sas_platform_auditevent DISABLE TRIGGER sas_platform_auditevent_append_only",
        "SET session_replication_role = replica",
        "UPDATE sas_platform_auditevent SET event_type = 'x.y'",
        "DELETE FROM sas_platform_patientdataaccess",
        "DROP TABLE sas_platform_auditevent",
    ],
    ids=["truncate", "truncate-reads", "disable-all", "disable-one", "replica", "update", "delete", "drop"],
)
def test_the_app_role_cannot_erase_the_audit_trail(app_role, sql):
    with pytest.raises(DatabaseError):
        _as_role(app_role, sql)
    assert AuditEvent.objects.count() >= 1


def test_the_app_role_inserts_and_reads_the_audit_trail_and_works_elsewhere(app_role):
    _as_role(
        app_role,
        "INSERT INTO sas_platform_auditevent (occurred_at, actor_label, event_type, object_type, object_id,"
        " object_repr, params) VALUES (now(), 'système', 'test.row', '', '', '', '{}')",
    )
    assert _as_role(
        app_role, "SELECT count(*) FROM sas_platform_auditevent WHERE event_type = 'test.row'"
    ) == [(1,)]
    _as_role(app_role, "UPDATE sas_platform_departement SET name = name WHERE code = '13'")
    _as_role(app_role, "DELETE FROM django_session WHERE expire_date < now() - interval '100 years'")


def test_the_app_role_is_no_superuser_nor_owner(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [app_role]
        )
        assert cursor.fetchone() == (False, False, False)
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'sas_platform_auditevent'")
        assert cursor.fetchone()[0] != app_role


def test_truncate_trigger_stops_a_role_granted_truncate(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT TRUNCATE ON sas_platform_auditevent TO "{app_role}"')
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks from the fixture's row
    with pytest.raises(DatabaseError, match="ajout seul"):
        _as_role(app_role, "TRUNCATE sas_platform_auditevent")


def test_the_command_is_idempotent(app_role, capsys):
    call_command("db_app_role", app_role)
    call_command("db_app_role", app_role)
    assert f"Rôle {app_role}" in capsys.readouterr().out
    with pytest.raises(DatabaseError):
        _as_role(app_role, "TRUNCATE sas_platform_auditevent")

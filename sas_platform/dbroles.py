"""The application's PostgreSQL role (issue 13, finding 8; DOMAIN.md §8).

The tables belong to the role that runs the migrations (the owner). Web, worker and beat connect
as another role, which may read and write the platform's tables but only INSERT and SELECT the
audit tables: it cannot UPDATE, DELETE or TRUNCATE them, nor disable their triggers (owner only),
nor ``SET session_replication_role`` (superuser only). ``manage.py db_app_role <role>`` (run by the
owner after ``migrate``: ``make install``, the compose file's ``migrate`` service) creates the role
when missing and (re)grants its rights, default privileges for future tables included.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

AUDIT_TABLES = ("sas_platform_auditevent", "sas_platform_patientdataaccess")


def _ident(name: str) -> str:
    return connection.ops.quote_name(name)


def app_role_grant(*, role: str, password: str | None = None) -> list[str]:
    """Create ``role`` if needed and grant it the application's rights; returns the SQL run.

    Runs as the tables' owner on PostgreSQL; does nothing elsewhere (the embedded SQLite)."""
    if connection.vendor != "postgresql":
        return []
    owner = connection.settings_dict["USER"] or "postgres"
    database = connection.settings_dict["NAME"]
    role_q = _ident(role)
    statements: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            statements.append(f"CREATE ROLE {role_q} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION")
        else:
            statements.append(f"ALTER ROLE {role_q} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION")
        statements += [
            f"GRANT CONNECT ON DATABASE {_ident(database)} TO {role_q}",
            f"GRANT USAGE ON SCHEMA public TO {role_q}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role_q}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role_q}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(owner)} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(owner)} IN SCHEMA public "
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role_q}",
        ]
        # Behind PgBouncer the per-connection ``options`` are not passed: the role carries them.
        statements += [
            f"ALTER ROLE {role_q} SET statement_timeout = {int(settings.DB_STATEMENT_TIMEOUT_MS)}",
            f"ALTER ROLE {role_q} SET lock_timeout = {int(settings.DB_LOCK_TIMEOUT_MS)}",
        ]
        for table in AUDIT_TABLES:
            statements.append(
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {_ident(table)} FROM {role_q}"
            )
        for sql in statements:
            cursor.execute(sql)
        if password:
            cursor.execute(f"ALTER ROLE {role_q} PASSWORD %s", [password])
    return statements

"""The audit tables refuse TRUNCATE too (issue 13, finding 8), on PostgreSQL.

A statement-level ``BEFORE TRUNCATE`` trigger. A superuser may still truncate (the test runner's
flush between transactional tests does): a superuser can disable any trigger anyway, so the real
guard is that the application never runs as one nor as the tables' owner (``db_app_role``).
"""

from django.db import migrations

TABLES = ["sas_platform_auditevent", "sas_platform_patientdataaccess"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION sas_audit_no_truncate() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'Le journal d''audit est en ajout seul (%).', TG_OP;
        END;
        $$ LANGUAGE plpgsql;
        """,
        params=None,
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sas_audit_no_truncate();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS sas_audit_no_truncate();")


class Migration(migrations.Migration):
    dependencies = [("sas_platform", "0003_commune_search_name_with_article")]

    operations = [migrations.RunPython(forwards, backwards)]

"""Create the role groups, and make the audit tables append-only on PostgreSQL."""

from django.db import migrations

ROLES = [
    "arm", "regulateur", "osnp", "effecteur", "coordinateur_structure",
    "agent_cpam", "agent_ars", "admin_sas", "admin_plateforme",
]

TABLES = ["sas_platform_auditevent", "sas_platform_patientdataaccess"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLES:
        Group.objects.get_or_create(name=code)


def forwards_sql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION sas_audit_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'Le journal d''audit est en ajout seul (%).', TG_OP;
        END;
        $$ LANGUAGE plpgsql;
        """,
        params=None,
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION sas_audit_append_only();"
        )


def backwards_sql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS sas_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [("sas_platform", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(forwards_sql, backwards_sql),
    ]

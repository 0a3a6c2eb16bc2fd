"""Lines inserted into a locked bordereau are refused once per statement, not once per row.

Same guarantee as ``0003_lock_triggers`` (no line is ever added to a locked or paid bordereau),
checked on the statement's inserted rows as a whole (a transition table): a computation writes
tens of thousands of lines in one ``COPY`` (issue 12 bench), and the per-row check cost a query
a line. UPDATE and DELETE keep their per-row trigger. PostgreSQL only; SQLite keeps its triggers.
"""

from django.db import migrations

POSTGRES_UP = """
DROP TRIGGER IF EXISTS remuneration_line_lock ON remuneration_bordereauline;
CREATE TRIGGER remuneration_line_lock
BEFORE UPDATE OR DELETE ON remuneration_bordereauline
FOR EACH ROW EXECUTE FUNCTION remuneration_line_guard();

CREATE OR REPLACE FUNCTION remuneration_line_insert_guard() RETURNS trigger AS $$
DECLARE locked_id bigint;
BEGIN
    SELECT b.id INTO locked_id FROM remuneration_bordereau b
    WHERE b.status IN ('locked', 'paid') AND b.id IN (SELECT DISTINCT bordereau_id FROM inserted_lines)
    LIMIT 1;
    IF locked_id IS NOT NULL THEN
        RAISE EXCEPTION 'Bordereau % verrouillé : ajout de ligne refusé.', locked_id USING ERRCODE = 'P0001';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS remuneration_line_insert_lock ON remuneration_bordereauline;
CREATE TRIGGER remuneration_line_insert_lock
AFTER INSERT ON remuneration_bordereauline
REFERENCING NEW TABLE AS inserted_lines
FOR EACH STATEMENT EXECUTE FUNCTION remuneration_line_insert_guard();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS remuneration_line_insert_lock ON remuneration_bordereauline;
DROP FUNCTION IF EXISTS remuneration_line_insert_guard();
DROP TRIGGER IF EXISTS remuneration_line_lock ON remuneration_bordereauline;
CREATE TRIGGER remuneration_line_lock
BEFORE INSERT OR UPDATE OR DELETE ON remuneration_bordereauline
FOR EACH ROW EXECUTE FUNCTION remuneration_line_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("remuneration", "0004_aci_indicator_targets")]
    operations = [migrations.RunPython(forwards, backwards)]

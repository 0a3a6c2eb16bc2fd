"""A locked bordereau never changes: triggers refuse it in the database, not only in code.

Locked (``locked``) and paid (``paid``) bordereaux: no DELETE; no UPDATE except ``locked`` →
``paid`` touching only ``status``, ``paid_at``, ``paid_by_id``. Their lines: no INSERT, UPDATE
or DELETE. Exported files: write-once (no UPDATE, no DELETE). PostgreSQL (PL/pgSQL) and SQLite
(``RAISE(ABORT)``) both get them. Row triggers do not fire on TRUNCATE (test flushes).
"""

from django.db import migrations

LOCKED = "('locked', 'paid')"
PAID_ONLY = "'status', 'paid_at', 'paid_by_id'"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION remuneration_bordereau_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN {LOCKED} THEN
            RAISE EXCEPTION 'Bordereau % verrouillé : suppression refusée.', OLD.id USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'paid' OR (OLD.status = 'locked' AND (
        NEW.status <> 'paid'
        OR (to_jsonb(NEW) - ARRAY[{PAID_ONLY}]) <> (to_jsonb(OLD) - ARRAY[{PAID_ONLY}])
    )) THEN
        RAISE EXCEPTION 'Bordereau % verrouillé : modification refusée.', OLD.id USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER remuneration_bordereau_lock
BEFORE UPDATE OR DELETE ON remuneration_bordereau
FOR EACH ROW EXECUTE FUNCTION remuneration_bordereau_guard();

CREATE OR REPLACE FUNCTION remuneration_line_guard() RETURNS trigger AS $$
DECLARE parent_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO parent_status FROM remuneration_bordereau WHERE id = OLD.bordereau_id;
        IF parent_status IN {LOCKED} THEN
            RAISE EXCEPTION 'Ligne % d''un bordereau verrouillé : modification refusée.', OLD.id
                USING ERRCODE = 'P0001';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO parent_status FROM remuneration_bordereau WHERE id = NEW.bordereau_id;
        IF parent_status IN {LOCKED} THEN
            RAISE EXCEPTION 'Bordereau % verrouillé : ajout de ligne refusé.', NEW.bordereau_id
                USING ERRCODE = 'P0001';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER remuneration_line_lock
BEFORE INSERT OR UPDATE OR DELETE ON remuneration_bordereauline
FOR EACH ROW EXECUTE FUNCTION remuneration_line_guard();

CREATE OR REPLACE FUNCTION remuneration_export_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Export de bordereau en écriture seule : modification refusée.' USING ERRCODE = 'P0001';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER remuneration_export_lock
BEFORE UPDATE OR DELETE ON remuneration_bordereauexport
FOR EACH ROW EXECUTE FUNCTION remuneration_export_guard();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS remuneration_export_lock ON remuneration_bordereauexport;
DROP TRIGGER IF EXISTS remuneration_line_lock ON remuneration_bordereauline;
DROP TRIGGER IF EXISTS remuneration_bordereau_lock ON remuneration_bordereau;
DROP FUNCTION IF EXISTS remuneration_export_guard();
DROP FUNCTION IF EXISTS remuneration_line_guard();
DROP FUNCTION IF EXISTS remuneration_bordereau_guard();
"""

_UNCHANGED = " OR ".join(
    f"NEW.{column} IS NOT OLD.{column}"
    for column in (
        "kind",
        "territory_id",
        "period",
        "lines_count",
        "total",
        "anomalies",
        "provisional",
        "fingerprint",
        "computed_at",
        "computed_by_id",
        "validated_at",
        "validated_by_id",
        "sent_back_at",
        "sent_back_by_id",
        "sent_back_reason",
        "locked_at",
        "locked_by_id",
        "created_at",
        "progress_done",
        "progress_total",
    )
)
_PARENT_LOCKED = "(SELECT status FROM remuneration_bordereau WHERE id = {ref}.bordereau_id) IN " + LOCKED

SQLITE_UP = [
    f"""CREATE TRIGGER remuneration_bordereau_no_delete BEFORE DELETE ON remuneration_bordereau
    WHEN OLD.status IN {LOCKED}
    BEGIN SELECT RAISE(ABORT, 'Bordereau verrouillé : suppression refusée.'); END""",
    f"""CREATE TRIGGER remuneration_bordereau_no_update BEFORE UPDATE ON remuneration_bordereau
    WHEN OLD.status = 'paid' OR (OLD.status = 'locked' AND (NEW.status <> 'paid' OR {_UNCHANGED}))
    BEGIN SELECT RAISE(ABORT, 'Bordereau verrouillé : modification refusée.'); END""",
    f"""CREATE TRIGGER remuneration_line_no_insert BEFORE INSERT ON remuneration_bordereauline
    WHEN {_PARENT_LOCKED.format(ref="NEW")}
    BEGIN SELECT RAISE(ABORT, 'Bordereau verrouillé : ajout de ligne refusé.'); END""",
    f"""CREATE TRIGGER remuneration_line_no_update BEFORE UPDATE ON remuneration_bordereauline
    WHEN {_PARENT_LOCKED.format(ref="OLD")} OR {_PARENT_LOCKED.format(ref="NEW")}
    BEGIN SELECT RAISE(ABORT, 'Ligne d''un bordereau verrouillé : modification refusée.'); END""",
    f"""CREATE TRIGGER remuneration_line_no_delete BEFORE DELETE ON remuneration_bordereauline
    WHEN {_PARENT_LOCKED.format(ref="OLD")}
    BEGIN SELECT RAISE(ABORT, 'Ligne d''un bordereau verrouillé : suppression refusée.'); END""",
    """CREATE TRIGGER remuneration_export_no_update BEFORE UPDATE ON remuneration_bordereauexport
    BEGIN SELECT RAISE(ABORT, 'Export de bordereau en écriture seule : modification refusée.'); END""",
    """CREATE TRIGGER remuneration_export_no_delete BEFORE DELETE ON remuneration_bordereauexport
    BEGIN SELECT RAISE(ABORT, 'Export de bordereau en écriture seule : suppression refusée.'); END""",
]
SQLITE_TRIGGERS = [
    "remuneration_bordereau_no_delete",
    "remuneration_bordereau_no_update",
    "remuneration_line_no_insert",
    "remuneration_line_no_update",
    "remuneration_line_no_delete",
    "remuneration_export_no_update",
    "remuneration_export_no_delete",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("remuneration", "0002_seed_baremes")]
    operations = [migrations.RunPython(forwards, backwards)]

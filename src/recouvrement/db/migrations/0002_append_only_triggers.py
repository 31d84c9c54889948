"""Database triggers: journal rows and attached documents are never updated nor deleted.

The ORM is not the only way in (admin, shell, SQL); the rule lives in the database.
Wiping the whole database (`flush`, in tests) stays possible: PostgreSQL's TRUNCATE does not
fire row triggers, and on SQLite the DELETE trigger lets `flush` through (db/backends/sqlite3).
"""

from django.db import migrations

PROTECTED = {
    "recouvrement_journalentry": "Le journal est en ajout seul : une ligne ne peut être ni "
    "modifiée ni supprimée.",
    "recouvrement_attacheddocument": "Un document attaché ne peut être ni remplacé ni supprimé.",
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, message in PROTECTED.items():
        if vendor == "sqlite":
            # DELETE is allowed only while `flush` wipes the whole database (db/backends).
            for event, when in (("UPDATE", ""), ("DELETE", "WHEN NOT recouvrement_wiping() ")):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} {when}"
                    f"BEGIN SELECT RAISE(ABORT, '{message.replace(chr(39), chr(39) * 2)}'); END;"
                )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{message.replace(chr(39), chr(39) * 2)}' "
                "USING ERRCODE = 'integrity_constraint_violation'; END $$;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in PROTECTED:
        if vendor == "sqlite":
            for event in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]

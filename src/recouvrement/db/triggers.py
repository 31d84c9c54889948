"""Append-only tables: database triggers refuse UPDATE and DELETE (used by the migrations).

The ORM is not the only way in (admin, shell, SQL), so the rule lives in the database.
Wiping the whole database (`flush`, in tests) stays possible: PostgreSQL's TRUNCATE does not
fire row triggers, and on SQLite the DELETE trigger lets `flush` through (db/backends/sqlite3).

SQLite's `REPLACE INTO` / `INSERT OR REPLACE` deletes the row in its way without firing
DELETE triggers (unless `recursive_triggers` is on, which another program's connection is
not): a BEFORE INSERT trigger refuses an insert whose id, or one-to-one column
(`UNIQUE_COLUMNS`), is already taken. PostgreSQL has no REPLACE, and its
`INSERT … ON CONFLICT DO UPDATE` fires the UPDATE trigger.
"""

# The unique columns besides the id an insert could replace a row through (one-to-one keys).
UNIQUE_COLUMNS = {
    "recouvrement_attacheddocument": ("intervention_id",),
    "recouvrement_printedletter": ("intervention_id",),
}


def _quoted(message: str) -> str:
    return message.replace("'", "''")


def _taken(table: str) -> str:
    """An insert's id (or one-to-one column) is already taken. Inserts that give no id (all
    the application's) see NEW.id = -1: the lookup is skipped, which costs the batch's
    100 000 journal rows ~0.3 s otherwise."""
    taken = f"NEW.id > 0 AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)"
    for column in UNIQUE_COLUMNS.get(table, ()):
        taken += f" OR EXISTS (SELECT 1 FROM {table} WHERE {column} = NEW.{column})"
    return taken


def create_append_only(schema_editor, table: str, message: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event, when in (("UPDATE", ""), ("DELETE", "WHEN NOT recouvrement_wiping() ")):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} {when}"
                f"BEGIN SELECT RAISE(ABORT, '{_quoted(message)}'); END;"
            )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN {_taken(table)} BEGIN SELECT RAISE(ABORT, '{_quoted(message)}'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_quoted(message)}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
        )


def drop_append_only(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event in ("update", "delete", "replace"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")

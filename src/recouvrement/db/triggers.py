"""Append-only tables: database triggers refuse UPDATE and DELETE (used by the migrations).

The ORM is not the only way in (admin, shell, SQL), so the rule lives in the database.
Wiping the whole database (`flush`, in tests) stays possible: PostgreSQL's TRUNCATE does not
fire row triggers, and on SQLite the DELETE trigger lets `flush` through (db/backends/sqlite3).
"""


def _quoted(message: str) -> str:
    return message.replace("'", "''")


def create_append_only(schema_editor, table: str, message: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event, when in (("UPDATE", ""), ("DELETE", "WHEN NOT recouvrement_wiping() ")):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} {when}"
                f"BEGIN SELECT RAISE(ABORT, '{_quoted(message)}'); END;"
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
        for event in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")

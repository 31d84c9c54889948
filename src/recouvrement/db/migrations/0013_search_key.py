"""The search key function on PostgreSQL (db/functions.py): lower(unaccent(text)).

SQLite gets the same function from Python on every connection (db/backends/sqlite3).
`unaccent` is a trusted extension: the database's owner may create it.
"""

from django.db import migrations

FORWARDS = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION recouvrement_search_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary,
        replace(replace(replace(replace($1, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))) $$;
"""
BACKWARDS = "DROP FUNCTION IF EXISTS recouvrement_search_key(text);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0012_journal_chain")]
    operations = [migrations.RunPython(forwards, backwards)]

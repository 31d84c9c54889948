"""Journal rows, attached documents and printed letters are never updated nor deleted.

M9 (journal), S10 (one document, never deleted nor replaced), S7 (the exact PDF printed).
On SQLite, a later migration that alters one of these tables rebuilds it and loses its
triggers: such a migration must call `create_append_only` again.
"""

from django.db import migrations

from recouvrement.db.triggers import create_append_only, drop_append_only

PROTECTED = {
    "recouvrement_journalentry": "Le journal est en ajout seul : une ligne ne peut être ni "
    "modifiée ni supprimée.",
    "recouvrement_attacheddocument": "Un document attaché ne peut être ni remplacé ni supprimé.",
    "recouvrement_printbatch": "Un PDF imprimé est conservé tel quel : ni modifié ni supprimé.",
    "recouvrement_printedletter": "Un courrier imprimé est conservé tel quel : ni modifié ni "
    "supprimé.",
}


def create_triggers(apps, schema_editor):
    for table, message in PROTECTED.items():
        create_append_only(schema_editor, table, message)


def drop_triggers(apps, schema_editor):
    for table in PROTECTED:
        drop_append_only(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]

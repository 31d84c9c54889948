"""`prepare` within its budget (PRODUCT §7): two indexes fewer on interventions (a chargé's own
worklist reads the shared ones; the dossier's index is its steps' unique one) and no
foreign-key check of the journal's company (a copy, like the intervention's).

On SQLite, altering the journal's key rebuilds its table, which loses the append-only
triggers: they are created again (migration 0002)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recouvrement.db.triggers import create_append_only, drop_append_only

JOURNAL = "recouvrement_journalentry"
JOURNAL_MESSAGE = "Le journal est en ajout seul : une ligne ne peut être ni modifiée ni supprimée."


def restore_journal_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        drop_append_only(schema_editor, JOURNAL)
        create_append_only(schema_editor, JOURNAL, JOURNAL_MESSAGE)


class Migration(migrations.Migration):
    dependencies = [
        ("recouvrement", "0005_default_letter_templates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="intervention",
            name="intervention_step_once",
        ),
        migrations.RemoveIndex(
            model_name="intervention",
            name="worklist_date",
        ),
        migrations.RemoveIndex(
            model_name="intervention",
            name="worklist_mine_priority",
        ),
        migrations.RemoveIndex(
            model_name="intervention",
            name="worklist_mine_date",
        ),
        migrations.RemoveIndex(
            model_name="intervention",
            name="intervention_by_dossier",
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="company",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                to="recouvrement.company",
            ),
        ),
        migrations.AddIndex(
            model_name="intervention",
            index=models.Index(
                condition=models.Q(("status", "todo")),
                fields=["company", "planned_date", "id", "queue_collector_id"],
                name="worklist_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="intervention",
            constraint=models.UniqueConstraint(
                fields=("dossier", "step"), name="intervention_step_once"
            ),
        ),
        migrations.RunPython(restore_journal_triggers, restore_journal_triggers),
    ]

"""The journal's hash chain (O6) and REPLACE refused on SQLite.

Each journal row gets the hash of its company's previous row and its own, computed here for
the rows already written (in id order, by `domain.journal_chain`, with the append-only
triggers dropped meanwhile); each company gets its chain head. On SQLite, making the columns
required rebuilds the journal's table, which loses its triggers: every append-only table's
triggers are created again, now with the one that refuses `REPLACE INTO` (db/triggers.py).
"""

from django.db import migrations, models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from recouvrement.db.triggers import create_append_only, drop_append_only
from recouvrement.domain.journal_chain import GENESIS, Chain, canonical

JOURNAL = "recouvrement_journalentry"
PROTECTED = {
    JOURNAL: "Le journal est en ajout seul : une ligne ne peut être ni modifiée ni supprimée.",
    "recouvrement_attacheddocument": "Un document attaché ne peut être ni remplacé ni supprimé.",
    "recouvrement_printbatch": "Un PDF imprimé est conservé tel quel : ni modifié ni supprimé.",
    "recouvrement_printedletter": "Un courrier imprimé est conservé tel quel : ni modifié ni "
    "supprimé.",
}
CHUNK = 5000
FIELDS = (
    "id",
    "company_id",
    "dossier_id",
    "intervention_id",
    "at",
    "user_id",
    "action",
    "message",
    "before",
    "after",
)


def chain_existing_rows(apps, schema_editor):
    JournalEntry = apps.get_model("recouvrement", "JournalEntry")
    JournalHead = apps.get_model("recouvrement", "JournalHead")
    Company = apps.get_model("recouvrement", "Company")
    connection = schema_editor.connection
    drop_append_only(schema_editor, JOURNAL)
    chains: dict[int, Chain] = {}
    heads: dict[int, tuple[int, int]] = {}  # company → (last id, rows)
    quote = connection.ops.quote_name
    update = (
        f"UPDATE {quote(JOURNAL)} SET {quote('previous_hash')} = %s, {quote('hash')} = %s "
        f"WHERE {quote('id')} = %s"
    )
    last = 0
    while True:
        rows = list(
            JournalEntry.objects.filter(id__gt=last).order_by("id").values_list(*FIELDS)[:CHUNK]
        )
        if not rows:
            break
        changes = []
        for pk, company_id, *values in rows:
            chain = chains.setdefault(company_id, Chain())
            previous, digest = chain.add(canonical(company_id, *values))
            changes.append((previous, digest, pk))
            count = heads.get(company_id, (0, 0))[1]
            heads[company_id] = (pk, count + 1)
        with connection.cursor() as cursor:
            cursor.executemany(update, changes)
        last = rows[-1][0]
    JournalHead.objects.bulk_create(
        JournalHead(
            company_id=pk,
            last_hash=chains[pk].last_hash if pk in chains else GENESIS,
            last_id=heads[pk][0] if pk in heads else None,
            rows=heads[pk][1] if pk in heads else 0,
        )
        for pk in Company.objects.values_list("pk", flat=True)
    )
    if connection.vendor == "postgresql":  # no pending trigger event before ALTER TABLE
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    create_append_only(schema_editor, JOURNAL, PROTECTED[JOURNAL])


def restore_triggers(apps, schema_editor):
    for table, message in PROTECTED.items():
        drop_append_only(schema_editor, table)
        create_append_only(schema_editor, table, message)


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0011_letters_charges")]

    operations = [
        # Backwards, last: the rebuilt tables get their triggers again.
        migrations.RunPython(migrations.RunPython.noop, restore_triggers),
        migrations.CreateModel(
            name="JournalHead",
            fields=[
                (
                    "company",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="recouvrement.company",
                    ),
                ),
                ("last_hash", models.CharField(default=GENESIS, max_length=64)),
                ("last_id", models.BigIntegerField(null=True)),
                ("rows", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "tête du journal"},
        ),
        migrations.AddField(
            model_name="journalentry",
            name="previous_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="journalentry",
            name="previous_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name="journalentry",
            constraint=models.CheckConstraint(
                condition=Exact(Length("hash"), 64) & Exact(Length("previous_hash"), 64),
                name="journal_row_chained",
            ),
        ),
        migrations.RunPython(restore_triggers, migrations.RunPython.noop),
    ]

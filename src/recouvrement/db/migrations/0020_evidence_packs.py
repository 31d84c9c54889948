"""« Dossier de preuve » (B8): stored append-only like printed letters."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recouvrement.db.triggers import create_append_only, drop_append_only

TABLE = "recouvrement_evidencepack"
MESSAGE = "Un dossier de preuve est conservé tel quel : ni modifié ni supprimé."


def create_triggers(apps, schema_editor):
    create_append_only(schema_editor, TABLE, MESSAGE)


def drop_triggers(apps, schema_editor):
    drop_append_only(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("recouvrement", "0019_disputes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidencePack",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("pdf", models.BinaryField(verbose_name="PDF")),
                ("sha256", models.CharField(max_length=64)),
                ("zip", models.BinaryField(verbose_name="ZIP")),
                ("zip_sha256", models.CharField(max_length=64)),
                ("pieces", models.PositiveIntegerField(verbose_name="pièces")),
                ("route", models.CharField(max_length=40, verbose_name="voie proposée")),
                (
                    "amount_claimed",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="montant réclamé"
                    ),
                ),
                ("built_at", models.DateTimeField(verbose_name="préparé le")),
                (
                    "built_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recouvrement.company",
                    ),
                ),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence_packs",
                        to="recouvrement.dossier",
                    ),
                ),
            ],
            options={"verbose_name": "dossier de preuve"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

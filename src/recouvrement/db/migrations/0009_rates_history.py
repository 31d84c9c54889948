"""Rates complete (B2, issue 11 §4): the legal rate gets its kind (« autres cas », the rows
already stored, or « particuliers »), one row per kind and semester; the published history is
added where missing (ECB since 1999, both legal rates since 2015), never over a stored row."""

from django.db import migrations, models

from recouvrement.db.models.rates import seed_published_rates


def seed(apps, schema_editor):
    seed_published_rates(
        apps.get_model("recouvrement", "EcbRate"), apps.get_model("recouvrement", "LegalRate")
    )


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0008_first_run")]

    operations = [
        migrations.AddField(
            model_name="legalrate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("legal-pro", "Intérêt légal « autres cas »"),
                    ("legal-part", "Intérêt légal « particuliers »"),
                ],
                default="legal-pro",
                max_length=10,
                verbose_name="type",
            ),
        ),
        migrations.AlterField(
            model_name="legalrate",
            name="effective_date",
            field=models.DateField(verbose_name="date d'effet"),
        ),
        migrations.AddConstraint(
            model_name="legalrate",
            constraint=models.UniqueConstraint(
                fields=("kind", "effective_date"), name="legal_rate_once"
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
